package licenses

import (
	"bytes"
	"hash/maphash"
	"sync"

	"github.com/carveout/carveout/licenses/internal/shingle"
)

// textMemo memoizes a function of a text for the whole process: each
// distinct text is identified once however many files, models or targets
// share it (a cache of 1,000 models that share five license texts costs
// five identifications, not 1,000). Callers only read the results, which
// are shared.
//
// Entries are found by a seeded 64-bit hash of the text (hash/maphash: a
// few GB/s, where sha256 cost a tenth of a 1,000-model scan) and hold a
// copy of their text: a hit is a text equal byte for byte, so a collision,
// chance or crafted, can never hand one text another's results (the
// colliding text is computed and not kept).
//
// It is bounded by weight: an entry weighs what weigh says (for
// identifications, twice the text's length, the entry's copy and the
// strings its results cut from it, plus memoOverhead), and the oldest
// entries go when the total would pass memoBudget. A text heavier than the
// budget is computed and not kept.
type textMemo struct {
	f     func([]byte) []Identification
	weigh func(text []byte) int

	mu     sync.Mutex
	m      map[uint64]*memoEntry
	order  []uint64 // insertion order, oldest first
	weight int
}

type memoEntry struct {
	text   []byte // a copy of the text
	once   sync.Once
	v      []Identification
	weight int
}

// memoSeed seeds the memos' hash, differently in every process.
var memoSeed = maphash.MakeSeed()

const (
	// memoBudget bounds what the memos keep alive: results and the texts
	// they may hold strings of. 16 MiB holds the identifications of
	// about 500 distinct license texts (the corpus texts average 11 KiB,
	// an entry weighing twice that plus memoOverhead) or of two 4 MiB
	// texts, and keeps a scan of 5,000 models within its 64 MiB.
	memoBudget = 16 << 20
	// memoOverhead is what an entry weighs beyond its text (kept twice:
	// the entry's copy, and the results' strings): the results (about 20
	// terms with their quotes) and the map entry.
	memoOverhead = 8 << 10
)

func newTextMemo(f func([]byte) []Identification, weigh func([]byte) int) *textMemo {
	return &textMemo{f: f, weigh: weigh, m: map[uint64]*memoEntry{}}
}

// get returns f(text), computed once per distinct text while it is kept.
// Concurrent callers with the same text wait for one computation.
func (c *textMemo) get(text []byte) []Identification {
	w := c.weigh(text)
	if w > memoBudget {
		return c.f(text)
	}
	k := maphash.Bytes(memoSeed, text)
	c.mu.Lock()
	e, ok := c.m[k]
	if ok && !bytes.Equal(e.text, text) {
		c.mu.Unlock()
		return c.f(text) // another text with the same hash
	}
	if !ok {
		for c.weight+w > memoBudget && len(c.order) > 0 {
			old := c.order[0]
			c.order = c.order[1:]
			c.weight -= c.m[old].weight
			delete(c.m, old)
		}
		e = &memoEntry{text: bytes.Clone(text), weight: w}
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
		referenceWeight)
)

// textWeight is what a memoized identification weighs: its text (the
// entry's copy, and the strings its results hold cut from it) and the
// results themselves.
func textWeight(b []byte) int { return 2*len(b) + memoOverhead }

// referenceWeight is what a memoized FindReferences result weighs: a few
// identifications without terms, and the entry's copy of the text.
func referenceWeight(b []byte) int { return len(b) + 1<<10 }
