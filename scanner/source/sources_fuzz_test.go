package source

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Parsers of untrusted bytes: registry challenges, references, Ollama
// names and manifests never panic, and what they accept is well-formed.

func FuzzParseChallenge(f *testing.F) {
	for _, s := range []string{
		`Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:ai/smollm2:pull"`,
		`Basic realm="x"`, `Bearer realm=unquoted,service=s`, `Bearer realm="a,b",scope="x"`, `Bearer`, `Bearer realm="`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		_, params := parseChallenge(h)
		for k := range params {
			if k != strings.ToLower(k) {
				t.Errorf("key %q not lower-cased", k)
			}
		}
	})
}

func FuzzParseRefs(f *testing.F) {
	for _, s := range []string{"docker.io/ai/smollm2:360M", "localhost:5000/a/b@sha256:" + strings.Repeat("a", 64), "llama3.1:8b", "hf.co/org/repo:Q4_K_M", "../x", "a:b:c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if r, err := ParseOCIRef(s); err == nil {
			if r.Repository == "" || (r.Tag == "" && r.Digest == "") || strings.Contains(r.Repository, "..") {
				t.Errorf("ParseOCIRef(%q) = %+v", s, r)
			}
		}
		if n, err := ParseOllamaName(s); err == nil {
			for _, p := range []string{n.Registry, n.Namespace, n.Model, n.Tag} {
				if p == "" || strings.ContainsAny(p, "/\\") || p == "." || p == ".." {
					t.Errorf("ParseOllamaName(%q) = %+v", s, n)
				}
			}
			if m, err := ParseOllamaName(n.String()); err != nil || m != n {
				t.Errorf("ParseOllamaName(%q).String() = %q does not round-trip: %+v %v", s, n.String(), m, err)
			}
		}
	})
}

func FuzzOllamaManifest(f *testing.F) {
	f.Add([]byte(`{"schemaVersion":2,"layers":[{"mediaType":"application/vnd.ollama.image.license","digest":"sha256:` + strings.Repeat("0", 64) + `","size":3}]}`))
	f.Add([]byte(`{"schemaVersion":2,"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"../../etc/passwd","size":-1}]}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		mp := filepath.Join(dir, "manifests", "r", "n", "m", "t")
		if err := os.MkdirAll(filepath.Dir(mp), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(mp, b, 0o644); err != nil {
			t.Fatal(err)
		}
		o, err := openOllama(dir, OllamaName{"r", "n", "m", "t"}, mp)
		if err != nil {
			return
		}
		files, problems, err := o.ListWithProblems(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(files) != 0 {
			t.Errorf("no blob exists, yet %v are listed", files)
		}
		if len(problems) != len(o.layers) {
			t.Errorf("%d layers, %d problems", len(o.layers), len(problems))
		}
	})
}
