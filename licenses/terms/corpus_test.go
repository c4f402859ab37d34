package terms

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/carveout/carveout/internal/corpus"
)

// corpusDir is the shared reference corpus, relative to this package.
const corpusDir = "../../../shared/corpus/licenses"

type corpusRow struct {
	file, category string
	terms          []string
}

func readExpected(tb testing.TB) []corpusRow {
	tb.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "EXPECTED.tsv"))
	if err != nil {
		if os.IsNotExist(err) {
			corpus.Skipf(tb, "reference corpus not found at %s (a fresh clone without ../shared): skipping corpus test", corpusDir)
		}
		tb.Fatal(err)
	}
	defer f.Close()
	var rows []corpusRow
	sc := bufio.NewScanner(f)
	first := true
	for sc.Scan() {
		if first {
			first = false
			continue
		}
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 4 {
			continue
		}
		r := corpusRow{file: cols[0], category: cols[3]}
		if len(cols) > 5 {
			for _, t := range strings.Split(cols[5], ";") {
				if t = strings.TrimSpace(t); t != "" {
					r.terms = append(r.terms, t)
				}
			}
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return rows
}

func readCorpusFile(tb testing.TB, name string) string {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// satisfies reports whether ts contains the term written in EXPECTED.tsv
// notation.
func satisfies(ts []Term, want string) bool {
	name, arg, _ := strings.Cut(want, ":")
	for _, t := range ts {
		switch {
		case strings.HasPrefix(want, "users>") || strings.HasPrefix(want, "visits>"):
			isVisits := strings.HasPrefix(want, "visits>")
			n, err := strconv.ParseInt(want[strings.Index(want, ">")+1:], 10, 64)
			if err == nil && t.Kind == UserThreshold && t.Value == n && strings.Contains(t.Metric, "visit") == isVisits {
				return true
			}
		case strings.HasPrefix(want, "revenue>"):
			num, cur, _ := strings.Cut(strings.TrimPrefix(want, "revenue>"), " ")
			n, err := strconv.ParseInt(num, 10, 64)
			if err == nil && t.Kind == RevenueThreshold && t.Value == n && t.Currency == cur {
				return true
			}
		case name == "territory":
			if t.Kind == TerritoryExclusion {
				all := true
				for _, r := range strings.Split(arg, ",") {
					all = all && contains(t.Regions, r)
				}
				if all {
					return true
				}
			}
		case name == "naming":
			if t.Kind == NamingRequirement && t.Prefix == arg {
				return true
			}
		case name == "attribution":
			if t.Kind == AttributionRequirement && t.Statement == arg {
				return true
			}
		default:
			k, ok := map[string]Kind{
				"notice-file":        NoticeRequirement,
				"noncommercial":      NonCommercial,
				"outputs-restricted": OutputsRestriction,
				"aup":                IncorporatedPolicy,
				"use-restrictions":   FieldOfUse,
				"pass-through":       PassThrough,
				"hosting-restricted": HostingRestriction,
			}[want]
			if ok && t.Kind == k {
				return true
			}
		}
	}
	return false
}

func TestCorpusExpectedTerms(t *testing.T) {
	rows := readExpected(t)
	total, found := 0, 0
	for _, r := range rows {
		text := readCorpusFile(t, r.file)
		ts := Extract(text)
		want := map[string]bool{}
		for _, w := range r.terms {
			total++
			want[w] = true
			if satisfies(ts, w) {
				found++
			} else {
				t.Errorf("%s: expected term %q not extracted", r.file, w)
			}
		}
		// No thresholds or non-commercial limits beyond those expected.
		for _, tm := range ts {
			switch tm.Kind {
			case UserThreshold:
				key := "users>" + strconv.FormatInt(tm.Value, 10)
				if strings.Contains(tm.Metric, "visit") {
					key = "visits>" + strconv.FormatInt(tm.Value, 10)
				}
				if !want[key] {
					t.Errorf("%s: unexpected user threshold %+v (lines %v)", r.file, tm, tm.Evidence)
				}
			case RevenueThreshold:
				if !want["revenue>"+strconv.FormatInt(tm.Value, 10)+" "+tm.Currency] {
					t.Errorf("%s: unexpected revenue threshold %+v (lines %v)", r.file, tm, tm.Evidence)
				}
			case NonCommercial:
				if !want["noncommercial"] {
					t.Errorf("%s: unexpected non-commercial term (lines %v): %s", r.file, tm.Evidence, tm.Text)
				}
			}
			if tm.Kind == TerritoryExclusion && (r.category == "permissive" || r.category == "copyleft" || r.category == "open-non-osi") {
				t.Errorf("%s: territory exclusion in a %s license: %+v", r.file, r.category, tm)
			}
		}
	}
	t.Logf("corpus: %d of %d expected terms extracted", found, total)
}

// TestCorpusEvidence checks that every term of every corpus file points at
// lines that exist and that output is deterministic.
func TestCorpusEvidence(t *testing.T) {
	for _, r := range readExpected(t) {
		text := readCorpusFile(t, r.file)
		n := strings.Count(strings.ReplaceAll(text, "\r\n", "\n"), "\n") + 1
		ts := Extract(text)
		for _, tm := range ts {
			if len(tm.Evidence) == 0 || tm.Origin != "text" || tm.Text == "" || len(tm.Text) > maxText+8 {
				t.Errorf("%s: malformed term %+v", r.file, tm)
			}
			for _, ev := range tm.Evidence {
				if ev.Start < 1 || ev.End < ev.Start || ev.End > n {
					t.Errorf("%s: evidence %v out of range 1..%d", r.file, ev, n)
				}
			}
		}
		// The same text reformatted (CRLF, BOM, rewrapped) yields the same
		// kinds and parameters.
		crlf := "\ufeff" + strings.ReplaceAll(text, "\n", "\r\n")
		if a, b := paramsOf(ts), paramsOf(Extract(crlf)); a != b {
			t.Errorf("%s: CRLF+BOM changes terms:\n%s\nvs\n%s", r.file, a, b)
		}
	}
}

func paramsOf(ts []Term) string {
	var b strings.Builder
	for i := range ts {
		t := ts[i]
		t.Text, t.Evidence = "", nil
		b.WriteString(termKey(&t))
		b.WriteByte('\n')
	}
	return b.String()
}

// TestModifiedLlamaThreshold edits a real text's user cap and expects the
// edited value, not a remembered one.
func TestModifiedLlamaThreshold(t *testing.T) {
	if _, err := os.Stat(corpusDir); err != nil {
		corpus.Skipf(t, "reference corpus not found at %s: skipping", corpusDir)
	}
	text := readCorpusFile(t, "llama3.1.txt")
	if !strings.Contains(text, "700 million monthly active users") {
		t.Fatal("fixture changed: threshold phrase not found")
	}
	mod := strings.Replace(text, "700 million monthly active users", "7 million monthly active users", 1)
	u := find(Extract(mod), UserThreshold)
	if len(u) != 1 || u[0].Value != 7_000_000 {
		t.Fatalf("modified threshold: %+v", u)
	}
	// Rewrapped at 60 columns, the value is still found.
	var b strings.Builder
	col := 0
	for _, w := range strings.Fields(mod) {
		if col+len(w) > 60 {
			b.WriteString("\n")
			col = 0
		}
		b.WriteString(w + " ")
		col += len(w) + 1
	}
	u = find(Extract(b.String()), UserThreshold)
	if len(u) != 1 || u[0].Value != 7_000_000 {
		t.Fatalf("rewrapped threshold: %+v", u)
	}
}

// adversarial builds about n bytes of hostile input: no sentence ends,
// many partial matches, long runs of digits and quotes.
func adversarial(n int) string {
	parts := []string{
		"more than 1 ", "$", "\"", "users ", "not granted in the European Union ",
		"1,000,", "Built with \"", "you agree not to use ", "restrictions ",
		strings.Repeat("9", 50) + " ", "with respect to ", "solely for ",
	}
	var b strings.Builder
	for i := 0; b.Len() < n; i++ {
		b.WriteString(parts[i%len(parts)])
	}
	return b.String()
}

func TestExtractAdversarialBounded(t *testing.T) {
	inputs := map[string]string{
		"mixed":    adversarial(1 << 20),
		"one-line": strings.Repeat("a", 1<<20),
		"periods":  strings.Repeat("x. y. ", 1<<20/6),
		"newlines": strings.Repeat("\n", 1<<20),
		"quotes":   strings.Repeat("\" . ", 1<<20/4),
	}
	for name, in := range inputs {
		done := make(chan struct{})
		go func() {
			defer close(done)
			Extract(in)
		}()
		select {
		case <-done:
		case <-time.After(2 * time.Minute):
			t.Fatalf("%s: Extract on 1 MiB did not finish in 2m", name)
		}
	}
}

func FuzzExtract(f *testing.F) {
	f.Add("If you have more than 5 million monthly active users, ask us.")
	f.Add("\ufeff# T\r\n1. **A.** \"x\" at the beginning of the name.\r\n")
	f.Add(adversarial(4096))
	if files, err := filepath.Glob(filepath.Join(corpusDir, "*.txt")); err == nil {
		for _, p := range files {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(string(b))
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := strings.Count(strings.ReplaceAll(s, "\r\n", "\n"), "\n") + 1
		for _, tm := range Extract(s) {
			for _, ev := range tm.Evidence {
				if ev.Start < 1 || ev.End < ev.Start || ev.End > n {
					t.Fatalf("evidence %v out of range 1..%d", ev, n)
				}
			}
		}
	})
}

func BenchmarkExtractCorpus(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.txt"))
	if len(files) == 0 {
		corpus.Skipf(b, "reference corpus not found at %s: skipping", corpusDir)
	}
	var texts []string
	size := 0
	for _, p := range files {
		bs, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		texts = append(texts, string(bs))
		size += len(bs)
	}
	b.SetBytes(int64(size))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, t := range texts {
			Extract(t)
		}
	}
}

func BenchmarkExtractAdversarial1MiB(b *testing.B) {
	in := adversarial(1 << 20)
	b.SetBytes(int64(len(in)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		Extract(in)
	}
}
