// Package scanner scans a model repository (any source.Source) and reports
// which licenses are really there, what they demand and what is wrong.
//
// It knows nothing about terminals or flags: cmd/carveout builds the Source
// and the Options, calls Scan and hands the Report to an encoder.
package scanner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner/card"
	"github.com/carveout/carveout/scanner/source"
)

// Options tune a scan. The zero value is usable.
type Options struct {
	// MaxTextBytes caps how much of a model card, license or config file
	// is read (default 4 MiB). Larger files are read up to the cap and a
	// finding says so.
	MaxTextBytes int64
	// SkipWeights skips reading weight headers (files are still listed).
	SkipWeights bool
	// Lineage resolves base models to their licenses; nil disables
	// lineage beyond what the target itself says.
	Lineage Resolver
	// LineageDepth bounds how far base models are followed (default 5).
	LineageDepth int
	// Derivative runs the checks for a derivative about to be published
	// against its base models' licenses (name prefix, NOTICE, copy of the
	// license, use-policy reference); DerivativeName is the name it will
	// be published under (default: the card's model_name).
	Derivative     bool
	DerivativeName string
	// Kind names the kind of source for the report: dir (default), file,
	// hf, hf-cache, github. A "file" target is read as a license text
	// whatever its name.
	Kind string
}

func (o Options) maxText() int64 {
	if o.MaxTextBytes > 0 {
		return o.MaxTextBytes
	}
	return 4 << 20
}

// ErrTarget wraps failures to read the target at all (exit code 3).
var ErrTarget = errors.New("cannot read target")

// Scan reads src and builds its report. It returns an error only when the
// target cannot be read at all; problems with single files become findings
// and the scan goes on.
func Scan(ctx context.Context, src source.Source, opts Options) (*Report, error) {
	s := &scan{ctx: ctx, src: src, opts: opts, lics: map[string]*License{}, texts: map[string]string{}}
	r := &s.rep
	r.Schema = Schema
	r.Target = src.Target()

	md, err := src.Metadata(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrTarget, src.Target(), err)
	}
	if md == nil {
		md = &source.Metadata{}
	}
	s.md = md
	files, problems, err := source.ListAll(ctx, src)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrTarget, src.Target(), err)
	}
	for _, p := range problems {
		s.finding("unreadable-file", SeverityError, fmt.Sprintf("%s: %s; it was not scanned", p.Path, p.Message), Evidence{Path: p.Path, Source: SourceLicenseFile})
		if kind, _ := classify(p.Path); kind == KindLicense {
			s.unreadableLicense = true
		}
	}
	s.files = files
	s.sourceInfo()

	s.readCard()
	if s.fatal != nil {
		return nil, fmt.Errorf("%w %s: %v", ErrTarget, src.Target(), s.fatal)
	}
	s.readFiles()
	s.readWeights()
	s.serviceMetadata()
	s.lineage()
	s.reconcile()
	s.incorporate()
	if opts.Derivative {
		s.derivative()
	}
	s.finish()
	return r, nil
}

type scan struct {
	ctx   context.Context
	src   source.Source
	opts  Options
	md    *source.Metadata
	files []source.File
	rep   Report

	card     *card.Card
	cardPath string
	// declared holds the card's declared licenses resolved to ids.
	declared []licenses.Identification
	// textIDs: ids identified from license texts (kind text).
	lics map[string]*License
	// bases are base models named by the target (card, configs, weights).
	bases []baseRef
	// linked are files a license_link names; licenseFiles are the
	// license-bearing files read.
	linked       []string
	licenseFiles []string
	// texts holds the card and license texts read, by path.
	texts map[string]string
	// unresolved are the places of declared licenses not identified.
	unresolved []Evidence
	// unreadableLicense: a license-bearing file could not be read.
	unreadableLicense bool
	// termIdx indexes each license's terms by termKey.
	termIdx map[*License]map[string]int
	// fatal is an access error (gated, unauthorized) that makes the whole
	// target unreadable.
	fatal error
}

type baseRef struct {
	id, relation string
	ev           Evidence
}

func (s *scan) finding(rule string, sev Severity, msg string, ev ...Evidence) {
	s.licenseFinding("", rule, sev, msg, ev...)
}

