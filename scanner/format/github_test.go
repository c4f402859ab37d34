package format

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/carveout/carveout/scanner/report"
)

var annotationRE = regexp.MustCompile(`^::(error|warning|notice)( [a-zA-Z]+=[^,:]*(,[a-zA-Z]+=[^,:]*)*)?::[^\n]*$`)

func TestGitHubAnnotations(t *testing.T) {
	rs := caseReports(t)
	for _, c := range encCases {
		t.Run(c.name, func(t *testing.T) {
			o := testOptions
			o.Root = func(string) string { return "models/" + c.model }
			var buf bytes.Buffer
			if err := (GitHubAnnotations{}).Encode(&buf, []*Report{rs[c.name]}, o); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.name+".github.txt", buf.Bytes())
			errors := 0
			for _, line := range strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n") {
				if line == "" {
					continue
				}
				if !annotationRE.MatchString(line) {
					t.Errorf("not a workflow command: %q", line)
				}
				if strings.HasPrefix(line, "::error") {
					errors++
				}
			}
			if fail := rs[c.name].Summary.Status == "fail"; fail != (errors > 0) {
				t.Errorf("status %s with %d error annotations", rs[c.name].Summary.Status, errors)
			}
		})
	}
}

func TestGitHubAnnotationEscaping(t *testing.T) {
	r := &Report{Summary: summaryFail(), Findings: []Finding{{Rule: "r", Severity: sevError, Message: "50%\nmore::x",
		Evidence: []Evidence{{Path: "a,b:c.md", StartLine: 3, Source: "license-file"}}}}}
	var buf bytes.Buffer
	if err := (GitHubAnnotations{}).Encode(&buf, []*Report{r}, testOptions); err != nil {
		t.Fatal(err)
	}
	want := "::error file=a%2Cb%3Ac.md,line=3,title=carveout r::50%25%0Amore::x\n"
	if buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

// TestEveryFormat: every listed format encodes every case, and nothing
// (no reports) without failing.
func TestEveryFormat(t *testing.T) {
	rs := caseReports(t)
	seen := map[string]bool{}
	for _, f := range Formats() {
		if seen[f.Name] || f.Encoder == nil || f.Help == "" {
			t.Errorf("format %q: duplicate, no encoder or no help", f.Name)
		}
		seen[f.Name] = true
		for _, c := range encCases {
			var buf bytes.Buffer
			if err := f.Encoder.Encode(&buf, []*Report{rs[c.name]}, testOptions); err != nil {
				t.Errorf("%s/%s: %v", f.Name, c.name, err)
			}
			if buf.Len() == 0 && f.Name != "github" {
				t.Errorf("%s/%s: no output", f.Name, c.name)
			}
		}
		if err := f.Encoder.Encode(&bytes.Buffer{}, nil, testOptions); err != nil {
			t.Errorf("%s with no reports: %v", f.Name, err)
		}
	}
}

// TestClosestAndClause: an unknown text's closest license and a term's
// clause reach the formats that show them, and the unknown never takes
// the closest license's id.
func TestClosestAndClause(t *testing.T) {
	r := &Report{Schema: "carveout.report/v1", Target: "m", Summary: summaryFail(), Licenses: []License{{
		ID: "unknown", Name: "Unknown license", Category: "unknown", Match: report.Match{Kind: "text"},
		Closest:  &report.Closest{ID: "llama3.1", Similarity: 0.72},
		Evidence: []Evidence{{Path: "LICENSE", StartLine: 1, EndLine: 9, Source: "license-file"}},
		Terms:    []Term{{Kind: "user-threshold", Clause: "2", Description: "monthly_active_users > 1", Evidence: []Evidence{{Path: "LICENSE", StartLine: 3, Source: "license-file"}}}},
	}}}
	for _, c := range []struct {
		f    Encoder
		want []string
	}{
		{HTML{}, []string{"closest known license: llama3.1 (72% similar; not it)", "clause 2"}},
		{Markdown{}, []string{"closest known: llama3.1, 72% similar", `user-threshold \(clause 2\)`}},
		{CycloneDX{}, []string{`"value": "llama3.1 (0.72 similar; not this license)"`}},
		{SPDX{}, []string{"closest known license: llama3.1 (0.72 similar), which it is not"}},
	} {
		var buf bytes.Buffer
		if err := c.f.Encode(&buf, []*Report{r}, testOptions); err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("%T lacks %q", c.f, w)
			}
		}
		if strings.Contains(buf.String(), "LicenseRef-scancode-llama") || strings.Contains(buf.String(), "LicenseRef-carveout-llama3.1") {
			t.Errorf("%T gives the unknown text the closest license's id", c.f)
		}
	}
}
