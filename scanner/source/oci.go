package source

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/carveout/carveout/internal/lazy"
)

// Media types of OCI and Docker manifests, and of the layers of a Docker
// Model Runner model artifact.
const (
	ociManifestType    = "application/vnd.oci.image.manifest.v1+json"
	ociIndexType       = "application/vnd.oci.image.index.v1+json"
	dockerManifestType = "application/vnd.docker.distribution.manifest.v2+json"
	dockerListType     = "application/vnd.docker.distribution.manifest.list.v2+json"
	ociLicenseType     = "application/vnd.docker.ai.license"
	ociGGUFType        = "application/vnd.docker.ai.gguf.v3"
)

// Bounds of what is read from a registry.
const (
	maxOCIManifest  = 4 << 20
	maxOCILicense   = 16 << 20
	maxOCITokenBody = 1 << 20
	maxOCILayers    = 10000
)

// OCIConfig configures the OCI registry source. Only Client is required.
type OCIConfig struct {
	// Client sends the requests (the caller's transport, proxies, TLS).
	Client *http.Client
	// Username and Password are sent as basic authentication to the token
	// service the registry names in its Bearer challenge (and to the
	// registry itself when it asks for Basic), nowhere else.
	Username, Password string
	// Token is a registry bearer token (CARVEOUT_REGISTRY_TOKEN), sent to
	// the registry only.
	Token string
	// Insecure lists registry hosts (host or host:port) reached over plain
	// HTTP; localhost and 127.0.0.1 always are.
	Insecure []string
	// Offline makes every call fail with ErrOffline.
	Offline bool
	// AuthHint is added to the message of a refused request (why no
	// credentials were found: a credential helper carveout does not run).
	AuthHint string
	// UserAgent, Timeout, StallTimeout, MaxRetries and OnWait as in
	// HubConfig.
	UserAgent    string
	Timeout      time.Duration
	StallTimeout time.Duration
	MaxRetries   int
	Sleep        func(time.Duration)
	OnWait       func(msg string)
}

// OCIRef is a parsed oci://REGISTRY/REPOSITORY[:TAG|@DIGEST].
type OCIRef struct {
	Registry   string // as written (docker.io, localhost:5000)
	Repository string
	Tag        string
	Digest     string
}

var (
	ociRepoPattern = lazy.Regexp(`^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$`)
	ociTagPattern  = lazy.Regexp(`^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$`)
	ociHostPattern = lazy.Regexp(`^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)(:[0-9]+)?$`)
)

// ParseOCIRef parses REGISTRY/REPOSITORY[:TAG|@DIGEST] (without oci://);
// the tag is "latest" when neither is given.
func ParseOCIRef(s string) (OCIRef, error) {
	bad := fmt.Errorf("invalid OCI reference %q: want oci://REGISTRY/REPOSITORY[:TAG|@sha256:DIGEST]", "oci://"+s)
	host, rest, ok := strings.Cut(s, "/")
	if !ok || !ociHostPattern().MatchString(host) {
		return OCIRef{}, bad
	}
	r := OCIRef{Registry: host}
	if repo, dig, ok := strings.Cut(rest, "@"); ok {
		if !sha256Digest().MatchString(dig) {
			return OCIRef{}, bad
		}
		r.Digest, rest = dig, repo
	}
	if i := strings.LastIndex(rest, ":"); i > strings.LastIndex(rest, "/") {
		r.Tag, rest = rest[i+1:], rest[:i]
		if !ociTagPattern().MatchString(r.Tag) {
			return OCIRef{}, bad
		}
	}
	if !ociRepoPattern().MatchString(rest) {
		return OCIRef{}, bad
	}
	r.Repository = rest
	if r.Tag == "" && r.Digest == "" {
		r.Tag = "latest"
	}
	if host == "docker.io" && !strings.Contains(rest, "/") {
		r.Repository = "library/" + rest
	}
	return r, nil
}

// reference is the tag or digest manifests are fetched by.
func (r OCIRef) reference() string {
	if r.Digest != "" {
		return r.Digest
	}
	return r.Tag
}

// apiHost is the host the distribution API is served on.
func (r OCIRef) apiHost() string {
	if r.Registry == "docker.io" || r.Registry == "index.docker.io" {
		return "registry-1.docker.io"
	}
	return r.Registry
}

