package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
)

// ErrUnavailable is returned when a service keeps answering with server
// errors (5xx) after every retry.
var ErrUnavailable = errors.New("service unavailable")

// Defaults for the HTTP sources.
const (
	DefaultHubEndpoint   = "https://huggingface.co"
	DefaultMaxRetries    = 4
	DefaultTimeout       = 60 * time.Second
	DefaultMaxRetryWait  = 30 * time.Second
	defaultUserAgent     = "carveout"
	maxJSONBytes         = 64 << 20
	maxSkipIgnoredRange  = 1 << 20
	maxErrorMessageBytes = 300
)

// retryPolicy is shared by the Hub and GitHub clients.
type retryPolicy struct {
	maxRetries int
	maxWait    time.Duration
	sleep      func(ctx context.Context, d time.Duration) error
	// onWait, when set, is told what is being waited for before each wait.
	onWait func(msg string)
}

// notify says what is being waited for.
func (p retryPolicy) notify(msg string) {
	if p.onWait != nil {
		p.onWait(msg)
	}
}

func newRetryPolicy(maxRetries int, maxWait time.Duration, sleep func(time.Duration), onWait func(string)) retryPolicy {
	p := retryPolicy{maxRetries: maxRetries, maxWait: maxWait, onWait: onWait}
	if p.maxRetries == 0 {
		p.maxRetries = DefaultMaxRetries
	}
	if p.maxRetries < 0 {
		p.maxRetries = 0
	}
	if p.maxWait <= 0 {
		p.maxWait = DefaultMaxRetryWait
	}
	if sleep != nil {
		p.sleep = func(ctx context.Context, d time.Duration) error {
			sleep(d)
			return ctx.Err()
		}
	} else {
		p.sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	return p
}

// backoff is the exponential delay before retry number attempt (0-based):
// 1s, 2s, 4s... capped at 30s.
func backoff(attempt int) time.Duration {
	d := time.Second << min(attempt, 5)
	return min(d, 30*time.Second)
}

// retryDelay is how long the server asks us to wait: Retry-After in seconds
// or as an HTTP date, or the t= parameter of the RateLimit header
// ("api";r=0;t=55). Zero when it does not say.
func retryDelay(h http.Header, now time.Time) time.Duration {
	var d time.Duration
	if ra := strings.TrimSpace(h.Get("Retry-After")); ra != "" {
		if secs, err := strconv.ParseInt(ra, 10, 64); err == nil && secs >= 0 {
			d = time.Duration(min(secs, 1<<31)) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			d = max(t.Sub(now), 0)
		}
	}
	if rl := h.Get("RateLimit"); rl != "" {
		for _, part := range strings.Split(rl, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if ok && strings.TrimSpace(k) == "t" {
				if secs, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64); err == nil && secs >= 0 {
					d = max(d, time.Duration(min(secs, 1<<31))*time.Second)
				}
			}
		}
	}
	return d
}

// secretError is an error whose text has every occurrence of a secret
// removed, while errors.Is still sees the errors it wraps.
type secretError struct {
	msg  string
	errs []error
}

func (e *secretError) Error() string   { return e.msg }
func (e *secretError) Unwrap() []error { return e.errs }

// redactf formats an error like fmt.Errorf (with %w) and removes every
// secret, and the userinfo of every URL, from its text.
func redactf(secrets []string, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	msg := err.Error()
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "[redacted]")
		}
	}
	msg = MaskUserinfo(msg)
	var errs []error
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		errs = u.Unwrap()
	case interface{ Unwrap() error }:
		errs = []error{u.Unwrap()}
	}
	return &secretError{msg: msg, errs: errs}
}

// transportError describes a failed round trip without repeating the URL
// (the caller names it) and says "timed out" for deadline errors.
func transportError(err error) string {
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	if errors.Is(err, context.Canceled) {
		return "cancelled"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		if ue.Timeout() {
			return "timed out"
		}
		return ue.Err.Error()
	}
	return err.Error()
}

// cleanServerText makes a server-provided message safe to show: one line,
// printable, bounded.
func cleanServerText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if !unicode.IsPrint(r) {
			return -1
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) > maxErrorMessageBytes {
		s = s[:maxErrorMessageBytes] + "..."
	}
	return s
}

