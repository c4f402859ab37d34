package licenses

import (
	"slices"
	"strings"

	"github.com/carveout/carveout/licenses/internal/shingle"
	"github.com/carveout/carveout/licenses/terms"
)

// Thresholds of the three answers (exact, modified, unknown). The numbers
// behind them are in NOTES-identify.md and printed by
// TestIdentifySPDXList, TestLicensecheckTestdata and
// TestIdentifyGeneratedVariants.
const (
	// modifiedFloor is the least similarity (harmonic mean of the share
	// of the reference present and the share of the text the reference
	// explains) for a text to be reported as a modified copy of a
	// reference; below it the text is unknown, with the reference as
	// closest. Measured: a corpus text with a clause added stays at 0.89
	// or more, with a threshold changed at 0.945 or more
	// (TestIdentifyGeneratedVariants); distinct SPDX licenses resemble the
	// closest other license at a median of 0.69 (TestIdentifySPDXList) —
	// those above the floor are variants of one template differing by a
	// clause, each on the list and so matched exactly.
	modifiedFloor = 0.80
	// wholeCoverage: a reference the text holds this much of is whole.
	wholeCoverage = 0.98
	// exactMissingMax bounds the reference shingles (other than those of
	// its title and copyright notice lines) an exact text may lack without
	// licensecheck's confirmation: none (deleting the first word of MIT's
	// grant loses a single one; licensecheck's MIT-Broken.t2).
	exactMissingMax = 0
	// excerptPrecision is the share of a text that must be the
	// reference's own words for a truncated copy (below modifiedFloor by
	// its missing part alone) to be reported as that reference, modified.
	excerptPrecision = 0.95
	// excerptCoverage is the least share of the reference an excerpt
	// holds: the first fifth of a corpus license holds 0.19 or more, a
	// license header that a longer license quotes (licensecheck's
	// Apache-2.0-Header files in FSL-1.1-ALv2) at most 0.13.
	excerptCoverage = 0.15
	// titleSlack: a reference the title names replaces the closest one
	// when it explains this share of the words the closest one does.
	titleSlack = 0.02
	// minClosest is the least similarity worth showing as a closest
	// reference (below it the texts share stock phrases only).
	minClosest = 0.2
)

// doc is one document found in a text: a region of tokens and the
// reference (fingerprint, licensecheck pattern, or both) that explains it.
type doc struct {
	id          string // reference id: catalog id or SPDX id or licensecheck id
	ref         int    // fingerprint reference, -1 for licensecheck alone
	first, last int    // token range
	coverage    float64
	expl        []bool        // tokens the reference explains
	lc          []terms.Lines // licensecheck ranges confirming it
	lcID        string        // licensecheck's id, when it names the variant (-or-later)
	titled      bool          // chosen by its title over a closer reference
}

// settle reports whether the fingerprints alone explain the whole text
// word for word: every token but those of copyright notice lines belongs
// to a document that holds all of its reference (no shingle missing) and
// covers it whole. licensecheck, which costs more than the rest of an
// identification (it compiles its patterns per candidate set), could then
// only confirm such a document (a match of the same license) or lose to it
// (another license's match explains no more of the text, and loses to a
// reference covered whole): its answer would not change the result.
// The one thing its patterns add is a notice choosing "or any later
// version": when a document's license has an -or-later form, variant is
// true instead, and only the documents' own patterns need to run.
func settle(db *fpDB, docs []*doc, toks []shingle.Token, lines []string, in []uint32) (settled, variant bool) {
	if len(docs) == 0 {
		return false, false
	}
	for _, d := range docs {
		if d.ref < 0 || d.coverage < wholeCoverage || missingShingles(db, d.ref, in) > exactMissingMax {
			return false, false
		}
		variant = variant || hasOrLater(d.id)
	}
	var notices []terms.Lines
	for j, t := range toks {
		if slices.ContainsFunc(docs, func(d *doc) bool { return d.expl[j] }) {
			continue
		}
		if notices == nil {
			notices = noticeLines(toks, lines)
		}
		if !inRange(t.Line, notices) {
			return false, false
		}
	}
	return !variant, variant
}

