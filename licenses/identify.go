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
	// Closest is, for an unknown text, the reference it resembles most
	// and how much: shown to a reviewer, never lent as the text's id.
	Closest *Closest
	// Incorporates lists the documents the text incorporates by
	// reference: the catalog's list for an exact text, and for a
	// modified one only the documents the text itself still refers to.
	Incorporates []string
}

// Closest is the reference an unknown text resembles most.
type Closest struct {
	ID         string
	Similarity float64
}

// UnknownID is the id of a text that matches no known license.
const UnknownID = "unknown"

// Identify identifies every license in a text: catalog licenses by their
// fingerprints (exact id and version, even between near-clones), SPDX
// licenses with licensecheck. The best match comes first, then the others
// in the order found (a license, then the policy appended to it). A text
// that matches nothing is one Identification with ID "unknown", its
// terms still extracted. An empty text gives nothing.
//
// Each distinct text is identified once per process (see textMemo): the
// result is shared, and callers must not modify it.
func Identify(text []byte) []Identification { return identifyMemo.get(text) }

// IdentifyProse is Identify for prose that may hold a license text (a
// model card's body, its gated prompt): it returns only the licenses found
// in it with a confidence of at least minProseConfidence, with their
// terms. The rest of the prose is no license: its closest reference and
// terms, which Identify would work out, are not.
func IdentifyProse(text []byte) []Identification { return proseMemo.get(text) }

// identifyProse is IdentifyProse, unmemoized.
func identifyProse(text []byte) []Identification {
	var out []Identification
	for _, id := range identify(text, proseMode) {
		if proseKept(id) {
			out = append(out, id)
		}
	}
	return out
}

// proseKept reports whether IdentifyProse reports an identification: a
// known license found with enough confidence.
func proseKept(id Identification) bool {
	return id.ID != UnknownID && id.Confidence >= minProseConfidence
}

// minProseConfidence is the least confidence of a license text found in
// prose: below it, prose that shares some phrases with a license is not
// that license.
const minProseConfidence = 0.5

// identifyMode says what identify works out beside the licenses.
type identifyMode struct {
	terms    bool // extract terms (false: to measure the matchers alone)
	unknowns bool // report the text no license explains (IdentifyProse: no)
	// kept, when not nil, says which identifications the caller keeps:
	// the others get no terms (their extraction would be dropped).
	kept func(Identification) bool
}

var (
	fullMode  = identifyMode{terms: true, unknowns: true}
	proseMode = identifyMode{terms: true, kept: proseKept}
)

