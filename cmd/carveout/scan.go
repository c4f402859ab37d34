package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/carveout/carveout/scanner"
	"github.com/carveout/carveout/scanner/format"
	"github.com/carveout/carveout/scanner/source"
)

type scanOptions struct {
	out       outputOptions // --format, --output, -o, --timestamp (output.go)
	failOn    string
	profile   string
	policy    string
	rates     string
	hfCache   string
	from      string
	shard     string
	githubOrg string
	ollama    string
	hfAuthor  string
	// insecureRegistries are registry hosts reached over plain HTTP.
	insecureRegistries []string
	workers            int
	offline            bool
	noWeights          bool
	lineageDepth       int
	maxFileSize        int64
	// targetBytes and targetTimeout bound one target (hostile inputs).
	targetBytes   int64
	targetTimeout time.Duration
	// check: derivative checks (set by the check command).
	check          bool
	derivativeName string
	// config is --config; cfg the configuration file read.
	config string
	cfg    *config
	// failOnSet: --fail-on (or CARVEOUT_FAIL_ON, or the config) was given,
	// so it replaces a policy's fail_on.
	failOnSet bool
	flags     *pflag.FlagSet
}

func (o *scanOptions) addFlags(cmd *cobra.Command) {
	f := cmd.Flags()
	o.flags = f
	f.StringVar(&o.config, "config", "", "configuration file (default $CARVEOUT_CONFIG, else .carveout.yaml in the current folder)")
	o.out.addFlags(f)
	f.StringVar(&o.failOn, "fail-on", "error", "exit 1 when a finding has this severity or worse: error, warning, info, never")
	f.StringVar(&o.profile, "profile", "", "organization profile YAML (default $CARVEOUT_PROFILE); see 'carveout profile init'")
	f.StringVar(&o.policy, "policy", "", "policy YAML: allowed/denied licenses, failing verdicts, waivers")
	f.StringVar(&o.rates, "rates", "", "exchange rates YAML (USD per unit, e.g. 'EUR: 1.08'); override the profile's exchange_rates")
	f.StringVar(&o.hfCache, "hf-cache", "", "scan every model snapshot in the Hugging Face cache (default $HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub)")
	f.Lookup("hf-cache").NoOptDefVal = "auto"
	f.StringVar(&o.from, "from", "", "read targets from FILE, one per line ('-' for stdin; '#' starts a comment)")
	f.StringVar(&o.shard, "shard", "", "scan only shard K of N of the target list (K/N, 1-based), for batch systems")
	f.StringVar(&o.ollama, "ollama", "", "scan every model of the local Ollama store (default $OLLAMA_MODELS, else ~/.ollama/models)")
	f.Lookup("ollama").NoOptDefVal = "auto"
	f.StringVar(&o.hfAuthor, "hf-author", "", "scan every model of a Hugging Face user or organization")
	f.StringSliceVar(&o.insecureRegistries, "insecure-registry", nil, "registry host (host or host:port) reached over plain HTTP for oci:// targets (localhost and 127.0.0.1 always are)")
	f.StringVar(&o.githubOrg, "github-org", "", "scan every repository of a GitHub organization")
	f.IntVarP(&o.workers, "workers", "j", 4, "targets scanned concurrently")
	f.BoolVar(&o.offline, "offline", false, "never use the network (also HF_HUB_OFFLINE=1); base models resolve from the built-in table")
	f.BoolVar(&o.noWeights, "no-weights", false, "do not read weight file headers")
	f.IntVar(&o.lineageDepth, "lineage-depth", 5, "how many base-model levels to follow")
	f.Int64Var(&o.maxFileSize, "max-file-size", 4<<20, "bytes read at most from a card, license or config file")
	f.Int64Var(&o.targetBytes, "max-target-bytes", scanner.DefaultMaxTargetBytes, "bytes read at most from one target in total; files past it are errors")
	f.DurationVar(&o.targetTimeout, "target-timeout", defaultTargetTimeout, "time one target may take; a target cut short fails")
	completeValues(cmd, "format", format.Names()...)
	completeValues(cmd, "fail-on", "error", "warning", "info", "never")
}

// defaultTargetTimeout bounds one target: a hostile server answering
// slowly within every other limit still ends.
const defaultTargetTimeout = 10 * time.Minute