// plainHTTP reports whether host may be reached over plain HTTP.
func plainHTTP(host string, insecure []string) bool {
	h := host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		h = hh
	}
	h = strings.Trim(h, "[]")
	if h == "localhost" || h == "127.0.0.1" || h == "::1" {
		return true
	}
	for _, i := range insecure {
		if strings.EqualFold(i, host) || strings.EqualFold(i, h) {
			return true
		}
	}
	return false
}

// DockerCredentials returns the user name and password for registry from
// the Docker configuration file in dir ($DOCKER_CONFIG, else ~/.docker):
// the base64 "user:password" of its auths entry. When the registry's
// credentials are kept by a credential helper (credHelpers, credsStore),
// which carveout does not run, note says so. A missing file is no
// credentials and no error.
func DockerCredentials(dir, registry string) (user, pass, note string, err error) {
	return DockerCredentialsWith(dir, registry, nil)
}

// CredentialHelper runs a Docker credential helper (docker-credential-NAME
// get) for a registry and returns the user name and secret it gives.
type CredentialHelper func(name, registry string) (user, secret string, err error)

// DockerCredentialsWith is DockerCredentials running the credential helper
// the configuration names for the registry (credHelpers, else credsStore)
// through run when no auths entry has the credentials; nil runs none.
func DockerCredentialsWith(dir, registry string, run CredentialHelper) (user, pass, note string, err error) {
	name := filepath.Join(dir, "config.json")
	b, err := readFileBounded(name, 1<<20)
	if errors.Is(err, os.ErrNotExist) {
		return "", "", "", nil
	}
	if err != nil {
		return "", "", "", fmt.Errorf("%s: %v", name, err)
	}
	var cfg struct {
		Auths map[string]struct {
			Auth     string `json:"auth"`
			Username string `json:"username"`
			Password string `json:"password"`
		} `json:"auths"`
		CredsStore  string            `json:"credsStore"`
		CredHelpers map[string]string `json:"credHelpers"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return "", "", "", fmt.Errorf("%s: invalid JSON: %v", name, err)
	}
	keys := []string{registry, "https://" + registry, "http://" + registry, "https://" + registry + "/v1/", "https://" + registry + "/v2/"}
	if registry == "docker.io" || registry == "index.docker.io" || registry == "registry-1.docker.io" {
		keys = append(keys, "https://index.docker.io/v1/", "index.docker.io", "docker.io")
	}
	for _, k := range keys {
		a, ok := cfg.Auths[k]
		if !ok {
			continue
		}
		if a.Auth != "" {
			raw, err := base64.StdEncoding.DecodeString(a.Auth)
			if err != nil {
				return "", "", "", fmt.Errorf("%s: auths %q: auth is not base64", name, k)
			}
			u, p, ok := strings.Cut(string(raw), ":")
			if !ok {
				return "", "", "", fmt.Errorf("%s: auths %q: auth is not user:password", name, k)
			}
			return u, p, "", nil
		}
		if a.Username != "" {
			return a.Username, a.Password, "", nil
		}
	}
	helper := cfg.CredHelpers[registry]
	if helper == "" {
		helper = cfg.CredsStore
	}
	if helper != "" && run != nil {
		u, p, err := run(helper, registry)
		if err != nil {
			return "", "", fmt.Sprintf("%s: the credential helper docker-credential-%s gave no credentials for %s (%v); set CARVEOUT_REGISTRY_TOKEN or add an auths entry", name, helper, registry, err), nil
		}
		return u, p, "", nil
	}
	if h := cfg.CredHelpers[registry]; h != "" {
		return "", "", fmt.Sprintf("%s: the credentials of %s are kept by the credential helper docker-credential-%s, which carveout does not run; set CARVEOUT_REGISTRY_TOKEN or add an auths entry", name, registry, h), nil
	}
	if cfg.CredsStore != "" {
		return "", "", fmt.Sprintf("%s: credentials are kept by the credential store docker-credential-%s, which carveout does not run; set CARVEOUT_REGISTRY_TOKEN or add an auths entry for %s", name, cfg.CredsStore, registry), nil
	}
	return "", "", "", nil
}

// ociTransport adds the registry's authorization to requests to the
// registry's origin only: a fixed token, or the bearer token got from the
// token service the registry's challenge names (asked with the basic
// credentials, sent to that realm only), or basic credentials when the
// registry asks for Basic. It sits under the authTransport, which strips
// every Authorization header first and watches bodies for stalls.
type ociTransport struct {
	base     http.RoundTripper
	registry string // origin
	insecure []string
	user     string
	pass     string
	fixed    string
	ua       string

	mu       sync.Mutex
	token    string
	basic    bool
	tokenErr error // why the last token request failed
}

func (t *ociTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if origin(req.URL) != t.registry {
		return t.base.RoundTrip(req)
	}
	resp, err := t.base.RoundTrip(t.authorize(req))
	if err != nil || resp.StatusCode != http.StatusUnauthorized || t.fixed != "" {
		return resp, err
	}
	ch := resp.Header.Get("WWW-Authenticate")
	scheme, params := parseChallenge(ch)
	switch {
	case strings.EqualFold(scheme, "basic") && t.user != "":
		t.mu.Lock()
		again := !t.basic
		t.basic = true
		t.mu.Unlock()
		if !again {
			return resp, nil
		}
	case strings.EqualFold(scheme, "bearer") && params["realm"] != "":
		tok, err := t.fetchToken(req.Context(), params)
		if err != nil {
			// The registry's 401 is the answer; the error says why.
			t.mu.Lock()
			t.tokenErr = err
			t.mu.Unlock()
			return resp, nil
		}
		t.mu.Lock()
		again := tok != t.token
		t.token = tok
		t.mu.Unlock()
		if !again {
			return resp, nil
		}
	default:
		return resp, nil
	}
	io.CopyN(io.Discard, resp.Body, 4096)
	resp.Body.Close()
	return t.base.RoundTrip(t.authorize(req))
}

func (t *ociTransport) authorize(req *http.Request) *http.Request {
	r := req.Clone(req.Context())
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.fixed != "":
		r.Header.Set("Authorization", "Bearer "+t.fixed)
	case t.token != "":
		r.Header.Set("Authorization", "Bearer "+t.token)
	case t.basic:
		r.SetBasicAuth(t.user, t.pass)
	}
	return r
}

// fetchToken asks the token service of a Bearer challenge for a token.
func (t *ociTransport) fetchToken(ctx context.Context, params map[string]string) (string, error) {
	realm, err := url.Parse(params["realm"])
	if err != nil || realm.Host == "" || (realm.Scheme != "https" && !(realm.Scheme == "http" && plainHTTP(realm.Host, t.insecure))) {
		return "", fmt.Errorf("the registry's token service %q is not an https URL (plain http only for localhost or --insecure-registry hosts)", cleanServerText(params["realm"]))
	}
	q := realm.Query()
	for _, k := range []string{"service", "scope"} {
		if v := params[k]; v != "" {
			q.Set(k, v)
		}
	}
	realm.RawQuery = q.Encode()
	shown := realm.Redacted()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, realm.String(), nil)
	if err != nil {
		return "", err
	}
	if t.user != "" {
		req.SetBasicAuth(t.user, t.pass)
	}
	if t.ua != "" {
		req.Header.Set("User-Agent", t.ua)
	}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return "", fmt.Errorf("GET %s (registry token): %s", shown, transportError(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		hint := ""
		if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
			hint = " (log in with docker login, or set CARVEOUT_REGISTRY_TOKEN)"
		}
		return "", fmt.Errorf("GET %s (registry token): HTTP %d%s: %w", shown, resp.StatusCode, hint, ErrUnauthorized)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxOCITokenBody+1))
	if err != nil || len(b) > maxOCITokenBody {
		return "", fmt.Errorf("GET %s (registry token): unreadable or oversized answer", shown)
	}
	var tr struct {
		Token       string `json:"token"`
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(b, &tr); err != nil {
		return "", fmt.Errorf("GET %s (registry token): invalid JSON answer", shown)
	}
	tok := tr.Token
	if tok == "" {
		tok = tr.AccessToken
	}
	if tok == "" || strings.ContainsAny(tok, "\r\n") {
		return "", fmt.Errorf("GET %s (registry token): no token in the answer", shown)
	}
	return tok, nil
}

// parseChallenge parses a WWW-Authenticate header: scheme and its
// key="value" parameters.
func parseChallenge(h string) (string, map[string]string) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(h), " ")
	params := map[string]string{}
	for rest = strings.TrimSpace(rest); rest != ""; {
		k, v, ok := strings.Cut(rest, "=")
		if !ok {
			break
		}
		k = strings.ToLower(strings.TrimSpace(k))
		v = strings.TrimSpace(v)
		var val string
		if strings.HasPrefix(v, `"`) {
			end := strings.Index(v[1:], `"`)
			if end < 0 {
				break
			}
			val, rest = v[1:1+end], v[2+end:]
		} else {
			val, rest, _ = strings.Cut(v, ",")
			rest = "," + rest
		}
		params[k] = val
		rest = strings.TrimLeft(strings.TrimSpace(rest), ",")
		rest = strings.TrimSpace(rest)
	}
	return scheme, params
}

