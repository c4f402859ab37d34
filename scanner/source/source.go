// Package source abstracts where a model repository lives: a local folder,
// the local Hugging Face cache, the Hugging Face Hub, GitHub, or memory (for
// tests). Every scan target is read through the Source interface.
package source

import (
	"context"
	"errors"
	"io"
)

// File is one file of a repository.
type File struct {
	// Path is slash-separated and relative to the repository root.
	Path string
	// Size in bytes; -1 when unknown.
	Size int64
	// LFS is true when the hosting service says the file is stored in Git LFS.
	LFS bool
}

// Metadata is what a hosting service says about a repository beside its
// files. Every field is optional.
type Metadata struct {
	// ID is the repository id (org/name) on the service.
	ID string
	// Revision is the resolved commit sha the files were read at.
	Revision string
	// Service is "hf" or "github"; empty for local sources.
	Service string
	// URL of the repository's page.
	URL string
	// License as the service reports it (Hub cardData license, GitHub
	// license API SPDX id). Recorded as the service's opinion.
	License []string
	// LicenseName and LicenseLink from Hub cardData.
	LicenseName string
	LicenseLink string
	// LicensePath is the file GitHub's license detection picked.
	LicensePath string
	// Gated is the Hub's gating mode ("", "auto", "manual").
	Gated string
	Tags  []string
	// BaseModels are the base models the service reports (Hub baseModels).
	BaseModels []BaseModel
}

// BaseModel is a parent of a model with the relation to it.
type BaseModel struct {
	ID       string
	Relation string // finetune, adapter, quantized, merge, or ""
}

// Source is a model repository to scan.
type Source interface {
	// Target is the scan target as the user wrote it (path, hf:org/name...).
	Target() string
	// List returns every file of the repository, sorted by path.
	List(ctx context.Context) ([]File, error)
	// Open returns at most limit bytes of the file at path (limit <= 0 means
	// the whole file). Implementations must not read more than they return.
	Open(ctx context.Context, path string, limit int64) (io.ReadCloser, error)
	// ReadRange returns n bytes at offset off of the file at path (fewer at
	// the end of the file). Remote sources use HTTP Range requests.
	ReadRange(ctx context.Context, path string, off, n int64) ([]byte, error)
	// Metadata returns what the hosting service says; local sources return
	// an empty Metadata and no error.
	Metadata(ctx context.Context) (*Metadata, error)
}

// Errors a Source returns, wrapped with the path or URL and the problem.
var (
	ErrNotFound     = errors.New("not found")
	ErrUnauthorized = errors.New("unauthorized")
	ErrGated        = errors.New("gated repository")
	ErrRateLimited  = errors.New("rate limited")
	ErrOffline      = errors.New("offline mode")
	ErrUnsafePath   = errors.New("path escapes the repository")
)
