package licenses

import (
	"slices"
	"sort"

	"github.com/carveout/carveout/licenses/internal/shingle"
	"github.com/carveout/carveout/licenses/terms"
)

// Thresholds of the catalog matcher.
const (
	// minCoverage is the share of a reference's shingles a text must hold
	// to be reported as that license (a text truncated to half passes).
	minCoverage = 0.30
	// minShared is the least number of shingles shared with a reference
	// (fewer for references shorter than twice that).
	minShared = 12
	// minExcerpt and minExcerptShare accept a text below minCoverage when
	// it shares at least minExcerpt shingles (a paragraph or two) with a
	// reference and those are most of its own shingles: a truncated copy.
	minExcerpt      = 60
	minExcerptShare = 0.6
	// maxMatches bounds the licenses reported for one text.
	maxMatches = 8
	// clusterGap is the run of unmatched tokens that separates two parts
	// of a match; parts much smaller than the largest are strays (a phrase
	// the policy shares with the license it follows).
	clusterGap = 48
)

// textMatch is one catalog reference found in a text.
type textMatch struct {
	ref      int // index in fpDB.refs
	coverage float64
	first    int // first token of the region
	last     int // last token of the region
	matched  []bool
}

// matchCatalog finds the catalog references present in the text, best
// first; after each match the shingles it explains are set aside and the
// rest is searched again (a license with its policy appended). sh are the
// text's shingles in order, in their distinct values, sorted, and at the
// index in in of each shingle of sh (shingle.SetAt).
//
// It also returns, per reference, how many distinct shingles of the text
// it holds.
func matchCatalog(db *fpDB, toks []shingle.Token, sh, in []uint32, at []int32) ([]textMatch, []int) {
	if len(sh) == 0 || len(db.refs) == 0 {
		return nil, nil
	}
	// Each distinct input shingle's posting range (the index holds
	// fewer than 2^31 postings; 12 bytes a shingle).
	type uniq struct {
		lo, hi  int32
		removed bool
		inBest  bool // the match of this round holds it
		fresh   bool // explained in this round
	}
	us := make([]uniq, len(in))
	held := false
	for u, h := range in {
		lo, hi := db.postings(h)
		us[u].lo, us[u].hi = int32(lo), int32(hi)
		held = held || us[u].hi > us[u].lo
	}
	if !held {
		return nil, nil // no reference holds any of its shingles (prose)
	}
	full := make([]int, len(db.refs))
	for _, u := range us {
		db.index.AddPostings(int(u.lo), int(u.hi), full, 1)
	}
	// rem: shingles of each reference not yet explained; left: distinct
	// input shingles not yet explained.
	rem := slices.Clone(full)
	left := len(us)
	var out []textMatch
	var pos []int // positions of the shingles a match holds
	used := make([]bool, len(db.refs))
	for len(out) < maxMatches {
		best, bestScore := -1, 0.0
		bestExcerpt, bestExcerptScore := -1, 0.0
		for r, n := range rem {
			size := db.refs[r].size
			if used[r] || n == 0 || size == 0 {
				continue
			}
			need := min(minShared, (size+1)/2)
			cov := float64(full[r]) / float64(size)
			// An excerpt (a truncated text) covers little of its reference
			// but is itself mostly that reference.
			excerpt := n >= minExcerpt && float64(n) >= minExcerptShare*float64(left)
			if n < need || !excerpt && (cov < minCoverage || float64(n)/float64(size) < minCoverage*0.8) {
				continue
			}
			// Both containments: shared²/(|ref|·|text|), the text's
			// size being the same for every candidate. A license with its
			// policy appended beats the policy alone, and a reference
			// that is itself license+policy does not beat the license.
			score := float64(n) * float64(n) / float64(size)
			if excerpt && (cov < minCoverage || float64(n)/float64(size) < minCoverage*0.8) {
				// For an excerpt every near-clone covers little: the one
				// sharing the most shingles wins (a truncated CC BY-NC-SA
				// keeps its "NonCommercial" title over plain CC BY), and
				// only then the smaller reference. Used only when no
				// reference is covered well.
				if xs := float64(n) + score/float64(size+1); xs > bestExcerptScore {
					bestExcerpt, bestExcerptScore = r, xs
				}
				continue
			}
			if score > bestScore {
				best, bestScore = r, score
			}
		}
		if best < 0 {
			best = bestExcerpt
		}
		if best < 0 {
			break
		}
		used[best] = true
		// Which distinct shingles best holds (its postings say so, sorted
		// by reference), and those not yet explained are now. rem loses
		// their postings, or, when the shingles left hold fewer postings
		// than those explained (a whole text matched: nearly all), is
		// counted again from the shingles left: the same counts.
		gone, kept := 0, 0
		for i := range us {
			u := &us[i]
			u.inBest = db.index.HasPosting(int(u.lo), int(u.hi), best)
			u.fresh = u.inBest && !u.removed
			if u.fresh {
				u.removed = true
				left--
				gone += int(u.hi - u.lo)
			} else if !u.removed {
				kept += int(u.hi - u.lo)
			}
		}
		if kept+len(rem) < gone {
			clear(rem)
			for _, u := range us {
				if !u.removed {
					db.index.AddPostings(int(u.lo), int(u.hi), rem, 1)
				}
			}
		} else {
			for _, u := range us {
				if u.fresh {
					db.index.AddPostings(int(u.lo), int(u.hi), rem, -1)
				}
			}
		}
		n := 0
		for _, u := range at {
			if us[u].inBest {
				n++
			}
		}
		pos = slices.Grow(pos[:0], n) // (grown by appends it was twice the size)
		for i, u := range at {
			if us[u].inBest {
				pos = append(pos, i)
			}
		}
		m := textMatch{ref: best, coverage: float64(full[best]) / float64(db.refs[best].size)}
		if !m.locate(toks, pos) {
			continue
		}
		out = append(out, m)
	}
	resolveOverlaps(out)
	return out, full
}

