package source

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/carveout/carveout/internal/lazy"
)

// The defaults Ollama fills into a short model name.
const (
	OllamaDefaultRegistry  = "registry.ollama.ai"
	OllamaDefaultNamespace = "library"
	OllamaDefaultTag       = "latest"
)

// Media types of the Ollama manifest layers carveout reads.
const (
	ollamaLicenseType   = "application/vnd.ollama.image.license"
	ollamaModelType     = "application/vnd.ollama.image.model"
	ollamaProjectorType = "application/vnd.ollama.image.projector"
	ollamaAdapterType   = "application/vnd.ollama.image.adapter"
)

// Bounds of what is read from an Ollama store: a manifest, and a license
// blob (read whole to check its digest).
const (
	maxOllamaManifest = 1 << 20
	maxOllamaLicense  = 16 << 20
	// maxOllamaManifests bounds the manifests of a store walked by
	// NewOllamaStore.
	maxOllamaManifests = 100000
)

// DefaultOllamaDir returns the Ollama model store the way Ollama finds it:
// $OLLAMA_MODELS, else ~/.ollama/models (home from $HOME, or $USERPROFILE).
// It returns "" when none is known.
func DefaultOllamaDir(getenv func(string) string) string {
	if v := getenv("OLLAMA_MODELS"); v != "" {
		return v
	}
	return underHome(getenv, ".ollama", "models")
}

// OllamaName is a model name as Ollama resolves it.
type OllamaName struct {
	Registry, Namespace, Model, Tag string
}

var ollamaPart = lazy.Regexp(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
var ollamaHost = lazy.Regexp(`^[A-Za-z0-9][A-Za-z0-9.-]*(:[0-9]+)?$`)

// ParseOllamaName parses NAME[:TAG] as Ollama does: [REGISTRY/][NAMESPACE/]MODEL[:TAG],
// with registry.ollama.ai, library and latest filled in.
func ParseOllamaName(s string) (OllamaName, error) {
	n := OllamaName{Registry: OllamaDefaultRegistry, Namespace: OllamaDefaultNamespace, Tag: OllamaDefaultTag}
	rest := s
	if i := strings.LastIndex(rest, ":"); i > strings.LastIndex(rest, "/") {
		n.Tag = rest[i+1:]
		rest = rest[:i]
	}
	parts := strings.Split(rest, "/")
	switch len(parts) {
	case 1:
		n.Model = parts[0]
	case 2:
		n.Namespace, n.Model = parts[0], parts[1]
	case 3:
		n.Registry, n.Namespace, n.Model = parts[0], parts[1], parts[2]
	default:
		return n, fmt.Errorf("invalid Ollama model name %q: want [REGISTRY/][NAMESPACE/]MODEL[:TAG]", s)
	}
	if !ollamaHost().MatchString(n.Registry) || !ollamaPart().MatchString(n.Namespace) || !ollamaPart().MatchString(n.Model) || !ollamaPart().MatchString(n.Tag) || strings.Contains(s, "..") {
		return n, fmt.Errorf("invalid Ollama model name %q: want [REGISTRY/][NAMESPACE/]MODEL[:TAG]", s)
	}
	return n, nil
}

// String is the shortest name Ollama resolves to n (what `ollama list`
// shows).
func (n OllamaName) String() string {
	s := n.Model + ":" + n.Tag
	if n.Registry != OllamaDefaultRegistry {
		return n.Registry + "/" + n.Namespace + "/" + s
	}
	if n.Namespace != OllamaDefaultNamespace {
		return n.Namespace + "/" + s
	}
	return s
}

// manifestPath is the manifest file of n under the store dir.
func (n OllamaName) manifestPath(dir string) string {
	return filepath.Join(dir, "manifests", n.Registry, n.Namespace, n.Model, n.Tag)
}

// ollamaManifest is the part of an Ollama manifest carveout reads.
type ollamaManifest struct {
	SchemaVersion int           `json:"schemaVersion"`
	Config        ollamaLayer   `json:"config"`
	Layers        []ollamaLayer `json:"layers"`
}

type ollamaLayer struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
	Size      int64  `json:"size"`
}

