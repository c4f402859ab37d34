// Package fakegithub is a fake GitHub REST API for tests: an httptest
// server mounted under a non-empty base path (so a stray absolute URL
// fails), serving repositories defined in Go with GitHub's response shapes
// (repository, commit sha, git trees, raw contents with Range, license,
// organization repositories with Link pagination), with the injectable
// faults, latency and counters of fakeserver, and GitHub's primary and
// secondary rate limits.
package fakegithub

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/carveout/carveout/internal/fakes/fakeserver"
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
type Fault = fakeserver.Fault

// RateLimited is the primary rate limit: 403 with X-RateLimit-Remaining: 0
// and a reset time resetIn from now.
func RateLimited(resetIn time.Duration) Fault {
	return Fault{Status: http.StatusForbidden,
		Message: "API rate limit exceeded for 127.0.0.1. (But here's the good news: Authenticated requests get a higher rate limit.)",
		Code:    "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting",
		Header: map[string]string{
			"X-RateLimit-Limit":     "60",
			"X-RateLimit-Remaining": "0",
			"X-RateLimit-Used":      "60",
			"X-RateLimit-Reset":     strconv.FormatInt(time.Now().Add(resetIn).Unix(), 10),
			"X-RateLimit-Resource":  "core",
		}}
}

// Secondary is the secondary rate limit: 403 with its documentation URL
// and Retry-After (omitted when "").
func Secondary(retryAfter string) Fault {
	return Fault{Status: http.StatusForbidden, RetryAfter: retryAfter,
		Message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
		Code:    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}
}

// Server is a running fake GitHub API. Close it when done.
type Server struct {
	*fakeserver.Server

	mu      sync.Mutex
	repos   map[string]*Repo
	orgs    map[string][]string
	perPage int
}

// New starts a fake GitHub API serving repos. Every owner is also an
// organization listing its repositories.
func New(repos ...Repo) *Server {
	s := &Server{repos: map[string]*Repo{}, orgs: map[string][]string{}}
	for _, r := range repos {
		s.Add(r)
	}
	// Assigned before the listener starts: handlers read it.
	s.Server = fakeserver.New("fakegithub", Base, faultError, s.serve)
	s.Server.Start()
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
func SHA(full string) string { return fakeserver.SHA("fakegithub", full) }

// Inject makes requests of kind for repo (owner/name, or the organization
// for KindOrg) fail as f says.
func (s *Server) Inject(repo, kind string, f Fault) {
	s.Server.Inject(repo, kind, "", f)
}

// SetPerPage caps the page size of organization listings.
func (s *Server) SetPerPage(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.perPage = n
}

// faultError writes the error answer of a fault: its Code is the
// documentation URL.
func faultError(w http.ResponseWriter, status int, code, msg string) { ghError(w, status, msg, code) }

// ghError writes GitHub's error answer; doc is the documentation URL.
func ghError(w http.ResponseWriter, status int, msg, doc string) {
	if doc == "" {
		doc = "https://docs.github.com/rest"
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"message": msg, "documentation_url": doc})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, tok string) {
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
	f := s.TakeFault(name, kind, "")
	if s.Apply(w, r, f) {
		return
	}
	if repo == nil || (repo.Private && !contains(repo.Tokens, tok)) {
		ghError(w, http.StatusNotFound, "Not Found", "https://docs.github.com/rest/repos/repos#get-a-repository")
		return
	}
	switch {
	case len(rest) == 0:
		fakeserver.WriteJSON(w, r, http.StatusOK, s.repoJSON(repo), f)
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
		fakeserver.WriteJSON(w, r, http.StatusOK, map[string]any{"sha": repo.SHA}, f)
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
		fakeserver.WriteJSON(w, r, http.StatusOK, map[string]any{
			"name":         repo.LicensePath[strings.LastIndex(repo.LicensePath, "/")+1:],
			"path":         repo.LicensePath,
			"sha":          fakeserver.GitOID(content),
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
		out = append(out, treeEntry{Path: p, Mode: "100644", Type: "blob", SHA: fakeserver.GitOID(b), Size: &n})
	}
	for p, target := range repo.Symlinks {
		addDirs(p)
		n := len(target)
		out = append(out, treeEntry{Path: p, Mode: "120000", Type: "blob", SHA: fakeserver.GitOID([]byte(target)), Size: &n})
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
	fakeserver.WriteJSON(w, r, http.StatusOK, map[string]any{
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
		fakeserver.WriteJSON(w, r, http.StatusOK, map[string]any{
			"type": "file", "encoding": "base64", "size": len(b), "name": path[strings.LastIndex(path, "/")+1:],
			"path": path, "sha": fakeserver.GitOID(b), "content": base64.StdEncoding.EncodeToString(b),
		}, f)
		return
	}
	s.ServeFile(w, r, b, f)
}

func (s *Server) serveOrg(w http.ResponseWriter, r *http.Request, org string) {
	f := s.TakeFault(org, KindOrg, "")
	if s.Apply(w, r, f) {
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
	fakeserver.WriteJSON(w, r, http.StatusOK, out, f)
}
