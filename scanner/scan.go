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
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner/rules"
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
	// Datasets looks up the training data sets the card names; nil
	// reports them unresolved (each a dataset-license warning).
	Datasets DatasetResolver
	// LineageDepth bounds how far base models are followed (default 5).
	LineageDepth int
	// Derivative runs the checks for a derivative about to be published
	// against its base models' licenses (name prefix, NOTICE, copy of the
	// license, use-policy reference); DerivativeName is the name it will
	// be published under (default: the card's model_name).
	Derivative     bool
	DerivativeName string
	// MaxTargetBytes caps the bytes read from one target in total
	// (default DefaultMaxTargetBytes); files past it are not read, and an
	// error finding names each.
	MaxTargetBytes int64
	// Kind names the kind of source for the report: dir (default), file,
	// hf, hf-cache, github. A "file" target is read as a license text
	// whatever its name.
	Kind string
	// OnlyModels makes a target that is not a model repository (no model
	// card front matter, no config.json or adapter_config.json, no weight
	// files) fail with ErrNotModel instead of a report that warns about a
	// card without front matter (--github-org lists every repository).
	OnlyModels bool
}

// DefaultMaxTargetBytes is the default of Options.MaxTargetBytes: room
// for hundreds of license texts and weight headers, not for a repository
// of hundreds of links to one giant text.
const DefaultMaxTargetBytes = 512 << 20

func (o Options) maxTargetBytes() int64 {
	if o.MaxTargetBytes > 0 {
		return o.MaxTargetBytes
	}
	return DefaultMaxTargetBytes
}

func (o Options) maxText() int64 {
	if o.MaxTextBytes > 0 {
		return o.MaxTextBytes
	}
	return 4 << 20
}

func (o Options) kind() string {
	if o.Kind != "" {
		return o.Kind
	}
	return "dir"
}

// ErrTarget wraps failures to read the target at all (exit code 3).
var ErrTarget = errors.New("cannot read target")

// ErrNotModel: with Options.OnlyModels, the target is not a model
// repository.
var ErrNotModel = errors.New("not a model repository (no model card front matter, config.json, adapter_config.json or weight files)")

// Scan reads src and builds its report. It returns an error only when the
// target cannot be read at all; problems with single files become findings
// and the scan goes on.
//
// The scan is a pipeline, each stage a function of the previous stages'
// output: gather the evidence (card, files, weight headers, service
// metadata), identify the licenses in it, follow the lineage to the
// licenses inherited from base models, complete the licenses (declared
// values nothing identifies become unknown licenses; incorporated
// policies are added), apply the rules, assemble the report. Profile and
// policy evaluation (Evaluate) comes after.
func Scan(ctx context.Context, src source.Source, opts Options) (*Report, error) {
	ev, err := gather(ctx, src, opts)
	if err != nil {
		return nil, err
	}
	if opts.OnlyModels && !ev.isModel() {
		return nil, fmt.Errorf("%s: %w", src.Target(), ErrNotModel)
	}
	lics, idFindings := identify(ev)
	lineage, lineageFindings := followLineage(ctx, ev, opts)
	lics.addInherited(lineage)
	lics.resolveUnknownDeclared()
	lics.incorporate()
	ruleFindings := applyRules(&facts{e: ev, lics: lics, lineage: lineage, opts: opts})
	datasets, datasetFindings := datasetLineage(ctx, ev, opts)
	r := assemble(ev, lics, lineage, slices.Concat(ev.findings, idFindings, lineageFindings, ruleFindings, datasetFindings))
	r.Datasets = datasets
	return r, nil
}

// ErrorReport is the report of a target that could not be read at all:
// one record in every output, with the error, never a pass.
func ErrorReport(target, kind string, err error) *Report {
	if kind == "" {
		kind = "dir"
	}
	e := &evidence{target: target, kind: kind, md: &source.Metadata{}}
	// The message does not repeat the target the report names.
	msg := strings.TrimPrefix(err.Error(), ErrTarget.Error()+" "+target+": ")
	r := assemble(e, newLicenseSet(), nil, []Finding{newFinding("", rules.TargetUnreadable, SeverityError, "the target could not be read, so nothing in it was checked: "+msg, Evidence{Path: target, Source: SourceLicenseFile})})
	r.Error = err.Error()
	r.Summary.Status = "error"
	return r
}

// assemble builds the report, sorted, with its summary.
func assemble(e *evidence, ls *licenseSet, lineage []Link, fs []Finding) *Report {
	r := &Report{Schema: Schema, Target: e.target}
	r.Source = SourceInfo{Kind: e.kind, ID: e.md.ID, Revision: e.md.Revision, URL: e.md.URL, Gated: e.md.Gated, ServiceLicense: e.md.License}
	r.Declared = declared(e)
	// Licenses before acceptable-use policies; within each, those read
	// from texts first, then metadata, references and declarations; then
	// by id, then by place.
	keys := ls.keys()
	sort.SliceStable(keys, func(i, j int) bool {
		a, b := ls.byKey[keys[i]], ls.byKey[keys[j]]
		if pa, pb := a.Category == string(licenses.UsagePolicy), b.Category == string(licenses.UsagePolicy); pa != pb {
			return pb
		}
		if ra, rb := matchRank(a.Match.Kind), matchRank(b.Match.Kind); ra != rb {
			return ra > rb
		}
		return a.ID < b.ID
	})
	r.Licenses = []License{}
	for _, k := range keys {
		l := ls.byKey[k]
		sortEvidence(l.Evidence)
		l.Evidence = dedupEvidence(l.Evidence)
		sort.SliceStable(l.Terms, func(i, j int) bool { return termLess(l.Terms[i], l.Terms[j]) })
		if l.Terms == nil {
			l.Terms = []Term{}
		}
		r.Licenses = append(r.Licenses, *l)
	}
	r.Files = append([]File{}, e.looked...)
	for i, f := range r.Files {
		if !utf8.ValidString(f.Path) {
			r.Files[i].PathBytes = []byte(f.Path) // lossless where JSON is not
		}
	}
	r.Model.Config = e.modelConfig
	for _, f := range e.files {
		r.Model.Files = append(r.Model.Files, f.Path)
	}
	sort.Slice(r.Files, func(i, j int) bool { return r.Files[i].Path < r.Files[j].Path })
	r.Lineage = lineage
	if r.Lineage == nil {
		r.Lineage = []Link{}
	}
	r.Obligations = []Obligation{}
	r.Violations = []Violation{}
	r.Findings = append([]Finding{}, fs...)
	SortFindings(r.Findings)
	r.Summary = Summarize(r, SeverityError)
	return r
}

// declared is what the card declares, for the report.
func declared(e *evidence) Declared {
	d := Declared{Licenses: []string{}, Canonical: []string{}, BaseModels: []string{}}
	c := e.card
	if c == nil {
		return d
	}
	d.Path = e.cardPath
	d.Licenses = append(d.Licenses, c.License...)
	d.Canonical = declaredCanonical(e)
	d.LicenseName = c.LicenseName
	d.LicenseLink = c.LicenseLink
	d.BaseModels = append(d.BaseModels, c.BaseModel...)
	d.BaseModelRelation = c.BaseModelRelation
	d.ModelName = c.ModelName
	d.PipelineTag = c.PipelineTag
	d.Tags = c.Tags
	d.GatedEUDisallowed = c.ExtraGatedEUDisallowed
	return d
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
	ra, rb := kindRank(terms.Kind(a.Kind)), kindRank(terms.Kind(b.Kind))
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
