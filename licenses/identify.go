package licenses

import (
	"strings"

	"github.com/carveout/carveout/licenses/internal/shingle"
	"github.com/carveout/carveout/licenses/terms"
)

// MatchKind says how a license was found.
type MatchKind string

// Match kinds. The string values are part of the JSON report.
const (
	// MatchText: a license text was matched against a reference text.
	MatchText MatchKind = "text"
	// MatchReference: a short reference in prose names the license.
	MatchReference MatchKind = "reference"
	// MatchDeclared: a license id declared in metadata (model card).
	MatchDeclared MatchKind = "declared"
	// MatchMetadata: license metadata in weights or a hosting API.
	MatchMetadata MatchKind = "metadata"
)

// Identification is one license found in a text or declared by id.
type Identification struct {
	// ID is the canonical id: the SPDX id where SPDX has one, else the
	// catalog id; "unknown" when the text is not identified.
	ID       string
	Name     string
	Category Category
	OSI      bool
	// License is the catalog entry, nil for SPDX licenses outside the
	// catalog and for unknown texts.
	License *License
	SPDXID  string
	HFID    string

	Kind MatchKind
	// Confidence in [0,1]: how much of the reference text is present and
	// how much of the present text is in the reference.
	Confidence float64
	// Modified: the text differs from the reference (changed numbers,
	// added or removed clauses, truncated).
	Modified bool
	// Lines is the range of the scanned text the license covers.
	Lines terms.Lines
	// Changed lists the lines of the scanned text that are not in the
	// reference text.
	Changed []terms.Lines
	// Terms are read from the text actually present (and completed from
	// the catalog for an unmodified known text).
	Terms []terms.Term
}

// UnknownID is the id of a text that matches no known license.
const UnknownID = "unknown"

// Identify identifies every license in a text: catalog licenses by their
// fingerprints (exact id and version, even between near-clones), SPDX
// licenses with licensecheck. The best match comes first, then the others
// in the order found (a license, then the policy appended to it). A text
// that matches nothing is one Identification with ID "unknown", its
// terms still extracted. An empty text gives nothing.
func Identify(text []byte) []Identification { return identify(text, true) }

