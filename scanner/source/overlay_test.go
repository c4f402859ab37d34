package source

import (
	"context"
	"io"
	"testing"
)

// TestComplete: the snapshot's files come from it, the others from the
// Hub; metadata is the Hub's with the snapshot's id and revision.
func TestComplete(t *testing.T) {
	ctx := context.Background()
	base := NewMemory("hf-cache:acme/m@abc", map[string][]byte{"config.json": []byte("cached")}, &Metadata{ID: "acme/m", Revision: "abc"})
	remote := NewMemory("hf:acme/m", map[string][]byte{"config.json": []byte("hub"), "README.md": []byte("card")}, &Metadata{ID: "acme/m", Revision: "abc", Service: "hf", License: []string{"mit"}, Gated: "auto"})
	c := Complete(base, remote)
	if c.Target() != "hf-cache:acme/m@abc" {
		t.Errorf("target %q", c.Target())
	}
	fs, err := c.List(ctx)
	if err != nil || len(fs) != 2 || fs[0].Path != "README.md" || fs[1].Path != "config.json" {
		t.Fatalf("List = %v, %v", fs, err)
	}
	for p, want := range map[string]string{"config.json": "cached", "README.md": "card"} {
		rc, err := c.Open(ctx, p, 0)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if string(b) != want {
			t.Errorf("Open(%s) = %q, want %q", p, b, want)
		}
		if b, _ := c.ReadRange(ctx, p, 0, 4); string(b) != want[:4] {
			t.Errorf("ReadRange(%s) = %q", p, b)
		}
	}
	md, err := c.Metadata(ctx)
	if err != nil || md.Service != "hf" || md.Gated != "auto" || len(md.License) != 1 || md.Revision != "abc" {
		t.Errorf("Metadata = %+v, %v", md, err)
	}
}
