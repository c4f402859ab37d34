package terms

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
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
)

// updateExtractGolden regenerates testdata/extract_golden.sha256 from the
// current Extract. Only do this when a change of output is intended.
var updateExtractGolden = flag.Bool("update-extract", false, "rewrite testdata/extract_golden.sha256 from the current terms.Extract output")

const goldenFile = "testdata/extract_golden.sha256"

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
		if name == "golden_test.go" {
			continue
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

type goldenEntry struct {
	inSum, outSum string
}

func readGolden(tb testing.TB) map[string]goldenEntry {
	tb.Helper()
	f, err := os.Open(goldenFile)
	if err != nil {
		tb.Fatalf("%v (run go test -run TestExtractGolden -update-extract to create it)", err)
	}
	defer f.Close()
	m := map[string]goldenEntry{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Fields(line)
		if len(cols) != 3 {
			tb.Fatalf("%s: malformed line %q", goldenFile, line)
		}
		m[cols[0]] = goldenEntry{cols[1], cols[2]}
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return m
}

// TestExtractGolden pins the output of Extract: for each input the SHA-256
// of its JSON-encoded terms must equal the one recorded (no license text is
// stored in the repository, only hashes). Inputs whose own hash changed
// (an edited corpus file or example) are reported and skipped.
func TestExtractGolden(t *testing.T) {
	inputs := goldenInputs(t)
	if *updateExtractGolden {
		var b strings.Builder
		b.WriteString("# name sha256(input) sha256(json(Extract(input)))\n")
		b.WriteString("# generated by: go test ./licenses/terms -run TestExtractGolden -update-extract\n")
		for _, in := range inputs {
			out, err := json.Marshal(Extract(in.text))
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "%s %s %s\n", in.name, sha(in.text), sha(string(out)))
		}
		if err := os.MkdirAll(filepath.Dir(goldenFile), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(goldenFile, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("wrote %d entries to %s", len(inputs), goldenFile)
		return
	}
	golden := readGolden(t)
	checked, stale := 0, 0
	for _, in := range inputs {
		g, ok := golden[in.name]
		if !ok || g.inSum != sha(in.text) {
			stale++
			t.Logf("%s: input not in %s or changed since it was written; not checked", in.name, goldenFile)
			continue
		}
		ts := Extract(in.text)
		out, err := json.Marshal(ts)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if sha(string(out)) != g.outSum {
			var b strings.Builder
			for _, tm := range ts {
				p := tm
				p.Text = ""
				pj, _ := json.Marshal(p)
				fmt.Fprintf(&b, "\t%s\n", pj)
			}
			t.Errorf("%s: Extract output differs from the golden hash; new output (%d terms, Text omitted):\n%s", in.name, len(ts), b.String())
		}
	}
	if checked == 0 {
		t.Fatalf("no input could be checked against %s", goldenFile)
	}
	t.Logf("checked %d inputs (%d not checked)", checked, stale)
}