// hasOrLater reports whether the license of a reference id comes in an
// -only and an -or-later form (the GNU licenses).
func hasOrLater(id string) bool {
	base := sameKey(id)
	for _, suf := range []string{"-only", "-or-later"} {
		if _, ok := SPDXLicense(base + suf); ok {
			return true
		}
	}
	return false
}

func (d *doc) explainedIn(first, last int) int {
	n := 0
	for j := max(first, 0); j <= last && j < len(d.expl); j++ {
		if d.expl[j] {
			n++
		}
	}
	return n
}

// resolveDocs combines the fingerprint matches and licensecheck's matches
// into documents. Where the two engines overlap on different licenses the
// one that explains more of the overlapping text wins: a licensecheck
// pattern that covers a text word for word beats a reference that misses
// some of it (JSON is not MIT), and a reference that explains all of a
// licensecheck match and more beats it (FSL-1.1-MIT holds the MIT text).
//
// sh are the text's shingles, in its shingle set, at where each shingle
// of sh is in in (shingle.SetAt) and lines its lines.
func resolveDocs(db *fpDB, text []byte, toks []shingle.Token, lines []string, sh, in []uint32, at []int32) []*doc {
	var docs []*doc
	matches, shared := matchCatalog(db, toks, sh, in, at)
	for _, m := range matches {
		docs = append(docs, &doc{id: db.refs[m.ref].id, ref: m.ref, first: m.first, last: m.last, coverage: m.coverage, expl: m.matched})
	}
	var lc []spdxMatch
	switch settled, variant := settle(db, docs, toks, lines, in); {
	case variant:
		// Only the documents' own patterns can tell -only from
		// -or-later; another license's match would lose anyway.
		var ids []string
		for _, d := range docs {
			for _, id := range lcIDsFor(d.id) {
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
		}
		lc = defaultSPDXScanner.scan(text, ids)
	case !settled:
		lc = defaultSPDXScanner.scan(text, db.spdxCandidates(toks, shared))
	}
	for _, m := range lc {
		lr := terms.Lines{Start: lineAt(text, m.Start), End: lineAt(text, max(m.Start, m.End-1))}
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
		n := last - first + 1
		var same *doc
		win := true
		for _, d := range docs {
			if d.last < first || last < d.first {
				continue
			}
			if sameLicense(d.id, m.ID) {
				if same == nil {
					same = d
				}
				continue
			}
			// A reference that explains the licensecheck match and a
			// document of its own around it holds that license's text
			// (FSL-1.1-MIT holds MIT's), and one the text holds whole
			// is more specific than a pattern with wildcards (HPND's
			// matches HPND-Netrek); one that only explains the same
			// words and is mostly absent is a broader match.
			k := d.explainedIn(first, last)
			around := d.explainedIn(d.first, first-1) + d.explainedIn(last+1, d.last)
			if k > n || k == n && (around >= minExcerpt || d.coverage >= wholeCoverage) {
				win = false
			}
		}
		if same != nil {
			same.lc = append(same.lc, lr)
			if strings.HasSuffix(m.ID, "-or-later") || strings.HasSuffix(m.ID, "+") {
				same.lcID = m.ID
			}
			for j := first; j <= last; j++ {
				same.expl[j] = true
			}
			same.first, same.last = min(same.first, first), max(same.last, last)
			continue
		}
		if !win {
			continue
		}
		// The licensecheck match takes its tokens from the references it
		// beat; one left with little of its own is dropped.
		kept := docs[:0]
		for _, d := range docs {
			if d.last >= first && last >= d.first {
				before := d.explainedIn(d.first, d.last)
				for j := first; j <= last; j++ {
					d.expl[j] = false
				}
				after := d.explainedIn(d.first, d.last)
				if after*2 < before || after < minExcerpt {
					continue
				}
				d.trimToExplained()
			}
			kept = append(kept, d)
		}
		docs = kept
		expl := make([]bool, len(toks))
		for j := first; j <= last; j++ {
			expl[j] = true
		}
		docs = append(docs, &doc{id: m.ID, ref: -1, first: first, last: last, coverage: 1, expl: expl, lc: []terms.Lines{lr}})
	}
	slices.SortStableFunc(docs, func(a, b *doc) int { return a.first - b.first })
	// The documents in text order (a license, then the policy or rider
	// appended to it), but the largest first when a document a fraction
	// of its size precedes it (a header, a notice).
	if len(docs) > 1 {
		best := 0
		for i, d := range docs {
			if d.explainedIn(d.first, d.last) > docs[best].explainedIn(docs[best].first, docs[best].last) {
				best = i
			}
		}
		if best != 0 && docs[best].explainedIn(docs[best].first, docs[best].last) >= primaryRatio*docs[0].explainedIn(docs[0].first, docs[0].last) {
			b := docs[best]
			copy(docs[1:best+1], docs[:best])
			docs[0] = b
		}
	}
	return docs
}

// primaryRatio: a document this many times larger than the first one is
// reported first.
const primaryRatio = 3

func (d *doc) trimToExplained() {
	f, l := -1, -1
	for j := d.first; j <= d.last; j++ {
		if d.expl[j] {
			if f < 0 {
				f = j
			}
			l = j
		}
	}
	if f >= 0 {
		d.first, d.last = f, l
	}
}

// sameLicense reports whether two reference ids (catalog, SPDX or
// licensecheck ids) name the same license.
func sameLicense(a, b string) bool {
	ca, cb := canonicalRefID(a), canonicalRefID(b)
	return sameSPDX(ca, cb)
}

// canonicalRefID maps a reference id to the id it is reported under: the
// catalog entry's SPDX id where it has one, deprecated SPDX ids to current
// ones.
func canonicalRefID(id string) string {
	if l, ok := Lookup(id); ok {
		if l.SPDXID != "" {
			return l.SPDXID
		}
		return l.ID
	}
	if c, ok := CanonicalSPDX(id); ok {
		return c
	}
	return id
}

// verdict decides exact, modified or unknown for one document over tokens
// [first,last]; whole are the lines that may name its licensor (the whole
// text for a text of one document).
//
// in is the text's shingle set; excused are the lines whose unexplained
// words are no change (copyright notices, other documents); unknowns the
// other documents' lines.
func (d *doc) verdict(db *fpDB, in []uint32, toks []shingle.Token, lines []string, first, last int, explained []bool, excused, unknowns []terms.Lines, whole terms.Lines) Identification {
	changed := changedLines(toks, first, last, explained)
	changed = subtractLines(changed, d.lc)
	changed = subtractLines(changed, excused)
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
	sim := harmonic(d.coverage, float64(n)/float64(max(all, 1)))
	exact := len(changed) == 0
	if exact && len(d.lc) == 0 && d.ref >= 0 {
		exact = missingShingles(db, d.ref, in) <= exactMissingMax
	}
	r := terms.Lines{Start: toks[first].Line, End: toks[last].Line}
	refID := d.id
	if d.lcID != "" {
		refID = d.lcID
	}
	id := identFromRef(refID)
	id.Kind = MatchText
	id.Lines = r
	id.Confidence = sim
	id.Changed = changed
	if exact {
		// The body is the template of a license whose title names a
		// catalog license without a reference text: that license.
		if wf, wl, ok := tokenRange(toks, whole); ok {
			if o, ok := titledNoReference(toks, min(wf, first), max(wl, last), lines, id.License); ok {
				o.Lines = r
				o.Confidence = sim
				return o
			}
		}
		id.ID, id.SPDXID = orLaterByNotice(id.ID, id.SPDXID, lines, r)
		return id
	}
	id.Modified = true
	id.OSI = false
	titleFirst := first
	if wf, _, ok := tokenRange(toks, whole); ok {
		titleFirst = min(wf, first) // a title trimmed off as a header still says what the text is
	}
	if o, ok := titledNoReference(toks, titleFirst, last, lines, id.License); ok {
		o.Lines = r
		o.Confidence = sim
		return o
	}
	precision := float64(n) / float64(max(all, 1))
	// An excerpt (a truncated copy) is the reference's words only.
	excerpt := precision >= excerptPrecision && d.coverage >= excerptCoverage
	if sim >= modifiedFloor || excerpt {
		// What the text says it is decides between templates that share
		// most of their words.
		for _, t := range titleRefs(toks, titleFirst, last, lines) {
			if t.ID == id.ID || sameLicense(t.ID, d.id) || id.License != nil && slices.Contains(id.License.Incorporates, t.ID) {
				continue
			}
			if t.License != nil && id.License != nil && t.License.Family == id.License.Family {
				continue // the fingerprint told the versions of one family apart
			}
			if ri := db.refIndex(t.ID); ri >= 0 && !d.titled {
				if alt := d.rematch(db, ri, toks, in); alt != nil {
					altExpl := slices.Clone(explained)
					for j, ok := range alt.expl {
						if ok {
							altExpl[j] = true
						}
					}
					for j, ok := range d.expl {
						if ok && !alt.expl[j] {
							altExpl[j] = false
						}
					}
					an := 0
					for j := first; j <= last; j++ {
						if altExpl[j] && !inRange(toks[j].Line, unknowns) {
							an++
						}
					}
					if float64(an) >= float64(n)*(1-titleSlack) {
						alt.titled = true
						return alt.verdict(db, in, toks, lines, first, last, altExpl, excused, unknowns, whole)
					}
				}
			}
			return unknownLike(id, sim)
		}
		var ref *fpRef
		if d.ref >= 0 {
			ref = &db.refs[d.ref]
		}
		if !namesLicensor(ref, toks, whole, d.coverage < modifiedFloor) {
			return unknownLike(id, sim)
		}
		id.ID, id.SPDXID = orLaterByNotice(id.ID, id.SPDXID, lines, r)
		return id
	}
	return unknownLike(id, sim)
}

// unknownLike is an unknown text that resembles id.
func unknownLike(id Identification, sim float64) Identification {
	return Identification{
		ID: UnknownID, Name: "Unknown license", Category: Unknown, Kind: MatchText,
		Lines: id.Lines, Confidence: 0,
		Closest: &Closest{ID: id.ID, Similarity: round3(sim)},
	}
}

func round3(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// identFromRef fills an Identification from a reference id.
func identFromRef(ref string) Identification {
	if l, ok := Lookup(ref); ok {
		return identFromLicense(l)
	}
	id := canonicalRefID(ref)
	if l, ok := Lookup(id); ok {
		return identFromLicense(l)
	}
	e, ok := SPDXLicense(id)
	if !ok {
		return Identification{ID: id, Name: id, Category: Unknown}
	}
	return Identification{ID: e.ID, Name: e.Name, SPDXID: e.ID, OSI: e.OSI, Category: ClassifySPDX(e.ID)}
}

// namesLicensor reports whether lines r of the text still name the
// licensor the reference names (its identity words): a template reused by
// another vendor, with its own name, is not that vendor's license.
//
// An excerpt (partial) may have lost some of the words: one suffices.
func namesLicensor(ref *fpRef, toks []shingle.Token, r terms.Lines, partial bool) bool {
	if ref == nil || len(ref.identity) == 0 {
		return true
	}
	have := map[string]bool{}
	for _, t := range toks {
		if t.Line >= r.Start && t.Line <= r.End {
			have[t.Word] = true
		}
	}
	n := 0
	for _, w := range ref.identity {
		if have[w] {
			n++
		}
	}
	return n == len(ref.identity) || partial && n > 0
}

// titleLines is how many of a document's first lines are its title.
const titleLines = 3

// maxTitleWords bounds the words of a title line (a longer line is body
// text, which may name other licenses).
const maxTitleWords = 16

// titleRefs returns the licenses the title of tokens [first,last] names:
// its first lines up to a blank line, when they are few and short (a
// paragraph is body text, which may name other licenses).
func titleRefs(toks []shingle.Token, first, last int, lines []string) []Identification {
	start := toks[first].Line
	var title []string
	for l := start; l <= len(lines) && l <= toks[last].Line; l++ {
		if strings.TrimSpace(lines[l-1]) == "" {
			break
		}
		if len(title) == titleLines || len(shingle.Tokenize([]byte(lines[l-1]))) > maxTitleWords {
			return nil
		}
		title = append(title, lines[l-1])
	}
	return FindReferences([]byte(strings.Join(title, "\n")))
}

// titledNoReference identifies a text whose title names a catalog license
// that has no reference text (so no fingerprint could match it): the
// license is identified from its identifying lines, Kind reference. not
// is the license the text resembles (its own title is no news).
func titledNoReference(toks []shingle.Token, first, last int, lines []string, not *License) (Identification, bool) {
	for _, t := range titleRefs(toks, first, last, lines) {
		if t.License == nil || t.License == not || t.License.ReferenceText != "" || loadFingerprints().refIndex(t.ID) >= 0 {
			continue
		}
		o := identFromLicense(t.License)
		o.Kind = MatchReference
		return o, true
	}
	return Identification{}, false
}

// refIndex returns the fingerprint reference for a license id, -1 if none.
func (db *fpDB) refIndex(id string) int {
	for i := range db.refs {
		if db.refs[i].id == id {
			return i
		}
	}
	for i := range db.refs {
		if sameLicense(db.refs[i].id, id) {
			return i
		}
	}
	return -1
}

// rematch is d matched against reference r instead (in: the text's
// shingle set).
func (d *doc) rematch(db *fpDB, r int, toks []shingle.Token, in []uint32) *doc {
	var pos []int
	for i, h := range shingle.Shingles(toks) {
		if db.has(r, h) {
			pos = append(pos, i)
		}
	}
	m := textMatch{ref: r}
	if !m.locate(toks, pos) {
		return nil
	}
	n := 0
	for _, h := range db.sets(r).set {
		if inSet(in, h) {
			n++
		}
	}
	m.coverage = float64(n) / float64(max(db.refs[r].size, 1))
	return &doc{id: db.refs[r].id, ref: r, first: min(d.first, m.first), last: max(d.last, m.last), coverage: m.coverage, expl: m.matched}
}

// orLaterNotice are the words of a notice that lets the licensee choose a
// later version ("or (at your option) any later version").
var orLaterNotice = [][]string{{"any", "later", "version"}, {"or", "later"}}

// orLaterByNotice turns an "-only" id into "-or-later" when the notice
// before the license's own lines says any later version applies.
func orLaterByNotice(id, spdx string, lines []string, r terms.Lines) (string, string) {
	if !strings.HasSuffix(id, "-only") {
		return id, spdx
	}
	later := strings.TrimSuffix(id, "-only") + "-or-later"
	if _, ok := SPDXLicense(later); !ok {
		return id, spdx
	}
	// The notice precedes the license (a file header); what follows
	// the license's last matched line may be its own appendix.
	toks := shingle.Tokenize([]byte(strings.Join(lines[:max(r.Start-1, 0)], "\n")))
	for _, p := range orLaterNotice {
		for i := 0; i+len(p) <= len(toks); i++ {
			ok := true
			for k, w := range p {
				if toks[i+k].Word != w {
					ok = false
					break
				}
			}
			if ok {
				if spdx == id {
					spdx = later
				}
				return later, spdx
			}
		}
	}
	return id, spdx
}

// termsCategory is the category the terms read in a text give it, or def
// when they show neither a non-commercial limit nor a restriction.
func termsCategory(ts []terms.Term, def Category) Category {
	restricted := false
	for _, t := range ts {
		switch {
		case t.Kind == terms.NonCommercial:
			return NonCommercial
		case terms.Restricts(t.Kind):
			restricted = true
		}
	}
	if restricted {
		return CustomRestricted
	}
	return def
}

// modifiedCategory is the category of a modified text, read from the
// terms of the text: a non-commercial limit or a restriction read in it
// decides; otherwise changed lines that could not be read into terms make
// it unknown (never the reference's open category); a text with lines
// removed only keeps the reference's category (not its OSI approval).
func modifiedCategory(id Identification, lines []string) Category {
	if id.Category == UsagePolicy {
		return UsagePolicy
	}
	if c := termsCategory(id.Terms, ""); c != "" {
		return c
	}
	if len(id.Changed) > 0 {
		return Unknown
	}
	return id.Category
}

// incorporated lists the documents an identified text incorporates by
// reference: an exact text all its catalog entry lists; a modified one or
// one matched by its identifying lines only those it still names (an
// incorporated-policy term read from it).
func incorporated(id Identification) []string {
	if id.License == nil || len(id.License.Incorporates) == 0 {
		return nil
	}
	if id.Kind == MatchText && !id.Modified {
		return slices.Clone(id.License.Incorporates)
	}
	for _, t := range id.Terms {
		if t.Kind == terms.IncorporatedPolicy && t.Origin != "catalog" {
			return slices.Clone(id.License.Incorporates)
		}
	}
	return nil
}

// tokensIn returns the tokens on lines r.
func tokensIn(toks []shingle.Token, r terms.Lines) []shingle.Token {
	var out []shingle.Token
	for _, t := range toks {
		if t.Line >= r.Start && t.Line <= r.End {
			out = append(out, t)
		}
	}
	return out
}

// closestRef returns the reference an unknown text resembles most, by the
// harmonic mean of both containments of their shingles; nil when it
// shares nothing with any.
func closestRef(db *fpDB, toks []shingle.Token) *Closest {
	set := shingle.Set(shingle.Shingles(toks))
	if len(set) == 0 {
		return nil
	}
	shared := make([]int, len(db.refs))
	for _, h := range set {
		lo, hi := db.postings(h)
		db.index.AddPostings(lo, hi, shared, 1)
	}
	best, bestSim := -1, 0.0
	for r, n := range shared {
		if n == 0 {
			continue
		}
		sim := harmonic(float64(n)/float64(db.refs[r].size), float64(n)/float64(len(set)))
		if sim > bestSim {
			best, bestSim = r, sim
		}
	}
	if best < 0 || bestSim < minClosest {
		return nil
	}
	return &Closest{ID: canonicalRefID(db.refs[best].id), Similarity: round3(bestSim)}
}

// missingShingles counts the shingles of a reference, other than its
// optional ones, that the text (shingle set in) lacks.
func missingShingles(db *fpDB, r int, in []uint32) int {
	n := 0
	sets := db.sets(r)
	j := 0 // both sets are sorted: one merge walk
	for _, h := range sets.set {
		for j < len(in) && in[j] < h {
			j++
		}
		if j < len(in) && in[j] == h {
			continue
		}
		if _, ok := slices.BinarySearch(sets.opt, h); ok {
			continue
		}
		n++
	}
	return n
}

// noticeLines returns the copyright notice lines of the text.
func noticeLines(toks []shingle.Token, lines []string) []terms.Lines {
	count := make([]int, len(lines)+1) // tokens per line
	for _, t := range toks {
		count[t.Line]++
	}
	var ls []int
	for l, n := range count {
		if n > 0 && shingle.IsNoticeLine(lines[l-1], n) {
			ls = append(ls, l)
		}
	}
	return mergeLines(ls)
}

// singleDocRegion is the region of the only document of a text: the whole
// text but for a header or trailer that names the license (a notice "X is
// released under ..."), is a title or a separator, or holds neither legal
// words nor terms (a source file's header).
func singleDocRegion(d *doc, toks []shingle.Token, lines []string, explained []bool) (first, last int) {
	first, last = 0, len(toks)-1
	id := identFromRef(d.id)
	outside := func(a, b int) bool {
		if a > b {
			return true
		}
		r := terms.Lines{Start: toks[a].Line, End: toks[b].Line}
		if b-a+1 < shingle.K {
			return true // a title, a separator
		}
		if licenseVocabulary(toks, r) < 2 && len(terms.Extract(regionText(lines, r))) == 0 {
			return true // a file header: no legal words, no terms
		}
		for _, ref := range FindReferences([]byte(regionText(lines, r))) {
			if ref.ID == id.ID || sameLicense(ref.ID, d.id) {
				return true
			}
		}
		return false
	}
	// The document starts at its first run of explained words (a header
	// may quote the license's name) and ends at its last.
	run := 2 * shingle.K
	start, end := d.first, d.last
	for j, n := d.first, 0; j <= d.last; j++ {
		if n = n + 1; !d.expl[j] {
			n = 0
		}
		if n == run {
			start = j - run + 1
			break
		}
	}
	for j, n := d.last, 0; j >= d.first; j-- {
		if n = n + 1; !d.expl[j] {
			n = 0
		}
		if n == run {
			end = j + run - 1
			break
		}
	}
	if start > 0 && outside(0, start-1) {
		first = start
	}
	if end < len(toks)-1 && outside(end+1, len(toks)-1) {
		last = end
	}
	return first, last
}
