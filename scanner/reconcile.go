package scanner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/carveout/carveout/licenses"
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

// reconcile compares what the card declares with what the files say.
func (s *scan) reconcile() {
	p := s.cardPath
	cardEv := Evidence{Path: p, Source: SourceModelCard}
	if s.card != nil {
		l := s.card.Line("license")
		cardEv.StartLine, cardEv.EndLine = l, l
	}

	// A declared license that is not identified is an unknown license —
	// never assumed to be fine — unless a license text or reference that
	// the card does not declare otherwise explains it.
	if len(s.unresolved) > 0 {
		explained := false
		for id, l := range s.lics {
			if l.Match.Kind != string(licenses.MatchDeclared) && l.Category != string(licenses.UsagePolicy) && !declaresID(s.declared, id) && id != string(licenses.Unknown) {
				explained = true
			}
		}
		if !explained {
			for _, ev := range s.unresolved {
				s.addIdentification(licenses.Identification{ID: string(licenses.Unknown), Name: "Unknown license", Category: licenses.Unknown, Kind: licenses.MatchDeclared}, ev)
			}
		}
	}
	if s.kind() == "file" && len(s.lics) == 0 {
		s.finding(rules.NoLicenseFound, fmt.Sprintf("%s: no license was identified in the file", s.src.Target()), Evidence{Path: s.src.Target(), Source: SourceLicenseFile})
	}
	s.checkReferences()

	// Licenses found in texts (files, pasted texts, weight metadata).
	var textIDs []string
	for id, l := range s.lics {
		if l.Category != string(licenses.UsagePolicy) && foundInFiles(l) {
			textIDs = append(textIDs, id)
		}
	}
	sort.Strings(textIDs)
	declared := map[string]bool{}
	for _, id := range s.declared {
		declared[id.ID] = true
	}

	// No license declared.
	if s.kind() != "file" && (s.card == nil || len(s.card.License) == 0 && s.card.LicenseName == "") {
		sev, msg := SeverityWarning, "the model card declares no license"
		if s.card == nil {
			msg = "there is no model card (README.md) declaring a license"
		}
		if len(s.lics) == 0 {
			sev = SeverityError
			msg += ", and no license text was found: the terms of this model are unknown"
		} else {
			msg += fmt.Sprintf("; licenses found elsewhere: %s", strings.Join(sortedKeys(s.lics), ", "))
		}
		ev := []Evidence{}
		if p != "" {
			ev = append(ev, Evidence{Path: p, Source: SourceModelCard})
		}
		s.findingSev(rules.NoLicenseDeclared, sev, msg, ev...)
	}
	if len(s.licenseFiles) == 0 && s.kind() != "file" && !s.unreadableLicense {
		msg := "no license file (LICENSE, NOTICE, USE_POLICY...) in the repository"
		if len(s.declared) > 0 {
			msg += fmt.Sprintf("; the declared license (%s) cannot be checked against its text, and licenses that require a copy to ship with the model are not met", strings.Join(idsOf(s.declared), ", "))
		}
		s.finding(rules.NoLicenseFile, msg)
	}

	if len(s.declared) == 0 || len(textIDs) == 0 {
		return
	}
	// Declared vs texts: every restrictive license in the texts must be
	// declared, and at least one text license must match a declared one.
	var missing []string
	matched := false
	for _, id := range textIDs {
		if declared[id] || s.incorporatedByDeclared(id) {
			matched = true
			continue
		}
		if restrictive(s.lics[id].Category) {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 && matched {
		return
	}
	if len(missing) == 0 {
		missing = textIDs
	}
	ev := []Evidence{cardEv}
	for _, id := range missing {
		for _, e := range s.lics[id].Evidence {
			if e.Source != SourceModelCard {
				ev = append(ev, e)
			}
		}
	}
	var parts []string
	for _, id := range missing {
		l := s.lics[id]
		parts = append(parts, fmt.Sprintf("%s (%s)", id, l.Category))
	}
	lic := ""
	if len(missing) == 1 {
		lic = missing[0]
	}
	s.licenseFinding(lic, rules.DeclaredLicenseMismatch,
		fmt.Sprintf("the model card declares %s but the license texts say %s", strings.Join(idsOf(s.declared), ", "), strings.Join(parts, ", ")), ev...)
}

// incorporatedByDeclared: a declared license incorporates id (its use
// policy) or id is a version-family match of a declared license's policy.
func (s *scan) incorporatedByDeclared(id string) bool {
	for _, d := range s.declared {
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
func (s *scan) checkReferences() {
	if len(s.declared) == 0 {
		return
	}
	for _, id := range sortedKeys(s.lics) {
		l := s.lics[id]
		if l.Match.Kind != string(licenses.MatchReference) || !restrictive(l.Category) || declaresID(s.declared, id) || s.incorporatedByDeclared(id) || foundInFiles(l) {
			continue
		}
		var ev []Evidence
		for _, e := range l.Evidence {
			if e.Path == s.cardPath && (e.Source == SourceCardText || e.Source == SourceModelCard) {
				ev = append(ev, e)
			}
		}
		if len(ev) == 0 {
			continue
		}
		s.licenseFinding(id, rules.ReferencedLicenseMismatch,
			fmt.Sprintf("the model card declares %s but its text names %s (%s) at %s; check which license applies", strings.Join(idsOf(s.declared), ", "), id, l.Category, ev[0].Place()), ev...)
	}
}