func newScanCmd(app *App) *cobra.Command {
	o := &scanOptions{}
	cmd := &cobra.Command{
		Use:   "scan [TARGET...]",
		Short: "Scan model repositories and report their real licenses",
		Long: `Scan model repositories and report which licenses are really there.

A TARGET is one of:
  PATH                  a local model repository folder (Hugging Face snapshot layout) or a single license file
  hf:ORG/NAME[@REV]     a Hugging Face Hub model (HF_ENDPOINT, HF_TOKEN, HF_HOME, HF_HUB_OFFLINE)
  gh:OWNER/REPO[@REF]   a GitHub repository (GITHUB_TOKEN or GH_TOKEN, GITHUB_API_URL)
  ollama:NAME[:TAG]     a model of the local Ollama store (OLLAMA_MODELS, else ~/.ollama/models)
  oci://REGISTRY/REPOSITORY[:TAG|@DIGEST]
                        a model artifact in an OCI registry (CARVEOUT_REGISTRY_TOKEN, DOCKER_CONFIG)

` + exitCodeText(),
		Example: `  carveout scan testdata/models/llama-finetune-mislabelled
  carveout scan --format json hf:meta-llama/Llama-3.1-8B
  carveout scan --hf-cache --format jsonl
  carveout scan --from targets.txt --shard 2/8 --format jsonl`,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScan(cmd.Context(), app, o, args)
		},
	}
	o.addFlags(cmd)
	return cmd
}

func newCheckCmd(app *App) *cobra.Command {
	o := &scanOptions{check: true}
	cmd := &cobra.Command{
		Use:   "check PATH",
		Short: "CI gate for a derivative about to ship: scan, evaluate the profile and policy, check base-model terms",
		Long: `check scans a model repository that is about to be published (a fine-tune,
adapter, quantization or merge) and checks it against its base models' licenses
and the organization profile: the declared license must be compatible with the
base model's, the derivative name must carry the required prefix, the NOTICE
text and a copy of the license must be present, and the acceptable-use policy
must be referenced. It then evaluates every term against the profile and the
policy and exits 1 when the policy fails.

File names (as pre-commit passes them) are mapped to the model repository
they belong to: the nearest folder above them with a README.md.

` + exitCodeText(),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScan(cmd.Context(), app, o, modelRoots(args))
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&o.derivativeName, "derivative-name", "", "name the derivative will be published under (default: profile derivative_name, then the card's model_name)")
	return cmd
}

// runScan is the scan and check commands.
func runScan(ctx context.Context, app *App, o *scanOptions, args []string) error {
	p, err := planScan(ctx, app, o, args)
	if err != nil || p == nil {
		return err
	}
	outs, err := o.out.open(ctx, app, p.specs, len(p.targets))
	if err != nil {
		return err
	}
	b := newBatch(app, o, p, outs)
	scanner.Each(ctx, len(p.targets), o.workers, b.scan)
	return b.finish(ctx)
}

// plan is what a scan run was asked to do: its targets, outputs, failing
// severity and evaluation, after the config file and the flags.
type plan struct {
	targets []target
	specs   []outputSpec
	failOn  scanner.Severity
	eval    *evaluation
	env     *env
	opts    scanner.Options
}

