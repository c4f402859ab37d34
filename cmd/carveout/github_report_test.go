package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carveout/carveout/internal/ghreport"
	"github.com/carveout/carveout/internal/ghreport/fakeapi"
)

// TestGitHubReport runs check --github-report twice on a pull request
// against a fake GitHub API: two check runs, one comment edited in place.
func TestGitHubReport(t *testing.T) {
	fake := fakeapi.New("acme/models", 12, "t0ken")
	srv := httptest.NewServer(fake)
	defer srv.Close()
	event := filepath.Join(t.TempDir(), "event.json")
	os.WriteFile(event, []byte(`{"pull_request":{"number":12,"head":{"sha":"feedface"}}}`), 0o644)
	env := map[string]string{
		"GITHUB_TOKEN": "t0ken", "GITHUB_REPOSITORY": "acme/models", "GITHUB_SHA": "mergecommit",
		"GITHUB_API_URL": srv.URL + fakeapi.Base, "GITHUB_EVENT_PATH": event, "HF_HUB_OFFLINE": "1",
	}
	runOnce := func(model string) (int, string) {
		var out, errb bytes.Buffer
		app := &App{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return env[k] }, HTTPClient: srv.Client(), Now: func() time.Time { return time.Unix(0, 0) }}
		code := execute(context.Background(), app, []string{"check", "--offline", "--github-report", "-o", "json=" + filepath.Join(t.TempDir(), "r.json"), "../../testdata/models/" + model})
		return code, errb.String()
	}
	if code, stderr := runOnce("llama-finetune-mislabelled"); code != exitFail {
		t.Fatalf("exit %d, want %d\n%s", code, exitFail, stderr)
	}
	if code, stderr := runOnce("apache-model"); code != exitOK {
		t.Fatalf("exit %d, want %d\n%s", code, exitOK, stderr)
	}
	runs, _, comments := fake.Snapshot()
	if len(runs) != 2 || runs[0]["head_sha"] != "feedface" || runs[0]["conclusion"] != "failure" || runs[1]["conclusion"] != "success" {
		t.Errorf("check runs: %v", runs)
	}
	if len(comments) != 1 {
		t.Fatalf("%d comments, want one edited in place", len(comments))
	}
	for _, body := range comments {
		if !strings.HasPrefix(body, ghreport.Marker) || !strings.Contains(body, "PASS") {
			t.Errorf("comment: %q", body)
		}
	}

	// Without the environment it is a usage error, before any scan.
	delete(env, "GITHUB_TOKEN")
	if code, _ := runOnce("apache-model"); code != exitUsage {
		t.Errorf("exit %d without a token, want %d", code, exitUsage)
	}
}
