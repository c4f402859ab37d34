package weights

import (
	"bytes"
	"context"
	"testing"
)

// BenchmarkGGUFHeader reads a llama.cpp-shaped header whose 200k-token
// vocabulary sits before the license keys and must be streamed through.
func BenchmarkGGUFHeader(b *testing.B) {
	data := llamaLike(200_000).bytes()
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var read int64
	for b.Loop() {
		h, err := ReadGGUF(ctx, NewFileReader(bytes.NewReader(data), int64(len(data))), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		read = h.BytesRead
	}
	b.ReportMetric(float64(read), "bytes-read/op")
}

// BenchmarkSafetensorsHeader reads the header of a small safetensors file.
func BenchmarkSafetensorsHeader(b *testing.B) {
	data := sampleSafetensors()
	ctx := context.Background()
	b.ReportAllocs()
	var read int64
	for b.Loop() {
		h, err := ReadSafetensors(ctx, NewFileReader(bytes.NewReader(data), int64(len(data))), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		read = h.BytesRead
	}
	b.ReportMetric(float64(read), "bytes-read/op")
}
