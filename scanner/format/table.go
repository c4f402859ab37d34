package format

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/carveout/carveout/internal/safetext"

	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner/report"
)

// Table writes a report for people: licenses with their terms, verdicts
// and obligations grouped by license, then findings and a summary. Columns
// are aligned with tabwriter, so the output is the same on a terminal and
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
	p := &printer{w: w, color: o.Color}
	p.line("%s", p.c(bold, "carveout: "+clean(r.Target)))
	src := r.Source.Kind
	if r.Source.ID != "" {
		src += " " + r.Source.ID
	}
	if r.Source.Revision != "" {
		src += "@" + r.Source.Revision
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

	// Violations first: they are why a gate fails.
	if len(r.Violations) > 0 {
		p.line("")
		p.line("%s", p.c(bold, "POLICY VIOLATIONS"))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, v := range r.Violations {
			state := p.c(red, "FAIL")
			if v.Waived {
				state = "waived"
			}
			msg := v.Message
			if v.WaiverReason != "" {
				msg += " (waiver: " + v.WaiverReason + ")"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", state, v.Rule, clean(msg))
		}
		tw.Flush()
	}

	p.line("")
	p.line("%s", p.c(bold, "LICENSES"))
	if len(r.Licenses) == 0 {
		p.line("  (none found)")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  ID\tCATEGORY\tOSI\tMATCH\tCONFIDENCE\tEVIDENCE\n")
		for _, l := range r.Licenses {
			m := l.Match.Kind
			if l.Match.Modified {
				m += ",modified"
			}
			cat := l.Category
			switch cat {
			case "unknown", "non-commercial":
				cat = p.c(red, cat)
			case "custom-restricted", "usage-policy":
				cat = p.c(yellow, cat)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%.2f\t%s\n", l.ID, cat, yesNo(l.OSIApproved), m, l.Match.Confidence, evidenceList(l.Evidence, 3))
		}
		tw.Flush()
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
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, t := range l.Terms {
			where := evidenceList(t.Evidence, 2)
			if where == "" && t.Origin == "catalog" {
				where = "(catalog)"
			}
			verdict := ""
			if t.Verdict != "" {
				verdict = p.verdict(t.Verdict)
				if t.Reason != "" {
					verdict += ": " + clean(t.Reason)
				}
			}
			if verdict == "" {
				fmt.Fprintf(tw, "  %s\t%s\t%s\n", t.Kind, clean(t.Description), where)
			} else {
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", t.Kind, clean(t.Description), where, verdict)
			}
		}
		tw.Flush()
		if obl := obligations[l.ID]; len(obl) > 0 {
			p.line("  what you must do:")
			for _, o := range obl {
				p.line("    [ ] %s: %s %s", o.Kind, clean(o.Action), evidenceList(o.Evidence, 1))
			}
		}
	}
	if len(r.Lineage) > 0 {
		p.line("")
		p.line("%s", p.c(bold, "LINEAGE"))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, l := range r.Lineage {
			lic := strings.Join(l.Licenses, ", ")
			if !l.Resolved {
				lic = p.c(yellow, "unresolved")
			}
			rel := l.Relation
			if rel == "" {
				rel = "base"
			}
			note := l.Note
			fmt.Fprintf(tw, "  %s%s\t%s\t%s\t%s\t%s\n", strings.Repeat("  ", l.Depth-1), l.Base, rel, lic, l.Source, note)
		}
		tw.Flush()
	}
	p.line("")
	p.line("%s", p.c(bold, "FINDINGS"))
	if len(r.Findings) == 0 {
		p.line("  (none)")
	} else {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, f := range r.Findings {
			sev := string(f.Severity)
			switch f.Severity {
			case report.SeverityError:
				sev = p.c(red, sev)
			case report.SeverityWarning:
				sev = p.c(yellow, sev)
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", sev, f.Rule, clean(f.Message))
		}
		tw.Flush()
	}
	p.line("")
	s := r.Summary
	status := s.Status
	switch status {
	case "pass":
		status = p.c(green, "PASS")
	case "error":
		status = p.c(red, "ERROR (the target could not be read)")
	default: // fail, or a status this encoder does not know: never a pass
		status = p.c(red, strings.ToUpper(status))
	}
	p.line("summary: %d license(s); findings: %d error, %d warning, %d info; fail-on: %s; status: %s%s",
		s.Licenses, s.Findings["error"], s.Findings["warning"], s.Findings["info"], s.FailOn, status, decisionLine(s))
	return p.err
}

type printer struct {
	w     io.Writer
	color bool
	err   error
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

func (p *printer) verdict(v string) string {
	switch v {
	case "applies":
		return p.c(red, v)
	case "undetermined":
		return p.c(yellow, v)
	}
	return p.c(green, v)
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