var sha256Digest = lazy.Regexp(`^sha256:[0-9a-f]{64}$`)

// Ollama is one model of a local Ollama store, presented as a repository:
// its license layers are LICENSE (LICENSE-1, LICENSE-2... when there are
// several), its model layer model.gguf (projector.gguf, adapter.gguf for
// those layers). Create it with NewOllama or NewOllamaStore.
type Ollama struct {
	target   string
	manifest string // the manifest file, as shown in messages
	blobs    string // the blobs folder
	md       Metadata
	layers   []ollamaFile

	once     sync.Once
	files    []File
	problems []Problem
	byPath   map[string]*ollamaFile
}

// ollamaFile is a layer under the name it is presented as.
type ollamaFile struct {
	path  string
	layer ollamaLayer
	text  []byte // license layers: the verified content
	blob  string // the blob file
}

// NewOllama returns model name (NAME[:TAG], see ParseOllamaName) of the
// Ollama store at dir. A model that is not pulled is ErrNotFound, with the
// tags of that model that are.
func NewOllama(dir, name string) (Source, error) {
	n, err := ParseOllamaName(name)
	if err != nil {
		return nil, err
	}
	mp := n.manifestPath(dir)
	if _, err := os.Stat(mp); errors.Is(err, fs.ErrNotExist) {
		msg := fmt.Sprintf("ollama:%s: not in the Ollama store %s (no manifest %s)", n, dir, mp)
		if tags := ollamaTags(filepath.Dir(mp)); len(tags) > 0 {
			msg += "; pulled tags: " + strings.Join(tags, ", ")
		}
		return nil, fmt.Errorf("%s: %w", msg, ErrNotFound)
	}
	return openOllama(dir, n, mp)
}

func ollamaTags(dir string) []string {
	es, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range es {
		if e.Type().IsRegular() && len(out) < 20 {
			out = append(out, e.Name())
		}
	}
	return out
}

// NewOllamaStore returns one Source per model manifest of the Ollama store
// at dir (manifests/<registry>/<namespace>/<model>/<tag>), sorted by
// target. A manifest that cannot be read is a Source whose every call fails
// with the reason, so the scan reports it and never passes it. A missing
// store is ErrNotFound; an empty one is no sources and no error.
func NewOllamaStore(dir string) ([]Source, error) {
	root := filepath.Join(dir, "manifests")
	if _, err := os.Stat(dir); err != nil {
		return nil, fsError(dir, err)
	}
	var out []Source
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll // nothing pulled yet
			}
			out = append(out, &unreadable{target: "ollama:" + p, err: fsError(p, err)})
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if d.IsDir() {
			if len(parts) > 4 {
				return fs.SkipDir
			}
			return nil
		}
		if len(parts) != 4 || strings.HasPrefix(parts[3], ".") {
			return nil
		}
		if len(out) >= maxOllamaManifests {
			return fmt.Errorf("%s: more than %d manifests; carveout stops there", root, maxOllamaManifests)
		}
		n := OllamaName{Registry: parts[0], Namespace: parts[1], Model: parts[2], Tag: parts[3]}
		if o, err := openOllama(dir, n, p); err != nil {
			out = append(out, &unreadable{target: "ollama:" + n.String(), err: err})
		} else {
			out = append(out, o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Target() < out[j].Target() })
	return out, nil
}

