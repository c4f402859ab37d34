package format

import (
	"cmp"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/carveout/carveout/licenses/terms"
)

// HTML writes one self-contained page (no network assets: the styles are
// inline, the lineage an inline SVG) that a lawyer can file and print: a
// decision box per target, what fails, a matrix of licenses × restrictions
// coloured by verdict, every term with its clause and lines, the
// obligations as a checklist, the lineage as a picture and an appendix of
// the files read. The scan date is written only when Options.Timestamp is
// set.
type HTML struct{}

//go:embed html.tmpl
var htmlTemplate string

// htmlTmpl is the parsed template, parsed on first use.
var htmlTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(template.FuncMap{
		"place":    Place,
		"thousand": Thousands,
		"join":     strings.Join,
		"vclass":   verdictClass,
		"percent":  func(f float64) float64 { return f * 100 },
	}).Parse(htmlTemplate))
})

type htmlPage struct {
	Title     string
	Version   string
	Catalog   string
	Schema    string
	Timestamp string
	Reports   []htmlReport
}

type htmlReport struct {
	*Report
	N           int
	Name        string
	Failing     []htmlRow
	Waived      []htmlRow
	Kinds       []string // the restriction kinds of the matrix
	Matrix      []htmlMatrixRow
	Missing     []string
	ProfileName string
	ProfileHash string
	Lineage     template.HTML // inline SVG
	Links       *Repo
	Prefix      string
}

type htmlRow struct {
	Rule, License, Message string
	Where                  []htmlPlace
}

type htmlPlace struct {
	Text, URL string
}

type htmlMatrixRow struct {
	License, Category string
	Cells             []htmlCell
}

type htmlCell struct {
	Verdict, Title string
}

// Encode implements Encoder.
func (HTML) Encode(w io.Writer, rs []*Report, o Options) error {
	page := htmlPage{Version: o.toolVersion(), Catalog: o.catalog(), Schema: r0Schema(rs), Timestamp: o.timestamp()}
	var names []string
	for i, r := range rs {
		hr := htmlPrepare(r, i, o)
		names = append(names, hr.Name)
		page.Reports = append(page.Reports, hr)
	}
	page.Title = "carveout report — " + strings.Join(names, ", ")
	return htmlTmpl().Execute(w, page)
}

