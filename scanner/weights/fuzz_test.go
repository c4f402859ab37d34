package weights

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
)

func FuzzGGUF(f *testing.F) {
	f.Add(llamaLike(50).bytes())
	for _, v := range []uint32{1, 2} {
		g := llamaLike(5)
		g.version = v
		f.Add(g.bytes())
	}
	g := llamaLike(5)
	g.bigEndian = true
	f.Add(g.bytes())
	f.Add((&ggufFile{kvs: []ggufKV{
		{"general.nested", ggufArr{et: ggufArray, elems: []any{ggufArr{et: ggufString, elems: []any{"a", "b"}}}}},
		{"general.f", float32(1.5)},
	}}).bytes())
	f.Add((&ggufFile{kvs: []ggufKV{
		{"general.license", ggufArr{et: ggufString, elems: []any{"apache-2.0", "cc-by-nc-4.0"}}},
		{"tokenizer.License", "x"},
	}}).bytes())
	f.Add([]byte("GGUF"))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, size := range []int64{int64(len(b)), -1} {
			r := NewFileReader(strings.NewReader(string(b)), size)
			h, err := ReadGGUF(context.Background(), r, size)
			if r.BytesRead() > MaxGGUFMetadataBytes || r.Reads() > maxReads {
				t.Fatalf("read %d bytes in %d reads", r.BytesRead(), r.Reads())
			}
			if err != nil {
				continue
			}
			if h.BytesRead != r.BytesRead() || h.HeaderBytes > int64(len(b)) && size >= 0 {
				t.Fatalf("BytesRead %d (reader %d), HeaderBytes %d of %d", h.BytesRead, r.BytesRead(), h.HeaderBytes, len(b))
			}
			for k, v := range h.Metadata {
				if !strings.HasPrefix(k, "general.") && !isLicenseKey(k) || len(v) > MaxStringBytes {
					t.Fatalf("kept %q (%d bytes)", k, len(v))
				}
			}
			for k, vs := range h.Lists {
				if !isLicenseKey(k) || len(vs) > MaxListValues {
					t.Fatalf("kept list %q (%d values)", k, len(vs))
				}
			}
			if n := len(h.Licenses()); n > len(h.Metadata)+len(h.Lists)*MaxListValues {
				t.Fatalf("%d declarations", n)
			}
			h.License()
			h.BaseModels()
		}
	})
}

func FuzzSafetensors(f *testing.F) {
	f.Add(sampleSafetensors())
	f.Add(safetensorsRaw(2, []byte("{}"), 0))
	f.Add(safetensorsRaw(uint64(len(`{"__metadata__":null}`)), []byte(`{"__metadata__":null}`), 0))
	f.Add(safetensorsRaw(1<<63, []byte("{}"), 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, size := range []int64{int64(len(b)), -1} {
			r := NewFileReader(strings.NewReader(string(b)), size)
			h, err := ReadSafetensors(context.Background(), r, size)
			if r.BytesRead() > 8+MaxSafetensorsHeaderBytes || r.Reads() > 2 {
				t.Fatalf("read %d bytes in %d reads", r.BytesRead(), r.Reads())
			}
			if err != nil {
				continue
			}
			if h.HeaderBytes > int64(len(b)) || h.TensorCount != uint64(sum(h.DTypes)) {
				t.Fatalf("HeaderBytes %d of %d, TensorCount %d, DTypes %v", h.HeaderBytes, len(b), h.TensorCount, h.DTypes)
			}
			h.License()
		}
	})
}

func sum(m map[string]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
}

// FuzzTopLevelMembers: for any JSON object, a member count equal to the
// decoded map's size means no key repeats (the check that spares
// duplicateKey).
func FuzzTopLevelMembers(f *testing.F) {
	f.Add([]byte(`{"a":{"b":[1,"x,}"]},"c":"\"","a":2}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var m map[string]json.RawMessage
		if json.Unmarshal(b, &m) != nil || m == nil || bytes.TrimSpace(b)[0] != '{' {
			return
		}
		_, dup := duplicateKey(b)
		if n := topLevelMembers(b); dup && n == len(m) || !dup && n != len(m) {
			t.Fatalf("%q: %d members, %d keys, repeated %v", b, n, len(m), dup)
		}
	})
}
