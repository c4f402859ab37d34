package source

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxRedirects bounds the redirects one request follows.
const maxRedirects = 5

// origin is the scheme, host and port of u ("https://huggingface.co:443"),
// lower-cased, with the scheme's default port made explicit: two URLs
// share credentials only when their origins are equal.
func origin(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" {
		switch scheme {
		case "http":
			port = "80"
		case "https":
			port = "443"
		}
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// credentials are what a client sends to its service, and only there.
type credentials struct {
	// origin is the service's origin (see origin).
	origin string
	// bearer is an access token sent as "Authorization: Bearer".
	bearer string
	// user is the userinfo of the configured URL, sent as basic
	// authentication when there is no bearer token.
	user *url.Userinfo
}

// secrets returns the strings that must never appear in a message.
func (c credentials) secrets() []string {
	var s []string
	if c.bearer != "" {
		s = append(s, c.bearer)
	}
	if c.user != nil {
		// A password is a secret; a user name alone ("https://TOKEN@host")
		// is a token.
		secret, ok := c.user.Password()
		if !ok {
			secret = c.user.Username()
		}
		if secret != "" {
			s = append(s, secret, url.QueryEscape(secret), url.PathEscape(secret))
		}
	}
	return s
}

// splitUserinfo parses a configured service URL and returns it without its
// userinfo (the form every message and report shows) and the userinfo.
func splitUserinfo(raw string) (*url.URL, *url.Userinfo, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, nil, errors.New("not a URL")
	}
	user := u.User
	u.User = nil
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, nil, errors.New("the scheme must be http or https")
	}
	if u.Host == "" {
		return nil, nil, errors.New("no host")
	}
	return u, user, nil
}

// authTransport adds the credentials to requests to their origin, and
// removes any Authorization header from requests to every other origin
// (a redirect to storage, another port, plain http).
type authTransport struct {
	base  http.RoundTripper
	cred  credentials
	stall time.Duration
}

func (a *authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Del("Authorization")
	if origin(req.URL) == a.cred.origin {
		switch {
		case a.cred.bearer != "":
			req.Header.Set("Authorization", "Bearer "+a.cred.bearer)
		case a.cred.user != nil:
			p, _ := a.cred.user.Password()
			req.SetBasicAuth(a.cred.user.Username(), p)
		}
	}
	resp, err := a.base.RoundTrip(req)
	if err == nil && resp.Body != nil {
		// Every body, API answer or download, from any origin: a stalled
		// or dripping server is cut after the stall timeout.
		resp.Body = newWatchedBody(resp.Body, a.stall)
	}
	return resp, err
}

// credentialClient returns a copy of c that sends cred to its origin only,
// follows at most maxRedirects redirects, never from https to http, and
// cuts bodies that stall (see watchedBody; stall 0: DefaultStallTimeout).
func credentialClient(c *http.Client, cred credentials, stall time.Duration) *http.Client {
	hc := *c
	rt := hc.Transport
	if rt == nil {
		rt = http.DefaultTransport
	}
	hc.Transport = &authTransport{base: rt, cred: cred, stall: stall}
	next := c.CheckRedirect
	hc.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) >= maxRedirects {
			return fmt.Errorf("stopped after %d redirects", maxRedirects)
		}
		if via[len(via)-1].URL.Scheme == "https" && req.URL.Scheme != "https" {
			return fmt.Errorf("refused a redirect from https to %s", MaskUserinfo(req.URL.Redacted()))
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
	return &hc
}

// MaskUserinfo returns s with the userinfo of every URL in it ("user:pass@"
// or "token@" after "scheme://" or a scheme-relative "//") replaced by
// "***@", so that credentials written into a URL are never printed or
// stored in a report.
func MaskUserinfo(s string) string {
	if !strings.Contains(s, "@") || !strings.Contains(s, "//") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "//")
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i+2])
		s = s[i+2:]
		end := strings.IndexFunc(s, func(r rune) bool {
			return r == '/' || r == '?' || r == '#' || r == ' ' || r == '"' || r == '<' || r == '>' || r < 0x21 || r == 0x7f
		})
		if end < 0 {
			end = len(s)
		}
		if at := strings.LastIndex(s[:end], "@"); at >= 0 {
			b.WriteString("***")
			s = s[at:]
			continue
		}
		b.WriteString(s[:end])
		s = s[end:]
	}
}
