package scanner

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"path"
	"strings"
	"sync"

	"github.com/carveout/carveout/scanner/card"
	"github.com/carveout/carveout/scanner/rules"
	"github.com/carveout/carveout/scanner/source"
	"github.com/carveout/carveout/scanner/weights"
)

// evidence is what the gather stage read from the target: the card, the
// license-bearing texts, configs, weight headers and the hosting service's
// metadata, plus findings about what could not be read. Every later stage
// works from it; none reads the target again.
type evidence struct {
	// ctx is the scan's context: later stages stop when it is done.
	ctx    context.Context
	target string
	kind   string // dir, file, hf, hf-cache, github
	md     *source.Metadata
	files  []source.File
	// looked lists the files carveout looked at, with the bytes read.
	looked []File

	card     *card.Card
	cardPath string
	// cardLink is an absolute license_link URL of the card, and its line.
	cardLink     string
	cardLinkLine int
	// licenseTexts are the license-bearing files read whole enough to
	// identify, in listing order; allTexts holds every text read (card
	// included) by path.
	licenseTexts []text
	allTexts     map[string][]byte
	// unreadableLicense: a license-bearing file could not be read.
	unreadableLicense bool
	// bases are base models the target names (card, configs, weights,
	// service metadata).
	bases []baseRef
	// headers are the license values of weight headers.
	headers []headerLicense
	// otherCards are the cards besides the model card.
	otherCards []otherCard
	// modelConfig is config.json decoded (for whether the model is
	// multimodal).
	modelConfig map[string]any
	// gated: the repository is gated and no file could be read; only
	// the hosting service's metadata is known.
	gated bool

	findings []Finding
}

// text is one license-bearing file's text.
type text struct {
	path string
	data []byte
}

// headerLicense is one license a weight header declares.
type headerLicense struct {
	path           string
	key            string // where in the header ("general.license", "License", ...)
	id, name, link string
}

// otherCard is a card other than the model card (MODEL_CARD.md beside
// README.md, READMEs in subfolders): the Hub shows none of them, but the
// licenses they declare or name may apply.
type otherCard struct {
	path string
	card *card.Card
}

type baseRef struct {
	id, relation string
	ev           Evidence
}

func (e *evidence) finding(rule, msg string, ev ...Evidence) {
	e.findings = append(e.findings, newFinding("", rule, rules.Get(rule).Severity, msg, ev...))
}

// gather reads everything the later stages need. It fails only when the
// target cannot be read at all.
func gather(ctx context.Context, src source.Source, opts Options) (*evidence, error) {
	defer source.Release(src) // gather is the only reader of src
	src = source.WithBudget(src, opts.maxTargetBytes())
	e := &evidence{ctx: ctx, target: src.Target(), kind: opts.kind(), allTexts: map[string][]byte{}}
	md, err := src.Metadata(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrTarget, src.Target(), err)
	}
	if md == nil {
		md = &source.Metadata{}
	}
	e.md = md
	files, problems, err := source.ListAll(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrTarget, src.Target(), err)
	}
	for _, p := range problems {
		e.finding(rules.UnreadableFile, fmt.Sprintf("%s: %s; it was not scanned", p.Path, p.Message), Evidence{Path: p.Path, Source: SourceLicenseFile})
		if kind, _ := classify(p.Path); kind == KindLicense {
			e.unreadableLicense = true
		}
	}
	e.files = files
	for _, f := range files {
		if kind, format := classify(f.Path); kind != "" {
			e.looked = append(e.looked, File{Path: f.Path, Size: f.Size, Kind: kind, Format: format})
		}
	}
	r := &reader{ctx: ctx, src: src, opts: opts, e: e}
	before := len(e.findings)
	linked, fatal := r.readCard()
	if fatal != nil && errors.Is(fatal, source.ErrGated) && md.Service == "hf" {
		// A gated repository without access: what the Hub API says (the
		// license in cardData, the gating) is reported, with the
		// catalog's terms for that license, marked as not read from the
		// files: never a pass.
		e.gated = true
		e.findings = e.findings[:before] // the card's unreadable-file finding: said below, once
		what := "no license"
		if len(md.License) > 0 {
			what = "cardData.license: " + strings.Join(md.License, ", ")
		}
		e.finding(rules.TargetUnreadable, fmt.Sprintf("files not read (gated): %s is a gated model (%s) and this token has no access; the license here is what the Hub API says (%s) and its terms are the catalog's, not read from the repository's files; accept the terms on %s while logged in and set HF_TOKEN to scan the files", md.ID, md.Gated, what, md.URL), Evidence{Path: md.URL, Source: SourceHub, Detail: "gated: " + md.Gated})
		return e, nil
	}
	if fatal != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrTarget, src.Target(), fatal)
	}
	r.readFiles(linked)
	if err := e.singleFileUnread(); err != nil {
		return nil, err
	}
	if !opts.SkipWeights {
		r.readWeights()
	}
	for _, b := range md.BaseModels {
		e.bases = append(e.bases, baseRef{id: b.ID, relation: b.Relation, ev: Evidence{Path: md.URL, Source: serviceSource(md.Service), Detail: "baseModels"}})
	}
	return e, nil
}

