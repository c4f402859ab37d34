package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/google/go-github/v62/github"

	"github.com/carveout/carveout/internal/lazy"
)

// DefaultGitHubAPI is the GitHub REST API base URL.
const DefaultGitHubAPI = "https://api.github.com/"

// GitHubConfig configures the GitHub source. Only Client is required.
type GitHubConfig struct {
	// BaseURL is the REST API base URL (default DefaultGitHubAPI). For
	// GitHub Enterprise Server it is https://HOST/api/v3/. The CLI takes it
	// from GITHUB_API_URL.
	BaseURL string
	// Token is a GitHub token (the CLI reads GITHUB_TOKEN, then GH_TOKEN).
	// It is sent only to BaseURL's origin (scheme, host and port), never on
	// a redirect to another origin, and never appears in errors; userinfo
	// in BaseURL likewise.
	Token string
	// Client sends the requests. Required; NewGitHub fails when it is nil.
	// It is copied, not modified.
	Client *http.Client
	// Offline makes every call fail with ErrOffline before any request.
	Offline bool
	// MaxRetries bounds the retries of 5xx, 429 and secondary rate limit
	// answers (0: DefaultMaxRetries, negative: none). The primary rate
	// limit (403/429 with X-RateLimit-Remaining: 0) is not retried: it is
	// reported with its reset time.
	MaxRetries int
	// MaxRetryWait is the longest wait between retries accepted
	// (0: DefaultMaxRetryWait).
	MaxRetryWait time.Duration
	// Timeout bounds each request, body included (0: DefaultTimeout).
	Timeout time.Duration
	// Sleep waits between retries; nil sleeps on a timer that stops when
	// the context is done.
	Sleep func(time.Duration)
	// UserAgent is sent with every request (default "carveout").
	UserAgent string
	// OnWait, when set, is told before each wait between retries what is
	// being waited for (the CLI prints it).
	OnWait func(msg string)
	// StallTimeout: a response body (API answers and file downloads alike)
	// that sends fewer than MinBodyBytes in this long is cut
	// (0: DefaultStallTimeout).
	StallTimeout time.Duration
}

// ghClient wraps go-github; no go-github type leaves this file.
type ghClient struct {
	gh      *github.Client
	token   string
	secrets []string
	base    *url.URL
	offline bool
	timeout time.Duration
	retry   retryPolicy
}

func newGHClient(cfg GitHubConfig) (*ghClient, error) {
	if cfg.Client == nil {
		return nil, errors.New("github: GitHubConfig.Client is required")
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultGitHubAPI
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	bu, user, err := splitUserinfo(base)
	if err != nil {
		return nil, fmt.Errorf("github: invalid API URL %q: %v", MaskUserinfo(cfg.BaseURL), err)
	}
	cred := credentials{origin: origin(bu), bearer: cfg.Token, user: user}
	hc := credentialClient(cfg.Client, cred, cfg.StallTimeout)
	gh := github.NewClient(hc)
	gh.BaseURL = bu
	gh.UserAgent = cfg.UserAgent
	if gh.UserAgent == "" {
		gh.UserAgent = defaultUserAgent
	}
	c := &ghClient{gh: gh, token: cfg.Token, secrets: cred.secrets(), base: bu, offline: cfg.Offline, timeout: cfg.Timeout,
		retry: newRetryPolicy(cfg.MaxRetries, cfg.MaxRetryWait, cfg.Sleep, cfg.OnWait)}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
	}
	return c, nil
}

// do runs one API call (which must use the context it is given) with a
// per-request timeout, retrying 5xx, 429 and secondary rate limits.
func (c *ghClient) do(ctx context.Context, what string, call func(ctx context.Context) (*github.Response, error)) error {
	if c.offline {
		return fmt.Errorf("%s: GitHub is not reachable in offline mode: %w", what, ErrOffline)
	}
	for attempt := 0; ; attempt++ {
		resp, err := call(ctx)
		if err == nil {
			return nil
		}
		wait, retry := c.retryable(err, attempt)
		if !retry || attempt >= c.retry.maxRetries || wait > c.retry.maxWait || ctx.Err() != nil {
			var hr *http.Response
			if resp != nil {
				hr = resp.Response
			}
			return c.mapErr(ctx, what, hr, err, attempt+1)
		}
		c.retry.notify(redactf(c.secrets, "%s: waiting %s before retry %d of %d", what, wait.Round(time.Second), attempt+1, c.retry.maxRetries).Error())
		if err := c.retry.sleep(ctx, wait); err != nil {
			return redactf(c.secrets, "%s: waiting to retry: %w", what, err)
		}
	}
}

