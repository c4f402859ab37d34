package scanner

import (
	"context"
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner/rules"
)

// licenseSet holds the licenses found, each with every place it was seen.
// Identical identifications (one id, read exactly, declared or referenced)
// merge into one entry; an unknown or modified text is an entry of its
// own, keyed by where it was found, so two different unknown files are two
// licenses with their own terms.
type licenseSet struct {
	byKey map[string]*License
	// termIdx indexes each license's terms by their key.
	termIdx map[*License]map[string]int
	// declared holds the card's declared licenses resolved to ids;
	// unresolved the places of declared values not identified.
	declared   []licenses.Identification
	unresolved []Evidence
}

func newLicenseSet() *licenseSet {
	return &licenseSet{byKey: map[string]*License{}, termIdx: map[*License]map[string]int{}}
}

// placeKey is the key of an identification seen at ev: its id, or for an
// unknown or modified text its id and place.
func placeKey(id licenses.Identification, ev Evidence) string {
	if id.ID == string(licenses.Unknown) || (id.Kind == licenses.MatchText && id.Modified) {
		return fmt.Sprintf("%s@%s:%d-%d:%s", id.ID, ev.Path, ev.StartLine+id.Lines.Start, ev.StartLine+id.Lines.End, ev.Source)
	}
	return id.ID
}

// get returns the strongest license with the id (nil when none).
func (ls *licenseSet) get(id string) *License {
	var best *License
	for _, k := range ls.keys() {
		l := ls.byKey[k]
		if l.ID == id && (best == nil || matchRank(l.Match.Kind) > matchRank(best.Match.Kind)) {
			best = l
		}
	}
	return best
}

// has reports whether a license with the id was found.
func (ls *licenseSet) has(id string) bool { return ls.get(id) != nil }

// keys returns the keys, sorted.
func (ls *licenseSet) keys() []string { return sortedKeys(ls.byKey) }