// maxLFSPointer: a weight file smaller than this may be a Git LFS pointer
// (they are about 130 bytes).
const maxLFSPointer = 1024

// maxTextCap bounds --max-file-size: a larger value reads at most this.
const maxTextCap = 1 << 40

// reader reads the target's files into evidence.
type reader struct {
	ctx  context.Context
	src  source.Source
	opts Options
	e    *evidence
}

// readText reads a text file up to the cap. ok is false when it could not
// be read; a finding has then been recorded. fatal is an access error
// (gated, unauthorized) that makes the whole target unreadable.
func (r *reader) readText(p string, size int64) (data []byte, ok bool, fatal error) {
	limit := min(r.opts.maxText(), maxTextCap) // limit+1 below must not overflow
	rc, err := r.src.Open(r.ctx, p, limit+1)
	if err != nil && (errors.Is(err, source.ErrGated) || errors.Is(err, source.ErrUnauthorized)) {
		fatal = err
	}
	if err != nil {
		r.e.finding(rules.UnreadableFile, fmt.Sprintf("%s: %v; its license content was not read", p, err), Evidence{Path: p, Source: SourceLicenseFile})
		return nil, false, fatal
	}
	defer rc.Close()
	b, err := readAll(io.LimitReader(rc, limit+1), min(size, limit)+1)
	if err != nil {
		r.e.finding(rules.UnreadableFile, fmt.Sprintf("%s: %v; its license content was not read", p, err), Evidence{Path: p, Source: SourceLicenseFile})
		return nil, false, nil
	}
	if int64(len(b)) > limit {
		b = b[:limit]
		r.e.finding(rules.FileTruncated, fmt.Sprintf("%s: larger than %d bytes; only the first %d bytes were read, and terms past them are not known (raise --max-file-size)", p, limit, limit), Evidence{Path: p, Source: SourceLicenseFile})
	}
	sum := ""
	if int64(len(b)) == size {
		h := sha256.Sum256(b)
		sum = hex.EncodeToString(h[:])
	}
	r.e.record(p, size, KindLicense, int64(len(b)), sum)
	return b, true, nil
}

