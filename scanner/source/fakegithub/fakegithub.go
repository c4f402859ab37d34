// Package fakegithub is a fake GitHub REST API for tests: an httptest
// server mounted under a non-empty base path (so a stray absolute URL
// fails), serving repositories defined in Go with GitHub's response shapes
// (repository, commit sha, git trees, raw contents with Range, license,
// organization repositories with Link pagination), with injectable faults
// (including primary and secondary rate limits), latency and counters.
package fakegithub

import (
	"bytes"
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Base is the path the fake API is mounted under.
const Base = "/gh-base"

// Repo is a repository served by the fake.
type Repo struct {
	Owner, Name string
	// DefaultBranch defaults to "main".
	DefaultBranch string
	// SHA is the commit of every ref; derived from the name when empty.
	SHA string
	// Refs lists the other branches and tags (all at SHA).
	Refs  []string
	Files map[string][]byte
	// Symlinks maps paths to link targets (mode 120000 entries).
	Symlinks map[string]string
	// Submodules lists paths of submodules (type commit entries).
	Submodules []string
	// License is GitHub's detected license: SPDX id and the file; "" for
	// none (the license API answers 404).
	LicenseSPDX string
	LicensePath string
	// Private repos answer 404 to requests without a token in Tokens.
	Private bool
	Tokens  []string
	// TruncateTree makes the recursive tree answer truncated, forcing a
	// walk tree by tree.
	TruncateTree bool
}

// FullName is owner/name.
func (r *Repo) FullName() string { return r.Owner + "/" + r.Name }

// Kinds of request, for faults and counters.
const (
	KindRepo     = "repo"
	KindCommit   = "commit"
	KindTree     = "tree"
	KindContents = "contents"
	KindLicense  = "license"
	KindOrg      = "org"
)

// Fault is an error injected into responses.
type Fault struct {
	// Status to answer with; 0 to answer normally.
	Status  int
	Message string
	// RateLimited answers 403 with X-RateLimit-Remaining: 0 and a reset
	// time ResetIn from now (the primary rate limit).
	RateLimited bool
	ResetIn     time.Duration
	// Secondary answers 403 with the secondary rate limit documentation
	// URL and Retry-After.
	Secondary  bool
	RetryAfter string
	// Times is how many requests the fault hits (0: all).
	Times int
	// Truncate cuts a JSON body in half.
	Truncate bool
	// IgnoreRange serves whole files with 200.
	IgnoreRange bool
}

type faultKey struct{ repo, kind string }

type fault struct {
	Fault
	hits int
}

// Server is a running fake GitHub API. Close it when done.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	repos    map[string]*Repo
	orgs     map[string][]string
	faults   map[faultKey]*fault
	latency  time.Duration
	perPage  int
	counts   map[string]int
	requests int
	served   int64
	tokens   []string
}

// New starts a fake GitHub API serving repos. Every owner is also an
// organization listing its repositories.
func New(repos ...Repo) *Server {
	s := &Server{repos: map[string]*Repo{}, orgs: map[string][]string{}, faults: map[faultKey]*fault{}, counts: map[string]int{}}
	for _, r := range repos {
		s.Add(r)
	}
	mux := http.NewServeMux()
	mux.Handle(Base+"/", http.StripPrefix(Base, http.HandlerFunc(s.serve)))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "fakegithub: request outside "+Base+": "+r.URL.Path, http.StatusTeapot)
	})
	s.Server = httptest.NewServer(mux)
	return s
}

// APIURL is the API base URL to configure (with a trailing slash).
func (s *Server) APIURL() string { return s.URL + Base + "/" }

// Add adds or replaces a repository.
func (s *Server) Add(r Repo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.DefaultBranch == "" {
		r.DefaultBranch = "main"
	}
	if r.SHA == "" {
		r.SHA = SHA(r.FullName())
	}
	if _, ok := s.repos[r.FullName()]; !ok {
		s.orgs[r.Owner] = append(s.orgs[r.Owner], r.Name)
	}
	s.repos[r.FullName()] = &r
}

// SHA is the default commit of a repository with this full name.
func SHA(full string) string {
	h := sha1.Sum([]byte("fakegithub:" + full))
	return hex.EncodeToString(h[:])
}

