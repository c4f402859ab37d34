package licenses

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/internal/shingle"
	"github.com/carveout/carveout/licenses/terms"
)

// TestCatalogCitations: every catalog fact about a license whose reference
// text is in the corpus is cited in that text. Identifying the reference
// text merges the catalog's terms with the extracted ones (terms.Merge);
// a catalog fact the extractor did not read must then point at lines of
// the text through its quote, and those lines must hold the quote.
func TestCatalogCitations(t *testing.T) {
	dir := idCorpusDir(t)
	cited, total := 0, 0
	for _, l := range Catalog() {
		if l.ReferenceText == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, l.ReferenceText))
		if err != nil {
			t.Errorf("%s: reference text %s: %v", l.ID, l.ReferenceText, err)
			continue
		}
		lines := strings.Split(string(data), "\n")
		for _, c := range l.Terms {
			if c.Quote == "" {
				continue
			}
			if !quoteIn(c.Quote, string(data)) {
				t.Errorf("%s: %s term quotes %q, which %s does not contain", l.ID, c.Kind, c.Quote, l.ReferenceText)
			}
		}
		var id *Identification
		for _, x := range Identify(data) {
			if x.ID == l.ID || x.License == l {
				id = &x
				break
			}
		}
		if id == nil {
			continue // identification is tested elsewhere
		}
		for _, tm := range id.Terms {
			if tm.Origin != terms.OriginCatalog {
				continue
			}
			total++
			if len(tm.Evidence) == 0 {
				t.Errorf("%s: catalog %s term (%s) has no citation in %s: give it a quote of the operative clause", l.ID, tm.Kind, terms.Describe(tm), l.ReferenceText)
				continue
			}
			cited++
			if tm.Quote != "" {
				ev := tm.Evidence[0]
				if !quoteIn(tm.Quote, strings.Join(lines[max(ev.Start, 1)-1:min(ev.End, len(lines))], "\n")) {
					t.Errorf("%s: %s term cites lines %d-%d, which do not hold its quote %q", l.ID, tm.Kind, ev.Start, ev.End, tm.Quote)
				}
			}
		}
	}
	t.Logf("%d of %d catalog facts not read by the extractor are cited in their reference text", cited, total)
}

// quoteIn reports whether the words of quote occur, in order and together,
// in text (formatting ignored).
func quoteIn(quote, text string) bool {
	q := tokenWords(quote)
	x := tokenWords(text)
	return len(q) > 0 && strings.Contains(" "+x+" ", " "+q+" ")
}

func tokenWords(s string) string {
	var out []string
	for _, tk := range shingle.Tokenize([]byte(s)) {
		out = append(out, tk.Word)
	}
	return strings.Join(out, " ")
}

// TestCatalogNoticeQualifiers: the NOTICE qualifiers the evaluation reads
// are written as the extractor writes them.
func TestCatalogNoticeQualifiers(t *testing.T) {
	for _, l := range Catalog() {
		for _, tm := range l.Terms {
			if tm.Kind != terms.NoticeRequirement {
				continue
			}
			if tm.Scope != "" && tm.Scope != terms.NoticeIfShipped {
				t.Errorf("%s: notice scope %q, want %q", l.ID, tm.Scope, terms.NoticeIfShipped)
			}
			if tm.Exempt != "" && tm.Exempt != terms.NoticeHostedExempt {
				t.Errorf("%s: notice exempt %q, want %q", l.ID, tm.Exempt, terms.NoticeHostedExempt)
			}
		}
	}
}
