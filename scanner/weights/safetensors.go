package weights

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// ReadSafetensors reads the header of a safetensors file of size bytes
// (size < 0: unknown): an 8-byte little-endian length N, then N bytes of
// JSON. It returns the "__metadata__" map and a count of tensors per dtype.
// It reads at most 8+MaxSafetensorsHeaderBytes bytes, in one or two reads.
// On error it also returns what it read before the problem.
func ReadSafetensors(ctx context.Context, r RangeReader, size int64) (*Header, error) {
	c := newCursor(ctx, r, size, 8+MaxSafetensorsHeaderBytes)
	h, err := readSafetensors(c)
	if h != nil {
		h.BytesRead, h.Reads = c.read, c.reads
	}
	if err != nil {
		// What was read before the problem is returned with the error.
		return h, fmt.Errorf("safetensors: %w", err)
	}
	return h, nil
}

func readSafetensors(c *cursor) (*Header, error) {
	h := &Header{Format: FormatSafetensors, Metadata: map[string]string{}, DTypes: map[string]int{}}
	b, err := c.next(8)
	if err != nil {
		return h, err
	}
	n := binary.LittleEndian.Uint64(b)
	switch {
	case n > MaxSafetensorsHeaderBytes:
		return h, fmt.Errorf("%w: header length %d exceeds the %d-byte limit", ErrTooLarge, n, MaxSafetensorsHeaderBytes)
	case c.size >= 0 && n > uint64(c.size-8):
		return h, fmt.Errorf("%w: header length %d exceeds the file size %d", ErrTruncated, n, c.size)
	case n < 2:
		return h, fmt.Errorf("%w: header length %d is too short for a JSON object", ErrMalformed, n)
	}
	c.chunk = 0 // read exactly the rest of the header, if any
	js, err := c.next(int64(n))
	if err != nil {
		return h, err
	}
	h.HeaderBytes = 8 + int64(n)
	if js[0] != '{' {
		return h, fmt.Errorf("%w: header does not start with '{' (got %q)", ErrMalformed, js[0])
	}
	if !utf8.Valid(js) {
		return h, fmt.Errorf("%w: header is not valid UTF-8", ErrMalformed)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(js, &top); err != nil {
		return h, fmt.Errorf("%w: header JSON: %v", ErrMalformed, err)
	}
	// A key given twice (two __metadata__ objects, say) is ambiguous: the
	// JSON decoder would silently keep the last one.
	if topLevelMembers(js) != len(top) {
		if k, dup := duplicateKey(js); dup {
			return h, fmt.Errorf("%w: the header has the key %q twice", ErrMalformed, clip(k, 80))
		}
	}
	if raw, ok := top["__metadata__"]; ok {
		if err := decodeMetadata(raw, h.Metadata); err != nil {
			return h, err
		}
	}
	dataLen := int64(-1)
	if c.size >= 0 {
		dataLen = c.size - h.HeaderBytes
	}
	names := make([]string, 0, len(top))
	for name := range top {
		if name != "__metadata__" {
			names = append(names, name)
		}
	}
	sort.Strings(names) // deterministic error for the first bad tensor
	for _, name := range names {
		var t struct {
			DType       *string  `json:"dtype"`
			Shape       []uint64 `json:"shape"`
			DataOffsets []uint64 `json:"data_offsets"`
		}
		if err := json.Unmarshal(top[name], &t); err != nil {
			return h, fmt.Errorf("%w: tensor %q: %v", ErrMalformed, name, err)
		}
		if t.DType == nil || *t.DType == "" {
			return h, fmt.Errorf("%w: tensor %q has no dtype", ErrMalformed, name)
		}
		if t.Shape == nil {
			return h, fmt.Errorf("%w: tensor %q has no shape", ErrMalformed, name)
		}
		if len(t.DataOffsets) != 2 || t.DataOffsets[0] > t.DataOffsets[1] {
			return h, fmt.Errorf("%w: tensor %q: data_offsets %v is not [begin, end]", ErrMalformed, name, t.DataOffsets)
		}
		if dataLen >= 0 && t.DataOffsets[1] > uint64(dataLen) {
			return h, fmt.Errorf("%w: tensor %q ends at %d, past the %d bytes of data", ErrTruncated, name, t.DataOffsets[1], dataLen)
		}
		h.DTypes[*t.DType]++
		h.TensorCount++
	}
	return h, nil
}

// decodeMetadata decodes the "__metadata__" object, a map of strings.
func decodeMetadata(raw json.RawMessage, into map[string]string) error {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return fmt.Errorf("%w: __metadata__ is not an object: %v", ErrMalformed, err)
	}
	// A key given twice (two different licenses, say) is ambiguous: the
	// JSON decoder would silently keep the last one.
	if k, dup := duplicateKey(raw); dup {
		return fmt.Errorf("%w: __metadata__ has the key %q twice", ErrMalformed, clip(k, 80))
	}
	for k, v := range m {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("%w: __metadata__[%q] is not a string: %s", ErrMalformed, k, clip(string(v), 40))
		}
		into[k] = s
	}
	return nil
}

// clip shortens s for an error message.
func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n] + "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

// topLevelMembers counts the members of the JSON object raw (valid JSON):
// the commas at its top level, outside strings, plus one unless it is
// empty. When that is the size of the decoded map no key is repeated, and
// duplicateKey's walk through the tokens (its cost is most of a header's)
// is not needed.
func topLevelMembers(raw []byte) int {
	depth, commas, inString, members := 0, 0, false, false
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case inString:
			switch c {
			case '\\':
				i++ // the escaped byte
			case '"':
				inString = false
			}
			continue
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			continue
		case c == '}' || c == ']':
			depth--
			continue
		case c == ',' && depth == 1:
			commas++
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		}
		if depth == 1 {
			members = true
		}
	}
	if !members {
		return 0
	}
	return commas + 1
}

// duplicateKey reports the first key that occurs twice at the top level of
// the JSON object raw (already known to be a valid object).
func duplicateKey(raw json.RawMessage) (string, bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // {
		return "", false
	}
	seen := map[string]bool{}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return "", false
		}
		k, _ := t.(string)
		if seen[k] {
			return k, true
		}
		seen[k] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return "", false
		}
	}
	return "", false
}
