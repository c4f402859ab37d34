package source_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/carveout/carveout/internal/fakes/fakegithub"
	"github.com/carveout/carveout/scanner/source"
	"github.com/carveout/carveout/scanner/source/sourcetest"
)

const ghToken = "ghp_SECRETgithubTokenDoNotLeak123456"

func ghConfig(srv *fakegithub.Server, sleeps *[]time.Duration) source.GitHubConfig {
	return source.GitHubConfig{
		BaseURL: srv.APIURL(),
		Token:   ghToken,
		Client:  srv.Client(),
		Timeout: 5 * time.Second,
		Sleep: func(d time.Duration) {
			if sleeps != nil {
				*sleeps = append(*sleeps, d)
			}
		},
	}
}

func ghFixture(fx sourcetest.Fixture) fakegithub.Repo {
	return fakegithub.Repo{
		Owner: "org", Name: "fixture", Files: fx.Files,
		LicenseSPDX: "NOASSERTION", LicensePath: "LICENSE",
		Refs: []string{"v1.0"},
	}
}

func TestConformanceGitHub(t *testing.T) {
	fx := sourcetest.Standard()
	var srv *fakegithub.Server
	fx.Served = func() int64 { return srv.BytesServed() }
	srv = fakegithub.New(ghFixture(fx))
	defer srv.Close()
	sourcetest.RunConformance(t, func(t *testing.T) source.Source {
		src, err := source.NewGitHub(context.Background(), "org", "fixture", "", ghConfig(srv, nil))
		if err != nil {
			t.Fatal(err)
		}
		return src
	}, fx)
	// A tree too large for one answer is walked tree by tree.
	big := ghFixture(fx)
	big.Name = "truncated"
	big.TruncateTree = true
	srv.Add(big)
	sourcetest.RunConformance(t, func(t *testing.T) source.Source {
		src, err := source.NewGitHub(context.Background(), "org", "truncated", "v1.0", ghConfig(srv, nil))
		if err != nil {
			t.Fatal(err)
		}
		return src
	}, fx)
}

