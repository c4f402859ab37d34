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
	found, dropped := 0, 0
	for name, b := range texts {
		all := Identify(b)
		want, got := kept(all), IdentifyProse(b)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: IdentifyProse %v, Identify %v", name, ids(got), ids(want))
		}
		found += len(want)
		for _, id := range identify(b, proseMode) {
			if !proseKept(id) {
				dropped++ // (its terms unread, unless an edit made it unknown)
			}
		}
	}
	if found == 0 || dropped == 0 {
		t.Fatalf("%d licenses found and %d identifications dropped: the test checks too little", found, dropped)
	}
}

// kept are the identifications prose keeps (proseKept).
func kept(in []Identification) []Identification {
	var out []Identification
	for _, id := range in {
		if proseKept(id) {
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
