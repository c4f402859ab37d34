package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/carveout/carveout/scanner"
	"github.com/carveout/carveout/scanner/source"
	"github.com/package-url/packageurl-go"
)

// target is one thing to scan: a spec as the user wrote it, or a source
// already built (HF cache snapshots).
type target struct {
	spec string
	src  source.Source
	kind string
	// origin is where the target was listed (--from FILE:LINE).
	origin string
	// err: the target could not even be listed (reported, never passing).
	err error
	// onlyModel: skip the target when it is not a model repository
	// (--github-org lists code repositories too).
	onlyModel bool
}

// env is the environment a scan runs in: tokens, endpoints, offline mode.
// Only cmd reads environment variables; libraries get them from here.
type env struct {
	app     *App
	offline bool
	hub     source.HubConfig
	github  source.GitHubConfig
	oci     source.OCIConfig
}

// dockerConfigDir is where Docker keeps config.json: $DOCKER_CONFIG, else
// ~/.docker.
func dockerConfigDir(getenv func(string) string) string {
	if d := getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	return filepath.Join(source.HomeDir(getenv), ".docker")
}

func newEnv(app *App, o *scanOptions) *env {
	g := app.Getenv
	offline := o.offline || truthy(g("HF_HUB_OFFLINE"))
	e := &env{app: app, offline: offline}
	e.hub = source.HubConfig{
		Endpoint:  strings.TrimRight(g("HF_ENDPOINT"), "/"),
		Token:     source.HFTokenFromEnv(g),
		Offline:   offline,
		Client:    app.HTTPClient,
		UserAgent: "carveout/" + version,
	}
	// As gh: GH_TOKEN first, then GITHUB_TOKEN.
	tok := g("GH_TOKEN")
	if tok == "" {
		tok = g("GITHUB_TOKEN")
	}
	e.github = source.GitHubConfig{BaseURL: githubBase(g("GITHUB_API_URL")), Token: tok, Client: app.HTTPClient, Offline: offline, UserAgent: "carveout/" + version}
	// Say what is being waited for (a retry after 429/5xx).
	var waitMu sync.Mutex // workers wait concurrently
	e.hub.OnWait = func(msg string) {
		waitMu.Lock()
		defer waitMu.Unlock()
		app.warnf("%s", msg)
	}
	e.github.OnWait = e.hub.OnWait
	e.oci = source.OCIConfig{Client: app.HTTPClient, Token: strings.TrimSpace(g("CARVEOUT_REGISTRY_TOKEN")), Insecure: o.insecureRegistries, Offline: offline, UserAgent: "carveout/" + version, OnWait: e.hub.OnWait}
	return e
}

func truthy(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}

