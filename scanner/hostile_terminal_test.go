package scanner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/carveout/carveout/scanner/format"
	"github.com/carveout/carveout/scanner/source"
)

// TestTableEscapesUntrustedText: escape sequences (clear screen, window
// title, hyperlinks) and raw C1 bytes in card fields, file names, base
// model ids and service metadata never reach the terminal raw.
func TestTableEscapesUntrustedText(t *testing.T) {
	const evil = "\x1b[2J\x1b]0;pwned\x07\x9b31m\u009b\u202e"
	files := map[string][]byte{
		"README.md":          []byte("---\nlicense: other\nlicense_name: \"n" + evil + "\"\nlicense_link: \"l" + evil + "\"\nmodel_name: \"m" + evil + "\"\nbase_model: \"org/b" + evil + "\"\ntags: [\"t" + evil + "\"]\n---\n"),
		"LICENSE" + evil:     []byte("custom terms: non-commercial use only" + evil + "\n"),
		"w" + evil + ".gguf": ggufFile(ggufKV{"general.license", "x" + evil}, ggufKV{"general.base_model.0.name", "b" + evil}),
	}
	md := &source.Metadata{ID: "org/m" + evil, Service: "hf", URL: "http://h/" + evil, License: []string{"l" + evil}, LicenseName: "n" + evil, Tags: []string{"t" + evil},
		BaseModels: []source.BaseModel{{ID: "org/base" + evil, Relation: "finetune" + evil}}}
	r, err := Scan(t.Context(), source.NewMemory("mem"+evil, files, md), Options{Lineage: TableResolver{}})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := (format.Table{}).Encode(&buf, []*Report{r}, format.Options{}); err != nil {
		t.Fatal(err)
	}
	out := buf.Bytes()
	for _, bad := range [][]byte{{0x1b}, {0x07}, {0x9b}, []byte("\u009b"), []byte("\u202e")} {
		if i := bytes.Index(out, bad); i >= 0 {
			lo := max(i-60, 0)
			t.Errorf("table output holds %q raw: …%q…", bad, out[lo:min(i+20, len(out))])
		}
	}
}

// failingOpen is a source whose files list but cannot be opened.
type failingOpen struct{ source.Source }

func (failingOpen) Open(ctx context.Context, p string, limit int64) (io.ReadCloser, error) {
	return nil, fmt.Errorf("open %s: permission denied", p)
}

// TestUnreadableSingleFile: a single-file target that cannot be read is a
// target error (exit 3), not a failing report (exit 1).
func TestUnreadableSingleFile(t *testing.T) {
	src := failingOpen{source.NewMemory("LICENSE", map[string][]byte{"LICENSE": []byte("MIT")}, nil)}
	_, err := Scan(t.Context(), src, Options{Kind: "file"})
	if !errors.Is(err, ErrTarget) || !strings.Contains(err.Error(), "permission denied") {
		t.Errorf("Scan = %v, want ErrTarget with the cause", err)
	}
	r := ErrorReport("LICENSE", "file", err)
	if r.Summary.Status != "error" || r.Error == "" || len(r.Findings) != 1 || r.Findings[0].Severity != SeverityError || strings.Contains(r.Findings[0].Message, "cannot read target LICENSE") {
		t.Errorf("ErrorReport = %+v", r)
	}
}
