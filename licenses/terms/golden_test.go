package terms

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/carveout/carveout/internal/golden"
)

// update rewrites the golden files of the package (the module-wide
// `go test ./... -update`). Only do this when a change of output is
// intended, and review the diff.
var update = golden.Update // the module-wide -update flag

const goldenFile = "testdata/extract.golden"

// goldenInput is one text fed to Extract by TestExtractGolden.
type goldenInput struct {
	name, text string
}

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// rewrap joins the words of text into lines of at most about width columns.
func rewrap(text string, width int) string {
	var b strings.Builder
	col := 0
	for _, w := range strings.Fields(text) {
		if col > 0 && col+len(w) > width {
			b.WriteString("\n")
			col = 0
		}
		b.WriteString(w + " ")
		col += len(w) + 1
	}
	return b.String()
}

// testLiterals returns the string literals of the package's other test
// files (the example sentences of the table tests).
func testLiterals(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob("*_test.go")
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(files)
	seen := map[string]bool{}
	var out []string
	fset := token.NewFileSet()
	for _, name := range files {
		if name == "golden_test.go" || name == "guards_table_test.go" {
			continue // the golden's and the generator's own strings
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			tb.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			lit, ok := n.(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			s, err := strconv.Unquote(lit.Value)
			if err != nil || len(s) < 12 || seen[s] {
				return true
			}
			seen[s] = true
			out = append(out, s)
			return true
		})
	}
	return out
}

// goldenInputs lists the texts of the golden test: every corpus file as is,
// with CRLF line ends and a BOM, and rewrapped at 60 columns; the package's
// example sentences; documents mixed from random corpus lines and sentences
// with words swapped between them (deterministic seeds); hostile inputs.
func goldenInputs(tb testing.TB) []goldenInput {
	tb.Helper()
	var in []goldenInput
	for _, lit := range testLiterals(tb) {
		in = append(in, goldenInput{"example:" + sha(lit)[:16], lit})
	}
	in = append(in,
		goldenInput{"adversarial:64k", adversarial(64 << 10)},
		goldenInput{"adversarial:periods", strings.Repeat("x. y. ", 4000)},
		goldenInput{"adversarial:quotes", strings.Repeat("\" . ", 4000)},
	)

	entries, err := os.ReadDir(corpusDir)
	if err != nil {
		if os.IsNotExist(err) {
			return in
		}
		tb.Fatal(err)
	}
	var texts []string
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(corpusDir, e.Name()))
		if err != nil {
			tb.Fatal(err)
		}
		text := string(b)
		texts = append(texts, text)
		in = append(in,
			goldenInput{"corpus:" + e.Name(), text},
			goldenInput{"corpus-crlf:" + e.Name(), "\ufeff" + strings.ReplaceAll(text, "\n", "\r\n")},
			goldenInput{"corpus-wrap60:" + e.Name(), rewrap(text, 60)},
		)
	}

	// Random documents of corpus lines.
	var lines, words []string
	for _, t := range texts {
		for _, l := range strings.Split(t, "\n") {
			if strings.TrimSpace(l) != "" {
				lines = append(lines, l)
				words = append(words, strings.Fields(l)...)
			}
		}
	}
	if len(lines) == 0 {
		return in
	}
	rng := rand.New(rand.NewPCG(20261126, 1))
	for d := 0; d < 150; d++ {
		var b strings.Builder
		n := 5 + rng.IntN(60)
		for k := 0; k < n; k++ {
			b.WriteString(lines[rng.IntN(len(lines))])
			if rng.IntN(4) == 0 {
				b.WriteString("\n")
			}
			b.WriteString("\n")
		}
		in = append(in, goldenInput{fmt.Sprintf("mix-lines:%03d", d), b.String()})
	}
	// Corpus lines with some words replaced by random corpus words, which
	// makes near misses of the clause patterns.
	for d := 0; d < 150; d++ {
		var b strings.Builder
		n := 5 + rng.IntN(40)
		for k := 0; k < n; k++ {
			ws := strings.Fields(lines[rng.IntN(len(lines))])
			for i := range ws {
				switch rng.IntN(8) {
				case 0:
					ws[i] = words[rng.IntN(len(words))]
				case 1:
					ws[i] = strings.ToUpper(ws[i])
				}
			}
			b.WriteString(strings.Join(ws, " "))
			b.WriteString("\n")
		}
		in = append(in, goldenInput{fmt.Sprintf("mix-words:%03d", d), b.String()})
	}
	return in
}

