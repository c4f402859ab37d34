package licenses

import (
	"strings"
)

// hfLicenses is the Hugging Face Hub's list of model-card license ids
// (the `license:` values a card may declare), each with carveout's
// canonical id: the SPDX id for SPDX licenses, else the catalog id.
// An empty canonical id means "not identified" (other, unknown).
//
// Provenance: the table of docs/hub/repositories-licenses.md in
// github.com/huggingface/hub-docs (the Hub's "Licenses" page,
// https://huggingface.co/docs/hub/repositories-licenses), 83 ids as of
// 2025, plus openmdw-1.1 (hub-docs pull request #2520, June 2026).
// Facts only: ids and the licenses they stand for.
var hfLicenses = []struct{ hf, canonical string }{
	{"apache-2.0", "Apache-2.0"},
	{"mit", "MIT"},
	{"openrail", "openrail"},
	{"bigscience-openrail-m", "bigscience-openrail-m"},
	{"creativeml-openrail-m", "creativeml-openrail-m"},
	{"bigscience-bloom-rail-1.0", "bigscience-bloom-rail-1.0"},
	{"bigcode-openrail-m", "bigcode-openrail-m"},
	{"afl-3.0", "AFL-3.0"},
	{"artistic-2.0", "Artistic-2.0"},
	{"bsl-1.0", "BSL-1.0"},
	{"bsd", "bsd"},
	{"bsd-2-clause", "BSD-2-Clause"},
	{"bsd-3-clause", "BSD-3-Clause"},
	{"bsd-3-clause-clear", "BSD-3-Clause-Clear"},
	{"c-uda", "C-UDA-1.0"},
	{"cc", "cc"},
	{"cc0-1.0", "CC0-1.0"},
	{"cc-by-2.0", "CC-BY-2.0"},
	{"cc-by-2.5", "CC-BY-2.5"},
	{"cc-by-3.0", "CC-BY-3.0"},
	{"cc-by-4.0", "CC-BY-4.0"},
	{"cc-by-sa-3.0", "CC-BY-SA-3.0"},
	{"cc-by-sa-4.0", "CC-BY-SA-4.0"},
	{"cc-by-nc-2.0", "CC-BY-NC-2.0"},
	{"cc-by-nc-3.0", "CC-BY-NC-3.0"},
	{"cc-by-nc-4.0", "CC-BY-NC-4.0"},
	{"cc-by-nd-4.0", "CC-BY-ND-4.0"},
	{"cc-by-nc-nd-3.0", "CC-BY-NC-ND-3.0"},
	{"cc-by-nc-nd-4.0", "CC-BY-NC-ND-4.0"},
	{"cc-by-nc-sa-2.0", "CC-BY-NC-SA-2.0"},
	{"cc-by-nc-sa-3.0", "CC-BY-NC-SA-3.0"},
	{"cc-by-nc-sa-4.0", "CC-BY-NC-SA-4.0"},
	{"cdla-sharing-1.0", "CDLA-Sharing-1.0"},
	{"cdla-permissive-1.0", "CDLA-Permissive-1.0"},
	{"cdla-permissive-2.0", "CDLA-Permissive-2.0"},
	{"wtfpl", "WTFPL"},
	{"ecl-2.0", "ECL-2.0"},
	{"epl-1.0", "EPL-1.0"},
	{"epl-2.0", "EPL-2.0"},
	{"etalab-2.0", "etalab-2.0"},
	{"eupl-1.1", "EUPL-1.1"},
	{"eupl-1.2", "EUPL-1.2"},
	{"agpl-3.0", "AGPL-3.0-only"},
	{"gfdl", "gfdl"},
	{"gpl", "gpl"},
	{"gpl-2.0", "GPL-2.0-only"},
	{"gpl-3.0", "GPL-3.0-only"},
	{"lgpl", "lgpl"},
	{"lgpl-2.1", "LGPL-2.1-only"},
	{"lgpl-3.0", "LGPL-3.0-only"},
	{"isc", "ISC"},
	{"h-research", "h-research"},
	{"intel-research", "intel-research"},
	{"lppl-1.3c", "LPPL-1.3c"},
	{"ms-pl", "MS-PL"},
	{"apple-ascl", "AML"},
	{"apple-amlr", "apple-amlr"},
	{"mpl-2.0", "MPL-2.0"},
	{"odc-by", "ODC-By-1.0"},
	{"odbl", "ODbL-1.0"},
	{"openmdw-1.0", "OpenMDW-1.0"},
	{"openmdw-1.1", "openmdw-1.1"},
	{"openrail++", "openrail++"},
	{"osl-3.0", "OSL-3.0"},
	{"postgresql", "PostgreSQL"},
	{"ofl-1.1", "OFL-1.1"},
	{"ncsa", "NCSA"},
	{"unlicense", "Unlicense"},
	{"zlib", "Zlib"},
	{"pddl", "PDDL-1.0"},
	{"lgpl-lr", "LGPLLR"},
	{"deepfloyd-if-license", "deepfloyd-if-license"},
	{"fair-noncommercial-research-license", "fair-noncommercial-research-license"},
	{"llama2", "llama2"},
	{"llama3", "llama3"},
	{"llama3.1", "llama3.1"},
	{"llama3.2", "llama3.2"},
	{"llama3.3", "llama3.3"},
	{"llama4", "llama4"},
	{"grok2-community", "grok2-community"},
	{"gemma", "gemma-2025-03-24"},
	{"unknown", ""},
	{"other", ""},
}

