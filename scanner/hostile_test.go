package scanner

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/carveout/carveout/scanner/source"
)

// Attacks of issue 11 ("unread or misread restrictions"): each of these
// fixtures hides a restrictive license where carveout used to not look, or
// looked wrongly, and the scan passed. Now each gives an error finding
// (naming the file), or the restrictive license is identified.

// ggufKV is one GGUF key/value for ggufFile: a string or a []string.
type ggufKV struct {
	key string
	val any
}

// ggufFile writes a GGUF v3 little-endian file with no tensors.
func ggufFile(kvs ...ggufKV) []byte {
	var b []byte
	u32 := func(v uint32) { b = binary.LittleEndian.AppendUint32(b, v) }
	u64 := func(v uint64) { b = binary.LittleEndian.AppendUint64(b, v) }
	str := func(s string) { u64(uint64(len(s))); b = append(b, s...) }
	b = append(b, "GGUF"...)
	u32(3)
	u64(0)
	u64(uint64(len(kvs)))
	for _, kv := range kvs {
		str(kv.key)
		switch v := kv.val.(type) {
		case string:
			u32(8)
			str(v)
		case []string:
			u32(9)
			u32(8)
			u64(uint64(len(v)))
			for _, s := range v {
				str(s)
			}
		}
	}
	return b
}

// safetensorsFile writes a safetensors file with header js and no data.
func safetensorsFile(js string) []byte {
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(js)))
	return append(b, js...)
}

func scanBytes(t *testing.T, files map[string][]byte, opts Options) *Report {
	t.Helper()
	if opts.Lineage == nil {
		opts.Lineage = TableResolver{}
	}
	r, err := Scan(context.Background(), source.NewMemory("mem", files, nil), opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// errorNaming returns the error findings whose message names path.
func errorNaming(r *Report, path string) []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Severity == SeverityError && strings.Contains(f.Message, path) {
			out = append(out, f)
		}
	}
	return out
}

func hasLicense(r *Report, id string) bool {
	for _, l := range r.Licenses {
		if strings.EqualFold(l.ID, id) {
			return true
		}
	}
	return false
}

const apacheCard = "---\nlicense: apache-2.0\n---\n# Model\n"