func (c *ghClient) retryable(err error, attempt int) (time.Duration, bool) {
	var abuse *github.AbuseRateLimitError
	if errors.As(err, &abuse) {
		if abuse.RetryAfter != nil {
			return max(*abuse.RetryAfter, 0), true
		}
		return backoff(attempt), true
	}
	var er *github.ErrorResponse
	if errors.As(err, &er) && er.Response != nil {
		s := er.Response.StatusCode
		if s == http.StatusTooManyRequests || s >= 500 {
			return max(backoff(attempt), retryDelay(er.Response.Header, time.Now())), true
		}
	}
	return 0, false
}

// mapErr turns a go-github error into the package's errors, naming the URL.
func (c *ghClient) mapErr(ctx context.Context, what string, resp *http.Response, err error, attempts int) error {
	hint := ""
	if c.token == "" {
		hint = "; set GITHUB_TOKEN for a higher limit"
	}
	var rle *github.RateLimitError
	var abuse *github.AbuseRateLimitError
	var er *github.ErrorResponse
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &rle):
		reset := rle.Rate.Reset.Time.UTC()
		return redactf(c.secrets, "%s: %s: GitHub API rate limit exceeded (%d requests per hour); it resets at %s (in %s)%s: %w",
			what, reqURL(rle.Response), rle.Rate.Limit, reset.Format(time.RFC3339), time.Until(reset).Round(time.Second), hint, ErrRateLimited)
	case errors.As(err, &abuse):
		after := "later"
		if abuse.RetryAfter != nil {
			after = "in " + abuse.RetryAfter.Round(time.Second).String()
		}
		return redactf(c.secrets, "%s: %s: GitHub secondary rate limit exceeded (%s); retry %s: %w",
			what, reqURL(abuse.Response), cleanServerText(abuse.Message), after, ErrRateLimited)
	case errors.As(err, &er) && er.Response != nil:
		u := reqURL(er.Response)
		msg := cleanServerText(er.Message)
		switch s := er.Response.StatusCode; {
		case s == http.StatusNotFound:
			h := ""
			if c.token == "" {
				h = " (if it is private, set GITHUB_TOKEN)"
			}
			return redactf(c.secrets, "%s: %s: HTTP 404 %s%s: %w", what, u, msg, h, ErrNotFound)
		case s == http.StatusUnauthorized:
			return redactf(c.secrets, "%s: %s: HTTP 401 %s; set GITHUB_TOKEN (or GH_TOKEN) to a valid token: %w", what, u, msg, ErrUnauthorized)
		case s == http.StatusForbidden:
			return redactf(c.secrets, "%s: %s: HTTP 403 %s: %w", what, u, msg, ErrUnauthorized)
		case s == http.StatusTooManyRequests:
			return redactf(c.secrets, "%s: %s: HTTP 429 after %s (%s): %w", what, u, attemptsText(attempts), msg, ErrRateLimited)
		case s >= 500:
			return redactf(c.secrets, "%s: %s: HTTP %d after %s: %w", what, u, s, attemptsText(attempts), ErrUnavailable)
		default:
			return redactf(c.secrets, "%s: %s: HTTP %d %s", what, u, s, msg)
		}
	case errors.As(err, &se) || errors.As(err, &te) || errors.Is(err, io.ErrUnexpectedEOF):
		return redactf(c.secrets, "%s: %s: invalid JSON response: %v", what, reqURL(resp), err)
	case ctx.Err() != nil:
		return redactf(c.secrets, "%s: %s: %w", what, transportError(err), ctx.Err())
	default:
		return redactf(c.secrets, "%s: %s", what, transportError(err))
	}
}

func reqURL(r *http.Response) string {
	if r == nil || r.Request == nil || r.Request.URL == nil {
		return "(no URL)"
	}
	u := *r.Request.URL
	u.User = nil
	return u.String()
}

// GitHub is a repository on GitHub, pinned to the commit its ref resolved
// to. Create it with NewGitHub.
type GitHub struct {
	c      *ghClient
	owner  string
	repo   string
	ref    string
	sha    string
	target string

	mu       sync.Mutex
	listed   bool
	files    []File
	problems []Problem
	sizes    map[string]int64
	md       *Metadata
}

var (
	ghNamePattern = lazy.Regexp(`^[A-Za-z0-9_.-]+$`)
	ghSHAPattern  = lazy.Regexp(`^([0-9a-f]{40}|[0-9a-f]{64})$`)
)