// readAll is io.ReadAll into a buffer of the expected size (the listed
// size, plus one byte to see the end), so a text is not copied as the
// buffer grows.
func readAll(r io.Reader, size int64) ([]byte, error) {
	b := make([]byte, 0, max(min(size, 64<<20), 512))
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // a file larger than listed
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// record notes the bytes read of a file (and its kind).
// sum is the sha256 of the file when it was read whole ("" keeps the one
// recorded).
func (e *evidence) record(p string, size int64, kind string, read int64, sum string) {
	for i := range e.looked {
		if e.looked[i].Path == p {
			e.looked[i].Kind = kind
			e.looked[i].Read = read
			if sum != "" {
				e.looked[i].SHA256 = sum
			}
			return
		}
	}
	e.looked = append(e.looked, File{Path: p, Size: size, Kind: kind, Read: read, SHA256: sum})
}

// pickCard chooses the model card: the shallowest README.md (or
// MODEL_CARD.md when there is no README.md at that depth).
func (e *evidence) pickCard() (string, int64, bool) {
	best, bestSize, bestRank := "", int64(0), 1<<30
	for _, f := range e.files {
		kind, _ := classify(f.Path)
		if kind != KindCard {
			continue
		}
		rank := depth(f.Path) * 2
		if !strings.EqualFold(path.Base(f.Path), "README.md") {
			rank++
		}
		if rank < bestRank {
			best, bestSize, bestRank = f.Path, f.Size, rank
		}
	}
	return best, bestSize, best != ""
}

// readCard reads and parses the model card; linked are the repository
// files its license_link names.
func (r *reader) readCard() (linked []string, fatal error) {
	e := r.e
	p, size, ok := e.pickCard()
	if !ok {
		return nil, nil
	}
	data, ok, fatal := r.readText(p, size)
	e.record(p, size, KindCard, int64(len(data)), "")
	if !ok {
		return nil, fatal
	}
	e.cardPath = p
	e.allTexts[p] = data
	c, probs := card.Parse(p, data)
	for _, pr := range probs {
		rule := pr.Rule
		if rule == "" {
			rule = card.RuleMalformed
		}
		e.finding(rule, fmt.Sprintf("%s:%d: %s", p, pr.Line, pr.Message), Evidence{Path: p, StartLine: pr.Line, EndLine: pr.Line, Source: SourceModelCard})
	}
	if c == nil {
		return nil, nil
	}
	e.card = c
	for _, b := range c.BaseModel {
		e.bases = append(e.bases, baseRef{id: b, relation: c.BaseModelRelation, ev: Evidence{Path: p, StartLine: c.Line("base_model"), EndLine: c.Line("base_model"), Source: SourceModelCard, Detail: "base_model: " + b}})
	}
	if c.ExtraGatedEUDisallowed {
		l := c.Line("extra_gated_eu_disallowed")
		e.finding(rules.GatedEUDisallowed, fmt.Sprintf("%s:%d: extra_gated_eu_disallowed is set: the Hub refuses access to this model from the European Union", p, l), Evidence{Path: p, StartLine: l, EndLine: l, Source: SourceModelCard})
	}
	return r.licenseLink(p, c), nil
}

// licenseLink resolves the card's license_link: a URL is kept for the
// identify stage (it is never fetched); a relative link must name a file
// that is there, which is then read as a license text.
func (r *reader) licenseLink(cardPath string, c *card.Card) []string {
	e := r.e
	link := strings.TrimSpace(c.LicenseLink)
	if link == "" {
		return nil
	}
	l := c.Line("license_link")
	if u, err := url.Parse(link); err == nil && u.Scheme != "" {
		e.cardLink, e.cardLinkLine = link, l
		return nil
	}
	target := path.Clean(path.Join(path.Dir(cardPath), link))
	for _, f := range e.files {
		if f.Path == target || strings.EqualFold(f.Path, target) {
			return []string{f.Path}
		}
	}
	e.finding(rules.LicenseLinkMissing, fmt.Sprintf("%s:%d: license_link points at %q, which is not in the repository; the license terms it names were not read", cardPath, l, link), Evidence{Path: cardPath, StartLine: l, EndLine: l, Source: SourceModelCard})
	return nil
}

// readFiles reads every license-bearing file and every config.
func (r *reader) readFiles(linked []string) {
	e := r.e
	isLinked := map[string]bool{}
	for _, p := range linked {
		isLinked[p] = true
	}
	single := e.kind == "file"
	for _, f := range e.files {
		kind, _ := classify(f.Path)
		if single && kind != KindCard {
			kind = KindLicense
		}
		if isLinked[f.Path] {
			kind = KindLicense
		}
		switch kind {
		case KindLicense:
			r.readLicenseFile(f.Path, f.Size)
		case KindConfig:
			r.readConfig(f.Path, f.Size)
		case KindCard:
			if single && f.Path != e.cardPath {
				r.readLicenseFile(f.Path, f.Size)
			} else if f.Path != e.cardPath {
				r.readOtherCard(f.Path, f.Size)
			}
		}
	}
}

// readLicenseFile reads a license-bearing file; a pointer or a file
// without words is a finding, anything else goes to identification.
func (r *reader) readLicenseFile(p string, size int64) {
	e := r.e
	data, ok, _ := r.readText(p, size)
	if !ok {
		e.unreadableLicense = true
		return
	}
	e.allTexts[p] = data
	if card.IsLFSPointer(data) {
		e.licenseTexts = append(e.licenseTexts, text{path: p})
		e.finding(rules.LFSPointer, fmt.Sprintf("%s: the file is a Git LFS pointer, not the license text; its terms were not read", p), Evidence{Path: p, StartLine: 1, EndLine: 3, Source: SourceLicenseFile})
		return
	}
	data = decodeUTF16(data)
	if !hasWords(data) {
		e.licenseTexts = append(e.licenseTexts, text{path: p})
		e.finding(rules.EmptyLicenseFile, fmt.Sprintf("%s: the file holds no text (empty, blank or binary); no license terms were read from it", p), Evidence{Path: p, Source: SourceLicenseFile})
		return
	}
	e.licenseTexts = append(e.licenseTexts, text{path: p, data: data})
}

// readOtherCard reads a card other than the model card; its licenses are
// identified like the model card's, and checked against it.
func (r *reader) readOtherCard(p string, size int64) {
	e := r.e
	data, ok, _ := r.readText(p, size)
	e.record(p, size, KindCard, int64(len(data)), "")
	if !ok {
		e.unreadableLicense = true
		return
	}
	if c, _ := card.Parse(p, data); c != nil {
		e.otherCards = append(e.otherCards, otherCard{path: p, card: c})
	}
}

func (r *reader) readConfig(p string, size int64) {
	e := r.e
	data, ok, _ := r.readText(p, size)
	e.record(p, size, KindConfig, int64(len(data)), "")
	if !ok {
		return
	}
	if path.Base(p) == "config.json" && e.modelConfig == nil {
		var m map[string]any
		if json.Unmarshal(data, &m) == nil {
			e.modelConfig = m
		}
	}
	cfg, probs := card.ParseConfig(p, data)
	for _, pr := range probs {
		e.finding(rules.MalformedConfig, fmt.Sprintf("%s:%d: %s", p, pr.Line, pr.Message), Evidence{Path: p, StartLine: pr.Line, EndLine: pr.Line, Source: SourceConfig})
	}
	if cfg == nil {
		return
	}
	if b := cfg.BaseModel(); b != "" {
		rel := ""
		if path.Base(p) == "adapter_config.json" {
			rel = "adapter"
		}
		e.bases = append(e.bases, baseRef{id: b, relation: rel, ev: Evidence{Path: p, Source: SourceConfig, Detail: "base_model_name_or_path: " + b}})
	}
}

// weightReaders bounds the weight headers of one target read at once (32:
// the shards of a large remote model in one round trip, 30 shards at 300 ms
// latency in about 1.2 s, BenchmarkHub30Shards300ms): a
// remote repository's shards are read in parallel, within the rate limits
// of the source's client.
var weightReaders = 32

// weightRead is what reading one weight file's header gave.
type weightRead struct {
	path, format string
	size         int64
	lfsPointer   bool
	h            *weights.Header
	err          error
}

// readWeights reads the bounded header of every GGUF and safetensors file
// for its license and base-model metadata. Headers are read in parallel
// (at most weightReaders at once) and recorded in listing order. A header
// starts only while the worst case of every header being read fits in the
// target's byte budget, so no read runs out of budget and the output is
// that of reading them one after another. A local source's headers, or a
// single header, are read one after another on the calling goroutine:
// parallel reads only pay for a remote source's latency.
func (r *reader) readWeights() {
	var jobs []weightRead
	for _, f := range r.e.files {
		kind, format := classify(f.Path)
		if kind == KindWeights && (format == "gguf" || format == "safetensors") {
			jobs = append(jobs, weightRead{path: f.Path, format: format, size: f.Size})
		}
	}
	if len(jobs) == 1 || source.IsLocal(r.src) {
		for i := range jobs {
			r.readWeight(&jobs[i])
			r.recordWeight(&jobs[i])
		}
		return
	}
	left := func() int64 { return math.MaxInt64 }
	if b, ok := r.src.(interface{ Left() int64 }); ok {
		left = b.Left
	}
	var (
		mu       sync.Mutex
		free     = sync.NewCond(&mu)
		inFlight int
		reserved int64
		wg       sync.WaitGroup
	)
	for i := range jobs {
		w := &jobs[i]
		worst := worstHeaderBytes(w.format, w.size)
		mu.Lock()
		for inFlight > 0 && (inFlight >= weightReaders || left()-reserved < worst) {
			free.Wait()
		}
		inFlight++
		reserved += worst
		mu.Unlock()
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.readWeight(w)
			mu.Lock()
			inFlight--
			reserved -= worst
			free.Broadcast()
			mu.Unlock()
		}()
	}
	wg.Wait()
	for i := range jobs {
		r.recordWeight(&jobs[i])
	}
}

