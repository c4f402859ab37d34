// Package benchfix builds the inputs of carveout's scale benchmarks and the
// floor they are measured against: the least work any scanner must do on
// the same files (walk them, read them, hash their words and shingles).
// It is used by benchmarks only.
package benchfix

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Model is one model of a generated cache.
type Model struct {
	License string // the card's license: value
	Text    []byte // its LICENSE file
}

// CorpusModels are five models whose license texts come from the
// reference corpus at corpusDir (its licenses/ folder): MIT, Apache-2.0,
// Llama 3.1, Gemma and CC-BY-NC-4.0.
func CorpusModels(corpusDir string) ([]Model, error) {
	var kinds []Model
	for _, k := range [][2]string{{"mit", "mit.txt"}, {"apache-2.0", "apache-2.0.txt"}, {"llama3.1", "llama3.1.txt"}, {"gemma", "gemma.txt"}, {"cc-by-nc-4.0", "cc-by-nc-4.0.txt"}} {
		b, err := os.ReadFile(filepath.Join(corpusDir, "licenses", k[1]))
		if err != nil {
			return nil, err
		}
		kinds = append(kinds, Model{License: k[0], Text: b})
	}
	return kinds, nil
}

// HFCache writes a Hugging Face hub cache of n models under dir, as
// huggingface_hub lays it out: models--ORG--NAME/snapshots/SHA/ holding
// relative symlinks into ../../blobs/. Each model has a card naming its
// license and base model, a LICENSE file, config.json and a 10 GiB sparse
// safetensors file whose header alone holds data. Model i takes kinds[i %
// len(kinds)]: real caches share a handful of license texts.
func HFCache(dir string, n int, kinds []Model) error {
	hdr := []byte(`{"__metadata__":{"format":"pt"},"w":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}`)
	weights := make([]byte, 8+len(hdr))
	binary.LittleEndian.PutUint64(weights, uint64(len(hdr)))
	copy(weights[8:], hdr)
	for i := 0; i < n; i++ {
		k := kinds[i%len(kinds)]
		repo := filepath.Join(dir, fmt.Sprintf("models--org%d--model%d", i%17, i))
		snap := filepath.Join(repo, "snapshots", fmt.Sprintf("%040x", i+1))
		if err := os.MkdirAll(snap, 0o755); err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(repo, "blobs"), 0o755); err != nil {
			return err
		}
		files := map[string][]byte{
			"README.md":         []byte("---\nlicense: " + k.License + "\nbase_model: meta-llama/Llama-3.1-8B\n---\n# Model " + fmt.Sprint(i) + "\n\nA fine-tune.\n"),
			"LICENSE":           k.Text,
			"config.json":       []byte(`{"model_type":"llama","architectures":["LlamaForCausalLM"]}`),
			"model.safetensors": weights,
		}
		for name, b := range files {
			sum := sha256.Sum256(b)
			blob := filepath.Join(repo, "blobs", hex.EncodeToString(sum[:]))
			if err := os.WriteFile(blob, b, 0o644); err != nil {
				return err
			}
			if name == "model.safetensors" {
				if err := os.Truncate(blob, 10<<30); err != nil {
					return err
				}
			}
			if err := os.Symlink(filepath.Join("..", "..", "blobs", filepath.Base(blob)), filepath.Join(snap, name)); err != nil {
				return err
			}
		}
	}
	return nil
}

// Floor does on the files under root the least any license scanner must:
// walk them (a hub cache: its snapshots), read each one (a weight file: its 8-byte header length and
// its header, as carveout does), split what it read into words and hash
// every word and every run of 5 words. It returns the files and words
// seen, so that the work cannot be optimized away.
func Floor(root string) (files, words int, err error) {
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == "blobs" {
				return fs.SkipDir // read through the snapshots' links
			}
			return nil
		}
		var b []byte
		if strings.HasSuffix(p, ".safetensors") {
			b, err = readHeader(p)
		} else {
			b, err = os.ReadFile(p)
		}
		if err != nil {
			return err
		}
		files++
		words += hashWords(b)
		return nil
	})
	return files, words, err
}

func readHeader(p string) ([]byte, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var n [8]byte
	if _, err := io.ReadFull(f, n[:]); err != nil {
		return nil, err
	}
	b := make([]byte, min(binary.LittleEndian.Uint64(n[:]), 1<<20))
	_, err = io.ReadFull(f, b)
	return b, err
}

// Sink keeps the hashes alive.
var Sink uint32

// hashWords lower-cases and splits b into words, hashes each (FNV-1a) and
// each run of 5 consecutive words, and returns the number of words.
func hashWords(b []byte) int {
	var ring [5]uint32
	n := 0
	var h uint32 = 2166136261
	inWord := false
	flush := func() {
		ring[n%5] = h
		n++
		if n >= 5 {
			s := uint32(2166136261)
			for k := 0; k < 5; k++ {
				s = (s ^ ring[(n+k)%5]) * 16777619
			}
			Sink ^= s
		}
		h = 2166136261
	}
	for _, c := range b {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 0x80 {
			h = (h ^ uint32(c)) * 16777619
			inWord = true
			continue
		}
		if inWord {
			flush()
			inWord = false
		}
	}
	if inWord {
		flush()
	}
	return n
}