func openOllama(dir string, n OllamaName, mp string) (*Ollama, error) {
	target := "ollama:" + n.String()
	fi, err := os.Lstat(mp)
	if err != nil {
		return nil, fmt.Errorf("%s: manifest %w", target, fsError(mp, err))
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: manifest %s is not a regular file", target, mp)
	}
	f, err := os.Open(mp)
	if err != nil {
		return nil, fmt.Errorf("%s: manifest %w", target, fsError(mp, err))
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxOllamaManifest+1))
	if err != nil {
		return nil, fmt.Errorf("%s: manifest %s: %v", target, mp, err)
	}
	if len(b) > maxOllamaManifest {
		return nil, fmt.Errorf("%s: manifest %s is larger than %d bytes; not an Ollama manifest", target, mp, maxOllamaManifest)
	}
	var m ollamaManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: manifest %s: invalid JSON: %v", target, mp, err)
	}
	if m.SchemaVersion != 2 {
		return nil, fmt.Errorf("%s: manifest %s: schemaVersion %d, want 2", target, mp, m.SchemaVersion)
	}
	sum := sha256.Sum256(b)
	o := &Ollama{
		target:   target,
		manifest: mp,
		blobs:    filepath.Join(dir, "blobs"),
		md:       Metadata{ID: n.Registry + "/" + n.Namespace + "/" + n.Model + ":" + n.Tag, Revision: "sha256:" + hex.EncodeToString(sum[:])},
	}
	if n.Registry == OllamaDefaultRegistry {
		page := "https://ollama.com/" + n.Model
		if n.Namespace != OllamaDefaultNamespace {
			page = "https://ollama.com/" + n.Namespace + "/" + n.Model
		}
		o.md.URL = page
	}
	var licenses []ollamaLayer
	count := map[string]int{}
	for _, l := range m.Layers {
		switch l.MediaType {
		case ollamaLicenseType:
			licenses = append(licenses, l)
		case ollamaModelType, ollamaProjectorType, ollamaAdapterType:
			base := strings.TrimPrefix(l.MediaType, "application/vnd.ollama.image.")
			count[base]++
			name := base + ".gguf"
			if count[base] > 1 {
				name = fmt.Sprintf("%s-%d.gguf", base, count[base])
			}
			o.layers = append(o.layers, ollamaFile{path: name, layer: l})
		}
	}
	for i, l := range licenses {
		o.layers = append(o.layers, ollamaFile{path: licenseLayerName(i, len(licenses)), layer: l})
	}
	return o, nil
}

// Target returns "ollama:NAME:TAG" in the shortest form Ollama resolves.
func (o *Ollama) Target() string { return o.target }

// Metadata has the model's full name as ID and the manifest's digest as
// Revision.
func (o *Ollama) Metadata(context.Context) (*Metadata, error) {
	md := copyMetadata(&o.md)
	return &md, nil
}

// List returns the layers that could be read; see ListWithProblems.
func (o *Ollama) List(ctx context.Context) ([]File, error) {
	files, _, err := o.ListWithProblems(ctx)
	return files, err
}

// ListWithProblems checks every layer the manifest names: a blob that is
// missing, not a regular file, or whose size differs from the manifest's is
// a Problem; license blobs are read whole (bounded) and a digest mismatch is
// a Problem too. The files with problems are left out of the listing.
func (o *Ollama) ListWithProblems(ctx context.Context) ([]File, []Problem, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	o.once.Do(o.check)
	return append([]File(nil), o.files...), append([]Problem(nil), o.problems...), nil
}

func (o *Ollama) check() {
	o.files = []File{}
	o.byPath = map[string]*ollamaFile{}
	for i := range o.layers {
		f := &o.layers[i]
		if msg, sentinel := o.checkLayer(f); msg != "" {
			o.problems = append(o.problems, Problem{Path: f.path, Message: msg, Err: sentinel})
			continue
		}
		o.byPath[f.path] = f
		o.files = append(o.files, File{Path: f.path, Size: f.layer.Size})
	}
	sort.Slice(o.files, func(i, j int) bool { return o.files[i].Path < o.files[j].Path })
	sort.Slice(o.problems, func(i, j int) bool { return o.problems[i].Path < o.problems[j].Path })
}

