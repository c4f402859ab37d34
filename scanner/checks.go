package scanner

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner/rules"
)

// restrictive reports whether a category carries carve-outs that make a
// silent relabel matter.
func restrictive(cat string) bool {
	switch licenses.Category(cat) {
	case licenses.CustomRestricted, licenses.NonCommercial, licenses.Unknown:
		return true
	}
	return false
}

// facts is what the rules stage reads: the evidence, the licenses
// identified and the lineage.
type facts struct {
	e       *evidence
	lics    *licenseSet
	lineage []Link
	opts    Options
}

// checks are the rules stage: each is a function from the facts to
// findings, listed here in the order they run.
var checks = []func(*facts, *findings){
	checkNoLicenseFound,
	checkReferences,
	checkNoLicenseDeclared,
	checkNoLicenseFile,
	checkDeclaredVsTexts,
	checkModifiedDeclared,
	checkInherited,
	checkServiceLicense,
}

// applyRules runs every check (and the derivative checks for carveout
// check).
func applyRules(f *facts) []Finding {
	var fs findings
	for _, c := range checks {
		c(f, &fs)
	}
	if f.opts.Derivative {
		checkDerivative(f, &fs)
	}
	return fs
}

func (f *facts) cardEvidence() Evidence {
	ev := Evidence{Path: f.e.cardPath, Source: SourceModelCard}
	if f.e.card != nil {
		l := f.e.card.Line("license")
		ev.StartLine, ev.EndLine = l, l
	}
	return ev
}

// checkNoLicenseFound: scan FILE found no license in the file.
func checkNoLicenseFound(f *facts, fs *findings) {
	if f.e.kind == "file" && len(f.lics.byKey) == 0 {
		fs.add("", rules.NoLicenseFound, fmt.Sprintf("%s: no license was identified in the file", f.e.target), Evidence{Path: f.e.target, Source: SourceLicenseFile})
	}
}

// checkNoLicenseDeclared: the card declares no license.
func checkNoLicenseDeclared(f *facts, fs *findings) {
	c := f.e.card
	if f.e.kind == "file" || f.e.gated || c != nil && (len(c.License) > 0 || c.LicenseName != "") {
		return // a gated repository's files were not read: the finding says so
	}
	sev, msg := SeverityWarning, "the model card declares no license"
	if c == nil {
		msg = "there is no model card (README.md) declaring a license"
	}
	if len(f.lics.byKey) == 0 {
		sev = SeverityError
		msg += ", and no license text was found: the terms of this model are unknown"
	} else {
		msg += fmt.Sprintf("; licenses found elsewhere: %s", strings.Join(f.lics.ids(), ", "))
	}
	ev := []Evidence{}
	if f.e.cardPath != "" {
		ev = append(ev, Evidence{Path: f.e.cardPath, Source: SourceModelCard})
	}
	fs.addSev("", rules.NoLicenseDeclared, sev, msg, ev...)
}

// checkNoLicenseFile: no license file ships with the model.
func checkNoLicenseFile(f *facts, fs *findings) {
	if len(f.e.licenseTexts) > 0 || f.e.kind == "file" || f.e.unreadableLicense || f.e.gated {
		return
	}
	msg := "no license file (LICENSE, NOTICE, USE_POLICY...) in the repository"
	if len(f.lics.declared) > 0 {
		msg += fmt.Sprintf("; the declared license (%s) cannot be checked against its text, and licenses that require a copy to ship with the model are not met", strings.Join(idsOf(f.lics.declared), ", "))
	}
	fs.add("", rules.NoLicenseFile, msg)
}