func htmlPrepare(r *Report, i int, o Options) htmlReport {
	hr := htmlReport{Report: r, N: i + 1, Name: modelName(r), Missing: missingFields(r), Links: o.Repo, Prefix: o.root(r)}
	where := func(ev []Evidence) []htmlPlace {
		var out []htmlPlace
		for _, e := range ev {
			p := htmlPlace{Text: Place(e)}
			if fileEvidence(e) {
				p.URL = o.Repo.Link(hr.Prefix+e.Path, e.StartLine, e.EndLine)
			}
			out = append(out, p)
		}
		return out
	}
	for _, f := range r.Findings {
		row := htmlRow{Rule: f.Rule, License: f.License, Message: f.Message, Where: where(f.Evidence)}
		switch {
		case waivedFinding(r, f):
			hr.Waived = append(hr.Waived, row)
		case failing(r, f) || violated(r, f):
			hr.Failing = append(hr.Failing, row)
		}
	}
	isFinding := map[waiverKey]bool{}
	for _, f := range r.Findings {
		isFinding[waiverKey{f.Rule, f.License}] = true
	}
	for _, v := range r.Violations {
		if isFinding[waiverKey{v.Rule, v.License}] {
			continue
		}
		row := htmlRow{Rule: v.Rule, License: v.License, Message: v.Message, Where: where(firstFile(violationEvidence(r, v)))}
		if v.Waived {
			row.Message += " — waiver: " + v.WaiverReason
			hr.Waived = append(hr.Waived, row)
		} else {
			if v.WaiverExpired {
				row.Message += " (waiver expired)"
			}
			hr.Failing = append(hr.Failing, row)
		}
	}

	// The matrix: restriction kinds present in any license, in the order
	// of terms.Kinds.
	present := map[string]bool{}
	for _, l := range r.Licenses {
		for _, t := range l.Terms {
			present[t.Kind] = true
		}
	}
	for _, k := range terms.Kinds {
		if terms.Restricts(k) && present[string(k)] {
			hr.Kinds = append(hr.Kinds, string(k))
		}
	}
	for _, l := range r.Licenses {
		row := htmlMatrixRow{License: l.ID, Category: l.Category}
		for _, k := range hr.Kinds {
			cell := htmlCell{}
			for _, t := range l.Terms {
				if t.Kind != k {
					continue
				}
				v := cmp.Or(t.Verdict, "present")
				// The worst verdict wins the cell.
				if verdictRank(v) > verdictRank(cell.Verdict) {
					cell.Verdict, cell.Title = v, t.Description
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		hr.Matrix = append(hr.Matrix, row)
	}
	if r.Profile != nil {
		hr.ProfileName = cmp.Or(r.Profile.Name, "(unnamed)")
		b, _ := json.Marshal(r.Profile)
		h := sha256.Sum256(b)
		hr.ProfileHash = "sha256:" + hex.EncodeToString(h[:])
	}
	hr.Lineage = lineageSVG(r)
	return hr
}

// firstFile is the first place in a file, as a list (none when there is
// none).
func firstFile(ev []Evidence) []Evidence {
	for _, e := range ev {
		if fileEvidence(e) {
			return []Evidence{e}
		}
	}
	return nil
}

func verdictRank(v string) int {
	switch v {
	case "applies":
		return 4
	case "undetermined":
		return 3
	case "present":
		return 2
	case "does-not-apply":
		return 1
	}
	return 0
}

// lineageSVG draws the model and its base models, one row per depth.
func lineageSVG(r *Report) template.HTML {
	if len(r.Lineage) == 0 {
		return ""
	}
	type node struct {
		label, sub string
		depth, col int
		resolved   bool
	}
	nodes := []node{{label: modelName(r), sub: strings.Join(r.Declared.Canonical, ", "), resolved: true}}
	index := map[string]int{r.Target: 0, modelName(r): 0}
	cols := map[int]int{0: 1}
	var edges [][2]int
	for _, l := range r.Lineage {
		j, ok := index[l.Base]
		if !ok {
			sub := strings.Join(l.Licenses, ", ")
			if !l.Resolved {
				sub = "license not established"
			}
			nodes = append(nodes, node{label: l.Base, sub: sub, depth: l.Depth, col: cols[l.Depth], resolved: l.Resolved})
			cols[l.Depth]++
			j = len(nodes) - 1
			index[l.Base] = j
		}
		from, ok := index[l.Model]
		if !ok {
			from = 0
		}
		edges = append(edges, [2]int{from, j})
	}
	const boxW, boxH, gapX, gapY = 300, 46, 20, 40
	width := 0
	maxDepth := 0
	for d, n := range cols {
		width = max(width, n*(boxW+gapX))
		maxDepth = max(maxDepth, d)
	}
	height := (maxDepth+1)*(boxH+gapY) - gapY + 2
	x := func(n node) int { return n.col*(boxW+gapX) + 1 }
	y := func(n node) int { return n.depth*(boxH+gapY) + 1 }
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg class="lineage" role="img" aria-label="lineage of %s" viewBox="0 0 %d %d" width="%d" height="%d" xmlns="http://www.w3.org/2000/svg">`, esc(modelName(r)), width, height, width, height)
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>`)
	for _, e := range edges {
		a, c := nodes[e[0]], nodes[e[1]]
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#555" stroke-width="1.5" marker-end="url(#arrow)"/>`, x(a)+boxW/2, y(a)+boxH, x(c)+boxW/2, y(c))
	}
	for i, n := range nodes {
		cls := "node"
		if i == 0 {
			cls += " model"
		}
		if !n.resolved {
			cls += " unresolved"
		}
		fmt.Fprintf(&b, `<g class="%s"><rect x="%d" y="%d" width="%d" height="%d" rx="6"/><text x="%d" y="%d" class="label">%s</text><text x="%d" y="%d" class="sub">%s</text></g>`,
			cls, x(n), y(n), boxW, boxH, x(n)+10, y(n)+19, esc(clip(n.label, 40)), x(n)+10, y(n)+37, esc(clip(n.sub, 44)))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// clip cuts s to n runes with an ellipsis.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// verdictClass is the colour class of a term's verdict: an obligation that
// applies is a duty to meet (not a failure), a restriction that applies
// is red.
func verdictClass(kind, verdict string) string {
	switch {
	case verdict == "":
		return "present"
	case verdict == "applies" && terms.IsObligation(terms.Kind(kind)):
		return "duty"
	}
	return verdict
}
