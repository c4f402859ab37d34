// Package textcols lays out aligned text tables for a terminal: columns
// are measured on the plain text, colour is applied after padding (so
// escape codes never shift a column), and a table wider than the
// terminal keeps its leading columns aligned and wraps the rest of each
// row under itself.
//
// With no width (a pipe without $COLUMNS) the output is byte for byte
// what text/tabwriter (minwidth 0, padding 2, flags 0) prints for the same
// cells, so reports in files and golden tests do not depend on a terminal.
package textcols

import (
	"io"
	"strings"
	"unicode/utf8"
)

// Span is a piece of a cell's text with an optional colour (an SGR
// escape sequence such as "\x1b[31m"; "" for none).
type Span struct {
	Text, Color string
}

// Cell is the text of one cell, in spans.
type Cell []Span

// Plain is a cell without colour.
func Plain(s string) Cell { return Cell{{Text: s}} }

// Colored is a cell in one colour.
func Colored(color, s string) Cell { return Cell{{Text: s, Color: color}} }

// Text is the cell's text without colour.
func (c Cell) Text() string {
	var b strings.Builder
	for _, s := range c {
		b.WriteString(s.Text)
	}
	return b.String()
}

func (c Cell) width() int { return utf8.RuneCountInString(c.Text()) }

const (
	reset   = "\x1b[0m"
	padding = 2
	// minFlow is the narrowest column the wrapped rest of a row gets
	// beside the aligned columns (and at least half the width): a
	// narrower column of prose is hard to read.
	minFlow = 30
	// minRest is the room an aligned cell beyond the kept columns must
	// leave for the rest of its row on the first line.
	minRest = 16
)

// Table is a list of rows of cells, each line starting with Indent.
type Table struct {
	Indent string
	rows   [][]Cell
}

// Row adds a row.
func (t *Table) Row(cells ...Cell) { t.rows = append(t.rows, cells) }

// Rows adds a row of plain cells.
func (t *Table) Rows(cells ...string) {
	row := make([]Cell, len(cells))
	for i, c := range cells {
		row[i] = Plain(c)
	}
	t.Row(row...)
}

