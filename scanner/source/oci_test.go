package source_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carveout/carveout/internal/fakes/fakeregistry"
	"github.com/carveout/carveout/scanner"
	"github.com/carveout/carveout/scanner/rules"
	"github.com/carveout/carveout/scanner/source"
	"github.com/carveout/carveout/scanner/source/sourcetest"
)

func ociConfig(srv *fakeregistry.Server) source.OCIConfig {
	return source.OCIConfig{Client: localOnly(srv.Client()), Timeout: 5 * time.Second, Sleep: func(time.Duration) {}}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// localOnly is c refusing every host but 127.0.0.1 (no DNS, no network),
// saying which URL it refused.
func localOnly(c *http.Client) *http.Client {
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	hc := *c
	hc.Transport = roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Hostname() != "127.0.0.1" {
			return nil, errors.New("test refused " + r.URL.Scheme + "://" + r.URL.Host)
		}
		return base.RoundTrip(r)
	})
	return &hc
}

func pushFixture(srv *fakeregistry.Server, repo, tag string, index bool) sourcetest.Fixture {
	fx := ollamaFixture()
	srv.Push(repo, tag, index,
		fakeregistry.Layer{MediaType: fakeregistry.GGUF, Data: fx.Files["model.gguf"]},
		fakeregistry.Layer{MediaType: fakeregistry.License, Data: fx.Files["LICENSE-1"]},
		fakeregistry.Layer{MediaType: fakeregistry.License, Data: fx.Files["LICENSE-2"]},
	)
	fx.Served = srv.BytesServed
	return fx
}

func TestConformanceOCI(t *testing.T) {
	for _, index := range []bool{false, true} {
		srv := fakeregistry.New()
		defer srv.Close()
		srv.RequireAuth("alice", "s3cret")
		fx := pushFixture(srv, "ai/tiny", "1b", index)
		t.Run(map[bool]string{false: "manifest", true: "index"}[index], func(t *testing.T) {
			sourcetest.RunConformance(t, func(t *testing.T) source.Source {
				cfg := ociConfig(srv)
				cfg.Username, cfg.Password = "alice", "s3cret"
				src, err := source.NewOCI(context.Background(), srv.Host()+"/ai/tiny:1b", cfg)
				if err != nil {
					t.Fatal(err)
				}
				return src
			}, fx)
		})
		// Basic credentials went to the token service only, tokens to the
		// registry only.
		for _, r := range srv.Seen() {
			if strings.HasPrefix(r.Authorization, "Basic") || strings.Contains(r.Authorization, "s3cret") {
				t.Errorf("registry got %q", r.Authorization)
			}
		}
		for _, r := range srv.Auth.Seen() {
			if strings.HasPrefix(r.Authorization, "Bearer") {
				t.Errorf("token service got a bearer token %q", r.Authorization)
			}
			if r.Authorization != "Basic "+base64.StdEncoding.EncodeToString([]byte("alice:s3cret")) {
				t.Errorf("token service got %q, want the basic credentials", r.Authorization)
			}
		}
		if len(srv.Auth.Seen()) == 0 {
			t.Error("the token service was never asked")
		}
	}
}

