// Package fakeregistry is a fake OCI distribution registry for tests, on
// the shared fakeserver core: manifests (OCI image manifests, optionally
// behind an index) and blobs with Range support under /v2/, and, when
// auth is required, the Docker bearer-token challenge answered by a token
// service on another origin.
package fakeregistry

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/carveout/carveout/internal/fakes/fakeserver"
)

// Media types.
const (
	License  = "application/vnd.docker.ai.license"
	GGUF     = "application/vnd.docker.ai.gguf.v3"
	Config   = "application/vnd.docker.ai.model.config.v0.1+json"
	Manifest = "application/vnd.oci.image.manifest.v1+json"
	Index    = "application/vnd.oci.image.index.v1+json"
)

// Kinds of request, for faults and counters.
const (
	KindManifest = "manifest"
	KindBlob     = "blob"
	KindToken    = "token"
)

// Fault is an error injected into responses.
type Fault = fakeserver.Fault

// Layer is one layer of an artifact.
type Layer struct {
	MediaType string
	Data      []byte
	// Missing names the layer in the manifest but the registry does not
	// have its blob.
	Missing bool
	// Served, when not nil, is what the registry serves instead of Data
	// (a blob that does not match its digest).
	Served []byte
}

// Server is a running fake registry with its token service.
type Server struct {
	*fakeserver.Server
	Auth *fakeserver.Server

	mu        sync.Mutex
	manifests map[string]map[string][]byte // repo -> tag or digest -> manifest
	blobs     map[string]map[string][]byte // repo -> digest -> bytes
	user      string
	pass      string
	auth      bool
	issued    map[string]bool
	realm     string
}

// SetRealm makes the challenge name realm as the token service instead of
// the fake's own (a realm carveout must refuse, or one on another host).
func (s *Server) SetRealm(realm string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.realm = realm
}

// New starts a registry (anonymous access until RequireAuth).
func New() *Server {
	s := &Server{manifests: map[string]map[string][]byte{}, blobs: map[string]map[string][]byte{}, issued: map[string]bool{}}
	s.Server = fakeserver.New("fakeregistry", "/v2", registryError, s.serve)
	s.Server.Start()
	s.Auth = fakeserver.New("fakeregistry-auth", "/auth", registryError, s.serveToken)
	s.Auth.Start()
	return s
}

// Close stops both servers.
func (s *Server) Close() {
	s.Server.Close()
	s.Auth.Close()
}

// Host is the registry's host:port, for references.
func (s *Server) Host() string { return strings.TrimPrefix(s.URL, "http://") }

// RequireAuth makes every registry request need a bearer token from the
// token service, which grants one for the basic credentials user:pass
// (anonymously when user is "").
func (s *Server) RequireAuth(user, pass string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.auth, s.user, s.pass = true, user, pass
}

// Digest is the sha256 digest of b.
func Digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

type descriptor struct {
	MediaType string `json:"mediaType"`
	Digest    string `json:"digest"`
	Size      int64  `json:"size"`
}

// Push stores an artifact under repo:tag and returns its manifest digest.
// With index the tag names an OCI index whose first entry is the
// manifest.
func (s *Server) Push(repo, tag string, index bool, layers ...Layer) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.manifests[repo] == nil {
		s.manifests[repo], s.blobs[repo] = map[string][]byte{}, map[string][]byte{}
	}
	cfg := []byte(`{"config":{"format":"gguf"}}`)
	s.blobs[repo][Digest(cfg)] = cfg
	m := struct {
		SchemaVersion int          `json:"schemaVersion"`
		MediaType     string       `json:"mediaType"`
		Config        descriptor   `json:"config"`
		Layers        []descriptor `json:"layers"`
	}{2, Manifest, descriptor{Config, Digest(cfg), int64(len(cfg))}, []descriptor{}}
	for _, l := range layers {
		m.Layers = append(m.Layers, descriptor{l.MediaType, Digest(l.Data), int64(len(l.Data))})
		if l.Missing {
			continue
		}
		b := l.Data
		if l.Served != nil {
			b = l.Served
		}
		s.blobs[repo][Digest(l.Data)] = b
	}
	mb, _ := json.Marshal(m)
	dig := Digest(mb)
	s.manifests[repo][dig] = mb
	top := mb
	if index {
		ix := struct {
			SchemaVersion int          `json:"schemaVersion"`
			MediaType     string       `json:"mediaType"`
			Manifests     []descriptor `json:"manifests"`
		}{2, Index, []descriptor{{"application/vnd.example.other+json", Digest([]byte("x")), 1}, {Manifest, dig, int64(len(mb))}}}
		top, _ = json.Marshal(ix)
		s.manifests[repo][Digest(top)] = top
	}
	s.manifests[repo][tag] = top
	return dig
}

