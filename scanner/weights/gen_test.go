package weights

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
)

// This file holds small writers of GGUF and safetensors files for tests.

// ggufArr is an array value of element type et.
type ggufArr struct {
	et    uint32
	elems []any
}

// ggufStrs is an array of strings (a vocabulary).
type ggufStrs []string

// ggufRaw is a value written as is after the type tag typ.
type ggufRaw struct {
	typ uint32
	b   []byte
}

type ggufKV struct {
	key string
	val any
}

type ggufTensor struct {
	name string
	dims []uint64
	typ  uint32
}

// ggufFile describes a GGUF file to generate.
type ggufFile struct {
	version   uint32 // 0: 3
	bigEndian bool
	kvs       []ggufKV
	tensors   []ggufTensor
	kvCount   *uint64 // override the number of pairs written in the header
}

type ggufWriter struct {
	buf   bytes.Buffer
	order interface {
		binary.ByteOrder
		binary.AppendByteOrder
	}
	version uint32
}

func (w *ggufWriter) u32(v uint32) { w.buf.Write(w.order.AppendUint32(nil, v)) }
func (w *ggufWriter) u64(v uint64) { w.buf.Write(w.order.AppendUint64(nil, v)) }
func (w *ggufWriter) size(v uint64) {
	if w.version == 1 {
		w.u32(uint32(v))
		return
	}
	w.u64(v)
}
func (w *ggufWriter) str(s string) { w.size(uint64(len(s))); w.buf.WriteString(s) }

// typeOf returns the GGUF type tag of a Go value.
func typeOf(v any) uint32 {
	switch v := v.(type) {
	case uint8:
		return ggufUint8
	case int8:
		return ggufInt8
	case uint16:
		return ggufUint16
	case int16:
		return ggufInt16
	case uint32:
		return ggufUint32
	case int32:
		return ggufInt32
	case float32:
		return ggufFloat32
	case bool:
		return ggufBool
	case string:
		return ggufString
	case ggufArr, ggufStrs:
		return ggufArray
	case uint64:
		return ggufUint64
	case int64:
		return ggufInt64
	case float64:
		return ggufFloat64
	case ggufRaw:
		return v.typ
	}
	panic(fmt.Sprintf("no GGUF type for %T", v))
}

func (w *ggufWriter) value(v any) {
	o := w.order
	switch v := v.(type) {
	case uint8:
		w.buf.WriteByte(v)
	case int8:
		w.buf.WriteByte(byte(v))
	case bool:
		if v {
			w.buf.WriteByte(1)
		} else {
			w.buf.WriteByte(0)
		}
	case uint16:
		w.buf.Write(o.AppendUint16(nil, v))
	case int16:
		w.buf.Write(o.AppendUint16(nil, uint16(v)))
	case uint32:
		w.u32(v)
	case int32:
		w.u32(uint32(v))
	case float32:
		w.u32(math.Float32bits(v))
	case uint64:
		w.u64(v)
	case int64:
		w.u64(uint64(v))
	case float64:
		w.u64(math.Float64bits(v))
	case string:
		w.str(v)
	case ggufStrs:
		w.u32(ggufString)
		w.size(uint64(len(v)))
		for _, s := range v {
			w.str(s)
		}
	case ggufArr:
		w.u32(v.et)
		w.size(uint64(len(v.elems)))
		for _, e := range v.elems {
			w.value(e)
		}
	case ggufRaw:
		w.buf.Write(v.b)
	default:
		panic(fmt.Sprintf("no GGUF encoding for %T", v))
	}
}

// bytes encodes f: header, key/value pairs, tensor infos, alignment
// padding and zeroed tensor data.
func (f ggufFile) bytes() []byte {
	w := &ggufWriter{version: f.version}
	w.order = binary.LittleEndian
	if w.version == 0 {
		w.version = 3
	}
	if f.bigEndian {
		w.order = binary.BigEndian
	}
	w.buf.WriteString("GGUF")
	w.u32(w.version)
	w.size(uint64(len(f.tensors)))
	if f.kvCount != nil {
		w.size(*f.kvCount)
	} else {
		w.size(uint64(len(f.kvs)))
	}
	for _, kv := range f.kvs {
		w.str(kv.key)
		w.u32(typeOf(kv.val))
		w.value(kv.val)
	}
	var off uint64
	var sizes []uint64
	for _, t := range f.tensors {
		w.str(t.name)
		w.u32(uint32(len(t.dims)))
		n := uint64(4)
		for _, d := range t.dims {
			w.size(d)
			n *= d
		}
		w.u32(t.typ)
		w.u64(off)
		sizes = append(sizes, n)
		off += (n + 31) &^ 31
	}
	if len(f.tensors) > 0 {
		for w.buf.Len()%32 != 0 {
			w.buf.WriteByte(0)
		}
		w.buf.Write(make([]byte, off))
	}
	return w.buf.Bytes()
}