// Write prints the table. width 0 means no limit; color false drops the
// colours.
func (t *Table) Write(w io.Writer, width int, color bool) error {
	var b strings.Builder
	if width <= 0 {
		t.writeTabwriter(&b, color)
	} else {
		t.writeWidth(&b, width, color)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTabwriter reproduces text/tabwriter's column blocks: column j is
// aligned over each run of consecutive rows in which it is not the last
// cell; the last cell of a row is not padded.
func (t *Table) writeTabwriter(b *strings.Builder, color bool) {
	widths := make([][]int, len(t.rows)) // widths[i][j]: padded width of cell j of row i
	for i, r := range t.rows {
		widths[i] = make([]int, len(r))
	}
	for j := 0; ; j++ {
		any := false
		for i := 0; i < len(t.rows); {
			if len(t.rows[i]) <= j+1 {
				i++
				continue
			}
			any = true
			k, max := i, 0
			for ; k < len(t.rows) && len(t.rows[k]) > j+1; k++ {
				cw := t.rows[k][j].width()
				if j == 0 {
					cw += utf8.RuneCountInString(t.Indent)
				}
				if cw > max {
					max = cw
				}
			}
			for ; i < k; i++ {
				widths[i][j] = max + padding
			}
		}
		if !any {
			break
		}
	}
	for i, r := range t.rows {
		b.WriteString(t.Indent)
		for j, c := range r {
			writeCell(b, c, color)
			if j < len(r)-1 {
				pad := widths[i][j] - c.width()
				if j == 0 {
					pad -= utf8.RuneCountInString(t.Indent)
				}
				b.WriteString(strings.Repeat(" ", pad))
			}
		}
		b.WriteString("\n")
	}
}

// writeWidth fits the table in width columns. Rows that fit are aligned
// as usual; otherwise the first k columns (k as large as leaves minFlow
// columns for the rest) stay aligned and the remaining cells are wrapped
// beside them, or under the row when even one column leaves too little.
func (t *Table) writeWidth(b *strings.Builder, width int, color bool) {
	ncols := 0
	for _, r := range t.rows {
		ncols = max(ncols, len(r))
	}
	colw := make([]int, ncols) // natural width of column j over rows where it is not last
	full := 0
	for _, r := range t.rows {
		for j, c := range r[:max(len(r)-1, 0)] {
			colw[j] = max(colw[j], c.width()+padding)
		}
	}
	indent := utf8.RuneCountInString(t.Indent)
	for _, r := range t.rows {
		n := indent
		for j, c := range r {
			if j < len(r)-1 {
				n += colw[j]
			} else {
				n += c.width()
			}
		}
		full = max(full, n)
	}
	if full <= width {
		t.writeAligned(b, colw, len(colw), 0, color)
		return
	}
	keep, off := 0, indent
	for k := ncols - 1; k >= 1; k-- {
		o := indent
		for j := 0; j < k; j++ {
			o += colw[j]
		}
		if o+max(minFlow, width/2) <= width {
			keep, off = k, o
			break
		}
	}
	if keep == 0 {
		// Too narrow for any column beside the rest: the first cell on
		// its line, the rest wrapped under it.
		keep, off = 1, 0
		t.writeAligned(b, colw, keep, width, color)
		return
	}
	t.writeAlignedFlow(b, colw, keep, off, width, color)
}

// writeAligned prints each row aligned on all columns when keep covers
// them; with keep 1 and width > 0 the rest of each row goes under it,
// indented.
func (t *Table) writeAligned(b *strings.Builder, colw []int, keep, width int, color bool) {
	for _, r := range t.rows {
		b.WriteString(t.Indent)
		if keep >= len(colw) || width == 0 {
			for j, c := range r {
				writeCell(b, c, color)
				if j < len(r)-1 {
					b.WriteString(strings.Repeat(" ", colw[j]-c.width()))
				}
			}
			b.WriteString("\n")
			continue
		}
		writeCell(b, r[0], color)
		b.WriteString("\n")
		if len(r) > 1 {
			hang := strings.Repeat(" ", utf8.RuneCountInString(t.Indent)+4)
			wrapCells(b, r[1:], hang, hang, width-len(hang), color)
		}
	}
}

// writeAlignedFlow keeps the first keep columns aligned and wraps the
// rest beside them, from column off.
func (t *Table) writeAlignedFlow(b *strings.Builder, colw []int, keep, off, width int, color bool) {
	hang := strings.Repeat(" ", off)
	for _, r := range t.rows {
		b.WriteString(t.Indent)
		n := min(keep, len(r))
		for j := 0; j < n; j++ {
			writeCell(b, r[j], color)
			if j < len(r)-1 {
				b.WriteString(strings.Repeat(" ", colw[j]-r[j].width()))
			}
		}
		if len(r) <= keep {
			b.WriteString("\n")
			continue
		}
		// The next cells stay aligned as long as they fit with room for
		// the rest; the rest wraps from there, its later lines at off.
		j, pos := keep, off
		for ; j < len(r)-1 && pos+colw[j]+max(minRest, firstWord(r[j+1:])) <= width; j++ {
			writeCell(b, r[j], color)
			b.WriteString(strings.Repeat(" ", colw[j]-r[j].width()))
			pos += colw[j]
		}
		wrapCellsFirst(b, r[j:], "", hang, width-pos, width-off, color)
	}
}

// word is a run of text without spaces, in one colour.
type word struct {
	text, color string
	n           int
}

// wrapCells writes cells (joined by two spaces) as lines of at most width
// columns, the first line after first, the others after hang. A word
// longer than width is cut.
func wrapCells(b *strings.Builder, cells []Cell, first, hang string, width int, color bool) {
	wrapCellsFirst(b, cells, first, hang, width, width, color)
}

// wrapCellsFirst is wrapCells with a first line of firstWidth columns.
func wrapCellsFirst(b *strings.Builder, cells []Cell, first, hang string, firstWidth, width int, color bool) {
	width = max(width, 10)
	firstWidth = max(firstWidth, 10)
	limit := func(lines [][]word) int {
		if len(lines) == 0 {
			return firstWidth
		}
		return width
	}
	var lines [][]word
	var cur []word
	curw, gstart := 0, 0
	sep := 1
	for ci, c := range cells {
		if c.width() == 0 {
			continue
		}
		for si, s := range c {
			for wi, f := range strings.Fields(s.Text) {
				wd := word{text: f, color: s.Color, n: utf8.RuneCountInString(f)}
				sp := sep
				if ci > 0 && si == 0 && wi == 0 {
					sp = 2 // between cells
				}
				if len(cur) == 0 {
					sp = 0
				}
				// A word glued to the previous span (no space before it)
				// stays glued, and moves with it to the next line.
				glued := len(cur) > 0 && wi == 0 && si > 0 && !strings.HasPrefix(s.Text, " ") && !strings.HasSuffix(c[si-1].Text, " ")
				if glued {
					sp = 0
				} else {
					gstart = len(cur)
				}
				for wd.n > width { // a word wider than a line
					rs := []rune(wd.text)
					if len(cur) > 0 {
						lines, cur, curw = append(lines, cur), nil, 0
					}
					lim := limit(lines)
					lines = append(lines, []word{{text: string(rs[:lim]), color: wd.color, n: lim}})
					wd = word{text: string(rs[lim:]), color: wd.color, n: len(rs) - lim}
					sp = 0
				}
				if len(cur) == 0 && len(lines) == 0 && wd.n > firstWidth && wd.n <= width {
					lines = append(lines, nil) // the first line has no room: start under it
				}
				if len(cur) > 0 && curw+sp+wd.n > limit(lines) {
					if glued && gstart > 0 {
						carry := cur[gstart:]
						if len(carry) > 0 && strings.TrimSpace(carry[0].text) == "" {
							carry = carry[1:]
						}
						lines = append(lines, cur[:gstart])
						cur, curw = append([]word(nil), carry...), 0
						for _, c := range cur {
							curw += c.n
						}
						gstart = 0
					} else {
						lines, cur, curw, sp, gstart = append(lines, cur), nil, 0, 0, 0
					}
				}
				if sp > 0 {
					cur = append(cur, word{text: strings.Repeat(" ", sp), n: sp})
				}
				cur = append(cur, wd)
				curw += sp + wd.n
			}
		}
	}
	if len(cur) > 0 {
		lines = append(lines, cur)
	}
	if len(lines) == 0 {
		b.WriteString("\n")
		return
	}
	for i, l := range lines {
		if i == 0 {
			b.WriteString(first)
		} else {
			b.WriteString(hang)
		}
		for _, wd := range l {
			writeSpan(b, Span{Text: wd.text, Color: wd.color}, color)
		}
		b.WriteString("\n")
	}
}

func writeCell(b *strings.Builder, c Cell, color bool) {
	for _, s := range c {
		writeSpan(b, s, color)
	}
}

func writeSpan(b *strings.Builder, s Span, color bool) {
	if color && s.Color != "" && s.Text != "" {
		b.WriteString(s.Color + s.Text + reset)
		return
	}
	b.WriteString(s.Text)
}

// Wrap writes text as lines of at most width columns (no limit when width
// is 0), the first line after first, the others after hang.
func Wrap(w io.Writer, text string, first, hang string, width int) error {
	var b strings.Builder
	if width <= 0 || utf8.RuneCountInString(first+text) <= width {
		b.WriteString(first + text + "\n")
	} else {
		// The first line's prefix is wrapped with the text (its leading
		// spaces kept), so no line is wider than width.
		lead := first[:len(first)-len(strings.TrimLeft(first, " "))]
		wrapCells(&b, []Cell{Plain(first[len(lead):] + text)}, lead, hang, width-max(len(hang), len(lead)), false)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Len is the cell's width in runes.
func (c Cell) Len() int { return c.width() }

// WrapCell writes one cell as lines of at most width columns, the lines
// after the first after hang.
func WrapCell(w io.Writer, c Cell, hang string, width int, color bool) error {
	var b strings.Builder
	wrapCells(&b, []Cell{c}, "", hang, width-utf8.RuneCountInString(hang), color)
	_, err := io.WriteString(w, b.String())
	return err
}

// firstWord is the width of the first word of cells.
func firstWord(cells []Cell) int {
	for _, c := range cells {
		if f := strings.Fields(c.Text()); len(f) > 0 {
			return utf8.RuneCountInString(f[0])
		}
	}
	return 0
}