// worstHeaderBytes bounds the bytes reading a header may take from the
// budget: the readers' caps, and the LFS-pointer check of a small file.
func worstHeaderBytes(format string, size int64) int64 {
	limit := int64(weights.MaxGGUFMetadataBytes)
	if format == "safetensors" {
		limit = 8 + weights.MaxSafetensorsHeaderBytes
	}
	if size < 0 {
		return limit + maxLFSPointer
	}
	worst := min(size, limit)
	if size < maxLFSPointer {
		worst += size
	}
	return worst
}

// readWeight reads one header (it touches nothing shared but the source).
func (r *reader) readWeight(w *weightRead) {
	rr := weightRange{src: r.src, path: w.path}
	if w.size < maxLFSPointer {
		// A checkout without LFS (actions/checkout's default) holds
		// pointers where the weights are: not a malformed header.
		if b, err := rr.ReadRange(r.ctx, 0, w.size); err == nil && card.IsLFSPointer(b) {
			w.lfsPointer = true
			return
		}
	}
	if w.format == "gguf" {
		w.h, w.err = weights.ReadGGUF(r.ctx, rr, w.size)
	} else {
		w.h, w.err = weights.ReadSafetensors(r.ctx, rr, w.size)
	}
}

// weightRange reads one weight file of a source (a weights.LocalReader:
// local sources are read in small first steps).
type weightRange struct {
	src  source.Source
	path string
}

