package licenses

import (
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/internal/shingle"
)

func normWords(s string) string {
	var ws []string
	for _, t := range shingle.Tokenize([]byte(s)) {
		ws = append(ws, t.Word)
	}
	return strings.Join(ws, " ")
}

func TestNormalize(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"Hello, World!", "hello world"},
		{"\ufeffHello\r\nWorld", "hello world"},
		{"# Heading\n\n**Bold** and _it_ `code`", "heading bold and it code"},
		{"see [the policy](https://example.com/x) now", "see the policy now"},
		{"1. First\n2. Second\n  a) sub\n  (iv) roman", "first second sub roman"},
		{"(1) First (b) second", "first second"},
		{"| a | b |\n|---|---|", "a b"},
		{"Licensee\u2019s \u201cquoted\u201d", "licensees quoted"},
		{"Licensee's \"quoted\"", "licensees quoted"},
		{"non-exclusive \u2014 royalty\u2013free", "non exclusive royalty free"},
		{"&ldquo;AS IS&rdquo; &amp; more", "as is more"},
		{"Llama 3.1 and 700 million and 1,000,000 USD", "llama 3.1 and 700 million and 1000000 usd"},
		{"more than 100 million", "more than 100 million"},
		{"e.g. this", "e this"},
		{"许可方", "许 可 方"},
	} {
		if got := normWords(c.in); got != c.want {
			t.Errorf("%q: got %q, want %q", c.in, got, c.want)
		}
	}
	// Line numbers survive CR, LF and CRLF alike.
	toks := shingle.Tokenize([]byte("a\r\nb\rc\nd"))
	for i, tk := range toks {
		if tk.Line != i+1 {
			t.Errorf("token %q on line %d, want %d", tk.Word, tk.Line, i+1)
		}
	}
}

func TestSetCodec(t *testing.T) {
	set := shingle.Set([]uint32{5, 1, 0xffffffff, 5, 70000})
	b := shingle.AppendSet(nil, set)
	got, rest, err := shingle.ReadSet(append(b, 9))
	if err != nil || len(rest) != 1 || len(got) != len(set) {
		t.Fatalf("got %v %v %v", got, rest, err)
	}
	for i := range set {
		if got[i] != set[i] {
			t.Fatalf("got %v, want %v", got, set)
		}
	}
	if _, _, err := shingle.ReadSet([]byte{0xff}); err == nil {
		t.Error("truncated input accepted")
	}
}