// identify is Identify; withTerms false skips term extraction (to measure
// the matchers alone).
func identify(text []byte, withTerms bool) []Identification {
	toks := shingle.Tokenize(text)
	if len(toks) == 0 {
		return nil
	}
	db := loadFingerprints()
	if db.err != nil {
		panic(db.err)
	}
	lines := shingle.Lines(text)
	explained := make([]bool, len(toks))

	// Catalog engine.
	matches := matchCatalog(db, toks)
	for _, m := range matches {
		for j, ok := range m.matched {
			if ok {
				explained[j] = true
			}
		}
	}
	type found struct {
		id          Identification
		first, last int // token range
		coverage    float64
		lc          []terms.Lines // licensecheck ranges confirming it
	}
	var fs []*found
	for _, m := range matches {
		ref := db.refs[m.ref]
		var id Identification
		if l, ok := Lookup(ref.id); ok {
			id = identFromLicense(l)
		} else {
			id = Identification{ID: ref.id, Name: ref.id, Category: Unknown}
		}
		id.Kind = MatchText
		id.Lines = terms.Lines{Start: toks[m.first].Line, End: toks[m.last].Line}
		fs = append(fs, &found{id: id, first: m.first, last: m.last, coverage: m.coverage})
	}

	// SPDX engine, on the few builtin licenses the pre-filter allows.
	lcm := defaultSPDXScanner.scan(text, db.spdxCandidates(toks))
	var addOns []terms.Lines // restriction add-ons (Commons Clause)
	for _, m := range lcm {
		lr := terms.Lines{Start: lineAt(text, m.Start), End: lineAt(text, max(m.Start, m.End-1))}
		if restrictionAddOns[m.ID] {
			// Not a license of its own: a restriction on the license it
			// is attached to, whose text it modifies.
			addOns = append(addOns, lr)
			continue
		}
		overlaps, same := false, false
		for _, f := range fs {
			if f.id.Lines.End < lr.Start || lr.End < f.id.Lines.Start {
				continue
			}
			overlaps = true // the catalog match wins: it is more specific
			if sameSPDX(f.id.SPDXID, m.ID) || sameSPDX(f.id.ID, m.ID) {
				f.lc = append(f.lc, lr)
				same = true
			}
		}
		if overlaps && !same {
			continue
		}
		// Mark the tokens licensecheck explains.
		for j, t := range toks {
			if t.Line >= lr.Start && t.Line <= lr.End {
				explained[j] = true
			}
		}
		if overlaps {
			continue
		}
		var id Identification
		if l, ok := Lookup(m.ID); ok {
			id = identFromLicense(l)
		} else {
			name, osi, _ := SPDX(m.ID)
			if name == "" {
				name = m.ID
			}
			id = Identification{ID: m.ID, Name: name, SPDXID: m.ID, OSI: osi, Category: ClassifySPDX(m.ID)}
		}
		id.Kind = MatchText
		id.Lines = lr
		first, last := -1, -1
		for j, t := range toks {
			if t.Line >= lr.Start && t.Line <= lr.End {
				if first < 0 {
					first = j
				}
				last = j
			}
		}
		if first < 0 {
			continue
		}
		fs = append(fs, &found{id: id, first: first, last: last, coverage: 1, lc: []terms.Lines{lr}})
	}

	// Text no match explains: a large block that reads like license text
	// (and is no restriction add-on) is an unknown license of its own;
	// smaller leftovers belong to the single match when there is one.
	var regions [][2]int
	for _, f := range fs {
		regions = append(regions, [2]int{f.first, f.last})
	}
	var unknowns []terms.Lines
	for _, r := range unexplainedBlocks(toks, explained, regions) {
		if len(fs) == 0 || (licenseVocabulary(toks, r) >= 4 && !overlapsAny(r, addOns)) {
			unknowns = append(unknowns, r)
		}
	}
	var out []Identification
	for _, f := range fs {
		id := &f.id
		first, last := f.first, f.last
		if len(fs) == 1 {
			first, last = 0, len(toks)-1
		}
		changed := changedLines(toks, first, last, explained)
		changed = subtractLines(changed, f.lc)
		changed = subtractLines(changed, unknowns)
		id.Changed = changed
		n, all := 0, 0
		for j := first; j <= last; j++ {
			if inRange(toks[j].Line, unknowns) {
				continue
			}
			all++
			if explained[j] {
				n++
			}
		}
		id.Confidence = harmonic(f.coverage, float64(n)/float64(max(all, 1)))
		id.Modified = len(changed) > 0 || (f.coverage < 1 && !(len(f.lc) > 0 && f.coverage >= 0.9))
		for _, c := range changed {
			id.Lines.Start = min(id.Lines.Start, c.Start)
			id.Lines.End = max(id.Lines.End, c.End)
		}
		if withTerms {
			id.Terms = regionTerms(lines, id.Lines)
		}
		if id.Modified && withTerms {
			addOn := false
			for _, a := range addOns {
				addOn = addOn || len(fs) == 1 || (a.Start <= id.Lines.End+1 && a.End >= id.Lines.Start-1)
			}
			restrictOpenLicense(id, lines, addOn)
		} else if id.License != nil && withTerms {
			id.Terms = addCatalogTerms(id.Terms, catalogTerms(id.License), toks, id.Lines)
		}
		out = append(out, *id)
	}
	for _, r := range unknowns {
		u := Identification{ID: UnknownID, Name: "Unknown license", Category: Unknown, Kind: MatchText, Lines: r}
		if withTerms {
			u.Terms = regionTerms(lines, r)
		}
		out = append(out, u)
	}
	return out
}