func (w weightRange) ReadRange(ctx context.Context, off, n int64) ([]byte, error) {
	return w.src.ReadRange(ctx, w.path, off, n)
}

func (w weightRange) Local() bool { return source.IsLocal(w.src) }

// recordWeight turns one header read into findings and evidence.
func (r *reader) recordWeight(w *weightRead) {
	e, p := r.e, w.path
	if w.lfsPointer {
		e.finding(rules.WeightsNotFetched, fmt.Sprintf("%s: a Git LFS pointer, not the weights: its header (and any license metadata in it) was not read; fetch the weights (git lfs pull, or actions/checkout with lfs: true) to read it", p), Evidence{Path: p, Source: SourceWeights})
		e.setWeights(p, w.format, w.size, nil)
		return
	}
	h, err := w.h, w.err
	if err != nil {
		// Metadata after the problem was not read: never compliant.
		msg := fmt.Sprintf("%s: %v; license metadata after that point in its header was not read", p, err)
		if h == nil || len(h.Metadata) == 0 {
			msg = fmt.Sprintf("%s: %v; license metadata in its header was not read", p, err)
		}
		e.finding(rules.MalformedWeightsHeader, msg, Evidence{Path: p, Source: SourceWeights})
		if h == nil {
			return
		}
	}
	e.setWeights(p, w.format, h.BytesRead, licenseMetadata(h))
	e.weightHeader(p, h)
}