// licenseFinding records a finding about one license.
func (s *scan) licenseFinding(license, rule string, sev Severity, msg string, ev ...Evidence) {
	if ev == nil {
		ev = []Evidence{}
	}
	s.rep.Findings = append(s.rep.Findings, Finding{Rule: rule, Severity: sev, Message: msg, License: license, Evidence: ev})
}

// readText reads a text file up to the cap. ok is false when it could not
// be read; a finding has then been recorded.
func (s *scan) readText(p string, size int64) ([]byte, bool) {
	limit := s.opts.maxText()
	rc, err := s.src.Open(s.ctx, p, limit+1)
	if err != nil && (errors.Is(err, source.ErrGated) || errors.Is(err, source.ErrUnauthorized)) && s.fatal == nil {
		s.fatal = err
	}
	if err != nil {
		s.finding("unreadable-file", SeverityError, fmt.Sprintf("%s: %v; its license content was not read", p, err), Evidence{Path: p, Source: SourceLicenseFile})
		return nil, false
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		s.finding("unreadable-file", SeverityError, fmt.Sprintf("%s: %v; its license content was not read", p, err), Evidence{Path: p, Source: SourceLicenseFile})
		return nil, false
	}
	if int64(len(b)) > limit {
		b = b[:limit]
		s.finding("file-truncated", SeverityError, fmt.Sprintf("%s: larger than %d bytes; only the first %d bytes were read, and terms past them are not known (raise --max-file-size)", p, limit, limit), Evidence{Path: p, Source: SourceLicenseFile})
	}
	s.recordFile(p, size, KindLicense, "", int64(len(b)), nil)
	return b, true
}

func (s *scan) recordFile(p string, size int64, kind, format string, read int64, md map[string]string) {
	for i := range s.rep.Files {
		if s.rep.Files[i].Path == p {
			s.rep.Files[i].Kind = kind
			s.rep.Files[i].Read = read
			return
		}
	}
	s.rep.Files = append(s.rep.Files, File{Path: p, Size: size, Kind: kind, Read: read, Format: format, Metadata: md})
}

// addIdentification merges an identification into the report's licenses.
func (s *scan) addIdentification(id licenses.Identification, ev Evidence) {
	l, ok := s.lics[id.ID]
	if !ok {
		l = &License{ID: id.ID, Name: id.Name, Category: string(id.Category), OSIApproved: id.OSI, SPDXID: id.SPDXID, HFID: id.HFID}
		if id.License != nil {
			l.Family = id.License.Family
			l.Version = id.License.Version
			l.URL = id.License.URL
			l.Incorporates = id.License.Incorporates
		}
		l.Match = Match{Kind: string(id.Kind), Confidence: id.Confidence}
		s.lics[id.ID] = l
	}
	if matchRank(string(id.Kind)) > matchRank(l.Match.Kind) {
		l.Match.Kind = string(id.Kind)
		l.Match.Confidence = id.Confidence
		// A text match outranks the declared view of the license: its
		// terms replace the catalog's.
		l.Terms = nil
		delete(s.termIdx, l)
	} else if string(id.Kind) == l.Match.Kind && id.Confidence < l.Match.Confidence {
		l.Match.Confidence = id.Confidence
	}
	if id.Kind == licenses.MatchText && id.Modified {
		l.Match.Modified = true
		// A modified text may demote the category (an MIT text with a
		// non-commercial sentence is not permissive).
		l.Category = string(id.Category)
		l.OSIApproved = id.OSI
		for _, c := range id.Changed {
			l.Match.Changed = append(l.Match.Changed, Evidence{Path: ev.Path, StartLine: c.Start + ev.StartLine - 1, EndLine: c.End + ev.StartLine - 1, Source: ev.Source})
		}
	}
	if id.Kind == licenses.MatchText {
		ev.StartLine, ev.EndLine = ev.StartLine+id.Lines.Start-1, ev.StartLine+id.Lines.End-1
	}
	l.Evidence = append(l.Evidence, ev)
	if matchRank(string(id.Kind)) >= matchRank(l.Match.Kind) {
		for _, t := range id.Terms {
			rt := Term{Term: t, Evidence: []Evidence{}}
			for _, e := range t.Evidence {
				rt.Evidence = append(rt.Evidence, Evidence{Path: ev.Path, StartLine: offset(e.Start, ev), EndLine: offset(e.End, ev), Source: ev.Source})
			}
			if len(t.Evidence) == 0 && id.Kind != licenses.MatchText {
				// A catalog fact about a license declared or referenced
				// here: the place it was declared is the evidence.
				rt.Evidence = append(rt.Evidence, ev)
			}
			rt.Term.Evidence = nil
			s.mergeTerm(l, rt)
		}
	}
}

