package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

// HubConfig configures the Hugging Face Hub source. Only Client is
// required.
type HubConfig struct {
	// Endpoint is the Hub's base URL, possibly with a path
	// (default DefaultHubEndpoint, "https://huggingface.co"). The CLI takes
	// it from HF_ENDPOINT.
	Endpoint string
	// Token is a Hugging Face access token (see HFTokenFromEnv). It is sent
	// only to the endpoint's origin (scheme, host and port), never on a
	// redirect to another origin, and never appears in errors. Userinfo in
	// Endpoint is sent the same way (as basic authentication when there is
	// no Token) and is masked wherever the endpoint is shown.
	Token string
	// Offline makes every call fail with ErrOffline before any request
	// (the CLI sets it from HF_HUB_OFFLINE).
	Offline bool
	// Client sends the requests. Required: the caller decides transport,
	// proxies and TLS; NewHub fails when it is nil.
	Client *http.Client
	// MaxRetries bounds the retries of 429 and 5xx answers
	// (0: DefaultMaxRetries, negative: none).
	MaxRetries int
	// MaxRetryWait is the longest wait between retries the source accepts;
	// a server asking for more (Retry-After, RateLimit) fails at once with
	// ErrRateLimited (0: DefaultMaxRetryWait).
	MaxRetryWait time.Duration
	// Timeout bounds each request, body included (0: DefaultTimeout).
	Timeout time.Duration
	// Sleep waits between retries; nil sleeps on a timer that stops when
	// the context is done. Tests pass a func that records the delays.
	Sleep func(time.Duration)
	// UserAgent is sent with every request (default "carveout").
	UserAgent string
	// OnWait, when set, is told before each wait between retries what is
	// being waited for (the CLI prints it).
	OnWait func(msg string)
	// StallTimeout: a response body that sends fewer than MinBodyBytes in
	// this long is cut (0: DefaultStallTimeout).
	StallTimeout time.Duration
	// MaxListEntries bounds the entries of a file listing, over all its
	// pages (0: DefaultMaxListEntries); a longer listing is an error.
	MaxListEntries int
}

// HubClient talks to the Hugging Face Hub API. Create it with
// NewHubClient; it is safe for concurrent use.
type HubClient struct {
	endpoint   string // without trailing slash
	offline    bool
	doer       httpDoer
	maxEntries int
}

// NewHubClient checks cfg and returns a client for it.
func NewHubClient(cfg HubConfig) (*HubClient, error) {
	if cfg.Client == nil {
		return nil, errors.New("hugging face hub: HubConfig.Client is required")
	}
	raw := strings.TrimRight(cfg.Endpoint, "/")
	if raw == "" {
		raw = DefaultHubEndpoint
	}
	eu, user, err := splitUserinfo(raw)
	if err != nil {
		return nil, fmt.Errorf("hugging face hub: invalid endpoint %q: %v", MaskUserinfo(cfg.Endpoint), err)
	}
	// The endpoint every URL is built from, and every message shows, has
	// no userinfo: the credentials go to its origin only.
	cred := credentials{origin: origin(eu), bearer: cfg.Token, user: user}
	c := &HubClient{endpoint: strings.TrimRight(eu.String(), "/"), offline: cfg.Offline, maxEntries: cfg.MaxListEntries}
	if c.maxEntries <= 0 {
		c.maxEntries = DefaultMaxListEntries
	}
	c.doer = httpDoer{
		client:    credentialClient(cfg.Client, cred, cfg.StallTimeout),
		secrets:   cred.secrets(),
		userAgent: cfg.UserAgent,
		timeout:   cfg.Timeout,
		retry:     newRetryPolicy(cfg.MaxRetries, cfg.MaxRetryWait, cfg.Sleep, cfg.OnWait),
		now:       time.Now,
		classify:  func(resp *http.Response, u string) error { return c.classify(resp, u, "", false) },
	}
	if c.doer.userAgent == "" {
		c.doer.userAgent = defaultUserAgent
	}
	if c.doer.timeout <= 0 {
		c.doer.timeout = DefaultTimeout
	}
	return c, nil
}

// Hub is a model repository on the Hugging Face Hub, pinned to the commit
// its revision resolved to when it was created.
type Hub struct {
	c      *HubClient
	doer   httpDoer // c.doer with errors that know the repository
	target string
	id     string
	sha    string
	md     Metadata
	sibs   []string

	mu       sync.Mutex
	files    []File
	problems []Problem
	sizes    map[string]int64
}