// identify is Identify in the given mode.
func identify(text []byte, mode identifyMode) []Identification {
	toks := shingle.Tokenize(text)
	if len(toks) == 0 {
		return nil
	}
	db := loadFingerprints()
	if db.err != nil {
		panic(db.err)
	}
	lines := shingle.Lines(text)
	sh := shingle.Shingles(toks)
	in, at := shingle.SetAt(sh)
	docs := resolveDocs(db, text, toks, lines, sh, in, at)

	explained := make([]bool, len(toks))
	var regions [][2]int
	for _, d := range docs {
		for j, ok := range d.expl {
			if ok {
				explained[j] = true
			}
		}
		regions = append(regions, [2]int{d.first, d.last})
	}
	// An exception appended to a license (an additional permission) is
	// part of that license: "Apache-2.0 WITH LLVM-exception".
	exceptions := findExceptions(toks, in, explained)
	for _, h := range exceptions {
		for j := h.first; j <= h.last; j++ {
			explained[j] = true
		}
	}
	// Text no match explains: a large block that reads like license text
	// is a document of its own (an unknown license, or a rider); smaller
	// leftovers belong to the single match when there is one.
	var unknowns []terms.Lines
	for _, r := range unexplainedBlocks(toks, explained, regions) {
		if len(docs) == 0 || licenseVocabulary(toks, r) >= 4 {
			unknowns = append(unknowns, r)
		}
	}
	notices := noticeLines(toks, lines)
	var out []Identification
	for _, d := range docs {
		first, last := d.first, d.last
		whole := terms.Lines{Start: toks[first].Line, End: toks[last].Line}
		if len(docs) == 1 {
			first, last = singleDocRegion(d, toks, lines, explained)
			whole = terms.Lines{Start: 1, End: len(lines)}
		}
		id := d.verdict(db, in, toks, lines, first, last, explained, append(notices, unknowns...), unknowns, whole)
		// (What follows never makes an identification the caller drops one
		// it keeps: it changes no confidence, and only ever to unknown.)
		if mode.terms && (mode.kept == nil || mode.kept(id)) {
			id.Terms = regionTerms(lines, id.Lines)
			switch {
			case id.ID == UnknownID:
			case id.Modified:
				id.Category = modifiedCategory(id, lines)
				if id.Category == Unknown && unreadWords(toks, explained, id.Changed) > maxUnreadWords {
					// Text added that cannot be read into terms is not an
					// edit carveout can list: the text is not X.
					terms := id.Terms
					id = unknownLike(id, id.Confidence)
					id.Terms = terms
				}
			case id.License != nil && id.Kind == MatchText:
				id.Terms = addCatalogTerms(id.Terms, catalogTerms(id.License), toks, id.Lines)
			case id.License != nil:
				// Matched from its identifying lines: the catalog's facts
				// the text does not show are kept beside what it says.
				id.Terms = addCatalogTerms(id.Terms, catalogTerms(id.License), toks, id.Lines)
			}
		}
		id.Incorporates = incorporated(id)
		if len(out) == 0 && id.ID != UnknownID && id.Category != UsagePolicy {
			for _, h := range exceptions {
				id = withException(id, h.id)
				id.Lines.End = max(id.Lines.End, h.lines(toks).End)
				id.Lines.Start = min(id.Lines.Start, h.lines(toks).Start)
			}
		}
		out = append(out, id)
	}
	if !mode.unknowns {
		return out
	}
	for _, r := range unknowns {
		u := Identification{ID: UnknownID, Name: "Unknown license", Category: Unknown, Kind: MatchText, Lines: r}
		u.Closest = closestRef(db, tokensIn(toks, r))
		if first, last, ok := tokenRange(toks, r); ok {
			if o, ok := titledNoReference(toks, first, last, lines, nil); ok {
				u = o
				u.Lines = r
			}
		}
		if mode.terms {
			u.Terms = regionTerms(lines, r)
			if u.License != nil {
				u.Terms = addCatalogTerms(u.Terms, catalogTerms(u.License), toks, r)
			}
		}
		u.Incorporates = incorporated(u)
		out = append(out, u)
	}
	return out
}

// maxUnreadWords is the most words a modified text may add that cannot
// be read into terms (a word or two changed) and still be reported as the
// license it resembles. Measured: the one word changed in a corpus variant
// (creativeml-openrail++-m-sdxl.txt) is 2; licensecheck's broken MIT and
// BSD texts add a sentence of 10 or more.
const maxUnreadWords = 6

// unreadWords counts the words of changed lines no reference explains.
func unreadWords(toks []shingle.Token, explained []bool, changed []terms.Lines) int {
	n := 0
	for j, t := range toks {
		if !explained[j] && inRange(t.Line, changed) {
			n++
		}
	}
	return n
}

// tokenRange returns the tokens on lines r.
func tokenRange(toks []shingle.Token, r terms.Lines) (first, last int, ok bool) {
	first, last = -1, -1
	for j, t := range toks {
		if t.Line >= r.Start && t.Line <= r.End {
			if first < 0 {
				first = j
			}
			last = j
		}
	}
	return first, last, first >= 0
}

func inRange(line int, rs []terms.Lines) bool {
	for _, r := range rs {
		if line >= r.Start && line <= r.End {
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
	return terms.MergeCited(ts)
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
