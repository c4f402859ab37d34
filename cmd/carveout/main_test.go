package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/carveout/carveout/internal/corpus"
	"github.com/carveout/carveout/internal/fakes/fakegithub"
	"github.com/carveout/carveout/internal/fakes/fakehub"
	"github.com/carveout/carveout/internal/fakes/fakeollama"
	"github.com/carveout/carveout/internal/fakes/fakeregistry"
	"github.com/carveout/carveout/internal/golden"
	"github.com/carveout/carveout/scanner"
	"github.com/carveout/carveout/scanner/source"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"carveout": func() { os.Exit(run()) },
	})
}

// TestScripts runs the end-to-end scripts in testdata/script. Each script
// gets a fake Hugging Face Hub (HF_ENDPOINT) serving the example models,
// $MODELS (the bundled example repositories) and $CORPUS (the reference
// corpus, when ../shared is there: scripts that need it start with
// "[!corpus] skip" and copy files with the 'corpus' command).
func TestScripts(t *testing.T) {
	models, err := filepath.Abs("../../testdata/models")
	if err != nil {
		t.Fatal(err)
	}
	corpusDir, ok := corpus.Path()
	if !ok {
		if corpus.Required() {
			t.Fatalf("reference corpus not found at %s: it is required in CI", corpusDir)
		}
		corpusDir = ""
	}
	testscript.Run(t, testscript.Params{
		Dir:                 "../../testdata/script",
		UpdateScripts:       *golden.Update,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			repos, err := fakeHubRepos(models)
			if err != nil {
				return err
			}
			hub := fakehub.New(repos...)
			env.Defer(hub.Close)
			// hostile.txtar: a Hub that answers, then never finishes.
			hub.Add(fakehub.Repo{ID: "acme/slow", Files: map[string][]byte{"README.md": []byte("---\nlicense: mit\n---\n")}})
			hub.Inject("acme/slow", fakehub.KindInfo, "", fakehub.Fault{SlowBody: time.Minute})
			// datasets.txtar: a model trained on an open and a
			// non-commercial data set, and one the Hub does not have.
			hub.AddDataset("acme/open-data", map[string]any{"license": "cc-by-4.0"})
			hub.AddDataset("acme/nc-data", map[string]any{"license": "cc-by-nc-4.0"})
			hub.Add(fakehub.Repo{ID: "acme/trained", Files: map[string][]byte{"README.md": []byte("---\nlicense: mit\ndatasets:\n- acme/open-data\n- acme/nc-data\n- acme/absent-data\n---\n# Trained\n")}})
			env.Setenv("HF_ENDPOINT", hub.Endpoint())
			env.Setenv("HF_HOME", filepath.Join(env.WorkDir, ".hf"))
			env.Setenv("HF_TOKEN", "")
			gh := fakegithub.New(fakeGitHubRepos(models)...)
			gh.Inject("acme/ratelimited", fakegithub.KindRepo, fakegithub.RateLimited(time.Hour))
			env.Defer(gh.Close)
			env.Setenv("GITHUB_API_URL", strings.TrimSuffix(gh.APIURL(), "/"))
			env.Setenv("GITHUB_TOKEN", "")
			env.Setenv("GH_TOKEN", "")
			env.Setenv("MODELS", models)
			// hfcache.txtar: a cache snapshot at the fake Hub's commit.
			env.Setenv("TINY_APACHE_SHA", fakehub.SHA("acme/tiny-apache"))
			// oci.txtar: a registry with the token challenge ($REGISTRY).
			reg := fakeregistry.New()
			env.Defer(reg.Close)
			lic, err := os.ReadFile(filepath.Join(models, "apache-model", "LICENSE"))
			if err != nil {
				return err
			}
			gguf := fakeollama.GGUF(1<<20, "general.license", "apache-2.0")
			reg.Push("ai/tiny", "1b", true, fakeregistry.Layer{MediaType: fakeregistry.GGUF, Data: gguf}, fakeregistry.Layer{MediaType: fakeregistry.License, Data: lic})
			reg.Push("ai/nolicense", "latest", false, fakeregistry.Layer{MediaType: fakeregistry.GGUF, Data: fakeollama.GGUF(64, "general.license", "cc-by-nc-4.0")})
			reg.Push("ai/tampered", "1", false, fakeregistry.Layer{MediaType: fakeregistry.License, Data: lic, Served: append([]byte("X"), lic[1:]...)})
			reg.RequireAuth("alice", "s3cret")
			env.Setenv("REGISTRY", reg.Host())
			env.Setenv("DOCKER_CONFIG", filepath.Join(env.WorkDir, ".docker"))
			env.Setenv("CARVEOUT_REGISTRY_TOKEN", "")
			env.Setenv("CORPUS", corpusDir)
			env.Setenv("NO_COLOR", "1")
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if cond == "corpus" {
				return corpusDir != "", nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// corpus FILE DEST copies a reference corpus file into the
			// work dir, or skips the script when the corpus is absent.
			"corpus": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: corpus FILE DEST")
				}
				if corpusDir == "" {
					ts.Fatalf("reference corpus ../shared/corpus not present: guard the script with [!corpus] skip")
				}
				b, err := os.ReadFile(filepath.Join(corpusDir, args[0]))
				ts.Check(err)
				dst := ts.MkAbs(args[1])
				ts.Check(os.MkdirAll(filepath.Dir(dst), 0o755))
				ts.Check(os.WriteFile(dst, b, 0o644))
			},
			// ollamapull STORE NAME LAYER... writes a model into a fake
			// Ollama store: license=FILE (a license layer), nolicense=FILE
			// (named by the manifest, blob missing), gguf:KEY=VALUE (a
			// string of the model layer's GGUF header; the layer is there
			// when any is given, or with a bare "gguf").
			"ollamapull": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) < 2 {
					ts.Fatalf("usage: ollamapull STORE NAME [license=FILE|nolicense=FILE|gguf|gguf:KEY=VALUE]...")
				}
				m := fakeollama.Pulled{Name: args[1]}
				var kv []string
				gguf := false
				for _, a := range args[2:] {
					switch k, v, _ := strings.Cut(a, "="); {
					case k == "license" || k == "nolicense":
						b, err := os.ReadFile(ts.MkAbs(v))
						ts.Check(err)
						m.Layers = append(m.Layers, fakeollama.Layer{MediaType: fakeollama.License, Data: b, NoBlob: k == "nolicense"})
					case a == "gguf":
						gguf = true
					case strings.HasPrefix(a, "gguf:"):
						gguf = true
						kv = append(kv, strings.TrimPrefix(k, "gguf:"), v)
					default:
						ts.Fatalf("ollamapull: unknown layer %q", a)
					}
				}
				if gguf {
					m.Layers = append(m.Layers, fakeollama.Layer{MediaType: fakeollama.Model, Data: fakeollama.GGUF(64, kv...)})
				}
				ts.Check(fakeollama.Write(ts.MkAbs(args[0]), m))
			},
			// maxwidth N fails when a line of the last command's stdout is
			// wider than N columns (runes).
			"maxwidth": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 1 {
					ts.Fatalf("usage: maxwidth N")
				}
				n, err := strconv.Atoi(args[0])
				ts.Check(err)
				wide := ""
				for _, l := range strings.Split(ts.ReadFile("stdout"), "\n") {
					if utf8.RuneCountInString(l) > n {
						wide = l
						break
					}
				}
				if wide != "" && !neg {
					ts.Fatalf("line wider than %d: %q", n, wide)
				}
				if wide == "" && neg {
					ts.Fatalf("no line wider than %d", n)
				}
			},
			// copymodel NAME DEST copies a bundled example repository.
			"copymodel": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: copymodel NAME DEST")
				}
				src := filepath.Join(models, args[0])
				dst := ts.MkAbs(args[1])
				ts.Check(filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
					if err != nil {
						return err
					}
					rel, _ := filepath.Rel(src, p)
					if d.IsDir() {
						return os.MkdirAll(filepath.Join(dst, rel), 0o755)
					}
					b, err := os.ReadFile(p)
					if err != nil {
						return err
					}
					return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
				}))
			},
		},
	})
}