var (
	hubIDPattern = lazy.Regexp(`^[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?$`)
	shaPattern   = lazy.Regexp(`^[0-9a-f]{40}$`)
)

// CheckHubID reports whether id is a plausible Hub model id (name or
// org/name).
func CheckHubID(id string) error {
	if !hubIDPattern().MatchString(id) || strings.Contains(id, "..") || strings.HasSuffix(id, ".git") {
		return fmt.Errorf("invalid Hugging Face model id %q", id)
	}
	return nil
}

// NewHub returns the Hub model id (org/name) at revision (a branch, tag or
// commit; "" for the default branch). It fetches the model's information
// once: the revision's commit sha (every file is then read at that sha,
// Metadata.Revision records it), card data, tags, gating and base models.
// Target is "hf:id" or "hf:id@revision". The returned Source is a *Hub.
//
// Errors: ErrOffline (no request made), ErrNotFound (repository or
// revision), ErrUnauthorized, ErrGated, ErrRateLimited, ErrUnavailable, or
// a message naming the URL (invalid JSON, timeout).
func NewHub(ctx context.Context, id, revision string, cfg HubConfig) (Source, error) {
	c, err := NewHubClient(cfg)
	if err != nil {
		return nil, err
	}
	h, err := c.Open(ctx, id, revision)
	if err != nil {
		return nil, err
	}
	return h, nil
}

// Open returns the model id at revision as a *Hub; see NewHub.
func (c *HubClient) Open(ctx context.Context, id, revision string) (*Hub, error) {
	if err := CheckHubID(id); err != nil {
		return nil, err
	}
	if c.offline {
		return nil, fmt.Errorf("hf:%s: the Hub is not reachable in offline mode: %w", id, ErrOffline)
	}
	info, err := c.modelInfo(ctx, id, revision)
	if err != nil {
		return nil, err
	}
	if !shaPattern().MatchString(info.SHA) {
		return nil, fmt.Errorf("hf:%s: the Hub did not return a commit sha for revision %q", id, revision)
	}
	target := "hf:" + id
	if revision != "" {
		target += "@" + revision
	}
	h := &Hub{c: c, target: target, id: id, sha: info.SHA, md: c.metadata(id, info)}
	for _, s := range info.Siblings {
		h.sibs = append(h.sibs, s.RFilename)
	}
	h.doer = c.doer
	gated := h.md.Gated != ""
	h.doer.classify = func(resp *http.Response, u string) error { return c.classify(resp, u, id, gated) }
	return h, nil
}

// ModelInfo returns what the Hub says about model id at its default
// branch: license (card data license, license_name, license_link), base
// models with their relation, gating and tags. It is meant for following a
// model's lineage.
func (c *HubClient) ModelInfo(ctx context.Context, id string) (*Metadata, error) {
	if err := CheckHubID(id); err != nil {
		return nil, err
	}
	if c.offline {
		return nil, fmt.Errorf("hf:%s: the Hub is not reachable in offline mode: %w", id, ErrOffline)
	}
	info, err := c.modelInfo(ctx, id, "")
	if err != nil {
		return nil, err
	}
	md := c.metadata(id, info)
	return &md, nil
}

// ModelInfo is HubClient.ModelInfo with the Hub's configuration.
func (h *Hub) ModelInfo(ctx context.Context, id string) (*Metadata, error) {
	return h.c.ModelInfo(ctx, id)
}

// hubModelInfo is the part of GET /api/models/{id} carveout reads.
type hubModelInfo struct {
	ID         string          `json:"id"`
	SHA        string          `json:"sha"`
	Gated      json.RawMessage `json:"gated"`
	Tags       []string        `json:"tags"`
	CardData   hubCardData     `json:"cardData"`
	Siblings   []hubSibling    `json:"siblings"`
	BaseModels json.RawMessage `json:"baseModels"`
}

type hubSibling struct {
	RFilename string `json:"rfilename"`
}

type hubCardData struct {
	License           stringList `json:"license"`
	LicenseName       string     `json:"license_name"`
	LicenseLink       string     `json:"license_link"`
	BaseModel         stringList `json:"base_model"`
	BaseModelRelation string     `json:"base_model_relation"`
}

type hubBaseModels struct {
	Relation string `json:"relation"`
	Models   []struct {
		ID string `json:"id"`
	} `json:"models"`
}

// stringList decodes a JSON string or array of strings; other values
// decode to nothing rather than failing the whole response.
type stringList []string

func (s *stringList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		if one != "" {
			*s = stringList{one}
		}
		return nil
	}
	var many []any
	if err := json.Unmarshal(b, &many); err == nil {
		for _, v := range many {
			if str, ok := v.(string); ok && str != "" {
				*s = append(*s, str)
			}
		}
	}
	return nil
}

