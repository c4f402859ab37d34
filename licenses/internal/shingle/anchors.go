package shingle

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
)

// Anchor is one licensecheck builtin license's entry in the pre-filter
// that decides which of them to compile for a text: the hashes
// (WordHash) of words every match holds, and whether half of them must
// occur in the text rather than three quarters. A fingerprint file
// records it as a "B" header line: B, id, "most" or "half", then the
// hashes in hexadecimal, comma-separated.
type Anchor struct {
	ID    string
	Half  bool
	Words []uint32
}

// AnchorLine parses a "B" header line; ok is false for other lines.
func AnchorLine(l []byte) (a Anchor, ok bool, err error) {
	rest, ok := bytes.CutPrefix(l, []byte("B\t"))
	if !ok {
		return Anchor{}, false, nil
	}
	f := bytes.Split(rest, []byte("\t"))
	if len(f) < 3 || string(f[1]) != "most" && string(f[1]) != "half" {
		return Anchor{}, true, fmt.Errorf("bad line %q", l)
	}
	a = Anchor{ID: string(f[0]), Half: string(f[1]) == "half"}
	for h := range bytes.SplitSeq(f[2], []byte(",")) {
		if len(h) == 0 {
			continue
		}
		v, err := strconv.ParseUint(string(h), 16, 32)
		if err != nil {
			return Anchor{}, true, fmt.Errorf("bad line %q", l)
		}
		a.Words = append(a.Words, uint32(v))
	}
	return a, true, nil
}

// AppendAnchors appends the anchor table of as, in their order (an
// anchor's number is its place in it), laid out for ReadAnchors to take
// without parsing or sorting anything.
//
// Little-endian: the count A (uint32); per anchor the number of its
// words, 1 for half or 0, and the length of its id (3 × uint32); the ids'
// bytes end to end; the count W of words (uint32); then W entries hash<<32
// | anchor (uint64), sorted: the anchors holding a word lie together.
func AppendAnchors(dst []byte, as []Anchor) []byte {
	le := binary.LittleEndian
	dst = le.AppendUint32(dst, uint32(len(as)))
	var words []uint64
	for i, a := range as {
		half := uint32(0)
		if a.Half {
			half = 1
		}
		dst = le.AppendUint32(dst, uint32(len(a.Words)))
		dst = le.AppendUint32(dst, half)
		dst = le.AppendUint32(dst, uint32(len(a.ID)))
		for _, w := range a.Words {
			words = append(words, uint64(w)<<32|uint64(i))
		}
	}
	for _, a := range as {
		dst = append(dst, a.ID...)
	}
	slices.Sort(words)
	dst = le.AppendUint32(dst, uint32(len(words)))
	for _, w := range words {
		dst = le.AppendUint64(dst, w)
	}
	return dst
}

// AnchorEntry is an anchor as ReadAnchors returns it: its words are
// counted, and found through the sorted word table.
type AnchorEntry struct {
	ID    string
	Half  bool
	Words int
}

// ReadAnchors reads a table AppendAnchors wrote at the start of b: the
// anchors, the sorted hash<<32 | anchor entries, and what follows the
// table.
func ReadAnchors(b []byte) (as []AnchorEntry, words []uint64, rest []byte, err error) {
	le := binary.LittleEndian
	short := errors.New("anchor table: truncated")
	if len(b) < 4 {
		return nil, nil, nil, short
	}
	n := int(le.Uint32(b))
	b = b[4:]
	if n > len(b)/12 {
		return nil, nil, nil, short
	}
	meta := b[:n*12]
	b = b[n*12:]
	idBytes := 0
	for i := range n {
		idBytes += int(le.Uint32(meta[i*12+8:]))
	}
	if idBytes > len(b) {
		return nil, nil, nil, short
	}
	ids := string(b[:idBytes]) // one string; each id is a part of it
	b = b[idBytes:]
	as = make([]AnchorEntry, n)
	off, total := 0, 0
	for i := range as {
		e := meta[i*12:]
		l := int(le.Uint32(e[8:]))
		as[i] = AnchorEntry{ID: ids[off : off+l], Half: le.Uint32(e[4:]) == 1, Words: int(le.Uint32(e))}
		off += l
		total += as[i].Words
	}
	if len(b) < 4 || int(le.Uint32(b)) != total || len(b)-4 < total*8 {
		return nil, nil, nil, errors.New("anchor table: word count does not match its anchors")
	}
	b = b[4:]
	words = make([]uint64, total)
	for i := range words {
		words[i] = le.Uint64(b[i*8:])
		if i > 0 && words[i] < words[i-1] || int(uint32(words[i])) >= n {
			return nil, nil, nil, errors.New("anchor table: words not sorted or of no anchor")
		}
	}
	return as, words, b[total*8:], nil
}
