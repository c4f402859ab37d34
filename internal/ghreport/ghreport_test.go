package ghreport

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/carveout/carveout/internal/ghreport/fakeapi"
	"github.com/carveout/carveout/scanner/format"
	"github.com/carveout/carveout/scanner/report"
)

func failingReport(findings int) *report.Report {
	r := &report.Report{Schema: report.Schema, Target: "models/tune", Declared: report.Declared{Path: "README.md"},
		Summary: report.Summary{Status: "fail", FailOn: "error", Findings: map[string]int{"error": findings}}}
	for i := range findings {
		r.Findings = append(r.Findings, report.Finding{Rule: "declared-license-mismatch", Severity: report.SeverityError, License: "llama3.1",
			Message: fmt.Sprintf("problem %d", i), Evidence: []report.Evidence{{Path: "README.md", StartLine: i + 1, Source: report.SourceModelCard}}})
	}
	r.Findings = append(r.Findings, report.Finding{Rule: "no-license-file", Severity: report.SeverityWarning, Message: "no license file"})
	return r
}

func TestPublish(t *testing.T) {
	fake := fakeapi.New("acme/models", 7, "t0ken")
	fake.Others = 3
	srv := httptest.NewServer(fake)
	defer srv.Close()
	cfg := Config{Client: srv.Client(), APIURL: srv.URL + fakeapi.Base, Token: "t0ken", Repository: "acme/models", SHA: "abc123", PullRequest: 7,
		Options: format.Options{Version: "test", Root: func(string) string { return "models/tune" }}}

	// 60 failing findings: 50 annotations with the check run, 10 in an update.
	res, err := Publish(context.Background(), cfg, []*report.Report{failingReport(60)})
	if err != nil {
		t.Fatal(err)
	}
	runs, updates, comments := fake.Snapshot()
	if res.Annotations != 60 || res.Updated || len(runs) != 1 || len(updates) != 1 || len(comments) != 1 {
		t.Fatalf("first run: %+v; %d runs, %d updates, %d comments", res, len(runs), len(updates), len(comments))
	}
	run := runs[0]
	out := run["output"].(map[string]any)
	if run["head_sha"] != "abc123" || run["conclusion"] != "failure" || len(out["annotations"].([]any)) != 50 || len(updates[0]["output"].(map[string]any)["annotations"].([]any)) != 10 {
		t.Errorf("check run %v", run)
	}
	a := out["annotations"].([]any)[0].(map[string]any)
	if a["path"] != "models/tune/README.md" || a["start_line"] != 1.0 || a["annotation_level"] != "failure" {
		t.Errorf("annotation %v", a)
	}
	if !strings.Contains(out["summary"].(string), "❌ carveout: FAIL") {
		t.Errorf("summary %q", out["summary"])
	}

	// A re-run edits the same comment: still one, now saying PASS.
	pass := &report.Report{Schema: report.Schema, Target: "models/tune", Summary: report.Summary{Status: "pass", FailOn: "error", Findings: map[string]int{}}}
	res2, err := Publish(context.Background(), cfg, []*report.Report{pass})
	if err != nil {
		t.Fatal(err)
	}
	runs, _, comments = fake.Snapshot()
	if !res2.Updated || res2.CommentID != res.CommentID || len(comments) != 1 || len(runs) != 2 {
		t.Fatalf("re-run: %+v, %d comments, %d runs", res2, len(comments), len(runs))
	}
	if body := comments[res.CommentID]; !strings.HasPrefix(body, Marker) || !strings.Contains(body, "✅ carveout: PASS") {
		t.Errorf("comment after the re-run: %q", body)
	}
	if runs[1]["conclusion"] != "success" {
		t.Errorf("second check run %v", runs[1]["conclusion"])
	}
}

func TestPublishErrors(t *testing.T) {
	fake := fakeapi.New("acme/models", 7, "t0ken")
	srv := httptest.NewServer(fake)
	defer srv.Close()
	good := Config{Client: srv.Client(), APIURL: srv.URL + fakeapi.Base + "/", Token: "t0ken", Repository: "acme/models", SHA: "abc"}
	for name, c := range map[string]struct {
		mutate func(*Config)
		want   string
	}{
		"bad token":  {func(c *Config) { c.Token = "wrong" }, "401"},
		"repository": {func(c *Config) { c.Repository = "acme" }, "OWNER/NAME"},
		"no sha":     {func(c *Config) { c.SHA = "" }, "GITHUB_SHA"},
		"api url":    {func(c *Config) { c.APIURL = "ftp://x" }, "invalid API URL"},
		"no client":  {func(c *Config) { c.Client = nil }, "Client"},
		"wrong repo": {func(c *Config) { c.Repository = "acme/other" }, "404"},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := good
			c.mutate(&cfg)
			_, err := Publish(context.Background(), cfg, []*report.Report{failingReport(1)})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want %q", err, c.want)
			}
			if err != nil && strings.Contains(err.Error(), "t0ken") {
				t.Errorf("the token leaked into %v", err)
			}
		})
	}
}

func TestClipText(t *testing.T) {
	s := strings.Repeat("é", 100)
	got := clipText(s, 51)
	if len(got) > 51 || !strings.HasSuffix(got, "…(cut)") || !utf8.ValidString(got) {
		t.Errorf("clipText = %q (%d bytes)", got, len(got))
	}
	if clipText("short", 10) != "short" {
		t.Error("clipped a short text")
	}
}
