package format

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/carveout/carveout/internal/safetext"
	"github.com/carveout/carveout/internal/textcols"

	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner/report"
	"github.com/carveout/carveout/scanner/rules"
)

// Table writes a report for people: licenses with their terms, verdicts
// and obligations grouped by license, then findings and a summary. Columns
// are aligned on their plain text (colour is applied after padding); with
// Options.Width a table wider than the terminal wraps the rest of each row
// under itself. Without a width the output is the same on a terminal and
// in a pipe (only colors differ).
type Table struct{}

const (
	red    = "\x1b[31m"
	yellow = "\x1b[33m"
	green  = "\x1b[32m"
	bold   = "\x1b[1m"
	reset  = "\x1b[0m"
)

// Encode implements Encoder. Several reports are separated by a blank
// line.
func (t Table) Encode(w io.Writer, rs []*report.Report, o Options) error {
	for i, r := range rs {
		if i > 0 {
			if _, err := fmt.Fprintln(w); err != nil {
				return err
			}
		}
		if err := t.encode(w, r, o); err != nil {
			return err
		}
	}
	return nil
}

func (Table) encode(w io.Writer, r *report.Report, o Options) error {
	// Every string of the report may come from a hostile repository or
	// server: all are escaped for the terminal, once, before printing.
	r = safetext.EscapeAll(r)
	p := &printer{w: w, color: o.Color, width: o.Width}
	p.line("%s", p.c(bold, "carveout: "+clean(r.Target)))
	src := r.Source.Kind
	if r.Source.ID != "" {
		src += " " + r.Source.ID
	}
	if r.Source.Revision != "" {
		src += "@" + r.Source.Revision
	}
	if r.Source.Gated != "" && unreadable(r) {
		src += " — files not read (gated: " + r.Source.Gated + ")"
	}
	p.line("source: %s", src)
	if len(r.Declared.Licenses) > 0 || r.Declared.LicenseName != "" {
		d := strings.Join(r.Declared.Licenses, ", ")
		if r.Declared.LicenseName != "" {
			d += " (license_name: " + r.Declared.LicenseName + ")"
		}
		p.line("declared: %s → %s  [%s]", d, strings.Join(r.Declared.Canonical, ", "), r.Declared.Path)
	} else {
		p.line("declared: (none)")
	}
	if len(r.Declared.BaseModels) > 0 {
		p.line("base models: %s", strings.Join(r.Declared.BaseModels, ", "))
	}
	if len(r.Source.ServiceLicense) > 0 {
		p.line("service says: %s", strings.Join(r.Source.ServiceLicense, ", "))
	}

	p.line("")
	p.line("%s", p.c(bold, "LICENSES"))
	if len(r.Licenses) == 0 {
		p.line("  (none found)")
	} else {
		tw := p.table()
		tw.Rows("ID", "CATEGORY", "OSI", "MATCH", "CONFIDENCE", "EVIDENCE")
		for _, l := range r.Licenses {
			m := l.Match.Kind
			if l.Match.Modified {
				m += ",modified"
			}
			cat := textcols.Plain(l.Category)
			switch l.Category {
			case "unknown", "non-commercial":
				cat = textcols.Colored(red, l.Category)
			case "custom-restricted", "usage-policy":
				cat = textcols.Colored(yellow, l.Category)
			}
			tw.Row(textcols.Plain(l.ID), cat, textcols.Plain(yesNo(l.OSIApproved)), textcols.Plain(m), textcols.Plain(fmt.Sprintf("%.2f", l.Match.Confidence)), textcols.Plain(evidenceList(l.Evidence, 3)))
		}
		p.flush(tw)
	}
	obligations := map[string][]report.Obligation{}
	for _, o := range r.Obligations {
		obligations[o.License] = append(obligations[o.License], o)
	}
	for _, l := range r.Licenses {
		if len(l.Terms) == 0 && len(obligations[l.ID]) == 0 {
			continue
		}
		p.line("")
		title := l.ID
		if l.Name != "" && l.Name != l.ID {
			title += " — " + l.Name
		}
		p.line("%s", p.c(bold, "TERMS "+title))
		tw := p.table()
		for _, t := range l.Terms {
			where := evidenceList(t.Evidence, 2)
			if where == "" && t.Origin == "catalog" {
				where = "(catalog)"
			}
			row := []textcols.Cell{textcols.Plain(t.Kind), textcols.Plain(clean(t.Description)), textcols.Plain(where)}
			if t.Verdict != "" {
				verdict := p.verdict(t.Verdict)
				if t.Reason != "" {
					verdict = append(verdict, textcols.Span{Text: ": " + clean(t.Reason)})
				}
				row = append(row, verdict)
			}
			tw.Row(row...)
		}
		p.flush(tw)
		if obl := obligations[l.ID]; len(obl) > 0 {
			p.line("  what you must do:")
			for _, o := range obl {
				p.wrap("    [ ] ", "        ", fmt.Sprintf("%s: %s %s", o.Kind, clean(o.Action), evidenceList(o.Evidence, 1)))
			}
		}
	}
	if len(r.Lineage) > 0 {
		p.line("")
		p.line("%s", p.c(bold, "LINEAGE"))
		tw := p.table()
		for _, l := range r.Lineage {
			lic := textcols.Plain(strings.Join(l.Licenses, ", "))
			if !l.Resolved {
				lic = textcols.Colored(yellow, "unresolved")
			}
			rel := l.Relation
			if rel == "" {
				rel = "base"
			}
			note := l.Note
			tw.Row(textcols.Plain(strings.Repeat("  ", l.Depth-1)+l.Base), textcols.Plain(rel), lic, textcols.Plain(l.Source), textcols.Plain(note))
		}
		p.flush(tw)
	}
	p.line("")
	p.line("%s", p.c(bold, "FINDINGS"))
	if rows := problems(r); len(rows) == 0 {
		p.line("  (none)")
	} else {
		tw := p.table()
		tw.Rows("STATE", "SEVERITY", "RULE", "PLACE", "MESSAGE")
		for _, x := range rows {
			state := textcols.Plain(x.state)
			if x.state == stateFailing {
				state = textcols.Colored(red, x.state)
			}
			sev := textcols.Plain(x.severity)
			switch report.Severity(x.severity) {
			case report.SeverityError:
				sev = textcols.Colored(red, x.severity)
			case report.SeverityWarning:
				sev = textcols.Colored(yellow, x.severity)
			}
			tw.Row(state, sev, textcols.Plain(x.rule), textcols.Plain(x.place), textcols.Plain(clean(x.message)))
		}
		p.flush(tw)
	}
	p.line("")
	s := r.Summary
	var status textcols.Cell
	switch s.Status {
	case "pass":
		status = textcols.Colored(green, "PASS")
	case "error":
		status = textcols.Colored(red, "ERROR (the target could not be read)")
	default: // fail, or a status this encoder does not know: never a pass
		status = textcols.Colored(red, strings.ToUpper(s.Status))
	}
	p.wrapColored("", "  ", fmt.Sprintf("summary: %d license(s); findings: %d error, %d warning, %d info; fail-on: %s; status: ",
		s.Licenses, s.Findings["error"], s.Findings["warning"], s.Findings["info"], s.FailOn), status, decisionLine(s))
	return p.err
}

