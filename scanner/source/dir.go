package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
)

// ErrSymlinkLoop is the Problem.Err (and Open error) for a symlink that
// points, directly or through other links, back at itself or at a directory
// enclosing it.
var ErrSymlinkLoop = errors.New("symlink loop")

// maxDirEntries bounds a directory walk, so a hostile tree of directory
// symlinks cannot make List run for ever.
const maxDirEntries = 1 << 20

// Dir is a repository in a local folder, laid out like a Hugging Face
// snapshot or a git checkout. Create it with NewDir or NewFile.
//
// List walks the tree, skipping .git and .cache/huggingface (the download
// bookkeeping of `hf download --local-dir`). Symlinks are followed, to files
// and to directories, as long as their target stays inside the repository;
// a symlink that escapes it, a loop, a broken link, a device or pipe, or an
// unreadable directory is left out of List and reported as a Problem by
// ListWithProblems (see ListAll). Open and ReadRange reject paths that climb
// out of the root (ErrUnsafePath), and only ever read what they return.
type Dir struct {
	target string
	root   string // real absolute path of the listed directory
	allow  string // real absolute path that every symlink must stay inside
	only   string // NewFile: the one file name; "" for a directory
	md     Metadata

	// listed maps each path the last listing returned to the real path
	// it resolved and checked, so that reading a listed file does not
	// resolve its every component again (os.Root still guards the open).
	mu     sync.Mutex
	listed map[string]string
	// roots holds the directories files were opened in, while a scan reads
	// (see Release): each read opens its file in its directory's os.Root,
	// not a Root of the whole repository opened and closed per file.
	roots map[string]*os.Root
}

// maxRoots bounds the directories Dir keeps open between reads.
const maxRoots = 16

// Release closes the directories kept open for reading; the Dir stays
// usable. The scanner releases a source once it has read it.
func (d *Dir) Release() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, r := range d.roots {
		r.Close()
	}
	d.roots = nil
}

// Local reports that a Dir reads local files: a read costs a system call,
// not a round trip.
func (d *Dir) Local() bool { return true }

// IsLocal reports whether src reads local storage, where many small reads
// cost less than one large one (a remote source says nothing: false).
func IsLocal(src Source) bool {
	l, ok := src.(interface{ Local() bool })
	return ok && l.Local()
}

// Release calls src's Release, if it has one: a source that keeps handles
// open between reads lets them go.
func Release(src Source) {
	if r, ok := src.(interface{ Release() }); ok {
		r.Release()
	}
}

// NewDir returns the repository in the local folder root. The folder must
// exist; Target is root as given.
func NewDir(root string) (Source, error) {
	d, err := newDir(root, root, "")
	if err != nil {
		return nil, err
	}
	return d, nil
}

func newDir(target, root, allow string) (*Dir, error) {
	real, err := realPath(root)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, fsError(root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", root)
	}
	realAllow := real
	if allow != "" {
		if realAllow, err = realPath(allow); err != nil {
			return nil, err
		}
		if !within(realAllow, real) {
			return nil, fmt.Errorf("%s: %w", root, ErrUnsafePath)
		}
	}
	return &Dir{target: target, root: real, allow: realAllow}, nil
}

// NewFile returns a one-file repository holding the file at name (a model
// card, a GGUF file...). Its only path is the base name of name; Target is
// name as given. If name is a symlink, its target is read wherever it is:
// the user named the file explicitly.
func NewFile(name string) (Source, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	real, err := realPath(abs)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return nil, fsError(name, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", name)
	}
	parent, err := realPath(filepath.Dir(abs))
	if err != nil {
		return nil, err
	}
	base := filepath.Base(abs)
	if _, err := CleanPath(base); err != nil {
		return nil, err
	}
	return &Dir{target: name, root: parent, allow: filepath.Dir(real), only: base}, nil
}

// Target returns the folder or file as the user wrote it.
func (d *Dir) Target() string { return d.target }

// Metadata returns what is known beside the files: nothing for a plain
// folder, the repository id and revision for an HF cache snapshot.
func (d *Dir) Metadata(ctx context.Context) (*Metadata, error) {
	md := copyMetadata(&d.md)
	return &md, nil
}

// List returns every regular file, sorted by path, leaving out the files
// ListWithProblems reports as problems.
func (d *Dir) List(ctx context.Context) ([]File, error) {
	files, _, err := d.ListWithProblems(ctx)
	return files, err
}

