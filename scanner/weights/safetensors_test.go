package weights

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"maps"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestReadSafetensors(t *testing.T) {
	b := sampleSafetensors()
	r := memReader(b)
	h, err := ReadSafetensors(context.Background(), r, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	wantMeta := map[string]string{"format": "pt", "license": "apache-2.0", "license_name": "Apache 2.0"}
	if !maps.Equal(h.Metadata, wantMeta) {
		t.Errorf("Metadata = %v", h.Metadata)
	}
	if h.TensorCount != 3 || !maps.Equal(h.DTypes, map[string]int{"BF16": 2, "F32": 1}) {
		t.Errorf("TensorCount = %d, DTypes = %v", h.TensorCount, h.DTypes)
	}
	if id, name, link := h.License(); id != "apache-2.0" || name != "Apache 2.0" || link != "" {
		t.Errorf("License() = %q %q %q", id, name, link)
	}
	if h.Reads != 1 || h.BytesRead != int64(len(b)) || r.BytesRead() != h.BytesRead {
		t.Errorf("Reads = %d, BytesRead = %d, file %d bytes", h.Reads, h.BytesRead, len(b))
	}
}

// TestSafetensorsLongHeader: a header longer than the first chunk takes
// exactly one more read, of exactly the rest of the header.
func TestSafetensorsLongHeader(t *testing.T) {
	tensors := map[string]stTensor{}
	for i := range 3000 {
		name := "model.layers." + strings.Repeat("x", 20) + string(rune('a'+i%26)) + "." + strconv.Itoa(i) + ".weight"
		tensors[name] = stTensor{"F16", []uint64{2}, []uint64{uint64(4 * i), uint64(4*i + 4)}}
	}
	b := safetensorsBytes(map[string]string{"format": "pt"}, tensors)
	b = append(b, make([]byte, 1<<20)...) // more data after the header
	r := memReader(b)
	h, err := ReadSafetensors(context.Background(), r, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if h.HeaderBytes <= firstChunk || h.TensorCount != 3000 {
		t.Fatalf("HeaderBytes = %d, TensorCount = %d", h.HeaderBytes, h.TensorCount)
	}
	if h.Reads != 2 || h.BytesRead != h.HeaderBytes {
		t.Errorf("Reads = %d, BytesRead = %d, header %d bytes", h.Reads, h.BytesRead, h.HeaderBytes)
	}
}

func TestSafetensorsBad(t *testing.T) {
	raw := func(n uint64, js string, data int) []byte { return safetensorsRaw(n, []byte(js), data) }
	hdr := func(js string) []byte { return raw(uint64(len(js)), js, 0) }
	tests := []struct {
		name string
		b    []byte
		want error
		text string
	}{
		{"empty file", nil, ErrTruncated, ""},
		{"short length", []byte{1, 2, 3}, ErrTruncated, ""},
		{"length 2^63", raw(1<<63, "{}", 0), ErrTooLarge, "exceeds the 16777216-byte limit"},
		{"length 2^64-1", raw(math.MaxUint64, "{}", 0), ErrTooLarge, "limit"},
		{"length over the cap", raw(MaxSafetensorsHeaderBytes+1, "{}", 0), ErrTooLarge, "limit"},
		{"length past the file", raw(1000, "{}", 100), ErrTruncated, "exceeds the file size"},
		{"length 0", raw(0, "", 10), ErrMalformed, "too short"},
		{"length 1", raw(1, "{", 10), ErrMalformed, "too short"},
		{"not an object", hdr(`["a"]`), ErrMalformed, "does not start with '{'"},
		{"malformed JSON", hdr(`{"a": }`), ErrMalformed, "header JSON: invalid character"},
		{"truncated JSON", hdr(`{"a": {"dtype": "F16"`), ErrMalformed, "header JSON: unexpected end"},
		{"invalid UTF-8", hdr("{\"\xff\": 1}"), ErrMalformed, "UTF-8"},
		{"metadata not an object", hdr(`{"__metadata__": [1]}`), ErrMalformed, "__metadata__ is not an object"},
		{"metadata value not a string", hdr(`{"__metadata__": {"license": 5}}`), ErrMalformed, `__metadata__["license"] is not a string: 5`},
		{"tensor not an object", hdr(`{"w": 5}`), ErrMalformed, `tensor "w"`},
		{"tensor without dtype", hdr(`{"w": {"shape": [1], "data_offsets": [0, 0]}}`), ErrMalformed, "no dtype"},
		{"tensor without shape", hdr(`{"w": {"dtype": "F16", "data_offsets": [0, 0]}}`), ErrMalformed, "no shape"},
		{"negative shape", hdr(`{"w": {"dtype": "F16", "shape": [-1], "data_offsets": [0, 0]}}`), ErrMalformed, `tensor "w"`},
		{"bad offsets", hdr(`{"w": {"dtype": "F16", "shape": [1], "data_offsets": [4, 2]}}`), ErrMalformed, "data_offsets"},
		{"offsets past the file", hdr(`{"w": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}}`), ErrTruncated, "past the 0 bytes of data"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := memReader(tt.b)
			h, err := ReadSafetensors(context.Background(), r, int64(len(tt.b)))
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("got %v, %v; want %v containing %q", h, err, tt.want, tt.text)
			}
			if r.BytesRead() > firstChunk {
				t.Errorf("read %d bytes", r.BytesRead())
			}
		})
	}
}

func TestSafetensorsNullMetadata(t *testing.T) {
	js := `{"__metadata__": null, "w": {"dtype": "F16", "shape": [], "data_offsets": [0, 2]}}`
	b := safetensorsRaw(uint64(len(js)), []byte(js), 2)
	h, err := ReadSafetensors(context.Background(), memReader(b), int64(len(b)))
	if err != nil || len(h.Metadata) != 0 || h.TensorCount != 1 {
		t.Fatalf("%+v, %v", h, err)
	}
}