// hubExpand lists the model properties NewHub asks for.
var hubExpand = []string{"sha", "cardData", "siblings", "gated", "tags", "baseModels"}

func (c *HubClient) infoURL(id, revision string) string {
	u := c.endpoint + "/api/models/" + id
	if revision != "" {
		u += "/revision/" + url.PathEscape(revision)
	}
	q := url.Values{"expand": hubExpand}
	return u + "?" + q.Encode()
}

func (c *HubClient) modelInfo(ctx context.Context, id, revision string) (*hubModelInfo, error) {
	u := c.infoURL(id, revision)
	d := c.doer
	d.classify = func(resp *http.Response, u string) error { return c.classify(resp, u, id, false) }
	var info hubModelInfo
	if _, err := d.getJSON(ctx, u, &info); err != nil {
		return nil, err
	}
	return &info, nil
}

func (c *HubClient) metadata(id string, info *hubModelInfo) Metadata {
	md := Metadata{
		ID:          id,
		Revision:    info.SHA,
		Service:     "hf",
		URL:         c.endpoint + "/" + id,
		License:     []string(info.CardData.License),
		LicenseName: info.CardData.LicenseName,
		LicenseLink: info.CardData.LicenseLink,
		Tags:        info.Tags,
	}
	var gated string
	if json.Unmarshal(info.Gated, &gated) == nil {
		md.Gated = gated
	}
	md.BaseModels = parseBaseModels(info.BaseModels)
	if md.BaseModels == nil {
		for _, b := range info.CardData.BaseModel {
			md.BaseModels = append(md.BaseModels, BaseModel{ID: b, Relation: info.CardData.BaseModelRelation})
		}
	}
	return md
}

// parseBaseModels reads the Hub's baseModels property, an object
// {"relation": ..., "models": [{"id": ...}]} (an array of them is accepted
// too).
func parseBaseModels(raw json.RawMessage) []BaseModel {
	if len(raw) == 0 {
		return nil
	}
	var groups []hubBaseModels
	var one hubBaseModels
	if json.Unmarshal(raw, &one) == nil {
		groups = []hubBaseModels{one}
	} else if json.Unmarshal(raw, &groups) != nil {
		return nil
	}
	var out []BaseModel
	for _, g := range groups {
		for _, m := range g.Models {
			if m.ID != "" {
				out = append(out, BaseModel{ID: m.ID, Relation: g.Relation})
			}
		}
	}
	return out
}

// classify maps a Hub error answer to the package's errors. The Hub says
// what went wrong in X-Error-Code (RepoNotFound, RevisionNotFound,
// EntryNotFound, GatedRepo) and X-Error-Message.
func (c *HubClient) classify(resp *http.Response, u, id string, gated bool) error {
	code := resp.Header.Get("X-Error-Code")
	msg := cleanServerText(resp.Header.Get("X-Error-Message"))
	if msg != "" {
		msg = " (" + msg + ")"
	}
	tok := c.doer.secrets
	page := c.endpoint + "/" + id
	switch {
	case code == "GatedRepo" || (gated && (resp.StatusCode == 401 || resp.StatusCode == 403)):
		return redactf(tok, "GET %s: HTTP %d: %s is a gated model: accept its terms on %s while logged in, then set HF_TOKEN to a token of that account%s: %w",
			u, resp.StatusCode, id, page, msg, ErrGated)
	case code == "RepoNotFound":
		return redactf(tok, "GET %s: HTTP %d: repository %s not found (if it is private, set HF_TOKEN)%s: %w", u, resp.StatusCode, id, msg, ErrNotFound)
	case code == "RevisionNotFound":
		return redactf(tok, "GET %s: HTTP %d: revision not found%s: %w", u, resp.StatusCode, msg, ErrNotFound)
	case code == "EntryNotFound" || resp.StatusCode == http.StatusNotFound:
		return redactf(tok, "GET %s: HTTP %d: not found%s: %w", u, resp.StatusCode, msg, ErrNotFound)
	case resp.StatusCode == http.StatusUnauthorized:
		return redactf(tok, "GET %s: HTTP 401: the Hub refused the request; set HF_TOKEN to a valid token%s: %w", u, msg, ErrUnauthorized)
	case resp.StatusCode == http.StatusForbidden:
		return redactf(tok, "GET %s: HTTP 403: access denied%s: %w", u, msg, ErrUnauthorized)
	default:
		return redactf(tok, "GET %s: HTTP %d%s", u, resp.StatusCode, msg)
	}
}