func TestHostileRestrictions(t *testing.T) {
	longText := strings.Repeat("The licensee shall not use the model for any commercial purpose whatsoever. ", 100)
	for _, tc := range []struct {
		name  string
		files map[string][]byte
		opts  Options
		// errorIn: an error finding must name this file; license: this
		// license must be identified; declared: the card declares these.
		errorIn string
		// errorSays: an error finding naming errorIn says this.
		errorSays string
		license   string
		declared  []string
		// maxMessage bounds every finding message's length (0: no check).
		maxMessage int
	}{
		{name: "GGUF general.license array",
			files:   map[string][]byte{"README.md": []byte(apacheCard), "model.gguf": ggufFile(ggufKV{"general.license", []string{"apache-2.0", "cc-by-nc-4.0"}})},
			errorIn: "model.gguf", license: "cc-by-nc-4.0"},
		{name: "safetensors with two __metadata__",
			files:   map[string][]byte{"README.md": []byte(apacheCard), "model.safetensors": safetensorsFile(`{"__metadata__":{"license":"cc-by-nc-4.0"},"__metadata__":{"license":"apache-2.0"}}`)},
			errorIn: "model.safetensors"},
		{name: "License beside license",
			files:   map[string][]byte{"README.md": []byte(apacheCard), "model.safetensors": safetensorsFile(`{"__metadata__":{"license":"apache-2.0","License":"cc-by-nc-4.0"}}`)},
			errorIn: "model.safetensors", license: "cc-by-nc-4.0"},
		{name: "license key outside general.",
			files:   map[string][]byte{"README.md": []byte(apacheCard), "model.gguf": ggufFile(ggufKV{"tokenizer.license", "cc-by-nc-4.0"})},
			errorIn: "model.gguf", license: "cc-by-nc-4.0"},
		{name: "unknown header license",
			files:   map[string][]byte{"README.md": []byte(apacheCard), "model.gguf": ggufFile(ggufKV{"general.license", "acme-private-1.0"})},
			errorIn: "model.gguf"},
		{name: "whole license text in a header",
			files:   map[string][]byte{"README.md": []byte(apacheCard), "model.gguf": ggufFile(ggufKV{"general.license", longText})},
			errorIn: "model.gguf", maxMessage: 1000},
		{name: "license value longer than what is kept",
			files:   map[string][]byte{"README.md": []byte(apacheCard), "model.gguf": ggufFile(ggufKV{"general.license", "apache-2.0 " + strings.Repeat("x", 70<<10)})},
			errorIn: "model.gguf", errorSays: "only its start was read", maxMessage: 1000},
		{name: "split GGUF",
			files:   map[string][]byte{"README.md": []byte(apacheCard), "model.gguf.part1of2": ggufFile(ggufKV{"general.license", "cc-by-nc-4.0"}), "model.gguf.part2of2": []byte("rest")},
			errorIn: "model.gguf.part1of2", license: "cc-by-nc-4.0"},
		{name: "license only through nested merges",
			files:    map[string][]byte{"README.md": []byte("---\na: &a\n  license: cc-by-nc-4.0\nb: &b\n  <<: *a\n<<: *b\n---\n")},
			declared: []string{"cc-by-nc-4.0"}},
		{name: "merge after an explicit license",
			files:    map[string][]byte{"README.md": []byte("---\nbase: &base\n  license: apache-2.0\nlicense: cc-by-nc-4.0\n<<: *base\n---\n")},
			declared: []string{"cc-by-nc-4.0"}},
		{name: "UTF-16 card without BOM",
			files:    map[string][]byte{"README.md": utf16LE("---\nlicense: cc-by-nc-4.0\n---\n# Model\n")},
			declared: []string{"cc-by-nc-4.0"}},
		{name: "duplicate license key, restrictive first",
			files:   map[string][]byte{"README.md": []byte("---\nlicense: cc-by-nc-4.0\nlicense: apache-2.0\n---\n")},
			errorIn: "README.md"},
		{name: "license in a second front matter block",
			files:   map[string][]byte{"README.md": []byte("---\nlicense: apache-2.0\n---\n\n---\nlicense: cc-by-nc-4.0\n---\n")},
			errorIn: "README.md"},
		{name: "max-file-size at the int64 maximum",
			files: map[string][]byte{"README.md": []byte("---\nlicense: cc-by-nc-4.0\n---\n")},
			opts:  Options{MaxTextBytes: math.MaxInt64}, declared: []string{"cc-by-nc-4.0"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := scanBytes(t, tc.files, tc.opts)
			if tc.errorIn != "" && len(errorNaming(r, tc.errorIn)) == 0 {
				t.Errorf("no error finding names %s; findings: %s", tc.errorIn, dumpFindings(r))
			}
			if tc.errorSays != "" {
				said := false
				for _, f := range errorNaming(r, tc.errorIn) {
					said = said || strings.Contains(f.Message, tc.errorSays)
				}
				if !said {
					t.Errorf("no error finding on %s says %q; findings: %s", tc.errorIn, tc.errorSays, dumpFindings(r))
				}
			}
			if tc.license != "" && !hasLicense(r, tc.license) {
				t.Errorf("license %s not identified; licenses %v", tc.license, licenseIDs(r))
			}
			if tc.declared != nil && strings.Join(r.Declared.Licenses, ",") != strings.Join(tc.declared, ",") {
				t.Errorf("declared %q, want %q; findings: %s", r.Declared.Licenses, tc.declared, dumpFindings(r))
			}
			for _, f := range r.Findings {
				if tc.maxMessage > 0 && len(f.Message) > tc.maxMessage {
					t.Errorf("finding %s is %d bytes long: %.120s…", f.Rule, len(f.Message), f.Message)
				}
			}
		})
	}
}

