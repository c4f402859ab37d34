package main

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestProgressWarn: the line names the targets in flight, a warning
// clears it first and it is drawn again after, and finish clears it.
func TestProgressWarn(t *testing.T) {
	var errb bytes.Buffer
	app := &App{Stderr: &errb, StderrTTY: true, Getenv: func(k string) string {
		if k == "COLUMNS" {
			return "60"
		}
		return ""
	}}
	p := newProgress(app, 3)
	p.start("models/a")
	p.start("models/b")
	app.warnf("models/c: %s", "could not be read")
	p.done("models/a", func() {})
	p.finish()
	app.warnf("after")
	out := errb.String()
	for _, want := range []string{
		"\r\x1b[K[....................] 0/3 scanning models/a, models/b\r\x1b[Kcarveout: models/c: could not be read\n\r\x1b[K[....................] 0/3 scanning models/a, models/b",
		"\r\x1b[K[######..............] 1/3 scanning models/b\r\x1b[K",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%q", want, out)
		}
	}
	if !strings.HasSuffix(out, "\r\x1b[Kcarveout: after\n") {
		t.Errorf("after finish a warning is printed plainly: %q", out)
	}
	for _, l := range strings.Split(out, "\r\x1b[K") {
		if n := utf8.RuneCountInString(strings.TrimSuffix(l, "\n")); n > 59 {
			t.Errorf("line of %d columns at 60: %q", n, l)
		}
	}
}

func TestClipNames(t *testing.T) {
	for _, c := range []struct {
		names []string
		room  int
		want  string
	}{
		{[]string{"a", "b"}, 40, "a, b"},
		{[]string{"alpha", "beta", "gamma"}, 16, "alpha, +2 more"},
		{[]string{"org/a-very-long-model-name"}, 12, "…-model-name"},
		{[]string{"org/a-very-long-model-name", "b"}, 20, "…model-name, +1 more"},
	} {
		if got := clipNames(c.names, c.room); got != c.want {
			t.Errorf("clipNames(%q, %d) = %q, want %q", c.names, c.room, got, c.want)
		}
		if got := clipNames(c.names, c.room); utf8.RuneCountInString(got) > max(c.room, 8) {
			t.Errorf("clipNames(%q, %d) = %q: wider than the room", c.names, c.room, got)
		}
	}
}
