package scanner

import (
	"path"
	"strings"
)

// File kinds in the report.
const (
	KindCard    = "model-card"
	KindLicense = "license"
	KindConfig  = "config"
	KindWeights = "weights"
)

// weightExts are the file extensions of model weights, with their format.
var weightExts = map[string]string{
	".safetensors": "safetensors",
	".gguf":        "gguf",
	".ggml":        "ggml",
	".bin":         "pickle-or-binary",
	".pt":          "pickle",
	".pth":         "pickle",
	".ckpt":        "pickle",
	".pkl":         "pickle",
	".onnx":        "onnx",
	".h5":          "hdf5",
	".keras":       "keras",
	".msgpack":     "msgpack",
	".npz":         "numpy",
	".tflite":      "tflite",
	".mlmodel":     "coreml",
	".nemo":        "nemo",
	".llamafile":   "llamafile",
}

// licenseNamePrefixes: a file whose upper-cased base name starts with one
// of these is license-bearing.
var licenseNamePrefixes = []string{"LICENSE", "LICENCE", "COPYING", "NOTICE", "USE_POLICY", "USE-POLICY", "ACCEPTABLE_USE", "ACCEPTABLE-USE", "PROHIBITED_USE", "PROHIBITED-USE", "TERMS_OF_USE", "TERMS-OF-USE", "TERMS.", "MODEL_LICENSE", "MODEL-LICENSE"}

// classify returns the kind of a repository file, or "" for files carveout
// does not read.
func classify(p string) (kind, format string) {
	base := path.Base(p)
	upper := strings.ToUpper(base)
	ext := strings.ToLower(path.Ext(base))
	switch {
	case upper == "README.MD" || upper == "MODEL_CARD.MD" || upper == "MODELCARD.MD":
		return KindCard, ""
	case base == "config.json" || base == "adapter_config.json":
		return KindConfig, ""
	}
	if f, ok := weightExts[ext]; ok {
		return KindWeights, f
	}
	for _, pre := range licenseNamePrefixes {
		if strings.HasPrefix(upper, pre) {
			return KindLicense, ""
		}
	}
	if (ext == ".md" || ext == ".txt" || ext == "") && (strings.Contains(upper, "LICENSE") || strings.Contains(upper, "LICENCE")) {
		return KindLicense, ""
	}
	// Texts in a licenses/ folder (REUSE's LICENSES/, model_licenses/).
	dir := strings.ToUpper(path.Base(path.Dir(p)))
	if (ext == ".md" || ext == ".txt" || ext == "") && (dir == "LICENSES" || dir == "LICENCES" || strings.HasSuffix(dir, "_LICENSES") || strings.HasSuffix(dir, "-LICENSES")) {
		return KindLicense, ""
	}
	return "", ""
}

// depth is the number of folders above p.
func depth(p string) int { return strings.Count(p, "/") }
