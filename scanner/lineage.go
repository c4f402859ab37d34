package scanner

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/scanner/rules"
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

// Bounds on lineage: base models followed per model, and lookups per
// target (a Hub giving every model 20 new base models, or a card listing
// thousands, must not cost thousands of requests).
const (
	maxLineageBreadth = 32
	maxLineageLookups = 128
)

// followLineage is the lineage stage: it follows the target's base models
// breadth-first, depth-limited and cycle-safe, and returns each link with
// the licenses it carries.
func followLineage(ctx context.Context, e *evidence, opts Options) ([]Link, []Finding) {
	var fs findings
	maxDepth := opts.LineageDepth
	if maxDepth <= 0 {
		maxDepth = 5
	}
	self := strings.ToLower(e.md.ID)
	type item struct {
		model, base, relation string
		depth                 int
		ev                    Evidence
	}
	var queue []item
	seenEdge := map[string]bool{}
	for _, b := range e.bases {
		if b.id == "" {
			continue
		}
		model := e.md.ID
		if model == "" {
			model = e.target
		}
		queue = append(queue, item{model: model, base: b.id, relation: b.relation, depth: 1, ev: b.ev})
	}
	links := []Link{}
	visited := map[string]bool{self: true}
	lookups, notFollowed := 0, 0
	for len(queue) > 0 {
		it := queue[0]
		queue = queue[1:]
		if lookups >= maxLineageLookups {
			notFollowed++
			continue
		}
		key := strings.ToLower(it.model + "→" + it.base)
		if seenEdge[key] {
			continue
		}
		seenEdge[key] = true
		link := Link{Model: it.model, Base: it.base, Relation: it.relation, Depth: it.depth, Licenses: []string{}, Source: it.ev.Source}
		lb := strings.ToLower(it.base)
		if visited[lb] {
			link.Note = "cycle: already visited"
			links = append(links, link)
			continue
		}
		visited[lb] = true
		if opts.Lineage == nil {
			link.Note = "not resolved: no resolver (offline table or Hub) configured"
			links = append(links, link)
			continue
		}
		lookups++
		bi, err := opts.Lineage.Resolve(ctx, it.base)
		if err != nil {
			link.Note = "not resolved: " + err.Error()
			if !errors.Is(err, ErrUnresolved) {
				fs.add("", rules.LineageError, fmt.Sprintf("base model %s: %v", it.base, err), it.ev)
			}
			links = append(links, link)
			continue
		}
		link.Source = bi.Source
		for _, v := range bi.Licenses {
			id, ok := resolveDeclared(v, bi.LicenseName)
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
		links = append(links, link)
		if it.depth >= maxDepth {
			continue
		}
		for i, b := range bi.BaseModels {
			if i >= maxLineageBreadth {
				notFollowed += len(bi.BaseModels) - i
				break
			}
			queue = append(queue, item{model: it.base, base: b.ID, relation: b.Relation, depth: it.depth + 1, ev: Evidence{Path: it.base, Source: bi.Source}})
		}
	}
	if notFollowed > 0 {
		fs.add("", rules.LineageTruncated, fmt.Sprintf("%d base model links were not followed (at most %d base models per model and %d lookups per target); the licenses they carry are not known", notFollowed, maxLineageBreadth, maxLineageLookups))
	}
	sort.SliceStable(links, func(i, j int) bool {
		a, b := links[i], links[j]
		if a.Depth != b.Depth {
			return a.Depth < b.Depth
		}
		return a.Base < b.Base
	})
	return links, fs
}

// addInherited lists the licenses inherited from base models among the
// licenses found, so their terms are evaluated too: a quantization of a
// Llama fine-tune is bound by the Llama terms whatever its card says.
func (ls *licenseSet) addInherited(links []Link) {
	for _, l := range links {
		for _, id := range l.Licenses {
			if id == string(licenses.Unknown) {
				continue
			}
			ident, ok := licenses.FromID(id)
			if !ok {
				continue
			}
			if have := ls.get(ident.ID); have != nil && have.Match.Kind != string(licenses.MatchDeclared) {
				continue
			}
			ident.Kind = licenses.MatchDeclared
			ls.add(ident, Evidence{Path: l.Base, Source: SourceLineage, Detail: "inherited from base model " + l.Base})
		}
	}
}

// inherited returns the identified licenses of the target's ancestors,
// nearest first, without duplicates.
func inherited(links []Link) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range links {
		for _, id := range l.Licenses {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}

// basesWith lists the lineage models licensed under id.
func basesWith(links []Link, id string) []string {
	var out []string
	for _, l := range links {
		for _, x := range l.Licenses {
			if x == id {
				out = append(out, l.Base)
			}
		}
	}
	return out
}