// goldenBlock renders the terms Extract reads from one input: one line per
// term with its kind, parameters (strings clipped to 60 characters: the
// golden keeps short phrases, never license sentences), evidence lines and
// a short hash of the whole JSON term (text included) so that no change
// goes unseen.
func goldenBlock(in goldenInput) string {
	var b strings.Builder
	fmt.Fprintf(&b, "== %s input=%s\n", in.name, sha(in.text)[:16])
	for _, t := range Extract(in.text) {
		b.WriteString(string(t.Kind))
		for _, p := range Params() {
			if v := t.Get(p); v != "" {
				fmt.Fprintf(&b, " %s=%s", p, strconv.Quote(clip(v, 60)))
			}
		}
		var ls []string
		for _, l := range t.Evidence {
			if l.End > l.Start {
				ls = append(ls, fmt.Sprintf("%d-%d", l.Start, l.End))
			} else {
				ls = append(ls, strconv.Itoa(l.Start))
			}
		}
		j, _ := json.Marshal(t)
		fmt.Fprintf(&b, " lines=%s #%s\n", strings.Join(ls, ","), sha(string(j))[:8])
	}
	return b.String()
}

// readGolden splits the golden file into its blocks by input name.
func readGolden(tb testing.TB) map[string]string {
	tb.Helper()
	data, err := os.ReadFile(goldenFile)
	if err != nil {
		tb.Fatalf("%v (run go test ./licenses/terms -update to create it)", err)
	}
	m := map[string]string{}
	name := ""
	for _, line := range strings.SplitAfter(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "== "); ok {
			name, _, _ = strings.Cut(rest, " ")
		}
		if name == "" {
			tb.Fatalf("%s: line before the first block: %q", goldenFile, line)
		}
		m[name] += line
	}
	return m
}

// TestExtractGolden pins the output of Extract on every golden input
// (corpus texts, reformatted copies, the package's example sentences,
// mixed documents, hostile inputs) against testdata/extract.golden, a
// text file a reviewer can read. go test ./licenses/terms -update
// rewrites it. Without the reference corpus the corpus-derived blocks are
// not checked.
func TestExtractGolden(t *testing.T) {
	inputs := goldenInputs(t)
	if *update {
		var b strings.Builder
		b.WriteString("# terms.Extract golden: one block per input (name, hash of the input), one line per term.\n")
		b.WriteString("# Term texts are left out (only their hash #...); rewrite with: go test ./licenses/terms -update\n")
		for _, in := range inputs {
			b.WriteString(goldenBlock(in))
		}
		if err := os.MkdirAll(filepath.Dir(goldenFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d blocks to %s", len(inputs), goldenFile)
		return
	}
	golden := readGolden(t)
	seen := map[string]bool{}
	corpus := false
	for _, in := range inputs {
		seen[in.name] = true
		if strings.HasPrefix(in.name, "corpus:") {
			corpus = true
		}
		got := goldenBlock(in)
		want, ok := golden[in.name]
		switch {
		case !ok:
			t.Errorf("%s: input not in %s (run go test ./licenses/terms -update and review the diff)", in.name, goldenFile)
		case got != want:
			t.Errorf("%s: Extract output differs from %s (run go test ./licenses/terms -update and review the diff)\n got:\n%s want:\n%s", in.name, goldenFile, got, want)
		}
	}
	if !corpus {
		t.Logf("reference corpus not found at %s: corpus-derived golden blocks not checked", corpusDir)
		return
	}
	for name := range golden {
		if !seen[name] {
			t.Errorf("%s: block of an input that no longer exists (run go test ./licenses/terms -update)", name)
		}
	}
}
