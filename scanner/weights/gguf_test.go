package weights

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func wantLlamaMeta() map[string]string {
	return map[string]string{
		"general.architecture":              "llama",
		"general.name":                      "Tiny Llama Test",
		"general.organization":              "Carveout Tests",
		"general.file_type":                 "15",
		"general.quantization_version":      "2",
		"general.license":                   "llama3.1",
		"general.license.name":              "Llama 3.1 Community License",
		"general.license.link":              "https://example.invalid/LICENSE",
		"general.base_model.count":          "2",
		"general.base_model.0.name":         "Llama 3.1 8B Instruct",
		"general.base_model.0.organization": "Meta Llama",
		"general.base_model.0.repo_url":     "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct",
		"general.base_model.1.name":         "Other Base",
		"general.base_model.1.version":      "v2",
		"general.size_label":                "8B",
		"general.score":                     "0.125",
		"general.is_test":                   "true",
		"general.delta":                     "-42",
	}
}

func TestReadGGUF(t *testing.T) {
	scalars := []ggufKV{
		{"general.u8", uint8(200)}, {"general.i8", int8(-100)},
		{"general.u16", uint16(65000)}, {"general.i16", int16(-32000)},
		{"general.u32", uint32(4000000000)}, {"general.i32", int32(-2000000000)},
		{"general.f32", float32(0.1)}, {"general.b", false},
		{"general.u64", uint64(math.MaxUint64)}, {"general.i64", int64(math.MinInt64)},
		{"general.f64", float64(1e300)}, {"general.empty", ""},
		{"general.utf8", "Gemma — ユーザー"},
		{"other.nested", ggufArr{et: ggufArray, elems: []any{ggufArr{et: ggufUint8, elems: []any{uint8(1)}}, ggufArr{et: ggufString, elems: []any{"x"}}}}},
		{"other.string", "not kept"},
		{"general.license", "apache-2.0"},
	}
	wantScalars := map[string]string{
		"general.u8": "200", "general.i8": "-100", "general.u16": "65000", "general.i16": "-32000",
		"general.u32": "4000000000", "general.i32": "-2000000000", "general.f32": "0.1", "general.b": "false",
		"general.u64": "18446744073709551615", "general.i64": "-9223372036854775808", "general.f64": "1e+300",
		"general.empty": "", "general.utf8": "Gemma — ユーザー", "general.license": "apache-2.0",
	}
	tests := []struct {
		name string
		f    ggufFile
		want map[string]string
	}{
		{"v3", llamaLike(100), wantLlamaMeta()},
		{"v2", func() ggufFile { f := llamaLike(100); f.version = 2; return f }(), wantLlamaMeta()},
		{"v1", func() ggufFile { f := llamaLike(100); f.version = 1; return f }(), wantLlamaMeta()},
		{"big-endian v3", func() ggufFile { f := llamaLike(100); f.bigEndian = true; return f }(), wantLlamaMeta()},
		{"every scalar type", ggufFile{kvs: scalars}, wantScalars},
		{"every scalar type big-endian", ggufFile{kvs: scalars, bigEndian: true}, wantScalars},
		{"empty", ggufFile{}, map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tt.f.bytes()
			h, err := ReadGGUF(context.Background(), memReader(b), int64(len(b)))
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(h.Metadata, tt.want) {
				t.Errorf("Metadata:\n got %v\nwant %v", h.Metadata, tt.want)
			}
			if h.Format != FormatGGUF || h.TensorCount != uint64(len(tt.f.tensors)) || h.KVCount != uint64(len(tt.f.kvs)) {
				t.Errorf("header = %+v", h)
			}
			if h.BigEndian != tt.f.bigEndian {
				t.Errorf("BigEndian = %v", h.BigEndian)
			}
			if h.BytesRead > int64(len(b)) || h.Reads != 1 {
				t.Errorf("BytesRead = %d, Reads = %d, file is %d bytes", h.BytesRead, h.Reads, len(b))
			}
		})
	}
}

