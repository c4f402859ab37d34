package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
)

// ErrBudget is returned once a target's read budget (WithBudget) is spent:
// the file was not read, or only in part.
var ErrBudget = errors.New("read budget of the target spent")

// WithBudget returns src reading at most max bytes in total through Open
// and ReadRange; past it, reads fail with ErrBudget, naming the file, so a
// repository of many large (or many links to one large) license files
// costs bounded time and memory, and says what it did not read. The
// returned Source is a ProblemLister when src is one.
func WithBudget(src Source, max int64) Source {
	b := &budget{Source: src, max: max, left: max}
	if pl, ok := src.(ProblemLister); ok {
		return &budgetLister{budget: b, pl: pl}
	}
	return b
}

type budget struct {
	Source
	max int64

	mu   sync.Mutex
	left int64
}

// Local reports whether the budgeted source is local (see IsLocal).
func (b *budget) Local() bool { return IsLocal(b.Source) }

type budgetLister struct {
	*budget
	pl ProblemLister
}

func (b *budgetLister) ListWithProblems(ctx context.Context) ([]File, []Problem, error) {
	return b.pl.ListWithProblems(ctx)
}

// spent is the error of a read past the budget; the caller names the file.
func (b *budget) spent(string) error {
	return fmt.Errorf("%w (%d bytes): carveout stopped reading this target", ErrBudget, b.max)
}

// take reserves up to n bytes and returns how many were granted.
func (b *budget) take(n int64) int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	n = min(n, b.left)
	b.left -= n
	return n
}

func (b *budget) giveBack(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.left += n
}

func (b *budget) ReadRange(ctx context.Context, p string, off, n int64) ([]byte, error) {
	got := b.take(n)
	if got < n {
		b.giveBack(got)
		return nil, b.spent(p)
	}
	data, err := b.Source.ReadRange(ctx, p, off, n)
	b.giveBack(n - int64(len(data)))
	return data, err
}

func (b *budget) Open(ctx context.Context, p string, limit int64) (io.ReadCloser, error) {
	b.mu.Lock()
	left := b.left
	b.mu.Unlock()
	if left <= 0 {
		return nil, b.spent(p)
	}
	rc, err := b.Source.Open(ctx, p, limit)
	if err != nil {
		return nil, err
	}
	return &budgetReader{rc: rc, b: b, p: p}, nil
}

type budgetReader struct {
	rc io.ReadCloser
	b  *budget
	p  string
}

func (r *budgetReader) Read(p []byte) (int, error) {
	got := r.b.take(int64(len(p)))
	if got == 0 && len(p) > 0 {
		// Is there more? One byte tells, and costs nothing when there is not.
		var one [1]byte
		if n, err := r.rc.Read(one[:]); n == 0 && err != nil {
			return 0, err
		}
		return 0, r.b.spent(r.p)
	}
	n, err := r.rc.Read(p[:got])
	r.b.giveBack(got - int64(n))
	return n, err
}

func (r *budgetReader) Close() error { return r.rc.Close() }

// Left returns the bytes the budget still allows. The scanner reads weight
// headers in parallel only while their worst cases fit in it, so that the
// budget never runs out in an order the listing does not fix.
func (b *budget) Left() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.left
}