// Inject makes requests of kind for repo (owner/name, or the organization
// for KindOrg) fail as f says.
func (s *Server) Inject(repo, kind string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[faultKey{repo, kind}] = &fault{Fault: f}
}

// SetLatency delays every request by d.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetPerPage caps the page size of organization listings.
func (s *Server) SetPerPage(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.perPage = n
}

// Requests is the number of requests served under Base.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests
}

// Count is the number of requests of a kind.
func (s *Server) Count(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[kind]
}

// BytesServed is the number of file bytes sent by contents requests.
func (s *Server) BytesServed() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served
}

// Tokens returns the bearer tokens received, in order.
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

func writeJSON(w http.ResponseWriter, status int, v any, f *Fault) {
	b, _ := json.Marshal(v)
	if f != nil && f.Truncate {
		b = b[:len(b)/2]
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

func ghError(w http.ResponseWriter, status int, msg, doc string) {
	if doc == "" {
		doc = "https://docs.github.com/rest"
	}
	writeJSON(w, status, map[string]string{"message": msg, "documentation_url": doc}, nil)
}

func (s *Server) takeFault(repo, kind string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[kind]++
	f, ok := s.faults[faultKey{repo, kind}]
	if !ok || (f.Times > 0 && f.hits >= f.Times) {
		return nil
	}
	f.hits++
	ff := f.Fault
	return &ff
}

// applyFault writes the fault's error answer and reports whether it did.
func applyFault(w http.ResponseWriter, f *Fault) bool {
	switch {
	case f == nil:
		return false
	case f.RateLimited:
		reset := time.Now().Add(f.ResetIn)
		w.Header().Set("X-RateLimit-Limit", "60")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Used", "60")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		w.Header().Set("X-RateLimit-Resource", "core")
		ghError(w, http.StatusForbidden, "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit.)",
			"https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting")
		return true
	case f.Secondary:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		ghError(w, http.StatusForbidden, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
			"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits")
		return true
	case f.Status != 0:
		if f.RetryAfter != "" {
			w.Header().Set("Retry-After", f.RetryAfter)
		}
		msg := f.Message
		if msg == "" {
			msg = http.StatusText(f.Status)
		}
		ghError(w, f.Status, msg, "")
		return true
	}
	return false
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests++
	lat := s.latency
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.tokens = append(s.tokens, tok)
	s.mu.Unlock()
	if lat > 0 {
		time.Sleep(lat)
	}
	w.Header().Set("X-RateLimit-Limit", "5000")
	w.Header().Set("X-RateLimit-Remaining", "4999")
	w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(time.Hour).Unix(), 10))
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	switch {
	case len(segs) == 3 && segs[0] == "orgs" && segs[2] == "repos":
		s.serveOrg(w, r, segs[1])
		return
	case len(segs) == 3 && segs[0] == "users" && segs[2] == "repos":
		s.serveOrg(w, r, segs[1])
		return
	case len(segs) >= 3 && segs[0] == "repos":
	default:
		ghError(w, http.StatusNotFound, "Not Found", "")
		return
	}
	s.mu.Lock()
	repo := s.repos[segs[1]+"/"+segs[2]]
	s.mu.Unlock()
	rest := segs[3:]
	kind := KindRepo
	if len(rest) > 0 {
		switch rest[0] {
		case "commits":
			kind = KindCommit
		case "git":
			kind = KindTree
		case "contents":
			kind = KindContents
		case "license":
			kind = KindLicense
		}
	}
	name := segs[1] + "/" + segs[2]
	f := s.takeFault(name, kind)
	if applyFault(w, f) {
		return
	}
	if repo == nil || (repo.Private && !contains(repo.Tokens, tok)) {
		ghError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/repos/repos#get-a-repository")
		return
	}
	switch {
	case len(rest) == 0:
		writeJSON(w, 200, s.repoJSON(repo), f)
	case len(rest) == 2 && rest[0] == "commits":
		ref, _ := url.PathUnescape(rest[1])
		if ref != repo.SHA && ref != repo.DefaultBranch && !contains(repo.Refs, ref) {
			ghError(w, http.StatusUnprocessableEntity, "No commit found for SHA: "+ref, "https://docs.github.com/rest/commits/commits#get-a-commit")
			return
		}
		if strings.Contains(r.Header.Get("Accept"), "sha") {
			w.Header().Set("Content-Type", "application/vnd.github.sha; charset=utf-8")
			w.Write([]byte(repo.SHA))
			return
		}
		writeJSON(w, 200, map[string]any{"sha": repo.SHA}, f)
	case len(rest) == 3 && rest[0] == "git" && rest[1] == "trees":
		s.serveTree(w, r, repo, rest[2], f)
	case len(rest) >= 2 && rest[0] == "contents":
		var parts []string
		for _, seg := range rest[1:] {
			p, err := url.PathUnescape(seg)
			if err != nil {
				ghError(w, http.StatusBadRequest, "bad path", "")
				return
			}
			parts = append(parts, p)
		}
		s.serveContents(w, r, repo, strings.Join(parts, "/"), f)
	case len(rest) == 1 && rest[0] == "license":
		if repo.LicenseSPDX == "" {
			ghError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/licenses/licenses#get-the-license-for-a-repository")
			return
		}
		content := repo.Files[repo.LicensePath]
		writeJSON(w, 200, map[string]any{
			"name":         repo.LicensePath[strings.LastIndex(repo.LicensePath, "/")+1:],
			"path":         repo.LicensePath,
			"sha":          gitOID(content),
			"size":         len(content),
			"type":         "file",
			"content":      base64.StdEncoding.EncodeToString(content),
			"encoding":     "base64",
			"html_url":     s.URL + "/" + repo.FullName() + "/blob/" + repo.DefaultBranch + "/" + repo.LicensePath,
			"download_url": s.URL + "/raw/" + repo.FullName() + "/" + repo.DefaultBranch + "/" + repo.LicensePath,
			"license": map[string]any{
				"key":     strings.ToLower(repo.LicenseSPDX),
				"name":    repo.LicenseSPDX,
				"spdx_id": repo.LicenseSPDX,
				"url":     s.APIURL() + "licenses/" + strings.ToLower(repo.LicenseSPDX),
				"node_id": "MDc6TGljZW5zZTA=",
			},
		}, f)
	default:
		ghError(w, http.StatusNotFound, "Not Found", "")
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v != "" && v == s {
			return true
		}
	}
	return false
}