// ListWithProblems returns the files and, sorted by path, the entries left
// out and why. The error is non-nil only when the root itself cannot be
// read, the walk is too large, or ctx is done.
func (d *Dir) ListWithProblems(ctx context.Context) ([]File, []Problem, error) {
	w := &walker{ctx: ctx, d: d}
	if d.only != "" {
		_, fi, err := d.resolve(d.only)
		if err != nil {
			return nil, nil, err
		}
		return []File{{Path: d.only, Size: fi.Size()}}, nil, nil
	}
	if err := w.walk(d.root, "", []string{d.root}); err != nil {
		return nil, nil, err
	}
	d.mu.Lock()
	d.listed = w.real
	d.mu.Unlock()
	sort.Slice(w.files, func(i, j int) bool { return w.files[i].Path < w.files[j].Path })
	sort.SliceStable(w.problems, func(i, j int) bool { return w.problems[i].Path < w.problems[j].Path })
	return w.files, w.problems, nil
}

type walker struct {
	ctx      context.Context
	d        *Dir
	files    []File
	real     map[string]string // path → real path of each file listed
	problems []Problem
	entries  int
	// realDirs caches the real paths of symlink targets' parent
	// directories (all the blobs of an HF cache share one).
	realDirs map[string]string
}

// realTarget returns the real path of the symlink full, found in the real
// directory dir, and the file it points to. It resolves the common case (a
// link to a plain file, relative with only leading "..") with a readlink, a
// cached parent lookup and an lstat, and falls back to
// filepath.EvalSymlinks otherwise.
func (w *walker) realTarget(full, dir string) (string, fs.FileInfo, error) {
	target, err := os.Readlink(full)
	if err != nil {
		return "", nil, err
	}
	rest := filepath.ToSlash(target)
	for strings.HasPrefix(rest, "../") {
		rest = rest[3:]
	}
	if rest == ".." || rest == "." || strings.Contains("/"+rest+"/", "/../") || strings.Contains("/"+rest+"/", "/./") {
		return evalAndStat(full)
	}
	cand := target
	if !filepath.IsAbs(cand) {
		cand = filepath.Join(dir, target)
	}
	parent := filepath.Dir(cand)
	realParent, ok := w.realDirs[parent]
	if !ok {
		if realParent, ok = realBelow(w.d.allow, parent); !ok {
			if realParent, err = filepath.EvalSymlinks(parent); err != nil {
				return "", nil, err
			}
		}
		if w.realDirs == nil {
			w.realDirs = map[string]string{}
		}
		w.realDirs[parent] = realParent
	}
	final := filepath.Join(realParent, filepath.Base(cand))
	fi, err := os.Lstat(final)
	if err != nil {
		return "", nil, err
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		return evalAndStat(full)
	}
	return final, fi, nil
}

// realBelow returns p when it is allow (a real path) or lies below it
// through real directories only, none a symlink: what EvalSymlinks would
// return, at one lstat per component below allow rather than one per
// component of the whole path (a hub cache's blobs folder: one). ok is
// false otherwise, and the caller resolves p in full.
func realBelow(allow, p string) (string, bool) {
	if allow == "" {
		return "", false
	}
	if p == allow {
		return p, true
	}
	rel, below := strings.CutPrefix(p, allow+string(filepath.Separator))
	if !below {
		return "", false
	}
	cur := allow
	for _, c := range strings.Split(rel, string(filepath.Separator)) {
		if c == "" || c == "." || c == ".." {
			return "", false
		}
		cur += string(filepath.Separator) + c
		if fi, err := os.Lstat(cur); err != nil || !fi.IsDir() {
			return "", false // a symlink (Lstat does not follow it), or not there
		}
	}
	return cur, true
}

func evalAndStat(full string) (string, fs.FileInfo, error) {
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		return "", nil, err
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", nil, err
	}
	return real, fi, nil
}

func (w *walker) add(f File, real string) {
	w.files = append(w.files, f)
	if w.real == nil {
		w.real = map[string]string{}
	}
	w.real[f.Path] = real
}

func (w *walker) problem(rel, msg string, err error) {
	w.problems = append(w.problems, Problem{Path: rel, Message: msg, Err: err})
}

// skipDir reports directories that are not part of the repository.
func skipDir(rel string) bool {
	return rel == ".git" || rel == ".cache/huggingface" || strings.HasSuffix(rel, "/.git")
}