func checkGHName(kind, s string) error {
	if !ghNamePattern().MatchString(s) || s == "." || s == ".." {
		return fmt.Errorf("invalid GitHub %s %q", kind, s)
	}
	return nil
}

// NewGitHub returns the repository owner/repo at ref (a branch, tag or
// commit; "" for the default branch), resolved to its commit sha at once;
// every file is then read at that sha. Target is "gh:owner/repo" or
// "gh:owner/repo@ref". The returned Source is a *GitHub, which also
// implements ProblemLister (symlinks and submodules are not followed).
//
// Errors: ErrOffline, ErrNotFound, ErrUnauthorized, ErrRateLimited (with
// the reset time), ErrUnavailable, or a message naming the URL.
func NewGitHub(ctx context.Context, owner, repo, ref string, cfg GitHubConfig) (Source, error) {
	if err := checkGHName("owner", owner); err != nil {
		return nil, err
	}
	if err := checkGHName("repository", repo); err != nil {
		return nil, err
	}
	c, err := newGHClient(cfg)
	if err != nil {
		return nil, err
	}
	g := &GitHub{c: c, owner: owner, repo: repo, ref: ref, target: "gh:" + owner + "/" + repo}
	if ref != "" {
		g.target += "@" + ref
	}
	what := "github " + owner + "/" + repo
	if ref == "" {
		var r *github.Repository
		err := c.do(ctx, what, func(ctx context.Context) (*github.Response, error) {
			ctx, cancel := context.WithTimeout(ctx, c.timeout)
			defer cancel()
			var resp *github.Response
			var err error
			r, resp, err = c.gh.Repositories.Get(ctx, owner, repo)
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		ref = r.GetDefaultBranch()
		if ref == "" {
			return nil, fmt.Errorf("%s: GitHub reports no default branch (empty repository?)", what)
		}
		g.md = &Metadata{URL: MaskUserinfo(r.GetHTMLURL())}
	}
	err = c.do(ctx, what, func(ctx context.Context) (*github.Response, error) {
		ctx, cancel := context.WithTimeout(ctx, c.timeout)
		defer cancel()
		sha, resp, err := c.gh.Repositories.GetCommitSHA1(ctx, owner, repo, ref, "")
		g.sha = strings.TrimSpace(sha)
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	if !ghSHAPattern().MatchString(g.sha) {
		return nil, fmt.Errorf("%s: GitHub did not return a commit sha for ref %q", what, ref)
	}
	return g, nil
}

// Target returns "gh:owner/repo" or "gh:owner/repo@ref".
func (g *GitHub) Target() string { return g.target }

// SHA returns the commit the files are read at.
func (g *GitHub) SHA() string { return g.sha }

func (g *GitHub) what() string { return "github " + g.owner + "/" + g.repo }

// maxTreeRequests bounds the requests of a truncated tree walk.
const maxTreeRequests = 10000

// List returns every regular file at the pinned commit, from the git trees
// API (recursive; when GitHub truncates a large tree, walked one tree at a
// time).
func (g *GitHub) List(ctx context.Context) ([]File, error) {
	files, _, err := g.ListWithProblems(ctx)
	return files, err
}

// ListWithProblems is List plus the entries left out: symlinks,
// submodules, and paths that are not clean relative paths.
func (g *GitHub) ListWithProblems(ctx context.Context) ([]File, []Problem, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.listed {
		return append([]File(nil), g.files...), append([]Problem(nil), g.problems...), nil
	}
	var files []File
	var problems []Problem
	add := func(prefix string, entries []*github.TreeEntry) []string {
		var subtrees []string
		for _, e := range entries {
			p := e.GetPath()
			if prefix != "" {
				p = prefix + "/" + p
			}
			if q, err := CleanPath(p); err != nil || q != p {
				problems = append(problems, Problem{Path: p, Message: "unsafe path in the git tree", Err: ErrUnsafePath})
				continue
			}
			switch {
			case e.GetType() == "tree":
				subtrees = append(subtrees, p+"\x00"+e.GetSHA())
			case e.GetType() == "commit" || e.GetMode() == "160000":
				problems = append(problems, Problem{Path: p, Message: "git submodule, not scanned"})
			case e.GetMode() == "120000":
				problems = append(problems, Problem{Path: p, Message: "symlink, not followed"})
			case e.GetType() == "blob":
				files = append(files, File{Path: p, Size: int64(e.GetSize())})
			}
		}
		return subtrees
	}
	tree, err := g.getTree(ctx, g.sha, true)
	if err != nil {
		return nil, nil, err
	}
	if !tree.GetTruncated() {
		add("", tree.Entries)
	} else {
		// Too big for one answer: walk it tree by tree.
		files, problems = nil, nil
		queue := []string{"\x00" + g.sha}
		for n := 0; len(queue) > 0; n++ {
			if n >= maxTreeRequests {
				return nil, nil, fmt.Errorf("%s: tree too large (more than %d directories)", g.what(), maxTreeRequests)
			}
			prefix, sha, _ := strings.Cut(queue[0], "\x00")
			queue = queue[1:]
			t, err := g.getTree(ctx, sha, false)
			if err != nil {
				return nil, nil, err
			}
			queue = append(queue, add(prefix, t.Entries)...)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	sort.SliceStable(problems, func(i, j int) bool { return problems[i].Path < problems[j].Path })
	if files == nil {
		files = []File{}
	}
	g.files, g.problems, g.listed = files, problems, true
	g.sizes = make(map[string]int64, len(files))
	for _, f := range files {
		g.sizes[f.Path] = f.Size
	}
	return append([]File(nil), files...), append([]Problem(nil), problems...), nil
}

func (g *GitHub) getTree(ctx context.Context, sha string, recursive bool) (*github.Tree, error) {
	var tree *github.Tree
	err := g.c.do(ctx, g.what(), func(ctx context.Context) (*github.Response, error) {
		ctx, cancel := context.WithTimeout(ctx, g.c.timeout)
		defer cancel()
		var resp *github.Response
		var err error
		tree, resp, err = g.c.gh.Git.GetTree(ctx, g.owner, g.repo, sha, recursive)
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	return tree, nil
}

// contentsURL is the contents API path of a file at the pinned commit,
// relative to the API base URL.
func (g *GitHub) contentsURL(p string) string {
	return "repos/" + g.owner + "/" + g.repo + "/contents/" + escapePath(p) + "?ref=" + url.QueryEscape(g.sha)
}

// openRaw downloads n bytes at off (n <= 0: to the end) of a file through
// the contents API's raw media type, with a Range header.
func (g *GitHub) openRaw(ctx context.Context, p string, off, n int64) (io.ReadCloser, error) {
	rel := g.contentsURL(p)
	full := g.c.base.String() + rel
	var out io.ReadCloser
	err := g.c.do(ctx, g.what(), func(ctx context.Context) (*github.Response, error) {
		req, err := g.c.gh.NewRequest(http.MethodGet, rel, nil)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Accept", "application/vnd.github.raw+json")
		if r := rangeHeader(off, n); r != "" {
			req.Header.Set("Range", r)
		}
		rctx, cancel := context.WithTimeout(ctx, g.c.timeout)
		resp, err := g.c.gh.BareDo(rctx, req)
		if err != nil {
			cancel()
			var er *github.ErrorResponse
			if errors.As(err, &er) && er.Response != nil && er.Response.StatusCode == http.StatusRequestedRangeNotSatisfiable {
				out = io.NopCloser(strings.NewReader(""))
				return resp, nil
			}
			return resp, err
		}
		hr := resp.Response
		hr.Body = &cancelBody{ReadCloser: hr.Body, cancel: cancel}
		out, err = rangeResponse(hr, full, off, n, g.c.secrets)
		return resp, err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// notListed reports a path missing from a tree already listed (the
// contents API would answer a directory listing for a directory).
func (g *GitHub) notListed(q string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if _, ok := g.sizes[q]; g.listed && !ok {
		return fmt.Errorf("%s: %s: not a file in the tree at %s: %w", g.what(), q, g.sha, ErrNotFound)
	}
	return nil
}

// Open downloads at most limit bytes of the file (limit <= 0: all of it).
func (g *GitHub) Open(ctx context.Context, p string, limit int64) (io.ReadCloser, error) {
	q, err := CleanPath(p)
	if err != nil {
		return nil, err
	}
	if err := g.notListed(q); err != nil {
		return nil, err
	}
	rc, err := g.openRaw(ctx, q, 0, limit)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	size, known := g.sizes[q]
	g.mu.Unlock()
	if !known {
		size = -1
	}
	return expectBytes(rc, expected(size, 0, limit), g.what()+" "+q, g.c.secrets), nil
}

// ReadRange downloads n bytes at off with a Range request.
func (g *GitHub) ReadRange(ctx context.Context, p string, off, n int64) ([]byte, error) {
	q, err := CleanPath(p)
	if err != nil {
		return nil, err
	}
	if err := checkRange(q, off, n); err != nil {
		return nil, err
	}
	if err := g.notListed(q); err != nil {
		return nil, err
	}
	g.mu.Lock()
	size, known := g.sizes[q]
	g.mu.Unlock()
	if known {
		if off >= size {
			return []byte{}, nil
		}
		n = min(n, size-off)
	}
	if n == 0 {
		return []byte{}, nil
	}
	rc, err := g.openRaw(ctx, q, off, n)
	if err != nil {
		return nil, err
	}
	if !known {
		size = -1
	}
	return readAllClose(expectBytes(rc, expected(size, off, n), g.what()+" "+q, g.c.secrets), nil)
}

// Metadata returns the repository's page and GitHub's own license
// detection (the license API's SPDX id and the file it picked), recorded as
// GitHub's opinion. No detected license is not an error.
func (g *GitHub) Metadata(ctx context.Context) (*Metadata, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.md != nil && g.md.Service != "" {
		md := copyMetadata(g.md)
		return &md, nil
	}
	md := Metadata{ID: g.owner + "/" + g.repo, Revision: g.sha, Service: "github"}
	if g.md != nil {
		md.URL = g.md.URL
	}
	if md.URL == "" {
		var r *github.Repository
		err := g.c.do(ctx, g.what(), func(ctx context.Context) (*github.Response, error) {
			ctx, cancel := context.WithTimeout(ctx, g.c.timeout)
			defer cancel()
			var resp *github.Response
			var err error
			r, resp, err = g.c.gh.Repositories.Get(ctx, g.owner, g.repo)
			return resp, err
		})
		if err != nil {
			return nil, err
		}
		md.URL = MaskUserinfo(r.GetHTMLURL())
	}
	var lic *github.RepositoryLicense
	err := g.c.do(ctx, g.what(), func(ctx context.Context) (*github.Response, error) {
		ctx, cancel := context.WithTimeout(ctx, g.c.timeout)
		defer cancel()
		var resp *github.Response
		var err error
		lic, resp, err = g.c.gh.Repositories.License(ctx, g.owner, g.repo)
		return resp, err
	})
	switch {
	case errors.Is(err, ErrNotFound):
		// GitHub found no license.
	case err != nil:
		return nil, err
	default:
		if id := lic.GetLicense().GetSPDXID(); id != "" {
			md.License = []string{id}
		} else if key := lic.GetLicense().GetKey(); key != "" {
			md.License = []string{key}
		}
		md.LicensePath = lic.GetPath()
	}
	g.md = &md
	c := copyMetadata(&md)
	return &c, nil
}

// maxOrgPages bounds the pagination of GitHubOrgRepos (100 per page).
const maxOrgPages = 1000

// GitHubOrgRepos returns the full names (owner/name) of every repository
// of the organization org, sorted. When org is a user account rather than
// an organization, the user's repositories are listed.
func GitHubOrgRepos(ctx context.Context, org string, cfg GitHubConfig) ([]string, error) {
	if err := checkGHName("organization", org); err != nil {
		return nil, err
	}
	c, err := newGHClient(cfg)
	if err != nil {
		return nil, err
	}
	what := "github organization " + org
	var names []string
	user := false
	for page := 1; page != 0; {
		if page > maxOrgPages {
			return nil, fmt.Errorf("%s: more than %d pages of repositories", what, maxOrgPages)
		}
		var repos []*github.Repository
		var next int
		err := c.do(ctx, what, func(ctx context.Context) (*github.Response, error) {
			ctx, cancel := context.WithTimeout(ctx, c.timeout)
			defer cancel()
			lo := github.ListOptions{PerPage: 100, Page: page}
			var resp *github.Response
			var err error
			if user {
				repos, resp, err = c.gh.Repositories.ListByUser(ctx, org, &github.RepositoryListByUserOptions{ListOptions: lo})
			} else {
				repos, resp, err = c.gh.Repositories.ListByOrg(ctx, org, &github.RepositoryListByOrgOptions{ListOptions: lo})
			}
			if resp != nil {
				next = resp.NextPage
			}
			return resp, err
		})
		if err != nil {
			if !user && page == 1 && errors.Is(err, ErrNotFound) {
				user = true
				continue
			}
			return nil, err
		}
		for _, r := range repos {
			if n := r.GetFullName(); n != "" {
				names = append(names, n)
			}
		}
		if next != 0 && next <= page {
			return nil, fmt.Errorf("%s: pagination loop", what)
		}
		page = next
	}
	sort.Strings(names)
	return names, nil
}