// open builds the Source of a target.
func (e *env) open(ctx context.Context, t target) (source.Source, string, error) {
	if t.src != nil {
		if t.kind == "hf-cache" {
			return e.complete(ctx, t.src), t.kind, nil
		}
		return t.src, t.kind, nil
	}
	spec, err := canonicalSpec(t.spec)
	if err != nil {
		return nil, "", err
	}
	switch {
	case strings.HasPrefix(spec, "hf-cache:"):
		id, rev, hasRev := strings.Cut(strings.TrimPrefix(spec, "hf-cache:"), "@")
		if !validRepoID(id) || hasRev && rev == "" {
			return nil, "", usagef("%s: want hf-cache:ORG/NAME[@REVISION]", spec)
		}
		src, err := source.HFCacheSnapshot(source.DefaultHFCacheDir(e.app.Getenv), id, rev)
		if err != nil {
			return nil, "", err
		}
		return e.complete(ctx, src), "hf-cache", nil
	case strings.HasPrefix(spec, "hf:"):
		id, rev, hasRev := strings.Cut(strings.TrimPrefix(spec, "hf:"), "@")
		if !validRepoID(id) || hasRev && rev == "" {
			return nil, "", usagef("%s: want hf:ORG/NAME[@REVISION]", spec)
		}
		if e.offline {
			// As huggingface_hub: offline means the cache.
			src, err := source.HFCacheSnapshot(source.DefaultHFCacheDir(e.app.Getenv), id, rev)
			if err != nil {
				return nil, "", fmt.Errorf("offline mode (--offline or HF_HUB_OFFLINE), and %w", err)
			}
			return src, "hf-cache", nil
		}
		src, err := source.NewHub(ctx, id, rev, e.hub)
		return src, "hf", err
	case strings.HasPrefix(spec, "oci://"):
		ref := strings.TrimPrefix(spec, "oci://")
		r, err := source.ParseOCIRef(ref)
		if err != nil {
			return nil, "", usagef("%v", err)
		}
		if e.offline {
			return nil, "", fmt.Errorf("%s: offline mode (--offline or HF_HUB_OFFLINE): registries are not contacted", spec)
		}
		cfg := e.oci
		if cfg.Token == "" {
			user, pass, note, err := source.DockerCredentialsWith(dockerConfigDir(e.app.Getenv), r.Registry, credentialHelper(ctx))
			if err != nil {
				return nil, "", fmt.Errorf("%s: %w", spec, err)
			}
			cfg.Username, cfg.Password, cfg.AuthHint = user, pass, note
		}
		src, err := source.NewOCI(ctx, ref, cfg)
		return src, "oci", err
	case strings.HasPrefix(spec, "ollama:"):
		dir := source.DefaultOllamaDir(e.app.Getenv)
		if dir == "" {
			return nil, "", fmt.Errorf("%s: no Ollama store: set OLLAMA_MODELS or HOME", spec)
		}
		name := strings.TrimPrefix(spec, "ollama:")
		if _, err := source.ParseOllamaName(name); err != nil {
			return nil, "", usagef("%s: %v", spec, err)
		}
		src, err := source.NewOllama(dir, name)
		return src, "ollama", err
	case strings.HasPrefix(spec, "gh:"):
		repo, ref, hasRef := strings.Cut(strings.TrimPrefix(spec, "gh:"), "@")
		owner, name, ok := strings.Cut(repo, "/")
		if !ok || !validRepoID(repo) || hasRef && ref == "" {
			return nil, "", usagef("%s: want gh:OWNER/REPO[@REF]", spec)
		}
		if e.offline {
			return nil, "", fmt.Errorf("%s: offline mode (--offline or HF_HUB_OFFLINE): GitHub is not contacted", spec)
		}
		src, err := source.NewGitHub(ctx, owner, name, ref, e.github)
		return src, "github", err
	}
	if spec == "" {
		return nil, "", usagef("empty target")
	}
	fi, err := os.Stat(spec)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, "", fmt.Errorf("%s: no such file or folder (remote targets are hf:ORG/NAME or gh:OWNER/REPO)", spec)
		}
		return nil, "", fmt.Errorf("%s: %v", spec, err)
	}
	if fi.IsDir() {
		src, err := source.NewDir(spec)
		return src, "dir", err
	}
	src, err := source.NewFile(spec)
	return src, "file", err
}

// targetKind is the source kind a target names (for the report of a
// target that could not be opened).
func targetKind(t target) string {
	if t.kind != "" {
		return t.kind
	}
	spec, _ := canonicalSpec(t.spec)
	switch {
	case strings.HasPrefix(spec, "hf-cache:"):
		return "hf-cache"
	case strings.HasPrefix(spec, "hf:"):
		return "hf"
	case strings.HasPrefix(spec, "gh:"):
		return "github"
	case strings.HasPrefix(spec, "ollama:"):
		return "ollama"
	case strings.HasPrefix(spec, "oci://"):
		return "oci"
	}
	if fi, err := os.Stat(spec); err == nil && !fi.IsDir() {
		return "file"
	}
	return "dir"
}

