package scanner

import (
	"bytes"
	"context"
	"encoding/json"
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

// TestDoneContextNeverPasses: a scan whose deadline passed reports what it
// did not identify as errors (or fails), never a pass.
func TestDoneContextNeverPasses(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	files := map[string][]byte{"README.md": []byte("---\nlicense: mit\n---\n"), "LICENSE": []byte("MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n")}
	r, err := Scan(ctx, source.NewMemory("mem", files, nil), Options{})
	if err == nil && !hasError(r) {
		t.Errorf("a scan with a done context passes: %s", dumpFindings(r))
	}
}

// TestErrorReportNeverPasses: a target that could not be read is never
// shown as passing, in any output format, and its error text (possibly
// hostile) reaches no terminal raw.
func TestErrorReportNeverPasses(t *testing.T) {
	r := ErrorReport("hf:org/m", "hf", errors.New("GET http://h/x: HTTP 500 \x1b]0;pwned\x07"))
	for _, f := range format.Formats() {
		var buf bytes.Buffer
		if err := f.Encoder.Encode(&buf, []*Report{r}, format.Options{}); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		out := buf.String()
		if strings.Contains(out, "PASS") || strings.Contains(out, `"status":"pass"`) || strings.Contains(out, `"status": "pass"`) {
			t.Errorf("%s shows an unreadable target as passing:\n%.400s", f.Name, out)
		}
		if f.Name == "table" || f.Name == "markdown" || f.Name == "github" {
			if strings.ContainsAny(out, "\x1b\x07") {
				t.Errorf("%s prints the error's escape sequences raw:\n%q", f.Name, out)
			}
		}
	}
}

// TestInvalidUTF8PathLossless: a file name that is not valid UTF-8 keeps
// its bytes in the JSON report (path_bytes), so the file can be found.
func TestInvalidUTF8PathLossless(t *testing.T) {
	name := "LICENSE-\x9b\xff.txt"
	r := scanBytes(t, map[string][]byte{"README.md": []byte(apacheCard), name: []byte("custom terms: non-commercial use only\n")}, Options{})
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Files []struct {
			Path      string `json:"path"`
			PathBytes []byte `json:"path_bytes"`
		} `json:"files"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range back.Files {
		if string(f.PathBytes) == name {
			found = true
		}
		if f.PathBytes != nil && !strings.Contains(f.Path, "\uFFFD") {
			t.Errorf("path_bytes on a valid name %q", f.Path)
		}
	}
	if !found {
		t.Errorf("no file keeps the bytes of %q: %s", name, b)
	}
}
