package shingle

import (
	"slices"
	"testing"
)

func TestAnchorLine(t *testing.T) {
	for _, c := range []struct {
		line    string
		want    Anchor
		ok, bad bool
	}{
		{line: "B\tMIT\tmost\t1f,a0,ffffffff", want: Anchor{ID: "MIT", Words: []uint32{0x1f, 0xa0, 0xffffffff}}, ok: true},
		{line: "B\tHPND\thalf\t7", want: Anchor{ID: "HPND", Half: true, Words: []uint32{7}}, ok: true},
		{line: "B\tEmpty\tmost\t", want: Anchor{ID: "Empty"}, ok: true},
		{line: "L\tMIT\tmit.txt", ok: false},
		{line: "B\tMIT\tsome\t1", ok: true, bad: true},
		{line: "B\tMIT\tmost\t1,zz", ok: true, bad: true},
		{line: "B\tMIT\tmost\t100000000", ok: true, bad: true},
		{line: "B\tMIT", ok: true, bad: true},
	} {
		a, ok, err := AnchorLine([]byte(c.line))
		if ok != c.ok || (err != nil) != c.bad {
			t.Errorf("%q: ok %v err %v", c.line, ok, err)
			continue
		}
		if !c.bad && (a.ID != c.want.ID || a.Half != c.want.Half || !slices.Equal(a.Words, c.want.Words)) {
			t.Errorf("%q: %+v, want %+v", c.line, a, c.want)
		}
	}
}

// The table reads back as written: ids, thresholds, word counts, and the
// words sorted with their anchors; anything cut short or out of order is
// an error.
func TestAnchorTable(t *testing.T) {
	as := []Anchor{
		{ID: "GPL-3.0", Words: []uint32{9, 3, 3}},
		{ID: "HPND", Half: true, Words: []uint32{5}},
		{ID: "X"},
		{ID: "MIT", Words: []uint32{3, 1}},
	}
	b := AppendAnchors([]byte("head"), as)
	if string(b[:4]) != "head" {
		t.Fatal("AppendAnchors did not append")
	}
	tail := []byte{1, 2}
	got, words, rest, err := ReadAnchors(append(b[4:len(b):len(b)], tail...))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rest, tail) {
		t.Errorf("rest %v, want %v", rest, tail)
	}
	for i, a := range as {
		if got[i].ID != a.ID || got[i].Half != a.Half || got[i].Words != len(a.Words) {
			t.Errorf("anchor %d: %+v, want %+v", i, got[i], a)
		}
	}
	want := []uint64{1<<32 | 3, 3<<32 | 0, 3<<32 | 0, 3<<32 | 3, 5<<32 | 1, 9<<32 | 0}
	if !slices.Equal(words, want) {
		t.Errorf("words %x, want %x", words, want)
	}
	for n := 0; n < len(b)-4; n++ {
		if _, _, _, err := ReadAnchors(b[4 : 4+n]); err == nil {
			t.Errorf("cut to %d bytes: no error", n)
		}
	}
	swapped := slices.Clone(b[4:])
	end := len(swapped)
	copy(swapped[end-16:end-8], b[4+end-8:])
	copy(swapped[end-8:], b[4+end-16:4+end-8])
	if _, _, _, err := ReadAnchors(swapped); err == nil {
		t.Error("words out of order: no error")
	}
}