func TestGitHubMetadataAndProblems(t *testing.T) {
	fx := sourcetest.Standard()
	repo := ghFixture(fx)
	repo.Symlinks = map[string]string{"link": "../../etc/passwd"}
	repo.Submodules = []string{"third_party/sub"}
	srv := fakegithub.New(repo)
	defer srv.Close()
	ctx := context.Background()
	src, err := source.NewGitHub(ctx, "org", "fixture", "v1.0", ghConfig(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	if src.Target() != "gh:org/fixture@v1.0" {
		t.Errorf("Target = %q", src.Target())
	}
	md, err := src.Metadata(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := source.Metadata{ID: "org/fixture", Revision: fakegithub.SHA("org/fixture"), Service: "github",
		URL: srv.URL + "/org/fixture", License: []string{"NOASSERTION"}, LicensePath: "LICENSE"}
	if fmt.Sprint(*md) != fmt.Sprint(want) {
		t.Errorf("Metadata = %+v\nwant %+v", *md, want)
	}
	_, problems, err := source.ListAll(ctx, src)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 2 || problems[0].Path != "link" || problems[1].Path != "third_party/sub" {
		t.Errorf("problems = %v", problems)
	}
	for _, tok := range srv.Tokens() {
		if tok != ghToken {
			t.Errorf("request with token %q", tok)
		}
	}
	// No license detected is not an error.
	srv.Add(fakegithub.Repo{Owner: "org", Name: "nolicense", Files: map[string][]byte{"a": []byte("a")}})
	src, err = source.NewGitHub(ctx, "org", "nolicense", "", ghConfig(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	md, err = src.Metadata(ctx)
	if err != nil || md.License != nil || md.URL == "" {
		t.Errorf("Metadata = %+v, %v", md, err)
	}
}

func TestGitHubErrors(t *testing.T) {
	fx := sourcetest.Standard()
	ctx := context.Background()
	newFixture := func(cfg source.GitHubConfig) error {
		_, err := source.NewGitHub(ctx, "org", "fixture", "", cfg)
		return err
	}
	for _, c := range []struct {
		name   string
		setup  func(*fakegithub.Server)
		call   func(source.GitHubConfig) error
		want   error
		substr string
	}{
		{name: "repo not found", call: func(cfg source.GitHubConfig) error {
			_, err := source.NewGitHub(ctx, "org", "nope", "", cfg)
			return err
		}, want: source.ErrNotFound, substr: "/gh-base/repos/org/nope"},
		{name: "file not found", call: func(cfg source.GitHubConfig) error {
			src, err := source.NewGitHub(ctx, "org", "fixture", "", cfg)
			if err != nil {
				return err
			}
			_, err = src.ReadRange(ctx, "nope.txt", 0, 1)
			return err
		}, want: source.ErrNotFound, substr: "contents/nope.txt"},
		{name: "private without token", setup: func(s *fakegithub.Server) {
			s.Add(fakegithub.Repo{Owner: "org", Name: "private", Private: true, Tokens: []string{"other"}})
		}, call: func(cfg source.GitHubConfig) error {
			cfg.Token = ""
			_, err := source.NewGitHub(ctx, "org", "private", "", cfg)
			return err
		}, want: source.ErrNotFound, substr: "set GITHUB_TOKEN"},
		{name: "401", setup: func(s *fakegithub.Server) {
			s.Inject("org/fixture", fakegithub.KindRepo, fakegithub.Fault{Status: 401, Message: "Bad credentials " + ghToken})
		}, call: newFixture, want: source.ErrUnauthorized, substr: "Bad credentials"},
		{name: "primary rate limit", setup: func(s *fakegithub.Server) {
			s.Inject("org/fixture", fakegithub.KindCommit, fakegithub.RateLimited(30*time.Minute))
		}, call: newFixture, want: source.ErrRateLimited, substr: "resets at"},
		{name: "secondary rate limit", setup: func(s *fakegithub.Server) {
			s.Inject("org/fixture", fakegithub.KindRepo, fakegithub.Secondary("600"))
		}, call: newFixture, want: source.ErrRateLimited, substr: "secondary rate limit"},
		{name: "429", setup: func(s *fakegithub.Server) {
			s.Inject("org/fixture", fakegithub.KindRepo, fakegithub.Fault{Status: 429})
		}, call: newFixture, want: source.ErrRateLimited, substr: "429"},
		{name: "500 then OK", setup: func(s *fakegithub.Server) {
			s.Inject("org/fixture", fakegithub.KindTree, fakegithub.Fault{Status: 502, Times: 2})
		}, call: func(cfg source.GitHubConfig) error {
			src, err := source.NewGitHub(ctx, "org", "fixture", "", cfg)
			if err != nil {
				return err
			}
			_, err = src.List(ctx)
			return err
		}},
		{name: "503 forever", setup: func(s *fakegithub.Server) {
			s.Inject("org/fixture", fakegithub.KindContents, fakegithub.Fault{Status: 503})
		}, call: func(cfg source.GitHubConfig) error {
			src, err := source.NewGitHub(ctx, "org", "fixture", "", cfg)
			if err != nil {
				return err
			}
			_, err = src.Open(ctx, "README.md", 10)
			return err
		}, want: source.ErrUnavailable, substr: "503"},
		{name: "truncated JSON", setup: func(s *fakegithub.Server) {
			s.Inject("org/fixture", fakegithub.KindTree, fakegithub.Fault{Truncate: true})
		}, call: func(cfg source.GitHubConfig) error {
			src, err := source.NewGitHub(ctx, "org", "fixture", "", cfg)
			if err != nil {
				return err
			}
			_, err = src.List(ctx)
			return err
		}, substr: "/git/trees/"},
		{name: "offline", call: func(cfg source.GitHubConfig) error {
			cfg.Offline = true
			return newFixture(cfg)
		}, want: source.ErrOffline},
		{name: "no client", call: func(cfg source.GitHubConfig) error {
			cfg.Client = nil
			return newFixture(cfg)
		}, substr: "Client is required"},
		{name: "bad owner", call: func(cfg source.GitHubConfig) error {
			_, err := source.NewGitHub(ctx, "../x", "fixture", "", cfg)
			return err
		}, substr: "invalid GitHub owner"},
		{name: "stray absolute URL", call: func(cfg source.GitHubConfig) error {
			cfg.BaseURL = strings.TrimSuffix(cfg.BaseURL, fakegithub.Base+"/")
			return newFixture(cfg)
		}, substr: "418"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := fakegithub.New(ghFixture(fx))
			defer srv.Close()
			if c.setup != nil {
				c.setup(srv)
			}
			err := c.call(ghConfig(srv, nil))
			if c.want == nil && c.substr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			t.Log(err)
			if c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("err = %v, want %v", err, c.want)
			}
			if !strings.Contains(err.Error(), c.substr) {
				t.Errorf("err = %v, want it to contain %q", err, c.substr)
			}
			if strings.Contains(err.Error(), ghToken) {
				t.Errorf("error leaks the token: %v", err)
			}
		})
	}
}

func TestGitHubOrgRepos(t *testing.T) {
	var repos []fakegithub.Repo
	for i := 0; i < 7; i++ {
		repos = append(repos, fakegithub.Repo{Owner: "acme", Name: fmt.Sprintf("repo%d", i)})
	}
	repos = append(repos, fakegithub.Repo{Owner: "other", Name: "x"})
	srv := fakegithub.New(repos...)
	defer srv.Close()
	srv.SetPerPage(3)
	got, err := source.GitHubOrgRepos(context.Background(), "acme", ghConfig(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 7 || got[0] != "acme/repo0" || got[6] != "acme/repo6" {
		t.Errorf("GitHubOrgRepos = %v", got)
	}
	if n := srv.Count(fakegithub.KindOrg); n != 3 {
		t.Errorf("%d org requests, want 3 pages", n)
	}
	if _, err := source.GitHubOrgRepos(context.Background(), "nobody", ghConfig(srv, nil)); !errors.Is(err, source.ErrNotFound) {
		t.Errorf("GitHubOrgRepos(nobody) = %v", err)
	}
}

func TestGitHubListedNotFound(t *testing.T) {
	fx := sourcetest.Standard()
	srv := fakegithub.New(ghFixture(fx))
	defer srv.Close()
	ctx := context.Background()
	src, err := source.NewGitHub(ctx, "org", "fixture", "", ghConfig(srv, nil))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.List(ctx); err != nil {
		t.Fatal(err)
	}
	before := srv.Count(fakegithub.KindContents)
	for _, p := range []string{"original", "adapters/lora", "nope"} {
		if _, err := src.Open(ctx, p, 0); !errors.Is(err, source.ErrNotFound) {
			t.Errorf("Open(%s) = %v, want ErrNotFound", p, err)
		}
	}
	if srv.Count(fakegithub.KindContents) != before {
		t.Error("a path missing from the tree was requested")
	}
}
