package format

import (
	"fmt"
	"io"
	"strings"

	"github.com/carveout/carveout/internal/safetext"
)

// GitHubAnnotations writes GitHub Actions workflow commands, one per
// failing finding or unwaived policy violation (::error file=F,line=N::),
// so the job shows them on the lines of the pull request. Paths are
// relative to the repository root (Options.Root).
type GitHubAnnotations struct{}

// Encode implements Encoder.
func (GitHubAnnotations) Encode(w io.Writer, rs []*Report, o Options) error {
	var b strings.Builder
	for _, r := range rs {
		prefix := o.root(r)
		annotate := func(level, title, msg string, ev []Evidence) {
			props := []string{}
			for _, e := range ev {
				if !fileEvidence(e) {
					continue
				}
				props = append(props, "file="+ghProp(prefix+e.Path))
				if e.StartLine > 0 {
					props = append(props, fmt.Sprintf("line=%d", e.StartLine))
					if e.EndLine > e.StartLine {
						props = append(props, fmt.Sprintf("endLine=%d", e.EndLine))
					}
				}
				break
			}
			props = append(props, "title="+ghProp(title))
			fmt.Fprintf(&b, "::%s %s::%s\n", level, strings.Join(props, ","), ghData(msg))
		}
		isFinding := map[waiverKey]bool{}
		for _, f := range r.Findings {
			isFinding[waiverKey{f.Rule, f.License}] = true
			switch {
			case waivedFinding(r, f):
			case failing(r, f) || violated(r, f):
				annotate("error", "carveout "+f.Rule, f.Message, f.Evidence)
			case f.Severity == sevWarning:
				annotate("warning", "carveout "+f.Rule, f.Message, f.Evidence)
			}
		}
		for _, v := range r.Violations {
			if v.Waived || isFinding[waiverKey{v.Rule, v.License}] {
				continue
			}
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
			annotate("error", "carveout "+v.Rule, v.Message, ev)
		}
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
