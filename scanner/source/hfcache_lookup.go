package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// HFCacheSnapshot returns the cached snapshot of model id at revision rev
// (a commit sha, or a branch or tag recorded under refs/; "" is main), as
// huggingface_hub resolves a model offline. Its Target is
// "hf-cache:org/name@sha", so a target a report prints can be scanned
// again. A model or revision not in the cache is ErrNotFound.
func HFCacheSnapshot(dir, id, rev string) (Source, error) {
	if rev == "" {
		rev = "main"
	}
	repo := filepath.Join(dir, "models--"+strings.ReplaceAll(id, "/", "--"))
	sha := rev
	if b, err := os.ReadFile(filepath.Join(repo, "refs", filepath.Base(rev))); err == nil && !strings.ContainsAny(rev, `/\`) {
		sha = strings.TrimSpace(string(b))
	}
	all, err := NewHFCache(dir)
	if err != nil {
		return nil, err
	}
	want := "hf-cache:" + id + "@" + sha
	var ofModel []string
	for _, s := range all {
		switch t := s.Target(); {
		case strings.EqualFold(t, want):
			return s, nil
		case strings.HasPrefix(strings.ToLower(t), strings.ToLower("hf-cache:"+id+"@")):
			ofModel = append(ofModel, strings.TrimPrefix(t, "hf-cache:"+id+"@"))
		}
	}
	if len(ofModel) == 1 && rev == "main" {
		// No refs/main recorded (a snapshot fetched by sha): the only one.
		for _, s := range all {
			if strings.EqualFold(s.Target(), "hf-cache:"+id+"@"+ofModel[0]) {
				return s, nil
			}
		}
	}
	if len(ofModel) > 0 {
		return nil, fmt.Errorf("%w: %s has no cached snapshot at %s in %s (cached: %s)", ErrNotFound, id, rev, dir, strings.Join(ofModel, ", "))
	}
	return nil, fmt.Errorf("%w: %s is not in the Hugging Face cache at %s", ErrNotFound, id, dir)
}
