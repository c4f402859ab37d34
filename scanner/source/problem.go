package source

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"
)

// Problem is one file that a Source found while listing but could not list
// safely: a symlink loop, a symlink whose target escapes the repository, a
// broken symlink, a device or pipe, an unreadable directory. The file is left
// out of List; the problem says why, so a scan can report it instead of
// silently skipping it.
type Problem struct {
	// Path is slash-separated and relative to the repository root.
	Path string `json:"path"`
	// Message says what is wrong, without the path.
	Message string `json:"message"`
	// Err is the sentinel it matches, or nil: ErrUnsafePath (symlink
	// target or tree path outside the repository), ErrSymlinkLoop,
	// ErrNotFound (broken symlink). Test with errors.Is(p.Err, ...).
	Err error `json:"-"`
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// ProblemLister is implemented by sources that can find per-file problems
// while listing (Dir, HF cache snapshots). Use ListAll rather than calling
// it directly.
type ProblemLister interface {
	// ListWithProblems is List plus the files left out and why. The error
	// is for the repository as a whole (root missing, context cancelled).
	ListWithProblems(ctx context.Context) ([]File, []Problem, error)
}

// ListAll lists src and returns the per-file problems it found, sorted by
// path. For sources that do not implement ProblemLister the problems are
// always empty. List itself returns only the good files.
func ListAll(ctx context.Context, src Source) ([]File, []Problem, error) {
	if pl, ok := src.(ProblemLister); ok {
		return pl.ListWithProblems(ctx)
	}
	files, err := src.List(ctx)
	return files, nil, err
}

// CleanPath checks that p (slash-separated, as given to Open or ReadRange)
// names a file inside a repository and returns its clean form. Absolute
// paths, paths that climb out with "..", empty paths and paths with NUL
// bytes or backslashes fail with ErrUnsafePath.
func CleanPath(p string) (string, error) {
	if p == "" || strings.ContainsAny(p, "\x00\\") || strings.HasPrefix(p, "/") {
		return "", fmt.Errorf("%q: %w", p, ErrUnsafePath)
	}
	q := path.Clean(p)
	if q == "." || q == ".." || strings.HasPrefix(q, "../") || !filepath.IsLocal(filepath.FromSlash(q)) {
		return "", fmt.Errorf("%q: %w", p, ErrUnsafePath)
	}
	return q, nil
}

// checkRange validates the arguments of ReadRange.
func checkRange(name string, off, n int64) error {
	if off < 0 || n < 0 {
		return fmt.Errorf("read %s: invalid range offset %d length %d", name, off, n)
	}
	return nil
}