func registryError(w http.ResponseWriter, status int, code, msg string) {
	if code == "" {
		code = "UNKNOWN"
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"code": code, "message": msg}}})
}

// serve is /v2/<repo>/manifests/<ref> and /v2/<repo>/blobs/<digest>.
func (s *Server) serve(w http.ResponseWriter, r *http.Request, tok string) {
	p := strings.TrimPrefix(r.URL.Path, "/")
	kind, repo, ref := "", "", ""
	for _, k := range []string{"manifests", "blobs"} {
		if i := strings.LastIndex(p, "/"+k+"/"); i > 0 {
			repo, ref = p[:i], p[i+len(k)+2:]
			kind = map[string]string{"manifests": KindManifest, "blobs": KindBlob}[k]
			break
		}
	}
	if kind == "" {
		registryError(w, http.StatusNotFound, "NOT_FOUND", "no route "+r.URL.Path)
		return
	}
	f := s.TakeFault(repo, kind, ref)
	s.mu.Lock()
	auth, granted, realm := s.auth, s.issued[tok], s.realm
	s.mu.Unlock()
	if realm == "" {
		realm = s.Auth.URL + "/auth/token"
	}
	if auth && !granted {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="%s",service="fakeregistry",scope="repository:%s:pull"`, realm, repo))
		registryError(w, http.StatusUnauthorized, "UNAUTHORIZED", "authentication required")
		return
	}
	if s.Apply(w, r, f) {
		return
	}
	s.mu.Lock()
	var b []byte
	var ok bool
	if kind == KindManifest {
		b, ok = s.manifests[repo][ref]
	} else {
		b, ok = s.blobs[repo][ref]
	}
	s.mu.Unlock()
	if !ok {
		code := "MANIFEST_UNKNOWN"
		if kind == KindBlob {
			code = "BLOB_UNKNOWN"
		}
		registryError(w, http.StatusNotFound, code, ref+" not found")
		return
	}
	if kind == KindManifest {
		var mt struct {
			MediaType string `json:"mediaType"`
		}
		json.Unmarshal(b, &mt)
		w.Header().Set("Content-Type", mt.MediaType)
		w.Header().Set("Docker-Content-Digest", Digest(b))
		fakeserver.WriteJSON(w, r, http.StatusOK, json.RawMessage(b), f)
		return
	}
	s.ServeFile(w, r, b, f)
}

// serveToken is the token service: /auth/token?service=&scope=.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request, _ string) {
	f := s.Auth.TakeFault("", KindToken, "")
	if s.Auth.Apply(w, r, f) {
		return
	}
	if r.URL.Path != "/token" || r.URL.Query().Get("service") != "fakeregistry" || !strings.HasPrefix(r.URL.Query().Get("scope"), "repository:") {
		registryError(w, http.StatusBadRequest, "BAD_REQUEST", "want /token?service=fakeregistry&scope=repository:...")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.user != "" {
		u, p, ok := r.BasicAuth()
		if !ok || u != s.user || p != s.pass {
			registryError(w, http.StatusUnauthorized, "UNAUTHORIZED", "bad credentials")
			return
		}
	}
	tok := "regtok-" + base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprint(len(s.issued)+1)))
	s.issued[tok] = true
	fakeserver.WriteJSON(w, r, http.StatusOK, map[string]string{"token": tok}, nil)
}