// OCI is a model artifact in an OCI registry, pinned to the manifest digest
// its reference resolved to. License layers are LICENSE (LICENSE-1,
// LICENSE-2... when several), GGUF layers model.gguf (model-2.gguf...).
type OCI struct {
	target string
	ref    OCIRef
	base   string // scheme://host/v2/repository
	doer   httpDoer
	auth   *ociTransport
	hint   string
	md     Metadata
	layers []ociFile

	once     sync.Once
	listErr  error
	files    []File
	problems []Problem
	byPath   map[string]*ociFile
}

type ociFile struct {
	path  string
	layer ociDescriptor
	text  []byte
}

type ociDescriptor struct {
	MediaType    string            `json:"mediaType"`
	Digest       string            `json:"digest"`
	Size         int64             `json:"size"`
	ArtifactType string            `json:"artifactType"`
	Annotations  map[string]string `json:"annotations"`
}

type ociManifest struct {
	SchemaVersion int             `json:"schemaVersion"`
	MediaType     string          `json:"mediaType"`
	Config        ociDescriptor   `json:"config"`
	Layers        []ociDescriptor `json:"layers"`
	Manifests     []ociDescriptor `json:"manifests"`
}

// NewOCI returns the model artifact ref (REGISTRY/REPOSITORY[:TAG|@DIGEST],
// without oci://) of an OCI registry. It fetches the manifest (following an
// index to its first image manifest) once; the files are the manifest's
// license and GGUF layers. Target is "oci://" + ref as given.
func NewOCI(ctx context.Context, ref string, cfg OCIConfig) (Source, error) {
	r, err := ParseOCIRef(ref)
	if err != nil {
		return nil, err
	}
	target := "oci://" + ref
	if cfg.Offline {
		return nil, fmt.Errorf("%s: registries are not reachable in offline mode: %w", target, ErrOffline)
	}
	if cfg.Client == nil {
		return nil, errors.New("oci: OCIConfig.Client is required")
	}
	scheme := "https"
	if plainHTTP(r.apiHost(), cfg.Insecure) {
		scheme = "http"
	}
	ru := &url.URL{Scheme: scheme, Host: r.apiHost()}
	ot := &ociTransport{base: cfg.Client.Transport, registry: origin(ru), insecure: cfg.Insecure, user: cfg.Username, pass: cfg.Password, fixed: cfg.Token, ua: cfg.UserAgent}
	if ot.base == nil {
		ot.base = http.DefaultTransport
	}
	hc := *cfg.Client
	hc.Transport = ot
	var secrets []string
	for _, s := range []string{cfg.Password, cfg.Token} {
		if s != "" {
			secrets = append(secrets, s)
		}
	}
	o := &OCI{target: target, ref: r, base: ru.String() + "/v2/" + r.Repository, auth: ot, hint: cfg.AuthHint}
	o.doer = httpDoer{
		client:    credentialClient(&hc, credentials{origin: "none:"}, cfg.StallTimeout),
		secrets:   secrets,
		userAgent: cfg.UserAgent,
		timeout:   cfg.Timeout,
		retry:     newRetryPolicy(cfg.MaxRetries, DefaultMaxRetryWait, cfg.Sleep, cfg.OnWait),
		now:       time.Now,
		classify:  o.classify,
	}
	if o.doer.userAgent == "" {
		o.doer.userAgent = defaultUserAgent
	}
	if o.doer.timeout <= 0 {
		o.doer.timeout = DefaultTimeout
	}
	man, dig, err := o.manifest(ctx, r.reference(), 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", target, err)
	}
	o.md = Metadata{ID: r.Registry + "/" + r.Repository, Revision: dig}
	if len(man.Layers) > maxOCILayers {
		return nil, fmt.Errorf("%s: the manifest has %d layers, more than %d", target, len(man.Layers), maxOCILayers)
	}
	var licenses []ociDescriptor
	nGGUF := 0
	for _, l := range man.Layers {
		switch l.MediaType {
		case ociLicenseType:
			licenses = append(licenses, l)
		case ociGGUFType:
			nGGUF++
			name := "model.gguf"
			if nGGUF > 1 {
				name = fmt.Sprintf("model-%d.gguf", nGGUF)
			}
			o.layers = append(o.layers, ociFile{path: name, layer: l})
		}
	}
	for i, l := range licenses {
		o.layers = append(o.layers, ociFile{path: licenseLayerName(i, len(licenses)), layer: l})
	}
	return o, nil
}