func inRange(line int, rs []terms.Lines) bool {
	for _, r := range rs {
		if line >= r.Start && line <= r.End {
			return true
		}
	}
	return false
}

func overlapsAny(r terms.Lines, rs []terms.Lines) bool {
	for _, o := range rs {
		if r.Start <= o.End && o.Start <= r.End {
			return true
		}
	}
	return false
}

// minUnknownTokens is the size of an unexplained block of text reported
// as an unknown license next to identified ones.
const minUnknownTokens = 80

// unexplainedBlocks returns the line ranges of runs of at least
// minUnknownTokens tokens outside every match region (with no match at
// all, the whole text).
func unexplainedBlocks(toks []shingle.Token, explained []bool, regions [][2]int) []terms.Lines {
	if len(regions) == 0 {
		return []terms.Lines{{Start: toks[0].Line, End: toks[len(toks)-1].Line}}
	}
	in := make([]bool, len(toks))
	for _, r := range regions {
		for j := r[0]; j <= r[1] && j < len(toks); j++ {
			in[j] = true
		}
	}
	var out []terms.Lines
	start := -1
	flush := func(end int) {
		if start >= 0 && end-start >= minUnknownTokens {
			out = append(out, terms.Lines{Start: toks[start].Line, End: toks[end-1].Line})
		}
		start = -1
	}
	for j := range toks {
		if in[j] || explained[j] {
			flush(j)
			continue
		}
		if start < 0 {
			start = j
		}
	}
	flush(len(toks))
	return out
}

// legalWords are words of license texts; prose that uses few of them
// (the rest of a model card) is not an unknown license.
var legalWords = map[string]bool{
	"license": true, "licence": true, "licensee": true, "licensor": true, "grant": true,
	"granted": true, "warranty": true, "warranties": true, "liability": true, "liable": true,
	"permission": true, "agreement": true, "terminate": true, "termination": true,
	"indemnify": true, "redistribution": true, "sublicense": true, "royalty": true,
	"herein": true, "hereby": true, "thereof": true, "notwithstanding": true,
}

// licenseVocabulary counts the distinct legal words in lines r.
func licenseVocabulary(toks []shingle.Token, r terms.Lines) int {
	seen := map[string]bool{}
	for _, t := range toks {
		if t.Line >= r.Start && t.Line <= r.End && legalWords[t.Word] {
			seen[t.Word] = true
		}
	}
	return len(seen)
}

// identFromLicense fills an Identification from a catalog entry (no
// terms, kind or confidence yet). The id is the SPDX id where SPDX has
// one, else the catalog id.
func identFromLicense(l *License) Identification {
	id := Identification{
		ID:       l.ID,
		Name:     l.Name,
		Category: l.Category,
		OSI:      l.OSI,
		License:  l,
		SPDXID:   l.SPDXID,
		HFID:     l.HFID,
	}
	if e, ok := SPDXLicense(l.SPDXID); ok {
		id.ID = e.ID
	}
	return id
}

// catalogTerms returns copies of a catalog entry's terms, origin
// "catalog".
func catalogTerms(l *License) []terms.Term {
	ts := make([]terms.Term, len(l.Terms))
	for i, t := range l.Terms {
		t = t.Clone()
		t.Origin = "catalog"
		t.Evidence = nil
		ts[i] = t
	}
	return ts
}

func harmonic(a, b float64) float64 {
	if a+b == 0 {
		return 0
	}
	return 2 * a * b / (a + b)
}

// lineAt returns the 1-based line of byte offset off (CR, LF and CRLF end
// a line, as in shingle.Lines).
func lineAt(text []byte, off int) int {
	off = min(off, len(text))
	line := 1
	for i := 0; i < off; i++ {
		switch text[i] {
		case '\n':
			line++
		case '\r':
			if i+1 >= len(text) || text[i+1] != '\n' {
				line++
			}
		}
	}
	return line
}

