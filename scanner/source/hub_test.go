package source_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/carveout/carveout/internal/fakes/fakehub"
	"github.com/carveout/carveout/scanner/source"
	"github.com/carveout/carveout/scanner/source/sourcetest"
)

const testToken = "hf_SECRETtokenDoNotLeak1234567890"

func fixtureRepo(fx sourcetest.Fixture) fakehub.Repo {
	return fakehub.Repo{
		ID:    "org/fixture",
		Files: fx.Files,
		CardData: map[string]any{
			"license":      "other",
			"license_name": "llama3.1",
			"license_link": "LICENSE",
			"base_model":   "meta-llama/Llama-3.1-8B",
		},
		BaseModels: &fakehub.BaseModels{Relation: "finetune", IDs: []string{"meta-llama/Llama-3.1-8B"}},
		Tags:       []string{"text-generation", "license:other"},
		Refs:       map[string]string{"v1.0": "1111111111111111111111111111111111111111"},
	}
}

// hubConfig returns a config for srv whose sleeps are recorded, not slept.
func hubConfig(srv *fakehub.Server, sleeps *[]time.Duration) source.HubConfig {
	return source.HubConfig{
		Endpoint: srv.Endpoint(),
		Token:    testToken,
		Client:   srv.Client(),
		Sleep: func(d time.Duration) {
			if sleeps != nil {
				*sleeps = append(*sleeps, d)
			}
		},
		Timeout: 5 * time.Second,
	}
}

func TestConformanceHub(t *testing.T) {
	fx := sourcetest.Standard()
	var srv *fakehub.Server
	fx.Served = func() int64 { return srv.BytesServed() }
	srv = fakehub.New(fixtureRepo(fx))
	defer srv.Close()
	srv.SetPageSize(3) // exercise pagination
	sourcetest.RunConformance(t, func(t *testing.T) source.Source {
		src, err := source.NewHub(context.Background(), "org/fixture", "", hubConfig(srv, nil))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := src.List(context.Background()); err != nil { // sizes for ReadRange clamping
			t.Fatal(err)
		}
		return src
	}, fx)
	// Without listing first, ReadRange relies on the server's Range support.
	sourcetest.RunConformance(t, func(t *testing.T) source.Source {
		src, err := source.NewHub(context.Background(), "org/fixture", "", hubConfig(srv, nil))
		if err != nil {
			t.Fatal(err)
		}
		return src
	}, fx)
}

