package format

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/renderer/html"
)

// render turns Markdown into HTML as GitHub would (GFM: tables, task
// lists; raw HTML such as <details> passes through, so escaping is
// tested for real).
func render(t *testing.T, md []byte) string {
	t.Helper()
	var out bytes.Buffer
	g := goldmark.New(goldmark.WithExtensions(extension.GFM), goldmark.WithRendererOptions(html.WithUnsafe()))
	if err := g.Convert(md, &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

var ghRepo = &Repo{ServerURL: "https://github.com", Repository: "acme/models", Ref: "0123456789abcdef0123456789abcdef01234567"}

func TestMarkdownGolden(t *testing.T) {
	rs := caseReports(t)
	for _, c := range encCases {
		t.Run(c.name, func(t *testing.T) {
			r := rs[c.name]
			o := testOptions
			o.Repo = ghRepo
			o.Root = func(string) string { return "models/" + c.model }
			var buf bytes.Buffer
			if err := (Markdown{}).Encode(&buf, []*Report{r}, o); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.name+".md", buf.Bytes())
			h := render(t, buf.Bytes())

			// The decision comes first.
			first := regexp.MustCompile(`<h1>([^<]*)</h1>`).FindStringSubmatch(h)
			want := map[string]string{"fail": "FAIL", "pass": "PASS"}[r.Summary.Status]
			if first == nil || !strings.Contains(first[1], want) || strings.Index(h, "<h1>") != 0 {
				t.Errorf("first heading %q, want the decision %s first", first, want)
			}
			// Every failing row is a table row with four cells.
			nfail := 0
			rows := map[waiverKey]bool{}
			for _, f := range r.Findings {
				if (failing(r, f) || violated(r, f)) && !waivedFinding(r, f) {
					nfail++
				}
				rows[waiverKey{f.Rule, f.License}] = true
			}
			for _, v := range r.Violations {
				if !v.Waived && !rows[waiverKey{v.Rule, v.License}] {
					nfail++
				}
			}
			table := h
			if i := strings.Index(h, "<details>"); i >= 0 {
				table = h[:i]
			}
			if got := strings.Count(table, "<tr>") - strings.Count(table, "<thead>"); got != nfail {
				t.Errorf("%d rows in the failing table, want %d", got, nfail)
			}
			for _, row := range regexp.MustCompile(`(?s)<tr>(.*?)</tr>`).FindAllStringSubmatch(table, -1) {
				if n := strings.Count(row[1], "<td") + strings.Count(row[1], "<th"); n != 4 {
					t.Errorf("row with %d cells: %s", n, row[1])
				}
			}
			// Obligations are a checklist.
			if got := strings.Count(h, `type="checkbox"`); got != len(r.Obligations) {
				t.Errorf("%d checkboxes, want %d obligations", got, len(r.Obligations))
			}
			// Places in files link to their lines.
			for _, f := range r.Findings {
				for _, e := range f.Evidence {
					if failing(r, f) && e.StartLine > 0 && fileEvidence(e) {
						u := "https://github.com/acme/models/blob/" + ghRepo.Ref + "/models/" + c.model + "/" + e.Path + "#L"
						if !strings.Contains(h, `href="`+u) {
							t.Errorf("no link to %s", u)
						}
					}
				}
			}
			if len(buf.Bytes()) > 65536 {
				t.Errorf("%d bytes: too long for a pull-request comment", buf.Len())
			}
		})
	}
}

func TestMarkdownHostile(t *testing.T) {
	r := &Report{Schema: "carveout.report/v1", Target: "x<img src=x onerror=alert(1)>", Summary: summaryFail(),
		Findings: []Finding{{Rule: "r", Severity: sevError, Message: "<script>alert(1)</script> | [click](javascript:alert(1)) **bold**\n# heading",
			Evidence: []Evidence{{Path: "a](javascript:x)/README.md", StartLine: 2, Source: "model-card"}}}}}
	var buf bytes.Buffer
	o := testOptions
	o.Repo = ghRepo
	if err := (Markdown{}).Encode(&buf, []*Report{r}, o); err != nil {
		t.Fatal(err)
	}
	h := render(t, buf.Bytes())
	for _, bad := range []string{"<script", "<img", `href="javascript`, "<strong>bold", "<h1>heading"} {
		if strings.Contains(h, bad) {
			t.Errorf("hostile text rendered as %q:\n%s", bad, h)
		}
	}
	if n := strings.Count(h, "<td"); n != 4 {
		t.Errorf("a | in a message split the row: %d cells\n%s", n, h)
	}
}

func TestMarkdownSeveral(t *testing.T) {
	rs := caseReports(t)
	var buf bytes.Buffer
	if err := (Markdown{}).Encode(&buf, []*Report{rs["apache"], rs["mislabelled"]}, testOptions); err != nil {
		t.Fatal(err)
	}
	h := render(t, buf.Bytes())
	if !strings.HasPrefix(h, "<h1>❌ carveout: 1 of 2 targets fail</h1>") || strings.Count(h, "<h2>") != 2 {
		t.Errorf("several targets:\n%s", h[:min(len(h), 400)])
	}
}

// FuzzMarkdownText: whatever a scanned file puts into a message, a path or
// a license id, the rendered comment has no markup of its own from it and
// the table row keeps its four cells.
func FuzzMarkdownText(f *testing.F) {
	for _, s := range []string{"plain", "<script>x</script>", "a | b", "[x](javascript:y)", "**b** _i_ `c`", "line\nbreak", "&lt;", "\\|", "<!-- c -->", "<details>"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, msg, path string) {
		r := &Report{Summary: summaryFail(), Findings: []Finding{{Rule: "r", Severity: sevError, License: msg, Message: msg,
			Evidence: []Evidence{{Path: path, StartLine: 1, Source: "model-card"}}}}}
		var buf bytes.Buffer
		if err := (Markdown{}).Encode(&buf, []*Report{r}, testOptions); err != nil {
			t.Fatal(err)
		}
		h := render(t, buf.Bytes())
		body := h[strings.Index(h, "<tbody>"):strings.Index(h, "</tbody>")]
		if n := strings.Count(body, "<td"); n != 4 {
			t.Fatalf("%d cells for message %q path %q:\n%s", n, msg, path, body)
		}
		for _, tag := range []string{"<a", "<script", "<em", "<strong", "<details", "<img", "<!--", "<code>"} {
			if strings.Count(body, tag) != strings.Count("<td><code>r</code></td>", tag) {
				t.Fatalf("markup %s from message %q path %q:\n%s", tag, msg, path, body)
			}
		}
	})
}
