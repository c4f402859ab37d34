package safetext

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		in, want string
		keep     []rune
	}{
		{"plain ascii", "plain ascii", nil},
		{"Llama 3.1 — ünïcödé 日本", "Llama 3.1 — ünïcödé 日本", nil},
		{"\x1b[2J\x1b]0;title\x07", `\x1b[2J\x1b]0;title\x07`, nil},
		{"raw C1 \x9b31m", `raw C1 \x9b31m`, nil},
		{"rune C1 \u009b31m", `rune C1 \x9b31m`, nil},
		{"link \x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\", `link \x1b]8;;http://evil\x1b\x\x1b]8;;\x1b\`, nil},
		{"cr\rover", `cr\x0dover`, nil},
		{"del\x7f", `del\x7f`, nil},
		{"bidi \u202egnp.exe", `bidi \u202egnp.exe`, nil},
		{"zero\u200bwidth", `zero\u200bwidth`, nil},
		{"tab\tnl\n", "tab\tnl\\x0a", []rune{'\t'}},
		{"bad \xff\xfe utf8", `bad \xff\xfe utf8`, nil},
	}
	for _, tt := range tests {
		if got := Escape(tt.in, tt.keep...); got != tt.want {
			t.Errorf("Escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzEscape(f *testing.F) {
	for _, s := range []string{"a\x1b[0m", "\x9b", "\u202e", "ok", "\xc2\x9b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Escape(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Escape(%q) = %q is not valid UTF-8", s, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || unsafeRune(r) {
				t.Fatalf("Escape(%q) = %q keeps %U", s, got, r)
			}
		}
		if safe(s, nil) && got != s {
			t.Fatalf("safe text changed: %q -> %q", s, got)
		}
		if !strings.Contains(s, `\`) && Escape(got) != got {
			t.Fatalf("not idempotent on %q", s)
		}
	})
}

func TestEscapeAll(t *testing.T) {
	type inner struct {
		S    string
		Tags []string
		M    map[string]int
		priv string
	}
	type outer struct {
		Name  string
		P     *inner
		L     []inner
		Any   any
		Arr   [2]string
		N     int
		Named Kind
	}
	in := outer{Name: "a\x1b", P: &inner{S: "b\x9b", Tags: []string{"c\x07"}, M: map[string]int{"k\x1b": 1}, priv: "\x1b"},
		L: []inner{{S: "d\x1b"}}, Any: "e\x1b", Arr: [2]string{"f\x1b", "g"}, N: 3, Named: "h\x1b"}
	out := EscapeAll(&in)
	if out == &in || out.P == in.P {
		t.Fatal("not a deep copy")
	}
	if out.Name != `a\x1b` || out.P.S != `b\x9b` || out.P.Tags[0] != `c\x07` || out.P.M[`k\x1b`] != 1 ||
		out.L[0].S != `d\x1b` || out.Any != `e\x1b` || out.Arr[0] != `f\x1b` || out.N != 3 || out.Named != `h\x1b` || out.P.priv != "\x1b" {
		t.Errorf("EscapeAll = %+v %+v", out, out.P)
	}
	if in.Name != "a\x1b" || in.P.S != "b\x9b" {
		t.Error("EscapeAll changed its input")
	}
}

type Kind string
