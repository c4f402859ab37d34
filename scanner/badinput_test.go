package scanner

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/carveout/carveout/scanner/source"
)

func scanMem(t *testing.T, files map[string]string) *Report {
	t.Helper()
	m := map[string][]byte{}
	for k, v := range files {
		m[k] = []byte(v)
	}
	r, err := Scan(context.Background(), source.NewMemory("mem", m, nil), Options{Lineage: TableResolver{}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func findingRules(r *Report) map[string]Severity {
	out := map[string]Severity{}
	for _, f := range r.Findings {
		out[f.Rule] = f.Severity
	}
	return out
}

func licenseIDs(r *Report) []string {
	var ids []string
	for _, l := range r.Licenses {
		ids = append(ids, l.ID)
	}
	return ids
}

func TestFindings(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		want  []string // rules that must be there
		not   []string // rules that must not
		ids   []string // license ids that must be there
	}{
		{
			name:  "consistent reference",
			files: map[string]string{"README.md": "---\nlicense: mit\n---\n", "LICENSE": "Released under the MIT License.\n"},
			not:   []string{"declared-license-mismatch", "no-license-declared", "no-license-file"},
			ids:   []string{"MIT"},
		},
		{
			name:  "lfs pointer card",
			files: map[string]string{"README.md": "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"},
			want:  []string{"model-card-lfs-pointer", "no-license-declared"},
		},
		{
			name:  "lfs pointer license",
			files: map[string]string{"README.md": "---\nlicense: mit\n---\n", "LICENSE": "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n"},
			want:  []string{"lfs-pointer"},
		},
		{
			name:  "unterminated front matter",
			files: map[string]string{"README.md": "---\nlicense: mit\n# Title\n\nbody\n"},
			want:  []string{"malformed-model-card"},
		},
		{
			name:  "other without name",
			files: map[string]string{"README.md": "---\nlicense: other\n---\n"},
			want:  []string{"unidentified-declared-license", "no-license-file"},
		},
		{
			name:  "other without name or text is unknown",
			files: map[string]string{"README.md": "---\nlicense: other\n---\n"},
			ids:   []string{"unknown"},
		},
		{
			name:  "license link missing",
			files: map[string]string{"README.md": "---\nlicense: other\nlicense_name: llama3\nlicense_link: LICENSE\n---\n"},
			want:  []string{"license-link-missing"},
			ids:   []string{"llama3"},
		},
		{
			name:  "declared llama, reference to another version",
			files: map[string]string{"README.md": "---\nlicense: llama3\n---\n", "LICENSE": "This model is distributed under the Llama 3.1 Community License.\n"},
			want:  []string{"declared-license-mismatch"},
		},
		{
			name:  "eu disallowed",
			files: map[string]string{"README.md": "---\nlicense: llama3.2\nextra_gated_eu_disallowed: true\n---\n"},
			want:  []string{"gated-eu-disallowed"},
			ids:   []string{"llama3.2", "llama3.2-aup"},
		},
		{
			name:  "notice file with attributions only",
			files: map[string]string{"README.md": "---\nlicense: mit\n---\n", "LICENSE": "MIT License\n", "NOTICE": "This product includes software developed by Example Labs (https://example.com/).\n"},
			not:   []string{"unknown-license-text"},
			ids:   []string{"MIT"},
		},
		{
			// Every restricting kind makes a NOTICE file a license of its
			// own (terms.Restricts), the remote kill switch included.
			name:  "notice file with a user cap",
			files: map[string]string{"README.md": "---\nlicense: mit\n---\n", "LICENSE": "MIT License\n", "NOTICE": "Example Labs model weights.\nIf your service has more than 5 million monthly active users you must obtain a separate license from Example Labs.\n"},
			want:  []string{"unknown-license-text"},
		},
		{
			name:  "notice file with a remote kill switch",
			files: map[string]string{"README.md": "---\nlicense: mit\n---\n", "LICENSE": "MIT License\n", "NOTICE": "Example Labs model weights.\nExample Labs may remotely disable the model if it believes these terms are breached.\n"},
			want:  []string{"unknown-license-text"},
		},
		{
			name:  "empty license file",
			files: map[string]string{"README.md": "---\nlicense: mit\n---\n", "LICENSE": "  \n"},
			want:  []string{"empty-license-file"},
		},
		{
			name:  "broken config",
			files: map[string]string{"README.md": "---\nlicense: mit\n---\n", "LICENSE": "MIT License\n", "config.json": "{\"model_type\": "},
			want:  []string{"malformed-config"},
		},
		{
			name:  "apache fine-tune of gemma via adapter",
			files: map[string]string{"README.md": "---\nlicense: apache-2.0\n---\n", "LICENSE": "Apache License 2.0\n", "adapter_config.json": `{"base_model_name_or_path": "google/gemma-2-9b-it", "peft_type": "LORA"}`},
			want:  []string{"base-license-conflict"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := scanMem(t, tc.files)
			got := findingRules(r)
			for _, w := range tc.want {
				if _, ok := got[w]; !ok {
					t.Errorf("missing finding %s; got %v", w, got)
				}
			}
			for _, n := range tc.not {
				if _, ok := got[n]; ok {
					t.Errorf("unexpected finding %s", n)
				}
			}
			ids := strings.Join(licenseIDs(r), ",")
			for _, id := range tc.ids {
				if !strings.Contains(","+ids+",", ","+id+",") {
					t.Errorf("license %s not reported; got %s", id, ids)
				}
			}
		})
	}
}

// TestNothingUnreadIsCompliant: a license file that cannot be read is an
// error, and a repository with nothing readable fails.
func TestNothingUnreadIsCompliant(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "README.md"), []byte("---\nlicense: mit\n---\n"), 0o644)
	// A symlink loop and a link escaping the repository.
	os.Symlink("LICENSE", filepath.Join(dir, "LICENSE"))
	os.Symlink("/etc/passwd", filepath.Join(dir, "NOTICE"))
	src, err := source.NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := Scan(context.Background(), src, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := findingRules(r)
	if got["unreadable-file"] != SeverityError {
		t.Fatalf("want an unreadable-file error, got %v", got)
	}
	if r.Summary.Status != "fail" {
		t.Fatalf("status %s, want fail", r.Summary.Status)
	}
	for _, f := range r.Findings {
		if f.Rule == "unreadable-file" && !strings.Contains(f.Message, "LICENSE") && !strings.Contains(f.Message, "NOTICE") {
			t.Errorf("finding does not name the file: %s", f.Message)
		}
	}
}

func TestMissingTarget(t *testing.T) {
	if _, err := source.NewDir(filepath.Join(t.TempDir(), "nope")); err == nil {
		t.Fatal("NewDir of a missing folder succeeded")
	}
}

// TestLargeFileTruncated: a license file above the cap is read up to it
// and says so.
func TestLargeFileTruncated(t *testing.T) {
	big := strings.Repeat("Permission is granted to use this model. ", 2000)
	m := map[string][]byte{"README.md": []byte("---\nlicense: mit\n---\n"), "LICENSE": []byte(big)}
	r, err := Scan(context.Background(), source.NewMemory("mem", m, nil), Options{MaxTextBytes: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := findingRules(r)["file-truncated"]; !ok {
		t.Fatalf("no file-truncated finding: %v", findingRules(r))
	}
}

// TestQARegressions: inputs that once passed while they should not.
func TestQARegressions(t *testing.T) {
	for _, tc := range []struct {
		name  string
		files map[string]string
		rule  string
	}{
		{"nul bytes as license", map[string]string{"README.md": "---\nlicense: apache-2.0\n---\n", "LICENSE": "\x00\x00\x00"}, "empty-license-file"},
		{"declared id nobody knows beside a known one", map[string]string{"README.md": "---\nlicense: [apache-2.0, my-weird-license]\n---\n", "LICENSE": "Released under the Apache License 2.0.\n"}, "unidentified-declared-license"},
		{"card text names a restrictive license", map[string]string{"README.md": "---\nlicense: apache-2.0\n---\nThis model is licensed under the Llama 3.1 Community License.\n", "LICENSE": "Apache License 2.0\n"}, "referenced-license-mismatch"},
		{"license_link URL names a restrictive license", map[string]string{"README.md": "---\nlicense: apache-2.0\nlicense_link: https://example.com/Llama%203.1%20Community%20License\n---\n", "LICENSE": "Apache License 2.0\n"}, "referenced-license-mismatch"},
		{"license in a licenses folder", map[string]string{"README.md": "---\nlicense: apache-2.0\n---\n", "licenses/llama.txt": "Distributed under the Llama 3.1 Community License.\n"}, "declared-license-mismatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := scanMem(t, tc.files)
			if _, ok := findingRules(r)[tc.rule]; !ok {
				t.Errorf("no %s finding: %v", tc.rule, findingRules(r))
			}
			if tc.rule == "unidentified-declared-license" && !r.Summary.Unknown {
				t.Error("an unidentified declared license is not reported as unknown")
			}
		})
	}
}

func TestUTF16License(t *testing.T) {
	text := "Released under the MIT License."
	b := []byte{0xff, 0xfe}
	for _, r := range text {
		b = append(b, byte(r), 0)
	}
	r, err := Scan(context.Background(), source.NewMemory("m", map[string][]byte{"README.md": []byte("---\nlicense: mit\n---\n"), "LICENSE": b}, nil), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Licenses) == 0 || r.Licenses[0].ID != "MIT" || r.Summary.Unknown {
		t.Fatalf("UTF-16 license not read: %+v", licenseIDs(r))
	}
}
