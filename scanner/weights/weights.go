// Package weights reads license metadata from the headers of model weight
// files (GGUF and safetensors) without ever reading a shard whole.
//
// Every reader works on a RangeReader, so the same code serves local files
// (FileReader) and remote ones (HTTP Range requests through a Source). Reads
// are few and bounded:
//
//   - safetensors: one read of the first 64 KiB; a second read of the rest of
//     the JSON header only when it is longer. A header longer than
//     MaxSafetensorsHeaderBytes (16 MiB), longer than the file, or claiming
//     an absurd length (2^63) is an error before anything is allocated.
//   - GGUF: the key/value section is read in growing chunks (64 KiB, 256 KiB,
//     1 MiB, then 4 MiB), at most MaxGGUFMetadataBytes (32 MiB) and maxReads
//     reads in total. Arrays of numbers (token scores, token types) are skipped
//     by moving the offset, without reading them. Arrays of strings (token
//     vocabularies, merges) store each element's length inline, so they are
//     streamed through the chunk buffer one length at a time and never
//     materialized. The tensor-info section after the metadata is not read.
//
// All arithmetic on lengths and counts read from the file is checked for
// overflow, and counts are checked against the bytes that can still follow
// before any loop runs, so hostile headers end in an error, never in a huge
// allocation or an endless loop.
package weights

import (
	"errors"
	"path"
	"sort"
	"strconv"
	"strings"
)

// Format is a weight file format.
type Format string

// Formats Sniff recognizes.
const (
	FormatUnknown     Format = ""
	FormatGGUF        Format = "gguf"
	FormatSafetensors Format = "safetensors"
)

// Limits on what the readers read and keep.
const (
	// MaxSafetensorsHeaderBytes caps the JSON header length of a
	// safetensors file. The reference implementation allows 100 MB; real
	// headers are well under 1 MiB even for models with thousands of
	// tensors, so 16 MiB leaves ample room while bounding memory.
	MaxSafetensorsHeaderBytes = 16 << 20
	// MaxGGUFMetadataBytes caps the total bytes read from a GGUF file. It
	// covers the fixed header and the key/value section including token
	// vocabularies and BPE merges, which are streamed (Llama 3: about 7 MiB).
	MaxGGUFMetadataBytes = 32 << 20
	// MaxStringBytes caps a GGUF string value kept in Header.Metadata;
	// longer values are cut to this length and listed in Header.Truncated.
	MaxStringBytes = 64 << 10
	// MaxListValues caps the strings kept from one GGUF array under a
	// license key; the rest are counted in Arrays, not kept, and the key is
	// listed in Truncated.
	MaxListValues = 256
	// MaxKeyBytes caps a GGUF key; a longer key is an error (the GGUF spec
	// limits keys to 65535 bytes).
	MaxKeyBytes = 65535
	// firstChunk is the size of the first read of a remote file: one
	// round trip holds most headers.
	firstChunk = 64 << 10
	// localFirstChunk is the size of the first read of a local file
	// (LocalReader): reads are cheap, copying what is not needed is not.
	localFirstChunk = 4 << 10
	// maxChunk is the largest single read the GGUF reader issues.
	maxChunk = 4 << 20
	// maxReads caps the number of ReadRange calls for one header.
	maxReads = 64
	// maxArrayDepth caps nesting of GGUF arrays of arrays.
	maxArrayDepth = 8
)

// Errors the readers return, wrapped with the offset and the problem.
var (
	// ErrTruncated means the file ends before its header does.
	ErrTruncated = errors.New("truncated header")
	// ErrTooLarge means the header claims or needs more bytes than the
	// reader's cap (or than the file holds).
	ErrTooLarge = errors.New("header too large")
	// ErrMalformed means the header is not valid for its format.
	ErrMalformed = errors.New("malformed header")
	// ErrUnsupported means a format version the reader does not handle.
	ErrUnsupported = errors.New("unsupported format version")
)

// Header is what a weight file's header says.
type Header struct {
	// Format is the file's format.
	Format Format
	// Version is the GGUF version (1, 2 or 3); 0 for safetensors.
	Version uint32
	// BigEndian is true for a big-endian GGUF file.
	BigEndian bool
	// TensorCount is the number of tensors the header declares.
	TensorCount uint64
	// KVCount is the number of GGUF key/value pairs.
	KVCount uint64
	// Metadata holds, for safetensors, the "__metadata__" map as is, and,
	// for GGUF, every scalar (string, number, bool) whose key starts with
	// "general." or names a license (see Licenses), formatted as a string
	// (numbers in decimal, floats in the shortest form that round-trips,
	// bools as true/false).
	Metadata map[string]string
	// Lists holds the GGUF arrays of strings under license keys
	// (general.license: ["apache-2.0", "llama3.1"]).
	Lists map[string][]string
	// Truncated lists the keys whose string values exceeded MaxStringBytes
	// and were cut, sorted.
	Truncated []string
	// Arrays maps each GGUF array key to its element count (for instance
	// tokenizer.ggml.tokens to the vocabulary size). Elements are not kept.
	Arrays map[string]uint64
	// DTypes counts safetensors tensors per dtype ("BF16": 291).
	DTypes map[string]int
	// HeaderBytes is the length of the parsed header region: 8+N for
	// safetensors, the offset where the key/value section ends for GGUF.
	HeaderBytes int64
	// BytesRead is the total number of bytes read from the file.
	BytesRead int64
	// Reads is the number of ReadRange calls made.
	Reads int
}