// readJSONBody reads at most maxJSONBytes of a response body.
func readJSONBody(body io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(body, maxJSONBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxJSONBytes {
		return nil, fmt.Errorf("response larger than %d bytes", maxJSONBytes)
	}
	return b, nil
}

// Body speed limits: a body that sends fewer than MinBodyBytes in any
// window of the stall timeout (DefaultStallTimeout unless configured) is
// cut, so a stalled or dripping server costs seconds, not minutes.
const (
	DefaultStallTimeout = 10 * time.Second
	MinBodyBytes        = 4 << 10
)

// ErrStalled is returned when a response body stalls or drips below the
// minimum rate and is cut.
var ErrStalled = errors.New("the server stalled or sent too slowly")

// watchedBody cuts a body that sends fewer than MinBodyBytes in a window:
// it closes the body under a blocked Read, which then fails with
// ErrStalled.
type watchedBody struct {
	body   io.ReadCloser
	window time.Duration

	mu      sync.Mutex
	n       int64 // bytes in the current window
	total   int64
	done    bool
	stalled bool
	timer   *time.Timer
}

func newWatchedBody(body io.ReadCloser, window time.Duration) *watchedBody {
	if window <= 0 {
		window = DefaultStallTimeout
	}
	w := &watchedBody{body: body, window: window}
	w.timer = time.AfterFunc(window, w.tick)
	return w
}

func (w *watchedBody) tick() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return
	}
	if w.n < MinBodyBytes {
		w.stalled = true
		w.done = true
		go w.body.Close() // unblocks a Read in progress
		return
	}
	w.n = 0
	w.timer.Reset(w.window)
}

func (w *watchedBody) Read(p []byte) (int, error) {
	n, err := w.body.Read(p)
	w.mu.Lock()
	w.n += int64(n)
	w.total += int64(n)
	if err == io.EOF {
		w.done = true
	}
	stalled, total := w.stalled, w.total
	w.mu.Unlock()
	if stalled && err != io.EOF {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		err = fmt.Errorf("%w: fewer than %d bytes in %s after %d bytes; the download was cut", ErrStalled, MinBodyBytes, w.window, total)
	}
	return n, err
}

func (w *watchedBody) Close() error {
	w.mu.Lock()
	w.done = true
	w.timer.Stop()
	w.mu.Unlock()
	return w.body.Close()
}

// cancelBody cancels a request context when its body is closed.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelBody) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// parseContentRange parses "bytes start-end/total" and returns start.
func parseContentRange(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	rest, ok := strings.CutPrefix(s, "bytes ")
	if !ok {
		return 0, false
	}
	startS, _, ok := strings.Cut(rest, "-")
	if !ok {
		return 0, false
	}
	start, err := strconv.ParseInt(startS, 10, 64)
	return start, err == nil && start >= 0
}

// httpDoer sends GET requests through a client that sends credentials to
// their origin only (see credentialClient), with a per-request timeout and
// retries of 429 and 5xx answers.
type httpDoer struct {
	client *http.Client
	// secrets never appear in errors.
	secrets   []string
	userAgent string
	accept    string
	timeout   time.Duration
	retry     retryPolicy
	now       func() time.Time
	// classify turns a 4xx answer (other than 416) into an error naming u.
	classify func(resp *http.Response, u string) error
}

