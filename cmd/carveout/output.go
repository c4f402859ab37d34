package main

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"

	"github.com/carveout/carveout/internal/ghreport"
	"github.com/carveout/carveout/scanner/format"
	"github.com/carveout/carveout/scanner/report"
)

// outputOptions choose the formats of a scan and where each goes: --format
// to stdout or --output FILE, and any number of -o FORMAT[=FILE] (as syft
// does). With -o and no explicit --format/--output, only the -o outputs
// are written.
type outputOptions struct {
	format    string
	output    string
	outs      []string
	timestamp bool
	// githubReport publishes a check run and a pull-request comment.
	githubReport bool
	flags        *pflag.FlagSet
}

func (o *outputOptions) addFlags(f *pflag.FlagSet) {
	o.flags = f
	f.StringVarP(&o.format, "format", "f", "table", "output format: "+strings.Join(format.Names(), ", ")+" (json with several targets: one document with a reports list; jsonl streams a line per report)")
	f.StringVar(&o.output, "output", "", "write the --format output to FILE instead of stdout")
	f.StringArrayVarP(&o.outs, "out", "o", nil, "also write FORMAT to FILE (-o FORMAT[=FILE], repeatable; without =FILE to stdout), e.g. -o sarif=carveout.sarif -o markdown=$GITHUB_STEP_SUMMARY")
	f.BoolVar(&o.githubReport, "github-report", false, "publish a check run with annotations and one pull-request comment, updated in place on re-runs (GitHub Actions: GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_SHA, GITHUB_EVENT_PATH)")
	f.BoolVar(&o.timestamp, "timestamp", false, "write the scan date into formats that have a place for it (html, sarif, cyclonedx, spdx); off, output is deterministic")
}

// machineReadable reports whether any output is for programs (anything
// but the table), so every target gets a record there.
func (o *outputOptions) machineReadable() bool {
	if len(o.outs) > 0 || o.format != "table" {
		return true
	}
	return false
}

// sink is one format written to one place.
type sink struct {
	f      format.Format
	path   string // "" is stdout (or stderr for GitHub annotations)
	w      io.Writer
	file   *os.File
	opts   format.Options
	stream bool
	n      int // reports written (streaming)
	// doc writes several json reports as one document.
	doc *format.JSONDocument
	// summary collects a row per report for the table's closing summary.
	summary []format.SummaryRow
	// delayed, when set, is w: a streaming sink's pipe or file, buffered.
	delayed *delayedWriter
}

// outputs are the sinks of one run.
type outputs struct {
	sinks []*sink
	// github, when set, is where --github-report publishes.
	github *ghreport.Config
	ctx    context.Context
}

type outputSpec struct {
	name, path string
}

// specs parses and checks the output flags (usage errors), without
// creating files.
func (o *outputOptions) specs(app *App) ([]outputSpec, error) {
	var specs []outputSpec
	explicit := len(o.outs) == 0 || o.output != "" || (o.flags != nil && o.flags.Changed("format"))
	if explicit {
		specs = append(specs, outputSpec{o.format, o.output})
	}
	for _, s := range o.outs {
		name, path, _ := strings.Cut(s, "=")
		if path == "" && strings.HasSuffix(s, "=") {
			return nil, usagef("-o %s: no file after '='", s)
		}
		specs = append(specs, outputSpec{name, path})
	}
	if app.Getenv("GITHUB_ACTIONS") == "true" {
		has := false
		for _, s := range specs {
			has = has || s.name == "github"
		}
		if !has {
			specs = append(specs, outputSpec{"github", "-stderr"})
		}
	}
	stdout, files := 0, map[string]bool{}
	for _, s := range specs {
		if _, err := format.Lookup(s.name); err != nil {
			return nil, usageErr(err)
		}
		switch {
		case s.path == "" || s.path == "-":
			stdout++
		case s.path == "-stderr":
		default:
			abs, _ := filepath.Abs(s.path)
			if files[abs] {
				return nil, usagef("%s: two outputs to the same file", s.path)
			}
			files[abs] = true
		}
	}
	if stdout > 1 {
		return nil, usagef("more than one output to stdout: give each -o format but one a file (-o FORMAT=FILE)")
	}
	return specs, nil
}

