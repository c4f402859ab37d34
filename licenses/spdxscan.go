package licenses

import (
	"slices"
	"strings"
	"sync"

	"github.com/carveout/carveout/licenses/internal/shingle"
	"github.com/google/licensecheck"
)

// spdxMatch is one licensecheck match, in carveout's terms (licensecheck
// types never leave this file).
type spdxMatch struct {
	ID         string
	Start, End int // byte offsets in the scanned text
	// Share is the fraction of the text's words this match covers.
	Share float64
}

// spdxScanner matches SPDX license texts with google/licensecheck, but
// only against the few built-in licenses a cheap word pre-filter allows:
// compiling all of them costs about a second.
type spdxScanner struct {
	mu       sync.Mutex
	builtins map[string][]licensecheck.License // by id: a license may have several patterns (text, header)
	cache    map[string]*licensecheck.Scanner
}

var defaultSPDXScanner = &spdxScanner{}

// maxScannerCache bounds the compiled scanners kept per candidate set.
const maxScannerCache = 256

// spdxCandidates returns the builtin ids whose distinctive words nearly
// all occur in the text, and those of the SPDX references that share the
// most shingles with it (a license header holds few of the license's
// distinctive words but many of its appendix's shingles).
// shared counts, per reference, the distinct shingles of the text it
// holds (from matchCatalog).
func (db *fpDB) spdxCandidates(toks []shingle.Token, shared []int) []string {
	ids := db.wordCandidates(toks)
	add := func(ref string) {
		for _, id := range lcIDsFor(ref) {
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	for _, r := range topRefs(shared, lcNearestRefs) {
		add(db.refs[r].id)
	}
	// Licenses the text names ("Licensed under the Mozilla Public
	// License, Version 2.0"): a notice is licensecheck's to match.
	for _, ref := range findReferenceTokens(toks) {
		add(ref.ID)
	}
	return ids
}

// lcNearestRefs is how many of the references sharing the most shingles
// with a text lend their licensecheck patterns to the candidates.
const lcNearestRefs = 4

// topRefs returns the n references sharing the most distinct shingles
// with a text (at least minShared), most first.
func topRefs(shared []int, n int) []int {
	var out []int
	for r, k := range shared {
		if k >= minShared {
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b int) int { return shared[b] - shared[a] })
	return out[:min(n, len(out))]
}

// lcIDsFor returns the licensecheck builtin ids of a reference id.
func lcIDsFor(ref string) []string {
	return lcBuiltinIDs()[sameKey(ref)]
}

// sameKey is the key under which sameLicense ids meet.
func sameKey(id string) string {
	s := strings.ToLower(canonicalRefID(id))
	for _, suf := range []string{"-only", "-or-later", "+"} {
		s = strings.TrimSuffix(s, suf)
	}
	return s
}

// lcBuiltinIDs maps sameKey to the licensecheck builtin ids.
var lcBuiltinIDs = sync.OnceValue(func() map[string][]string {
	m := map[string][]string{}
	for _, l := range licensecheck.BuiltinLicenses() {
		k := sameKey(l.ID)
		if l.LRE != "" && !slices.Contains(m[k], l.ID) {
			m[k] = append(m[k], l.ID)
		}
	}
	return m
})

// wordCandidates returns the builtin ids whose distinctive words nearly
// all occur in the text.
func (db *fpDB) wordCandidates(toks []shingle.Token) []string {
	seen := make(map[uint32]struct{}, len(toks)/2)
	// A count per anchor, from a pool: a text touches few anchors (a card
	// body often none), and only those are visited and cleared.
	have := anchorCounts.Get().(*[]int32)
	if len(*have) != len(db.builtin) {
		*have = make([]int32, len(db.builtin))
	}
	counts := *have
	var touched []int32
	for _, t := range toks {
		w := shingle.WordHash(t.Word)
		if _, ok := seen[w]; ok {
			continue
		}
		seen[w] = struct{}{}
		i, _ := slices.BinarySearch(db.anchorWords, uint64(w)<<32)
		for ; i < len(db.anchorWords) && uint32(db.anchorWords[i]>>32) == w; i++ {
			a := int32(uint32(db.anchorWords[i]))
			if counts[a] == 0 {
				touched = append(touched, a)
			}
			counts[a]++
		}
	}
	slices.Sort(touched) // the anchors' order, as every one was visited before
	var ids []string
	for _, i := range touched {
		a := &db.builtin[i]
		n := int(counts[i])
		counts[i] = 0
		if a.Words == 0 {
			continue
		}
		need := (a.Words*3 + 3) / 4
		if a.Half {
			need = (a.Words + 1) / 2
		}
		if n >= need && n >= min(a.Words, 3) && !slices.Contains(ids, a.ID) {
			ids = append(ids, a.ID)
		}
	}
	anchorCounts.Put(have)
	return ids
}

// anchorCounts holds wordCandidates' counters, all zero between uses.
var anchorCounts = sync.Pool{New: func() any { return new([]int32) }}

// scan runs licensecheck over text with the given candidate licenses.
func (s *spdxScanner) scan(text []byte, ids []string) []spdxMatch {
	if len(ids) == 0 {
		return nil
	}
	sc := s.scanner(ids)
	if sc == nil {
		return nil
	}
	cov := sc.Scan(text)
	var out []spdxMatch
	total := 0
	for _, m := range cov.Match {
		if !m.IsURL {
			total += m.End - m.Start
		}
	}
	for _, m := range cov.Match {
		if m.IsURL {
			continue
		}
		share := cov.Percent / 100
		if total > 0 {
			share *= float64(m.End-m.Start) / float64(total)
		}
		out = append(out, spdxMatch{ID: m.ID, Start: m.Start, End: m.End, Share: share})
	}
	return out
}

func (s *spdxScanner) scanner(ids []string) *licensecheck.Scanner {
	key := strings.Join(ids, "\x00")
	s.mu.Lock()
	defer s.mu.Unlock()
	if sc, ok := s.cache[key]; ok {
		return sc
	}
	if s.builtins == nil {
		s.builtins = map[string][]licensecheck.License{}
		for _, l := range licensecheck.BuiltinLicenses() {
			if l.LRE != "" {
				s.builtins[l.ID] = append(s.builtins[l.ID], l)
			}
		}
		s.cache = map[string]*licensecheck.Scanner{}
	}
	var list []licensecheck.License
	for _, id := range ids {
		list = append(list, s.builtins[id]...)
	}
	if len(list) == 0 {
		return nil
	}
	sc, err := licensecheck.NewScanner(list)
	if err != nil {
		return nil
	}
	if len(s.cache) >= maxScannerCache {
		for k := range s.cache {
			delete(s.cache, k)
			break
		}
	}
	s.cache[key] = sc
	return sc
}

// sameSPDX reports whether two SPDX ids name the same license text
// (licensecheck reports "GPL-3.0" for what the catalog calls
// "GPL-3.0-only" or "GPL-3.0-or-later").
func sameSPDX(a, b string) bool {
	if strings.EqualFold(a, b) {
		return true
	}
	trim := func(s string) string {
		s = strings.ToLower(s)
		for _, suf := range []string{"-only", "-or-later", "+"} {
			s = strings.TrimSuffix(s, suf)
		}
		return s
	}
	return trim(a) == trim(b)
}
