package source

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/carveout/carveout/internal/lazy"
)

// Bounds of HubAuthorModels: pages followed, and models listed over all of
// them (an author past them fails rather than scanning part of it).
const (
	maxAuthorPages         = 1000
	DefaultMaxAuthorModels = 10000
	authorPageSize         = 100
)

var hubAuthorPattern = lazy.Regexp(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// HubAuthorModels returns the ids (org/name) of every model of the Hub
// user or organization author, sorted, from the paginated
// GET /api/models?author=AUTHOR (following Link rel="next" as the Hub
// paginates, on the endpoint's origin only). Private models are listed
// when the token may see them. An author with no models is no ids and no
// error.
func HubAuthorModels(ctx context.Context, author string, cfg HubConfig) ([]string, error) {
	c, err := NewHubClient(cfg)
	if err != nil {
		return nil, err
	}
	return c.AuthorModels(ctx, author)
}

// AuthorModels is HubAuthorModels with the client's configuration.
func (c *HubClient) AuthorModels(ctx context.Context, author string) ([]string, error) {
	if !hubAuthorPattern().MatchString(author) || strings.Contains(author, "..") {
		return nil, fmt.Errorf("invalid Hugging Face author %q", author)
	}
	if c.offline {
		return nil, fmt.Errorf("hugging face author %s: the Hub is not reachable in offline mode: %w", author, ErrOffline)
	}
	ep, err := url.Parse(c.endpoint)
	if err != nil {
		return nil, err
	}
	q := url.Values{"author": {author}, "limit": {fmt.Sprint(authorPageSize)}}
	u := c.endpoint + "/api/models?" + q.Encode()
	d := c.doer
	d.classify = func(resp *http.Response, u string) error { return c.classify(resp, u, author, false) }
	seen := map[string]bool{}
	var ids []string
	for page := 0; u != ""; page++ {
		if page >= maxAuthorPages || seen[u] {
			return nil, fmt.Errorf("GET %s: too many pages or a pagination loop", u)
		}
		seen[u] = true
		var models []struct {
			ID string `json:"id"`
		}
		hdr, err := d.getJSON(ctx, u, &models)
		if err != nil {
			return nil, err
		}
		for _, m := range models {
			if err := CheckHubID(m.ID); err != nil || !strings.Contains(m.ID, "/") {
				return nil, redactf(d.secrets, "GET %s: the Hub lists a model with an invalid id %q", u, m.ID)
			}
			ids = append(ids, m.ID)
			if len(ids) > DefaultMaxAuthorModels {
				return nil, fmt.Errorf("hugging face author %s: more than %d models; carveout stops there (scan them with --from and --shard)", author, DefaultMaxAuthorModels)
			}
		}
		next := nextLink(hdr)
		if next == "" {
			break
		}
		nu, err := url.Parse(next)
		if err != nil {
			return nil, redactf(d.secrets, "GET %s: invalid next page link", u)
		}
		nu = ep.ResolveReference(nu)
		if origin(nu) != origin(ep) {
			return nil, redactf(d.secrets, "GET %s: next page link leaves the Hub endpoint (%s)", u, MaskUserinfo(nu.Redacted()))
		}
		u = nu.String()
	}
	sort.Strings(ids)
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out, nil
}
