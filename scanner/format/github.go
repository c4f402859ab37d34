package format

import (
	"fmt"
	"io"
	"strings"

	"github.com/carveout/carveout/internal/safetext"
	"github.com/carveout/carveout/scanner/report"
)

// Failure is one thing a run fails on (or warns about), at the first place
// in a file that causes it: what annotations in CI show.
type Failure struct {
	Level   string // error or warning
	Title   string
	Message string
	// Path is relative to the repository root (Options.Root); "" when no
	// file is the cause.
	Path               string
	StartLine, EndLine int
}

// Failures lists the failing findings and unwaived policy violations of
// the reports (level error) and the other warnings (level warning).
func Failures(rs []*Report, o Options) []Failure {
	var out []Failure
	for _, r := range rs {
		prefix := o.root(r)
		add := func(level, rule, msg string, ev []Evidence) {
			f := Failure{Level: level, Title: "carveout " + rule, Message: msg}
			for _, e := range ev {
				if fileEvidence(e) {
					f.Path, f.StartLine, f.EndLine = prefix+e.Path, e.StartLine, e.EndLine
					break
				}
			}
			out = append(out, f)
		}
		isFinding := map[waiverKey]bool{}
		for _, f := range r.Findings {
			isFinding[waiverKey{f.Rule, f.License}] = true
			switch {
			case waivedFinding(r, f):
			case failing(r, f) || violated(r, f):
				add("error", f.Rule, f.Message, f.Evidence)
			case f.Severity == sevWarning:
				add("warning", f.Rule, f.Message, f.Evidence)
			}
		}
		for _, v := range r.Violations {
			if v.Waived || isFinding[waiverKey{v.Rule, v.License}] {
				continue
			}
			add("error", v.Rule, v.Message, violationEvidence(r, v))
		}
	}
	return out
}

// violationEvidence are the places a policy violation is about: the lines
// of the term its rule names (applies:user-threshold), then the license's
// evidence, then the violation's path.
func violationEvidence(r *Report, v report.Violation) []Evidence {
	var ev []Evidence
	for _, l := range r.Licenses {
		if l.ID != v.License {
			continue
		}
		for _, t := range l.Terms {
			if strings.HasSuffix(v.Rule, ":"+t.Kind) {
				ev = append(ev, t.Evidence...)
			}
		}
		ev = append(ev, l.Evidence...)
	}
	if v.Path != "" {
		ev = append(ev, Evidence{Path: v.Path, Source: "license-file"})
	}
	return ev
}

// GitHubAnnotations writes GitHub Actions workflow commands, one per
// Failure (::error file=F,line=N,title=T::message), so the job shows them
// on the lines of the pull request.
type GitHubAnnotations struct{}

// Encode implements Encoder.
func (GitHubAnnotations) Encode(w io.Writer, rs []*Report, o Options) error {
	var b strings.Builder
	for _, f := range Failures(rs, o) {
		var props []string
		if f.Path != "" {
			props = append(props, "file="+ghProp(f.Path))
			if f.StartLine > 0 {
				props = append(props, fmt.Sprintf("line=%d", f.StartLine))
				if f.EndLine > f.StartLine {
					props = append(props, fmt.Sprintf("endLine=%d", f.EndLine))
				}
			}
		}
		props = append(props, "title="+ghProp(f.Title))
		fmt.Fprintf(&b, "::%s %s::%s\n", f.Level, strings.Join(props, ","), ghData(f.Message))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	// Escape sequences from hostile names and texts would reach the log
	// raw; newlines stay, as workflow commands encode them.
	s = safetext.Escape(s, '\n', '\r')
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	s = safetext.Escape(s, '\n', '\r')
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