// Target returns "hf:id" or "hf:id@revision".
func (h *Hub) Target() string { return h.target }

// SHA returns the commit the files are read at.
func (h *Hub) SHA() string { return h.sha }

// Metadata returns what the Hub said about the model at NewHub time.
func (h *Hub) Metadata(ctx context.Context) (*Metadata, error) {
	md := copyMetadata(&h.md)
	return &md, nil
}

// hubTreeEntry is one entry of GET /api/models/{id}/tree/{rev}.
type hubTreeEntry struct {
	Type string `json:"type"`
	Path string `json:"path"`
	Size int64  `json:"size"`
	LFS  *struct {
		Size int64 `json:"size"`
	} `json:"lfs"`
}

// Bounds of the tree listing: pages, and entries over all pages (a
// listing past them fails: the files not listed could hold license terms).
const (
	maxTreePages          = 10000
	DefaultMaxListEntries = 200000
)

// List returns every file at the pinned commit, from the Hub's tree API
// (paginated through Link headers), with sizes and LFS flags; when the
// endpoint has no tree API (404), from the model info's siblings with sizes
// unknown (-1). Paths that are not clean relative paths are left out and
// reported by ListWithProblems.
func (h *Hub) List(ctx context.Context) ([]File, error) {
	files, _, err := h.ListWithProblems(ctx)
	return files, err
}