// open creates the sinks (and their files) for a run of n targets.
func (o *outputOptions) open(ctx context.Context, app *App, specs []outputSpec, n int) (*outputs, error) {
	base := format.Options{Version: buildVersion(), Root: gitPrefix}
	if o.timestamp {
		base.Timestamp = app.Now()
	}
	if server, repo, sha := app.Getenv("GITHUB_SERVER_URL"), app.Getenv("GITHUB_REPOSITORY"), app.Getenv("GITHUB_SHA"); server != "" && repo != "" && sha != "" {
		base.Repo = &format.Repo{ServerURL: server, Repository: repo, Ref: sha}
	}
	outs := &outputs{ctx: ctx}
	if o.githubReport {
		cfg, err := githubReportConfig(app, base)
		if err != nil {
			return nil, err
		}
		outs.github = cfg
	}
	for _, s := range specs {
		f, _ := format.Lookup(s.name)
		k := &sink{f: f, path: s.path, opts: base, stream: f.Stream}
		if n > 1 && f.Name == "json" {
			// Several targets: one document, written a report at a time.
			k.doc = &format.JSONDocument{}
		}
		switch s.path {
		case "", "-":
			k.path, k.w = "", app.Stdout
			k.opts.Color = f.Name == "table" && app.color()
			k.opts.Width = app.width()
		case "-stderr":
			k.path, k.w = "", app.Stderr
		default:
			file, err := os.Create(s.path)
			if err != nil {
				outs.close()
				return nil, fmt.Errorf("output: %w", err)
			}
			k.file, k.w = file, file
		}
		if k.stream && (k.file != nil || k.w == app.Stdout && !app.StdoutTTY) {
			k.delayed = newDelayedWriter(k.w)
			k.w = k.delayed
		}
		outs.sinks = append(outs.sinks, k)
	}
	return outs, nil
}

// add writes one finished report to the streaming sinks, in target order.
func (s *outputs) add(r *report.Report) error {
	for _, k := range s.sinks {
		if !k.stream {
			continue
		}
		if k.n > 0 && k.f.Name == "table" {
			fmt.Fprintln(k.w)
		}
		if k.doc != nil {
			if err := k.doc.Add(k.w, r); err != nil {
				return k.err(err)
			}
		} else if err := k.f.Encoder.Encode(k.w, []*report.Report{r}, k.opts); err != nil {
			return k.err(err)
		}
		if k.f.Name == "table" {
			k.summary = append(k.summary, format.Summarize(r))
		}
		k.n++
	}
	return nil
}