// checkDeclaredVsTexts: every restrictive license in the texts must be
// declared, and at least one text license must match a declared one.
func checkDeclaredVsTexts(f *facts, fs *findings) {
	ls := f.lics
	var textIDs []string
	seen := map[string]bool{}
	for _, k := range ls.keys() {
		l := ls.byKey[k]
		if l.Category != string(licenses.UsagePolicy) && foundInFiles(l) && !seen[l.ID] {
			seen[l.ID] = true
			textIDs = append(textIDs, l.ID)
		}
	}
	sort.Strings(textIDs)
	if len(ls.declared) == 0 || len(textIDs) == 0 {
		return
	}
	declared := map[string]bool{}
	for _, id := range ls.declared {
		declared[id.ID] = true
	}
	var missing []string
	matched := false
	for _, id := range textIDs {
		if declared[id] || ls.incorporatedByDeclared(id) {
			matched = true
			continue
		}
		if restrictive(ls.categoryOf(id)) {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 && matched {
		return
	}
	if len(missing) == 0 {
		missing = textIDs
	}
	ev := []Evidence{f.cardEvidence()}
	var parts []string
	for _, id := range missing {
		for _, k := range ls.keys() {
			if l := ls.byKey[k]; l.ID == id {
				for _, e := range l.Evidence {
					if e.Source != SourceModelCard {
						ev = append(ev, e)
					}
				}
			}
		}
		parts = append(parts, fmt.Sprintf("%s (%s)", id, ls.categoryOf(id)))
	}
	lic := ""
	if len(missing) == 1 {
		lic = missing[0]
	}
	fs.add(lic, rules.DeclaredLicenseMismatch,
		fmt.Sprintf("the model card declares %s but the license texts say %s", strings.Join(idsOf(ls.declared), ", "), strings.Join(parts, ", ")), ev...)
}

// checkModifiedDeclared: the card declares an open license whose text in
// the repository was changed into a restrictive one (an MIT text with a
// non-commercial sentence, Apache-2.0 with a clause withholding the right
// to sell). The declaration names the open license; the text that binds
// says otherwise, so the relabel is a mismatch, not a pass.
func checkModifiedDeclared(f *facts, fs *findings) {
	ls := f.lics
	for _, k := range ls.keys() {
		l := ls.byKey[k]
		if !l.Match.Modified || !foundInFiles(l) || !restrictive(l.Category) || !declaresID(ls.declared, l.ID) {
			continue
		}
		cat, ok := licenses.Lookup(l.ID)
		declaredCat := string(licenses.ClassifySPDX(l.ID))
		if ok {
			declaredCat = string(cat.Category)
		}
		if restrictive(declaredCat) {
			continue
		}
		var kinds []string
		for _, t := range l.Terms {
			if t.Origin != "catalog" && terms.Restricts(terms.Kind(t.Kind)) && !slices.Contains(kinds, t.Kind) {
				kinds = append(kinds, t.Kind)
			}
		}
		ev := []Evidence{f.cardEvidence()}
		for _, e := range l.Evidence {
			if e.Source != SourceModelCard {
				ev = append(ev, e)
			}
		}
		fs.add(l.ID, rules.DeclaredLicenseMismatch,
			fmt.Sprintf("the model card declares %s (%s), but the license text at %s is a modified %s that is %s (%s): the declared license does not carry those restrictions",
				l.ID, declaredCat, ev[len(ev)-1].Place(), l.ID, l.Category, strings.Join(kinds, ", ")), ev...)
	}
}

// categoryOf is the category of the strongest license with the id.
func (ls *licenseSet) categoryOf(id string) string {
	if l := ls.get(id); l != nil {
		return l.Category
	}
	return ""
}

// checkInherited flags a declared license that drops a restrictive
// license inherited from the lineage (a Llama fine-tune relabelled mit).
func checkInherited(f *facts, fs *findings) {
	ls := f.lics
	if len(ls.declared) == 0 && len(ls.unresolved) == 0 {
		return
	}
	for _, inh := range inherited(f.lineage) {
		base, ok := licenses.Lookup(inh)
		if !ok || !restrictive(string(base.Category)) {
			continue
		}
		ok, reason := licenses.KeepsBase(base, idsOf(ls.declared), ls.shipped())
		if ok {
			continue
		}
		decl := idsOf(ls.declared)
		if len(ls.unresolved) > 0 {
			decl = append(decl, "an unidentified license")
		}
		fs.add(inh, rules.BaseLicenseConflict,
			fmt.Sprintf("the model card declares %s, but base model %s is licensed under %s (%s): %s", strings.Join(decl, ", "), strings.Join(basesWith(f.lineage, inh), ", "), inh, base.Category, reason),
			f.cardEvidence())
	}
}

// shipped lists the licenses identified in the repository's license files.
func (ls *licenseSet) shipped() []licenses.Shipped {
	var out []licenses.Shipped
	for _, k := range ls.keys() {
		l := ls.byKey[k]
		for _, e := range l.Evidence {
			if e.Source == SourceLicenseFile && !strings.HasPrefix(e.Detail, "incorporated") {
				out = append(out, licenses.Shipped{ID: l.ID, Path: e.Path})
			}
		}
	}
	return out
}

// checkServiceLicense records where GitHub's license opinion differs.
func checkServiceLicense(f *facts, fs *findings) {
	md := f.e.md
	if md.Service != "github" || len(md.License) == 0 {
		return
	}
	var ours []string
	for _, id := range f.lics.ids() {
		if l := f.lics.get(id); l.Match.Kind == string(licenses.MatchText) {
			ours = append(ours, id)
		}
	}
	for _, gh := range md.License {
		if gh == "" || strings.EqualFold(gh, "NOASSERTION") || strings.EqualFold(gh, "other") {
			continue
		}
		if !f.lics.has(gh) {
			fs.add("", rules.ServiceLicenseDiffers, fmt.Sprintf("GitHub reports the repository license as %s; carveout identified %s", gh, strings.Join(ours, ", ")), Evidence{Path: md.LicensePath, Source: SourceGitHub})
		}
	}
}

// incorporatedByDeclared: a declared license incorporates id (its use
// policy) or id is a version-family match of a declared license's policy.
func (ls *licenseSet) incorporatedByDeclared(id string) bool {
	for _, d := range ls.declared {
		if d.License == nil {
			continue
		}
		for _, inc := range d.License.Incorporates {
			if inc == id {
				return true
			}
		}
	}
	return false
}

func idsOf(ids []licenses.Identification) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if !seen[id.ID] {
			seen[id.ID] = true
			out = append(out, id.ID)
		}
	}
	sort.Strings(out)
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// foundInFiles: the license was read from a license file, a weight header
// or a license text pasted into the card — not only declared or mentioned
// in passing, and not only incorporated by another license.
func foundInFiles(l *License) bool {
	for _, e := range l.Evidence {
		switch e.Source {
		case SourceLicenseFile, SourceWeights:
			if !strings.HasPrefix(e.Detail, "incorporated by reference") {
				return true
			}
		case SourceCardText:
			if l.Match.Kind == string(licenses.MatchText) {
				return true
			}
		}
	}
	return false
}

// checkReferences flags restrictive licenses that the card's text or its
// license_link names while the front matter declares something else (a
// card saying apache-2.0 whose text says the Llama 3.1 license applies).
func checkReferences(f *facts, fs *findings) {
	ls := f.lics
	if len(ls.declared) == 0 {
		return
	}
	for _, k := range ls.keys() {
		l := ls.byKey[k]
		id := l.ID
		if l.Match.Kind != string(licenses.MatchReference) || !restrictive(l.Category) || declaresID(ls.declared, id) || ls.incorporatedByDeclared(id) || foundInFiles(l) {
			continue
		}
		var ev []Evidence
		for _, e := range l.Evidence {
			if e.Path == f.e.cardPath && (e.Source == SourceCardText || e.Source == SourceModelCard) {
				ev = append(ev, e)
			}
		}
		if len(ev) == 0 {
			continue
		}
		fs.add(id, rules.ReferencedLicenseMismatch,
			fmt.Sprintf("the model card declares %s but its text names %s (%s) at %s; check which license applies", strings.Join(idsOf(ls.declared), ", "), id, l.Category, ev[0].Place()), ev...)
	}
}
