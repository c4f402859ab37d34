package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
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

func TestModelRoots(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"README.md", "LICENSE", "sub/model/README.md", "sub/model/weights/a.gguf", "sub/other/x.json", "nocard/LICENSE"} {
		p := filepath.Join(root, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte("x"), 0o644)
	}
	t.Chdir(root)
	got := modelRoots([]string{"LICENSE", "README.md", "sub/model/weights/a.gguf", "sub/model/README.md", "sub/other/x.json", "hf:org/name", "missing.txt", "sub/model"})
	want := []string{".", "sub/model", "hf:org/name", "missing.txt"}
	if len(got) != len(want) {
		t.Fatalf("modelRoots = %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("modelRoots = %q, want %q", got, want)
		}
	}
	if got := modelRoots([]string{"nocard/LICENSE"}); len(got) != 1 || got[0] != "." {
		t.Errorf("a file below no card maps to %q, want the working directory", got)
	}
}

// lockedBuffer is a bytes.Buffer safe for a timer's goroutine.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
	n  int // writes
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.n++
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// The delayed writer passes every byte on, in order, in fewer writes, and
// none later than streamDelay after it was written.
func TestDelayedWriter(t *testing.T) {
	var under lockedBuffer
	d := newDelayedWriter(&under)
	var want strings.Builder
	for i := 0; i < 2000; i++ {
		line := fmt.Sprintf("{\"n\":%d,\"pad\":%q}\n", i, strings.Repeat("x", i%300))
		want.WriteString(line)
		if _, err := d.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	big := strings.Repeat("y", 3*streamBuffer) // larger than the buffer
	want.WriteString(big)
	d.Write([]byte(big))
	if err := d.Flush(); err != nil {
		t.Fatal(err)
	}
	if under.String() != want.String() {
		t.Fatalf("bytes passed on differ: %d, want %d", len(under.String()), want.Len())
	}
	if under.n >= 2000/4 {
		t.Errorf("%d writes for 2,001 writes of reports, want them gathered", under.n)
	}

	// One small write, no Flush: it arrives after about streamDelay.
	d.Write([]byte("late\n"))
	deadline := time.Now().Add(streamDelay + 5*time.Second) // a generous bound, not a timing
	for !strings.HasSuffix(under.String(), "late\n") {
		if time.Now().After(deadline) {
			t.Fatal("a buffered report was not passed on without a Flush")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A failed write is returned by the next Write and Flush.
func TestDelayedWriterError(t *testing.T) {
	d := newDelayedWriter(failWriter{})
	d.Write([]byte("x"))
	if err := d.Flush(); err == nil {
		t.Fatal("Flush after a failed write: no error")
	}
	if _, err := d.Write([]byte("y")); err == nil {
		t.Fatal("Write after a failed write: no error")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }
