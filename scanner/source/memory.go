package source

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"sort"
)

// Memory is a repository held in memory, for tests. Create it with
// NewMemory.
type Memory struct {
	target string
	files  map[string][]byte
	md     Metadata
}

// NewMemory returns a repository with the given files (slash-separated
// paths, which must be clean and relative; others are dropped from List and
// unreachable through Open, like unsafe paths elsewhere) and metadata (nil
// for none). The map and metadata are copied.
func NewMemory(target string, files map[string][]byte, md *Metadata) Source {
	m := &Memory{target: target, files: make(map[string][]byte, len(files))}
	for p, b := range files {
		q, err := CleanPath(p)
		if err != nil || q != p {
			continue
		}
		m.files[p] = bytes.Clone(b)
	}
	if md != nil {
		m.md = copyMetadata(md)
	}
	return m
}

func copyMetadata(md *Metadata) Metadata {
	c := *md
	c.License = append([]string(nil), md.License...)
	c.Tags = append([]string(nil), md.Tags...)
	c.BaseModels = append([]BaseModel(nil), md.BaseModels...)
	return c
}

// Target returns the target given to NewMemory.
func (m *Memory) Target() string { return m.target }

// List returns the files sorted by path.
func (m *Memory) List(ctx context.Context) ([]File, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	files := make([]File, 0, len(m.files))
	for p, b := range m.files {
		files = append(files, File{Path: p, Size: int64(len(b))})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	return files, nil
}

func (m *Memory) get(p string) ([]byte, error) {
	q, err := CleanPath(p)
	if err != nil {
		return nil, err
	}
	b, ok := m.files[q]
	if !ok {
		return nil, fmt.Errorf("%s: %w", q, ErrNotFound)
	}
	return b, nil
}

// Open returns at most limit bytes of the file (limit <= 0: all of it).
func (m *Memory) Open(ctx context.Context, p string, limit int64) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := m.get(p)
	if err != nil {
		return nil, err
	}
	if limit > 0 && int64(len(b)) > limit {
		b = b[:limit]
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// ReadRange returns a copy of n bytes at off; fewer at the end, none past it.
func (m *Memory) ReadRange(ctx context.Context, p string, off, n int64) ([]byte, error) {
	if err := checkRange(p, off, n); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := m.get(p)
	if err != nil {
		return nil, err
	}
	if off >= int64(len(b)) {
		return []byte{}, nil
	}
	end := off + min(n, int64(len(b))-off)
	return bytes.Clone(b[off:end]), nil
}

// Metadata returns a copy of the metadata given to NewMemory.
func (m *Memory) Metadata(ctx context.Context) (*Metadata, error) {
	md := copyMetadata(&m.md)
	return &md, nil
}
