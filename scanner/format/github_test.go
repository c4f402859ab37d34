package format

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
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
