// Package fakehub is a fake Hugging Face Hub for tests: an httptest server
// mounted under a non-empty base path (so a stray absolute URL fails),
// serving repositories defined in Go with the Hub's response shapes
// (GET /api/models/{id}[/revision/{rev}], /api/models/{id}/tree/{rev},
// /{id}/resolve/{rev}/{path} with Range), with the injectable faults,
// latency and request counters of fakeserver.
package fakehub

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/carveout/carveout/internal/fakes/fakeserver"
)

// Base is the path the fake Hub is mounted under.
const Base = "/hub-base"

// Repo is a model repository served by the fake Hub.
type Repo struct {
	// ID is org/name (or name).
	ID string
	// SHA is the commit of the default branch; derived from ID when empty.
	SHA string
	// Refs maps other revisions (branches, tags) to commits; they serve
	// the same files.
	Refs  map[string]string
	Files map[string][]byte
	// LFS lists the files stored in LFS; nil means every file of 1 MiB or
	// more and every *.safetensors, *.gguf, *.bin file.
	LFS map[string]bool
	// CardData is the model card's front matter as the Hub returns it.
	CardData map[string]any
	// BaseModels is the Hub's baseModels property; nil to omit it.
	BaseModels *BaseModels
	// Gated is "", "auto" or "manual". File downloads of a gated repo need
	// a token listed in Granted: without a token they answer 401, with
	// another token 403, both with X-Error-Code: GatedRepo.
	Gated   string
	Granted []string
	// Private repos answer 401 RepoNotFound to every request whose token is
	// not in Granted (as the Hub does, to hide their existence).
	Private bool
	Tags    []string
}

// BaseModels is the Hub's baseModels property.
type BaseModels struct {
	Relation string
	IDs      []string
}

// Fault is an error injected into responses; Code sets X-Error-Code and
// Message X-Error-Message.
type Fault = fakeserver.Fault

// Kinds of request, for faults and counters.
const (
	KindInfo    = "info"
	KindTree    = "tree"
	KindResolve = "resolve"
	// KindList is GET /api/models?author=ORG (faults keyed by the author).
	KindList = "list"
	// KindDataset is GET /api/datasets/ID (faults keyed by the id).
	KindDataset = "dataset"
)

// Server is a running fake Hub. Close it when done.
type Server struct {
	*fakeserver.Server

	mu       sync.Mutex
	repos    map[string]*Repo
	pageSize int
	// datasets maps data set ids to their card data.
	datasets map[string]map[string]any
	// extraTree holds entries listed in the tree beside the files.
	extraTree map[string][]TreeEntry
}

// TreeEntry is an entry the tree lists whatever the files are (for paths
// a real Hub should never list, or sizes that lie).
type TreeEntry struct {
	Type string `json:"type"`
	Path string `json:"path"`
	Size int64  `json:"size"`
}

// New starts a fake Hub serving repos.
func New(repos ...Repo) *Server {
	s := &Server{repos: map[string]*Repo{}, pageSize: 1000, extraTree: map[string][]TreeEntry{}}
	for _, r := range repos {
		s.Add(r)
	}
	// Assigned before the listener starts: handlers read it.
	s.Server = fakeserver.New("fakehub", Base, hubError, s.serve)
	s.Server.Start()
	return s
}

// Add adds or replaces a repository.
func (s *Server) Add(r Repo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.SHA == "" {
		r.SHA = SHA(r.ID)
	}
	s.repos[r.ID] = &r
}

// AddTreeEntry makes the tree of repository id list e too.
func (s *Server) AddTreeEntry(id string, e TreeEntry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.extraTree[id] = append(s.extraTree[id], e)
}

// SHA is the default commit of a repository with this id.
func SHA(id string) string { return fakeserver.SHA("fakehub", id) }

