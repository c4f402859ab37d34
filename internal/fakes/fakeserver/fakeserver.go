// Package fakeserver is the core shared by the fake Hugging Face Hub and
// the fake GitHub API used in tests: an httptest server mounted under a
// non-empty base path (so a stray absolute URL fails), request counters,
// the bearer tokens received, latency, and fault injection (status codes,
// headers, truncated, slow, dripping or short bodies, redirects) keyed by
// repository, kind of request and file.
package fakeserver

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Fault is an error or effect injected into responses.
type Fault struct {
	// Status to answer with (401, 403, 404, 429, 500...); 0 to answer
	// normally, with the other effects below.
	Status int
	// Code is the service's error code (the Hub's X-Error-Code) and
	// Message its error message.
	Code    string
	Message string
	// RetryAfter sets the Retry-After header.
	RetryAfter string
	// Header holds more headers to set on the answer.
	Header map[string]string
	// Times is how many requests the fault hits (0: all of them); after
	// that the request is served normally ("500 then OK").
	Times int
	// Truncate cuts a JSON body in half.
	Truncate bool
	// Body replaces a JSON response body.
	Body []byte
	// SlowBody sends the first bytes of the body, flushes, and waits this
	// long before the rest.
	SlowBody time.Duration
	// Drip sends the body one byte at a time, flushing and waiting Drip
	// between bytes.
	Drip time.Duration
	// IgnoreRange serves the whole file with 200 even when asked for a
	// range.
	IgnoreRange bool
	// Cut serves only the first Cut bytes of a file (with a matching
	// Content-Length), as a store holding a short copy would; 0 for all.
	Cut int
	// Redirect answers 302 to this URL instead.
	Redirect string
}

// Request is what the server saw of one request.
type Request struct {
	Method, Path, RawQuery string
	// Authorization is the Authorization header ("" when absent).
	Authorization string
}

// Key selects the requests a fault applies to.
type Key struct{ Repo, Kind, Path string }

type fault struct {
	Fault
	hits int
}

// ErrorWriter writes a service's error answer.
type ErrorWriter func(w http.ResponseWriter, status int, code, msg string)

// Server is a running fake. Close it when done.
type Server struct {
	*httptest.Server
	// Base is the path the server is mounted under.
	Base string

	writeError ErrorWriter

	mu       sync.Mutex
	faults   map[Key]*fault
	latency  time.Duration
	counts   map[string]int
	fileReqs map[string]int
	served   int64
	seen     []Request
}

// New makes a server mounted under base (not started: the caller keeps
// it, then calls Start, so handlers never race with that assignment); h
// serves requests with the
// base stripped and gets the bearer token of the request ("" for none).
// writeError writes the service's error answers, for faults.
func New(name, base string, writeError ErrorWriter, h func(w http.ResponseWriter, r *http.Request, token string)) *Server {
	s := &Server{Base: base, writeError: writeError, faults: map[Key]*fault{}, counts: map[string]int{}, fileReqs: map[string]int{}}
	serve := func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.seen = append(s.seen, Request{Method: r.Method, Path: r.URL.Path, RawQuery: r.URL.RawQuery, Authorization: r.Header.Get("Authorization")})
		lat := s.latency
		s.mu.Unlock()
		if lat > 0 {
			time.Sleep(lat)
		}
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		h(w, r, tok)
	}
	mux := http.NewServeMux()
	mux.Handle(base+"/", http.StripPrefix(base, http.HandlerFunc(serve)))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, name+": request outside "+base+": "+r.URL.Path, http.StatusTeapot)
	})
	s.Server = httptest.NewUnstartedServer(mux)
	return s
}

// Endpoint is the server URL plus Base.
func (s *Server) Endpoint() string { return s.URL + s.Base }

// Inject makes requests of kind for repo fail as f says; path selects one
// file ("" for all).
func (s *Server) Inject(repo, kind, path string, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[Key{repo, kind, path}] = &fault{Fault: f}
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = map[Key]*fault{}
}