func TestHubMetadata(t *testing.T) {
	fx := sourcetest.Standard()
	srv := fakehub.New(fixtureRepo(fx), fakehub.Repo{
		ID:       "meta-llama/Llama-3.1-8B",
		Gated:    "manual",
		CardData: map[string]any{"license": "llama3.1"},
		Files:    map[string][]byte{"README.md": []byte("# Llama\n")},
	})
	defer srv.Close()
	ctx := context.Background()
	src, err := source.NewHub(ctx, "org/fixture", "v1.0", hubConfig(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	if src.Target() != "hf:org/fixture@v1.0" {
		t.Errorf("Target = %q", src.Target())
	}
	md, _ := src.Metadata(ctx)
	if md.Revision != "1111111111111111111111111111111111111111" || md.ID != "org/fixture" || md.Service != "hf" ||
		strings.Join(md.License, ",") != "other" || md.LicenseName != "llama3.1" || md.LicenseLink != "LICENSE" ||
		len(md.BaseModels) != 1 || md.BaseModels[0] != (source.BaseModel{ID: "meta-llama/Llama-3.1-8B", Relation: "finetune"}) ||
		md.Gated != "" || len(md.Tags) != 2 || md.URL != srv.Endpoint()+"/org/fixture" {
		t.Errorf("Metadata = %+v", md)
	}
	// Files are fetched at the resolved sha.
	rc, err := src.Open(ctx, "README.md", 3)
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	files, _ := src.List(ctx)
	for _, f := range files {
		if f.Path == "model.safetensors" && !f.LFS || f.Path == "config.json" && f.LFS {
			t.Errorf("LFS flag wrong: %+v", f)
		}
	}
	parent, err := src.(*source.Hub).ModelInfo(ctx, "meta-llama/Llama-3.1-8B")
	if err != nil {
		t.Fatal(err)
	}
	if parent.Gated != "manual" || strings.Join(parent.License, ",") != "llama3.1" || parent.Revision != fakehub.SHA("meta-llama/Llama-3.1-8B") {
		t.Errorf("ModelInfo = %+v", parent)
	}
	for _, tok := range srv.Tokens() {
		if tok != testToken {
			t.Errorf("request with token %q", tok)
		}
	}
}

// TestHubErrors checks every error path and that the token never shows.
func TestHubErrors(t *testing.T) {
	fx := sourcetest.Standard()
	gated := fakehub.Repo{ID: "org/gated", Gated: "auto", Files: map[string][]byte{"README.md": []byte("x")}}
	private := fakehub.Repo{ID: "org/private", Private: true, Files: map[string][]byte{"README.md": []byte("x")}}
	ctx := context.Background()
	type tc struct {
		name   string
		setup  func(srv *fakehub.Server)
		call   func(cfg source.HubConfig) error
		want   error
		substr string
		sleeps int
	}
	newFixture := func(cfg source.HubConfig) error {
		_, err := source.NewHub(ctx, "org/fixture", "", cfg)
		return err
	}
	readme := func(cfg source.HubConfig) error {
		src, err := source.NewHub(ctx, "org/fixture", "", cfg)
		if err != nil {
			return err
		}
		_, err = src.ReadRange(ctx, "README.md", 0, 10)
		return err
	}
	cases := []tc{
		{name: "repo not found", call: func(cfg source.HubConfig) error {
			_, err := source.NewHub(ctx, "org/nope", "", cfg)
			return err
		}, want: source.ErrNotFound, substr: "/api/models/org/nope"},
		{name: "revision not found", call: func(cfg source.HubConfig) error {
			_, err := source.NewHub(ctx, "org/fixture", "refs/pr/9", cfg)
			return err
		}, want: source.ErrNotFound, substr: "revision/refs%2Fpr%2F9"},
		{name: "file not found", call: func(cfg source.HubConfig) error {
			src, _ := source.NewHub(ctx, "org/fixture", "", cfg)
			_, err := src.Open(ctx, "nope.json", 0)
			return err
		}, want: source.ErrNotFound, substr: "/resolve/" + fakehub.SHA("org/fixture") + "/nope.json"},
		{name: "gated without access", setup: func(srv *fakehub.Server) { srv.Add(gated) }, call: func(cfg source.HubConfig) error {
			src, err := source.NewHub(ctx, "org/gated", "", cfg)
			if err != nil {
				return err
			}
			_, err = src.Open(ctx, "README.md", 0)
			return err
		}, want: source.ErrGated, substr: "accept its terms on"},
		{name: "gated 403 without X-Error-Code", setup: func(srv *fakehub.Server) {
			srv.Add(gated)
			srv.Inject("org/gated", fakehub.KindResolve, "", fakehub.Fault{Status: 403})
		}, call: func(cfg source.HubConfig) error {
			src, err := source.NewHub(ctx, "org/gated", "", cfg)
			if err != nil {
				return err
			}
			_, err = src.Open(ctx, "README.md", 0)
			return err
		}, want: source.ErrGated, substr: "HF_TOKEN"},
		{name: "private", setup: func(srv *fakehub.Server) { srv.Add(private) }, call: func(cfg source.HubConfig) error {
			_, err := source.NewHub(ctx, "org/private", "", cfg)
			return err
		}, want: source.ErrNotFound, substr: "HF_TOKEN"},
		{name: "401", setup: func(srv *fakehub.Server) {
			srv.Inject("org/fixture", fakehub.KindInfo, "", fakehub.Fault{Status: 401, Message: "Invalid credentials in Authorization header " + testToken})
		}, call: newFixture, want: source.ErrUnauthorized, substr: "Invalid credentials"},
		{name: "403", setup: func(srv *fakehub.Server) {
			srv.Inject("org/fixture", fakehub.KindResolve, "", fakehub.Fault{Status: 403})
		}, call: readme, want: source.ErrUnauthorized, substr: "403"},
		{name: "429 retried then rate limited", setup: func(srv *fakehub.Server) {
			srv.Inject("org/fixture", fakehub.KindInfo, "", fakehub.Fault{Status: 429, RetryAfter: "7"})
		}, call: newFixture, want: source.ErrRateLimited, substr: "429", sleeps: source.DefaultMaxRetries},
		{name: "429 asks too long", setup: func(srv *fakehub.Server) {
			srv.Inject("org/fixture", fakehub.KindInfo, "", fakehub.Fault{Status: 429, Header: map[string]string{"RateLimit": `"api";r=0;t=3600`}})
		}, call: newFixture, want: source.ErrRateLimited, substr: "wait 1h0m0s"},
		{name: "500 then OK", setup: func(srv *fakehub.Server) {
			srv.Inject("org/fixture", fakehub.KindInfo, "", fakehub.Fault{Status: 500, Times: 2})
		}, call: newFixture, sleeps: 2},
		{name: "503 forever", setup: func(srv *fakehub.Server) {
			srv.Inject("org/fixture", fakehub.KindResolve, "README.md", fakehub.Fault{Status: 503})
		}, call: readme, want: source.ErrUnavailable, substr: "503", sleeps: source.DefaultMaxRetries},
		{name: "truncated JSON", setup: func(srv *fakehub.Server) {
			srv.Inject("org/fixture", fakehub.KindInfo, "", fakehub.Fault{Truncate: true})
		}, call: newFixture, substr: "invalid JSON response"},
		{name: "truncated tree", setup: func(srv *fakehub.Server) {
			srv.Inject("org/fixture", fakehub.KindTree, "", fakehub.Fault{Truncate: true})
		}, call: func(cfg source.HubConfig) error {
			src, _ := source.NewHub(ctx, "org/fixture", "", cfg)
			_, err := src.List(ctx)
			return err
		}, substr: "/tree/" + fakehub.SHA("org/fixture")},
		{name: "slow body", setup: func(srv *fakehub.Server) {
			srv.Inject("org/fixture", fakehub.KindInfo, "", fakehub.Fault{SlowBody: 2 * time.Second})
		}, call: func(cfg source.HubConfig) error {
			cfg.Timeout = 200 * time.Millisecond
			return newFixture(cfg)
		}, substr: "timed out"},
		{name: "offline", call: func(cfg source.HubConfig) error {
			cfg.Offline = true
			return newFixture(cfg)
		}, want: source.ErrOffline},
		{name: "invalid id", call: func(cfg source.HubConfig) error {
			_, err := source.NewHub(ctx, "../etc", "", cfg)
			return err
		}, substr: "invalid Hugging Face model id"},
		{name: "no client", call: func(cfg source.HubConfig) error {
			cfg.Client = nil
			return newFixture(cfg)
		}, substr: "Client is required"},
		{name: "ignored range far away", setup: func(srv *fakehub.Server) {
			srv.Inject("org/fixture", fakehub.KindResolve, "", fakehub.Fault{IgnoreRange: true})
		}, call: func(cfg source.HubConfig) error {
			src, _ := source.NewHub(ctx, "org/fixture", "", cfg)
			_, err := src.ReadRange(ctx, "model.safetensors", 3<<20, 10)
			return err
		}, substr: "ignored the Range request"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := fakehub.New(fixtureRepo(fx))
			defer srv.Close()
			if c.setup != nil {
				c.setup(srv)
			}
			var sleeps []time.Duration
			err := c.call(hubConfig(srv, &sleeps))
			if c.want == nil && c.substr == "" {
				if err != nil {
					t.Fatalf("err = %v", err)
				}
			} else if err == nil {
				t.Fatal("no error")
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
			if err != nil && !strings.Contains(err.Error(), c.substr) {
				t.Errorf("err = %v, want it to contain %q", err, c.substr)
			}
			if err != nil && strings.Contains(err.Error(), testToken) {
				t.Errorf("error leaks the token: %v", err)
			}
			if c.sleeps != 0 && len(sleeps) != c.sleeps {
				t.Errorf("slept %d times (%v), want %d", len(sleeps), sleeps, c.sleeps)
			}
			if err != nil {
				t.Logf("%v", err)
			}
		})
	}
}

func TestHubRetryDelays(t *testing.T) {
	srv := fakehub.New(fixtureRepo(sourcetest.Standard()))
	defer srv.Close()
	srv.Inject("org/fixture", fakehub.KindInfo, "", fakehub.Fault{Status: 429, Times: 1, RetryAfter: "7"})
	var sleeps []time.Duration
	if _, err := source.NewHub(context.Background(), "org/fixture", "", hubConfig(srv, &sleeps)); err != nil {
		t.Fatal(err)
	}
	if len(sleeps) != 1 || sleeps[0] != 7*time.Second {
		t.Errorf("sleeps = %v, want [7s]", sleeps)
	}
	date := time.Now().Add(20 * time.Second).UTC().Format(http.TimeFormat)
	srv.Inject("org/fixture", fakehub.KindInfo, "", fakehub.Fault{Status: 503, Times: 1, RetryAfter: date})
	sleeps = nil
	if _, err := source.NewHub(context.Background(), "org/fixture", "", hubConfig(srv, &sleeps)); err != nil {
		t.Fatal(err)
	}
	if len(sleeps) != 1 || sleeps[0] < 15*time.Second || sleeps[0] > 21*time.Second {
		t.Errorf("sleeps = %v, want about 20s", sleeps)
	}
	srv.Inject("org/fixture", fakehub.KindInfo, "", fakehub.Fault{Status: 500, Times: 3})
	sleeps = nil
	if _, err := source.NewHub(context.Background(), "org/fixture", "", hubConfig(srv, &sleeps)); err != nil {
		t.Fatal(err)
	}
	if len(sleeps) != 3 || sleeps[0] != time.Second || sleeps[1] != 2*time.Second || sleeps[2] != 4*time.Second {
		t.Errorf("sleeps = %v, want [1s 2s 4s]", sleeps)
	}
}

func TestHubBoundedDownloads(t *testing.T) {
	fx := sourcetest.Standard()
	srv := fakehub.New(fixtureRepo(fx))
	defer srv.Close()
	ctx := context.Background()
	src, err := source.NewHub(ctx, "org/fixture", "", hubConfig(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	// A header read: 8 bytes, then the header.
	b, err := src.ReadRange(ctx, "model.safetensors", 0, 8)
	if err != nil || len(b) != 8 {
		t.Fatal(b, err)
	}
	if _, err := src.ReadRange(ctx, "model.safetensors", 8, 100); err != nil {
		t.Fatal(err)
	}
	if n := srv.BytesServed(); n != 108 {
		t.Errorf("served %d bytes, want 108", n)
	}
	// A server ignoring Range: only what is needed is read, then the
	// connection is closed.
	srv.Inject("org/fixture", fakehub.KindResolve, "", fakehub.Fault{IgnoreRange: true})
	b, err = src.ReadRange(ctx, "model.safetensors", 100, 10)
	if err != nil || string(b) != string(fx.Files["model.safetensors"][100:110]) {
		t.Errorf("ReadRange with Range ignored = %q, %v", b, err)
	}
	rc, err := src.Open(ctx, "model.safetensors", 4)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(rc)
	rc.Close()
	if len(b) != 4 {
		t.Errorf("Open(4) with Range ignored read %d bytes", len(b))
	}
	if srv.FileRequests("org/fixture", "model.safetensors") != 4 {
		t.Errorf("%d requests", srv.FileRequests("org/fixture", "model.safetensors"))
	}
}

func TestHubStrayAbsoluteURL(t *testing.T) {
	// The fake Hub only answers under its base path: a client that drops
	// the endpoint's path fails.
	srv := fakehub.New(fixtureRepo(sourcetest.Standard()))
	defer srv.Close()
	cfg := hubConfig(srv, nil)
	cfg.Endpoint = srv.URL
	if _, err := source.NewHub(context.Background(), "org/fixture", "", cfg); err == nil || !strings.Contains(err.Error(), "418") {
		t.Errorf("err = %v, want HTTP 418", err)
	}
}

func TestHFTokenFromEnv(t *testing.T) {
	home := t.TempDir()
	os.WriteFile(filepath.Join(home, "token"), []byte("hf_fromfile\n"), 0o600)
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"HF_TOKEN": "hf_env", "HF_HOME": home}, "hf_env"},
		{map[string]string{"HUGGING_FACE_HUB_TOKEN": "hf_old", "HF_HOME": home}, "hf_old"},
		{map[string]string{"HF_HOME": home}, "hf_fromfile"},
		{map[string]string{"HF_TOKEN_PATH": filepath.Join(home, "token")}, "hf_fromfile"},
		{map[string]string{"HOME": filepath.Join(home, "nohome")}, ""},
		{map[string]string{}, ""},
	} {
		if got := source.HFTokenFromEnv(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("HFTokenFromEnv(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

func TestHubSiblingsFallback(t *testing.T) {
	fx := sourcetest.Standard()
	srv := fakehub.New(fixtureRepo(fx))
	defer srv.Close()
	srv.Inject("org/fixture", fakehub.KindTree, "", fakehub.Fault{Status: 404})
	src, err := source.NewHub(context.Background(), "org/fixture", "", hubConfig(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	files, err := src.List(context.Background())
	if err != nil || len(files) != len(fx.Files) || files[0].Size != -1 {
		t.Errorf("List = %v, %v", files, err)
	}
}

// TestHubConcurrent uses one Hub from many goroutines (run with -race).
func TestHubConcurrent(t *testing.T) {
	fx := sourcetest.Standard()
	srv := fakehub.New(fixtureRepo(fx))
	defer srv.Close()
	ctx := context.Background()
	src, err := source.NewHub(ctx, "org/fixture", "", hubConfig(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		go func() {
			if _, err := src.List(ctx); err != nil {
				errs <- err
				return
			}
			b, err := src.ReadRange(ctx, "model.safetensors", 0, 8)
			if err == nil && len(b) != 8 {
				err = errors.New("short read")
			}
			errs <- err
		}()
	}
	for i := 0; i < 16; i++ {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
	if n := srv.Count(fakehub.KindTree); n != 1 {
		t.Errorf("%d tree requests, want 1 (List is cached)", n)
	}
}