func TestGGUFLicenseAndBaseModels(t *testing.T) {
	b := llamaLike(10).bytes()
	h, err := ReadGGUF(context.Background(), memReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	id, name, link := h.License()
	if id != "llama3.1" || name != "Llama 3.1 Community License" || link != "https://example.invalid/LICENSE" {
		t.Errorf("License() = %q, %q, %q", id, name, link)
	}
	want := []BaseModel{
		{Index: 0, Name: "Llama 3.1 8B Instruct", Organization: "Meta Llama", RepoURL: "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct"},
		{Index: 1, Name: "Other Base", Version: "v2"},
	}
	if got := h.BaseModels(); !reflect.DeepEqual(got, want) {
		t.Errorf("BaseModels() = %+v, want %+v", got, want)
	}
	if h.Arrays["tokenizer.ggml.tokens"] != 10 || h.Arrays["general.tags"] != 2 {
		t.Errorf("Arrays = %v", h.Arrays)
	}
	var nilH *Header
	if a, b, c := nilH.License(); a+b+c != "" || nilH.BaseModels() != nil {
		t.Error("nil header")
	}
}

// TestGGUFVocabularyIsStreamed: a 200k-token vocabulary before the license
// keys is streamed in a few reads, never materialized.
func TestGGUFVocabularyIsStreamed(t *testing.T) {
	const n = 200_000
	f := llamaLike(n)
	b := f.bytes()
	r := memReader(b)
	h, err := ReadGGUF(context.Background(), r, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if h.Metadata["general.license"] != "llama3.1" || h.Arrays["tokenizer.ggml.tokens"] != n {
		t.Fatalf("metadata = %v, arrays = %v", h.Metadata, h.Arrays)
	}
	vocabBytes := int64(n * (8 + len("tok000000")))
	// Read: the key/value section (mostly the vocabulary) plus at most one
	// chunk of overshoot; the 800 KB token_type array is skipped unread
	// when it is not already in the buffer.
	if h.BytesRead > h.HeaderBytes+maxChunk || h.BytesRead < vocabBytes {
		t.Errorf("BytesRead = %d, header %d bytes, vocabulary %d bytes", h.BytesRead, h.HeaderBytes, vocabBytes)
	}
	if r.BytesRead() != h.BytesRead || h.Reads > 8 {
		t.Errorf("FileReader read %d bytes, header says %d, in %d reads", r.BytesRead(), h.BytesRead, h.Reads)
	}
	// Streaming allocates per chunk, not per token.
	allocs := testing.AllocsPerRun(5, func() {
		if _, err := ReadGGUF(context.Background(), memReader(b), int64(len(b))); err != nil {
			t.Fatal(err)
		}
	})
	if allocs > 200 {
		t.Errorf("%v allocations per read of a %d-token vocabulary", allocs, n)
	}
	t.Logf("file %d bytes, key/value section %d bytes, read %d bytes in %d reads, %v allocs", len(b), h.HeaderBytes, h.BytesRead, h.Reads, allocs)
}

// TestGGUFNumericArraySkippedUnread: a 1 GiB float32 array is skipped by
// offset, in a sparse file; the keys after it are still read.
func TestGGUFNumericArraySkippedUnread(t *testing.T) {
	const elems = 1 << 28 // 1 GiB of float32
	head := ggufFile{kvs: []ggufKV{{"general.name", "x"}}}
	kvCount := uint64(3)
	head.kvCount = &kvCount
	b := head.bytes()
	b = binary.LittleEndian.AppendUint64(b, uint64(len("tokenizer.ggml.scores")))
	b = append(b, "tokenizer.ggml.scores"...)
	b = binary.LittleEndian.AppendUint32(b, ggufArray)
	b = binary.LittleEndian.AppendUint32(b, ggufFloat32)
	b = binary.LittleEndian.AppendUint64(b, elems)
	tail := (&ggufFile{kvs: []ggufKV{{"general.license", "mit"}}}).bytes()[24:] // drop the 24-byte header
	p := filepath.Join(t.TempDir(), "sparse.gguf")
	fh, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if _, err := fh.Write(b); err != nil {
		t.Fatal(err)
	}
	if _, err := fh.WriteAt(tail, int64(len(b))+elems*4); err != nil {
		t.Fatal(err)
	}
	st, _ := fh.Stat()
	r := NewFileReader(fh, st.Size())
	h, err := ReadGGUF(context.Background(), r, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if h.Metadata["general.license"] != "mit" || h.Arrays["tokenizer.ggml.scores"] != elems {
		t.Fatalf("metadata = %v, arrays = %v", h.Metadata, h.Arrays)
	}
	if r.BytesRead() > 2*firstChunk || h.Reads != 2 {
		t.Errorf("read %d bytes in %d reads of a %d-byte file", r.BytesRead(), h.Reads, st.Size())
	}
}

func TestGGUFTruncatedAtEveryPrefix(t *testing.T) {
	b := llamaLike(20).bytes()
	h, err := ReadGGUF(context.Background(), memReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	end := int(h.HeaderBytes) // the key/value section ends here
	for n := 0; n < end; n++ {
		for _, size := range []int64{int64(n), -1} {
			_, err := ReadGGUF(context.Background(), NewFileReader(strings.NewReader(string(b[:n])), size), size)
			if err == nil {
				t.Fatalf("prefix %d (size %d): no error", n, size)
			}
			if !errors.Is(err, ErrTruncated) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("prefix %d (size %d): %v", n, size, err)
			}
		}
	}
}

func TestGGUFHostile(t *testing.T) {
	u64 := func(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
	u32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	cat := func(parts ...[]byte) []byte {
		var b []byte
		for _, p := range parts {
			b = append(b, p...)
		}
		return b
	}
	hdr := func(kv uint64) []byte { return cat([]byte("GGUF"), u32(3), u64(0), u64(kv)) }
	key := func(k string) []byte { return cat(u64(uint64(len(k))), []byte(k)) }
	pad := make([]byte, 256)
	nested := []byte{}
	for range 20 {
		nested = append(nested, cat(u32(ggufArray), u64(1))...)
	}
	tests := []struct {
		name string
		b    []byte
		want error
		text string
	}{
		{"empty file", nil, ErrTruncated, ""},
		{"bad magic", cat([]byte("GGML"), u32(3), pad), ErrMalformed, "bad magic"},
		{"version 0", cat([]byte("GGUF"), u32(0), pad), ErrUnsupported, "version 0"},
		{"version 4", cat([]byte("GGUF"), u32(4), pad), ErrUnsupported, "version 4"},
		{"kv count 2^63", cat(hdr(1<<63), pad), ErrMalformed, "cannot fit"},
		{"kv count 2^64-1", cat(hdr(math.MaxUint64), pad), ErrMalformed, "cannot fit"},
		{"key length 2^40", cat(hdr(1), u64(1<<40), pad), ErrMalformed, "key length"},
		{"key length 2^64-1", cat(hdr(1), u64(math.MaxUint64), pad), ErrMalformed, "key length"},
		{"string length 2^40", cat(hdr(1), key("general.license"), u32(ggufString), u64(1<<40), pad), ErrTruncated, ""},
		{"skipped string length 2^63", cat(hdr(1), key("x.y"), u32(ggufString), u64(1<<63), pad), ErrTruncated, "past the end"},
		{"skipped string length 2^64-1", cat(hdr(1), key("x.y"), u32(ggufString), u64(math.MaxUint64), pad), ErrTruncated, "past the end"},
		{"array length 2^62 of uint8", cat(hdr(1), key("a"), u32(ggufArray), u32(ggufUint8), u64(1<<62), pad), ErrMalformed, "cannot fit"},
		{"array length 2^62 of float64", cat(hdr(1), key("a"), u32(ggufArray), u32(ggufFloat64), u64(1<<62), pad), ErrMalformed, "cannot fit"},
		{"array length 2^64-1 of strings", cat(hdr(1), key("a"), u32(ggufArray), u32(ggufString), u64(math.MaxUint64), pad), ErrMalformed, "cannot fit"},
		{"array of strings with huge element", cat(hdr(1), key("a"), u32(ggufArray), u32(ggufString), u64(2), u64(1<<61), pad), ErrTruncated, "element 0"},
		{"nested arrays too deep", cat(hdr(1), key("a"), u32(ggufArray), nested, pad), ErrMalformed, "nested deeper"},
		{"unknown value type", cat(hdr(1), key("general.x"), u32(13), pad), ErrMalformed, "unknown value type 13"},
		{"unknown skipped type", cat(hdr(1), key("x"), u32(1000), pad), ErrMalformed, "unknown value type 1000"},
		{"unknown array type", cat(hdr(1), key("x"), u32(ggufArray), u32(99), u64(1), pad), ErrMalformed, "unknown value type 99"},
		{"duplicate key", cat(hdr(2), key("general.license"), u32(ggufUint8), []byte{1}, key("general.license"), u32(ggufUint8), []byte{2}, pad), ErrMalformed, "duplicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := memReader(tt.b)
			h, err := ReadGGUF(context.Background(), r, int64(len(tt.b)))
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) {
				t.Fatalf("got %v, %v; want %v containing %q", h, err, tt.want, tt.text)
			}
			if r.BytesRead() > firstChunk {
				t.Errorf("read %d bytes", r.BytesRead())
			}
			// With the size unknown, the error comes later but still
			// comes, except for a skip past the end of the file that is
			// the last thing in the key/value section: nothing after it
			// is read, so nothing unread is reported.
			if strings.HasPrefix(tt.name, "array length 2^62") {
				return
			}
			if _, err := ReadGGUF(context.Background(), NewFileReader(bytes.NewReader(tt.b), -1), -1); err == nil {
				t.Error("size unknown: no error")
			}
		})
	}
}

func TestGGUFLongStringTruncated(t *testing.T) {
	long := strings.Repeat("L", MaxStringBytes+100)
	f := ggufFile{kvs: []ggufKV{{"general.license", long}, {"general.name", "after"}, {"x.long", long + long}}}
	b := f.bytes()
	h, err := ReadGGUF(context.Background(), memReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Metadata["general.license"]) != MaxStringBytes || h.Metadata["general.name"] != "after" {
		t.Errorf("license %d bytes, name %q", len(h.Metadata["general.license"]), h.Metadata["general.name"])
	}
	if !reflect.DeepEqual(h.Truncated, []string{"general.license"}) {
		t.Errorf("Truncated = %v", h.Truncated)
	}
}

// TestGGUFReadBudget: a file whose key/value section needs more than
// MaxGGUFMetadataBytes fails with ErrTooLarge after reading at most that.
func TestGGUFReadBudget(t *testing.T) {
	// 3M strings of 8 bytes: 48 MB of key/value section.
	const n = 3 << 20
	b := (&ggufFile{kvs: []ggufKV{{"tokenizer.ggml.merges", ggufRaw{ggufArray, nil}}}}).bytes()
	b = binary.LittleEndian.AppendUint32(b, ggufString)
	b = binary.LittleEndian.AppendUint64(b, n)
	elem := binary.LittleEndian.AppendUint64(nil, 8)
	elem = append(elem, "abcdefgh"...)
	for range n {
		b = append(b, elem...)
	}
	r := memReader(b)
	_, err := ReadGGUF(context.Background(), r, int64(len(b)))
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v", err)
	}
	if r.BytesRead() > MaxGGUFMetadataBytes || r.Reads() > maxReads {
		t.Errorf("read %d bytes in %d reads", r.BytesRead(), r.Reads())
	}
}

func TestGGUFContextCanceled(t *testing.T) {
	b := llamaLike(10).bytes()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ReadGGUF(ctx, memReader(b), int64(len(b))); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

// TestGGUFRangeFuncShortAndLong: a reader that returns more than asked is
// cut to what was asked; a read error is reported with its offset.
func TestGGUFRangeFunc(t *testing.T) {
	b := llamaLike(10).bytes()
	greedy := RangeFunc(func(ctx context.Context, off, n int64) ([]byte, error) {
		return append(append([]byte{}, b[off:]...), make([]byte, 100)...), nil
	})
	h, err := ReadGGUF(context.Background(), greedy, -1)
	if err != nil || h.Metadata["general.license"] != "llama3.1" {
		t.Fatalf("greedy: %v", err)
	}
	boom := errors.New("HTTP 503")
	failing := RangeFunc(func(ctx context.Context, off, n int64) ([]byte, error) { return nil, boom })
	if _, err := ReadGGUF(context.Background(), failing, 1000); !errors.Is(err, boom) || !strings.Contains(err.Error(), "offset 0") {
		t.Fatalf("failing: %v", err)
	}
}