// vocab returns n distinct token strings.
func vocab(n int) ggufStrs {
	v := make(ggufStrs, n)
	for i := range v {
		v[i] = fmt.Sprintf("tok%06d", i)
	}
	return v
}

// llamaLike returns a GGUF description shaped like a llama.cpp export, with
// a vocabulary of n tokens before the license keys.
func llamaLike(n int) ggufFile {
	return ggufFile{
		kvs: []ggufKV{
			{"general.architecture", "llama"},
			{"general.name", "Tiny Llama Test"},
			{"general.organization", "Carveout Tests"},
			{"general.file_type", uint32(15)},
			{"general.quantization_version", uint32(2)},
			{"llama.context_length", uint32(8192)},
			{"llama.rope.freq_base", float32(500000)},
			{"tokenizer.ggml.model", "gpt2"},
			{"tokenizer.ggml.tokens", vocab(n)},
			{"tokenizer.ggml.token_type", ggufArr{et: ggufInt32, elems: repeat(int32(1), n)}},
			{"tokenizer.chat_template", "{% for m in messages %}{{ m.content }}{% endfor %}"},
			{"general.license", "llama3.1"},
			{"general.license.name", "Llama 3.1 Community License"},
			{"general.license.link", "https://example.invalid/LICENSE"},
			{"general.base_model.count", uint32(2)},
			{"general.base_model.0.name", "Llama 3.1 8B Instruct"},
			{"general.base_model.0.organization", "Meta Llama"},
			{"general.base_model.0.repo_url", "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct"},
			{"general.base_model.1.name", "Other Base"},
			{"general.base_model.1.version", "v2"},
			{"general.tags", ggufStrs{"text-generation", "llama"}},
			{"general.size_label", "8B"},
			{"general.score", float64(0.125)},
			{"general.is_test", true},
			{"general.delta", int64(-42)},
		},
		tensors: []ggufTensor{{"token_embd.weight", []uint64{16, 4}, 0}, {"output_norm.weight", []uint64{16}, 0}},
	}
}

func repeat[T any](v T, n int) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// stTensor is one safetensors tensor entry.
type stTensor struct {
	DType       string   `json:"dtype"`
	Shape       []uint64 `json:"shape"`
	DataOffsets []uint64 `json:"data_offsets"`
}

// safetensorsBytes encodes a safetensors file with the given metadata and
// tensors (data zeroed).
func safetensorsBytes(meta map[string]string, tensors map[string]stTensor) []byte {
	top := map[string]any{}
	if meta != nil {
		top["__metadata__"] = meta
	}
	var end uint64
	for k, t := range tensors {
		top[k] = t
		end = max(end, t.DataOffsets[1])
	}
	js, err := json.Marshal(top)
	if err != nil {
		panic(err)
	}
	for len(js)%8 != 0 {
		js = append(js, ' ')
	}
	return safetensorsRaw(uint64(len(js)), js, int(end))
}

// safetensorsRaw writes a length prefix n, the header bytes and data zeros.
func safetensorsRaw(n uint64, header []byte, data int) []byte {
	b := binary.LittleEndian.AppendUint64(nil, n)
	b = append(b, header...)
	return append(b, make([]byte, data)...)
}

func sampleSafetensors() []byte {
	return safetensorsBytes(
		map[string]string{"format": "pt", "license": "apache-2.0", "license_name": "Apache 2.0"},
		map[string]stTensor{
			"model.embed.weight": {"BF16", []uint64{8, 4}, []uint64{0, 64}},
			"model.norm.weight":  {"F32", []uint64{4}, []uint64{64, 80}},
			"lm_head.weight":     {"BF16", []uint64{8, 4}, []uint64{80, 144}},
		})
}

// memReader returns a counting reader over b.
func memReader(b []byte) *FileReader {
	return NewFileReader(bytes.NewReader(b), int64(len(b)))
}
