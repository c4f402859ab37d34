package weights

import (
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// GGUF value types.
const (
	ggufUint8   = 0
	ggufInt8    = 1
	ggufUint16  = 2
	ggufInt16   = 3
	ggufUint32  = 4
	ggufInt32   = 5
	ggufFloat32 = 6
	ggufBool    = 7
	ggufString  = 8
	ggufArray   = 9
	ggufUint64  = 10
	ggufInt64   = 11
	ggufFloat64 = 12
)

// ggufScalarSize returns the encoded size of a fixed-size value type, or 0.
func ggufScalarSize(t uint32) uint64 {
	switch t {
	case ggufUint8, ggufInt8, ggufBool:
		return 1
	case ggufUint16, ggufInt16:
		return 2
	case ggufUint32, ggufInt32, ggufFloat32:
		return 4
	case ggufUint64, ggufInt64, ggufFloat64:
		return 8
	}
	return 0
}

// ReadGGUF reads the header and key/value section of a GGUF file (versions
// 1, 2 and 3, either byte order) of size bytes (size < 0: unknown). It keeps
// every scalar under "general." in Header.Metadata, records each array's
// length in Header.Arrays, and stops at the end of the key/value section.
// On error it also returns what it read before the problem.
// It reads at most MaxGGUFMetadataBytes bytes in at most maxReads reads.
func ReadGGUF(ctx context.Context, r RangeReader, size int64) (*Header, error) {
	g := &ggufReader{c: newCursor(ctx, r, size, MaxGGUFMetadataBytes)}
	h, err := g.read()
	if h != nil {
		h.BytesRead, h.Reads = g.c.read, g.c.reads
		sort.Strings(h.Truncated)
	}
	if err != nil {
		// The metadata read before the problem is returned with the error:
		// a license key before a broken one was read all the same.
		return h, fmt.Errorf("gguf: %w", err)
	}
	return h, nil
}

type ggufReader struct {
	c       *cursor
	order   binary.ByteOrder
	version uint32
	h       *Header
}

func (g *ggufReader) u32() (uint32, error) {
	b, err := g.c.next(4)
	if err != nil {
		return 0, err
	}
	return g.order.Uint32(b), nil
}

func (g *ggufReader) u64() (uint64, error) {
	b, err := g.c.next(8)
	if err != nil {
		return 0, err
	}
	return g.order.Uint64(b), nil
}

// size reads a count or length: uint32 in version 1, uint64 after.
func (g *ggufReader) size() (uint64, error) {
	if g.version == 1 {
		v, err := g.u32()
		return uint64(v), err
	}
	return g.u64()
}

// sizeLen is the encoded size of a count or length.
func (g *ggufReader) sizeLen() uint64 {
	if g.version == 1 {
		return 4
	}
	return 8
}

func (g *ggufReader) read() (*Header, error) {
	c := g.c
	h := &Header{Format: FormatGGUF, Metadata: map[string]string{}, Arrays: map[string]uint64{}}
	g.h = h
	b, err := c.next(8)
	if err != nil {
		return h, err
	}
	if string(b[:4]) != "GGUF" {
		return h, fmt.Errorf("%w: bad magic %q, want \"GGUF\"", ErrMalformed, clip(string(b[:4]), 4))
	}
	// A big-endian file has its version's low bytes zero when read
	// little-endian (versions are small numbers).
	g.order = binary.LittleEndian
	if v := binary.LittleEndian.Uint32(b[4:]); v&0xffff == 0 && v != 0 {
		g.order = binary.BigEndian
		h.BigEndian = true
	}
	g.version = g.order.Uint32(b[4:])
	h.Version = g.version
	if g.version < 1 || g.version > 3 {
		return h, fmt.Errorf("%w: GGUF version %d (supported: 1, 2, 3)", ErrUnsupported, g.version)
	}
	if h.TensorCount, err = g.size(); err != nil {
		return h, err
	}
	if h.KVCount, err = g.size(); err != nil {
		return h, err
	}
	// Each pair holds at least a key length, a type and a 1-byte value.
	minKV := g.sizeLen() + 4 + 1
	if h.KVCount > c.remaining()/minKV {
		return h, fmt.Errorf("%w: %d key/value pairs cannot fit in the %d bytes after offset %d", ErrMalformed, h.KVCount, c.remaining(), c.pos)
	}
	for i := uint64(0); i < h.KVCount; i++ {
		if i%4096 == 0 {
			if err := c.ctx.Err(); err != nil {
				return h, err
			}
		}
		at := c.pos
		key, err := g.key()
		if err != nil {
			return h, fmt.Errorf("key/value pair %d at offset %d: %w", i, at, err)
		}
		if err := g.kv(key); err != nil {
			return h, fmt.Errorf("key %q at offset %d: %w", clip(key, 200), at, err)
		}
	}
	h.HeaderBytes = c.pos
	return h, nil
}

func (g *ggufReader) key() (string, error) {
	n, err := g.size()
	if err != nil {
		return "", err
	}
	if n > MaxKeyBytes {
		return "", fmt.Errorf("%w: key length %d exceeds %d", ErrMalformed, n, MaxKeyBytes)
	}
	b, err := g.c.next(int64(n))
	if err != nil {
		return "", err
	}
	return strings.ToValidUTF8(string(b), "\uFFFD"), nil
}

func (g *ggufReader) kv(key string) error {
	h := g.h
	typ, err := g.u32()
	if err != nil {
		return err
	}
	if typ == ggufArray && isLicenseKey(key) {
		return g.licenseArray(key)
	}
	if typ == ggufArray {
		n, err := g.skipArray(0)
		if err != nil {
			return err
		}
		if _, dup := h.Arrays[key]; dup {
			return fmt.Errorf("%w: duplicate key", ErrMalformed)
		}
		h.Arrays[key] = n
		return nil
	}
	if !strings.HasPrefix(key, "general.") && !isLicenseKey(key) {
		return g.skipValue(typ, 0)
	}
	v, err := g.scalar(typ, key)
	if err != nil {
		return err
	}
	if _, dup := h.Metadata[key]; dup {
		return fmt.Errorf("%w: duplicate key", ErrMalformed)
	}
	h.Metadata[key] = v
	return nil
}

// licenseArray reads an array under a license key: every string is a
// license declaration, kept in Header.Lists (at most MaxListValues; more
// are counted and the key listed in Truncated). An array of anything else
// under a license key is an error: it cannot be read as a license.
func (g *ggufReader) licenseArray(key string) error {
	h := g.h
	et, err := g.u32()
	if err != nil {
		return err
	}
	if et != ggufString {
		return fmt.Errorf("%w: license key holds an array of value type %d, not of strings", ErrMalformed, et)
	}
	n, err := g.size()
	if err != nil {
		return err
	}
	if n > g.c.remaining()/g.sizeLen() {
		return fmt.Errorf("%w: array of %d strings cannot fit in the %d bytes after offset %d", ErrMalformed, n, g.c.remaining(), g.c.pos)
	}
	if _, dup := h.Arrays[key]; dup {
		return fmt.Errorf("%w: duplicate key", ErrMalformed)
	}
	if _, dup := h.Metadata[key]; dup {
		return fmt.Errorf("%w: duplicate key", ErrMalformed)
	}
	h.Arrays[key] = n
	if h.Lists == nil {
		h.Lists = map[string][]string{}
	}
	list := []string{}
	for i := uint64(0); i < n; i++ {
		if i < MaxListValues {
			v, err := g.scalar(ggufString, key)
			if err != nil {
				return fmt.Errorf("array element %d: %w", i, err)
			}
			list = append(list, v)
			continue
		}
		if i == MaxListValues {
			h.Truncated = append(h.Truncated, key)
		}
		if err := g.skipValue(ggufString, 1); err != nil {
			return fmt.Errorf("array element %d: %w", i, err)
		}
	}
	h.Lists[key] = list
	return nil
}

// scalar reads a non-array value and formats it.
func (g *ggufReader) scalar(typ uint32, key string) (string, error) {
	if typ == ggufString {
		n, err := g.size()
		if err != nil {
			return "", err
		}
		keep := min(n, MaxStringBytes)
		b, err := g.c.next(int64(keep))
		if err != nil {
			return "", err
		}
		s := string(b)
		if n > keep {
			g.h.Truncated = append(g.h.Truncated, key)
			if err := g.c.skip(n - keep); err != nil {
				return "", err
			}
		}
		return strings.ToValidUTF8(s, "\uFFFD"), nil
	}
	sz := ggufScalarSize(typ)
	if sz == 0 {
		return "", fmt.Errorf("%w: unknown value type %d", ErrMalformed, typ)
	}
	b, err := g.c.next(int64(sz))
	if err != nil {
		return "", err
	}
	o := g.order
	switch typ {
	case ggufUint8:
		return strconv.FormatUint(uint64(b[0]), 10), nil
	case ggufInt8:
		return strconv.FormatInt(int64(int8(b[0])), 10), nil
	case ggufBool:
		return strconv.FormatBool(b[0] != 0), nil
	case ggufUint16:
		return strconv.FormatUint(uint64(o.Uint16(b)), 10), nil
	case ggufInt16:
		return strconv.FormatInt(int64(int16(o.Uint16(b))), 10), nil
	case ggufUint32:
		return strconv.FormatUint(uint64(o.Uint32(b)), 10), nil
	case ggufInt32:
		return strconv.FormatInt(int64(int32(o.Uint32(b))), 10), nil
	case ggufFloat32:
		return strconv.FormatFloat(float64(math.Float32frombits(o.Uint32(b))), 'g', -1, 32), nil
	case ggufUint64:
		return strconv.FormatUint(o.Uint64(b), 10), nil
	case ggufInt64:
		return strconv.FormatInt(int64(o.Uint64(b)), 10), nil
	default: // ggufFloat64
		return strconv.FormatFloat(math.Float64frombits(o.Uint64(b)), 'g', -1, 64), nil
	}
}

// skipValue skips a value of type typ without keeping it. Strings and
// fixed-size values are skipped by offset; arrays element by element only
// when their elements have inline lengths.
func (g *ggufReader) skipValue(typ uint32, depth int) error {
	if sz := ggufScalarSize(typ); sz != 0 {
		return g.c.skip(sz)
	}
	switch typ {
	case ggufString:
		n, err := g.size()
		if err != nil {
			return err
		}
		return g.c.skip(n)
	case ggufArray:
		_, err := g.skipArray(depth)
		return err
	}
	return fmt.Errorf("%w: unknown value type %d", ErrMalformed, typ)
}

// skipArray skips an array (element type, count, elements) and returns its
// element count. Arrays of fixed-size elements are skipped by offset in one
// step; arrays of strings read each length and skip the bytes.
func (g *ggufReader) skipArray(depth int) (uint64, error) {
	if depth >= maxArrayDepth {
		return 0, fmt.Errorf("%w: arrays nested deeper than %d", ErrMalformed, maxArrayDepth)
	}
	c := g.c
	et, err := g.u32()
	if err != nil {
		return 0, err
	}
	n, err := g.size()
	if err != nil {
		return 0, err
	}
	var minElem uint64
	switch et {
	case ggufString:
		minElem = g.sizeLen()
	case ggufArray:
		minElem = 4 + g.sizeLen()
	default:
		minElem = ggufScalarSize(et)
		if minElem == 0 {
			return 0, fmt.Errorf("%w: array of unknown value type %d", ErrMalformed, et)
		}
	}
	if n > c.remaining()/minElem {
		return 0, fmt.Errorf("%w: array of %d elements of at least %d bytes cannot fit in the %d bytes after offset %d", ErrMalformed, n, minElem, c.remaining(), c.pos)
	}
	if et != ggufString && et != ggufArray {
		return n, c.skip(n * minElem) // n*minElem <= remaining: no overflow
	}
	for i := uint64(0); i < n; i++ {
		if i%65536 == 0 {
			if err := c.ctx.Err(); err != nil {
				return 0, err
			}
		}
		if err := g.skipValue(et, depth+1); err != nil {
			return 0, fmt.Errorf("array element %d: %w", i, err)
		}
	}
	return n, nil
}