// subtractLines removes from rs the lines inside any of cut.
func subtractLines(rs []terms.Lines, cut []terms.Lines) []terms.Lines {
	var lines []int
	for _, r := range rs {
	next:
		for l := r.Start; l <= r.End; l++ {
			for _, c := range cut {
				if l >= c.Start && l <= c.End {
					continue next
				}
			}
			lines = append(lines, l)
		}
	}
	return mergeLines(lines)
}

// regionText returns lines r of the text joined with newlines.
func regionText(lines []string, r terms.Lines) string {
	s, e := max(r.Start, 1), min(r.End, len(lines))
	if s > e {
		return ""
	}
	return strings.Join(lines[s-1:e], "\n")
}

// regionTerms extracts the terms of lines r, with evidence numbered as
// lines of the whole text.
func regionTerms(lines []string, r terms.Lines) []terms.Term {
	ts := terms.Extract(regionText(lines, r))
	for i := range ts {
		ts[i].Evidence = offsetLines(ts[i].Evidence, r.Start-1)
		if ts[i].Origin == "" {
			ts[i].Origin = "text"
		}
	}
	return ts
}

func offsetLines(ls []terms.Lines, by int) []terms.Lines {
	out := make([]terms.Lines, len(ls))
	for i, l := range ls {
		out[i] = terms.Lines{Start: l.Start + by, End: l.End + by}
	}
	return out
}

// restrictionAddOns are licensecheck ids of texts that only restrict the
// license they are attached to.
var restrictionAddOns = map[string]bool{"CommonsClause": true}

// restrictOpenLicense reclassifies a modified open license (MIT with a
// non-commercial sentence, the Commons Clause...) by what its changed
// lines say: it is no longer OSI-approved nor open. addOn: a restriction
// add-on is attached to it.
func restrictOpenLicense(id *Identification, lines []string, addOn bool) {
	switch id.Category {
	case Permissive, Copyleft, OpenNonOSI:
	default:
		return
	}
	nc, restricted := false, addOn
	for _, c := range id.Changed {
		for _, t := range terms.Extract(regionText(lines, c)) {
			switch {
			case t.Kind == terms.NonCommercial:
				nc = true
			case terms.Restricts(t.Kind):
				restricted = true
			}
		}
	}
	switch {
	case nc:
		id.Category, id.OSI = NonCommercial, false
	case restricted:
		id.Category, id.OSI = CustomRestricted, false
	}
}

// addCatalogTerms merges the terms read from an unmodified known text with
// the catalog's facts (terms.Merge: never substituted); a catalog fact the
// extraction did not find points at the lines of its quote when the text
// shows it.
func addCatalogTerms(ts, catalog []terms.Term, toks []shingle.Token, r terms.Lines) []terms.Term {
	ts = terms.Merge(ts, catalog)
	for i := range ts {
		c := &ts[i]
		if c.Origin != terms.OriginCatalog {
			continue
		}
		c.Evidence = nil
		for _, p := range []string{c.Quote, c.Text, c.Statement, c.Prefix, c.Notice, c.Policy} {
			if l, ok := findPhrase(toks, shingle.Tokenize([]byte(p)), r); ok {
				c.Evidence = []terms.Lines{l}
				break
			}
		}
	}
	return ts
}

// findPhrase finds the normalized phrase in the tokens within lines r.
func findPhrase(toks, phrase []shingle.Token, r terms.Lines) (terms.Lines, bool) {
	if len(phrase) == 0 {
		return terms.Lines{}, false
	}
outer:
	for i := 0; i+len(phrase) <= len(toks); i++ {
		if toks[i].Line < r.Start || toks[i].Line > r.End {
			continue
		}
		for k, p := range phrase {
			if toks[i+k].Word != p.Word {
				continue outer
			}
		}
		return terms.Lines{Start: toks[i].Line, End: toks[i+len(phrase)-1].Line}, true
	}
	return terms.Lines{}, false
}
