package licenses

import (
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/internal/shingle"
	"github.com/carveout/carveout/licenses/terms"
)

// citationVariants place a corpus text inside a file the way files hold
// them: after blank lines or a header, with a policy appended, with CRLF
// line ends or a BOM.
var citationVariants = []struct {
	name string
	fn   func(text, policy string) string
}{
	{"as-is", func(s, _ string) string { return s }},
	{"blank-first-lines", func(s, _ string) string { return "\n\n\n" + s }},
	{"header", func(s, _ string) string {
		return "LICENSE\n=======\n\nThe model weights are released under the terms below.\n\n" + s
	}},
	{"policy-appended", func(s, p string) string { return s + "\n\n" + p }},
	{"crlf", func(s, _ string) string { return strings.ReplaceAll(s, "\n", "\r\n") }},
	{"bom", func(s, _ string) string { return "\ufeff" + s }},
}

// quoteWords is how many of a quote's first words must be a run of the
// cited lines' words: the extractor shortens long sentences ("…") and
// renders markdown links as "text (url)".
const quoteWords = 12

// quotedIn reports whether the first words of quote are a run of the
// words of lines r of the text.
func quotedIn(lines []string, r terms.Lines, quote string) bool {
	q := shingle.Tokenize([]byte(quote))
	q = q[:min(len(q), quoteWords)]
	if len(q) == 0 {
		return true
	}
	hay := shingle.Tokenize([]byte(regionText(lines, r)))
outer:
	for i := 0; i+len(q) <= len(hay); i++ {
		for k := range q {
			if hay[i+k].Word != q[k].Word {
				continue outer
			}
		}
		return true
	}
	return false
}

// TestCitations checks every term the corpus produces, in every variant:
// its evidence lines lie in the file and contain the sentence it quotes
// (a term read from the text quotes its sentence, which one of its
// evidence ranges holds; a catalog fact cites the lines holding one of its
// phrases).
func TestCitations(t *testing.T) {
	dir := idCorpusDir(t)
	policy := string(idReadCorpus(t, dir, "llama3-aup.txt"))
	checked, bad := 0, 0
	for _, r := range idReadExpected(t, dir) {
		orig := string(idReadCorpus(t, dir, r.file))
		for _, v := range citationVariants {
			text := v.fn(orig, policy)
			lines := shingle.Lines([]byte(text))
			for _, id := range Identify([]byte(text)) {
				for _, tm := range id.Terms {
					if len(tm.Evidence) == 0 {
						continue
					}
					checked++
					quotes := []string{tm.Text}
					if tm.Origin == "catalog" {
						// A catalog fact's Text is carveout's summary; it is
						// located by its Quote (a phrase of the reference
						// text) or by one of its literal parameters.
						quotes = []string{tm.Quote, tm.Text, tm.Statement, tm.Prefix, tm.Notice, tm.Policy}
					}
					held := false
					for _, ev := range tm.Evidence {
						if ev.Start < 1 || ev.End > len(lines) || ev.Start > ev.End {
							bad++
							t.Errorf("%s %s: %s term %s cited at lines %d-%d of a %d-line file", r.file, v.name, id.ID, tm.Kind, ev.Start, ev.End, len(lines))
							held = true // reported already
							break
						}
						for _, q := range quotes {
							held = held || q != "" && quotedIn(lines, ev, q)
						}
					}
					if !held {
						bad++
						t.Errorf("%s %s: %s term %s (%s) cited at lines %v, which do not hold %q", r.file, v.name, id.ID, tm.Kind, tm.Origin, tm.Evidence, quotes[0])
					}
				}
			}
		}
	}
	t.Logf("citations: %d checked, %d wrong", checked, bad)
}