// BaseModel is one general.base_model.N.* group of a GGUF file.
type BaseModel struct {
	Index        int
	Name         string
	Organization string
	Version      string
	RepoURL      string
}

// License returns the license fields of the header: for GGUF
// general.license, general.license.name and general.license.link; for
// safetensors the "license" (or "modelspec.license"), "license_name" and
// "license_link" entries of __metadata__, which no standard defines.
func (h *Header) License() (id, name, link string) {
	if h == nil {
		return "", "", ""
	}
	m := h.Metadata
	if h.Format == FormatSafetensors {
		id = m["license"]
		if id == "" {
			id = m["modelspec.license"] // Stability AI model spec
		}
		return id, m["license_name"], m["license_link"]
	}
	return m["general.license"], m["general.license.name"], m["general.license.link"]
}

// Declaration is one license a header declares.
type Declaration struct {
	// Key is where it was found ("general.license", "License",
	// "general.license[1]").
	Key string
	// ID is the license value as written.
	ID string
}

// IsLicenseKey reports whether a metadata key may hold a license
// declaration (see isLicenseKey).
func IsLicenseKey(k string) bool { return isLicenseKey(k) }

// isLicenseKey reports whether a metadata key may hold a license
// declaration: any key naming a license or licence, in any case, at any
// depth ("license", "License", "general.license", "modelspec.license",
// "tokenizer.license"), except its name, link or URL companions.
func isLicenseKey(k string) bool {
	lk := strings.ToLower(k)
	if !strings.Contains(lk, "license") && !strings.Contains(lk, "licence") {
		return false
	}
	return !isLicenseCompanion(lk)
}

func isLicenseCompanion(lk string) bool {
	for _, suf := range []string{"name", "link", "url", "_link", ".link", "file"} {
		if strings.HasSuffix(lk, suf) {
			return true
		}
	}
	return false
}

// Licenses returns every license declaration of the header, sorted by key:
// each license key with a non-empty value (case and spelling variants are
// different keys: "license" and "License" both count) and each string of
// a license array. A header with two different values is ambiguous, and
// the caller must see both, not the first.
func (h *Header) Licenses() []Declaration {
	if h == nil {
		return nil
	}
	var out []Declaration
	for k, v := range h.Metadata {
		if isLicenseKey(k) && strings.TrimSpace(v) != "" {
			out = append(out, Declaration{Key: k, ID: strings.TrimSpace(v)})
		}
	}
	for k, vs := range h.Lists {
		for i, v := range vs {
			if strings.TrimSpace(v) != "" {
				out = append(out, Declaration{Key: k + "[" + strconv.Itoa(i) + "]", ID: strings.TrimSpace(v)})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// BaseModels returns the general.base_model.N.* groups present in the
// header, by index. Indexes are taken from the keys actually present, not
// from general.base_model.count, so a hostile count allocates nothing.
func (h *Header) BaseModels() []BaseModel {
	if h == nil {
		return nil
	}
	const prefix = "general.base_model."
	byIndex := map[int]*BaseModel{}
	for k, v := range h.Metadata {
		rest, ok := strings.CutPrefix(k, prefix)
		if !ok {
			continue
		}
		num, field, ok := strings.Cut(rest, ".")
		if !ok {
			continue
		}
		i, err := strconv.Atoi(num)
		if err != nil || i < 0 || strconv.Itoa(i) != num {
			continue
		}
		b := byIndex[i]
		if b == nil {
			b = &BaseModel{Index: i}
		}
		switch field {
		case "name":
			b.Name = v
		case "organization":
			b.Organization = v
		case "version":
			b.Version = v
		case "repo_url":
			b.RepoURL = v
		default:
			continue
		}
		byIndex[i] = b
	}
	out := make([]BaseModel, 0, len(byIndex))
	for _, b := range byIndex {
		out = append(out, *b)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// Sniff tells the format of a file from its first bytes (any length, 9 or
// more to recognize safetensors) and, when the bytes say nothing, from its
// name. A ".gguf" or ".safetensors" file whose bytes are wrong still gets
// its extension's format, so the reader reports what is wrong with it.
func Sniff(name string, first []byte) Format {
	if len(first) >= 4 && string(first[:4]) == "GGUF" {
		return FormatGGUF
	}
	if len(first) >= 9 && first[8] == '{' {
		var n uint64
		for i := 7; i >= 0; i-- {
			n = n<<8 | uint64(first[i])
		}
		if n >= 2 && n <= MaxSafetensorsHeaderBytes {
			return FormatSafetensors
		}
	}
	switch strings.ToLower(path.Ext(name)) {
	case ".gguf":
		return FormatGGUF
	case ".safetensors":
		return FormatSafetensors
	}
	return FormatUnknown
}