// get sends GET u and returns a response with status < 400 or 416; its body
// must be closed, which also ends the request's timeout context.
func (d *httpDoer) get(ctx context.Context, u string, hdr http.Header) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		rctx, cancel := context.WithTimeout(ctx, d.timeout)
		req, err := http.NewRequestWithContext(rctx, http.MethodGet, u, nil)
		if err != nil {
			cancel()
			return nil, redactf(d.secrets, "GET %s: %v", u, err)
		}
		for k, vs := range hdr {
			req.Header[k] = vs
		}
		if d.userAgent != "" {
			req.Header.Set("User-Agent", d.userAgent)
		}
		if d.accept != "" && req.Header.Get("Accept") == "" {
			req.Header.Set("Accept", d.accept)
		}
		resp, err := d.client.Do(req)
		if err != nil {
			cancel()
			if ctx.Err() != nil {
				return nil, redactf(d.secrets, "GET %s: %s: %w", u, transportError(err), ctx.Err())
			}
			return nil, redactf(d.secrets, "GET %s: %s", u, transportError(err))
		}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			wait := max(backoff(attempt), retryDelay(resp.Header, d.now()))
			status := resp.StatusCode
			io.CopyN(io.Discard, resp.Body, 4096)
			resp.Body.Close()
			cancel()
			if attempt >= d.retry.maxRetries || wait > d.retry.maxWait {
				return nil, d.giveUp(u, status, attempt+1, wait)
			}
			d.retry.notify(redactf(d.secrets, "GET %s: HTTP %d; waiting %s before retry %d of %d", u, status, wait.Round(time.Second), attempt+1, d.retry.maxRetries).Error())
			if err := d.retry.sleep(ctx, wait); err != nil {
				return nil, redactf(d.secrets, "GET %s: waiting to retry: %w", u, err)
			}
			continue
		}
		if resp.StatusCode >= 400 && resp.StatusCode != http.StatusRequestedRangeNotSatisfiable {
			err := d.classify(resp, u)
			io.CopyN(io.Discard, resp.Body, 4096)
			resp.Body.Close()
			cancel()
			return nil, err
		}
		resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel}
		return resp, nil
	}
}

func (d *httpDoer) giveUp(u string, status, attempts int, wait time.Duration) error {
	if status == http.StatusTooManyRequests {
		return redactf(d.secrets, "GET %s: HTTP 429 after %s; the server asks to wait %s before retrying: %w",
			u, attemptsText(attempts), wait.Round(time.Second), ErrRateLimited)
	}
	return redactf(d.secrets, "GET %s: HTTP %d after %s: %w", u, status, attemptsText(attempts), ErrUnavailable)
}

func attemptsText(n int) string {
	if n == 1 {
		return "1 attempt"
	}
	return strconv.Itoa(n) + " attempts"
}

// getJSON GETs u and decodes its JSON body into v. It returns the
// response headers.
func (d *httpDoer) getJSON(ctx context.Context, u string, v any) (http.Header, error) {
	resp, err := d.get(ctx, u, nil)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, redactf(d.secrets, "GET %s: unexpected HTTP %d", u, resp.StatusCode)
	}
	b, err := readJSONBody(resp.Body)
	if err != nil {
		return nil, redactf(d.secrets, "GET %s: reading response: %s", u, transportError(err))
	}
	if err := json.Unmarshal(b, v); err != nil {
		return nil, redactf(d.secrets, "GET %s: invalid JSON response (%d bytes): %v", u, len(b), err)
	}
	return resp.Header, nil
}

// openRange GETs u asking for n bytes at off (n <= 0: to the end) and
// returns a reader of exactly those bytes, fewer at the end of the file,
// none past it. A server that ignores Range is read only as far as needed.
func (d *httpDoer) openRange(ctx context.Context, u string, off, n int64) (io.ReadCloser, error) {
	hdr := http.Header{}
	if r := rangeHeader(off, n); r != "" {
		hdr.Set("Range", r)
	}
	resp, err := d.get(ctx, u, hdr)
	if err != nil {
		return nil, err
	}
	return rangeResponse(resp, u, off, n, d.secrets)
}

// rangeHeader returns the Range header value asking for n bytes at off
// (n <= 0: to the end), "" for the whole file.
func rangeHeader(off, n int64) string {
	switch {
	case n > 0 && n <= math.MaxInt64-off:
		return fmt.Sprintf("bytes=%d-%d", off, off+n-1)
	case off > 0:
		return fmt.Sprintf("bytes=%d-", off)
	}
	return ""
}