// fakeHubRepos serves the bundled example models and a small lineage on
// the fake Hub.
func fakeHubRepos(models string) ([]fakehub.Repo, error) {
	var ferr error
	read := func(name string) map[string][]byte {
		files := map[string][]byte{}
		dir := filepath.Join(models, name)
		err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(dir, p)
			files[filepath.ToSlash(rel)] = b
			return nil
		})
		if err != nil && ferr == nil {
			ferr = fmt.Errorf("fake hub fixture %s: %v", name, err)
		}
		return files
	}
	card := func(front string) []byte { return []byte("---\n" + front + "---\n\n# Model\n") }
	repos := []fakehub.Repo{
		{ID: "acme/superchat-8b", Files: read("llama-finetune-mislabelled"),
			CardData:   map[string]any{"license": "apache-2.0", "base_model": "meta-llama/Llama-3.1-8B-Instruct"},
			BaseModels: &fakehub.BaseModels{Relation: "finetune", IDs: []string{"meta-llama/Llama-3.1-8B-Instruct"}}},
		{ID: "acme/tiny-apache", Files: read("apache-model"), CardData: map[string]any{"license": "apache-2.0"}},
		// A quantization whose card says mit, of a fine-tune that declares
		// nothing, of Llama 3.1: the lineage must catch it.
		{ID: "quants/middle-tune-GGUF", Files: map[string][]byte{"README.md": card("license: mit\nbase_model: acme/middle-tune\nbase_model_relation: quantized\n")},
			CardData:   map[string]any{"license": "mit", "base_model": "acme/middle-tune"},
			BaseModels: &fakehub.BaseModels{Relation: "quantized", IDs: []string{"acme/middle-tune"}}},
		{ID: "acme/middle-tune", Files: map[string][]byte{"README.md": card("base_model: meta-llama/Llama-3.1-8B-Instruct\n")},
			CardData:   map[string]any{"base_model": "meta-llama/Llama-3.1-8B-Instruct"},
			BaseModels: &fakehub.BaseModels{Relation: "finetune", IDs: []string{"meta-llama/Llama-3.1-8B-Instruct"}}},
		{ID: "meta-llama/Llama-3.1-8B-Instruct", Gated: "manual", Files: map[string][]byte{"README.md": card("license: llama3.1\n")},
			CardData: map[string]any{"license": "llama3.1"}},
		{ID: "acme/cycle-a", Files: map[string][]byte{"README.md": card("license: mit\nbase_model: acme/cycle-b\n")},
			CardData: map[string]any{"license": "mit", "base_model": "acme/cycle-b"}, BaseModels: &fakehub.BaseModels{Relation: "finetune", IDs: []string{"acme/cycle-b"}}},
		{ID: "acme/cycle-b", Files: map[string][]byte{"README.md": card("license: mit\nbase_model: acme/cycle-a\n")},
			CardData: map[string]any{"license": "mit", "base_model": "acme/cycle-a"}, BaseModels: &fakehub.BaseModels{Relation: "finetune", IDs: []string{"acme/cycle-a"}}},
	}
	return repos, ferr
}