// SetPageSize sets how many tree entries a page holds (default 1000).
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = max(n, 1)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request, tok string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	if len(segs) >= 3 && segs[0] == "api" && segs[1] == "datasets" {
		s.serveDataset(w, r, strings.Join(segs[2:], "/"))
		return
	}
	if len(segs) == 2 && segs[0] == "api" && segs[1] == "models" {
		s.serveList(w, r, tok)
		return
	}
	if len(segs) >= 2 && segs[0] == "api" && segs[1] == "models" {
		s.serveAPI(w, r, tok, segs[2:])
		return
	}
	s.serveResolve(w, r, tok, segs)
}

// lookup finds the repository whose id is the first one or two segments.
func (s *Server) lookup(segs []string) (*Repo, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(segs) >= 2 {
		if repo, ok := s.repos[segs[0]+"/"+segs[1]]; ok {
			return repo, segs[2:]
		}
	}
	if len(segs) >= 1 {
		if repo, ok := s.repos[segs[0]]; ok {
			return repo, segs[1:]
		}
	}
	return nil, nil
}

func hubError(w http.ResponseWriter, status int, code, msg string) {
	if code != "" {
		w.Header().Set("X-Error-Code", code)
	}
	if msg != "" {
		w.Header().Set("X-Error-Message", msg)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func (s *Server) granted(repo *Repo, tok string) bool {
	for _, g := range repo.Granted {
		if tok != "" && g == tok {
			return true
		}
	}
	return false
}

// resolveRev returns the commit of rev ("" for the default branch).
func resolveRev(repo *Repo, rev string) (string, bool) {
	switch {
	case rev == "" || rev == "main" || rev == repo.SHA:
		return repo.SHA, true
	case repo.Refs[rev] != "":
		return repo.Refs[rev], true
	}
	for _, sha := range repo.Refs {
		if sha == rev {
			return sha, true
		}
	}
	return "", false
}

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, tok string, segs []string) {
	repo, rest := s.lookup(segs)
	if repo == nil {
		s.TakeFault("", KindInfo, "")
		hubError(w, http.StatusUnauthorized, "RepoNotFound", "Repository not found")
		return
	}
	kind := KindInfo
	if len(rest) >= 1 && rest[0] == "tree" {
		kind = KindTree
	}
	f := s.TakeFault(repo.ID, kind, "")
	if s.Apply(w, r, f) {
		return
	}
	if repo.Private && !s.granted(repo, tok) {
		hubError(w, http.StatusUnauthorized, "RepoNotFound", "Repository not found")
		return
	}
	switch {
	case len(rest) == 0:
		s.writeInfo(w, r, repo, repo.SHA, f)
	case len(rest) == 2 && rest[0] == "revision":
		rev, err := url.PathUnescape(rest[1])
		sha, ok := resolveRev(repo, rev)
		if err != nil || !ok {
			hubError(w, http.StatusNotFound, "RevisionNotFound", "Invalid rev id: "+rev)
			return
		}
		s.writeInfo(w, r, repo, sha, f)
	case len(rest) >= 2 && rest[0] == "tree":
		rev, err := url.PathUnescape(rest[1])
		if _, ok := resolveRev(repo, rev); err != nil || !ok {
			hubError(w, http.StatusNotFound, "RevisionNotFound", "Invalid rev id: "+rev)
			return
		}
		s.writeTree(w, r, repo, f)
	default:
		hubError(w, http.StatusNotFound, "", "Sorry, we can't find the page you are looking for.")
	}
}

func paths(repo *Repo) []string {
	var ps []string
	for p := range repo.Files {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

func (s *Server) writeInfo(w http.ResponseWriter, r *http.Request, repo *Repo, sha string, f *Fault) {
	full := map[string]any{
		"_id":          "fake" + repo.SHA[:20],
		"id":           repo.ID,
		"modelId":      repo.ID,
		"sha":          sha,
		"private":      repo.Private,
		"disabled":     false,
		"lastModified": "2026-01-01T00:00:00.000Z",
		"tags":         nonNil(repo.Tags),
	}
	if repo.Gated != "" {
		full["gated"] = repo.Gated
	} else {
		full["gated"] = false
	}
	if repo.ID != "" {
		if org, _, ok := strings.Cut(repo.ID, "/"); ok {
			full["author"] = org
		}
	}
	if repo.CardData != nil {
		full["cardData"] = repo.CardData
	}
	sibs := []map[string]any{}
	for _, p := range paths(repo) {
		sibs = append(sibs, map[string]any{"rfilename": p})
	}
	full["siblings"] = sibs
	if repo.BaseModels != nil {
		ms := []map[string]string{}
		for _, id := range repo.BaseModels.IDs {
			ms = append(ms, map[string]string{"id": id})
		}
		full["baseModels"] = map[string]any{"relation": repo.BaseModels.Relation, "models": ms}
	}
	out := full
	if expand := r.URL.Query()["expand"]; len(expand) > 0 {
		out = map[string]any{"_id": full["_id"], "id": full["id"]}
		for _, k := range expand {
			if v, ok := full[k]; ok {
				out[k] = v
			}
		}
	}
	fakeserver.WriteJSON(w, r, http.StatusOK, out, f)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func isLFS(repo *Repo, p string) bool {
	if repo.LFS != nil {
		return repo.LFS[p]
	}
	if len(repo.Files[p]) >= 1<<20 {
		return true
	}
	for _, ext := range []string{".safetensors", ".gguf", ".bin"} {
		if strings.HasSuffix(p, ext) {
			return true
		}
	}
	return false
}

func (s *Server) writeTree(w http.ResponseWriter, r *http.Request, repo *Repo, f *Fault) {
	type lfsInfo struct {
		OID         string `json:"oid"`
		Size        int64  `json:"size"`
		PointerSize int    `json:"pointerSize"`
	}
	type entry struct {
		Type string   `json:"type"`
		OID  string   `json:"oid"`
		Size int64    `json:"size"`
		Path string   `json:"path"`
		LFS  *lfsInfo `json:"lfs,omitempty"`
	}
	var all []entry
	dirs := map[string]bool{}
	for _, p := range paths(repo) {
		for d := p; strings.Contains(d, "/"); {
			d = d[:strings.LastIndex(d, "/")]
			if !dirs[d] {
				dirs[d] = true
				all = append(all, entry{Type: "directory", OID: fakeserver.GitOID([]byte(d)), Path: d})
			}
		}
		b := repo.Files[p]
		e := entry{Type: "file", OID: fakeserver.GitOID(b), Size: int64(len(b)), Path: p}
		if isLFS(repo, p) {
			sum := sha256.Sum256(b)
			e.LFS = &lfsInfo{OID: hex.EncodeToString(sum[:]), Size: int64(len(b)), PointerSize: 134}
		}
		all = append(all, e)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Path < all[j].Path })
	s.mu.Lock()
	for _, e := range s.extraTree[repo.ID] {
		all = append(all, entry{Type: e.Type, OID: fakeserver.GitOID([]byte(e.Path)), Size: e.Size, Path: e.Path})
	}
	ps := s.pageSize
	s.mu.Unlock()
	fakeserver.WriteJSON(w, r, http.StatusOK, pageOf(s, w, r, all, ps), f)
}

func (s *Server) serveResolve(w http.ResponseWriter, r *http.Request, tok string, segs []string) {
	repo, rest := s.lookup(segs)
	if repo == nil || len(rest) < 3 || rest[0] != "resolve" {
		s.TakeFault("", KindResolve, "")
		hubError(w, http.StatusUnauthorized, "RepoNotFound", "Repository not found")
		return
	}
	rev, _ := url.PathUnescape(rest[1])
	var parts []string
	for _, seg := range rest[2:] {
		p, err := url.PathUnescape(seg)
		if err != nil {
			hubError(w, http.StatusBadRequest, "", "bad path")
			return
		}
		parts = append(parts, p)
	}
	path := strings.Join(parts, "/")
	f := s.TakeFault(repo.ID, KindResolve, path)
	s.CountFile(repo.ID, path)
	if s.Apply(w, r, f) {
		return
	}
	if repo.Private && !s.granted(repo, tok) {
		hubError(w, http.StatusUnauthorized, "RepoNotFound", "Repository not found")
		return
	}
	if repo.Gated != "" && !s.granted(repo, tok) {
		status := http.StatusForbidden
		if tok == "" {
			status = http.StatusUnauthorized
		}
		hubError(w, status, "GatedRepo", "Access to model "+repo.ID+" is restricted. You must have access to it and be authenticated to access it. Please log in.")
		return
	}
	sha, ok := resolveRev(repo, rev)
	if !ok {
		hubError(w, http.StatusNotFound, "RevisionNotFound", "Invalid rev id: "+rev)
		return
	}
	b, ok := repo.Files[path]
	if !ok {
		hubError(w, http.StatusNotFound, "EntryNotFound", path+" does not exist on \""+rev+"\"")
		return
	}
	w.Header().Set("X-Repo-Commit", sha)
	w.Header().Set("ETag", `"`+fakeserver.GitOID(b)+`"`)
	s.ServeFile(w, r, b, f)
}

// serveList is GET /api/models?author=ORG: the public models of the author
// (private ones only with a granted token), sorted by id, paginated as the
// Hub does with a Link rel="next" header (pages of SetPageSize entries).
func (s *Server) serveList(w http.ResponseWriter, r *http.Request, tok string) {
	author := r.URL.Query().Get("author")
	f := s.TakeFault(author, KindList, "")
	if s.Apply(w, r, f) {
		return
	}
	type model struct {
		ID      string `json:"id"`
		ModelID string `json:"modelId"`
		Private bool   `json:"private"`
	}
	s.mu.Lock()
	var all []model
	for id, repo := range s.repos {
		if org, _, ok := strings.Cut(id, "/"); !ok || org != author {
			continue
		}
		if repo.Private && !s.granted(repo, tok) {
			continue
		}
		all = append(all, model{ID: id, ModelID: id, Private: repo.Private})
	}
	ps := s.pageSize
	s.mu.Unlock()
	sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
	fakeserver.WriteJSON(w, r, http.StatusOK, pageOf(s, w, r, all, ps), f)
}

// AddDataset adds a data set with its card data (nil for none).
func (s *Server) AddDataset(id string, cardData map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.datasets == nil {
		s.datasets = map[string]map[string]any{}
	}
	if cardData == nil {
		cardData = map[string]any{}
	}
	s.datasets[id] = cardData
}

// serveDataset is GET /api/datasets/ID.
func (s *Server) serveDataset(w http.ResponseWriter, r *http.Request, id string) {
	f := s.TakeFault(id, KindDataset, "")
	if s.Apply(w, r, f) {
		return
	}
	s.mu.Lock()
	cd, ok := s.datasets[id]
	s.mu.Unlock()
	if !ok {
		hubError(w, http.StatusNotFound, "RepoNotFound", "Dataset not found")
		return
	}
	fakeserver.WriteJSON(w, r, http.StatusOK, map[string]any{"id": id, "cardData": cd}, f)
}

// pageOf is the page of all the request's cursor asks for, with a Link to
// the next page as the Hub paginates.
func pageOf[T any](s *Server, w http.ResponseWriter, r *http.Request, all []T, size int) []T {
	cursor, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
	cursor = min(max(cursor, 0), len(all))
	end := min(cursor+size, len(all))
	if end < len(all) {
		q := r.URL.Query()
		q.Set("cursor", strconv.Itoa(end))
		w.Header().Set("Link", "<"+s.URL+Base+r.URL.Path+"?"+q.Encode()+`>; rel="next"`)
	}
	if page := all[cursor:end]; page != nil {
		return page
	}
	return []T{}
}
