package licenses

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// IdentifyProse gives the licenses Identify finds in a text that prose
// keeps, the same in every field: on every corpus model card and on cards
// that paste a license text into their prose.
func TestIdentifyProseIsIdentifyWithoutUnknowns(t *testing.T) {
	cards, err := filepath.Glob(filepath.Join(filepath.Dir(idCorpusDir(t)), "modelcards", "*.md"))
	if err != nil || len(cards) == 0 {
		t.Fatalf("no corpus model cards: %v", err)
	}
	mit, err := os.ReadFile(filepath.Join(idCorpusDir(t), "mit.txt"))
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string][]byte{
		"pasted MIT":  append([]byte("# A model\n\nSome words about it.\n\n"), mit...),
		"no license":  []byte("# A model\n\nA fine-tune for chat, trained on our data.\n"),
		"only a name": []byte("Released under the MIT License.\n"),
	}
	for _, p := range cards {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		texts[filepath.Base(p)] = b
	}
	found := 0
	for name, b := range texts {
		want, got := kept(Identify(b)), IdentifyProse(b)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: IdentifyProse %v, Identify %v", name, ids(got), ids(want))
		}
		found += len(want)
	}
	if found == 0 {
		t.Fatal("no license found in any text: the test checks nothing")
	}
}

// kept are the identifications prose keeps: known, with a confidence of
// at least minProseConfidence.
func kept(in []Identification) []Identification {
	var out []Identification
	for _, id := range in {
		if id.ID != UnknownID && id.Confidence >= minProseConfidence {
			out = append(out, id)
		}
	}
	return out
}

func ids(in []Identification) []string {
	var out []string
	for _, id := range in {
		out = append(out, id.ID)
	}
	return out
}
