package source_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/carveout/carveout/internal/fakes/fakeollama"
	"github.com/carveout/carveout/scanner"
	"github.com/carveout/carveout/scanner/rules"
	"github.com/carveout/carveout/scanner/source"
	"github.com/carveout/carveout/scanner/source/sourcetest"
)

func ollamaFixture() sourcetest.Fixture {
	return sourcetest.Fixture{
		Files: map[string][]byte{
			"LICENSE-1":  []byte("LLAMA 3.1 COMMUNITY LICENSE AGREEMENT (fixture stand-in)\n"),
			"LICENSE-2":  []byte("Llama 3.1 Acceptable Use Policy (fixture stand-in)\n"),
			"model.gguf": fakeollama.GGUF(sourcetest.BigSize, "general.license", "llama3.1"),
		},
		Big: "model.gguf",
	}
}

func writeOllama(t *testing.T, models ...fakeollama.Pulled) string {
	t.Helper()
	dir := t.TempDir()
	if err := fakeollama.Write(dir, models...); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestConformanceOllama(t *testing.T) {
	fx := ollamaFixture()
	sourcetest.RunConformance(t, func(t *testing.T) source.Source {
		dir := writeOllama(t, fakeollama.Pulled{Name: "llama3.1:8b", Layers: []fakeollama.Layer{
			{MediaType: fakeollama.Model, Data: fx.Files["model.gguf"]},
			{MediaType: fakeollama.Params, Data: []byte(`{"stop":["<|eot_id|>"]}`)},
			{MediaType: fakeollama.License, Data: fx.Files["LICENSE-1"]},
			{MediaType: fakeollama.License, Data: fx.Files["LICENSE-2"]},
		}})
		src, err := source.NewOllama(dir, "llama3.1:8b")
		if err != nil {
			t.Fatal(err)
		}
		return src
	}, fx)
}

func TestParseOllamaName(t *testing.T) {
	for _, tc := range []struct{ in, want, short string }{
		{"mistral", "registry.ollama.ai/library/mistral:latest", "mistral:latest"},
		{"llama3.1:8b", "registry.ollama.ai/library/llama3.1:8b", "llama3.1:8b"},
		{"acme/tiny:q4", "registry.ollama.ai/acme/tiny:q4", "acme/tiny:q4"},
		{"localhost:5000/acme/tiny", "localhost:5000/acme/tiny:latest", "localhost:5000/acme/tiny:latest"},
		{"hf.co/org/repo:Q4_K_M", "hf.co/org/repo:Q4_K_M", "hf.co/org/repo:Q4_K_M"},
		{"registry.ollama.ai/library/phi3:mini", "registry.ollama.ai/library/phi3:mini", "phi3:mini"},
		{"", "", ""},
		{"a/b/c/d", "", ""},
		{"../x", "", ""},
		{"x:", "", ""},
		{"x:..", "", ""},
		{"x y", "", ""},
	} {
		n, err := source.ParseOllamaName(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("ParseOllamaName(%q) = %+v, want an error", tc.in, n)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseOllamaName(%q): %v", tc.in, err)
			continue
		}
		if got := n.Registry + "/" + n.Namespace + "/" + n.Model + ":" + n.Tag; got != tc.want {
			t.Errorf("ParseOllamaName(%q) = %s, want %s", tc.in, got, tc.want)
		}
		if n.String() != tc.short {
			t.Errorf("ParseOllamaName(%q).String() = %s, want %s", tc.in, n.String(), tc.short)
		}
	}
}

func TestOllamaNotFound(t *testing.T) {
	dir := writeOllama(t, fakeollama.Pulled{Name: "mistral:7b", Layers: []fakeollama.Layer{{MediaType: fakeollama.Model, Data: fakeollama.GGUF(0)}}})
	_, err := source.NewOllama(dir, "mistral")
	if !errors.Is(err, source.ErrNotFound) || !strings.Contains(err.Error(), "ollama:mistral:latest") || !strings.Contains(err.Error(), "pulled tags: 7b") {
		t.Errorf("NewOllama(mistral) with only mistral:7b: %v", err)
	}
	if _, err := source.NewOllama(dir, "mistral:7b"); err != nil {
		t.Errorf("NewOllama(mistral:7b): %v", err)
	}
}

func TestOllamaStore(t *testing.T) {
	dir := writeOllama(t,
		fakeollama.Pulled{Name: "mistral:7b", Layers: []fakeollama.Layer{{MediaType: fakeollama.Model, Data: fakeollama.GGUF(0)}}},
		fakeollama.Pulled{Name: "acme/tiny", Layers: []fakeollama.Layer{{MediaType: fakeollama.License, Data: []byte("MIT License\n")}}},
		fakeollama.Pulled{Name: "hf.co/org/repo:Q4", Layers: nil},
	)
	if err := os.WriteFile(dir+"/manifests/registry.ollama.ai/library/mistral/broken", []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	srcs, err := source.NewOllamaStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range srcs {
		got = append(got, s.Target())
	}
	want := "[ollama:acme/tiny:latest ollama:hf.co/org/repo:Q4 ollama:mistral:7b ollama:mistral:broken]"
	if strings.Join(got, " ") != want[1:len(want)-1] {
		t.Errorf("targets %q, want %s", got, want)
	}
	if _, err := srcs[3].List(context.Background()); err == nil || !strings.Contains(err.Error(), "invalid JSON") || !strings.Contains(err.Error(), "manifests/registry.ollama.ai/library/mistral/broken") {
		t.Errorf("broken manifest: List error %v, want one naming the manifest", err)
	}
	if _, err := source.NewOllamaStore(dir + "/nope"); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("missing store: %v", err)
	}
	empty := t.TempDir()
	if srcs, err := source.NewOllamaStore(empty); err != nil || len(srcs) != 0 {
		t.Errorf("empty store: %v, %v", srcs, err)
	}
}

// Every damaged layer is a Problem naming the manifest or blob, and the
// scan of the model fails (never compliant).
func TestOllamaDamaged(t *testing.T) {
	lic := []byte("MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n")
	model := fakeollama.GGUF(100, "general.license", "mit")
	for _, tc := range []struct {
		name   string
		layers []fakeollama.Layer
		damage func(dir string)
		path   string
		msg    string
	}{
		{"missing license blob", []fakeollama.Layer{{MediaType: fakeollama.License, Data: lic, NoBlob: true}, {MediaType: fakeollama.Model, Data: model}}, nil, "LICENSE", "which is missing"},
		{"missing model blob", []fakeollama.Layer{{MediaType: fakeollama.License, Data: lic}, {MediaType: fakeollama.Model, Data: model, NoBlob: true}}, nil, "model.gguf", "which is missing"},
		{"license digest mismatch", []fakeollama.Layer{{MediaType: fakeollama.License, Data: lic}, {MediaType: fakeollama.Model, Data: model}}, func(dir string) {
			b := append([]byte(nil), lic...)
			b[0] = 'X'
			os.WriteFile(fakeollama.BlobPath(dir, lic), b, 0o644)
		}, "LICENSE", "does not match its digest"},
		{"model size mismatch", []fakeollama.Layer{{MediaType: fakeollama.License, Data: lic}, {MediaType: fakeollama.Model, Data: model}}, func(dir string) {
			os.WriteFile(fakeollama.BlobPath(dir, model), model[:50], 0o644)
		}, "model.gguf", "has 50 bytes"},
		{"license blob is a folder", []fakeollama.Layer{{MediaType: fakeollama.License, Data: lic, NoBlob: true}, {MediaType: fakeollama.Model, Data: model}}, func(dir string) {
			os.Mkdir(fakeollama.BlobPath(dir, lic), 0o755)
		}, "LICENSE", "not a regular file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := writeOllama(t, fakeollama.Pulled{Name: "acme/m:1", Layers: tc.layers})
			if tc.damage != nil {
				tc.damage(dir)
			}
			src, err := source.NewOllama(dir, "acme/m:1")
			if err != nil {
				t.Fatal(err)
			}
			files, problems, err := source.ListAll(context.Background(), src)
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) != 1 || problems[0].Path != tc.path || !strings.Contains(problems[0].Message, tc.msg) || !strings.Contains(problems[0].Message, dir) {
				t.Fatalf("problems %v, want one for %s saying %q and naming the store", problems, tc.path, tc.msg)
			}
			for _, f := range files {
				if f.Path == tc.path {
					t.Errorf("%s listed despite its problem", tc.path)
				}
			}
			r, err := scanner.Scan(context.Background(), src, scanner.Options{Lineage: scanner.TableResolver{}})
			if err != nil {
				t.Fatal(err)
			}
			if r.Summary.Status != "fail" || !hasRule(r, rules.UnreadableFile) {
				t.Errorf("status %s, findings %+v: want fail with %s", r.Summary.Status, r.Findings, rules.UnreadableFile)
			}
		})
	}
}

