package source

import (
	"context"
	"io"
	"sort"
	"sync"
)

// Complete returns base (a cache snapshot) completed from remote (the Hub
// at the same commit): the files base lacks are read from remote, the
// files base has from base; Metadata is remote's (license, gating, base
// models), with base's id and revision. Target is base's. A snapshot a
// loader filled only with what it needed (config.json, weights) is read
// as the repository it is a copy of.
func Complete(base, remote Source) Source { return &completed{base: base, remote: remote} }

type completed struct {
	base, remote Source
	once         sync.Once
	files        []File
	inBase       map[string]bool
	err          error
}

func (c *completed) Target() string { return c.base.Target() }

func (c *completed) list(ctx context.Context) error {
	c.once.Do(func() {
		bf, err := c.base.List(ctx)
		if err != nil {
			c.err = err
			return
		}
		rf, err := c.remote.List(ctx)
		if err != nil {
			c.err = err
			return
		}
		c.inBase = map[string]bool{}
		for _, f := range bf {
			c.inBase[f.Path] = true
		}
		c.files = append([]File(nil), bf...)
		for _, f := range rf {
			if !c.inBase[f.Path] {
				c.files = append(c.files, f)
			}
		}
		sort.Slice(c.files, func(i, j int) bool { return c.files[i].Path < c.files[j].Path })
	})
	return c.err
}

func (c *completed) List(ctx context.Context) ([]File, error) {
	if err := c.list(ctx); err != nil {
		return nil, err
	}
	return append([]File(nil), c.files...), nil
}

func (c *completed) from(ctx context.Context, p string) (Source, error) {
	if err := c.list(ctx); err != nil {
		return nil, err
	}
	if c.inBase[p] {
		return c.base, nil
	}
	return c.remote, nil
}

func (c *completed) Open(ctx context.Context, p string, limit int64) (io.ReadCloser, error) {
	s, err := c.from(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.Open(ctx, p, limit)
}

func (c *completed) ReadRange(ctx context.Context, p string, off, n int64) ([]byte, error) {
	s, err := c.from(ctx, p)
	if err != nil {
		return nil, err
	}
	return s.ReadRange(ctx, p, off, n)
}

func (c *completed) Metadata(ctx context.Context) (*Metadata, error) {
	bm, err := c.base.Metadata(ctx)
	if err != nil {
		return nil, err
	}
	rm, err := c.remote.Metadata(ctx)
	if err != nil {
		return nil, err
	}
	md := copyMetadata(rm)
	md.ID, md.Revision = bm.ID, bm.Revision
	return &md, nil
}
