package scanner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/scanner/source"
)

// TestCitationsScanner scans every corpus license text as a repository's
// LICENSE file, placed the way files hold texts (blank first lines, a
// header, CRLF, a BOM, a policy appended), and checks every term's
// evidence in that file: inside the file, and holding the sentence the
// term quotes.
func TestCitationsScanner(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "licenses")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	policy, err := os.ReadFile(filepath.Join(dir, "llama3-aup.txt"))
	if err != nil {
		t.Fatal(err)
	}
	variants := map[string]func(string) string{
		"as-is":             func(s string) string { return s },
		"blank-first-lines": func(s string) string { return "\n\n" + s },
		"header":            func(s string) string { return "LICENSE\n=======\n\n" + s },
		"crlf":              func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") },
		"bom":               func(s string) string { return "\ufeff" + s },
		"policy-appended":   func(s string) string { return s + "\n\n" + string(policy) },
	}
	checked, bad := 0, 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".txt") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for name, fn := range variants {
			text := fn(string(b))
			lines := strings.Split(strings.ReplaceAll(strings.ReplaceAll(strings.TrimPrefix(text, "\ufeff"), "\r\n", "\n"), "\r", "\n"), "\n")
			src := source.NewMemory("mem", map[string][]byte{"LICENSE": []byte(text)}, nil)
			r, err := Scan(context.Background(), src, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range r.Licenses {
				for _, tm := range l.Terms {
					quotes := []string{tm.Text}
					if tm.Origin == "catalog" {
						// A catalog fact cites where its quote (a phrase of
						// the reference text, not in the report) was found.
						quotes = append(quotes, tm.Statement, tm.Prefix, tm.Notice, tm.Policy)
						if c, ok := licenses.Lookup(l.ID); ok {
							for _, ct := range c.Terms {
								if string(ct.Kind) == tm.Kind {
									quotes = append(quotes, ct.Quote)
								}
							}
						}
					}
					var evs []Evidence
					for _, ev := range tm.Evidence {
						// A policy incorporated by reference cites the line
						// that incorporates it, which quotes none of it.
						if ev.Path == "LICENSE" && ev.StartLine > 0 && !strings.HasPrefix(ev.Detail, "incorporated by reference") {
							evs = append(evs, ev)
						}
					}
					if len(evs) == 0 {
						continue
					}
					checked++
					held := false
					for _, ev := range evs {
						if ev.EndLine > len(lines) || ev.StartLine > ev.EndLine {
							bad++
							t.Errorf("%s %s: %s term %s cited at %d-%d of a %d-line file", e.Name(), name, l.ID, tm.Kind, ev.StartLine, ev.EndLine, len(lines))
							held = true
							break
						}
						hay := words(strings.Join(lines[ev.StartLine-1:ev.EndLine], "\n"))
						for _, q := range quotes {
							held = held || q != "" && holdsRun(hay, firstWords(words(q), 8))
						}
					}
					if !held {
						bad++
						t.Errorf("%s %s: %s term %s (%s) cited at %v, which do not hold %q", e.Name(), name, l.ID, tm.Kind, tm.Origin, evs, tm.Text)
					}
				}
			}
		}
	}
	t.Logf("scanner citations: %d terms checked, %d wrong", checked, bad)
}

// words splits a text into lower-case runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

func firstWords(ws []string, n int) []string { return ws[:min(n, len(ws))] }

// holdsRun reports whether run occurs in hay, word for word.
func holdsRun(hay, run []string) bool {
	if len(run) == 0 {
		return true
	}
outer:
	for i := 0; i+len(run) <= len(hay); i++ {
		for k := range run {
			if hay[i+k] != run[k] {
				continue outer
			}
		}
		return true
	}
	return false
}