// hiddenPath reports a clean path inside a directory List skips.
func hiddenPath(q string) bool {
	for d := path.Dir(q); d != "."; d = path.Dir(d) {
		if skipDir(d) {
			return true
		}
	}
	return false
}

// childPaths returns the repository path and the real path of the entry
// name of the directory dir (repository path rel). dir is clean and name
// a directory entry's (no separator, not "." or ".."), so joining them is
// concatenating them: what path.Join and filepath.Join give, without
// cleaning paths a listing makes thousands of.
func childPaths(rel, dir, name string) (relp, full string) {
	relp = name
	if rel != "" {
		relp = rel + "/" + name
	}
	if strings.HasSuffix(dir, string(filepath.Separator)) {
		return relp, dir + name
	}
	return relp, dir + string(filepath.Separator) + name
}

// walk lists the real directory dir, which is the repository path rel.
// ancestors are the real paths of the directories enclosing it, for loop
// detection.
func (w *walker) walk(dir, rel string, ancestors []string) error {
	if err := w.ctx.Err(); err != nil {
		return err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		if rel == "" {
			return fsError(w.d.target, err)
		}
		w.problem(rel, "cannot read directory: "+errText(err), nil)
		return nil
	}
	for _, e := range entries {
		w.entries++
		if w.entries > maxDirEntries {
			return fmt.Errorf("%s: more than %d entries, giving up", w.d.target, maxDirEntries)
		}
		relp, full := childPaths(rel, dir, e.Name())
		t := e.Type()
		switch {
		case t&fs.ModeSymlink != 0:
			if err := w.symlink(dir, full, relp, ancestors); err != nil {
				return err
			}
		case t.IsDir():
			if skipDir(relp) {
				continue
			}
			if err := w.walk(full, relp, append(ancestors, full)); err != nil {
				return err
			}
		case t.IsRegular():
			info, err := e.Info()
			if err != nil {
				w.problem(relp, "cannot stat: "+errText(err), nil)
				continue
			}
			w.add(File{Path: relp, Size: info.Size()}, full)
		default:
			w.problem(relp, fmt.Sprintf("not a regular file (%s)", t.Type()), nil)
		}
	}
	return nil
}

func (w *walker) symlink(dir, full, rel string, ancestors []string) error {
	real, fi, err := w.realTarget(full, dir)
	if err != nil {
		// Say why, from the kernel's own resolution.
		_, serr := os.Stat(full)
		switch {
		case isLoop(serr) || strings.Contains(err.Error(), "too many links"):
			w.problem(rel, "symlink loop", ErrSymlinkLoop)
		case errors.Is(serr, fs.ErrNotExist) || errors.Is(err, fs.ErrNotExist):
			target, _ := os.Readlink(full)
			w.problem(rel, fmt.Sprintf("broken symlink to %q", target), ErrNotFound)
		default:
			w.problem(rel, "cannot follow symlink: "+errText(err), nil)
		}
		return nil
	}
	if !within(w.d.allow, real) {
		target, _ := os.Readlink(full)
		w.problem(rel, fmt.Sprintf("symlink to %q points outside the repository", target), ErrUnsafePath)
		return nil
	}
	switch {
	case fi.Mode().IsRegular():
		w.add(File{Path: rel, Size: fi.Size()}, real)
	case fi.IsDir():
		if skipDir(rel) {
			return nil
		}
		for _, a := range ancestors {
			if a == real {
				w.problem(rel, "symlink loop: points to an enclosing directory", ErrSymlinkLoop)
				return nil
			}
		}
		return w.walk(real, rel, append(ancestors, real))
	default:
		w.problem(rel, fmt.Sprintf("symlink to something that is not a regular file (%s)", fi.Mode().Type()), nil)
	}
	return nil
}

// realFile returns the real path of the regular file p names: the one the
// listing resolved and checked when it listed p, else resolve's.
func (d *Dir) realFile(p string) (string, error) {
	d.mu.Lock()
	real, ok := d.listed[p]
	d.mu.Unlock()
	if ok {
		return real, nil
	}
	real, _, err := d.resolve(p)
	return real, err
}