type printer struct {
	w     io.Writer
	color bool
	// width is the terminal's width; 0: no limit.
	width int
	err   error
}

// table starts an aligned table indented by two spaces.
func (p *printer) table() *textcols.Table { return &textcols.Table{Indent: "  "} }

func (p *printer) flush(t *textcols.Table) {
	if p.err == nil {
		p.err = t.Write(p.w, p.width, p.color)
	}
}

// wrap prints text wrapped at the width, the first line after first, the
// others after hang.
func (p *printer) wrap(first, hang, text string) {
	if p.err == nil {
		p.err = textcols.Wrap(p.w, text, first, hang, p.width)
	}
}

// wrapColored prints pre, a coloured middle and post as one wrapped line.
// Without a width it is one line, as p.line would print it.
func (p *printer) wrapColored(first, hang, pre string, mid textcols.Cell, post string) {
	if p.err != nil {
		return
	}
	t := textcols.Table{}
	c := append(textcols.Cell{{Text: first + pre}}, mid...)
	c = append(c, textcols.Span{Text: post})
	if p.width <= 0 || c.Len() <= p.width {
		t.Row(c)
		p.err = t.Write(p.w, 0, p.color)
		return
	}
	p.err = textcols.WrapCell(p.w, c, hang, p.width, p.color)
}

func (p *printer) line(format string, args ...any) {
	if p.err != nil {
		return
	}
	_, p.err = fmt.Fprintf(p.w, format+"\n", args...)
}

// clean escapes control characters (newlines, escape sequences, raw C1
// bytes, bidirectional overrides) that a hostile file name or text could
// carry into the table.
func clean(s string) string { return safetext.Escape(s) }

func (p *printer) c(code, s string) string {
	if !p.color {
		return s
	}
	return code + s + reset
}