// offset maps a line of an identified text to a line of its file. For text
// matches ev.StartLine is already the file line of the text's first line.
func offset(line int, ev Evidence) int {
	if line == 0 {
		return 0
	}
	base := ev.StartLine
	if base == 0 {
		base = 1
	}
	return base + line - 1
}

func matchRank(kind string) int {
	switch kind {
	case string(licenses.MatchText):
		return 4
	case string(licenses.MatchMetadata):
		return 3
	case string(licenses.MatchReference):
		return 2
	case string(licenses.MatchDeclared):
		return 1
	}
	return 0
}

// mergeTerm adds t to l unless an equal term is there, in which case the
// evidence is merged. Terms are found through an index, so a text with
// thousands of terms costs linear time.
func (s *scan) mergeTerm(l *License, t Term) {
	if s.termIdx == nil {
		s.termIdx = map[*License]map[string]int{}
	}
	idx := s.termIdx[l]
	if idx == nil || len(l.Terms) == 0 {
		// (Re)build: Terms may have been reset by a stronger match.
		idx = map[string]int{}
		for i := range l.Terms {
			idx[termKey(l.Terms[i])] = i
		}
		s.termIdx[l] = idx
	}
	k := termKey(t)
	i, ok := idx[k]
	if !ok {
		idx[k] = len(l.Terms)
		l.Terms = append(l.Terms, t)
		return
	}
	o := &l.Terms[i]
	for _, e := range t.Evidence {
		if !slices.ContainsFunc(o.Evidence, func(x Evidence) bool {
			return x.Path == e.Path && x.StartLine == e.StartLine && x.EndLine == e.EndLine
		}) {
			o.Evidence = append(o.Evidence, e)
		}
	}
}

// termKey identifies a term by its kind and parameters.
func termKey(t Term) string { return terms.Key(t.Term) }

func (s *scan) sourceInfo() {
	r := &s.rep
	r.Source.Kind = s.kind()
	r.Source.ID = s.md.ID
	r.Source.Revision = s.md.Revision
	r.Source.URL = s.md.URL
	r.Source.Gated = s.md.Gated
	r.Source.ServiceLicense = s.md.License
	for _, f := range s.files {
		r.model.Files = append(r.model.Files, f.Path)
		if kind, format := classify(f.Path); kind != "" {
			r.Files = append(r.Files, File{Path: f.Path, Size: f.Size, Kind: kind, Format: format})
		}
	}
}

func (s *scan) kind() string {
	if s.opts.Kind != "" {
		return s.opts.Kind
	}
	return "dir"
}

// finish sorts everything and computes the summary.
func (s *scan) finish() {
	r := &s.rep
	// Licenses before acceptable-use policies; within each, those read
	// from texts first, then metadata, references and declarations; then
	// by id.
	ids := make([]string, 0, len(s.lics))
	for id := range s.lics {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool {
		a, b := s.lics[ids[i]], s.lics[ids[j]]
		if pa, pb := a.Category == string(licenses.UsagePolicy), b.Category == string(licenses.UsagePolicy); pa != pb {
			return pb
		}
		if ra, rb := matchRank(a.Match.Kind), matchRank(b.Match.Kind); ra != rb {
			return ra > rb
		}
		return ids[i] < ids[j]
	})
	r.Licenses = []License{}
	for _, id := range ids {
		l := s.lics[id]
		sortEvidence(l.Evidence)
		l.Evidence = dedupEvidence(l.Evidence)
		sort.SliceStable(l.Terms, func(i, j int) bool { return termLess(l.Terms[i], l.Terms[j]) })
		if l.Terms == nil {
			l.Terms = []Term{}
		}
		r.Licenses = append(r.Licenses, *l)
	}
	sort.Slice(r.Files, func(i, j int) bool { return r.Files[i].Path < r.Files[j].Path })
	if r.Files == nil {
		r.Files = []File{}
	}
	if r.Lineage == nil {
		r.Lineage = []Link{}
	}
	if r.Obligations == nil {
		r.Obligations = []Obligation{}
	}
	if r.Violations == nil {
		r.Violations = []Violation{}
	}
	SortFindings(r.Findings)
	if r.Findings == nil {
		r.Findings = []Finding{}
	}
	if r.Declared.Licenses == nil {
		r.Declared.Licenses = []string{}
	}
	if r.Declared.Canonical == nil {
		r.Declared.Canonical = []string{}
	}
	if r.Declared.BaseModels == nil {
		r.Declared.BaseModels = []string{}
	}
	r.Summary = Summarize(r, SeverityError)
}

