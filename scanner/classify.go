package scanner

import (
	"path"
	"strings"

	"github.com/carveout/carveout/internal/lazy"
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

// textLicensePrefixes: a text file (textExts) whose upper-cased base name
// starts with one of these is license-bearing too (EULA.md,
// AGREEMENT.txt, TERMS_AND_CONDITIONS.html, PATENTS).
var textLicensePrefixes = []string{"EULA", "AGREEMENT", "TERMS", "PATENTS", "COPYRIGHT", "LEGAL", "USAGE_POLICY", "USAGE-POLICY", "RESPONSIBLE_USE", "RESPONSIBLE-USE", "RAIL"}

// textExts are the extensions of files that may hold a license text.
var textExts = map[string]bool{"": true, ".md": true, ".txt": true, ".markdown": true, ".rst": true, ".html": true, ".htm": true, ".pdf": true, ".rtf": true}

// licenseDirs: text files anywhere under a folder with one of these names
// (upper-cased), or with LICENSE/LICENCE in its name, are license-bearing
// (REUSE's LICENSES/, a LICENSE/ folder of texts, legal/, model_licenses/).
var licenseDirs = map[string]bool{"LEGAL": true, "TERMS": true, "EULA": true, "POLICIES": true, "POLICY": true}

// splitGGUF matches the parts of a GGUF file cut with split(1):
// model.gguf.part1of2, model.gguf.part2of2.
var splitGGUF = lazy.Regexp(`(?i)\.gguf\.part(\d+)of\d+$`)

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
	if m := splitGGUF().FindStringSubmatch(base); m != nil {
		if strings.TrimLeft(m[1], "0") == "1" {
			return KindWeights, "gguf" // the first part holds the header
		}
		return KindWeights, "gguf-part"
	}
	for _, pre := range licenseNamePrefixes {
		if strings.HasPrefix(upper, pre) {
			return KindLicense, ""
		}
	}
	if !textExts[ext] {
		return "", ""
	}
	for _, pre := range textLicensePrefixes {
		if strings.HasPrefix(upper, pre) {
			return KindLicense, ""
		}
	}
	if strings.Contains(upper, "LICENSE") || strings.Contains(upper, "LICENCE") {
		return KindLicense, ""
	}
	// Texts in a license folder, at any depth.
	dirs := strings.Split(strings.ToUpper(path.Dir(p)), "/")
	for _, dir := range dirs {
		if licenseDirs[dir] || strings.Contains(dir, "LICENSE") || strings.Contains(dir, "LICENCE") {
			return KindLicense, ""
		}
	}
	return "", ""
}

// depth is the number of folders above p.
func depth(p string) int { return strings.Count(p, "/") }
