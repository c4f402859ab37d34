// Package fakehub is a fake Hugging Face Hub for tests: an httptest server
// mounted under a non-empty base path (so a stray absolute URL fails),
// serving repositories defined in Go with the Hub's response shapes
// (GET /api/models/{id}[/revision/{rev}], /api/models/{id}/tree/{rev},
// /{id}/resolve/{rev}/{path} with Range), with injectable faults, latency
// and request counters.
package fakehub

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
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

// Fault is an error injected into responses.
type Fault struct {
	// Status to answer with (401, 403, 404, 429, 500...); 0 to answer
	// normally (with the other effects below).
	Status int
	// ErrorCode and ErrorMessage set X-Error-Code and X-Error-Message.
	ErrorCode    string
	ErrorMessage string
	// RetryAfter and RateLimit set the Retry-After and RateLimit headers.
	RetryAfter string
	RateLimit  string
	// Times is how many requests the fault hits (0: all of them); after
	// that the request is served normally ("500 then OK").
	Times int
	// Truncate cuts a JSON body in half.
	Truncate bool
	// SlowBody sends the first bytes of the body, flushes, and waits this
	// long before the rest.
	SlowBody time.Duration
	// IgnoreRange serves the whole file with 200 even when asked for a
	// range.
	IgnoreRange bool
	// Body replaces the response body.
	Body []byte
}

// Kinds of request, for faults and counters.
const (
	KindInfo    = "info"
	KindTree    = "tree"
	KindResolve = "resolve"
)

type faultKey struct{ id, kind, path string }

type fault struct {
	Fault
	hits int
}

// Server is a running fake Hub. Close it when done.
type Server struct {
	*httptest.Server

	mu       sync.Mutex
	repos    map[string]*Repo
	faults   map[faultKey]*fault
	latency  time.Duration
	pageSize int
	counts   map[string]int
	fileReqs map[string]int
	served   int64
	requests int
	tokens   []string
}

// New starts a fake Hub serving repos.
func New(repos ...Repo) *Server {
	s := &Server{
		repos:    map[string]*Repo{},
		faults:   map[faultKey]*fault{},
		counts:   map[string]int{},
		fileReqs: map[string]int{},
		pageSize: 1000,
	}
	for _, r := range repos {
		s.Add(r)
	}
	mux := http.NewServeMux()
	mux.Handle(Base+"/", http.StripPrefix(Base, http.HandlerFunc(s.serve)))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "fakehub: request outside "+Base+": "+r.URL.Path, http.StatusTeapot)
	})
	s.Server = httptest.NewServer(mux)
	return s
}

// Endpoint is the Hub endpoint to configure: the server URL plus Base.
func (s *Server) Endpoint() string { return s.URL + Base }

// Add adds or replaces a repository.
func (s *Server) Add(r Repo) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.SHA == "" {
		r.SHA = SHA(r.ID)
	}
	s.repos[r.ID] = &r
}

// SHA is the default commit of a repository with this id.
func SHA(id string) string {
	h := sha1.Sum([]byte("fakehub:" + id))
	return hex.EncodeToString(h[:])
}

// Inject makes requests of kind (KindInfo, KindTree, KindResolve) for repo
// id fail as f says; path selects one file for KindResolve ("" for all).
func (s *Server) Inject(id, kind, path string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[faultKey{id, kind, path}] = &fault{Fault: f}
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[faultKey]*fault{}
}

// SetLatency delays every request by d (for benchmarks).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetPageSize sets how many tree entries a page holds (default 1000).
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = max(n, 1)
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

// FileRequests is the number of download requests for one file.
func (s *Server) FileRequests(id, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fileReqs[id+"/"+path]
}

// BytesServed is the number of file bytes sent by resolve requests.
func (s *Server) BytesServed() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.served
}

// Tokens returns the bearer tokens received, in order (empty strings for
// requests without one).
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
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
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
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