func (p *printer) verdict(v string) textcols.Cell {
	switch v {
	case "applies":
		return textcols.Colored(red, v)
	case "undetermined":
		return textcols.Colored(yellow, v)
	}
	return textcols.Colored(green, v)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// evidenceList renders up to max evidence places as path:start-end.
func evidenceList(es []report.Evidence, max int) string {
	var parts []string
	for i, e := range es {
		if i == max {
			parts = append(parts, fmt.Sprintf("+%d more", len(es)-max))
			break
		}
		parts = append(parts, clean(Place(e)))
	}
	return strings.Join(parts, ", ")
}

// Place renders one evidence place as path:line or path:start-end.
func Place(e report.Evidence) string { return e.Place() }

// Thousands formats n with comma separators.
func Thousands(n int64) string { return terms.Thousands(n) }

// decisionLine closes the summary line with the decision, so a pass with
// undetermined terms says so on the same line.
func decisionLine(s report.Summary) string {
	if s.Decision == "" {
		return ""
	}
	d := "; decision: " + s.Decision
	if s.Decision == "needs-information" && len(s.Missing) > 0 {
		d += " (set " + strings.Join(s.Missing, ", ") + ")"
	}
	return d + fmt.Sprintf(" — %d apply, %d undetermined, %d waived, %d obligations", s.Applies, s.Undetermined, s.Waived, s.Obligations)
}

// States of a row of the table's FINDINGS list.
const (
	stateFailing = "failing" // makes the gate fail
	stateWaived  = "waived"  // would fail, a policy waiver excuses it
	stateInfo    = "info"    // reported, does not fail
)

// problem is one row of the FINDINGS list: a finding or a policy
// violation, once.
type problem struct {
	state, severity, rule, place, message string
}

// problems merges the findings and the policy violations into one list:
// a finding the policy fails (or waives) is one row with that state, a
// violation of a term (no finding) a row of its own; failing rows first,
// then waived, then the rest.
func problems(r *report.Report) []problem {
	used := make([]bool, len(r.Violations))
	violation := func(f report.Finding) int {
		for i, v := range r.Violations {
			if !used[i] && v.Rule == f.Rule && strings.HasPrefix(v.Message, f.Message) {
				used[i] = true
				return i
			}
		}
		return -1
	}
	withWaiver := func(v report.Violation) string {
		if v.WaiverReason != "" && !strings.Contains(v.Message, v.WaiverReason) {
			return v.Message + " (waiver: " + v.WaiverReason + ")"
		}
		return v.Message
	}
	failOn := report.Severity(r.Summary.FailOn)
	var out []problem
	for _, f := range r.Findings {
		x := problem{severity: string(f.Severity), rule: f.Rule, place: "-", message: f.Message}
		if len(f.Evidence) > 0 {
			x.place = clean(Place(f.Evidence[0])) // the JSON has every place
		}
		// A message that starts with its place does not say it twice.
		x.message = strings.TrimPrefix(x.message, x.place+": ")
		if i := violation(f); i >= 0 {
			v := r.Violations[i]
			x.state, x.message = stateFailing, strings.TrimPrefix(withWaiver(v), x.place+": ")
			if v.Waived {
				x.state = stateWaived
			}
		} else if failOn.Rank() > 0 && f.Severity.Rank() >= failOn.Rank() {
			x.state = stateFailing
		} else {
			x.state = stateInfo
		}
		out = append(out, x)
	}
	var terms []problem
	for i, v := range r.Violations {
		if used[i] {
			continue
		}
		x := problem{state: stateFailing, severity: "-", rule: v.Rule, place: termPlace(r, v), message: withWaiver(v)}
		if v.Waived {
			x.state = stateWaived
		}
		terms = append(terms, x)
	}
	out = append(terms, out...)
	rank := map[string]int{stateFailing: 0, stateWaived: 1, stateInfo: 2}
	sort.SliceStable(out, func(i, j int) bool { return rank[out[i].state] < rank[out[j].state] })
	return out
}

// termPlace is where a term violation's term is cited (the violation's
// rule is VERDICT:KIND), else its path, else "-".
func termPlace(r *report.Report, v report.Violation) string {
	if _, kind, ok := strings.Cut(v.Rule, ":"); ok {
		for _, l := range r.Licenses {
			if l.ID != v.License {
				continue
			}
			for _, t := range l.Terms {
				if t.Kind == kind && len(t.Evidence) > 0 {
					return clean(Place(t.Evidence[0]))
				}
			}
		}
	}
	if v.Path != "" {
		return clean(v.Path)
	}
	return "-"
}

// unreadable says whether the target's files could not be read (a gated
// repository reports only what the Hub API says).
func unreadable(r *report.Report) bool {
	for _, f := range r.Findings {
		if f.Rule == rules.TargetUnreadable {
			return true
		}
	}
	return false
}