// checkLayer returns what is wrong with the layer's blob ("" when
// nothing) and the sentinel it matches (ErrNotFound for a missing blob).
func (o *Ollama) checkLayer(f *ollamaFile) (string, error) {
	l := f.layer
	if !sha256Digest().MatchString(l.Digest) {
		return fmt.Sprintf("manifest %s names a %s layer with digest %q, not sha256:<64 hex digits>", o.manifest, l.MediaType, l.Digest), nil
	}
	f.blob = filepath.Join(o.blobs, "sha256-"+strings.TrimPrefix(l.Digest, "sha256:"))
	fi, err := os.Lstat(f.blob)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Sprintf("manifest %s names blob %s, which is missing (%s)", o.manifest, l.Digest, f.blob), ErrNotFound
	}
	if err != nil {
		return fmt.Sprintf("manifest %s names blob %s, which cannot be read: %v", o.manifest, l.Digest, err), nil
	}
	if !fi.Mode().IsRegular() {
		return fmt.Sprintf("blob %s of manifest %s is not a regular file", f.blob, o.manifest), nil
	}
	if fi.Size() != l.Size {
		return fmt.Sprintf("blob %s has %d bytes, manifest %s says %d: the blob is damaged or not the one the manifest names", f.blob, fi.Size(), o.manifest, l.Size), nil
	}
	if l.MediaType != ollamaLicenseType {
		return "", nil // weights: the size is checked, hashing gigabytes is not
	}
	if l.Size > maxOllamaLicense {
		return fmt.Sprintf("license blob %s of manifest %s has %d bytes, more than the %d carveout reads", f.blob, o.manifest, l.Size, maxOllamaLicense), nil
	}
	b, err := readFileBounded(f.blob, maxOllamaLicense)
	if err != nil {
		return fmt.Sprintf("license blob %s of manifest %s cannot be read: %v", f.blob, o.manifest, err), nil
	}
	sum := sha256.Sum256(b)
	if "sha256:"+hex.EncodeToString(sum[:]) != l.Digest {
		return fmt.Sprintf("license blob %s does not match its digest %s in manifest %s: the blob is damaged or was replaced", f.blob, l.Digest, o.manifest), nil
	}
	f.text = b
	return "", nil
}

func readFileBounded(name string, limit int64) ([]byte, error) {
	fh, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return b, nil
}

func (o *Ollama) lookup(p string) (*ollamaFile, string, error) {
	q, err := CleanPath(p)
	if err != nil {
		return nil, "", err
	}
	o.once.Do(o.check)
	f, ok := o.byPath[q]
	if !ok {
		return nil, q, fmt.Errorf("%s: %s: %w", o.target, q, ErrNotFound)
	}
	return f, q, nil
}

// Open returns at most limit bytes of a layer (limit <= 0: all of it).
func (o *Ollama) Open(ctx context.Context, p string, limit int64) (io.ReadCloser, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, _, err := o.lookup(p)
	if err != nil {
		return nil, err
	}
	if f.text != nil {
		b := f.text
		if limit > 0 && int64(len(b)) > limit {
			b = b[:limit]
		}
		return io.NopCloser(bytes.NewReader(b)), nil
	}
	fh, err := os.Open(f.blob)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: blob %w", o.target, f.path, fsError(f.blob, err))
	}
	if limit <= 0 {
		return fh, nil
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(fh, limit), fh}, nil
}

// ReadRange returns n bytes at off of a layer (fewer at the end).
func (o *Ollama) ReadRange(ctx context.Context, p string, off, n int64) ([]byte, error) {
	if _, err := CleanPath(p); err != nil {
		return nil, err
	}
	if err := checkRange(p, off, n); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	f, _, err := o.lookup(p)
	if err != nil {
		return nil, err
	}
	size := f.layer.Size
	if off >= size || n == 0 {
		return []byte{}, nil
	}
	n = min(n, size-off)
	if f.text != nil {
		return bytes.Clone(f.text[off : off+n]), nil
	}
	fh, err := os.Open(f.blob)
	if err != nil {
		return nil, fmt.Errorf("%s: %s: blob %w", o.target, f.path, fsError(f.blob, err))
	}
	defer fh.Close()
	b := make([]byte, n)
	m, err := fh.ReadAt(b, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %s: read blob %s: %v", o.target, f.path, f.blob, err)
	}
	return b[:m], nil
}