// finish writes the document formats with every report, then closes the
// files.
func (s *outputs) finish(rs []*report.Report) error {
	var errs []error
	for _, k := range s.sinks {
		if k.doc != nil {
			if err := k.doc.Close(k.w); err != nil {
				errs = append(errs, k.err(err))
			}
		}
		if len(k.summary) > 1 {
			// After several targets, one line per model (as trivy does).
			fmt.Fprintln(k.w)
			if err := format.WriteSummary(k.w, k.summary, k.opts); err != nil {
				errs = append(errs, k.err(err))
			}
		}
	}
	if len(rs) > 0 {
		for _, k := range s.sinks {
			if k.stream {
				continue
			}
			if err := k.f.Encoder.Encode(k.w, rs, k.opts); err != nil {
				errs = append(errs, k.err(err))
			}
		}
	}
	errs = append(errs, s.close())
	if s.github != nil && len(rs) > 0 {
		if _, err := ghreport.Publish(s.ctx, *s.github, rs); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// githubReportConfig reads where to publish from the GitHub Actions
// environment: the repository, the token, the API, and for a pull
// request its number and head commit (from the event payload).
func githubReportConfig(app *App, o format.Options) (*ghreport.Config, error) {
	cfg := &ghreport.Config{
		Client: app.HTTPClient, APIURL: app.Getenv("GITHUB_API_URL"), Repository: app.Getenv("GITHUB_REPOSITORY"),
		SHA: app.Getenv("GITHUB_SHA"), Token: cmp.Or(app.Getenv("GITHUB_TOKEN"), app.Getenv("GH_TOKEN")), Options: o,
	}
	if cfg.Token == "" || cfg.Repository == "" || cfg.SHA == "" {
		return nil, usagef("--github-report needs GITHUB_TOKEN (or GH_TOKEN), GITHUB_REPOSITORY and GITHUB_SHA (as GitHub Actions sets them)")
	}
	if p := app.Getenv("GITHUB_EVENT_PATH"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("--github-report: %w", err)
		}
		var ev struct {
			PullRequest *struct {
				Number int `json:"number"`
				Head   struct {
					SHA string `json:"sha"`
				} `json:"head"`
			} `json:"pull_request"`
		}
		if err := json.Unmarshal(b, &ev); err != nil {
			return nil, fmt.Errorf("--github-report: %s: %w", p, err)
		}
		if ev.PullRequest != nil {
			cfg.PullRequest = ev.PullRequest.Number
			cfg.SHA = cmp.Or(ev.PullRequest.Head.SHA, cfg.SHA)
		}
	}
	return cfg, nil
}

// flush writes out what the streaming sinks hold.
func (s *outputs) flush() error {
	var errs []error
	for _, k := range s.sinks {
		if k.delayed != nil {
			if err := k.delayed.Flush(); err != nil {
				errs = append(errs, k.err(err))
			}
		}
	}
	return errors.Join(errs...)
}

func (s *outputs) close() error {
	errs := []error{s.flush()}
	for _, k := range s.sinks {
		if k.file != nil {
			if err := k.file.Close(); err != nil {
				errs = append(errs, k.err(err))
			}
			k.file = nil
		}
	}
	return errors.Join(errs...)
}

func (k *sink) err(err error) error {
	if k.path != "" {
		return fmt.Errorf("%s output %s: %w", k.f.Name, k.path, err)
	}
	return fmt.Errorf("%s output: %w", k.f.Name, err)
}

// buildVersion is the version set with -ldflags, else the one the build
// information gives (module version or VCS revision).
func buildVersion() string {
	if version != "" && version != "dev" {
		return version
	}
	return format.Version()
}

// gitPrefix is the path of a local target's folder within its git
// checkout ("" at the root, for remote targets and outside a checkout),
// so SARIF, annotations and links name files as the repository does.
func gitPrefix(target string) string {
	if strings.HasPrefix(target, "hf:") || strings.HasPrefix(target, "gh:") {
		return ""
	}
	abs, err := filepath.Abs(target)
	if err != nil {
		return ""
	}
	if fi, err := os.Stat(abs); err != nil {
		return ""
	} else if !fi.IsDir() {
		abs = filepath.Dir(abs)
	}
	for dir := abs; ; {
		if _, err := os.Lstat(filepath.Join(dir, ".git")); err == nil {
			rel, err := filepath.Rel(dir, abs)
			if err != nil || rel == "." {
				return ""
			}
			return filepath.ToSlash(rel)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return ""
		}
		dir = parent
	}
}

// delayedWriter buffers a streaming output on a pipe or in a file: one
// write per streamBuffer bytes rather than one per report (1,000 JSON
// Lines reports of 10 KiB through a pipe: about 15 ms of CPU less), yet
// no byte waits longer than streamDelay, so a reader still gets each
// report about when it is done. A write error is kept and returned by the
// next Write or Flush.
type delayedWriter struct {
	mu    sync.Mutex
	w     *bufio.Writer
	timer *time.Timer // armed while bytes wait
	err   error
}

const (
	streamBuffer = 64 << 10
	streamDelay  = 100 * time.Millisecond
)

func newDelayedWriter(w io.Writer) *delayedWriter {
	return &delayedWriter{w: bufio.NewWriterSize(w, streamBuffer)}
}

func (d *delayedWriter) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return 0, d.err
	}
	n, err := d.w.Write(p)
	if err != nil {
		d.err = err
		return n, err
	}
	if d.w.Buffered() > 0 && d.timer == nil {
		d.timer = time.AfterFunc(streamDelay, func() { d.Flush() })
	}
	return n, nil
}

// Flush writes what is buffered.
func (d *delayedWriter) Flush() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.timer != nil {
		d.timer.Stop()
		d.timer = nil
	}
	if d.err == nil {
		d.err = d.w.Flush()
	}
	return d.err
}