// TestExitCodeTable checks the one error→exit-code table.
func TestExitCodeTable(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{errPolicyFailed, exitFail},
		{usagef("bad flag"), exitUsage},
		{fmt.Errorf("wrapped: %w", usagef("unknown command %q", "x")), exitUsage},
		{fmt.Errorf("%w x: %w", scanner.ErrTarget, errors.New("404")), exitOperational},
		// Decided by type, never by message text.
		{fmt.Errorf("unknown command %q for %q", "x", "carveout"), exitOperational},
		{fmt.Errorf("some I/O failure"), exitOperational},
	} {
		if got := exitCode(tc.err); got != tc.want {
			t.Errorf("exitCode(%v) = %d, want %d", tc.err, got, tc.want)
		}
	}
}

func TestParseShard(t *testing.T) {
	for _, tc := range []struct {
		in   string
		k, n int
		ok   bool
	}{{"1/1", 1, 1, true}, {"2/8", 2, 8, true}, {"0/8", 0, 0, false}, {"9/8", 0, 0, false}, {"x", 0, 0, false}, {"1/0", 0, 0, false}} {
		k, n, err := parseShard(tc.in)
		if (err == nil) != tc.ok || k != tc.k || n != tc.n {
			t.Errorf("parseShard(%q) = %d, %d, %v", tc.in, k, n, err)
		}
	}
	var ts []target
	for i := 0; i < 10; i++ {
		ts = append(ts, target{spec: fmt.Sprint(i)})
	}
	seen := map[string]int{}
	for k := 1; k <= 3; k++ {
		for _, x := range shardTargets(ts, k, 3) {
			seen[x.spec]++
		}
	}
	if len(seen) != 10 {
		t.Fatalf("shards cover %d of 10 targets", len(seen))
	}
	for s, n := range seen {
		if n != 1 {
			t.Errorf("target %s in %d shards", s, n)
		}
	}
}