// takeFault returns the fault for a request, counting the hit.
func (s *Server) takeFault(id, kind, path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[kind]++
	for _, k := range []faultKey{{id, kind, path}, {id, kind, ""}} {
		f, ok := s.faults[k]
		if !ok {
			continue
		}
		if f.Times > 0 && f.hits >= f.Times {
			continue
		}
		f.hits++
		ff := f.Fault
		return &ff
	}
	return nil
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

// applyFault writes the fault's error answer and reports whether it did.
func applyFault(w http.ResponseWriter, f *Fault) bool {
	if f == nil {
		return false
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.RateLimit != "" {
		w.Header().Set("RateLimit", f.RateLimit)
	}
	if f.Status == 0 {
		return false
	}
	hubError(w, f.Status, f.ErrorCode, f.ErrorMessage)
	return true
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
		s.takeFault("", KindInfo, "")
		hubError(w, http.StatusUnauthorized, "RepoNotFound", "Repository not found")
		return
	}
	kind := KindInfo
	if len(rest) >= 1 && rest[0] == "tree" {
		kind = KindTree
	}
	f := s.takeFault(repo.ID, kind, "")
	if applyFault(w, f) {
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

// sleepCtx waits d or until the client goes away; it reports whether the
// client is still there.
func sleepCtx(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (s *Server) writeJSON(w http.ResponseWriter, r *http.Request, v any, f *Fault) {
	b, _ := json.Marshal(v)
	if f != nil && f.Body != nil {
		b = f.Body
	}
	if f != nil && f.Truncate {
		b = b[:len(b)/2]
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	if f != nil && f.SlowBody > 0 {
		half := len(b) / 2
		w.Write(b[:half])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		if !sleepCtx(r, f.SlowBody) {
			return
		}
		w.Write(b[half:])
		return
	}
	w.Write(b)
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
	s.writeJSON(w, r, out, f)
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

func gitOID(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
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
				all = append(all, entry{Type: "directory", OID: gitOID([]byte(d)), Path: d})
			}
		}
		b := repo.Files[p]
		e := entry{Type: "file", OID: gitOID(b), Size: int64(len(b)), Path: p}
		if isLFS(repo, p) {
			sum := sha256.Sum256(b)
			e.LFS = &lfsInfo{OID: hex.EncodeToString(sum[:]), Size: int64(len(b)), PointerSize: 134}
		}
		all = append(all, e)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Path < all[j].Path })
	s.mu.Lock()
	ps := s.pageSize
	s.mu.Unlock()
	cursor, _ := strconv.Atoi(r.URL.Query().Get("cursor"))
	cursor = min(max(cursor, 0), len(all))
	end := min(cursor+ps, len(all))
	if end < len(all) {
		q := r.URL.Query()
		q.Set("cursor", strconv.Itoa(end))
		next := s.URL + Base + r.URL.Path + "?" + q.Encode()
		w.Header().Set("Link", "<"+next+`>; rel="next"`)
	}
	page := all[cursor:end]
	if page == nil {
		page = []entry{}
	}
	s.writeJSON(w, r, page, f)
}

func (s *Server) serveResolve(w http.ResponseWriter, r *http.Request, tok string, segs []string) {
	repo, rest := s.lookup(segs)
	if repo == nil || len(rest) < 3 || rest[0] != "resolve" {
		s.takeFault("", KindResolve, "")
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
	f := s.takeFault(repo.ID, KindResolve, path)
	s.mu.Lock()
	s.fileReqs[repo.ID+"/"+path]++
	s.mu.Unlock()
	if applyFault(w, f) {
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
	w.Header().Set("ETag", `"`+gitOID(b)+`"`)
	cw := &countingWriter{ResponseWriter: w}
	defer func() {
		s.mu.Lock()
		s.served += cw.n
		s.mu.Unlock()
	}()
	if f != nil && f.IgnoreRange {
		r.Header.Del("Range")
	}
	if f != nil && f.SlowBody > 0 {
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		half := min(len(b), 16)
		cw.Write(b[:half])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		if !sleepCtx(r, f.SlowBody) {
			return
		}
		cw.Write(b[half:])
		return
	}
	http.ServeContent(cw, r, "", time.Time{}, bytes.NewReader(b))
}

// countingWriter counts body bytes.
type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.n += int64(n)
	return n, err
}

func (c *countingWriter) Flush() {
	if f, ok := c.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
