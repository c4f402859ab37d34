package main

import (
	"os"
	"path/filepath"
	"testing"
)

func TestGitPrefix(t *testing.T) {
	root := t.TempDir()
	model := filepath.Join(root, "models", "tune")
	if err := os.MkdirAll(model, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(model, "LICENSE"), []byte("x"), 0o644)
	outside := t.TempDir()
	for _, c := range []struct {
		git          bool
		target, want string
	}{
		{true, model, "models/tune"},
		{true, filepath.Join(model, "LICENSE"), "models/tune"},
		{true, root, ""},
		{false, outside, ""},
		{true, "hf:org/name", ""},
		{true, "gh:org/name", ""},
		{true, filepath.Join(root, "missing"), ""},
	} {
		if c.git {
			os.MkdirAll(filepath.Join(root, ".git"), 0o755)
		}
		if got := gitPrefix(c.target); got != c.want {
			t.Errorf("gitPrefix(%s) = %q, want %q", c.target, got, c.want)
		}
	}
}

func TestOutputSpecs(t *testing.T) {
	env := map[string]string{}
	app := &App{Getenv: func(k string) string { return env[k] }}
	for _, c := range []struct {
		o    outputOptions
		gha  bool
		want []outputSpec
		bad  bool
	}{
		{o: outputOptions{format: "table"}, want: []outputSpec{{"table", ""}}},
		{o: outputOptions{format: "table", outs: []string{"sarif=a.sarif", "json"}}, want: []outputSpec{{"sarif", "a.sarif"}, {"json", ""}}},
		{o: outputOptions{format: "html", output: "r.html", outs: []string{"json"}}, want: []outputSpec{{"html", "r.html"}, {"json", ""}}},
		{o: outputOptions{format: "table"}, gha: true, want: []outputSpec{{"table", ""}, {"github", "-stderr"}}},
		{o: outputOptions{format: "table", outs: []string{"github=ann.txt"}}, gha: true, want: []outputSpec{{"github", "ann.txt"}}},
		{o: outputOptions{format: "table", outs: []string{"sarif", "json"}}, bad: true},
		{o: outputOptions{format: "yaml"}, bad: true},
		{o: outputOptions{format: "table", outs: []string{"json="}}, bad: true},
	} {
		env["GITHUB_ACTIONS"] = map[bool]string{true: "true"}[c.gha]
		got, err := c.o.specs(app)
		if c.bad {
			if err == nil || exitCode(err) != exitUsage {
				t.Errorf("%+v: err = %v, want a usage error", c.o, err)
			}
			continue
		}
		if err != nil || len(got) != len(c.want) {
			t.Errorf("%+v: %v, %v; want %v", c.o, got, err, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("%+v: %v, want %v", c.o, got, c.want)
			}
		}
	}
}