func hasRule(r *scanner.Report, rule string) bool {
	for _, f := range r.Findings {
		if f.Rule == rule {
			return true
		}
	}
	return false
}

// A model without a license layer reports what its GGUF header declares,
// with the no-license-file warning a folder gets.
func TestOllamaNoLicenseLayer(t *testing.T) {
	dir := writeOllama(t, fakeollama.Pulled{Name: "acme/m", Layers: []fakeollama.Layer{{MediaType: fakeollama.Model, Data: fakeollama.GGUF(10, "general.license", "apache-2.0")}}})
	src, err := source.NewOllama(dir, "acme/m")
	if err != nil {
		t.Fatal(err)
	}
	r, err := scanner.Scan(context.Background(), src, scanner.Options{Lineage: scanner.TableResolver{}})
	if err != nil {
		t.Fatal(err)
	}
	if !hasRule(r, rules.NoLicenseFile) {
		t.Errorf("findings %+v: want %s", r.Findings, rules.NoLicenseFile)
	}
	found := false
	for _, f := range r.Files {
		if f.Path == "model.gguf" {
			found = true
		}
	}
	if !found {
		t.Errorf("files %+v: model.gguf not read", r.Files)
	}
	var ids []string
	for _, l := range r.Licenses {
		ids = append(ids, l.ID)
	}
	if !strings.Contains(strings.Join(ids, " "), "Apache-2.0") {
		t.Errorf("licenses %v: want the GGUF header's Apache-2.0", ids)
	}
}
