package weights

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
)

// RangeReader reads byte ranges of one file. ReadRange returns up to n
// bytes at offset off; it returns fewer only at the end of the file (with a
// nil error or io.EOF). The readers keep the slice returned (they parse
// from it): it must not be changed afterwards.
// scanner/source.Source.ReadRange fits it through RangeFunc.
type RangeReader interface {
	ReadRange(ctx context.Context, off, n int64) ([]byte, error)
}

// LocalReader is a RangeReader that says whether it reads local storage,
// where a read costs a system call rather than a round trip: the readers
// then start with a read of localFirstChunk, not firstChunk (the 8-byte
// length and a small header, without copying 64 KiB of tensors).
type LocalReader interface {
	RangeReader
	Local() bool
}

// RangeFunc adapts a function to RangeReader, for instance
//
//	weights.RangeFunc(func(ctx context.Context, off, n int64) ([]byte, error) {
//		return src.ReadRange(ctx, path, off, n)
//	})
type RangeFunc func(ctx context.Context, off, n int64) ([]byte, error)

// ReadRange calls f.
func (f RangeFunc) ReadRange(ctx context.Context, off, n int64) ([]byte, error) {
	return f(ctx, off, n)
}

// FileReader is a RangeReader over an io.ReaderAt (an *os.File, say) that
// counts what it reads. It is safe for concurrent use.
type FileReader struct {
	r    io.ReaderAt
	size int64

	mu    sync.Mutex
	bytes int64
	reads int
}

// NewFileReader returns a FileReader over r, which holds size bytes
// (size < 0: unknown, read until io.EOF).
func NewFileReader(r io.ReaderAt, size int64) *FileReader {
	return &FileReader{r: r, size: size}
}

// ReadRange reads up to n bytes at off; fewer at the end of the file.
func (f *FileReader) ReadRange(ctx context.Context, off, n int64) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if off < 0 || n < 0 {
		return nil, fmt.Errorf("invalid range %d+%d", off, n)
	}
	if f.size >= 0 {
		if off >= f.size {
			n = 0
		} else if n > f.size-off {
			n = f.size - off
		}
	}
	buf := make([]byte, n)
	got, err := f.r.ReadAt(buf, off)
	f.mu.Lock()
	f.bytes += int64(got)
	f.reads++
	f.mu.Unlock()
	if err != nil && !errors.Is(err, io.EOF) {
		return buf[:got], err
	}
	return buf[:got], nil
}

// BytesRead returns the total bytes read so far.
func (f *FileReader) BytesRead() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.bytes
}

// Reads returns the number of ReadAt calls so far.
func (f *FileReader) Reads() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reads
}

// cursor reads a file front to back through a RangeReader in growing
// chunks, within a byte budget, and skips ranges without reading them.
type cursor struct {
	ctx    context.Context
	r      RangeReader
	size   int64 // -1: unknown
	budget int64 // most bytes to read in total

	pos   int64  // current offset
	buf   []byte // bytes at bufAt
	bufAt int64
	chunk int64 // size of the next read

	read  int64
	reads int
}

func newCursor(ctx context.Context, r RangeReader, size, budget int64) *cursor {
	if size < 0 {
		size = -1
	}
	chunk := int64(firstChunk)
	if l, ok := r.(LocalReader); ok && l.Local() {
		chunk = localFirstChunk
	}
	return &cursor{ctx: ctx, r: r, size: size, budget: budget, chunk: chunk}
}

// buffered returns the number of buffered bytes at pos.
func (c *cursor) buffered() int64 {
	if c.pos < c.bufAt || c.pos > c.bufAt+int64(len(c.buf)) {
		return 0
	}
	return c.bufAt + int64(len(c.buf)) - c.pos
}

// next returns the n bytes at pos and advances past them. The slice is
// valid until the next call.
func (c *cursor) next(n int64) ([]byte, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: negative length", ErrMalformed)
	}
	if c.buffered() < n {
		if err := c.fill(n); err != nil {
			return nil, err
		}
	}
	i := c.pos - c.bufAt
	c.pos += n
	return c.buf[i : i+n], nil
}

// fill makes at least n bytes at pos buffered, reading one chunk (or n
// bytes when that is more) after what is already buffered.
func (c *cursor) fill(n int64) error {
	keep := c.buf[:0]
	if b := c.buffered(); b > 0 {
		keep = c.buf[c.pos-c.bufAt:]
	}
	start := c.pos + int64(len(keep)) // no overflow: within the file or buffer
	need := n - int64(len(keep))
	want := max(need, c.chunk)
	if c.size >= 0 {
		avail := max(c.size-start, 0)
		if avail < need {
			return fmt.Errorf("%w: need %d bytes at offset %d, file is %d bytes", ErrTruncated, n, c.pos, c.size)
		}
		want = min(want, avail)
	}
	if rem := c.budget - c.read; want > rem {
		if rem < need {
			return fmt.Errorf("%w: more than %d bytes needed to read the header (at offset %d)", ErrTooLarge, c.budget, c.pos)
		}
		want = rem
	}
	if want > math.MaxInt64-start { // offsets stay representable
		want = math.MaxInt64 - start
		if want < need {
			return fmt.Errorf("%w: need %d bytes at offset %d", ErrTruncated, n, c.pos)
		}
	}
	if c.reads >= maxReads {
		return fmt.Errorf("%w: more than %d reads needed to read the header (at offset %d)", ErrTooLarge, maxReads, c.pos)
	}
	if err := c.ctx.Err(); err != nil {
		return err
	}
	b, err := c.r.ReadRange(c.ctx, start, want)
	c.reads++
	if int64(len(b)) > want {
		b = b[:want]
	}
	c.read += int64(len(b))
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("read %d bytes at offset %d: %w", want, start, err)
	}
	if int64(len(b)) < need {
		return fmt.Errorf("%w: need %d bytes at offset %d, file ends at %d", ErrTruncated, n, c.pos, start+int64(len(b)))
	}
	nb := b // nothing kept: the read is the buffer
	if len(keep) > 0 {
		nb = make([]byte, 0, int64(len(keep))+int64(len(b)))
		nb = append(nb, keep...)
		nb = append(nb, b...)
	}
	c.buf, c.bufAt = nb, c.pos
	c.chunk = min(c.chunk*4, maxChunk)
	return nil
}

// skip advances n bytes without reading them.
func (c *cursor) skip(n uint64) error {
	if c.size >= 0 && n > c.remaining() {
		return fmt.Errorf("%w: %d bytes at offset %d run past the end of the file (%d bytes)", ErrTruncated, n, c.pos, c.size)
	}
	if n > uint64(math.MaxInt64-c.pos) {
		return fmt.Errorf("%w: skipping %d bytes at offset %d overflows", ErrMalformed, n, c.pos)
	}
	c.pos += int64(n)
	return nil
}

// remaining returns the bytes left in the file after pos, or MaxInt64 when
// the size is unknown.
func (c *cursor) remaining() uint64 {
	if c.size < 0 {
		return math.MaxInt64
	}
	return uint64(max(c.size-c.pos, 0))
}