func (o *OCI) classify(resp *http.Response, u string) error {
	switch resp.StatusCode {
	case http.StatusNotFound:
		return redactf(o.doer.secrets, "GET %s: HTTP 404: not found: %w", u, ErrNotFound)
	case http.StatusUnauthorized, http.StatusForbidden:
		o.auth.mu.Lock()
		terr := o.auth.tokenErr
		o.auth.mu.Unlock()
		why := "the registry refused the request (log in with docker login, or set CARVEOUT_REGISTRY_TOKEN)"
		if terr != nil {
			why = terr.Error()
		}
		if o.hint != "" {
			why += "; " + o.hint
		}
		return redactf(o.doer.secrets, "GET %s: HTTP %d: %s: %w", u, resp.StatusCode, why, ErrUnauthorized)
	}
	return redactf(o.doer.secrets, "GET %s: HTTP %d", u, resp.StatusCode)
}

var manifestAccept = strings.Join([]string{ociManifestType, ociIndexType, dockerManifestType, dockerListType}, ", ")

// manifest fetches the manifest at reference, following an index to its
// first image manifest; it returns the manifest and its digest.
func (o *OCI) manifest(ctx context.Context, reference string, depth int) (*ociManifest, string, error) {
	u := o.base + "/manifests/" + reference
	resp, err := o.doer.get(ctx, u, http.Header{"Accept": {manifestAccept}})
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, "", redactf(o.doer.secrets, "GET %s: unexpected HTTP %d", u, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxOCIManifest+1))
	if err != nil {
		return nil, "", redactf(o.doer.secrets, "GET %s: reading the manifest: %s", u, transportError(err))
	}
	if len(b) > maxOCIManifest {
		return nil, "", fmt.Errorf("GET %s: the manifest is larger than %d bytes", u, maxOCIManifest)
	}
	sum := sha256.Sum256(b)
	dig := "sha256:" + hex.EncodeToString(sum[:])
	if strings.HasPrefix(reference, "sha256:") && dig != reference {
		return nil, "", fmt.Errorf("GET %s: the manifest's sha256 is %s, not the digest asked for", u, dig)
	}
	var m ociManifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, "", fmt.Errorf("GET %s: invalid manifest JSON: %v", u, err)
	}
	mt := m.MediaType
	if mt == "" {
		mt = strings.TrimSpace(strings.Split(resp.Header.Get("Content-Type"), ";")[0])
	}
	if m.SchemaVersion != 2 {
		return nil, "", fmt.Errorf("GET %s: manifest schemaVersion %d, want 2", u, m.SchemaVersion)
	}
	if mt == ociIndexType || mt == dockerListType || (len(m.Manifests) > 0 && len(m.Layers) == 0) {
		if depth > 0 {
			return nil, "", fmt.Errorf("GET %s: an index inside an index", u)
		}
		for _, d := range m.Manifests {
			if (d.MediaType == ociManifestType || d.MediaType == dockerManifestType) && sha256Digest().MatchString(d.Digest) {
				return o.manifest(ctx, d.Digest, depth+1)
			}
		}
		return nil, "", fmt.Errorf("GET %s: the index lists no image manifest", u)
	}
	return &m, dig, nil
}

