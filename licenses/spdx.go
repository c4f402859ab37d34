package licenses

import (
	"sort"
	"strings"
	"sync"
)

//go:generate go run ./internal/genspdx -o spdxdata_gen.go
// The reference phrases derive from the catalog and the SPDX names:
//go:generate go test -run ^TestRefPhraseTable$ -update .

// SPDXEntry is one license of the SPDX License List.
type SPDXEntry struct {
	ID         string // canonical SPDX id, e.g. "Apache-2.0"
	Name       string // full name
	OSI        bool   // approved by the Open Source Initiative
	Deprecated bool   // a deprecated id (e.g. "GPL-3.0")
}

var spdxIndex = sync.OnceValue(func() map[string]int {
	m := make(map[string]int, len(spdxTable))
	for i, e := range spdxTable {
		m[strings.ToLower(e.ID)] = i
	}
	return m
})

// SPDXListVersion is the version of the SPDX License List carveout knows.
func SPDXListVersion() string { return spdxListVersion }

// spdxExact maps each SPDX id as the list spells it to its entry: most
// look-ups, found without lower-casing.
var spdxExact = sync.OnceValue(func() map[string]int {
	m := make(map[string]int, len(spdxTable))
	for i, e := range spdxTable {
		m[e.ID] = i
	}
	return m
})

// SPDXLicense looks an SPDX license id up case-insensitively.
func SPDXLicense(id string) (SPDXEntry, bool) {
	if i, ok := spdxExact()[id]; ok {
		return spdxTable[i], true
	}
	i, ok := spdxIndex()[strings.ToLower(strings.TrimSpace(id))]
	if !ok {
		return SPDXEntry{}, false
	}
	return spdxTable[i], true
}

// SPDX returns the name and OSI approval of an SPDX license id
// (case-insensitive).
func SPDX(id string) (name string, osi bool, ok bool) {
	e, ok := SPDXLicense(id)
	return e.Name, e.OSI, ok
}

// SPDXIDs lists every SPDX license id, sorted.
func SPDXIDs() []string {
	ids := make([]string, len(spdxTable))
	for i, e := range spdxTable {
		ids[i] = e.ID
	}
	sort.Strings(ids)
	return ids
}

// copyleftPrefixes are the SPDX id prefixes of the copyleft license
// families (reciprocal on the covered files or the whole work).
var copyleftPrefixes = []string{
	"GPL-", "LGPL-", "AGPL-", "MPL-", "EPL-", "EUPL-", "CDDL-", "OSL-", "CPL-",
	"CECILL-", "MS-RL", "RPL-", "SPL-", "Sleepycat", "QPL-", "IPL-", "CPAL-",
	"APSL-", "RPSL-", "NPOSL-", "Motosoto", "CUA-OPL-", "Nokia", "eCos-",
	"SimPL-", "LPL-", "Watcom-", "CATOSL-",
}

// openNonOSIPrefixes are SPDX id prefixes of licenses that are not OSI
// approved but carry no usage carve-outs: attribution, share-alike and
// public-domain style licenses for content, data and models.
var openNonOSIPrefixes = []string{
	"CC-BY-", "CC0-", "CC-PDDC", "CC-PDM-", "PDDL-", "ODC-By-", "ODbL-",
	"CDLA-", "etalab-", "OGL-", "GFDL-", "LGPLLR", "WTFPL", "BSD-3-Clause-Clear",
	"OpenMDW-", "AML", "DL-DE-BY-", "DL-DE-ZERO-", "O-UDA-", "OGDL-", "NLOD-",
	"FSFAP", "FSFUL", "MIT-", "X11", "Beerware", "blessing", "Unlicense",
}

// spdxExtraCategory classifies non-OSI SPDX licenses the prefix rules
// below do not settle.
var spdxExtraCategory = map[string]Category{
	// Old GPL-family versions outside the OSI list are still copyleft.
	"GPL-1.0-only": Copyleft, "GPL-1.0-or-later": Copyleft, "GPL-1.0": Copyleft, "GPL-1.0+": Copyleft,
	"LGPL-2.0-only": Copyleft, "LGPL-2.0-or-later": Copyleft, "LGPL-2.0": Copyleft, "LGPL-2.0+": Copyleft,
	"AGPL-1.0-only": Copyleft, "AGPL-1.0-or-later": Copyleft, "AGPL-1.0": Copyleft,
	// Computational Use of Data Agreement: use limited to computational
	// analysis of the data.
	"C-UDA-1.0": CustomRestricted,
}