// SortFindings orders findings by severity, then rule, then first evidence.
func SortFindings(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() > b.Severity.Rank()
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		ap, bp := firstPath(a), firstPath(b)
		if ap != bp {
			return ap < bp
		}
		return a.Message < b.Message
	})
}

func firstPath(f Finding) string {
	if len(f.Evidence) == 0 {
		return ""
	}
	return fmt.Sprintf("%s:%09d", f.Evidence[0].Path, f.Evidence[0].StartLine)
}

func sortEvidence(es []Evidence) {
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].Path != es[j].Path {
			return es[i].Path < es[j].Path
		}
		if es[i].StartLine != es[j].StartLine {
			return es[i].StartLine < es[j].StartLine
		}
		return es[i].Source < es[j].Source
	})
}

func dedupEvidence(es []Evidence) []Evidence {
	out := es[:0]
	for i, e := range es {
		if i > 0 && e == es[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}

func termLess(a, b Term) bool {
	ra, rb := kindRank(a.Kind), kindRank(b.Kind)
	if ra != rb {
		return ra < rb
	}
	la, lb := 0, 0
	if len(a.Evidence) > 0 {
		la = a.Evidence[0].StartLine
	}
	if len(b.Evidence) > 0 {
		lb = b.Evidence[0].StartLine
	}
	if la != lb {
		return la < lb
	}
	return a.Value < b.Value
}

// Summarize computes the summary of r for a failing severity ("never"
// disables failing on findings). Policy violations that are not waived
// fail the report too.
func Summarize(r *Report, failOn Severity) Summary {
	sum := Summary{Licenses: len(r.Licenses), Categories: map[string]int{}, Findings: map[string]int{"error": 0, "warning": 0, "info": 0}, FailOn: string(failOn)}
	if failOn == "" {
		sum.FailOn = "never"
	}
	for _, l := range r.Licenses {
		sum.Categories[l.Category]++
		if l.Category == string(licenses.Unknown) {
			sum.Unknown = true
		}
	}
	fail := false
	for _, f := range r.Findings {
		sum.Findings[string(f.Severity)]++
		if failOn.Rank() > 0 && f.Severity.Rank() >= failOn.Rank() {
			fail = true
		}
	}
	for _, v := range r.Violations {
		if !v.Waived {
			fail = true
		}
	}
	sum.Status = "pass"
	if fail {
		sum.Status = "fail"
	}
	return sum
}

func kindRank(k terms.Kind) int { return terms.Rank(k) }

// incorporate adds the documents a found license incorporates by reference
// (its acceptable-use policy) when their text is not in the repository:
// their terms bind the licensee all the same (the Llama 3.2 policy's EU
// clause, Gemma's prohibited uses).
func (s *scan) incorporate() {
	ids := sortedKeys(s.lics)
	for _, id := range ids {
		l := s.lics[id]
		for _, inc := range l.Incorporates {
			if _, ok := s.lics[inc]; ok {
				continue
			}
			ident, ok := licenses.FromID(inc)
			if !ok {
				continue
			}
			ident.Kind = licenses.MatchReference
			ev := Evidence{Source: l.Evidence[0].Source, Path: l.Evidence[0].Path, StartLine: l.Evidence[0].StartLine, EndLine: l.Evidence[0].EndLine, Detail: "incorporated by reference in " + id}
			for _, t := range l.Terms {
				if t.Kind == terms.IncorporatedPolicy && len(t.Evidence) > 0 {
					ev = t.Evidence[0]
					ev.Detail = "incorporated by reference in " + id
					break
				}
			}
			s.addIdentification(ident, ev)
		}
	}
}
