package licenses

import (
	"strings"
	"testing"
)

func TestFromExpression(t *testing.T) {
	for _, c := range []struct {
		expr string
		want []string
	}{
		{"MIT", []string{"MIT"}},
		{"MIT OR Apache-2.0", []string{"MIT", "Apache-2.0"}},
		{"Apache-2.0 OR MIT", []string{"Apache-2.0", "MIT"}},
		{"(MIT AND BSD-3-Clause) OR GPL-2.0+", []string{"MIT", "BSD-3-Clause", "GPL-2.0-or-later"}},
		{"Apache-2.0 WITH LLVM-exception", []string{"Apache-2.0 WITH LLVM-exception"}},
		{"GPL-2.0-only WITH Classpath-exception-2.0 OR MIT", []string{"GPL-2.0-only WITH Classpath-exception-2.0", "MIT"}},
		{"GPL-2.0-with-classpath-exception", []string{"GPL-2.0-only WITH Classpath-exception-2.0"}},
		{"GPL-3.0", []string{"GPL-3.0-only"}},
		{"llama3 OR apache-2.0", []string{"llama3", "Apache-2.0"}},
		{"llama3.1 AND llama3.1-aup", []string{"llama3.1", "llama3.1-aup"}},
		{"MIT OR no-such-license", []string{"MIT", UnknownID}},
		{"Apache-2.0 WITH no-such-exception", []string{UnknownID}},
		{"", nil},
	} {
		var got []string
		for _, id := range FromExpression(c.expr) {
			got = append(got, id.ID)
			if id.Kind != MatchDeclared {
				t.Errorf("%q: %s kind %s", c.expr, id.ID, id.Kind)
			}
			if id.ID == UnknownID && (id.OSI || id.Category != Unknown) {
				t.Errorf("%q: unknown operand %+v", c.expr, id)
			}
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("FromExpression(%q) = %v, want %v", c.expr, got, c.want)
		}
	}
}

func TestIsExpression(t *testing.T) {
	for v, want := range map[string]bool{
		"MIT": false, "llama3": false, "MIT OR Apache-2.0": true, "Apache-2.0 WITH LLVM-exception": true,
		"(MIT)": true, "apache-2.0": false, "Llama 3 Community License": false, "MIT and Apache-2.0": true,
	} {
		if got := IsExpression(v); got != want {
			t.Errorf("IsExpression(%q) = %v, want %v", v, got, want)
		}
	}
}

func FuzzFromExpression(f *testing.F) {
	for _, s := range []string{"MIT OR Apache-2.0", "(GPL-2.0+ WITH Classpath-exception-2.0)", "llama3 AND (", "WITH", "))((", "a OR OR b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, id := range FromExpression(s) {
			if id.ID == "" {
				t.Fatalf("%q: empty id", s)
			}
		}
	})
}
