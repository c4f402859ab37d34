package licenses

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/internal/shingle"
)

// TestFingerprintsFresh checks the embedded fingerprints: they load, cover
// every catalog entry with a reference text, and were made from the corpus
// texts as they are now (else: go generate ./licenses).
func TestFingerprintsFresh(t *testing.T) {
	db := loadFingerprints()
	if db.err != nil {
		t.Fatal(db.err)
	}
	if len(db.builtin) == 0 {
		t.Error("no licensecheck pre-filter index")
	}
	have := map[string]bool{}
	for _, r := range db.refs {
		have[r.id] = true
		if r.size == 0 {
			t.Errorf("%s: empty fingerprint", r.id)
		}
	}
	for _, l := range Catalog() {
		if l.ReferenceText != "" && !have[l.ID] {
			t.Errorf("%s: reference_text %s has no fingerprint: run go generate ./licenses", l.ID, l.ReferenceText)
		}
	}
	dir := idCorpusDir(t)
	hdr, _, _ := bytes.Cut(fingerprintData, []byte("\nDATA\n"))
	for _, line := range strings.Split(string(hdr), "\n") {
		f := strings.Split(line, "\t")
		if f[0] != "L" || len(f) < 7 {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, f[2]))
		if err != nil {
			t.Errorf("%s: %v", f[1], err)
			continue
		}
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != f[5] {
			t.Errorf("%s: %s changed since the fingerprints were made: run go generate ./licenses", f[1], f[2])
		}
	}
}

// The embedded index is the one genfpindex makes from the embedded
// fingerprint files (else: go generate ./licenses), and every shingle of a
// reference finds that reference.
func TestFingerprintIndexFresh(t *testing.T) {
	db := loadFingerprints()
	if db.err != nil {
		t.Fatal(db.err)
	}
	want, err := shingle.IndexFile([][]byte{fingerprintData, spdxFingerprintData})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, fingerprintIndex) {
		t.Fatal("fingerprints/index.bin was not made from the fingerprint files: run go generate ./licenses")
	}
	n := 0
	for r := range db.refs {
		set := db.sets(r).set
		n += len(set)
		if len(set) != db.refs[r].size {
			t.Fatalf("%s: %d shingles decoded, index says %d", db.refs[r].id, len(set), db.refs[r].size)
		}
		for _, h := range set {
			lo, hi := db.postings(h)
			found := false
			for p := lo; p < hi; p++ {
				found = found || db.posting(p) == r
			}
			if !found {
				t.Fatalf("reference %s: shingle %x not found", db.refs[r].id, h)
			}
		}
	}
	if db.index.Len() != n {
		t.Fatalf("%d postings, %d shingles", db.index.Len(), n)
	}
}

// A stale or damaged index is an error naming the problem, not a wrong
// answer.
func TestFingerprintIndexMismatch(t *testing.T) {
	files := [][]byte{fingerprintData, spdxFingerprintData}
	if _, err := readFingerprints(files, fingerprintIndex); err != nil {
		t.Fatal(err)
	}
	other, err := shingle.IndexFile([][]byte{spdxFingerprintData, fingerprintData})
	if err != nil {
		t.Fatal(err)
	}
	for name, ix := range map[string][]byte{
		"files swapped": other,
		"catalog only":  must(shingle.IndexFile(files[:1])),
		"truncated":     fingerprintIndex[:len(fingerprintIndex)-2],
		"no version":    bytes.Replace(fingerprintIndex, []byte("\nV\t"), []byte("\nX\t"), 1),
	} {
		if _, err := readFingerprints(files, ix); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
	// Fingerprint files regenerated after the index was made: a text's
	// checksum changed in a reference line (same sizes everywhere), or
	// the data grown by a byte.
	hdrEnd := bytes.Index(fingerprintData, []byte("\nDATA\n"))
	sumAt := bytes.Index(fingerprintData[:hdrEnd], []byte("\nL\t")) + 1
	edited := bytes.Clone(fingerprintData)
	line := edited[sumAt : sumAt+bytes.IndexByte(edited[sumAt:], '\n')]
	line[len(line)-1] ^= 1 // (the line's last field, a count or a list)
	for name, fs := range map[string][][]byte{
		"a reference line changed": {edited, spdxFingerprintData},
		"data grown":               {fingerprintData, append(bytes.Clone(spdxFingerprintData), 0)},
	} {
		if _, err := readFingerprints(fs, fingerprintIndex); err == nil {
			t.Errorf("%s: no error", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// BenchmarkLoadFingerprints is the start-up cost of the fingerprints: the
// header lines of both files, and the index and its anchor table, read in
// place.
func BenchmarkLoadFingerprints(b *testing.B) {
	files := [][]byte{fingerprintData, spdxFingerprintData}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := readFingerprints(files, fingerprintIndex); err != nil {
			b.Fatal(err)
		}
	}
}

// The anchor table the index carries is the "B" lines of the fingerprint
// files, in order: every anchor's id, threshold and words.
func TestFingerprintAnchors(t *testing.T) {
	db := loadFingerprints()
	if db.err != nil {
		t.Fatal(db.err)
	}
	var want []shingle.Anchor
	for _, f := range [][]byte{fingerprintData, spdxFingerprintData} {
		hdr, _, err := shingle.SplitFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range hdr {
			a, ok, err := shingle.AnchorLine(l)
			if err != nil {
				t.Fatal(err)
			}
			if ok {
				want = append(want, a)
			}
		}
	}
	if len(want) < 100 || len(db.builtin) != len(want) {
		t.Fatalf("%d anchors read, %d B lines", len(db.builtin), len(want))
	}
	words := map[int][]uint32{}
	for _, aw := range db.anchorWords {
		words[int(uint32(aw))] = append(words[int(uint32(aw))], uint32(aw>>32))
	}
	for i, a := range want {
		got := db.builtin[i]
		w := slices.Sorted(slices.Values(a.Words))
		if got.ID != a.ID || got.Half != a.Half || got.Words != len(a.Words) || !slices.Equal(words[i], w) {
			t.Errorf("anchor %d: %+v with %v, want %s half=%v %v", i, got, words[i], a.ID, a.Half, w)
		}
	}
}