func (e *evidence) setWeights(p, format string, read int64, md map[string]string) {
	for i := range e.looked {
		if e.looked[i].Path == p {
			e.looked[i].Format = format
			e.looked[i].Read = read
			e.looked[i].Metadata = md
			return
		}
	}
}

// licenseMetadata keeps the license- and lineage-related keys of a header.
func licenseMetadata(h *weights.Header) map[string]string {
	out := map[string]string{}
	for k, v := range h.Metadata {
		lk := strings.ToLower(k)
		if strings.Contains(lk, "license") || strings.Contains(lk, "licence") || strings.HasPrefix(lk, "general.base_model") ||
			lk == "general.name" || lk == "general.organization" || lk == "general.author" || lk == "general.source.url" || lk == "general.repo_url" ||
			lk == "base_model" || lk == "modelspec.license" || lk == "modelspec.title" || lk == "modelspec.author" {
			if len(v) > 512 {
				v = v[:512] + "…"
			}
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// weightHeader records every license a weight header declares and the
// base models it names; a license value cut short is an error.
func (e *evidence) weightHeader(p string, h *weights.Header) {
	_, name, link := h.License()
	for _, d := range h.Licenses() {
		e.headers = append(e.headers, headerLicense{path: p, key: d.Key, id: d.ID, name: name, link: link})
	}
	for _, k := range h.Truncated {
		if weights.IsLicenseKey(k) {
			e.finding(rules.MalformedWeightsHeader, fmt.Sprintf("%s: the header's %s value is longer than %d bytes; only its start was read, and terms past it are not known", p, k, weights.MaxStringBytes), Evidence{Path: p, Source: SourceWeights, Detail: k})
		}
	}
	for _, b := range h.BaseModels() {
		ref := b.Name
		if b.RepoURL != "" {
			ref = b.RepoURL
		} else if b.Organization != "" && b.Name != "" {
			ref = b.Organization + "/" + b.Name
		}
		if ref == "" {
			continue
		}
		e.bases = append(e.bases, baseRef{id: normalizeModelRef(ref), ev: Evidence{Path: p, Source: SourceWeights, Detail: fmt.Sprintf("general.base_model.%d", b.Index)}})
	}
}

// normalizeModelRef turns a Hub URL into org/name.
func normalizeModelRef(ref string) string {
	r := strings.TrimSpace(ref)
	for _, pre := range []string{"https://huggingface.co/", "http://huggingface.co/", "hf.co/", "https://hf.co/"} {
		if strings.HasPrefix(strings.ToLower(r), pre) {
			r = r[len(pre):]
			break
		}
	}
	parts := strings.Split(strings.Trim(r, "/"), "/")
	if len(parts) >= 2 && !strings.Contains(ref, " ") {
		return parts[0] + "/" + parts[1]
	}
	return r
}

func serviceSource(svc string) string {
	if svc == "github" {
		return SourceGitHub
	}
	return SourceHub
}

// isModel says whether the target looks like a model repository: a model
// card with front matter, a model or adapter config, or weight files.
func (e *evidence) isModel() bool {
	if e.card != nil && e.card.HasFrontMatter {
		return true
	}
	for _, o := range e.otherCards {
		if o.card != nil && o.card.HasFrontMatter {
			return true
		}
	}
	for _, f := range e.looked {
		if f.Kind == KindConfig || f.Kind == KindWeights {
			return true
		}
	}
	return false
}