// Target returns "oci://" + the reference as given.
func (o *OCI) Target() string { return o.target }

// Metadata has REGISTRY/REPOSITORY as ID and the manifest digest as
// Revision.
func (o *OCI) Metadata(context.Context) (*Metadata, error) {
	md := copyMetadata(&o.md)
	return &md, nil
}

// List returns the layers that could be read; see ListWithProblems.
func (o *OCI) List(ctx context.Context) ([]File, error) {
	files, _, err := o.ListWithProblems(ctx)
	return files, err
}

// ListWithProblems reads every license layer whole (bounded) and checks
// its size and digest; a layer with a bad digest, a license too large or
// one the registry does not have is a Problem, left out of the listing.
// GGUF layers are listed with the manifest's size and read only through
// Range requests.
func (o *OCI) ListWithProblems(ctx context.Context) ([]File, []Problem, error) {
	o.once.Do(func() { o.listErr = o.check(ctx) })
	if o.listErr != nil {
		return nil, nil, o.listErr
	}
	return append([]File(nil), o.files...), append([]Problem(nil), o.problems...), nil
}

func (o *OCI) blobURL(d string) string { return o.base + "/blobs/" + d }

func (o *OCI) check(ctx context.Context) error {
	o.files = []File{}
	o.byPath = map[string]*ociFile{}
	for i := range o.layers {
		f := &o.layers[i]
		msg, err := o.checkLayer(ctx, f)
		if err != nil {
			return err
		}
		if msg != "" {
			o.problems = append(o.problems, Problem{Path: f.path, Message: msg})
			continue
		}
		o.byPath[f.path] = f
		o.files = append(o.files, File{Path: f.path, Size: f.layer.Size})
	}
	sort.Slice(o.files, func(i, j int) bool { return o.files[i].Path < o.files[j].Path })
	sort.Slice(o.problems, func(i, j int) bool { return o.problems[i].Path < o.problems[j].Path })
	return nil
}