// TakeFault counts a request of kind and returns the fault that applies to
// it (the one for its path first, then the one for every path), counting
// the hit; nil for none.
func (s *Server) TakeFault(repo, kind, path string) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[kind]++
	for _, k := range []Key{{repo, kind, path}, {repo, kind, ""}} {
		f, ok := s.faults[k]
		if !ok || (f.Times > 0 && f.hits >= f.Times) {
			continue
		}
		f.hits++
		ff := f.Fault
		return &ff
	}
	return nil
}

// Apply writes the headers of f and, when it has a status or a redirect,
// the whole answer; it reports whether it did.
func (s *Server) Apply(w http.ResponseWriter, r *http.Request, f *Fault) bool {
	if f == nil {
		return false
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	for k, v := range f.Header {
		w.Header().Set(k, v)
	}
	switch {
	case f.Redirect != "":
		http.Redirect(w, r, f.Redirect, http.StatusFound)
		return true
	case f.Status != 0:
		msg := f.Message
		if msg == "" {
			msg = http.StatusText(f.Status)
		}
		s.writeError(w, f.Status, f.Code, msg)
		return true
	}
	return false
}

// SetLatency delays every request by d (for benchmarks).
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// Requests is the number of requests served under Base.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.seen)
}

// Seen returns the requests served under Base, in order.
func (s *Server) Seen() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.seen...)
}

// Count is the number of requests of a kind.
func (s *Server) Count(kind string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[kind]
}

// CountFile counts a download request for one file.
func (s *Server) CountFile(repo, path string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fileReqs[repo+"/"+path]++
}

// FileRequests is the number of download requests for one file.
func (s *Server) FileRequests(repo, path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.fileReqs[repo+"/"+path]
}

// BytesServed is the number of file bytes sent by ServeFile.
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
	var out []string
	for _, r := range s.seen {
		tok, _ := strings.CutPrefix(r.Authorization, "Bearer ")
		out = append(out, tok)
	}
	return out
}

// WriteJSON writes v as JSON with status, applying the body effects of f
// (nil for none).
func WriteJSON(w http.ResponseWriter, r *http.Request, status int, v any, f *Fault) {
	b, _ := json.Marshal(v)
	if f != nil && f.Body != nil {
		b = f.Body
	}
	if f != nil && f.Truncate {
		b = b[:len(b)/2]
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	writeBody(w, r, b, f)
}

// writeBody writes b with the slow or dripping effects of f.
func writeBody(w http.ResponseWriter, r *http.Request, b []byte, f *Fault) {
	flush := func() {
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
	}
	switch {
	case f != nil && f.Drip > 0:
		for i := range b {
			if _, err := w.Write(b[i : i+1]); err != nil {
				return
			}
			flush()
			if !SleepCtx(r, f.Drip) {
				return
			}
		}
	case f != nil && f.SlowBody > 0:
		half := min(len(b)/2, 16)
		w.Write(b[:half])
		flush()
		if !SleepCtx(r, f.SlowBody) {
			return
		}
		w.Write(b[half:])
	default:
		w.Write(b)
	}
}

// ServeFile serves the bytes of a file with Range support, applying the
// effects of f (nil for none), and counts the bytes sent.
func (s *Server) ServeFile(w http.ResponseWriter, r *http.Request, b []byte, f *Fault) {
	cw := &countingWriter{ResponseWriter: w}
	defer func() {
		s.mu.Lock()
		s.served += cw.n
		s.mu.Unlock()
	}()
	if f != nil && f.Cut > 0 && f.Cut < len(b) {
		b = b[:f.Cut]
	}
	if f != nil && f.IgnoreRange {
		r.Header.Del("Range")
	}
	if f != nil && (f.SlowBody > 0 || f.Drip > 0) {
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		writeBody(cw, r, b, f)
		return
	}
	http.ServeContent(cw, r, "", time.Time{}, bytes.NewReader(b))
}

// SleepCtx waits d or until the client goes away; it reports whether the
// client is still there.
func SleepCtx(r *http.Request, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// GitOID is the git blob id of b.
func GitOID(b []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(b))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// SHA is a stable fake commit id for a name in a namespace.
func SHA(namespace, name string) string {
	h := sha1.Sum([]byte(namespace + ":" + name))
	return hex.EncodeToString(h[:])
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
