package licenses

import (
	"slices"
	"strings"
	"sync"

	"github.com/carveout/carveout/licenses/internal/shingle"
	"github.com/carveout/carveout/licenses/terms"
)

// refPhrase is one normalized phrase naming a license.
type refPhrase struct {
	words   []string
	id      string   // catalog id or SPDX id
	lic     *License // nil for SPDX-only phrases
	catalog bool
}

// commonSPDXNames are the ways prose names common SPDX licenses beyond
// their SPDX list names ("Apache 2.0", "CC BY-NC 4.0").
var commonSPDXNames = map[string][]string{
	"Apache-2.0":          {"Apache License 2.0", "Apache License Version 2.0", "Apache 2.0 License", "Apache-2.0", "Apache License v2.0", "Apache 2.0"},
	"MIT":                 {"MIT License", "MIT licence"},
	"BSD-3-Clause":        {"BSD 3-Clause License", "3-Clause BSD License", "BSD-3-Clause"},
	"BSD-2-Clause":        {"BSD 2-Clause License", "2-Clause BSD License", "BSD-2-Clause"},
	"GPL-3.0-only":        {"GNU General Public License v3", "GNU General Public License version 3", "GPL-3.0", "GPLv3", "GPL v3"},
	"GPL-2.0-only":        {"GNU General Public License v2", "GNU General Public License version 2", "GPL-2.0", "GPLv2", "GPL v2"},
	"AGPL-3.0-only":       {"GNU Affero General Public License v3", "GNU Affero General Public License version 3", "AGPL-3.0", "AGPLv3"},
	"LGPL-3.0-only":       {"GNU Lesser General Public License v3", "LGPL-3.0", "LGPLv3"},
	"MPL-2.0":             {"Mozilla Public License 2.0", "MPL-2.0", "MPL 2.0"},
	"CC-BY-4.0":           {"Creative Commons Attribution 4.0", "CC BY 4.0", "CC-BY-4.0"},
	"CC-BY-SA-4.0":        {"Creative Commons Attribution-ShareAlike 4.0", "CC BY-SA 4.0", "CC-BY-SA-4.0"},
	"CC-BY-NC-4.0":        {"Creative Commons Attribution-NonCommercial 4.0", "CC BY-NC 4.0", "CC-BY-NC-4.0"},
	"CC-BY-NC-SA-4.0":     {"Creative Commons Attribution-NonCommercial-ShareAlike 4.0", "CC BY-NC-SA 4.0", "CC-BY-NC-SA-4.0"},
	"CC-BY-NC-ND-4.0":     {"Creative Commons Attribution-NonCommercial-NoDerivatives 4.0", "CC BY-NC-ND 4.0", "CC-BY-NC-ND-4.0"},
	"CC0-1.0":             {"CC0 1.0", "CC0-1.0", "Creative Commons Zero v1.0"},
	"Unlicense":           {"The Unlicense"},
	"ISC":                 {"ISC License", "ISC licence"},
	"Zlib":                {"zlib License"},
	"PostgreSQL":          {"PostgreSQL License"},
	"OpenSSL":             {"OpenSSL License"},
	"BSL-1.0":             {"Boost Software License 1.0"},
	"OpenRAIL-M":          nil,
	"Artistic-2.0":        {"Artistic License 2.0"},
	"EPL-2.0":             {"Eclipse Public License 2.0"},
	"CDLA-Permissive-2.0": {"Community Data License Agreement Permissive 2.0", "CDLA-Permissive-2.0"},
}

// refPhraseRow is one reference phrase as the generated table holds it:
// its normalized words, and the license it names.
type refPhraseRow struct {
	Words   []string
	ID      string
	Catalog bool
}

// loadRefPhrases indexes the generated phrase table (refphrases_gen.go)
// by first word; catalog phrases point at their catalog entry.
var loadRefPhrases = sync.OnceValue(func() map[string][]refPhrase {
	idx := make(map[string][]refPhrase, len(refPhraseTable))
	for _, r := range refPhraseTable {
		p := refPhrase{words: r.Words, id: r.ID, catalog: r.Catalog}
		if r.Catalog {
			p.lic, _ = Lookup(r.ID)
		}
		idx[p.words[0]] = append(idx[p.words[0]], p)
	}
	return idx
})

