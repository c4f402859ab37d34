package source_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/carveout/carveout/internal/fakes/fakehub"
	"github.com/carveout/carveout/scanner/source"
)

func TestHubAuthorModels(t *testing.T) {
	var repos []fakehub.Repo
	var want []string
	for _, n := range []string{"e", "a", "c", "b", "d"} {
		repos = append(repos, fakehub.Repo{ID: "acme/" + n})
		want = append(want, "acme/"+n)
	}
	repos = append(repos, fakehub.Repo{ID: "other/x"}, fakehub.Repo{ID: "acme/secret", Private: true, Granted: []string{"tok"}})
	srv := fakehub.New(repos...)
	defer srv.Close()
	srv.SetPageSize(2)
	ctx := context.Background()
	cfg := hubConfig(srv, nil)
	got, err := source.HubAuthorModels(ctx, "acme", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != "acme/a acme/b acme/c acme/d acme/e" {
		t.Errorf("models %q, want %q (sorted, no private one, every page)", got, want)
	}
	if n := srv.Count(fakehub.KindList); n != 3 {
		t.Errorf("%d list requests, want 3 pages of 2", n)
	}
	cfg.Token = "tok"
	got, err = source.HubAuthorModels(ctx, "acme", cfg)
	if err != nil || !strings.Contains(strings.Join(got, " "), "acme/secret") {
		t.Errorf("with a granted token: %q, %v; want the private model too", got, err)
	}
	cfg.Token = ""
	if got, err := source.HubAuthorModels(ctx, "nobody", cfg); err != nil || len(got) != 0 {
		t.Errorf("author without models: %q, %v", got, err)
	}
	for _, bad := range []string{"", "a/b", "..", "a b", "-x"} {
		if _, err := source.HubAuthorModels(ctx, bad, cfg); err == nil {
			t.Errorf("author %q: no error", bad)
		}
	}
	cfg.Offline = true
	if _, err := source.HubAuthorModels(ctx, "acme", cfg); !errors.Is(err, source.ErrOffline) {
		t.Errorf("offline: %v", err)
	}
}

func TestHubAuthorModelsFaults(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		fault fakehub.Fault
		want  string
	}{
		{"invalid JSON", fakehub.Fault{Body: []byte(`{"not":"a list"}`)}, "invalid JSON"},
		{"invalid id", fakehub.Fault{Body: []byte(`[{"id":"../etc"}]`)}, "invalid id"},
		{"link off the endpoint", fakehub.Fault{Header: map[string]string{"Link": `<https://elsewhere.example/api/models?cursor=2>; rel="next"`}}, "leaves the Hub endpoint"},
		{"pagination loop", fakehub.Fault{Times: 0, Header: map[string]string{"Link": `<` + fakehub.Base + `/api/models?author=acme&limit=100>; rel="next"`}}, "pagination loop"},
		{"unauthorized", fakehub.Fault{Status: 401}, "HTTP 401"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := fakehub.New(fakehub.Repo{ID: "acme/a"})
			defer srv.Close()
			srv.Inject("acme", fakehub.KindList, "", tc.fault)
			_, err := source.HubAuthorModels(ctx, "acme", hubConfig(srv, nil))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "/api/models?") && tc.name != "pagination loop" {
				t.Errorf("err = %v, want %q naming the URL", err, tc.want)
			}
		})
	}
}
