// Package ghreport publishes a carveout run to GitHub: one check run with
// an annotation per failing finding, and one pull-request comment that is
// updated in place on re-runs (found again by a hidden marker), so a
// pull request never collects duplicates. It reads reports only (package
// report) and talks to the GitHub REST API through go-github.
package ghreport

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/go-github/v62/github"

	"github.com/carveout/carveout/scanner/format"
	"github.com/carveout/carveout/scanner/report"
)

// Marker starts the pull-request comment carveout owns.
const Marker = "<!-- carveout-report -->"

// GitHub limits: 50 annotations per request, 65,535 characters in a
// check run's summary and in a comment.
const (
	maxAnnotations = 50
	maxText        = 65535
)

// Config says where to publish.
type Config struct {
	// Client is the HTTP client (required; the caller owns timeouts).
	Client *http.Client
	// APIURL is the REST API base (GITHUB_API_URL), e.g.
	// https://api.github.com/ or https://ghe.example/api/v3/.
	APIURL string
	// Token authenticates (GITHUB_TOKEN); it is sent only to APIURL's host.
	Token string
	// Repository is OWNER/NAME (GITHUB_REPOSITORY).
	Repository string
	// SHA is the commit the check run is attached to (GITHUB_SHA, or the
	// pull request's head).
	SHA string
	// PullRequest is the pull request to comment on; 0 comments nowhere.
	PullRequest int
	// Options shape the Markdown and the annotations' paths.
	Options format.Options
}

// Result says what was published.
type Result struct {
	CheckRunID  int64
	CommentID   int64
	Updated     bool // the comment existed and was edited
	Annotations int
}

type auth struct {
	base  http.RoundTripper
	token string
	host  string
}

func (a *auth) RoundTrip(r *http.Request) (*http.Response, error) {
	if a.token != "" && r.URL.Host == a.host {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+a.token)
	}
	return a.base.RoundTrip(r)
}

// Publish writes the check run and the comment for the reports of a run.
func Publish(ctx context.Context, cfg Config, rs []*report.Report) (Result, error) {
	var res Result
	if cfg.Client == nil {
		return res, errors.New("github report: Config.Client is required")
	}
	owner, repo, ok := strings.Cut(cfg.Repository, "/")
	if !ok || owner == "" || repo == "" || strings.Contains(repo, "/") {
		return res, fmt.Errorf("github report: repository %q is not OWNER/NAME (GITHUB_REPOSITORY)", cfg.Repository)
	}
	if cfg.SHA == "" {
		return res, errors.New("github report: no commit sha (GITHUB_SHA)")
	}
	base := cfg.APIURL
	if base == "" {
		base = "https://api.github.com/"
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	bu, err := url.Parse(base)
	if err != nil || (bu.Scheme != "http" && bu.Scheme != "https") || bu.Host == "" {
		return res, fmt.Errorf("github report: invalid API URL %q", cfg.APIURL)
	}
	hc := *cfg.Client
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	hc.Transport = &auth{base: rt, token: cfg.Token, host: bu.Host}
	gh := github.NewClient(&hc)
	gh.BaseURL = bu

	var md bytes.Buffer
	if err := (format.Markdown{}).Encode(&md, rs, cfg.Options); err != nil {
		return res, err
	}
	body := clipText(md.String(), maxText-len(Marker)-1)

	// The check run, with its annotations in batches of 50.
	anns := Annotations(rs, cfg.Options)
	res.Annotations = len(anns)
	conclusion := "success"
	failing := 0
	for _, r := range rs {
		if r.Summary.Status == "fail" {
			conclusion = "failure"
			failing++
		}
	}
	title := fmt.Sprintf("carveout: %d of %d targets pass", len(rs)-failing, len(rs))
	first := anns
	if len(first) > maxAnnotations {
		first = first[:maxAnnotations]
	}
	cr, _, err := gh.Checks.CreateCheckRun(ctx, owner, repo, github.CreateCheckRunOptions{
		Name: "carveout", HeadSHA: cfg.SHA, Status: github.String("completed"), Conclusion: github.String(conclusion),
		Output: &github.CheckRunOutput{Title: github.String(title), Summary: github.String(body), Annotations: first},
	})
	if err != nil {
		return res, fmt.Errorf("github report: creating the check run: %w", err)
	}
	res.CheckRunID = cr.GetID()
	for i := maxAnnotations; i < len(anns); i += maxAnnotations {
		batch := anns[i:min(i+maxAnnotations, len(anns))]
		if _, _, err := gh.Checks.UpdateCheckRun(ctx, owner, repo, res.CheckRunID, github.UpdateCheckRunOptions{
			Name: "carveout", Output: &github.CheckRunOutput{Title: github.String(title), Summary: github.String(body), Annotations: batch},
		}); err != nil {
			return res, fmt.Errorf("github report: adding annotations: %w", err)
		}
	}

	if cfg.PullRequest <= 0 {
		return res, nil
	}
	// The comment: edit ours if it is there, else create it.
	text := Marker + "\n" + body
	opt := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
	for {
		cs, resp, err := gh.Issues.ListComments(ctx, owner, repo, cfg.PullRequest, opt)
		if err != nil {
			return res, fmt.Errorf("github report: listing the comments of #%d: %w", cfg.PullRequest, err)
		}
		for _, c := range cs {
			if strings.HasPrefix(c.GetBody(), Marker) {
				if _, _, err := gh.Issues.EditComment(ctx, owner, repo, c.GetID(), &github.IssueComment{Body: github.String(text)}); err != nil {
					return res, fmt.Errorf("github report: updating comment %d: %w", c.GetID(), err)
				}
				res.CommentID, res.Updated = c.GetID(), true
				return res, nil
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opt.Page = resp.NextPage
	}
	c, _, err := gh.Issues.CreateComment(ctx, owner, repo, cfg.PullRequest, &github.IssueComment{Body: github.String(text)})
	if err != nil {
		return res, fmt.Errorf("github report: commenting on #%d: %w", cfg.PullRequest, err)
	}
	res.CommentID = c.GetID()
	return res, nil
}

// Annotations are the check-run annotations of the reports: one per
// failing finding or unwaived violation, at its first line (GitHub needs
// a line: a place without lines is annotated at line 1).
func Annotations(rs []*report.Report, o format.Options) []*github.CheckRunAnnotation {
	var out []*github.CheckRunAnnotation
	for _, a := range format.Failures(rs, o) {
		if a.Path == "" {
			continue // in the summary, but an annotation needs a file
		}
		start, end := max(a.StartLine, 1), max(a.EndLine, a.StartLine, 1)
		level := "failure"
		if a.Level == "warning" {
			level = "warning"
		}
		out = append(out, &github.CheckRunAnnotation{
			Path: github.String(a.Path), StartLine: github.Int(start), EndLine: github.Int(end),
			AnnotationLevel: github.String(level), Title: github.String(a.Title), Message: github.String(clipText(a.Message, 64000)),
		})
	}
	return out
}

func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("\n…(cut)")
	for cut > 0 && (s[cut]&0xc0) == 0x80 {
		cut--
	}
	return s[:cut] + "\n…(cut)"
}
