package source

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// NewHFCache returns one Source per model snapshot in the Hugging Face cache
// at dir (models--org--name/snapshots/<sha>/), sorted by model id and
// revision. Snapshot files are relative symlinks into the model's
// ../../blobs/; they are followed as long as they stay inside the model's
// cache folder (models--org--name), anything else is a Problem (see Dir).
// Target is "hf-cache:org/name@sha"; Metadata has ID and Revision.
// Datasets, spaces and partial downloads without a snapshot are skipped; a
// snapshot that cannot be read, or that links out of its model's folder,
// is a Source whose every call fails with the reason, so the scan reports
// it and never passes it.
// A missing dir is ErrNotFound; an empty cache is no sources and no error.
func NewHFCache(dir string) ([]Source, error) {
	realCache, err := realPath(dir)
	if err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(realCache)
	if err != nil {
		return nil, fsError(dir, err)
	}
	var out []Source
	for _, e := range entries {
		name := e.Name()
		plain := e.IsDir() // a real directory, not a symlink to one
		if !strings.HasPrefix(name, "models--") || (!plain && e.Type()&fs.ModeSymlink == 0) {
			continue
		}
		id := cacheRepoID(name)
		if id == "" {
			continue
		}
		repo := filepath.Join(realCache, name)
		snapDir := filepath.Join(repo, "snapshots")
		if fi, err := os.Lstat(snapDir); err != nil || !fi.IsDir() {
			plain = false
		}
		snaps, err := os.ReadDir(snapDir)
		if errors.Is(err, fs.ErrNotExist) {
			continue // no snapshot yet (interrupted download)
		}
		if err != nil {
			// Unreadable: its snapshots may hold license terms.
			out = append(out, &unreadable{target: "hf-cache:" + id, err: fsError(filepath.Join(dir, name, "snapshots"), err)})
			continue
		}
		for _, s := range snaps {
			sha := s.Name()
			if strings.HasPrefix(sha, ".") || (!s.IsDir() && s.Type()&fs.ModeSymlink == 0) {
				continue
			}
			target := "hf-cache:" + id + "@" + sha
			var d *Dir
			if plain && s.IsDir() {
				// Every component is a real directory: no resolving needed.
				d = &Dir{target: target, root: filepath.Join(snapDir, sha), allow: repo}
			} else if d, err = newDir(target, filepath.Join(snapDir, sha), repo); err != nil {
				// A snapshot link pointing out of the model's folder, or
				// one that cannot be read: reported, never skipped.
				out = append(out, &unreadable{target: target, err: err})
				continue
			}
			d.md = Metadata{ID: id, Revision: sha}
			out = append(out, d)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Target() < out[j].Target() })
	return out, nil
}

// cacheRepoID turns a cache folder name (models--org--name, models--name)
// into the repository id, or "" when it is not one.
func cacheRepoID(folder string) string {
	rest := strings.TrimPrefix(folder, "models--")
	if rest == "" {
		return ""
	}
	org, name, ok := strings.Cut(rest, "--")
	if !ok {
		return rest
	}
	if org == "" || name == "" {
		return ""
	}
	return org + "/" + name
}

// DefaultHFCacheDir returns the Hugging Face hub cache folder the way the
// huggingface_hub library finds it: $HF_HUB_CACHE, else the legacy
// $HUGGINGFACE_HUB_CACHE, else $HF_HOME/hub, else
// $XDG_CACHE_HOME/huggingface/hub, else ~/.cache/huggingface/hub (home from
// $HOME, or $USERPROFILE on Windows). It returns "" when none is known.
// getenv is os.Getenv in the CLI and a map lookup in tests.
func DefaultHFCacheDir(getenv func(string) string) string {
	if v := getenv("HF_HUB_CACHE"); v != "" {
		return v
	}
	if v := getenv("HUGGINGFACE_HUB_CACHE"); v != "" {
		return v
	}
	if home := hfHome(getenv); home != "" {
		return filepath.Join(home, "hub")
	}
	return ""
}

// hfHome returns $HF_HOME or its default, "" when unknown.
func hfHome(getenv func(string) string) string {
	if v := getenv("HF_HOME"); v != "" {
		return v
	}
	if v := getenv("XDG_CACHE_HOME"); v != "" {
		return filepath.Join(v, "huggingface")
	}
	return underHome(getenv, ".cache", "huggingface")
}

// unreadable is a target that was found but cannot be read: every call
// fails with err.
type unreadable struct {
	target string
	err    error
}

func (u *unreadable) Target() string                              { return u.target }
func (u *unreadable) List(context.Context) ([]File, error)        { return nil, u.err }
func (u *unreadable) Metadata(context.Context) (*Metadata, error) { return nil, u.err }
func (u *unreadable) Open(context.Context, string, int64) (io.ReadCloser, error) {
	return nil, u.err
}
func (u *unreadable) ReadRange(context.Context, string, int64, int64) ([]byte, error) {
	return nil, u.err
}