// buildRefPhrases derives the reference phrases from the catalog (its
// references and distinctive names), commonSPDXNames and the SPDX list's
// names, normalized as texts are; the first owner of a phrase (catalog
// before SPDX) keeps it. TestRefPhraseTable writes them into
// refphrases_gen.go, so that no process tokenizes 1,500 names at start-up.
func buildRefPhrases() []refPhraseRow {
	var rows []refPhraseRow
	seen := map[string]bool{}
	add := func(phrase, id string, catalog bool) {
		toks := shingle.Tokenize([]byte(phrase))
		if len(toks) < 2 {
			return
		}
		words := make([]string, len(toks))
		for i, t := range toks {
			words[i] = t.Word
		}
		key := strings.Join(words, " ")
		if seen[key] {
			return
		}
		seen[key] = true
		rows = append(rows, refPhraseRow{Words: words, ID: id, Catalog: catalog})
	}
	for _, l := range Catalog() {
		for _, p := range l.References {
			add(p, l.ID, true)
		}
	}
	for _, l := range Catalog() {
		if isDistinctiveName(l.Name) {
			add(l.Name, l.ID, true)
		}
	}
	ids := make([]string, 0, len(commonSPDXNames))
	for id := range commonSPDXNames {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		for _, p := range commonSPDXNames[id] {
			add(p, id, false)
		}
	}
	for _, id := range SPDXIDs() {
		// Two-word SPDX names ("Fair License", "Cube License") read as
		// prose; the common ones are in commonSPDXNames.
		e, _ := SPDXLicense(id)
		if !e.Deprecated && isDistinctiveName(e.Name) && len(shingle.Tokenize([]byte(e.Name))) >= 3 {
			add(e.Name, e.ID, false)
		}
	}
	return rows
}

// isDistinctiveName reports whether a license name is specific enough to
// be a reference on its own: several words, one of them a version or the
// word license/agreement/policy.
func isDistinctiveName(name string) bool {
	toks := shingle.Tokenize([]byte(name))
	if len(toks) < 2 {
		return false
	}
	for _, t := range toks {
		switch t.Word {
		case "license", "licence", "agreement", "policy", "terms":
			return true
		}
		if t.Word[0] >= '0' && t.Word[0] <= '9' {
			return true
		}
	}
	return false
}

// FindReferences finds short references to licenses in prose ("licensed
// under the Llama 3.1 Community License", "released under the Apache
// License 2.0"): catalog reference phrases and names, and common SPDX
// license names, insensitive to wrapping and markdown. Where phrases
// overlap the longest (most specific) wins. Each license is reported once,
// at its first reference, in text order, Kind reference. Like Identify's,
// the result is shared by every caller with the same text: read only.
func FindReferences(text []byte) []Identification {
	return referencesMemo.get(text)
}

// findReferenceTokens is FindReferences over tokens.
func findReferenceTokens(toks []shingle.Token) []Identification {
	if len(toks) == 0 {
		return nil
	}
	idx := loadRefPhrases()
	type hit struct {
		start, end int // tokens [start, end)
		p          *refPhrase
	}
	var hits []hit
	for i, t := range toks {
		ps := idx[t.Word]
		for k := range ps {
			p := &ps[k]
			if i+len(p.words) > len(toks) {
				continue
			}
			ok := true
			for j, w := range p.words[1:] {
				if toks[i+1+j].Word != w {
					ok = false
					break
				}
			}
			if ok {
				hits = append(hits, hit{i, i + len(p.words), p})
			}
		}
	}
	// Longest first, then earliest, then catalog before SPDX; keep the
	// hits that do not overlap a better one.
	slices.SortStableFunc(hits, func(a, b hit) int {
		if la, lb := a.end-a.start, b.end-b.start; la != lb {
			return lb - la
		}
		if a.start != b.start {
			return a.start - b.start
		}
		if a.p.catalog != b.p.catalog {
			if a.p.catalog {
				return -1
			}
			return 1
		}
		return strings.Compare(a.p.id, b.p.id)
	})
	taken := make([]bool, len(toks))
	var kept []hit
	for _, h := range hits {
		free := true
		for j := h.start; j < h.end; j++ {
			if taken[j] {
				free = false
				break
			}
		}
		if !free {
			continue
		}
		for j := h.start; j < h.end; j++ {
			taken[j] = true
		}
		kept = append(kept, h)
	}
	slices.SortFunc(kept, func(a, b hit) int { return a.start - b.start })
	var out []Identification
	seen := map[string]bool{}
	for _, h := range kept {
		var id Identification
		if h.p.lic != nil {
			id = identFromLicense(h.p.lic)
			id.Terms = catalogTerms(h.p.lic)
		} else if l, ok := Lookup(h.p.id); ok {
			id = identFromLicense(l)
			id.Terms = catalogTerms(l)
		} else {
			name, osi, _ := SPDX(h.p.id)
			if name == "" {
				name = h.p.id
			}
			id = Identification{ID: h.p.id, Name: name, SPDXID: h.p.id, OSI: osi, Category: ClassifySPDX(h.p.id)}
		}
		if seen[id.ID] {
			continue
		}
		seen[id.ID] = true
		id.Kind = MatchReference
		id.Confidence = 1
		id.Lines = terms.Lines{Start: toks[h.start].Line, End: toks[h.end-1].Line}
		out = append(out, id)
	}
	return out
}
