// Package fakeollama lays out a local Ollama model store for tests:
// manifests under manifests/<registry>/<namespace>/<model>/<tag> and
// content-addressed blobs under blobs/sha256-<hex>, as Ollama writes them.
package fakeollama

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Media types of Ollama layers.
const (
	License = "application/vnd.ollama.image.license"
	Model   = "application/vnd.ollama.image.model"
	Params  = "application/vnd.ollama.image.params"
	Config  = "application/vnd.docker.container.image.v1+json"
)

// Layer is one layer of a model.
type Layer struct {
	MediaType string
	Data      []byte
	// NoBlob names the layer in the manifest but writes no blob.
	NoBlob bool
	// Size, when not 0, is the size the manifest claims instead of
	// len(Data).
	Size int64
}

// Pulled is one pulled model: Name is REGISTRY/NAMESPACE/MODEL:TAG (short
// forms get Ollama's defaults: registry.ollama.ai, library, latest).
type Pulled struct {
	Name   string
	Layers []Layer
}

// Digest is the sha256 digest of b as manifests write it.
func Digest(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// BlobPath is the blob file of data in the store at dir.
func BlobPath(dir string, data []byte) string {
	return filepath.Join(dir, "blobs", "sha256-"+strings.TrimPrefix(Digest(data), "sha256:"))
}

// Write writes the models into the store at dir.
func Write(dir string, models ...Pulled) error {
	if err := os.MkdirAll(filepath.Join(dir, "blobs"), 0o755); err != nil {
		return err
	}
	for _, m := range models {
		reg, ns, model, tag := split(m.Name)
		cfg := []byte(`{"model_format":"gguf","model_family":"llama"}`)
		if err := os.WriteFile(BlobPath(dir, cfg), cfg, 0o644); err != nil {
			return err
		}
		type layer struct {
			MediaType string `json:"mediaType"`
			Digest    string `json:"digest"`
			Size      int64  `json:"size"`
		}
		man := struct {
			SchemaVersion int     `json:"schemaVersion"`
			MediaType     string  `json:"mediaType"`
			Config        layer   `json:"config"`
			Layers        []layer `json:"layers"`
		}{2, "application/vnd.docker.distribution.manifest.v2+json", layer{Config, Digest(cfg), int64(len(cfg))}, []layer{}}
		for _, l := range m.Layers {
			size := l.Size
			if size == 0 {
				size = int64(len(l.Data))
			}
			man.Layers = append(man.Layers, layer{l.MediaType, Digest(l.Data), size})
			if !l.NoBlob {
				if err := os.WriteFile(BlobPath(dir, l.Data), l.Data, 0o644); err != nil {
					return err
				}
			}
		}
		b, err := json.Marshal(man)
		if err != nil {
			return err
		}
		mp := filepath.Join(dir, "manifests", reg, ns, model, tag)
		if err := os.MkdirAll(filepath.Dir(mp), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(mp, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

func split(name string) (reg, ns, model, tag string) {
	reg, ns, tag = "registry.ollama.ai", "library", "latest"
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name, tag = name[:i], name[i+1:]
	}
	parts := strings.Split(name, "/")
	switch len(parts) {
	case 1:
		model = parts[0]
	case 2:
		ns, model = parts[0], parts[1]
	default:
		reg, ns, model = parts[0], parts[1], strings.Join(parts[2:], "/")
	}
	return
}

// GGUF returns a GGUF v3 file with no tensors and the given string
// metadata (key, value pairs; a value with commas is written as an array
// of strings when the key ends in "[]"), padded with pad bytes after the
// header.
func GGUF(pad int, kv ...string) []byte {
	if len(kv)%2 != 0 {
		panic(fmt.Sprintf("fakeollama.GGUF: odd number of key/value strings: %q", kv))
	}
	var b []byte
	u32 := func(v uint32) { b = binary.LittleEndian.AppendUint32(b, v) }
	u64 := func(v uint64) { b = binary.LittleEndian.AppendUint64(b, v) }
	str := func(s string) { u64(uint64(len(s))); b = append(b, s...) }
	b = append(b, "GGUF"...)
	u32(3)
	u64(0)
	u64(uint64(len(kv) / 2))
	for i := 0; i < len(kv); i += 2 {
		k, v := kv[i], kv[i+1]
		if strings.HasSuffix(k, "[]") {
			str(strings.TrimSuffix(k, "[]"))
			vs := strings.Split(v, ",")
			u32(9)
			u32(8)
			u64(uint64(len(vs)))
			for _, s := range vs {
				str(s)
			}
			continue
		}
		str(k)
		u32(8)
		str(v)
	}
	for i := 0; i < pad; i++ {
		b = append(b, byte(i*7))
	}
	return b
}
