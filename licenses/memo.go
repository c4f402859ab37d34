package licenses

import (
	"crypto/sha256"
	"sync"

	"github.com/carveout/carveout/licenses/internal/shingle"
)

// textMemo memoizes a function of a text for the whole process, keyed by
// the text's sha256: each distinct text is identified once however many
// files, models or targets share it (a cache of 1,000 models that share
// five license texts costs five identifications, not 1,000). Callers only
// read the results, which are shared.
//
// It is bounded by weight: an entry weighs what weigh says (for
// identifications, the text's length, since results hold strings cut from
// it, plus memoOverhead), and the oldest entries go when the total would
// pass memoBudget. A text heavier than the budget is computed and not kept.
type textMemo struct {
	f     func([]byte) []Identification
	weigh func(text []byte) int

	mu     sync.Mutex
	m      map[[sha256.Size]byte]*memoEntry
	order  [][sha256.Size]byte // insertion order, oldest first
	weight int
}

type memoEntry struct {
	once   sync.Once
	v      []Identification
	weight int
}

const (
	// memoBudget bounds what the memos keep alive: results and the texts
	// they may hold strings of. 16 MiB holds the license texts of a
	// thousand distinct models (the corpus texts average 11 KiB) or four
	// copies' worth of a 4 MiB text, and keeps a scan of 5,000 models
	// within its 64 MiB.
	memoBudget = 16 << 20
	// memoOverhead is what an entry weighs beyond its text: the results
	// (about 20 terms with their quotes) and the map entry.
	memoOverhead = 8 << 10
)

func newTextMemo(f func([]byte) []Identification, weigh func([]byte) int) *textMemo {
	return &textMemo{f: f, weigh: weigh, m: map[[sha256.Size]byte]*memoEntry{}}
}

// get returns f(text), computed once per distinct text while it is kept.
// Concurrent callers with the same text wait for one computation.
func (c *textMemo) get(text []byte) []Identification {
	w := c.weigh(text)
	if w > memoBudget {
		return c.f(text)
	}
	k := sha256.Sum256(text)
	c.mu.Lock()
	e, ok := c.m[k]
	if !ok {
		for c.weight+w > memoBudget && len(c.order) > 0 {
			old := c.order[0]
			c.order = c.order[1:]
			c.weight -= c.m[old].weight
			delete(c.m, old)
		}
		e = &memoEntry{weight: w}
		c.m[k] = e
		c.order = append(c.order, k)
		c.weight += w
	}
	c.mu.Unlock()
	e.once.Do(func() { e.v = c.f(text) })
	return e.v
}

var (
	identifyMemo = newTextMemo(func(b []byte) []Identification { return identify(b, fullMode) }, textWeight)
	proseMemo    = newTextMemo(identifyProse, textWeight)
	// References hold catalog ids and line numbers, nothing of the text.
	referencesMemo = newTextMemo(func(b []byte) []Identification { return findReferenceTokens(shingle.Tokenize(b)) },
		func([]byte) int { return referenceWeight })
)

// textWeight is what a memoized identification weighs: its text (its
// results hold strings cut from it) and the results themselves.
func textWeight(b []byte) int { return len(b) + memoOverhead }

// referenceWeight is what a memoized FindReferences result weighs: a few
// identifications without terms.
const referenceWeight = 1 << 10
