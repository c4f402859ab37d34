package terms

import "slices"

// Origins of a term.
const (
	OriginText    = "text"
	OriginCatalog = "catalog"
)

// Merge combines the terms extracted from a text with the catalog's facts
// about the same license. Nothing is substituted: an extracted term that
// agrees with a catalog fact (same kind, no parameter in conflict) takes
// the parameters it lacks from it and stays one term of origin "text"; a
// catalog fact no extracted term agrees with is kept beside them, of
// origin "catalog" (a partial reading of a list of bans never switches the
// rest of the list off). Same kind with other parameters means both.
// The inputs are not modified.
func Merge(extracted, catalog []Term) []Term {
	out := make([]Term, 0, len(extracted)+len(catalog))
	for _, t := range extracted {
		t = t.Clone()
		if t.Origin == "" {
			t.Origin = OriginText
		}
		out = append(out, t)
	}
	n := len(out)
	for _, c := range catalog {
		i := slices.IndexFunc(out[:n], func(t Term) bool { return agrees(t, c) })
		if i < 0 {
			c = c.Clone()
			c.Origin = OriginCatalog
			out = append(out, c)
			continue
		}
		fill(&out[i], c)
	}
	return out
}

// agrees: t and c are the same term: same kind, and every parameter that
// tells terms of the kind apart is equal or unset on one side.
func agrees(t, c Term) bool {
	if t.Kind != c.Kind {
		return false
	}
	d, _ := Descriptor(t.Kind)
	for _, p := range params {
		if slices.Contains(d.Qualifiers, p.name) || slices.Contains(d.CatalogNamed, p.name) {
			continue
		}
		a, b := p.get(&t), p.get(&c)
		if a != "" && b != "" && a != b {
			return false
		}
	}
	return true
}

// fill sets the parameters of t that are unset from c (and its citation).
func fill(t *Term, c Term) {
	for _, p := range params {
		if p.get(t) == "" {
			p.take(t, &c)
		}
	}
	if t.Clause == "" {
		t.Clause = c.Clause
	}
}

// MergeCited folds a catalog fact into the extracted term of the same kind
// that was read from the same lines (the catalog and the extractor naming
// one clause's parameters differently: "improve-other-llms" and
// "train-other-models" for the same sentence): the text term takes the
// union of the list parameters and the parameters it lacks. A catalog fact
// cited elsewhere, or not cited, stays beside the extracted terms.
func MergeCited(ts []Term) []Term {
	out := make([]Term, 0, len(ts))
	var folded []bool
	for range ts {
		folded = append(folded, false)
	}
	for i := range ts {
		c := ts[i]
		if c.Origin != OriginCatalog || len(c.Evidence) == 0 {
			continue
		}
		for j := range ts {
			x := &ts[j]
			if x.Origin != OriginText || x.Kind != c.Kind || !overlaps(x.Evidence, c.Evidence) {
				continue
			}
			x.Categories = union(x.Categories, c.Categories)
			x.Allowed = union(x.Allowed, c.Allowed)
			x.Regions = union(x.Regions, c.Regions)
			fill(x, c)
			folded[i] = true
			break
		}
	}
	for i, t := range ts {
		if !folded[i] {
			out = append(out, t)
		}
	}
	return out
}

func overlaps(a, b []Lines) bool {
	for _, x := range a {
		for _, y := range b {
			if x.Start <= y.End && y.Start <= x.End {
				return true
			}
		}
	}
	return false
}

func union(a, b []string) []string {
	out := cloneStrings(a)
	for _, s := range b {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}