// ids returns the distinct license ids, sorted.
func (ls *licenseSet) ids() []string {
	seen := map[string]bool{}
	var out []string
	for _, k := range ls.keys() {
		if id := ls.byKey[k].ID; !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// add merges an identification seen at ev into the set.
func (ls *licenseSet) add(id licenses.Identification, ev Evidence) {
	key := placeKey(id, ev)
	l, ok := ls.byKey[key]
	if !ok {
		l = &License{ID: id.ID, Name: id.Name, Category: string(id.Category), OSIApproved: id.OSI, SPDXID: id.SPDXID, HFID: id.HFID}
		if id.License != nil {
			l.Family = id.License.Family
			l.Version = id.License.Version
			l.URL = id.License.URL
			l.Incorporates = id.License.Incorporates
			if id.Kind == licenses.MatchText {
				// A text incorporates what it still refers to.
				l.Incorporates = id.Incorporates
			}
		}
		l.Match = Match{Kind: string(id.Kind), Confidence: id.Confidence}
		ls.byKey[key] = l
	}
	if id.Closest != nil && (l.Closest == nil || id.Closest.Similarity > l.Closest.Similarity) {
		l.Closest = &Closest{ID: id.Closest.ID, Similarity: id.Closest.Similarity}
	}
	if matchRank(string(id.Kind)) > matchRank(l.Match.Kind) {
		l.Match.Kind = string(id.Kind)
		l.Match.Confidence = id.Confidence
		// A text match outranks the declared view of the license: its
		// terms replace the catalog's.
		l.Terms = nil
		delete(ls.termIdx, l)
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
	// Term lines are lines of the text identified, as are id.Lines: both
	// are placed in the file from the text's own start (text), not from
	// the license's lines (ev once narrowed to them).
	text := ev
	if id.Kind == licenses.MatchText {
		ev.StartLine, ev.EndLine = ev.StartLine+id.Lines.Start-1, ev.StartLine+id.Lines.End-1
	}
	l.Evidence = append(l.Evidence, ev)
	if matchRank(string(id.Kind)) >= matchRank(l.Match.Kind) {
		l.Terms = slices.Grow(l.Terms, len(id.Terms))
		for _, t := range id.Terms {
			rt := reportTerm(t, nil)
			for _, e := range t.Evidence {
				rt.Evidence = append(rt.Evidence, Evidence{Path: ev.Path, StartLine: offset(e.Start, text), EndLine: offset(e.End, text), Source: ev.Source})
			}
			if len(t.Evidence) == 0 && id.Kind != licenses.MatchText {
				// A catalog fact about a license declared or referenced
				// here: the place it was declared is the evidence.
				rt.Evidence = append(rt.Evidence, ev)
			}
			ls.mergeTerm(l, rt, terms.Key(t))
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

// mergeTerm adds t, whose key (terms.Key) is k, to l unless an equal term
// is there, in which case the evidence is merged. Terms are found through
// an index, so a text with thousands of terms costs linear time.
func (ls *licenseSet) mergeTerm(l *License, t Term, k string) {
	idx := ls.termIdx[l]
	if idx == nil || len(l.Terms) == 0 {
		// (Re)build: Terms may have been reset by a stronger match.
		idx = make(map[string]int, cap(l.Terms))
		for i := range l.Terms {
			idx[termKey(l.Terms[i])] = i
		}
		ls.termIdx[l] = idx
	}
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

// termKey identifies a term by its kind and parameters (the kind's
// descriptor says which).
func termKey(t Term) string { return terms.Key(termOf(t)) }

// identify is the identify stage: it turns the evidence into licenses —
// the card's declarations, texts pasted into the card, the license files,
// the weight headers — and reports what it could not identify.
func identify(e *evidence) (*licenseSet, []Finding) {
	ls := newLicenseSet()
	var fs findings
	if e.card != nil {
		ls.identifyCard(e, &fs)
	}
	if e.gated {
		ls.identifyService(e)
	}
	for _, t := range e.licenseTexts {
		if t.data == nil {
			continue
		}
		if e.ctx != nil && e.ctx.Err() != nil {
			// Out of time (the target's deadline): not identified is
			// never compliant.
			fs.add("", rules.UnreadableFile, fmt.Sprintf("%s: not identified: %v; its license content was not read", t.path, context.Cause(e.ctx)), Evidence{Path: t.path, Source: SourceLicenseFile})
			continue
		}
		ls.identifyFile(t.path, t.data, &fs)
	}
	for _, o := range e.otherCards {
		ls.identifyOtherCard(o, &fs)
	}
	for _, h := range e.headers {
		ls.identifyHeader(e, h, &fs)
	}
	return ls, fs
}

// findings collects the findings of a stage.
type findings []Finding

func (fs *findings) add(license, rule, msg string, ev ...Evidence) {
	*fs = append(*fs, newFinding(license, rule, rules.Get(rule).Severity, msg, ev...))
}

func (fs *findings) addSev(license, rule string, sev Severity, msg string, ev ...Evidence) {
	*fs = append(*fs, newFinding(license, rule, sev, msg, ev...))
}

// newFinding makes a finding of a registered rule (unregistered rules
// panic, which the tests catch).
func newFinding(license, rule string, sev Severity, msg string, ev ...Evidence) Finding {
	rules.Get(rule)
	if ev == nil {
		ev = []Evidence{}
	}
	return Finding{Rule: rule, Severity: sev, Message: msg, License: license, Evidence: ev}
}

// identifyCard identifies the card's declared licenses, its license_link
// URL and the license texts and references in its prose.
func (ls *licenseSet) identifyCard(e *evidence, fs *findings) {
	c, p := e.card, e.cardPath
	licLine := c.Line("license")
	ev := Evidence{Path: p, StartLine: licLine, EndLine: licLine, Source: SourceModelCard}
	for _, v := range declaredValues(c.License) {
		id, ok := resolveDeclared(v, c.LicenseName)
		if !ok {
			ls.unresolved = append(ls.unresolved, ev)
			if strings.EqualFold(v, "other") {
				if c.LicenseName == "" {
					fs.add("", rules.UnidentifiedDeclared, fmt.Sprintf("%s:%d: the card declares license \"other\" without a license_name; the license must be identified from its text", p, licLine), ev)
				} else {
					nl := c.Line("license_name")
					fs.add("", rules.UnidentifiedDeclared, fmt.Sprintf("%s:%d: license_name %q is not a license carveout knows; the license must be identified from its text", p, nl, c.LicenseName), Evidence{Path: p, StartLine: nl, EndLine: nl, Source: SourceModelCard})
				}
			} else {
				fs.add("", rules.UnidentifiedDeclared, fmt.Sprintf("%s:%d: license id %q is not a Hugging Face or SPDX license id carveout knows", p, licLine, v), ev)
			}
			continue
		}
		ls.declared = append(ls.declared, id)
		de := ev
		de.Detail = "license: " + v
		if strings.EqualFold(v, "other") {
			de.Detail += ", license_name: " + c.LicenseName
		}
		ls.add(id, de)
	}
	if len(c.License) == 0 && c.LicenseName != "" {
		if id, ok := resolveDeclared("other", c.LicenseName); ok {
			ls.declared = append(ls.declared, id)
			ls.add(id, Evidence{Path: p, StartLine: c.Line("license_name"), EndLine: c.Line("license_name"), Source: SourceModelCard, Detail: "license_name: " + c.LicenseName})
		}
	}
	if e.cardLink != "" {
		// A URL is not fetched; a license it names (…/llama3_1/license)
		// is a reference.
		for _, id := range licenses.FindReferences([]byte(linkTargets(e.cardLink))) {
			ls.add(id, Evidence{Path: p, StartLine: e.cardLinkLine, EndLine: e.cardLinkLine, Source: SourceModelCard, Detail: "license_link: " + e.cardLink})
		}
	}
	// Full license texts pasted into the gated prompt are identified like
	// files; short prompts only count where they reference a license.
	if c.ExtraGatedPrompt != "" {
		ls.identifyProse(c.ExtraGatedPrompt, Evidence{Path: p, StartLine: c.ExtraGatedPromptLine, Source: SourceCardText})
	}
	if c.Body != "" {
		ls.identifyProse(c.Body, Evidence{Path: p, StartLine: c.BodyStartLine, Source: SourceCardText})
	}
}

// identifyService identifies the licenses the hosting service's metadata
// declares (cardData.license), for a gated repository whose files could
// not be read.
func (ls *licenseSet) identifyService(e *evidence) {
	md := e.md
	for _, v := range declaredValues(md.License) {
		ev := Evidence{Path: md.URL, Source: serviceSource(md.Service), Detail: "cardData.license: " + v}
		id, ok := resolveDeclared(v, md.LicenseName)
		if !ok {
			ls.unresolved = append(ls.unresolved, ev)
			continue
		}
		ls.declared = append(ls.declared, id)
		ls.add(id, ev)
	}
}

// declaredCanonical lists the card's declared values as canonical ids
// ("unknown" for values not identified).
func declaredCanonical(e *evidence) []string {
	out := []string{}
	if e.card == nil {
		return out
	}
	for _, v := range declaredValues(e.card.License) {
		if id, ok := resolveDeclared(v, e.card.LicenseName); ok {
			out = append(out, id.ID)
		} else {
			out = append(out, string(licenses.Unknown))
		}
	}
	if len(e.card.License) == 0 && e.card.LicenseName != "" {
		if id, ok := resolveDeclared("other", e.card.LicenseName); ok {
			out = append(out, id.ID)
		}
	}
	return out
}

// resolveDeclared maps a card license value (with license_name for
// "other") to an identification.
func resolveDeclared(v, name string) (licenses.Identification, bool) {
	if strings.EqualFold(v, "other") || strings.EqualFold(v, "unknown") {
		if name == "" {
			return licenses.Identification{}, false
		}
		return licenses.FromID(name)
	}
	if licenses.IsExpression(v) {
		// One operand of an SPDX expression ("Apache-2.0 WITH LLVM-exception").
		if ids := licenses.FromExpression(v); len(ids) == 1 && ids[0].ID != licenses.UnknownID {
			return ids[0], true
		}
		return licenses.Identification{}, false
	}
	return licenses.FromID(v)
}

// declaredValues are the card's license values with SPDX expressions
// ("MIT OR Apache-2.0") split into their operands.
func declaredValues(vs []string) []string {
	var out []string
	for _, v := range vs {
		out = append(out, licenses.ExpressionOperands(v)...)
	}
	return out
}

// identifyProse identifies license texts and references inside prose (a
// card body or gated prompt). Unidentified prose is not a license.
func (ls *licenseSet) identifyProse(text string, ev Evidence) {
	if ev.StartLine == 0 {
		ev.StartLine = 1
	}
	found := map[string]bool{}
	for _, id := range licenses.IdentifyProse([]byte(text)) {
		found[id.ID] = true
		ls.add(id, ev)
	}
	refs := licenses.FindReferences([]byte(text))
	// Link targets name licenses too ("…/Tongyi%20Qianwen%20LICENSE%20AGREEMENT").
	refs = append(refs, licenses.FindReferences([]byte(linkTargets(text)))...)
	for _, id := range refs {
		if found[id.ID] {
			continue
		}
		e := ev
		e.StartLine, e.EndLine = offset(id.Lines.Start, ev), offset(id.Lines.End, ev)
		// References carry catalog terms, whose evidence is the catalog.
		ls.add(id, e)
	}
}

// identifyFile identifies the licenses of one license-bearing file.
func (ls *licenseSet) identifyFile(p string, data []byte, fs *findings) {
	ids := licenses.Identify(data)
	if len(ids) == 0 {
		fs.add("", rules.UnknownLicenseText, fmt.Sprintf("%s: no license text could be read from the file; treated as unknown (never as allowed)", p), Evidence{Path: p, Source: SourceLicenseFile})
		ls.add(licenses.Identification{ID: string(licenses.Unknown), Name: "Unknown license", Category: licenses.Unknown, Kind: licenses.MatchText, Lines: terms.Lines{Start: 1, End: 1}}, Evidence{Path: p, StartLine: 1, Source: SourceLicenseFile})
		return
	}
	if len(ids) == 1 && ids[0].ID == string(licenses.Unknown) {
		// A short file that only names its license ("distributed under
		// the Llama 3.1 Community License") is a reference, not an
		// unknown text. A longer text stays unknown beside its references.
		refs := licenses.FindReferences(data)
		// A NOTICE file carries attribution notices, not license terms:
		// unidentified text there is not an unknown license unless it
		// restricts something.
		notice := strings.HasPrefix(strings.ToUpper(path.Base(p)), "NOTICE")
		if (notice || len(refs) > 0 && len(strings.Fields(string(data))) <= shortReferenceWords) && !hasRestriction(ids[0]) {
			for _, id := range refs {
				ls.add(id, Evidence{Path: p, StartLine: id.Lines.Start, EndLine: id.Lines.End, Source: SourceLicenseFile})
			}
			return
		}
		for _, id := range refs {
			ls.add(id, Evidence{Path: p, StartLine: id.Lines.Start, EndLine: id.Lines.End, Source: SourceLicenseFile})
		}
	}
	for _, id := range ids {
		ls.add(id, Evidence{Path: p, StartLine: 1, Source: SourceLicenseFile})
		lines := fmt.Sprintf("%s:%d-%d", p, id.Lines.Start, id.Lines.End)
		switch {
		case id.ID == string(licenses.Unknown):
			kinds := termKinds(id)
			msg := fmt.Sprintf("%s: license text not identified; treated as unknown (never as allowed)", lines)
			if kinds != "" {
				msg += "; terms read from it: " + kinds
			}
			fs.add(string(licenses.Unknown), rules.UnknownLicenseText, msg, Evidence{Path: p, StartLine: id.Lines.Start, EndLine: id.Lines.End, Source: SourceLicenseFile})
		case id.Modified:
			var ch []string
			for _, c := range id.Changed {
				if c.Start == c.End {
					ch = append(ch, fmt.Sprint(c.Start))
				} else {
					ch = append(ch, fmt.Sprintf("%d-%d", c.Start, c.End))
				}
			}
			msg := fmt.Sprintf("%s: text of %s differs from the reference text (confidence %.2f); terms were read from the text present", lines, id.ID, id.Confidence)
			if len(ch) > 0 {
				msg += "; lines not in the reference: " + strings.Join(ch, ", ")
			}
			fs.add(id.ID, rules.ModifiedLicenseText, msg, Evidence{Path: p, StartLine: id.Lines.Start, EndLine: id.Lines.End, Source: SourceLicenseFile})
		}
	}
}

func termKinds(id licenses.Identification) string {
	seen := map[string]bool{}
	var out []string
	for _, t := range id.Terms {
		if !seen[string(t.Kind)] {
			seen[string(t.Kind)] = true
			out = append(out, string(t.Kind))
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// shortReferenceWords: a license file of at most this many words that
// names a known license is read as a reference to it.
const shortReferenceWords = 150

// hasRestriction: the text carries a term of its own that a reference
// would hide (a user cap, a ban...).
func hasRestriction(id licenses.Identification) bool {
	for _, t := range id.Terms {
		if terms.Restricts(t.Kind) {
			return true
		}
	}
	return false
}

// maxQuoted bounds a header value quoted in a finding.
const maxQuoted = 200

// cut is v cut to maxQuoted bytes.
func cut(v string) string {
	if len(v) <= maxQuoted {
		return v
	}
	return strings.ToValidUTF8(v[:maxQuoted], "") + "…"
}

// quoted is v in quotes, cut to maxQuoted bytes with its length said.
func quoted(v string) string {
	if len(v) <= maxQuoted {
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprintf("%q… (%d bytes)", cut(v), len(v))
}

// identifyHeader identifies one license a weight header declares: an id
// (or, for a long value, a license text) carveout identifies, or an
// error: an unknown license is never allowed.
func (ls *licenseSet) identifyHeader(e *evidence, h headerLicense, fs *findings) {
	ev := Evidence{Path: h.path, Source: SourceWeights}
	ev.Detail = strings.TrimSpace(fmt.Sprintf("license=%s name=%s link=%s", cut(h.id), cut(h.name), cut(h.link)))
	if h.key != "general.license" && h.key != "license" {
		ev.Detail += " key=" + h.key
	}
	var found []licenses.Identification
	if licenses.IsExpression(h.id) && len(h.id) <= maxQuoted {
		// An SPDX expression: each operand is a license; one carveout
		// does not know is unknown, never allowed.
		for _, ident := range licenses.FromExpression(h.id) {
			if ident.ID == licenses.UnknownID {
				fs.add("", rules.UnidentifiedWeightsLicense, fmt.Sprintf("%s: header %s declares license %s, whose operand %s carveout does not know; treated as unknown, never as allowed", h.path, h.key, quoted(h.id), quoted(ident.Name)), ev)
				continue
			}
			found = append(found, ident)
		}
		if len(found) == 0 {
			return
		}
	} else if ident, ok := licenses.FromID(h.id); ok {
		found = append(found, ident)
	} else if ident, ok := licenses.FromID(h.name); ok && h.name != "" {
		found = append(found, ident)
	} else if len(h.id) > maxQuoted && strings.ContainsAny(h.id, " \n") {
		// A license text in the header: identified like a file.
		for _, id := range licenses.Identify([]byte(h.id)) {
			if id.ID != string(licenses.Unknown) {
				found = append(found, id)
			}
		}
	}
	if len(found) == 0 {
		fs.add("", rules.UnidentifiedWeightsLicense, fmt.Sprintf("%s: header %s declares license %s (name %s), which carveout does not know; treated as unknown, never as allowed", h.path, h.key, quoted(h.id), quoted(h.name)), ev)
		return
	}
	for _, ident := range found {
		ident.Kind = licenses.MatchMetadata
		ls.add(ident, ev)
		if len(ls.declared) > 0 && !declaresID(ls.declared, ident.ID) {
			line := e.card.Line("license")
			fs.add(ident.ID, rules.WeightsLicenseMismatch, fmt.Sprintf("%s: header declares %s but the model card declares %s", h.path, ident.ID, strings.Join(idsOf(ls.declared), ", ")), ev, Evidence{Path: e.cardPath, StartLine: line, EndLine: line, Source: SourceModelCard})
		}
	}
}

// identifyOtherCard identifies the licenses a card other than the model
// card declares or names; a declared one the model card does not declare
// is a mismatch.
func (ls *licenseSet) identifyOtherCard(o otherCard, fs *findings) {
	c, p := o.card, o.path
	l := c.Line("license")
	ev := Evidence{Path: p, StartLine: l, EndLine: l, Source: SourceModelCard}
	for _, v := range declaredValues(c.License) {
		id, ok := resolveDeclared(v, c.LicenseName)
		if !ok {
			fs.add("", rules.UnidentifiedDeclared, fmt.Sprintf("%s:%d: license %q is not a license carveout knows", p, l, v), ev)
			continue
		}
		de := ev
		de.Detail = "license: " + v
		ls.add(id, de)
		if !declaresID(ls.declared, id.ID) {
			fs.add(id.ID, rules.DeclaredLicenseMismatch, fmt.Sprintf("%s:%d: declares %s, which the model card does not declare (%s)", p, l, id.ID, orNone(idsOf(ls.declared))), de)
		}
	}
	if c.Body != "" {
		ls.identifyProse(c.Body, Evidence{Path: p, StartLine: c.BodyStartLine, Source: SourceCardText})
	}
}

func orNone(ids []string) string {
	if len(ids) == 0 {
		return "no license"
	}
	return strings.Join(ids, ", ")
}

func declaresID(ids []licenses.Identification, id string) bool {
	for _, d := range ids {
		if d.ID == id {
			return true
		}
	}
	return false
}

// resolveUnknownDeclared makes a declared license that is not identified
// an unknown license — never assumed to be fine — unless a license text or
// reference that the card does not declare explains it.
func (ls *licenseSet) resolveUnknownDeclared() {
	if len(ls.unresolved) == 0 {
		return
	}
	for _, k := range ls.keys() {
		l := ls.byKey[k]
		if l.Match.Kind != string(licenses.MatchDeclared) && l.Category != string(licenses.UsagePolicy) && !declaresID(ls.declared, l.ID) && l.ID != string(licenses.Unknown) {
			return
		}
	}
	// The card's "other" (or an unknown id) names the unknown texts of the
	// repository when there are any: the declaration is evidence of each.
	var texts []*License
	for _, k := range ls.keys() {
		if l := ls.byKey[k]; l.ID == string(licenses.Unknown) && l.Match.Kind == string(licenses.MatchText) {
			texts = append(texts, l)
		}
	}
	for _, ev := range ls.unresolved {
		if len(texts) == 0 {
			ls.add(licenses.Identification{ID: string(licenses.Unknown), Name: "Unknown license", Category: licenses.Unknown, Kind: licenses.MatchDeclared}, ev)
		}
		for _, l := range texts {
			l.Evidence = append(l.Evidence, ev)
		}
	}
}

// incorporate adds the documents a found license incorporates by reference
// (its acceptable-use policy) when their text is not in the repository:
// their terms bind the licensee all the same (the Llama 3.2 policy's EU
// clause, Gemma's prohibited uses).
func (ls *licenseSet) incorporate() {
	for _, k := range ls.keys() {
		l := ls.byKey[k]
		for _, inc := range l.Incorporates {
			if ls.has(inc) {
				continue
			}
			ident, ok := licenses.FromID(inc)
			if !ok {
				continue
			}
			ident.Kind = licenses.MatchReference
			ev := Evidence{Source: l.Evidence[0].Source, Path: l.Evidence[0].Path, StartLine: l.Evidence[0].StartLine, EndLine: l.Evidence[0].EndLine, Detail: "incorporated by reference in " + l.ID}
			for _, t := range l.Terms {
				if terms.Kind(t.Kind) == terms.IncorporatedPolicy && len(t.Evidence) > 0 {
					ev = t.Evidence[0]
					ev.Detail = "incorporated by reference in " + l.ID
					break
				}
			}
			ls.add(ident, ev)
		}
	}
}