// canonicalSpec turns the ways people write a Hugging Face model into
// carveout's target syntax: hf://ORG/NAME[@REV], the model's Hub page
// (https://huggingface.co/ORG/NAME[/tree/REV]) and its purl
// (pkg:huggingface/ORG/NAME@SHA, as the CycloneDX output writes it) become
// hf:ORG/NAME[@REV]. Anything else is returned as it is.
func canonicalSpec(spec string) (string, error) {
	switch {
	case strings.HasPrefix(spec, "hf://"):
		return "hf:" + strings.TrimPrefix(spec, "hf://"), nil
	case strings.HasPrefix(spec, "pkg:huggingface/"):
		p, err := packageurl.FromString(spec)
		if err != nil || p.Namespace == "" || p.Name == "" {
			return "", usagef("%s: want pkg:huggingface/ORG/NAME[@REVISION]", spec)
		}
		out := "hf:" + p.Namespace + "/" + p.Name
		if p.Version != "" {
			out += "@" + p.Version
		}
		return out, nil
	}
	for _, host := range []string{"https://huggingface.co/", "https://hf.co/", "http://huggingface.co/", "huggingface.co/"} {
		if !strings.HasPrefix(strings.ToLower(spec), host) {
			continue
		}
		parts := strings.Split(strings.Trim(spec[len(host):], "/"), "/")
		if len(parts) < 2 || parts[0] == "datasets" || parts[0] == "spaces" {
			return "", usagef("%s: want https://huggingface.co/ORG/NAME[/tree/REVISION] (a model)", spec)
		}
		out := "hf:" + parts[0] + "/" + parts[1]
		if len(parts) >= 4 && (parts[2] == "tree" || parts[2] == "blob" || parts[2] == "resolve") {
			out += "@" + parts[3]
		}
		return out, nil
	}
	return spec, nil
}

