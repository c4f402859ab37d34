package format

import (
	"cmp"
	"fmt"
	"io"
	"strings"
)

// Markdown writes GitHub-flavoured Markdown sized for a pull-request
// comment or $GITHUB_STEP_SUMMARY: the decision first, a table of what
// fails with links to the lines (Options.Repo), the obligations as a
// checklist, terms, other findings and lineage folded in <details>.
type Markdown struct{}

// Encode implements Encoder.
func (Markdown) Encode(w io.Writer, rs []*Report, o Options) error {
	var b strings.Builder
	if len(rs) > 1 {
		failing := 0
		for _, r := range rs {
			if r.Summary.Status != "pass" { // fail, error: never a pass
				failing++
			}
		}
		mark := "✅"
		if failing > 0 {
			mark = "❌"
		}
		fmt.Fprintf(&b, "# %s carveout: %d of %d targets fail\n\n", mark, failing, len(rs))
	}
	for i, r := range rs {
		if i > 0 {
			b.WriteString("\n---\n\n")
		}
		markdownReport(&b, r, o, len(rs) > 1)
	}
	fmt.Fprintf(&b, "\n<sub>carveout %s · license catalog %s · %s</sub>\n", mdText(o.toolVersion()), mdText(o.catalog()), mdText(r0Schema(rs)))
	_, err := io.WriteString(w, b.String())
	return err
}

func r0Schema(rs []*Report) string {
	if len(rs) > 0 && rs[0].Schema != "" {
		return rs[0].Schema
	}
	return "carveout.report/v1"
}

// failing reports whether a finding fails the gate at r's fail_on.
func failing(r *Report, f Finding) bool {
	var on Severity
	switch r.Summary.FailOn {
	case "error", "warning", "info":
		on = Severity(r.Summary.FailOn)
	default:
		return false
	}
	return f.Severity.Rank() >= on.Rank()
}

// violated: a policy violation (not waived) names the finding.
func violated(r *Report, f Finding) bool {
	for _, v := range r.Violations {
		if v.Rule == f.Rule && v.License == f.License && !v.Waived {
			return true
		}
	}
	return false
}

// waivedFinding: the policy waives the finding.
func waivedFinding(r *Report, f Finding) bool {
	w := false
	for _, v := range r.Violations {
		if v.Rule == f.Rule && v.License == f.License {
			if !v.Waived {
				return false
			}
			w = true
		}
	}
	return w
}

