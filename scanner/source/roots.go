package source

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// modelMarkers are the files that make a folder a model repository: a
// model card, a config, or weights.
func isModelMarker(name string) bool {
	switch strings.ToLower(name) {
	case "readme.md", "model_card.md", "modelcard.md", "config.json", "adapter_config.json":
		return true
	}
	for _, ext := range []string{".safetensors", ".gguf", ".bin", ".pt", ".onnx"} {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return true
		}
	}
	return false
}

// ModelRoots finds the model repositories inside dir: dir itself when it
// holds a model card, config or weights at its top; otherwise every
// folder below it (up to maxDepth levels, not descending into a model
// once found, nor into hidden folders or symlinks) that does. A folder
// holding several models is then reported model by model instead of as
// one merged repository. No model found returns dir itself.
func ModelRoots(dir string, maxDepth int) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fsError(dir, err)
	}
	if hasMarker(entries) {
		return []string{dir}, nil
	}
	var roots []string
	var walk func(d string, depth int)
	walk = func(d string, depth int) {
		if depth > maxDepth || len(roots) >= maxModelRoots {
			return
		}
		es, err := os.ReadDir(d)
		if err != nil {
			return
		}
		if depth > 0 && hasMarker(es) {
			roots = append(roots, d)
			return
		}
		for _, e := range es {
			if e.IsDir() && !strings.HasPrefix(e.Name(), ".") && e.Type()&os.ModeSymlink == 0 {
				walk(filepath.Join(d, e.Name()), depth+1)
			}
		}
	}
	walk(dir, 0)
	if len(roots) == 0 {
		return []string{dir}, nil
	}
	sort.Strings(roots)
	return roots, nil
}

// maxModelRoots bounds the models one folder target expands to.
const maxModelRoots = 10000

func hasMarker(es []os.DirEntry) bool {
	for _, e := range es {
		if !e.IsDir() && isModelMarker(e.Name()) {
			return true
		}
	}
	return false
}