func TestSafetensorsTruncatedAtEveryPrefix(t *testing.T) {
	b := sampleSafetensors()
	n := int(binary.LittleEndian.Uint64(b)) + 8
	for i := range n {
		for _, size := range []int64{int64(i), -1} {
			if _, err := ReadSafetensors(context.Background(), NewFileReader(strings.NewReader(string(b[:i])), size), size); err == nil {
				t.Fatalf("prefix %d (size %d): no error", i, size)
			}
		}
	}
}

// TestSparse50GiB: a 50 GiB file with a header at its start is read in one
// 64 KiB read, whichever the format.
func TestSparse50GiB(t *testing.T) {
	const size = 50 << 30
	tests := []struct {
		name string
		head []byte
		read func(context.Context, RangeReader, int64) (*Header, error)
	}{
		{"model.safetensors", safetensorsRaw(uint64(len(`{"__metadata__":{"license":"mit"}}`)), []byte(`{"__metadata__":{"license":"mit"}}`), 0), ReadSafetensors},
		{"model.gguf", (&ggufFile{kvs: []ggufKV{{"general.license", "mit"}}}).bytes(), ReadGGUF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), tt.name)
			if err := os.WriteFile(p, tt.head, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Truncate(p, size); err != nil {
				t.Skipf("cannot create a sparse 50 GiB file here: %v", err)
			}
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			r := NewFileReader(f, size)
			h, err := tt.read(context.Background(), r, size)
			if err != nil {
				t.Fatal(err)
			}
			if id, _, _ := h.License(); id != "mit" {
				t.Errorf("license = %q", id)
			}
			if r.BytesRead() != firstChunk || r.Reads() != 1 || h.BytesRead != firstChunk {
				t.Errorf("read %d bytes in %d reads", r.BytesRead(), r.Reads())
			}
		})
	}
}

func TestSniff(t *testing.T) {
	st := sampleSafetensors()[:16]
	tests := []struct {
		name  string
		first []byte
		want  Format
	}{
		{"x.bin", []byte("GGUF\x03\x00\x00\x00"), FormatGGUF},
		{"x", st, FormatSafetensors},
		{"model.GGUF", nil, FormatGGUF},
		{"dir/model-00001-of-00002.safetensors", nil, FormatSafetensors},
		{"model.gguf", []byte("not gguf"), FormatGGUF},
		{"pytorch_model.bin", []byte("PK\x03\x04"), FormatUnknown},
		{"x", safetensorsRaw(1<<40, []byte("{"), 0), FormatUnknown},
		{"README.md", []byte("# hi"), FormatUnknown},
	}
	for _, tt := range tests {
		if got := Sniff(tt.name, tt.first); got != tt.want {
			t.Errorf("Sniff(%q, %q) = %q, want %q", tt.name, tt.first, got, tt.want)
		}
	}
}

func TestFileReader(t *testing.T) {
	r := NewFileReader(strings.NewReader("hello world"), 11)
	ctx := context.Background()
	for _, tc := range []struct {
		off, n int64
		want   string
	}{{0, 5, "hello"}, {6, 100, "world"}, {11, 5, ""}, {50, 5, ""}} {
		b, err := r.ReadRange(ctx, tc.off, tc.n)
		if err != nil || string(b) != tc.want {
			t.Errorf("ReadRange(%d, %d) = %q, %v", tc.off, tc.n, b, err)
		}
	}
	if r.BytesRead() != 10 || r.Reads() != 4 {
		t.Errorf("BytesRead = %d, Reads = %d", r.BytesRead(), r.Reads())
	}
	if _, err := r.ReadRange(ctx, -1, 5); err == nil {
		t.Error("negative offset: no error")
	}
}

func TestSafetensorsDuplicateMetadataKey(t *testing.T) {
	hdr := []byte(`{"__metadata__":{"license":"llama3.1","license":"apache-2.0"}}`)
	b := make([]byte, 8, 8+len(hdr))
	binary.LittleEndian.PutUint64(b, uint64(len(hdr)))
	b = append(b, hdr...)
	_, err := ReadSafetensors(context.Background(), NewFileReader(bytes.NewReader(b), int64(len(b))), int64(len(b)))
	if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), `"license" twice`) {
		t.Fatalf("err = %v", err)
	}
}

// topLevelMembers counts an object's members whatever its values hold, and
// agrees with the decoded map when no key repeats.
func TestTopLevelMembers(t *testing.T) {
	for _, c := range []struct {
		js   string
		want int
	}{
		{`{}`, 0},
		{` { } `, 0},
		{`{"a":1}`, 1},
		{`{"a":1,"b":2}`, 2},
		{`{"a":{"x":1,"y":[1,2,3]},"b":"c,d}"}`, 2},
		{`{"a\",b":"{[,]}","c":"\\"}`, 2},
		{"{\n \"a\" : [ {\"b\":1}, {\"c\":2} ] ,\n \"d\" : null\n}", 2},
		{`{"a":1,"a":2}`, 2},
		{`{"a":1,"\u0061":2}`, 2},
	} {
		if got := topLevelMembers([]byte(c.js)); got != c.want {
			t.Errorf("topLevelMembers(%s) = %d, want %d", c.js, got, c.want)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal([]byte(c.js), &m); err != nil {
			t.Fatalf("%s: %v", c.js, err)
		}
		_, dup := duplicateKey(json.RawMessage(c.js))
		if dup != (topLevelMembers([]byte(c.js)) != len(m)) {
			t.Errorf("%s: a repeated key (%v) is not told by the count (%d members, %d keys)", c.js, dup, topLevelMembers([]byte(c.js)), len(m))
		}
	}
}
