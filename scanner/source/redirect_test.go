package source_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/carveout/carveout/internal/fakes/fakegithub"
	"github.com/carveout/carveout/internal/fakes/fakehub"
	"github.com/carveout/carveout/scanner/source"
)

// storage is a second server (another origin: same host, another port)
// that records the Authorization headers it receives and serves body.
type storage struct {
	*httptest.Server
	mu    sync.Mutex
	auths []string
}

func newStorage(body string) *storage {
	s := &storage{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.auths = append(s.auths, r.Header.Get("Authorization"))
		s.mu.Unlock()
		io.WriteString(w, body)
	}))
	return s
}

func (s *storage) seen() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.auths...)
}

// TestHubCredentialsStayOnOrigin: a file request answered with a redirect
// to another origin (as real downloads are, to LFS/Xet storage) follows it
// without the token; a redirect within the endpoint's origin keeps it; a
// redirect loop is cut.
func TestHubCredentialsStayOnOrigin(t *testing.T) {
	store := newStorage("stored bytes")
	defer store.Close()
	srv := fakehub.New(fakehub.Repo{ID: "org/m", Files: map[string][]byte{"README.md": []byte("card"), "LICENSE": []byte("license text"), "loop": []byte("x")}})
	defer srv.Close()
	srv.Inject("org/m", fakehub.KindResolve, "README.md", fakehub.Fault{Redirect: store.URL + "/lfs/readme"})
	ctx := context.Background()
	src, err := source.NewHub(ctx, "org/m", "", hubConfig(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject("org/m", fakehub.KindResolve, "NOTICE", fakehub.Fault{Redirect: src.(*source.Hub).FileURL("LICENSE")})
	srv.Inject("org/m", fakehub.KindResolve, "loop", fakehub.Fault{Redirect: src.(*source.Hub).FileURL("loop")})

	b, err := src.ReadRange(ctx, "README.md", 0, 100)
	if err != nil || string(b) != "stored bytes" {
		t.Fatalf("README.md through the redirect: %q, %v", b, err)
	}
	for _, a := range store.seen() {
		if a != "" {
			t.Errorf("the other origin received Authorization %q", a)
		}
	}
	if len(store.seen()) != 1 {
		t.Errorf("storage requests = %d, want 1", len(store.seen()))
	}
	// Same origin: the token is kept (the endpoint's own redirects).
	b, err = src.ReadRange(ctx, "NOTICE", 0, 100)
	if err != nil || string(b) != "license text" {
		t.Fatalf("NOTICE redirected to LICENSE: %q, %v", b, err)
	}
	for i, tok := range srv.Tokens() {
		if tok != testToken {
			t.Errorf("request %d to the endpoint had token %q, want the configured one", i, tok)
		}
	}
	// A loop is bounded.
	before := srv.Requests()
	_, err = src.ReadRange(ctx, "loop", 0, 100)
	if err == nil || !strings.Contains(err.Error(), "redirects") {
		t.Errorf("redirect loop: %v, want an error about redirects", err)
	}
	if n := srv.Requests() - before; n > 6 {
		t.Errorf("redirect loop made %d requests", n)
	}
}

// TestGitHubCredentialsStayOnOrigin is the same attack on the GitHub API.
func TestGitHubCredentialsStayOnOrigin(t *testing.T) {
	store := newStorage("stored bytes")
	defer store.Close()
	srv := fakegithub.New(fakegithub.Repo{Owner: "org", Name: "r", Files: map[string][]byte{"README.md": []byte("card")}})
	defer srv.Close()
	ctx := context.Background()
	src, err := source.NewGitHub(ctx, "org", "r", "", ghConfig(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject("org/r", fakegithub.KindContents, fakegithub.Fault{Redirect: store.URL + "/raw"})
	b, err := src.ReadRange(ctx, "README.md", 0, 100)
	if err != nil || string(b) != "stored bytes" {
		t.Fatalf("README.md through the redirect: %q, %v", b, err)
	}
	for _, a := range store.seen() {
		if a != "" {
			t.Errorf("the other origin received Authorization %q", a)
		}
	}
	if len(store.seen()) == 0 {
		t.Error("the redirect was not followed")
	}
	for i, tok := range srv.Tokens() {
		if tok != ghToken {
			t.Errorf("request %d to the API had token %q", i, tok)
		}
	}
}

// TestEndpointUserinfo: credentials written into HF_ENDPOINT or
// GITHUB_API_URL are sent to that origin only and never shown, whether
// user:password or a token alone.
func TestEndpointUserinfo(t *testing.T) {
	const pass = "s3cretPassw0rd"
	const tokUser = "hf_userinfoTokenNeverShown"
	hub := fakehub.New(fakehub.Repo{ID: "org/m", Files: map[string][]byte{"README.md": []byte("card")}})
	defer hub.Close()
	gh := fakegithub.New(fakegithub.Repo{Owner: "org", Name: "r", Files: map[string][]byte{"README.md": []byte("card")}})
	defer gh.Close()
	ctx := context.Background()
	for _, userinfo := range []string{"alice:" + pass, tokUser} {
		check := func(what, s string) {
			t.Helper()
			if strings.Contains(s, pass) || strings.Contains(s, tokUser) || strings.Contains(s, "alice") {
				t.Errorf("%s shows the userinfo: %s", what, s)
			}
		}
		// Hub, without a token: the userinfo is the credential.
		cfg := hubConfig(hub, nil)
		cfg.Token = ""
		cfg.Endpoint = strings.Replace(hub.Endpoint(), "://", "://"+userinfo+"@", 1)
		src, err := source.NewHub(ctx, "org/m", "", cfg)
		if err != nil {
			t.Fatal(err)
		}
		md, _ := src.Metadata(ctx)
		check("Metadata.URL", md.URL)
		check("FileURL", src.(*source.Hub).FileURL("README.md"))
		if md.URL != hub.Endpoint()+"/org/m" {
			t.Errorf("Metadata.URL = %q", md.URL)
		}
		hub.Inject("org/m", fakehub.KindResolve, "", fakehub.Fault{Status: 500, Message: "echo " + userinfo})
		_, err = src.ReadRange(ctx, "README.md", 0, 10)
		if err == nil {
			t.Fatal("want an error")
		}
		check("error", err.Error())
		hub.ClearFaults()
		seen := hub.Seen()
		if a := seen[len(seen)-1].Authorization; !strings.HasPrefix(a, "Basic ") {
			t.Errorf("userinfo not sent as basic authentication to its origin: %q", a)
		}
		_, err = source.NewHubClient(source.HubConfig{Endpoint: "ftp://" + userinfo + "@h/", Client: http.DefaultClient})
		if err == nil {
			t.Fatal("ftp endpoint accepted")
		}
		check("invalid endpoint error", err.Error())

		// GitHub.
		gcfg := ghConfig(gh, nil)
		gcfg.BaseURL = strings.Replace(gh.APIURL(), "://", "://"+userinfo+"@", 1)
		gsrc, err := source.NewGitHub(ctx, "org", "r", "", gcfg)
		if err != nil {
			t.Fatal(err)
		}
		gmd, _ := gsrc.Metadata(ctx)
		check("GitHub Metadata.URL", gmd.URL)
		gh.Inject("org/r", fakegithub.KindContents, fakegithub.Fault{Status: 500, Message: "echo " + userinfo})
		_, err = gsrc.ReadRange(ctx, "README.md", 0, 10)
		if err == nil {
			t.Fatal("want an error")
		}
		check("GitHub error", err.Error())
		gh.ClearFaults()
	}
}

// TestHubListingAttacks: entries with unclean paths are reported, not
// dropped; a listing longer than the cap fails; a download shorter than
// its listed size fails.
func TestHubListingAttacks(t *testing.T) {
	srv := fakehub.New(fakehub.Repo{ID: "org/m", Files: map[string][]byte{"README.md": []byte("card"), "LICENSE": []byte("full license text")}})
	defer srv.Close()
	for _, p := range []string{`legal\LICENSE`, "./LICENSE", "legal//EULA.txt", "../LICENSE", "/etc/passwd"} {
		srv.AddTreeEntry("org/m", fakehub.TreeEntry{Type: "file", Path: p, Size: 10})
	}
	ctx := context.Background()
	src, err := source.NewHub(ctx, "org/m", "", hubConfig(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	files, problems, err := source.ListAll(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || len(problems) != 5 {
		t.Errorf("files %v, problems %v; want 2 files and 5 problems", files, problems)
	}
	for _, p := range problems {
		if !errors.Is(p.Err, source.ErrUnsafePath) {
			t.Errorf("problem %v is not ErrUnsafePath", p)
		}
	}

	// Short download: the store holds fewer bytes than the listing says.
	srv.Inject("org/m", fakehub.KindResolve, "LICENSE", fakehub.Fault{Cut: 4})
	if b, err := src.ReadRange(ctx, "LICENSE", 0, 1000); !errors.Is(err, source.ErrShortBody) {
		t.Errorf("ReadRange of a short LICENSE = %q, %v; want ErrShortBody", b, err)
	}
	rc, err := src.Open(ctx, "LICENSE", 0)
	if err == nil {
		_, err = io.ReadAll(rc)
		rc.Close()
	}
	if !errors.Is(err, source.ErrShortBody) {
		t.Errorf("Open+ReadAll of a short LICENSE: %v; want ErrShortBody", err)
	}
	// A bounded read shorter than the file is not short.
	srv.ClearFaults()
	if b, err := src.ReadRange(ctx, "LICENSE", 0, 4); err != nil || string(b) != "full" {
		t.Errorf("ReadRange(0, 4) = %q, %v", b, err)
	}

	// A next-page link to another origin (the token would follow it).
	other, err := source.NewHub(ctx, "org/m", "", hubConfig(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject("org/m", fakehub.KindTree, "", fakehub.Fault{Header: map[string]string{"Link": `<http://127.0.0.1:1/hub-base/api/models/org/m/tree/main?cursor=1>; rel="next"`}})
	if _, err := other.List(ctx); err == nil || !strings.Contains(err.Error(), "leaves the Hub endpoint") {
		t.Errorf("next page on another origin: %v", err)
	}
	srv.ClearFaults()

	// Entry cap over all pages.
	cfg := hubConfig(srv, nil)
	cfg.MaxListEntries = 3
	srv.SetPageSize(2)
	capped, err := source.NewHub(ctx, "org/m", "", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := capped.List(ctx); err == nil || !strings.Contains(err.Error(), "more than 3 entries") {
		t.Errorf("List past the entry cap: %v", err)
	}
}

// TestSlowServers: a body dripping one byte at a time, or stalling, is cut
// after the stall timeout, not after the request timeout; a Retry-After
// beyond the cap on one wait fails at once.
func TestSlowServers(t *testing.T) {
	big := []byte(strings.Repeat("license text ", 1000))
	srv := fakehub.New(fakehub.Repo{ID: "org/m", Files: map[string][]byte{"LICENSE": big, "README.md": big}})
	defer srv.Close()
	gh := fakegithub.New(fakegithub.Repo{Owner: "org", Name: "r", Files: map[string][]byte{"LICENSE": big}})
	defer gh.Close()
	ctx := context.Background()
	const stall = 300 * time.Millisecond
	cfg := hubConfig(srv, nil)
	cfg.StallTimeout = stall
	cfg.Timeout = time.Minute
	src, err := source.NewHub(ctx, "org/m", "", cfg)
	if err != nil {
		t.Fatal(err)
	}
	gcfg := ghConfig(gh, nil)
	gcfg.StallTimeout = stall
	gcfg.Timeout = time.Minute
	gsrc, err := source.NewGitHub(ctx, "org", "r", "", gcfg)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject("org/m", fakehub.KindResolve, "LICENSE", fakehub.Fault{Drip: 20 * time.Millisecond})
	srv.Inject("org/m", fakehub.KindResolve, "README.md", fakehub.Fault{SlowBody: time.Minute})
	gh.Inject("org/r", fakegithub.KindContents, fakegithub.Fault{Drip: 20 * time.Millisecond})
	for _, tc := range []struct {
		name string
		read func() ([]byte, error)
	}{
		{"hub drip", func() ([]byte, error) { return src.ReadRange(ctx, "LICENSE", 0, int64(len(big))) }},
		{"hub stall", func() ([]byte, error) { return src.ReadRange(ctx, "README.md", 0, int64(len(big))) }},
		{"github drip", func() ([]byte, error) { return gsrc.ReadRange(ctx, "LICENSE", 0, int64(len(big))) }},
	} {
		start := time.Now()
		_, err := tc.read()
		el := time.Since(start)
		if !errors.Is(err, source.ErrStalled) || !strings.Contains(err.Error(), "GET ") {
			t.Errorf("%s: %v, want ErrStalled naming the URL", tc.name, err)
		}
		if el > 100*stall { // a generous bound: the error above says it was cut; this one says it was not a full read
			t.Errorf("%s: cut after %s, want about %s", tc.name, el, stall)
		}
	}

	// API answers drip too: the GitHub repository JSON, the Hub's info.
	gh.Inject("org/r", fakegithub.KindRepo, fakegithub.Fault{Drip: 20 * time.Millisecond})
	start := time.Now()
	if _, err := source.NewGitHub(ctx, "org", "r", "", gcfg); !errors.Is(err, source.ErrStalled) && !strings.Contains(fmt.Sprint(err), "stalled") {
		t.Errorf("GitHub API JSON dripping: %v, want the stall named", err)
	}
	srv.Inject("org/m", fakehub.KindInfo, "", fakehub.Fault{Drip: 20 * time.Millisecond})
	if _, err := source.NewHub(ctx, "org/m", "", cfg); err == nil || !strings.Contains(err.Error(), "stalled") {
		t.Errorf("Hub info JSON dripping: %v, want the stall named", err)
	}
	if el := time.Since(start); el > 200*stall {
		t.Errorf("dripping API answers cut after %s, want about %s each", el, stall)
	}
	srv.ClearFaults()

	// Retry-After: 120 is beyond the cap on one wait: no 8-minute sleep.
	var sleeps []time.Duration
	rcfg := hubConfig(srv, &sleeps)
	srv.Inject("org/m", fakehub.KindInfo, "", fakehub.Fault{Status: 429, RetryAfter: "120"})
	_, err = source.NewHub(ctx, "org/m", "", rcfg)
	if !errors.Is(err, source.ErrRateLimited) || len(sleeps) != 0 {
		t.Errorf("Retry-After 120: %v after sleeping %v; want ErrRateLimited at once", err, sleeps)
	}
}

// TestWaitIsSaid: before waiting to retry, the source says what it waits
// for.
func TestWaitIsSaid(t *testing.T) {
	srv := fakehub.New(fakehub.Repo{ID: "org/m", Files: map[string][]byte{"README.md": []byte("x")}})
	defer srv.Close()
	srv.Inject("org/m", fakehub.KindInfo, "", fakehub.Fault{Status: 503, Times: 1, RetryAfter: "3"})
	var said []string
	cfg := hubConfig(srv, nil)
	cfg.OnWait = func(m string) { said = append(said, m) }
	if _, err := source.NewHub(context.Background(), "org/m", "", cfg); err != nil {
		t.Fatal(err)
	}
	if len(said) != 1 || !strings.Contains(said[0], "HTTP 503; waiting 3s before retry 1 of") || !strings.Contains(said[0], "/api/models/org/m") {
		t.Errorf("said %q", said)
	}
}
