package main

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/carveout/carveout/internal/ghreport/fakeapi"
)

// The composite Action (action.yml at the repository root) is run step by
// step as a runner would: `run:` steps with bash and the env the runner
// gives, `uses:` steps by fakes (setup-go: the Go already here;
// upload-sarif: a POST of the gzipped SARIF to a fake GitHub API, as the
// real action does).

type actionFile struct {
	Inputs map[string]struct {
		Default string `yaml:"default"`
	} `yaml:"inputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	Shell string            `yaml:"shell"`
	Run   string            `yaml:"run"`
	Env   map[string]string `yaml:"env"`
	With  map[string]string `yaml:"with"`
}

// actionRun is one run of the Action.
type actionRun struct {
	t        *testing.T
	inputs   map[string]string
	ctx      map[string]string // github.*, runner.*
	outputs  map[string]map[string]string
	env      []string
	path     []string
	stderr   bytes.Buffer
	failed   string // the step that failed
	exitCode int
}

var exprRE = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// value evaluates one of the expressions the Action uses; anything else
// fails the test (so the Action cannot grow syntax this runner ignores).
func (a *actionRun) value(e string) string {
	switch {
	case strings.HasPrefix(e, "inputs."):
		return a.inputs[strings.TrimPrefix(e, "inputs.")]
	case strings.HasPrefix(e, "steps."):
		parts := strings.SplitN(e, ".", 4)
		if len(parts) == 4 && parts[2] == "outputs" {
			return a.outputs[parts[1]][parts[3]]
		}
	case strings.HasPrefix(e, "'") && strings.HasSuffix(e, "'"):
		return strings.Trim(e, "'")
	default:
		if v, ok := a.ctx[e]; ok {
			return v
		}
	}
	a.t.Fatalf("action.yml: expression %q is not understood by this test", e)
	return ""
}

func (a *actionRun) expand(s string) string {
	return exprRE.ReplaceAllStringFunc(s, func(m string) string { return a.value(exprRE.FindStringSubmatch(m)[1]) })
}

// cond evaluates an if: made of && of always(), X == 'v' and X != 'v'.
func (a *actionRun) cond(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return a.failed == ""
	}
	if m := exprRE.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	always := false
	ok := true
	for _, c := range strings.Split(s, "&&") {
		c = strings.TrimSpace(c)
		switch {
		case c == "always()":
			always = true
		case strings.Contains(c, "=="):
			l, r, _ := strings.Cut(c, "==")
			ok = ok && a.value(strings.TrimSpace(l)) == a.value(strings.TrimSpace(r))
		case strings.Contains(c, "!="):
			l, r, _ := strings.Cut(c, "!=")
			ok = ok && a.value(strings.TrimSpace(l)) != a.value(strings.TrimSpace(r))
		default:
			a.t.Fatalf("action.yml: condition %q is not understood by this test", c)
		}
	}
	return ok && (always || a.failed == "")
}

func readKV(t *testing.T, file string) map[string]string {
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

// fakeCodeScanning is the part of the GitHub API upload-sarif uses.
type fakeCodeScanning struct {
	mu      sync.Mutex
	uploads []map[string]string
	sarif   [][]byte
}

func (f *fakeCodeScanning) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || !regexp.MustCompile(`^/api/v3/repos/[^/]+/[^/]+/code-scanning/sarifs$`).MatchString(r.URL.Path) {
		http.NotFound(w, r)
		return
	}
	var body map[string]string
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	raw, err := base64.StdEncoding.DecodeString(body["sarif"])
	if err != nil {
		http.Error(w, "sarif: not base64", http.StatusBadRequest)
		return
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		http.Error(w, "sarif: not gzip", http.StatusBadRequest)
		return
	}
	doc, err := io.ReadAll(zr)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.uploads = append(f.uploads, body)
	f.sarif = append(f.sarif, doc)
	f.mu.Unlock()
	w.WriteHeader(http.StatusAccepted)
	fmt.Fprint(w, `{"id":"47177e22-5596-11eb-80a1-c1e54ef945c6","url":"https://api.github.com/repos/o/r/code-scanning/sarifs/1"}`)
}

// uploadSARIF does what github/codeql-action/upload-sarif does with the
// API: gzip and base64 the file, POST it with the commit and ref.
func uploadSARIF(api, repo, sha, file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(b)
	zw.Close()
	body, _ := json.Marshal(map[string]string{"commit_sha": sha, "ref": "refs/heads/main", "sarif": base64.StdEncoding.EncodeToString(gz.Bytes()), "tool_name": "carveout"})
	resp, err := http.Post(api+"/repos/"+repo+"/code-scanning/sarifs", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		msg, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("upload: %s: %s", resp.Status, msg)
	}
	return nil
}

func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
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
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (a *actionRun) run(steps []actionStep, api string) {
	t := a.t
	for _, s := range steps {
		if !a.cond(s.If) {
			continue
		}
		switch {
		case strings.HasPrefix(s.Uses, "actions/setup-go@"):
			if _, err := exec.LookPath("go"); err != nil {
				t.Skip("no go on PATH: the Action's build step cannot run")
			}
			if !strings.HasSuffix(a.expand(s.With["go-version-file"]), "/go.mod") {
				t.Errorf("setup-go does not read the action's go.mod")
			}
		case strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@"):
			if err := uploadSARIF(api, a.ctx["github.repository"], a.ctx["github.sha"], a.expand(s.With["sarif_file"])); err != nil {
				t.Errorf("step %q: %v", s.Name, err)
				a.failed = s.Name
			}
		case s.Uses != "":
			t.Fatalf("step %q uses %s, which this test does not fake", s.Name, s.Uses)
		default:
			if s.Shell != "bash" {
				t.Fatalf("step %q: shell %q (want bash)", s.Name, s.Shell)
			}
			out := filepath.Join(a.ctx["runner.temp"], "output-"+s.ID+"-"+fmt.Sprint(len(a.outputs)))
			os.WriteFile(out, nil, 0o644)
			cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", s.Run)
			cmd.Dir = a.ctx["github.workspace"]
			cmd.Env = append(append([]string{}, a.env...), "GITHUB_OUTPUT="+out, "PATH="+strings.Join(append(append([]string{}, a.path...), os.Getenv("PATH")), string(os.PathListSeparator)))
			for k, v := range s.Env {
				cmd.Env = append(cmd.Env, k+"="+a.expand(v))
			}
			var so bytes.Buffer
			cmd.Stdout, cmd.Stderr = &so, &a.stderr
			err := cmd.Run()
			a.stderr.Write(so.Bytes()) // workflow commands are read from both
			if s.ID != "" {
				a.outputs[s.ID] = readKV(t, out)
			}
			if p, err := os.ReadFile(a.ctx["github.path"]); err == nil {
				a.path = nil
				for _, l := range strings.Split(strings.TrimSpace(string(p)), "\n") {
					if l != "" {
						a.path = append([]string{l}, a.path...)
					}
				}
			}
			if err != nil {
				a.failed = s.Name
				if ee, ok := err.(*exec.ExitError); ok {
					a.exitCode = ee.ExitCode()
				} else {
					t.Fatalf("step %q: %v", s.Name, err)
				}
			}
		}
	}
}

func TestAction(t *testing.T) {
	if testing.Short() {
		t.Skip("builds carveout from source: not in -short")
	}
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("no bash")
	}
	b, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var act actionFile
	if err := yaml.Unmarshal(b, &act); err != nil {
		t.Fatal(err)
	}
	if act.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q", act.Runs.Using)
	}
	root, _ := filepath.Abs("../..")
	gocache := strings.TrimSpace(runOut(t, "go", "env", "GOCACHE"))
	gomodcache := strings.TrimSpace(runOut(t, "go", "env", "GOMODCACHE"))
	bin := t.TempDir() // one build for both runs: runner.temp is shared

	for _, c := range []struct {
		name, model string
		inputs      map[string]string
		code        int
		annotation  string
	}{
		{"mislabelled fails", "llama-finetune-mislabelled", map[string]string{"path": "models/tune"}, 1,
			"::error file=models/tune/README.md,line=2,title=carveout declared-license-mismatch::"},
		{"apache passes", "apache-model", map[string]string{"path": "models/tune", "profile": "profile.yaml", "github-report": "true"}, 0, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			ws := t.TempDir()
			os.Mkdir(filepath.Join(ws, ".git"), 0o755) // the workspace is a checkout
			copyTree(t, filepath.Join(root, "testdata/models", c.model), filepath.Join(ws, "models/tune"))
			copyTree(t, filepath.Join(root, "testdata/profiles"), filepath.Join(ws, "profiles"))
			os.Rename(filepath.Join(ws, "profiles/lab-research.yaml"), filepath.Join(ws, "profile.yaml"))
			summary := filepath.Join(bin, "summary-"+c.model+".md")
			ghpath := filepath.Join(bin, "path-"+c.model)
			os.WriteFile(summary, nil, 0o644)
			os.WriteFile(ghpath, nil, 0o644)
			fake := &fakeCodeScanning{}
			checks := fakeapi.New("acme/models", 7, "t0ken")
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.HasSuffix(r.URL.Path, "/code-scanning/sarifs") {
					fake.ServeHTTP(w, r)
					return
				}
				checks.ServeHTTP(w, r)
			}))
			event := filepath.Join(bin, "event-"+c.model+".json")
			os.WriteFile(event, []byte(`{"pull_request":{"number":7,"head":{"sha":"0123456789abcdef0123456789abcdef01234567"}}}`), 0o644)
			defer srv.Close()
			api := srv.URL + "/api/v3"
			a := &actionRun{t: t, inputs: map[string]string{}, outputs: map[string]map[string]string{}, ctx: map[string]string{
				"github.action_path": root, "runner.temp": bin, "github.workspace": ws, "github.path": ghpath,
				"github.repository": "acme/models", "github.token": "t0ken", "github.sha": "0123456789abcdef0123456789abcdef01234567",
			}}
			for k, v := range act.Inputs {
				a.inputs[k] = v.Default
			}
			for k, v := range c.inputs {
				a.inputs[k] = v
			}
			a.env = []string{"HOME=" + ws, "GOCACHE=" + gocache, "GOMODCACHE=" + gomodcache, "GOPROXY=off", "GOTOOLCHAIN=local",
				"GITHUB_ACTIONS=true", "CI=true", "GITHUB_WORKSPACE=" + ws, "GITHUB_STEP_SUMMARY=" + summary, "GITHUB_PATH=" + ghpath,
				"GITHUB_SERVER_URL=https://github.com", "GITHUB_REPOSITORY=acme/models", "GITHUB_SHA=0123456789abcdef0123456789abcdef01234567",
				"GITHUB_API_URL=" + api, "GITHUB_EVENT_PATH=" + event, "HF_HUB_OFFLINE=1", "NO_COLOR=1"}
			a.run(act.Runs.Steps, api)

			if got := a.outputs["check"]["exit-code"]; got != fmt.Sprint(c.code) {
				t.Errorf("exit-code output %q, want %d\n%s", got, c.code, a.stderr.String())
			}
			if c.code != 0 && (a.failed != "Fail on policy failure" || a.exitCode != c.code) {
				t.Errorf("failed step %q with %d, want the last step with %d", a.failed, a.exitCode, c.code)
			}
			if c.code == 0 && a.failed != "" {
				t.Errorf("step %q failed:\n%s", a.failed, a.stderr.String())
			}
			md, _ := os.ReadFile(summary)
			want := map[int]string{0: "✅ carveout: PASS", 1: "❌ carveout: FAIL"}[c.code]
			if !bytes.Contains(md, []byte(want)) {
				t.Errorf("step summary lacks %q:\n%s", want, md)
			}
			if len(fake.sarif) != 1 {
				t.Fatalf("%d SARIF uploads", len(fake.sarif))
			}
			validateSARIF(t, fake.sarif[0])
			if c.annotation != "" && !strings.Contains(a.stderr.String(), c.annotation) {
				t.Errorf("no annotation %q in the job log:\n%s", c.annotation, a.stderr.String())
			}
			runs, _, comments := checks.Snapshot()
			if want := map[string]int{"true": 1}[a.inputs["github-report"]]; len(runs) != want || len(comments) != want {
				t.Errorf("github-report %q: %d check runs, %d comments", a.inputs["github-report"], len(runs), len(comments))
			}
			if c.code == 1 && !strings.Contains(string(fake.sarif[0]), `"uri": "models/tune/README.md"`) {
				t.Errorf("SARIF paths are not relative to the checkout")
			}
		})
	}
}

func runOut(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return string(out)
}

// validateSARIF checks the uploaded log is SARIF 2.1.0 with results.
func validateSARIF(t *testing.T, doc []byte) {
	t.Helper()
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []any  `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []any `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(doc, &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "carveout" || len(log.Runs[0].Tool.Driver.Rules) == 0 {
		t.Errorf("uploaded SARIF: version %q, %d runs", log.Version, len(log.Runs))
	}
}