// ListWithProblems is List plus the entries left out: paths that are not
// clean relative paths ("a\\b", "./a", "a//b", "../a").
func (h *Hub) ListWithProblems(ctx context.Context) ([]File, []Problem, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.files != nil {
		return append([]File(nil), h.files...), append([]Problem(nil), h.problems...), nil
	}
	ep, _ := url.Parse(h.c.endpoint)
	u := h.c.endpoint + "/api/models/" + h.id + "/tree/" + h.sha + "?recursive=true&expand=false"
	files := []File{}
	var problems []Problem
	seen := map[string]bool{}
	total := 0
	for page := 0; u != ""; page++ {
		if page >= maxTreePages || seen[u] {
			return nil, nil, fmt.Errorf("GET %s: too many pages or a pagination loop", u)
		}
		seen[u] = true
		hdr, err := h.treePage(ctx, u, func(e hubTreeEntry) error {
			total++
			if total > h.c.maxEntries {
				return fmt.Errorf("the file listing has more than %d entries; carveout stops there, and the files not listed could hold license terms", h.c.maxEntries)
			}
			if e.Type != "file" {
				return nil
			}
			if q, err := CleanPath(e.Path); err != nil || q != e.Path {
				problems = append(problems, Problem{Path: e.Path, Message: "the Hub lists a file whose path is not a clean relative path (backslash, \"./\", \"//\" or \"..\"); it was not read", Err: ErrUnsafePath})
				return nil
			}
			f := File{Path: e.Path, Size: e.Size}
			if e.LFS != nil {
				f.LFS = true
				f.Size = e.LFS.Size
			}
			files = append(files, f)
			return nil
		})
		if err != nil {
			if page == 0 && errors.Is(err, ErrNotFound) && len(h.sibs) > 0 {
				// No tree API (a mirror): the file names from the model
				// info, sizes unknown.
				files, problems := h.siblingFiles()
				return files, problems, nil
			}
			return nil, nil, err
		}
		next := nextLink(hdr)
		if next == "" {
			break
		}
		nu, err := url.Parse(next)
		if err != nil {
			return nil, nil, fmt.Errorf("GET %s: invalid next page link", u)
		}
		nu = ep.ResolveReference(nu)
		if origin(nu) != origin(ep) {
			return nil, nil, fmt.Errorf("GET %s: next page link leaves the Hub endpoint (%s)", u, MaskUserinfo(nu.Redacted()))
		}
		u = nu.String()
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	sort.Slice(problems, func(i, j int) bool { return problems[i].Path < problems[j].Path })
	h.files, h.problems = files, problems
	h.sizes = make(map[string]int64, len(files))
	for _, f := range files {
		h.sizes[f.Path] = f.Size
	}
	return append([]File(nil), files...), append([]Problem(nil), problems...), nil
}

// treePage streams one page of the tree listing (a JSON array) to each,
// one entry at a time, so that a huge page is never held whole. It returns
// the response headers.
func (h *Hub) treePage(ctx context.Context, u string, each func(hubTreeEntry) error) (http.Header, error) {
	resp, err := h.doer.get(ctx, u, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, redactf(h.doer.secrets, "GET %s: unexpected HTTP %d", u, resp.StatusCode)
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxJSONBytes))
	bad := func(err error) error {
		return redactf(h.doer.secrets, "GET %s: invalid JSON response: %v", u, err)
	}
	if t, err := dec.Token(); err != nil {
		return nil, bad(err)
	} else if d, ok := t.(json.Delim); !ok || d != '[' {
		return nil, bad(fmt.Errorf("not a list"))
	}
	for dec.More() {
		var e hubTreeEntry
		if err := dec.Decode(&e); err != nil {
			return nil, bad(err)
		}
		if err := each(e); err != nil {
			return nil, redactf(h.doer.secrets, "GET %s: %w", u, err)
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, bad(err)
	}
	return resp.Header, nil
}

// siblingFiles lists the files named by the model info. h.mu is held.
func (h *Hub) siblingFiles() ([]File, []Problem) {
	files := []File{}
	var problems []Problem
	for _, p := range h.sibs {
		if q, err := CleanPath(p); err == nil && q == p {
			files = append(files, File{Path: p, Size: -1})
		} else {
			problems = append(problems, Problem{Path: p, Message: "the Hub lists a file whose path is not a clean relative path; it was not read", Err: ErrUnsafePath})
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	sort.Slice(problems, func(i, j int) bool { return problems[i].Path < problems[j].Path })
	h.files, h.problems = files, problems
	return append([]File(nil), files...), append([]Problem(nil), problems...)
}

// FileURL returns the URL a file is downloaded from, pinned to the commit.
func (h *Hub) FileURL(p string) string {
	return h.c.endpoint + "/" + h.id + "/resolve/" + h.sha + "/" + escapePath(p)
}

// Open downloads at most limit bytes of the file (limit <= 0: all of it),
// asking for only those bytes with a Range request.
func (h *Hub) Open(ctx context.Context, p string, limit int64) (io.ReadCloser, error) {
	q, err := CleanPath(p)
	if err != nil {
		return nil, err
	}
	rc, err := h.doer.openRange(ctx, h.FileURL(q), 0, limit)
	if err != nil {
		return nil, err
	}
	return expectBytes(rc, expected(h.size(q), 0, limit), h.FileURL(q), h.doer.secrets), nil
}

// size is the listed size of a file, -1 when unknown (not listed yet).
func (h *Hub) size(q string) int64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	if s, ok := h.sizes[q]; ok {
		return s
	}
	return -1
}

// ReadRange downloads n bytes at off with a Range request (fewer at the
// end of the file, none past it).
func (h *Hub) ReadRange(ctx context.Context, p string, off, n int64) ([]byte, error) {
	q, err := CleanPath(p)
	if err != nil {
		return nil, err
	}
	if err := checkRange(q, off, n); err != nil {
		return nil, err
	}
	h.mu.Lock()
	size, known := h.sizes[q]
	h.mu.Unlock()
	if known {
		if off >= size {
			return []byte{}, nil
		}
		n = min(n, size-off)
	}
	if n == 0 {
		return []byte{}, nil
	}
	want := int64(-1)
	if known {
		want = expected(size, off, n)
	}
	rc, err := h.doer.openRange(ctx, h.FileURL(q), off, n)
	if err != nil {
		return nil, err
	}
	return readAllClose(expectBytes(rc, want, h.FileURL(q), h.doer.secrets), nil)
}

// maxTokenFileBytes bounds the token file read by HFTokenFromEnv.
const maxTokenFileBytes = 4096

// HFTokenFromEnv returns the Hugging Face token the way huggingface_hub
// finds it: $HF_TOKEN, else the legacy $HUGGING_FACE_HUB_TOKEN, else the
// first line of the token file ($HF_TOKEN_PATH, else $HF_HOME/token, else
// ~/.cache/huggingface/token). It returns "" when there is none. getenv is
// os.Getenv in the CLI; the file is the only thing read.
func HFTokenFromEnv(getenv func(string) string) string {
	for _, k := range []string{"HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"} {
		if v := strings.TrimSpace(getenv(k)); v != "" {
			return v
		}
	}
	name := getenv("HF_TOKEN_PATH")
	if name == "" {
		home := hfHome(getenv)
		if home == "" {
			return ""
		}
		name = filepath.Join(home, "token")
	}
	f, err := os.Open(name)
	if err != nil {
		return ""
	}
	defer f.Close()
	b, _ := io.ReadAll(io.LimitReader(f, maxTokenFileBytes))
	line, _, _ := strings.Cut(string(b), "\n")
	return strings.TrimSpace(line)
}