// TestLicenseBearingFiles: files that may hold license terms under names
// carveout used to skip are read; an unidentified text in any of them is
// an error naming it.
func TestLicenseBearingFiles(t *testing.T) {
	custom := "ACME MODEL TERMS\n\nYou may use the model only for non-commercial research. You may not use it if your products have more than 1,000,000 monthly active users. The licensor may revoke this license at any time.\n"
	for _, p := range []string{"EULA.md", "EULA", "AGREEMENT.txt", "TERMS_AND_CONDITIONS.md", "TERMS-OF-SERVICE.txt", "LICENSE/acme.txt", "legal/terms.txt", "docs/legal/en/usage.md", "model-license.html", "PATENTS"} {
		t.Run(p, func(t *testing.T) {
			r := scanBytes(t, map[string][]byte{"README.md": []byte(apacheCard), "LICENSE.txt": []byte("Apache License 2.0, see https://www.apache.org/licenses/LICENSE-2.0\n"), p: []byte(custom)}, Options{})
			if len(errorNaming(r, p)) == 0 {
				t.Errorf("no error finding names %s; findings: %s", p, dumpFindings(r))
			}
		})
	}
	// Cards the Hub does not show still count.
	for _, p := range []string{"MODEL_CARD.md", "gguf/README.md"} {
		t.Run(p, func(t *testing.T) {
			r := scanBytes(t, map[string][]byte{"README.md": []byte(apacheCard), p: []byte("---\nlicense: cc-by-nc-4.0\n---\n# Quantized\n")}, Options{})
			if !hasLicense(r, "cc-by-nc-4.0") {
				t.Errorf("license of %s not identified: %v; findings: %s", p, licenseIDs(r), dumpFindings(r))
			}
			if !hasError(r) {
				t.Errorf("a cc-by-nc-4.0 card beside an apache-2.0 one passes; findings: %s", dumpFindings(r))
			}
		})
	}
}

func hasError(r *Report) bool {
	for _, f := range r.Findings {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}

func dumpFindings(r *Report) string {
	b, _ := json.Marshal(r.Findings)
	return string(b)
}

func utf16LE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = append(b, byte(u), byte(u>>8))
	}
	return b
}

// fanoutResolver gives every model 20 new base models.
type fanoutResolver struct{ calls int }

func (f *fanoutResolver) Resolve(ctx context.Context, id string) (*BaseInfo, error) {
	f.calls++
	bi := &BaseInfo{Licenses: []string{"apache-2.0"}, Source: SourceHub}
	for i := 0; i < 20; i++ {
		bi.BaseModels = append(bi.BaseModels, source.BaseModel{ID: fmt.Sprintf("%s-%d", id, i)})
	}
	return bi, nil
}

// TestLineageBounded: a Hub inventing base models without end, and a card
// listing 100,000 of them, cost a bounded number of lookups and say what
// was not followed.
func TestLineageBounded(t *testing.T) {
	ids := make([]string, 100000)
	for i := range ids {
		ids[i] = fmt.Sprintf("org/base-%d", i)
	}
	for _, card := range []string{
		"---\nlicense: apache-2.0\nbase_model: org/root\n---\n",
		"---\nlicense: apache-2.0\nbase_model: [" + strings.Join(ids, ", ") + "]\n---\n",
	} {
		f := &fanoutResolver{}
		r := scanBytes(t, map[string][]byte{"README.md": []byte(card)}, Options{Lineage: f, LineageDepth: 50})
		if f.calls > maxLineageLookups {
			t.Errorf("%d lookups, want at most %d", f.calls, maxLineageLookups)
		}
		said := false
		for _, fd := range r.Findings {
			said = said || strings.Contains(fd.Message, "not followed")
		}
		if !said {
			t.Errorf("no finding says what was not followed: %s", dumpFindings(r))
		}
	}
}