// planScan reads the configuration, checks the flags and collects the
// targets; nil (and no error) when there is nothing to scan.
func planScan(ctx context.Context, app *App, o *scanOptions, args []string) (*plan, error) {
	cfg, err := loadConfig(app, o.config)
	if err != nil {
		return nil, err
	}
	o.cfg = cfg
	args = cfg.apply(app, o, args)
	p := &plan{}
	if p.specs, err = o.out.specs(app); err != nil {
		return nil, err
	}
	if p.failOn, err = parseFailOn(o.failOn); err != nil {
		return nil, err
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	if p.eval, err = loadEvaluation(app, o); err != nil {
		return nil, err
	}
	if len(args) == 0 && o.from == "" && o.hfCache == "" && o.githubOrg == "" && o.ollama == "" && o.hfAuthor == "" {
		return nil, usagef("no targets: give a PATH, hf:ORG/NAME, gh:OWNER/REPO, ollama:NAME, --from, --hf-cache, --ollama, --hf-author or --github-org")
	}
	args = o.ollamaArg(o.hfCacheArg(args))
	if p.targets, err = collectTargets(ctx, app, o, args); err != nil {
		return nil, err
	}
	if len(p.targets) == 0 {
		// An empty shard of a list, or an empty cache: nothing to scan is
		// not a failure (a batch job's spare workers stay green).
		app.warnf("no targets to scan (empty list, cache or shard)")
		return nil, nil
	}
	if o.check && len(p.targets) != 1 {
		return nil, usagef("check takes exactly one target")
	}
	p.env = newEnv(app, o)
	p.opts = scanner.Options{SkipWeights: o.noWeights, LineageDepth: o.lineageDepth, MaxTextBytes: o.maxFileSize, MaxTargetBytes: o.targetBytes, Derivative: o.check, DerivativeName: o.derivativeName}
	if p.opts.DerivativeName == "" {
		p.opts.DerivativeName = p.eval.derivativeName()
	}
	p.opts.Lineage = p.env.resolver(ctx)
	p.opts.Datasets = p.env.datasets()
	return p, nil
}

// batch scans the targets of a plan on the worker pool and writes their
// reports in target order as they finish.
type batch struct {
	app  *App
	o    *scanOptions
	p    *plan
	outs *outputs
	prog *progress

	mu      sync.Mutex
	results []*scanner.Report
	status  []string // each report's Summary.Status, kept after it is released
	errs    []error
	skipped []string
	next    int // index of the next report to write, so output keeps input order
	emitErr error
	// keep: a document output or the GitHub report needs every report at
	// the end; otherwise a report every output has written is released
	// (memory stays flat over a long list).
	keep bool
}

func newBatch(app *App, o *scanOptions, p *plan, outs *outputs) *batch {
	n := len(p.targets)
	return &batch{app: app, o: o, p: p, outs: outs, prog: newProgress(app, n),
		results: make([]*scanner.Report, n), status: make([]string, n), errs: make([]error, n), keep: outs.keepsReports()}
}

// scan scans target i (a worker's job) and records what it gave.
func (b *batch) scan(ctx context.Context, i int) {
	t := b.p.targets[i]
	b.prog.start(t.spec)
	tctx, cancel := context.WithTimeout(ctx, b.o.targetTimeout)
	r, err := scanOne(tctx, b.p.env, t, b.p.opts)
	if tctx.Err() != nil && ctx.Err() == nil {
		// Cut short: what was not read may hold license terms.
		r, err = nil, fmt.Errorf("%w %s: not finished within --target-timeout %s; what was not read may hold license terms", scanner.ErrTarget, t.spec, b.o.targetTimeout)
	}
	cancel()
	if err == nil {
		err = b.p.eval.apply(r, b.p.failOn, b.app.Now())
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if ctx.Err() != nil {
		// Interrupted: what this target read is incomplete and is not
		// reported (no report blaming every file with "canceled").
		b.errs[i] = ctx.Err()
		return
	}
	b.record(i, r, err)
	b.prog.done(t.spec, func() {
		if e := b.emit(); e != nil && b.emitErr == nil {
			b.emitErr = e
		}
	})
}

// record keeps the outcome of target i (b.mu held).
func (b *batch) record(i int, r *scanner.Report, err error) {
	t, many := b.p.targets[i], len(b.p.targets) > 1
	switch {
	case errors.Is(err, scanner.ErrNotModel):
		// Not a model repository (--github-org): skipped, named once at
		// the end, neither a report nor a failure.
		b.skipped = append(b.skipped, t.spec)
		b.status[i] = statusSkipped
		return
	case err != nil:
		b.errs[i] = err
		if many {
			b.app.warnf("%v", err)
		}
		usage := errors.Is(err, errUsage) && t.origin == "" // a bad argument, not a bad line of a list
		if usage || !many && !b.o.out.machineReadable() {
			return // a single target on a terminal has its error on stderr
		}
		// One record per target in every output, the unreadable ones too
		// (with their error), so a pipeline loses none.
		r = scanner.ErrorReport(t.spec, targetKind(t), err)
	}
	b.results[i] = r
	b.status[i] = r.Summary.Status
}

// emit writes the finished reports that are next in target order (b.mu
// held).
func (b *batch) emit() error {
	for b.next < len(b.p.targets) && (b.results[b.next] != nil || b.errs[b.next] != nil || b.status[b.next] == statusSkipped) {
		if r := b.results[b.next]; r != nil {
			if err := b.outs.add(r); err != nil {
				return err
			}
			if !b.keep {
				b.results[b.next] = nil
			}
		}
		b.next++
	}
	return nil
}

// finish writes the document outputs and decides the command's error.
func (b *batch) finish(ctx context.Context) error {
	b.prog.finish()
	if err := ctx.Err(); err != nil {
		b.outs.flush() // the reports streamed before the interrupt
		return err
	}
	if len(b.skipped) > 0 {
		sort.Strings(b.skipped)
		b.app.warnf("skipped %d of %d repositories, not model repositories (no model card front matter, config.json, adapter_config.json or weight files): %s", len(b.skipped), len(b.p.targets), strings.Join(b.skipped, ", "))
	}
	var done []*scanner.Report
	for _, r := range b.results {
		if r != nil {
			done = append(done, r)
		}
	}
	if err := b.outs.finish(done); err != nil && b.emitErr == nil {
		b.emitErr = err
	}
	if b.emitErr != nil {
		return fmt.Errorf("writing report: %w", b.emitErr)
	}
	return outcome(b.status, b.errs)
}

// keepsReports reports whether an output needs every report at the end
// (a document format, or --github-report), so that none can be released
// once written.
func (s *outputs) keepsReports() bool {
	for _, k := range s.sinks {
		if !k.stream {
			return true
		}
	}
	return s.github != nil
}

// validate checks the numeric flags.
func (o *scanOptions) validate() error {
	switch {
	case o.workers < 1:
		return usagef("--workers must be at least 1")
	case o.maxFileSize < 1:
		return usagef("--max-file-size must be a positive number of bytes")
	case o.lineageDepth < 0:
		return usagef("--lineage-depth must be 0 or more")
	case o.targetBytes < 1 || o.targetTimeout <= 0:
		return usagef("--max-target-bytes and --target-timeout must be positive")
	}
	return nil
}

// statusSkipped marks a target skipped as not a model repository.
const statusSkipped = "skipped"

// outcome decides the command's error (and so its exit code) from the
// reports' statuses and the targets that could not be read.
func outcome(status []string, errs []error) error {
	failed, opErrs, n := 0, 0, 0
	for i := range status {
		if errs[i] != nil {
			opErrs++
			n++
			continue
		}
		if status[i] == statusSkipped {
			continue // not a model repository
		}
		n++
		if status[i] == "fail" {
			failed++
		}
	}
	switch {
	case n == 0:
		return nil // every target skipped
	case opErrs == n:
		for _, err := range errs {
			if err != nil && n == 1 {
				return err
			}
		}
		return fmt.Errorf("%w: none of the %d targets could be read", scanner.ErrTarget, n)
	case failed > 0 || opErrs > 0:
		// A target that could not be read is never reported as compliant.
		return errPolicyFailed
	}
	return nil
}

func parseFailOn(s string) (scanner.Severity, error) {
	switch s {
	case "error", "warning", "info":
		return scanner.Severity(s), nil
	case "never", "none":
		return "", nil
	}
	return "", usagef("--fail-on %q: want error, warning, info or never", s)
}

// collectTargets gathers targets from arguments, --from, --hf-cache and
// --github-org, then applies --shard.
func collectTargets(ctx context.Context, app *App, o *scanOptions, args []string) ([]target, error) {
	var ts []target
	for _, a := range args {
		ts = append(ts, target{spec: a})
	}
	if o.from != "" {
		lines, err := readTargetList(o.from)
		if err != nil {
			return nil, err
		}
		ts = append(ts, lines...)
	}
	if o.hfCache != "" {
		cached, err := hfCacheTargets(app, o)
		if err != nil {
			if len(ts) == 0 {
				return nil, err
			}
			// Other targets are still scanned; the run fails.
			ts = append(ts, target{spec: "--hf-cache", err: err})
		}
		ts = append(ts, cached...)
	}
	if o.ollama != "" {
		models, err := ollamaTargets(app, o)
		if err != nil {
			if len(ts) == 0 {
				return nil, err
			}
			ts = append(ts, target{spec: "--ollama", err: err})
		}
		ts = append(ts, models...)
	}
	if o.hfAuthor != "" {
		models, err := hfAuthorTargets(ctx, app, o)
		if err != nil {
			return nil, err
		}
		ts = append(ts, models...)
	}
	if o.githubOrg != "" {
		repos, err := githubOrgTargets(ctx, app, o)
		if err != nil {
			return nil, err
		}
		ts = append(ts, repos...)
	}
	if !o.check {
		ts = expandModelRoots(ts)
	}
	if o.shard != "" {
		k, n, err := parseShard(o.shard)
		if err != nil {
			return nil, err
		}
		ts = shardTargets(ts, k, n)
	}
	return ts, nil
}

// expandModelRoots replaces a folder that holds several models (models/a,
// models/b, each with its card) by one target per model, so each is
// reported on its own instead of as one merged repository.
func expandModelRoots(ts []target) []target {
	var out []target
	for _, t := range ts {
		if t.src != nil || t.err != nil {
			out = append(out, t)
			continue
		}
		if fi, err := os.Stat(t.spec); err != nil || !fi.IsDir() {
			out = append(out, t)
			continue
		}
		roots, err := source.ModelRoots(t.spec, 4)
		if err != nil || len(roots) == 1 {
			out = append(out, t)
			continue
		}
		for _, r := range roots {
			out = append(out, target{spec: r, origin: t.origin})
		}
	}
	return out
}

// readTargetList reads --from: one target per line, blank lines and
// '#' comments (whole lines, or after whitespace) ignored. Each target
// remembers its file and line for error messages.
func readTargetList(name string) ([]target, error) {
	var f *os.File
	if name == "-" {
		f = os.Stdin
	} else {
		var err error
		f, err = os.Open(name)
		if err != nil {
			return nil, usagef("--from: %v", err)
		}
		defer f.Close()
	}
	var out []target
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	n := 0
	for sc.Scan() {
		n++
		l := sc.Text()
		if n == 1 {
			l = strings.TrimPrefix(l, "\ufeff")
		}
		if i := strings.Index(l, " #"); i >= 0 {
			l = l[:i]
		}
		if i := strings.Index(l, "\t#"); i >= 0 {
			l = l[:i]
		}
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		out = append(out, target{spec: l, origin: fmt.Sprintf("%s:%d", name, n)})
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, usagef("--from %s:%d: line longer than 64 KiB; not a target list", name, n+1)
		}
		return nil, usagef("--from %s: %v", name, err)
	}
	return out, nil
}

// parseShard parses "K/N" (1 <= K <= N).
func parseShard(s string) (k, n int, err error) {
	ks, ns, ok := strings.Cut(s, "/")
	if ok {
		k, err = strconv.Atoi(ks)
		if err == nil {
			n, err = strconv.Atoi(ns)
		}
	}
	if !ok || err != nil || n < 1 || k < 1 || k > n {
		return 0, 0, usagef("--shard %q: want K/N with 1 <= K <= N, e.g. 2/8", s)
	}
	return k, n, nil
}

// shardTargets keeps every N-th target starting at K (1-based): targets
// are dealt round-robin so shards stay balanced, and the split depends only
// on the list, so every worker of a batch job computes the same shards.
func shardTargets(ts []target, k, n int) []target {
	var out []target
	for i, t := range ts {
		if i%n == k-1 {
			out = append(out, t)
		}
	}
	return out
}

// hfCacheArg lets "--hf-cache DIR" (with a space) name the cache: the flag's
// value is optional, so DIR arrives as an argument; an argument that is a
// Hugging Face cache folder (holding models--* folders) is taken as it.
func (o *scanOptions) hfCacheArg(args []string) []string {
	if o.hfCache != "auto" {
		return args
	}
	for i, a := range args {
		for _, d := range []string{a, filepath.Join(a, "hub")} {
			if m, _ := filepath.Glob(filepath.Join(d, "models--*")); len(m) > 0 {
				o.hfCache = d
				return append(args[:i:i], args[i+1:]...)
			}
		}
	}
	return args
}

// ollamaArg lets "--ollama DIR" (with a space) name the store, as
// hfCacheArg does for --hf-cache: an argument holding manifests/ and blobs/
// folders is taken as the store.
func (o *scanOptions) ollamaArg(args []string) []string {
	if o.ollama != "auto" {
		return args
	}
	for i, a := range args {
		m, err1 := os.Stat(filepath.Join(a, "manifests"))
		b, err2 := os.Stat(filepath.Join(a, "blobs"))
		if err1 == nil && err2 == nil && m.IsDir() && b.IsDir() {
			o.ollama = a
			return append(args[:i:i], args[i+1:]...)
		}
	}
	return args
}
