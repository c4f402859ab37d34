package scanner

import (
	"fmt"
	"sort"
	"strings"

	"github.com/carveout/carveout/licenses"
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

	// A declared license that is not identified, with no license text or
	// reference to identify it, is an unknown license: never assumed to
	// be fine.
	if len(s.unresolved) > 0 {
		identified := false
		for _, l := range s.lics {
			identified = identified || l.Match.Kind != string(licenses.MatchDeclared) && l.Category != string(licenses.UsagePolicy)
		}
		if !identified {
			for _, ev := range s.unresolved {
				s.addIdentification(licenses.Identification{ID: string(licenses.Unknown), Name: "Unknown license", Category: licenses.Unknown, Kind: licenses.MatchDeclared}, ev)
			}
		}
	}

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
		s.finding("no-license-declared", sev, msg, ev...)
	}
	if len(s.licenseFiles) == 0 && s.kind() != "file" {
		msg := "no license file (LICENSE, NOTICE, USE_POLICY...) in the repository"
		if len(s.declared) > 0 {
			msg += fmt.Sprintf("; the declared license (%s) cannot be checked against its text, and licenses that require a copy to ship with the model are not met", strings.Join(idsOf(s.declared), ", "))
		}
		s.finding("no-license-file", SeverityWarning, msg)
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
	s.finding("declared-license-mismatch", SeverityError,
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
