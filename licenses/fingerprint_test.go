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
		if len(r.set) == 0 {
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

// The index is every reference's shingles, sorted, and the buckets point
// at the first posting of each top-bits range.
func TestFingerprintIndexSorted(t *testing.T) {
	db := loadFingerprints()
	if db.err != nil {
		t.Fatal(db.err)
	}
	n := 0
	for _, ref := range db.refs {
		n += len(ref.set)
	}
	if len(db.post) != n || !slices.IsSorted(db.post) {
		t.Fatalf("postings: %d of %d, sorted %v", len(db.post), n, slices.IsSorted(db.post))
	}
	for b := 0; b < 1<<bucketBits; b++ {
		for i := db.bucket[b]; i < db.bucket[b+1]; i++ {
			if int(db.post[i]>>(64-bucketBits)) != b {
				t.Fatalf("posting %d in bucket %d", i, b)
			}
		}
	}
	for r, ref := range db.refs[:min(len(db.refs), 50)] {
		for _, h := range ref.set {
			lo, hi := db.postings(h)
			found := false
			for i := lo; i < hi; i++ {
				found = found || int(uint32(db.post[i])) == r
			}
			if !found {
				t.Fatalf("reference %s: shingle %x not found", ref.id, h)
			}
		}
	}
}