func (s *Server) repoJSON(repo *Repo) map[string]any {
	return map[string]any{
		"id":             1,
		"node_id":        "R_fake",
		"name":           repo.Name,
		"full_name":      repo.FullName(),
		"private":        repo.Private,
		"owner":          map[string]any{"login": repo.Owner, "type": "Organization"},
		"html_url":       s.URL + "/" + repo.FullName(),
		"url":            s.APIURL() + "repos/" + repo.FullName(),
		"default_branch": repo.DefaultBranch,
	}
}

func gitOID(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

func treeSHA(repo *Repo, dir string) string {
	if dir == "" {
		return repo.SHA
	}
	h := sha1.Sum([]byte("tree:" + repo.FullName() + ":" + dir))
	return hex.EncodeToString(h[:])
}

type treeEntry struct {
	Path string `json:"path"`
	Mode string `json:"mode"`
	Type string `json:"type"`
	SHA  string `json:"sha"`
	Size *int   `json:"size,omitempty"`
	URL  string `json:"url,omitempty"`
}

// entries returns every entry of the repository with its full path.
func (s *Server) entries(repo *Repo) []treeEntry {
	var out []treeEntry
	dirs := map[string]bool{}
	addDirs := func(p string) {
		for d := p; strings.Contains(d, "/"); {
			d = d[:strings.LastIndex(d, "/")]
			if !dirs[d] {
				dirs[d] = true
				out = append(out, treeEntry{Path: d, Mode: "040000", Type: "tree", SHA: treeSHA(repo, d)})
			}
		}
	}
	for p, b := range repo.Files {
		addDirs(p)
		n := len(b)
		out = append(out, treeEntry{Path: p, Mode: "100644", Type: "blob", SHA: gitOID(b), Size: &n})
	}
	for p, target := range repo.Symlinks {
		addDirs(p)
		n := len(target)
		out = append(out, treeEntry{Path: p, Mode: "120000", Type: "blob", SHA: gitOID([]byte(target)), Size: &n})
	}
	for _, p := range repo.Submodules {
		addDirs(p)
		out = append(out, treeEntry{Path: p, Mode: "160000", Type: "commit", SHA: SHA(p)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func (s *Server) serveTree(w http.ResponseWriter, r *http.Request, repo *Repo, sha string, f *Fault) {
	all := s.entries(repo)
	// Which directory is sha?
	dir, found := "", sha == repo.SHA || contains(repo.Refs, sha) || sha == repo.DefaultBranch
	for _, e := range all {
		if e.Type == "tree" && e.SHA == sha {
			dir, found = e.Path, true
		}
	}
	if !found {
		ghError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/git/trees#get-a-tree")
		return
	}
	recursive := r.URL.Query().Get("recursive") != ""
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	var tree []treeEntry
	truncated := false
	for _, e := range all {
		if !strings.HasPrefix(e.Path, prefix) {
			continue
		}
		rel := strings.TrimPrefix(e.Path, prefix)
		if !recursive && strings.Contains(rel, "/") {
			continue
		}
		e.Path = rel
		tree = append(tree, e)
	}
	if recursive && repo.TruncateTree {
		tree = tree[:len(tree)/2]
		truncated = true
	}
	if tree == nil {
		tree = []treeEntry{}
	}
	writeJSON(w, 200, map[string]any{
		"sha":       sha,
		"url":       s.APIURL() + "repos/" + repo.FullName() + "/git/trees/" + sha,
		"tree":      tree,
		"truncated": truncated,
	}, f)
}

func (s *Server) serveContents(w http.ResponseWriter, r *http.Request, repo *Repo, path string, f *Fault) {
	ref := r.URL.Query().Get("ref")
	if ref != "" && ref != repo.SHA && ref != repo.DefaultBranch && !contains(repo.Refs, ref) {
		ghError(w, http.StatusNotFound, "No commit found for the ref "+ref, "https://docs.github.com/rest/repos/contents#get-repository-content")
		return
	}
	b, ok := repo.Files[path]
	if !ok {
		ghError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/repos/contents#get-repository-content")
		return
	}
	if !strings.Contains(r.Header.Get("Accept"), "raw") {
		writeJSON(w, 200, map[string]any{
			"type": "file", "encoding": "base64", "size": len(b), "name": path[strings.LastIndex(path, "/")+1:],
			"path": path, "sha": gitOID(b), "content": base64.StdEncoding.EncodeToString(b),
		}, f)
		return
	}
	if f != nil && f.IgnoreRange {
		r.Header.Del("Range")
	}
	cw := &countingWriter{ResponseWriter: w}
	http.ServeContent(cw, r, "", time.Time{}, bytes.NewReader(b))
	s.mu.Lock()
	s.served += cw.n
	s.mu.Unlock()
}

type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}

func (s *Server) serveOrg(w http.ResponseWriter, r *http.Request, org string) {
	f := s.takeFault(org, KindOrg)
	if applyFault(w, f) {
		return
	}
	s.mu.Lock()
	names := append([]string(nil), s.orgs[org]...)
	var repos []map[string]any
	sort.Strings(names)
	for _, n := range names {
		repos = append(repos, s.repoJSON(s.repos[org+"/"+n]))
	}
	maxPer := s.perPage
	s.mu.Unlock()
	if len(names) == 0 {
		ghError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/repos/repos#list-organization-repositories")
		return
	}
	q := r.URL.Query()
	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	if maxPer > 0 {
		per = min(per, maxPer)
	}
	page, _ := strconv.Atoi(q.Get("page"))
	page = max(page, 1)
	start := min((page-1)*per, len(repos))
	end := min(start+per, len(repos))
	if end < len(repos) {
		q.Set("page", strconv.Itoa(page+1))
		w.Header().Set("Link", "<"+s.URL+Base+r.URL.Path+"?"+q.Encode()+`>; rel="next"`)
	}
	out := repos[start:end]
	if out == nil {
		out = []map[string]any{}
	}
	writeJSON(w, 200, out, f)
}
