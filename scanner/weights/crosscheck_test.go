package weights

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestGGUFCrossCheck compares ReadGGUF with the GGUF parser of the npm
// package @huggingface/gguf on generated files. It runs only when
// CARVEOUT_GGUF_CROSSCHECK=1, node is installed and
// testdata/crosscheck/node_modules exists (cd testdata/crosscheck && npm ci).
func TestGGUFCrossCheck(t *testing.T) {
	if os.Getenv("CARVEOUT_GGUF_CROSSCHECK") != "1" {
		t.Skip("set CARVEOUT_GGUF_CROSSCHECK=1 to compare with @huggingface/gguf")
	}
	dir := filepath.Join("testdata", "crosscheck")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@huggingface", "gguf")); err != nil {
		t.Skipf("@huggingface/gguf is not installed: run npm install in %s (%v)", dir, err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skipf("node is not installed: %v", err)
	}

	files := map[string]ggufFile{}
	files["v3.gguf"] = llamaLike(200_000)
	for _, v := range []uint32{1, 2} {
		f := llamaLike(1000)
		f.version = v
		files["v"+strconv.Itoa(int(v))+".gguf"] = f
	}
	be := llamaLike(1000)
	be.bigEndian = true
	files["big-endian.gguf"] = be
	scalars := ggufFile{kvs: []ggufKV{
		{"general.u8", uint8(200)}, {"general.i8", int8(-100)},
		{"general.u16", uint16(65000)}, {"general.i16", int16(-32000)},
		{"general.u32", uint32(4000000000)}, {"general.i32", int32(-2000000000)},
		{"general.f32", float32(0.1)}, {"general.f32b", float32(3.4e38)}, {"general.b", false}, {"general.t", true},
		{"general.u64", uint64(math.MaxUint64)}, {"general.i64", int64(math.MinInt64)},
		{"general.f64", float64(1e300)}, {"general.f64b", float64(-2.5e-300)}, {"general.empty", ""},
		{"general.utf8", "Gemma — ユーザー 🦙"},
		{"general.nested", ggufArr{et: ggufArray, elems: []any{ggufArr{et: ggufUint8, elems: []any{uint8(1)}}, ggufArr{et: ggufString, elems: []any{"x"}}}}},
		{"general.empty_array", ggufArr{et: ggufFloat64}},
		{"other.string", "not kept"},
	}, tensors: []ggufTensor{{"t", []uint64{3, 5, 7}, 1}}}
	files["scalars.gguf"] = scalars
	sbe := scalars
	sbe.bigEndian = true
	files["scalars-big-endian.gguf"] = sbe

	tmp := t.TempDir()
	var paths []string
	gos := map[string]*Header{}
	for name, f := range files {
		p := filepath.Join(tmp, name)
		b := f.bytes()
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		h, err := ReadGGUF(context.Background(), memReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		paths = append(paths, p)
		gos[p] = h
	}

	cmd := exec.Command(node, append([]string{filepath.Join(dir, "gguf-meta.mjs")}, paths...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	var js map[string]struct {
		Version     uint32                     `json:"version"`
		TensorCount string                     `json:"tensor_count"`
		KVCount     string                     `json:"kv_count"`
		Scalars     map[string]json.RawMessage `json:"scalars"`
		Arrays      map[string]uint64          `json:"arrays"`
	}
	if err := json.Unmarshal(out, &js); err != nil {
		t.Fatalf("node output: %v\n%s", err, out)
	}
	for _, p := range paths {
		name := filepath.Base(p)
		h, j := gos[p], js[p]
		if h.Version != j.Version || strconv.FormatUint(h.TensorCount, 10) != j.TensorCount || strconv.FormatUint(h.KVCount, 10) != j.KVCount {
			t.Errorf("%s: Go version %d, %d tensors, %d pairs; JS %d, %s, %s", name, h.Version, h.TensorCount, h.KVCount, j.Version, j.TensorCount, j.KVCount)
		}
		compared := 0
		for k, raw := range j.Scalars {
			if !strings.HasPrefix(k, "general.") {
				continue
			}
			compared++
			got, ok := h.Metadata[k]
			if !ok {
				t.Errorf("%s: %s: JS has %s, Go has nothing", name, k, raw)
				continue
			}
			if !sameValue(got, raw) {
				t.Errorf("%s: %s: Go %q, JS %s", name, k, got, raw)
			}
		}
		for k := range h.Metadata {
			if _, ok := j.Scalars[k]; !ok {
				t.Errorf("%s: %s: Go has %q, JS has nothing", name, k, h.Metadata[k])
			}
		}
		for k, n := range j.Arrays {
			if h.Arrays[k] != n {
				t.Errorf("%s: array %s: Go %d elements, JS %d", name, k, h.Arrays[k], n)
			}
		}
		if len(h.Arrays) != len(j.Arrays) {
			t.Errorf("%s: Go %d arrays, JS %d", name, len(h.Arrays), len(j.Arrays))
		}
		t.Logf("%s: %d general.* scalars and %d arrays agree (version %d, big-endian %v)", name, compared, len(j.Arrays), h.Version, h.BigEndian)
	}
}

// sameValue compares a value ReadGGUF formatted with a JSON value printed
// by gguf-meta.mjs.
func sameValue(got string, raw json.RawMessage) bool {
	var big struct {
		Bigint *string `json:"bigint"`
	}
	if json.Unmarshal(raw, &big) == nil && big.Bigint != nil {
		return got == *big.Bigint
	}
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return false
	}
	switch v := v.(type) {
	case string:
		return got == v
	case bool:
		return got == strconv.FormatBool(v)
	case json.Number:
		x, err1 := v.Float64()
		y, err2 := strconv.ParseFloat(got, 64)
		if err1 != nil || err2 != nil {
			return false
		}
		// float32 values: Go prints the shortest float32 form, JS the
		// float64 it widened the float32 to.
		return x == y || x == float64(float32(y))
	}
	return false
}