func validRepoID(id string) bool {
	org, name, ok := strings.Cut(id, "/")
	if !ok || org == "" || name == "" || strings.Contains(name, "/") {
		return false
	}
	for _, r := range id {
		if !(r == '/' || r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return !strings.Contains(id, "..")
}

// scanOne opens and scans one target. Errors name the target.
func scanOne(ctx context.Context, e *env, t target, opts scanner.Options) (*scanner.Report, error) {
	if t.err != nil {
		return nil, t.err
	}
	src, kind, err := e.open(ctx, t)
	if err != nil {
		if t.origin != "" {
			err = fmt.Errorf("%s: %w", t.origin, err)
		}
		// A bad target on the command line is a usage error; a bad line of
		// a target list fails that target only.
		if errors.Is(err, errUsage) && t.origin == "" {
			return nil, err
		}
		return nil, fmt.Errorf("%w %s: %w", scanner.ErrTarget, t.spec, err)
	}
	opts.Kind = kind
	opts.OnlyModels = t.onlyModel
	return scanner.Scan(ctx, src, opts)
}

func hfCacheTargets(app *App, o *scanOptions) ([]target, error) {
	dir := o.hfCache
	if dir == "auto" {
		dir = source.DefaultHFCacheDir(app.Getenv)
	}
	srcs, err := source.NewHFCache(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: --hf-cache %s: %w", scanner.ErrTarget, dir, err)
	}
	var ts []target
	for _, s := range srcs {
		ts = append(ts, target{spec: s.Target(), src: s, kind: "hf-cache"})
	}
	return ts, nil
}

// ollamaTargets is --ollama: every model of the local Ollama store.
func ollamaTargets(app *App, o *scanOptions) ([]target, error) {
	dir := o.ollama
	if dir == "auto" {
		dir = source.DefaultOllamaDir(app.Getenv)
		if dir == "" {
			return nil, usagef("--ollama: no Ollama store: set OLLAMA_MODELS or HOME, or give the folder")
		}
	}
	srcs, err := source.NewOllamaStore(dir)
	if err != nil {
		return nil, fmt.Errorf("%w: --ollama %s: %w", scanner.ErrTarget, dir, err)
	}
	var ts []target
	for _, s := range srcs {
		ts = append(ts, target{spec: s.Target(), src: s, kind: "ollama"})
	}
	return ts, nil
}

// hfAuthorTargets is --hf-author: every model of a Hub user or
// organization, each an hf: target.
func hfAuthorTargets(ctx context.Context, app *App, o *scanOptions) ([]target, error) {
	e := newEnv(app, o)
	if e.offline {
		return nil, usagef("--hf-author needs the network, but offline mode is on")
	}
	ids, err := source.HubAuthorModels(ctx, o.hfAuthor, e.hub)
	if err != nil {
		return nil, fmt.Errorf("%w: --hf-author %s: %w", scanner.ErrTarget, o.hfAuthor, err)
	}
	var ts []target
	for _, id := range ids {
		ts = append(ts, target{spec: "hf:" + id})
	}
	return ts, nil
}

func githubOrgTargets(ctx context.Context, app *App, o *scanOptions) ([]target, error) {
	e := newEnv(app, o)
	if e.offline {
		return nil, usagef("--github-org needs the network, but offline mode is on")
	}
	repos, err := source.GitHubOrgRepos(ctx, o.githubOrg, e.github)
	if err != nil {
		return nil, fmt.Errorf("%w: --github-org %s: %w", scanner.ErrTarget, o.githubOrg, err)
	}
	var ts []target
	for _, r := range repos {
		ts = append(ts, target{spec: "gh:" + r, onlyModel: true})
	}
	return ts, nil
}

// complete: a cache snapshot without a model card holds only what a
// loader fetched (config.json, weights); online, the files it lacks are
// read from the Hub at the cached commit. Offline, or when the Hub cannot
// be reached, the snapshot is scanned as it is (and says so).
func (e *env) complete(ctx context.Context, src source.Source) source.Source {
	if e.offline {
		return src
	}
	files, err := src.List(ctx)
	if err != nil {
		return src
	}
	for _, f := range files {
		if strings.EqualFold(f.Path, "README.md") {
			return src
		}
	}
	md, err := src.Metadata(ctx)
	if err != nil || md.ID == "" || md.Revision == "" {
		return src
	}
	hub, err := source.NewHub(ctx, md.ID, md.Revision, e.hub)
	if err != nil {
		e.app.warnf("%s: the snapshot has no model card and could not be completed from the Hub (%v); scanning what the cache holds", src.Target(), err)
		return src
	}
	return source.Complete(src, hub)
}

// githubBase turns GITHUB_API_URL (as GitHub Actions sets it, without a
// trailing slash) into the base URL go-github wants.
func githubBase(u string) string {
	if u == "" || strings.HasSuffix(u, "/") {
		return u
	}
	return u + "/"
}

// credentialHelper runs a Docker credential helper as the Docker client
// does: docker-credential-NAME get, the registry on stdin, a JSON answer
// with Username and Secret on stdout. It is bounded in time and output,
// and neither the secret nor the helper's output is ever printed.
func credentialHelper(ctx context.Context) source.CredentialHelper {
	return func(name, registry string) (string, string, error) {
		for _, r := range name {
			if !(r == '-' || r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
				return "", "", fmt.Errorf("helper name %q is not a plain name", name)
			}
		}
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, "docker-credential-"+name, "get")
		cmd.Stdin = strings.NewReader(registry)
		var out limitedBuffer
		cmd.Stdout = &out
		if err := cmd.Run(); err != nil {
			return "", "", fmt.Errorf("docker-credential-%s: %v", name, err)
		}
		var cred struct{ Username, Secret string }
		if err := json.Unmarshal(out.b, &cred); err != nil || cred.Secret == "" {
			return "", "", fmt.Errorf("docker-credential-%s: no credentials in its answer", name)
		}
		return cred.Username, cred.Secret, nil
	}
}

// limitedBuffer keeps at most 64 KiB of what is written to it.
type limitedBuffer struct{ b []byte }

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := 64<<10 - len(l.b); room > 0 {
		l.b = append(l.b, p[:min(len(p), room)]...)
	}
	return len(p), nil
}
