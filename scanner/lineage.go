package scanner

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/scanner/source"
)

// BaseInfo is what a Resolver knows of a base model.
type BaseInfo struct {
	// Licenses are declared license values (Hub ids, SPDX ids, or
	// "other" with LicenseName).
	Licenses    []string
	LicenseName string
	BaseModels  []source.BaseModel
	// Source says where it came from ("hub-api", "built-in table").
	Source string
}

// ErrUnresolved is returned by a Resolver that does not know a model.
var ErrUnresolved = errors.New("base model not resolved")

// Resolver looks up a base model's license and its own base models.
type Resolver interface {
	Resolve(ctx context.Context, modelID string) (*BaseInfo, error)
}

// Resolvers tries each resolver in turn and returns the first answer.
type Resolvers []Resolver

// Resolve implements Resolver.
func (rs Resolvers) Resolve(ctx context.Context, id string) (*BaseInfo, error) {
	var errs []error
	for _, r := range rs {
		bi, err := r.Resolve(ctx, id)
		if err == nil {
			return bi, nil
		}
		if !errors.Is(err, ErrUnresolved) {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return nil, ErrUnresolved
}

// lineage follows base models breadth-first, depth-limited and cycle-safe,
// and records each link with the licenses it carries.
func (s *scan) lineage() {
	maxDepth := s.opts.LineageDepth
	if maxDepth <= 0 {
		maxDepth = 5
	}
	self := strings.ToLower(s.md.ID)
	type item struct {
		model, base, relation string
		depth                 int
		ev                    Evidence
	}
	var queue []item
	seenEdge := map[string]bool{}
	for _, b := range s.bases {
		if b.id == "" {
			continue
		}
		model := s.md.ID
		if model == "" {
			model = s.src.Target()
		}
		queue = append(queue, item{model: model, base: b.id, relation: b.relation, depth: 1, ev: b.ev})
	}
	visited := map[string]bool{self: true}
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		key := strings.ToLower(it.model + "→" + it.base)
		if seenEdge[key] {
			continue
		}
		seenEdge[key] = true
		link := Link{Model: it.model, Base: it.base, Relation: it.relation, Depth: it.depth, Licenses: []string{}, Source: it.ev.Source}
		lb := strings.ToLower(it.base)
		if visited[lb] {
			link.Note = "cycle: already visited"
			s.rep.Lineage = append(s.rep.Lineage, link)
			continue
		}
		visited[lb] = true
		if s.opts.Lineage == nil {
			link.Note = "not resolved: no resolver (offline table or Hub) configured"
			s.rep.Lineage = append(s.rep.Lineage, link)
			continue
		}
		bi, err := s.opts.Lineage.Resolve(s.ctx, it.base)
		if err != nil {
			link.Note = "not resolved: " + err.Error()
			if !errors.Is(err, ErrUnresolved) {
				s.finding("lineage-error", SeverityWarning, fmt.Sprintf("base model %s: %v", it.base, err), it.ev)
			}
			s.rep.Lineage = append(s.rep.Lineage, link)
			continue
		}
		link.Source = bi.Source
		for _, v := range bi.Licenses {
			id, ok := s.resolveDeclared(v, bi.LicenseName)
			if ok {
				link.Licenses = append(link.Licenses, id.ID)
			} else if !strings.EqualFold(v, "other") || bi.LicenseName != "" {
				link.Licenses = append(link.Licenses, string(licenses.Unknown))
			}
		}
		sort.Strings(link.Licenses)
		link.Resolved = len(link.Licenses) > 0
		if !link.Resolved {
			link.Note = "the base model declares no license carveout can identify"
		}
		s.rep.Lineage = append(s.rep.Lineage, link)
		if it.depth >= maxDepth {
			continue
		}
		for _, b := range bi.BaseModels {
			queue = append(queue, item{model: it.base, base: b.ID, relation: b.Relation, depth: it.depth + 1, ev: Evidence{Path: it.base, Source: bi.Source}})
		}
	}
	sort.SliceStable(s.rep.Lineage, func(i, j int) bool {
		a, b := s.rep.Lineage[i], s.rep.Lineage[j]
		if a.Depth != b.Depth {
			return a.Depth < b.Depth
		}
		return a.Base < b.Base
	})
	s.checkInherited()
	s.addInherited()
}

// addInherited lists the licenses inherited from base models among the
// report's licenses, so their terms are evaluated too: a quantization of a
// Llama fine-tune is bound by the Llama terms whatever its card says.
func (s *scan) addInherited() {
	for _, l := range s.rep.Lineage {
		for _, id := range l.Licenses {
			if id == string(licenses.Unknown) {
				continue
			}
			ident, ok := licenses.FromID(id)
			if !ok {
				continue
			}
			if _, have := s.lics[ident.ID]; have && s.lics[ident.ID].Match.Kind != string(licenses.MatchDeclared) {
				continue
			}
			ident.Kind = licenses.MatchDeclared
			s.addIdentification(ident, Evidence{Path: l.Base, Source: SourceLineage, Detail: "inherited from base model " + l.Base})
		}
	}
}

// Inherited returns the identified licenses of the target's ancestors,
// nearest first, without duplicates.
func Inherited(r *Report) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range r.Lineage {
		for _, id := range l.Licenses {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

// checkInherited flags a declared license that drops a restrictive
// license inherited from the lineage (a Llama fine-tune relabelled mit).
func (s *scan) checkInherited() {
	if len(s.declared) == 0 && len(s.unresolved) == 0 {
		return
	}
	line := 0
	if s.card != nil {
		line = s.card.Line("license")
	}
	for _, inh := range Inherited(&s.rep) {
		base, ok := licenses.Lookup(inh)
		if !ok || !restrictive(string(base.Category)) {
			continue
		}
		ok, reason := licenses.KeepsBase(base, idsOf(s.declared), s.shipped())
		if ok {
			continue
		}
		decl := idsOf(s.declared)
		if len(s.unresolved) > 0 {
			decl = append(decl, "an unidentified license")
		}
		s.licenseFinding(inh, "base-license-conflict", SeverityError,
			fmt.Sprintf("the model card declares %s, but base model %s is licensed under %s (%s): %s", strings.Join(decl, ", "), strings.Join(s.basesWith(inh), ", "), inh, base.Category, reason),
			Evidence{Path: s.cardPath, StartLine: line, EndLine: line, Source: SourceModelCard})
	}
}

// basesWith lists the lineage models licensed under id.
func (s *scan) basesWith(id string) []string {
	var out []string
	for _, l := range s.rep.Lineage {
		for _, x := range l.Licenses {
			if x == id {
				out = append(out, l.Base)
			}
		}
	}
	return out
}

// shipped lists the licenses identified in the repository's license files.
func (s *scan) shipped() []licenses.Shipped {
	var out []licenses.Shipped
	for _, id := range sortedKeys(s.lics) {
		l := s.lics[id]
		for _, e := range l.Evidence {
			if e.Source == SourceLicenseFile && !strings.HasPrefix(e.Detail, "incorporated") {
				out = append(out, licenses.Shipped{ID: id, Path: e.Path})
			}
		}
	}
	return out
}