func TestParseOCIRef(t *testing.T) {
	d := "sha256:" + strings.Repeat("ab", 32)
	for _, tc := range []struct{ in, want string }{
		{"docker.io/ai/smollm2", "docker.io ai/smollm2 latest "},
		{"docker.io/smollm2:360M", "docker.io library/smollm2 360M "},
		{"localhost:5000/acme/m@" + d, "localhost:5000 acme/m  " + d},
		{"ghcr.io/acme/models/tiny:v1@" + d, "ghcr.io acme/models/tiny v1 " + d},
		{"[::1]:5000/a:b", "[::1]:5000 a b "},
		{"nohost", ""},
		{"host/", ""},
		{"host/UPPER", ""},
		{"host/a:b:c", ""},
		{"host/a@sha256:zz", ""},
		{"host/../x", ""},
	} {
		r, err := source.ParseOCIRef(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("ParseOCIRef(%q) = %+v, want an error", tc.in, r)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseOCIRef(%q): %v", tc.in, err)
			continue
		}
		if got := r.Registry + " " + r.Repository + " " + r.Tag + " " + r.Digest; got != tc.want {
			t.Errorf("ParseOCIRef(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOCIErrors(t *testing.T) {
	ctx := context.Background()
	srv := fakeregistry.New()
	defer srv.Close()
	lic := []byte("MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\n")
	model := []byte("GGUF not really")
	srv.Push("acme/ok", "1", false, fakeregistry.Layer{MediaType: fakeregistry.License, Data: lic}, fakeregistry.Layer{MediaType: fakeregistry.GGUF, Data: model})
	srv.Push("acme/missing", "1", false, fakeregistry.Layer{MediaType: fakeregistry.License, Data: lic, Missing: true})
	srv.Push("acme/tampered", "1", false, fakeregistry.Layer{MediaType: fakeregistry.License, Data: lic, Served: append([]byte("X"), lic[1:]...)})
	cfg := ociConfig(srv)

	if _, err := source.NewOCI(ctx, srv.Host()+"/acme/absent:1", cfg); !errors.Is(err, source.ErrNotFound) || !strings.Contains(err.Error(), "/v2/acme/absent/manifests/1") {
		t.Errorf("absent repository: %v", err)
	}
	dig := "sha256:" + strings.Repeat("0", 64)
	if _, err := source.NewOCI(ctx, srv.Host()+"/acme/ok@"+dig, cfg); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("absent digest: %v", err)
	}
	for _, tc := range []struct{ repo, msg string }{
		{"acme/missing", "404"},
		{"acme/tampered", "does not match its digest"},
	} {
		src, err := source.NewOCI(ctx, srv.Host()+"/"+tc.repo+":1", cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, problems, err := source.ListAll(ctx, src)
		if err != nil || len(problems) != 1 || problems[0].Path != "LICENSE" || !strings.Contains(problems[0].Message, tc.msg) || !strings.Contains(problems[0].Message, "/v2/"+tc.repo+"/blobs/sha256:") {
			t.Errorf("%s: problems %v, err %v; want one naming the blob URL saying %q", tc.repo, problems, err, tc.msg)
		}
		r, err := scanner.Scan(ctx, src, scanner.Options{Lineage: scanner.TableResolver{}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Summary.Status != "fail" || !hasRule(r, rules.UnreadableFile) {
			t.Errorf("%s: status %s; want fail with %s", tc.repo, r.Summary.Status, rules.UnreadableFile)
		}
	}
	// A manifest served for a digest must hash to it.
	okDig := srv.Push("acme/pinned", "1", false, fakeregistry.Layer{MediaType: fakeregistry.License, Data: lic})
	if _, err := source.NewOCI(ctx, srv.Host()+"/acme/pinned@"+okDig, cfg); err != nil {
		t.Errorf("pinned by digest: %v", err)
	}
	srv.Inject("acme/pinned", fakeregistry.KindManifest, okDig, fakeregistry.Fault{Body: []byte(`{"schemaVersion":2,"layers":[]}`)})
	if _, err := source.NewOCI(ctx, srv.Host()+"/acme/pinned@"+okDig, cfg); err == nil || !strings.Contains(err.Error(), "not the digest asked for") {
		t.Errorf("manifest not matching its digest: %v", err)
	}
	// Wrong credentials: the token service refuses, the password is never
	// printed.
	srv.RequireAuth("alice", "s3cret")
	cfg.Username, cfg.Password = "alice", "wrong-pass"
	_, err := source.NewOCI(ctx, srv.Host()+"/acme/ok:1", cfg)
	if !errors.Is(err, source.ErrUnauthorized) || strings.Contains(err.Error(), "wrong-pass") {
		t.Errorf("bad credentials: %v", err)
	}
	// A fixed token (CARVEOUT_REGISTRY_TOKEN) goes to the registry only.
	cfg.Username, cfg.Password, cfg.Token = "", "", "fixed-token"
	if _, err := source.NewOCI(ctx, srv.Host()+"/acme/ok:1", cfg); !errors.Is(err, source.ErrUnauthorized) || strings.Contains(err.Error(), "fixed-token") {
		t.Errorf("fixed token the registry did not issue: %v", err)
	}
	cfg.Offline = true
	if _, err := source.NewOCI(ctx, srv.Host()+"/acme/ok:1", cfg); !errors.Is(err, source.ErrOffline) {
		t.Errorf("offline: %v", err)
	}
}

// A realm on plain http of another host is refused (https only, but for
// localhost and --insecure-registry hosts).
func TestOCIPlainHTTP(t *testing.T) {
	srv := fakeregistry.New()
	defer srv.Close()
	srv.Push("acme/ok", "1", false, fakeregistry.Layer{MediaType: fakeregistry.License, Data: []byte("x")})
	cfg := ociConfig(srv)
	// example.invalid is not localhost: https is used, so the request to
	// the test server's plain http port fails without reaching it as http.
	host := strings.Replace(srv.Host(), "127.0.0.1", "example.invalid", 1)
	if _, err := source.NewOCI(context.Background(), host+"/acme/ok:1", cfg); err == nil || !strings.Contains(err.Error(), "https://example.invalid") {
		t.Errorf("a non-local registry: %v, want an https request", err)
	}
}

func TestDockerCredentials(t *testing.T) {
	dir := t.TempDir()
	auth := base64.StdEncoding.EncodeToString([]byte("bob:pw:with:colons"))
	cfg := `{"auths":{"registry.example":{"auth":"` + auth + `"},"https://index.docker.io/v1/":{"auth":"` + base64.StdEncoding.EncodeToString([]byte("hub:hpw")) + `"},"bad.example":{"auth":"%%%"}},"credHelpers":{"ghcr.io":"gh"},"credsStore":"desktop"}`
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ reg, user, pass, note string }{
		{"registry.example", "bob", "pw:with:colons", ""},
		{"docker.io", "hub", "hpw", ""},
		{"ghcr.io", "", "", "docker-credential-gh"},
		{"other.example", "", "", "docker-credential-desktop"},
	} {
		u, p, note, err := source.DockerCredentials(dir, tc.reg)
		if err != nil || u != tc.user || p != tc.pass || !strings.Contains(note, tc.note) {
			t.Errorf("%s: %q %q %q %v", tc.reg, u, p, note, err)
		}
	}
	if _, _, _, err := source.DockerCredentials(dir, "bad.example"); err == nil || strings.Contains(err.Error(), "%%%") {
		t.Errorf("bad auth: %v", err)
	}
	if u, _, _, err := source.DockerCredentials(t.TempDir(), "x"); u != "" || err != nil {
		t.Errorf("no config: %q %v", u, err)
	}
}

// The token service must be https unless it is local or named insecure:
// a plain-http realm on another host is refused before any credential is
// sent.
func TestOCIRealmPlainHTTP(t *testing.T) {
	srv := fakeregistry.New()
	defer srv.Close()
	srv.Push("acme/ok", "1", false, fakeregistry.Layer{MediaType: fakeregistry.License, Data: []byte("x")})
	srv.RequireAuth("alice", "s3cret")
	srv.SetRealm("http://auth.example.invalid/token")
	cfg := ociConfig(srv)
	cfg.Username, cfg.Password = "alice", "s3cret"
	_, err := source.NewOCI(context.Background(), srv.Host()+"/acme/ok:1", cfg)
	if !errors.Is(err, source.ErrUnauthorized) || !strings.Contains(err.Error(), "not an https URL") || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("plain-http realm: %v", err)
	}
	cfg.Insecure = []string{"auth.example.invalid"}
	_, err = source.NewOCI(context.Background(), srv.Host()+"/acme/ok:1", cfg)
	if err == nil || strings.Contains(err.Error(), "not an https URL") {
		t.Errorf("realm named insecure: %v, want the request tried", err)
	}
}

// A blob the registry redirects to storage on another origin gets no
// token there, and is still read with a Range request.
func TestOCIRedirectedBlob(t *testing.T) {
	srv := fakeregistry.New()
	defer srv.Close()
	gguf := []byte("GGUF" + strings.Repeat("x", 5000))
	srv.Push("acme/m", "1", false, fakeregistry.Layer{MediaType: fakeregistry.GGUF, Data: gguf})
	srv.RequireAuth("", "")
	var got []string
	storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization")+"|"+r.Header.Get("Range"))
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(gguf))
	}))
	defer storage.Close()
	srv.Inject("acme/m", fakeregistry.KindBlob, fakeregistry.Digest(gguf), fakeregistry.Fault{Redirect: storage.URL + "/blob"})
	src, err := source.NewOCI(context.Background(), srv.Host()+"/acme/m:1", ociConfig(srv))
	if err != nil {
		t.Fatal(err)
	}
	b, err := src.ReadRange(context.Background(), "model.gguf", 0, 4)
	if err != nil || string(b) != "GGUF" {
		t.Fatalf("ReadRange = %q, %v", b, err)
	}
	if len(got) != 1 || got[0] != "|bytes=0-3" {
		t.Errorf("storage saw %q, want no Authorization and a Range", got)
	}
}