func (o *OCI) checkLayer(ctx context.Context, f *ociFile) (string, error) {
	l := f.layer
	if !sha256Digest().MatchString(l.Digest) {
		return fmt.Sprintf("the manifest of %s names a %s layer with digest %q, not sha256:<64 hex digits>", o.target, l.MediaType, l.Digest), nil
	}
	if l.Size < 0 {
		return fmt.Sprintf("the manifest of %s gives layer %s a negative size", o.target, l.Digest), nil
	}
	if l.MediaType != ociLicenseType {
		return "", nil
	}
	u := o.blobURL(l.Digest)
	if l.Size > maxOCILicense {
		return fmt.Sprintf("license layer %s has %d bytes, more than the %d carveout reads", u, l.Size, maxOCILicense), nil
	}
	b, err := readAllClose(o.doer.openRange(ctx, u, 0, 0))
	if err != nil {
		if ctx.Err() != nil {
			return "", err
		}
		return fmt.Sprintf("license layer could not be read: %v", err), nil
	}
	if int64(len(b)) != l.Size {
		return fmt.Sprintf("license layer %s has %d bytes, the manifest says %d", u, len(b), l.Size), nil
	}
	sum := sha256.Sum256(b)
	if "sha256:"+hex.EncodeToString(sum[:]) != l.Digest {
		return fmt.Sprintf("license layer %s does not match its digest: the registry served other bytes than the manifest names", u), nil
	}
	f.text = b
	return "", nil
}

func (o *OCI) lookup(ctx context.Context, p string) (*ociFile, error) {
	q, err := CleanPath(p)
	if err != nil {
		return nil, err
	}
	if _, _, err := o.ListWithProblems(ctx); err != nil {
		return nil, err
	}
	f, ok := o.byPath[q]
	if !ok {
		return nil, fmt.Errorf("%s: %s: %w", o.target, q, ErrNotFound)
	}
	return f, nil
}

// Open returns at most limit bytes of a layer (limit <= 0: all of it); a
// GGUF layer is asked for with a Range request of those bytes only.
func (o *OCI) Open(ctx context.Context, p string, limit int64) (io.ReadCloser, error) {
	f, err := o.lookup(ctx, p)
	if err != nil {
		return nil, err
	}
	if f.text != nil {
		b := f.text
		if limit > 0 && int64(len(b)) > limit {
			b = b[:limit]
		}
		return io.NopCloser(bytes.NewReader(b)), nil
	}
	u := o.blobURL(f.layer.Digest)
	rc, err := o.doer.openRange(ctx, u, 0, limit)
	if err != nil {
		return nil, err
	}
	return expectBytes(rc, expected(f.layer.Size, 0, limit), u, o.doer.secrets), nil
}

// ReadRange returns n bytes at off of a layer with a Range request (fewer
// at the end, none past it).
func (o *OCI) ReadRange(ctx context.Context, p string, off, n int64) ([]byte, error) {
	if _, err := CleanPath(p); err != nil {
		return nil, err
	}
	if err := checkRange(p, off, n); err != nil {
		return nil, err
	}
	f, err := o.lookup(ctx, p)
	if err != nil {
		return nil, err
	}
	size := f.layer.Size
	if off >= size || n == 0 {
		return []byte{}, nil
	}
	n = min(n, size-off)
	if f.text != nil {
		return bytes.Clone(f.text[off : off+n]), nil
	}
	u := o.blobURL(f.layer.Digest)
	rc, err := o.doer.openRange(ctx, u, off, n)
	if err != nil {
		return nil, err
	}
	return readAllClose(expectBytes(rc, n, u, o.doer.secrets), nil)
}