func markdownReport(b *strings.Builder, r *Report, o Options, several bool) {
	h := "#"
	if several {
		h = "##"
	}
	mark, status := "✅", "PASS"
	if r.Summary.Status != "pass" { // fail, error: never a pass
		mark, status = "❌", strings.ToUpper(r.Summary.Status)
	}
	fmt.Fprintf(b, "%s %s carveout: %s — %s\n\n", h, mark, status, mdText(r.Target))
	var counts []string
	for _, s := range []string{"error", "warning", "info"} {
		counts = append(counts, fmt.Sprintf("%d %s", r.Summary.Findings[s], s))
	}
	line := fmt.Sprintf("**%d license(s)** · findings: %s · fail-on: `%s`", r.Summary.Licenses, strings.Join(counts, ", "), mdCode(r.Summary.FailOn))
	if r.Summary.Unknown {
		line += " · **unknown license present** (never allowed)"
	}
	b.WriteString(line + "\n\n")
	if src := sourceLine(r); src != "" {
		b.WriteString(src + "\n\n")
	}
	if len(r.Licenses) > 0 {
		var ls []string
		for _, l := range r.Licenses {
			s := fmt.Sprintf("`%s` (%s)", mdCode(l.ID), mdText(l.Category))
			if l.Closest != nil {
				s = fmt.Sprintf("`%s` (%s; closest known: %s, %.0f%% similar)", mdCode(l.ID), mdText(l.Category), mdText(l.Closest.ID), l.Closest.Similarity*100)
			}
			ls = append(ls, s)
		}
		fmt.Fprintf(b, "Licenses: %s  \n", strings.Join(ls, ", "))
	}
	if d := strings.Join(r.Declared.Canonical, ", "); d != "" {
		fmt.Fprintf(b, "Declared by the card: %s\n\n", mdText(d))
	} else {
		b.WriteString("Declared by the card: (none)\n\n")
	}
	if miss := missingFields(r); len(miss) > 0 {
		fmt.Fprintf(b, "Profile fields to fill in for a verdict: %s\n\n", mdText(strings.Join(miss, ", ")))
	}

	prefix := o.root(r)
	where := func(ev []Evidence) string {
		var out []string
		for _, e := range ev {
			if len(out) == 2 {
				out = append(out, "…")
				break
			}
			place := mdText(Place(e))
			if u := o.Repo.Link(prefix+e.Path, e.StartLine, e.EndLine); u != "" && fileEvidence(e) {
				place = "[" + place + "](" + u + ")"
			}
			out = append(out, place)
		}
		return strings.Join(out, ", ")
	}

	// What fails: failing findings and unwaived violations.
	type row struct{ rule, license, where, msg string }
	var fails []row
	var others []Finding
	var waived []string
	// With a policy file, findings are policy items too: their violations
	// are not listed twice, and a waiver moves them out of the table.
	isFinding := map[waiverKey]bool{}
	for _, f := range r.Findings {
		isFinding[waiverKey{f.Rule, f.License}] = true
	}
	for _, v := range r.Violations {
		if v.Waived {
			waived = append(waived, fmt.Sprintf("- `%s` %s — waived: %s", mdCode(v.Rule), mdText(v.License), mdText(v.WaiverReason)))
		}
	}
	for _, f := range r.Findings {
		switch {
		case waivedFinding(r, f):
		case failing(r, f) || violated(r, f):
			fails = append(fails, row{f.Rule, f.License, where(f.Evidence), f.Message})
		default:
			others = append(others, f)
		}
	}
	for _, v := range r.Violations {
		if v.Waived || isFinding[waiverKey{v.Rule, v.License}] {
			continue
		}
		ev := firstFile(violationEvidence(r, v))
		msg := v.Message
		if v.WaiverExpired {
			msg += " (waiver expired)"
		}
		fails = append(fails, row{v.Rule, v.License, where(ev), msg})
	}
	if len(fails) > 0 {
		b.WriteString("| rule | license | where | what |\n|---|---|---|---|\n")
		for _, x := range fails {
			fmt.Fprintf(b, "| `%s` | %s | %s | %s |\n", mdCode(x.rule), mdText(x.license), x.where, mdText(x.msg))
		}
		b.WriteString("\n")
	} else {
		b.WriteString("Nothing fails.\n\n")
	}
	if len(waived) > 0 {
		b.WriteString("Waived:\n\n" + strings.Join(waived, "\n") + "\n\n")
	}

	if len(r.Obligations) > 0 {
		b.WriteString("**Obligations**\n\n")
		for _, ob := range r.Obligations {
			fmt.Fprintf(b, "- [ ] %s (`%s`, %s)", mdText(ob.Action), mdCode(ob.License), mdText(ob.Kind))
			if w := where(ob.Evidence); w != "" {
				b.WriteString(" — " + w)
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}

	if len(others) > 0 {
		fmt.Fprintf(b, "<details><summary>Other findings (%d)</summary>\n\n| severity | rule | where | what |\n|---|---|---|---|\n", len(others))
		for _, f := range others {
			fmt.Fprintf(b, "| %s | `%s` | %s | %s |\n", mdText(string(f.Severity)), mdCode(f.Rule), where(f.Evidence), mdText(f.Message))
		}
		b.WriteString("\n</details>\n\n")
	}

	nterms := 0
	for _, l := range r.Licenses {
		nterms += len(l.Terms)
	}
	if nterms > 0 {
		fmt.Fprintf(b, "<details><summary>Terms (%d)</summary>\n\n| license | term | parameters | verdict | where |\n|---|---|---|---|---|\n", nterms)
		for _, l := range r.Licenses {
			for _, t := range l.Terms {
				v := t.Verdict
				if v == "" {
					v = "—"
				} else if t.Reason != "" {
					v += ": " + t.Reason
				}
				kind := t.Kind
				if t.Clause != "" {
					kind += " (clause " + t.Clause + ")"
				}
				fmt.Fprintf(b, "| `%s` | %s | %s | %s | %s |\n", mdCode(l.ID), mdText(kind), mdText(t.Description), mdText(v), where(t.Evidence))
			}
		}
		b.WriteString("\n</details>\n\n")
	}
	if len(r.Lineage) > 0 {
		fmt.Fprintf(b, "<details><summary>Lineage (%d)</summary>\n\n", len(r.Lineage))
		for _, l := range r.Lineage {
			lic := strings.Join(l.Licenses, ", ")
			if !l.Resolved {
				lic = "license not established"
			}
			fmt.Fprintf(b, "%s- %s %s → %s (%s; %s)\n", strings.Repeat("  ", max(l.Depth-1, 0)), mdText(l.Base), mdText(cmp.Or(l.Relation, "base")), mdText(lic), mdText(l.Source), mdText(l.Model))
		}
		b.WriteString("\n</details>\n")
	}
}

func sourceLine(r *Report) string {
	var parts []string
	if r.Source.ID != "" {
		s := r.Source.Kind + " " + r.Source.ID
		if r.Source.Revision != "" {
			s += "@" + r.Source.Revision
		}
		parts = append(parts, mdText(s))
	}
	if len(r.Source.ServiceLicense) > 0 {
		parts = append(parts, "the service says "+mdText(strings.Join(r.Source.ServiceLicense, ", ")))
	}
	if len(parts) == 0 {
		return ""
	}
	return "Source: " + strings.Join(parts, " · ")
}

// missingFields are the profile fields that undetermined verdicts name.
func missingFields(r *Report) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range r.Licenses {
		for _, t := range l.Terms {
			for _, m := range t.Missing {
				if !seen[m] {
					seen[m] = true
					out = append(out, m)
				}
			}
		}
	}
	return out
}

// mdText makes untrusted text inert in Markdown (and in a table cell): no
// HTML, no links, no emphasis, no line breaks.
func mdText(s string) string {
	s = clean(s)
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '|', '\\', '`', '*', '_', '[', ']', '#', '!', '~', '(', ')':
			b.WriteByte('\\')
			b.WriteRune(c)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// mdCode makes s safe inside a code span (ids and rule names).
func mdCode(s string) string {
	return strings.NewReplacer("`", "'", "|", "\\|", "\n", " ", "\r", " ").Replace(clean(s))
}