func hfKey(id string) string { return strings.ToLower(strings.TrimSpace(id)) }

// NormalizeHF maps a Hugging Face Hub license id (case-insensitive) to
// carveout's canonical id: the SPDX id for SPDX licenses (apache-2.0 ->
// Apache-2.0, gpl-3.0 -> GPL-3.0-only), the catalog id for the others
// (llama3.1, gemma -> gemma-2025-03-24). ok is false for `other`,
// `unknown` and ids not on the Hub's list: those name no license.
func NormalizeHF(id string) (canonical string, ok bool) {
	k := hfKey(id)
	for _, e := range hfLicenses {
		if e.hf == k {
			return e.canonical, e.canonical != ""
		}
	}
	return "", false
}

// HFLicenseIDs lists the Hub's license ids, in the Hub's order.
func HFLicenseIDs() []string {
	ids := make([]string, len(hfLicenses))
	for i, e := range hfLicenses {
		ids[i] = e.hf
	}
	return ids
}

// FromID identifies a license declared by id: a Hugging Face Hub id, an
// SPDX id, a catalog id or a catalog alias (case-insensitive). The result
// is a declared match with confidence 1, carrying the catalog's terms
// (origin "catalog", no evidence) when the catalog has the license. Ids
// naming no license (other, unknown) and unknown ids give false.
func FromID(id string) (Identification, bool) {
	key := strings.TrimSpace(id)
	if key == "" {
		return Identification{}, false
	}
	if c, ok := NormalizeHF(key); ok {
		key = c
	} else if hfKnown(key) {
		return Identification{}, false // other, unknown
	}
	if l, ok := Lookup(key); ok {
		return fromCatalog(l), true
	}
	if e, ok := SPDXLicense(key); ok {
		if c, _ := CanonicalSPDX(e.ID); e.Deprecated && c != e.ID {
			// A deprecated id is reported as the id that replaced it.
			if strings.Contains(c, " WITH ") {
				return fromOperand(c), true
			}
			return FromID(c)
		}
		return Identification{
			ID:         e.ID,
			Name:       e.Name,
			Category:   ClassifySPDX(e.ID),
			OSI:        e.OSI,
			SPDXID:     e.ID,
			HFID:       hfIDFor(e.ID),
			Kind:       MatchDeclared,
			Confidence: 1,
		}, true
	}
	return Identification{}, false
}

func hfKnown(id string) bool {
	k := hfKey(id)
	for _, e := range hfLicenses {
		if e.hf == k {
			return true
		}
	}
	return false
}

// hfIDFor returns the Hub id whose canonical id is canonical, if any.
func hfIDFor(canonical string) string {
	for _, e := range hfLicenses {
		if e.canonical != "" && strings.EqualFold(e.canonical, canonical) {
			return e.hf
		}
	}
	return ""
}

// fromCatalog builds a declared identification from a catalog entry.
func fromCatalog(l *License) Identification {
	id := l.ID
	if _, ok := SPDXLicense(l.SPDXID); ok {
		id = l.SPDXID
	}
	hf := l.HFID
	if hf == "" {
		hf = hfIDFor(l.ID)
	}
	return Identification{
		ID:         id,
		Name:       l.Name,
		Category:   l.Category,
		OSI:        l.OSI,
		License:    l,
		SPDXID:     l.SPDXID,
		HFID:       hf,
		Kind:       MatchDeclared,
		Confidence: 1,
		Terms:      catalogTerms(l),
	}
}
