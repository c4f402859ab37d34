package textcols

import (
	"fmt"
	"strings"
	"testing"
	"text/tabwriter"
	"unicode/utf8"
)

// TestSameAsTabwriter: with no width the layout is what text/tabwriter
// prints, including rows of different lengths (column blocks).
func TestSameAsTabwriter(t *testing.T) {
	cases := [][][]string{
		{{"a", "bb", "ccc"}, {"dddd", "e", "f"}},
		{{"kind", "desc", "where", "verdict"}, {"k2", "a long description", "x"}, {"k3", "d", "README.md:1", "applies: why"}},
		{{"base", "rel", "lic", "src", ""}, {"  nested", "finetune", "mit", "hub", "note"}},
		{{"only"}, {"two", "cells"}, {"é…", "ü", "z"}},
		{{"", "", ""}, {"x", "", "y"}},
	}
	for i, rows := range cases {
		var tab Table
		tab.Indent = "  "
		var want strings.Builder
		tw := tabwriter.NewWriter(&want, 0, 0, 2, ' ', 0)
		for _, r := range rows {
			tab.Rows(r...)
			fmt.Fprintf(tw, "  %s\n", strings.Join(r, "\t"))
		}
		tw.Flush()
		var got strings.Builder
		if err := tab.Write(&got, 0, false); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("case %d:\ngot\n%q\nwant\n%q", i, got.String(), want.String())
		}
	}
}

// TestColorAfterPadding: colour codes do not move the columns.
func TestColorAfterPadding(t *testing.T) {
	var tab Table
	tab.Row(Colored("\x1b[31m", "FAIL"), Plain("rule-a"), Plain("x"))
	tab.Row(Plain("waived"), Plain("rule-bb"), Plain("y"))
	for _, width := range []int{0, 80} {
		var b strings.Builder
		tab.Write(&b, width, true)
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		plain := strings.ReplaceAll(strings.ReplaceAll(lines[0], "\x1b[31m", ""), "\x1b[0m", "")
		if strings.Index(plain, "rule-a") != strings.Index(lines[1], "rule-bb") {
			t.Errorf("width %d: columns shifted:\n%s", width, b.String())
		}
		if !strings.Contains(lines[0], "\x1b[31mFAIL\x1b[0m  ") {
			t.Errorf("width %d: colour not around the bare text: %q", width, lines[0])
		}
	}
}

// TestFitsWidth: no line is wider than the width (words shorter than a
// line), the leading columns stay aligned and every word is kept.
func TestFitsWidth(t *testing.T) {
	long := strings.Repeat("the reason goes on and on ", 12)
	for _, width := range []int{40, 80, 120, 200} {
		var tab Table
		tab.Indent = "  "
		tab.Rows("applies", "user-threshold", "monthly_active_users > 700,000,000", "README.md:3", long)
		tab.Rows("does-not-apply", "naming", "short", "LICENSE:9", "ok")
		var b strings.Builder
		tab.Write(&b, width, false)
		out := b.String()
		for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if n := utf8.RuneCountInString(l); n > width {
				t.Errorf("width %d: line of %d: %q", width, n, l)
			}
		}
		if got, want := strings.Join(strings.Fields(out), " "), strings.Join(strings.Fields("applies user-threshold monthly_active_users > 700,000,000 README.md:3 "+long+" does-not-apply naming short LICENSE:9 ok"), " "); got != want {
			t.Errorf("width %d: words lost or reordered:\n%s", width, out)
		}
	}
}

func TestWrap(t *testing.T) {
	var b strings.Builder
	Wrap(&b, "one two three four five six", "", "  ", 12)
	if got, want := b.String(), "one two\n  three four\n  five six\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	b.Reset()
	Wrap(&b, "one two three", "", "  ", 0)
	if got := b.String(); got != "one two three\n" {
		t.Errorf("width 0: %q", got)
	}
}

// TestGluedSpans: a span glued to the previous one (a status and its
// semicolon) moves to the next line with it.
func TestGluedSpans(t *testing.T) {
	var b strings.Builder
	c := Cell{{Text: "status: "}, {Text: "FAIL", Color: "\x1b[31m"}, {Text: "; decision: blocked"}}
	WrapCell(&b, c, "  ", 14, false)
	if got, want := b.String(), "status:\n  FAIL;\n  decision:\n  blocked\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzTable: cells come from hostile repositories; no width or content
// makes the layout panic or lose a word.
func FuzzTable(f *testing.F) {
	f.Add("a b", "ccc dddd", "e", 40)
	f.Add("", "x", "a-very-long-word-without-spaces-at-all", 12)
	f.Fuzz(func(t *testing.T, a, b, c string, width int) {
		if width < 0 || width > 400 || !utf8.ValidString(a) || !utf8.ValidString(b) || !utf8.ValidString(c) {
			t.Skip()
		}
		var tab Table
		tab.Indent = "  "
		tab.Rows(a, b, c)
		tab.Row(Colored("\x1b[31m", b), Plain(c))
		var out strings.Builder
		if err := tab.Write(&out, width, true); err != nil {
			t.Fatal(err)
		}
		plain := strings.ReplaceAll(strings.ReplaceAll(out.String(), "\x1b[31m", ""), "\x1b[0m", "")
		if got, want := strings.Join(strings.Fields(plain), ""), strings.Join(strings.Fields(a+b+c+b+c), ""); len(got) != len(want) {
			t.Errorf("width %d: %d non-space bytes out, %d in:\n%s", width, len(got), len(want), out.String())
		}
	})
}