// ClassifySPDX classifies an SPDX license id. Catalog entries override the
// SPDX table: an id with a catalog entry gets the entry's category.
//
// OSI-approved licenses are permissive or copyleft (by family); any
// non-commercial (-NC-) license is non-commercial; no-derivatives (-ND-)
// licenses are custom-restricted; open content, data and model licenses
// outside the OSI list are open-non-osi; anything else is unknown.
func ClassifySPDX(id string) Category {
	if l, ok := Lookup(id); ok {
		return l.Category
	}
	e, ok := SPDXLicense(id)
	if !ok {
		return Unknown
	}
	u := strings.ToUpper(e.ID)
	switch {
	case strings.Contains(u, "-NC-") || strings.HasSuffix(u, "-NC"):
		return NonCommercial
	case strings.Contains(u, "-ND-") || strings.HasSuffix(u, "-ND"):
		return CustomRestricted
	}
	if e.OSI {
		for _, p := range copyleftPrefixes {
			if strings.HasPrefix(u, strings.ToUpper(p)) {
				return Copyleft
			}
		}
		return Permissive
	}
	if c, ok := spdxExtraCategory[e.ID]; ok {
		return c
	}
	for _, p := range openNonOSIPrefixes {
		if strings.HasPrefix(u, strings.ToUpper(p)) {
			return OpenNonOSI
		}
	}
	return Unknown
}

// deprecatedSPDX maps the deprecated SPDX ids whose replacement is not the
// id with "-only" / "-or-later" to the current id or expression (the SPDX
// list's own notes on each deprecation).
var deprecatedSPDX = map[string]string{
	"BSD-2-Clause-FreeBSD":             "BSD-2-Clause-Views",
	"BSD-2-Clause-NetBSD":              "BSD-2-Clause",
	"bzip2-1.0.5":                      "bzip2-1.0.6",
	"Nunit":                            "zlib-acknowledgement",
	"StandardML-NJ":                    "SMLNJ",
	"eCos-2.0":                         "GPL-2.0-or-later WITH eCos-exception-2.0",
	"wxWindows":                        "LGPL-2.0-or-later WITH WxWindows-exception-3.1",
	"GPL-2.0-with-autoconf-exception":  "GPL-2.0-only WITH Autoconf-exception-2.0",
	"GPL-2.0-with-bison-exception":     "GPL-2.0-or-later WITH Bison-exception-2.2",
	"GPL-2.0-with-classpath-exception": "GPL-2.0-only WITH Classpath-exception-2.0",
	"GPL-2.0-with-font-exception":      "GPL-2.0-only WITH Font-exception-2.0",
	"GPL-2.0-with-GCC-exception":       "GPL-2.0-only WITH GCC-exception-2.0",
	"GPL-3.0-with-autoconf-exception":  "GPL-3.0-only WITH Autoconf-exception-3.0",
	"GPL-3.0-with-GCC-exception":       "GPL-3.0-only WITH GCC-exception-3.1",
}

// CanonicalSPDX maps an SPDX id (case-insensitive) to the current id it is
// reported under: deprecated ids to their replacement ("GPL-2.0" ->
// "GPL-2.0-only", "GPL-2.0+" -> "GPL-2.0-or-later", "wxWindows" -> an
// expression with its exception). ok is false for ids not on the list.
func CanonicalSPDX(id string) (string, bool) {
	e, ok := SPDXLicense(id)
	if !ok {
		return "", false
	}
	if !e.Deprecated {
		return e.ID, true
	}
	if r, ok := deprecatedSPDX[e.ID]; ok {
		return r, true
	}
	base, suffix := e.ID, "-only"
	if strings.HasSuffix(base, "+") {
		base, suffix = strings.TrimSuffix(base, "+"), "-or-later"
	}
	if c, ok := SPDXLicense(base + suffix); ok && !c.Deprecated {
		return c.ID, true
	}
	return e.ID, true
}