// resolveOverlaps trims regions that overlap partially (a license whose
// last lines share a phrase with the policy that follows it): the match
// with fewer explained tokens in the overlap gives it up.
func resolveOverlaps(ms []textMatch) {
	for i := range ms {
		for j := range ms {
			a, b := &ms[i], &ms[j]
			if i == j || a.first >= b.first || a.last < b.first || a.last >= b.last {
				continue // not a partial overlap with a before b
			}
			na, nb := 0, 0
			for k := b.first; k <= a.last; k++ {
				if a.matched[k] {
					na++
				}
				if b.matched[k] {
					nb++
				}
			}
			if na < nb {
				a.trim(a.first, b.first-1)
			} else {
				b.trim(a.last+1, b.last)
			}
		}
	}
}

// trim shrinks the region to the matched tokens within [first, last].
func (m *textMatch) trim(first, last int) {
	nf, nl := -1, -1
	for k := range m.matched {
		if k < first || k > last {
			m.matched[k] = false
			continue
		}
		if m.matched[k] {
			if nf < 0 {
				nf = k
			}
			nl = k
		}
	}
	if nf >= 0 {
		m.first, m.last = nf, nl
	}
}

// locate finds the region of the match and which of its tokens the
// reference explains; pos are the positions of the text's shingles the
// reference holds, in order.
func (m *textMatch) locate(toks []shingle.Token, pos []int) bool {
	if len(pos) == 0 {
		return false
	}
	// Split into clusters at long gaps; keep the clusters that are not
	// strays compared with the largest.
	type cl struct{ a, b, n int }
	var cls []cl
	c := cl{pos[0], pos[0], 1}
	for _, p := range pos[1:] {
		if p-c.b > clusterGap+shingle.K {
			cls = append(cls, c)
			c = cl{p, p, 0}
		}
		c.b = p
		c.n++
	}
	cls = append(cls, c)
	maxN := 0
	for _, c := range cls {
		maxN = max(maxN, c.n)
	}
	m.first, m.last = -1, -1
	for _, c := range cls {
		if c.n*10 < maxN || (c.n < 8 && c.n < maxN) {
			continue
		}
		if m.first < 0 || c.a < m.first {
			m.first = c.a
		}
		m.last = max(m.last, c.b+shingle.K-1)
	}
	m.matched = make([]bool, len(toks))
	for _, p := range pos {
		if p < m.first || p > m.last {
			continue
		}
		for j := p; j < p+shingle.K; j++ {
			m.matched[j] = true
		}
	}
	return true
}

// changedLines returns the line ranges of tokens in [first,last] that no
// match explains.
func changedLines(toks []shingle.Token, first, last int, explained []bool) []terms.Lines {
	var lines []int
	for j := first; j <= last && j < len(toks); j++ {
		if !explained[j] {
			lines = append(lines, toks[j].Line)
		}
	}
	return mergeLines(lines)
}

// mergeLines turns line numbers into sorted inclusive ranges.
func mergeLines(lines []int) []terms.Lines {
	if len(lines) == 0 {
		return nil
	}
	sort.Ints(lines)
	lines = slices.Compact(lines)
	var out []terms.Lines
	cur := terms.Lines{Start: lines[0], End: lines[0]}
	for _, l := range lines[1:] {
		if l == cur.End+1 {
			cur.End = l
			continue
		}
		out = append(out, cur)
		cur = terms.Lines{Start: l, End: l}
	}
	return append(out, cur)
}