// fakeGitHubRepos serves an organization with a few model repositories.
func fakeGitHubRepos(models string) []fakegithub.Repo {
	read := func(name string) map[string][]byte {
		files := map[string][]byte{}
		dir := filepath.Join(models, name)
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err == nil {
				rel, _ := filepath.Rel(dir, p)
				files[filepath.ToSlash(rel)] = b
			}
			return err
		})
		return files
	}
	return []fakegithub.Repo{
		// GitHub's own detection says MIT for a repository whose weights
		// are a Llama 3.1 fine-tune.
		{Owner: "acme", Name: "superchat", Files: read("llama-finetune-mislabelled"), LicenseSPDX: "MIT", LicensePath: "LICENSE.txt"},
		{Owner: "acme", Name: "tiny", Files: read("apache-model"), LicenseSPDX: "Apache-2.0", LicensePath: "LICENSE"},
		{Owner: "acme", Name: "ratelimited", Files: read("apache-model")},
		// Not a model: a website's repository (--github-org skips it).
		{Owner: "acme", Name: "website", Files: map[string][]byte{"README.md": []byte("# Our website\n"), "LICENSE": []byte("MIT License\n"), "index.html": []byte("<html></html>\n")}, LicenseSPDX: "MIT", LicensePath: "LICENSE"},
	}
}

func TestSanitizeMultiLine(t *testing.T) {
	got := sanitize("2 errors:\nprofile.yaml:3: unknown key \"x\"\nhttp://u:secret@h/\x1b[2J\n")
	want := "2 errors:\n  profile.yaml:3: unknown key \"x\"\n  http://***@h/\\x1b[2J"
	if got != want {
		t.Errorf("sanitize = %q, want %q", got, want)
	}
}

// Ctrl-C ends with exit 130 and "interrupted", not a report blaming every
// file with "context canceled".
func TestInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	app := &App{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, HTTPClient: http.DefaultClient, Now: time.Now}
	code := execute(ctx, app, []string{"scan", "--offline", "../../testdata/models/llama-finetune-mislabelled"})
	if code != exitInterrupted {
		t.Errorf("exit %d, want %d", code, exitInterrupted)
	}
	if !strings.Contains(errb.String(), "interrupted") || strings.Contains(errb.String()+out.String(), "canceled") {
		t.Errorf("stderr %q, stdout %q", errb.String(), out.String())
	}
	if out.Len() != 0 {
		t.Errorf("a report was printed after the interrupt: %q", out.String())
	}
}

func TestCanonicalSpec(t *testing.T) {
	for in, want := range map[string]string{
		"hf://meta-llama/Llama-3.1-8B":                                      "hf:meta-llama/Llama-3.1-8B",
		"hf://org/name@main":                                                "hf:org/name@main",
		"https://huggingface.co/org/name":                                   "hf:org/name",
		"https://huggingface.co/org/name/":                                  "hf:org/name",
		"https://huggingface.co/org/name/tree/v1.0":                         "hf:org/name@v1.0",
		"https://huggingface.co/org/name/blob/abc123/README.md":             "hf:org/name@abc123",
		"pkg:huggingface/org/name@0123456789abcdef0123456789abcdef01234567": "hf:org/name@0123456789abcdef0123456789abcdef01234567",
		"pkg:huggingface/org/name":                                          "hf:org/name",
		"hf:org/name":                                                       "hf:org/name",
		"./models/a":                                                        "./models/a",
	} {
		got, err := canonicalSpec(in)
		if err != nil || got != want {
			t.Errorf("canonicalSpec(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"https://huggingface.co/datasets/org/name", "https://huggingface.co/org", "pkg:huggingface/"} {
		if _, err := canonicalSpec(bad); err == nil {
			t.Errorf("canonicalSpec(%q) accepted", bad)
		}
	}
}

// A registry whose credentials a Docker credential helper keeps: the helper
// is run as Docker runs it (get, the registry on stdin), its answer used,
// and a failing or hostile helper gives a note, never a secret in a message.
func TestCredentialHelper(t *testing.T) {
	bin := t.TempDir()
	script := "#!/bin/sh\nread reg\n[ \"$1\" = get ] || exit 2\n[ \"$reg\" = registry.example ] || { echo 'credentials not found' >&2; exit 1; }\necho '{\"ServerURL\":\"registry.example\",\"Username\":\"bob\",\"Secret\":\"s3cr3t\"}'\n"
	if err := os.WriteFile(filepath.Join(bin, "docker-credential-fake"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"credHelpers":{"registry.example":"fake","other.example":"fake","bad.example":"../x"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	run := credentialHelper(context.Background())
	u, p, note, err := source.DockerCredentialsWith(dir, "registry.example", run)
	if err != nil || u != "bob" || p != "s3cr3t" || note != "" {
		t.Errorf("helper credentials: %q %q %q %v", u, p, note, err)
	}
	for _, reg := range []string{"other.example", "bad.example"} {
		u, p, note, err := source.DockerCredentialsWith(dir, reg, run)
		if err != nil || u != "" || p != "" || !strings.Contains(note, "gave no credentials") || strings.Contains(note, "s3cr3t") {
			t.Errorf("%s: %q %q %q %v", reg, u, p, note, err)
		}
	}
}
