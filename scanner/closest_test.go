package scanner

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/carveout/carveout/scanner/source"
)

// TestUnknownShowsClosest: a vendor's license written on another vendor's
// template is an unknown license whose report shows the template as
// closest {id, similarity}, never under the template's id.
func TestUnknownShowsClosest(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(corpusDir(t), "licenses", "llama3.1.txt"))
	if err != nil {
		t.Fatal(err)
	}
	text := regexp.MustCompile(`(?i)\bmeta\b`).ReplaceAllString(string(b), "Acmeco")
	text = regexp.MustCompile(`(?i)llama`).ReplaceAllString(strings.ReplaceAll(text, "Platforms", "Systems"), "Zorro")
	r, err := Scan(context.Background(), source.NewMemory("mem", map[string][]byte{"LICENSE": []byte(text)}, nil), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var unknown *License
	for i := range r.Licenses {
		if r.Licenses[i].ID == "llama3.1" {
			t.Errorf("reported as llama3.1: %+v", r.Licenses[i].Match)
		}
		if r.Licenses[i].ID == "unknown" {
			unknown = &r.Licenses[i]
		}
	}
	if unknown == nil || unknown.Closest == nil || unknown.Closest.ID != "llama3.1" || unknown.Closest.Similarity < 0.5 || unknown.OSIApproved {
		t.Fatalf("unknown license %+v, want closest llama3.1", unknown)
	}
	js, err := json.Marshal(unknown)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(js), `"closest":{"id":"llama3.1","similarity":`) {
		t.Errorf("JSON %s has no closest {id, similarity}", js)
	}
}