// resolve checks p and returns the real path of the regular file it names.
func (d *Dir) resolve(p string) (string, fs.FileInfo, error) {
	q, err := CleanPath(p)
	if err != nil {
		return "", nil, err
	}
	if d.only != "" && q != d.only {
		return "", nil, fmt.Errorf("%s: %w", q, ErrNotFound)
	}
	if d.only == "" && hiddenPath(q) {
		return "", nil, fmt.Errorf("%s: %w", q, ErrNotFound)
	}
	full := filepath.Join(d.root, filepath.FromSlash(q))
	real, err := filepath.EvalSymlinks(full)
	if err != nil {
		if _, serr := os.Stat(full); isLoop(serr) || strings.Contains(err.Error(), "too many links") {
			return "", nil, fmt.Errorf("%s: %w", q, ErrSymlinkLoop)
		}
		return "", nil, fsError(q, err)
	}
	if !within(d.allow, real) {
		return "", nil, fmt.Errorf("%s: symlink target outside the repository: %w", q, ErrUnsafePath)
	}
	fi, err := os.Stat(real)
	if err != nil {
		return "", nil, fsError(q, err)
	}
	if fi.IsDir() {
		return "", nil, fmt.Errorf("%s: is a directory: %w", q, ErrNotFound)
	}
	if !fi.Mode().IsRegular() {
		return "", nil, fmt.Errorf("%s: not a regular file", q)
	}
	return real, fi, nil
}

// open opens the real path real through an os.Root at its directory, which
// must lie inside the allowed one, so a symlink swapped in after resolve
// cannot escape. The Root is kept for the next file of that directory
// until Release (at most maxRoots of them).
func (d *Dir) open(p, real string) (*os.File, error) {
	dir := filepath.Dir(real)
	if !within(d.allow, dir) {
		return nil, fmt.Errorf("%s: %w", p, ErrUnsafePath)
	}
	d.mu.Lock()
	r, kept := d.roots[dir]
	d.mu.Unlock()
	if !kept {
		var err error
		if r, err = os.OpenRoot(dir); err != nil {
			return nil, fsError(p, err)
		}
		d.mu.Lock()
		if other, ok := d.roots[dir]; ok {
			r.Close() // opened meanwhile by another read
			r, kept = other, true
		} else if len(d.roots) < maxRoots {
			if d.roots == nil {
				d.roots = map[string]*os.Root{}
			}
			d.roots[dir], kept = r, true
		}
		d.mu.Unlock()
		if !kept {
			defer r.Close()
		}
	}
	// O_NONBLOCK: a regular file reads as without it, and os does not
	// then set and clear the flag (four fcntl calls a file); a file swapped
	// for a FIFO since it was checked does not block the open.
	f, err := r.OpenFile(filepath.Base(real), os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fsError(p, err)
	}
	return f, nil
}

// Open returns the file at p, reading at most limit bytes (limit <= 0: the
// whole file).
func (d *Dir) Open(ctx context.Context, p string, limit int64) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	real, err := d.realFile(p)
	if err != nil {
		return nil, err
	}
	f, err := d.open(p, real)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		return f, nil
	}
	return limitedReadCloser(f, limit), nil
}

// ReadRange reads n bytes at off with ReadAt; fewer at the end of the file,
// none past it.
func (d *Dir) ReadRange(ctx context.Context, p string, off, n int64) ([]byte, error) {
	if err := checkRange(p, off, n); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	real, err := d.realFile(p)
	if err != nil {
		return nil, err
	}
	f, err := d.open(p, real)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fsError(p, err)
	}
	if off >= fi.Size() {
		return []byte{}, nil
	}
	n = min(n, fi.Size()-off)
	buf := make([]byte, n)
	k, err := f.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fsError(p, err)
	}
	return buf[:k], nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

func limitedReadCloser(rc io.ReadCloser, limit int64) io.ReadCloser {
	return readCloser{io.LimitReader(rc, limit), rc}
}

// realPath returns the absolute path of p with every symlink resolved.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", fmt.Errorf("%s: %w", p, err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return "", fsError(p, err)
	}
	return real, nil
}

// within reports whether the real path p is dir or inside it.
func within(dir, p string) bool {
	if p == dir {
		return true
	}
	if !strings.HasSuffix(dir, string(filepath.Separator)) {
		dir += string(filepath.Separator)
	}
	return strings.HasPrefix(p, dir)
}

func isLoop(err error) bool {
	return err != nil && errors.Is(err, syscall.ELOOP)
}

// fsError wraps a file system error with name, mapping "does not exist" to
// ErrNotFound.
func fsError(name string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%s: %w", name, ErrNotFound)
	}
	if isLoop(err) {
		return fmt.Errorf("%s: %w", name, ErrSymlinkLoop)
	}
	return fmt.Errorf("%s: %s", name, errText(err))
}

// errText is the message of err without the path os errors repeat.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