// rangeResponse turns the answer to a ranged GET of u into a reader of
// exactly the n bytes at off (n <= 0: to the end): 206 must start at off,
// 416 is the end of the file, and a 200 (Range ignored) is skipped forward
// at most maxSkipIgnoredRange bytes and read only as far as needed.
func rangeResponse(resp *http.Response, u string, off, n int64, secrets []string) (io.ReadCloser, error) {
	switch resp.StatusCode {
	case http.StatusRequestedRangeNotSatisfiable:
		resp.Body.Close()
		return io.NopCloser(strings.NewReader("")), nil
	case http.StatusPartialContent:
		start, ok := parseContentRange(resp.Header.Get("Content-Range"))
		if !ok || start != off {
			resp.Body.Close()
			return nil, redactf(secrets, "GET %s: asked for bytes from %d, server sent %q", u, off, cleanServerText(resp.Header.Get("Content-Range")))
		}
	case http.StatusOK:
		if off > maxSkipIgnoredRange {
			resp.Body.Close()
			return nil, redactf(secrets, "GET %s: the server ignored the Range request; not downloading %d bytes to reach offset %d", u, off, off)
		}
		if off > 0 {
			if _, err := io.CopyN(io.Discard, resp.Body, off); err != nil {
				resp.Body.Close()
				if errors.Is(err, io.EOF) {
					return io.NopCloser(strings.NewReader("")), nil
				}
				return nil, redactf(secrets, "GET %s: reading response: %s", u, transportError(err))
			}
		}
	default:
		resp.Body.Close()
		return nil, redactf(secrets, "GET %s: unexpected HTTP %d", u, resp.StatusCode)
	}
	if n <= 0 {
		return &bodyReader{r: resp.Body, c: resp.Body, u: u, secrets: secrets}, nil
	}
	return &bodyReader{r: io.LimitReader(resp.Body, n), c: resp.Body, u: u, secrets: secrets}, nil
}

// readAllClose reads a body opened for a range to its end and closes it;
// an empty range is an empty, non-nil slice.
func readAllClose(rc io.ReadCloser, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, err
	}
	if b == nil {
		b = []byte{}
	}
	return b, nil
}

// bodyReader names the URL in read errors (a slow body timing out, a
// connection cut short).
type bodyReader struct {
	r       io.Reader
	c       io.Closer
	u       string
	secrets []string
}

func (b *bodyReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	switch {
	case err == nil || err == io.EOF:
	case errors.Is(err, ErrStalled):
		err = redactf(b.secrets, "GET %s: reading response: %w", b.u, err)
	default:
		err = redactf(b.secrets, "GET %s: reading response: %s", b.u, transportError(err))
	}
	return n, err
}

func (b *bodyReader) Close() error { return b.c.Close() }

// nextLink returns the rel="next" URL of a Link header, or "".
func nextLink(h http.Header) string {
	for _, v := range h.Values("Link") {
		for _, part := range strings.Split(v, ",") {
			seg := strings.Split(part, ";")
			if len(seg) < 2 {
				continue
			}
			target := strings.TrimSpace(seg[0])
			if !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
				continue
			}
			for _, p := range seg[1:] {
				k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
				if strings.TrimSpace(k) == "rel" && strings.Trim(strings.TrimSpace(v), `"`) == "next" {
					return target[1 : len(target)-1]
				}
			}
		}
	}
	return ""
}

// escapePath escapes each segment of a slash-separated path.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// ErrShortBody is returned when a server sends fewer bytes of a file than
// its own listing gives for it: what is missing could hold license terms.
var ErrShortBody = errors.New("download shorter than the listed size")

// expectBytes wraps a body of which want bytes are expected (want < 0:
// unknown, nothing checked): ending before them is ErrShortBody naming u.
func expectBytes(rc io.ReadCloser, want int64, u string, secrets []string) io.ReadCloser {
	if want < 0 {
		return rc
	}
	return &expectReader{rc: rc, want: want, u: u, secrets: secrets}
}

type expectReader struct {
	rc      io.ReadCloser
	want, n int64
	u       string
	secrets []string
}

func (e *expectReader) Read(p []byte) (int, error) {
	n, err := e.rc.Read(p)
	e.n += int64(n)
	if err == io.EOF && e.n < e.want {
		return n, redactf(e.secrets, "GET %s: the server sent %d bytes where the file listing gives %d: %w", e.u, e.n, e.want, ErrShortBody)
	}
	return n, err
}

func (e *expectReader) Close() error { return e.rc.Close() }

// expected is how many bytes a read of n bytes at off (n <= 0: to the end)
// must return from a file of size bytes (size < 0: unknown, -1 returned).
func expected(size, off, n int64) int64 {
	if size < 0 {
		return -1
	}
	rest := max(size-off, 0)
	if n <= 0 {
		return rest
	}
	return min(n, rest)
}
