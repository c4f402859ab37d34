package licenses

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/carveout/carveout/internal/corpus"
	"github.com/carveout/carveout/licenses/terms"
)

// catCorpusDir is the shared reference corpus, relative to this package
// directory (the project's ../shared/corpus/licenses).
const catCorpusDir = "../../shared/corpus/licenses"

func catCorpusOrSkip(t *testing.T) string {
	t.Helper()
	if fi, err := os.Stat(catCorpusDir); err != nil || !fi.IsDir() {
		corpus.Skipf(t, "reference corpus %s not present; skipping corpus checks", catCorpusDir)
	}
	return catCorpusDir
}

var catDateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func TestCatalogEntries(t *testing.T) {
	list := Catalog()
	if len(list) < 60 {
		t.Fatalf("catalog has %d entries, want the whole corpus covered", len(list))
	}
	validCat := map[Category]bool{}
	for _, c := range Categories {
		validCat[c] = true
	}
	validKind := map[terms.Kind]bool{}
	for _, k := range terms.Kinds {
		validKind[k] = true
	}
	ids := map[string]string{}  // lower id -> id
	keys := map[string]string{} // lower hf id / alias -> owning id
	for _, l := range list {
		if l.ID == "" || l.Name == "" || l.Family == "" || l.SPDXID == "" {
			t.Errorf("%q: id, name, family and spdx_id are required", l.ID)
		}
		if prev, dup := ids[strings.ToLower(l.ID)]; dup {
			t.Errorf("duplicate id %q (also %q)", l.ID, prev)
		}
		ids[strings.ToLower(l.ID)] = l.ID
		if !validCat[l.Category] {
			t.Errorf("%s: invalid category %q", l.ID, l.Category)
		}
		if l.Date != "" && !catDateRE.MatchString(l.Date) {
			t.Errorf("%s: date %q is not YYYY-MM-DD", l.ID, l.Date)
		}
		if e, ok := SPDXLicense(l.SPDXID); ok {
			if e.ID != l.SPDXID {
				t.Errorf("%s: spdx_id %q should be spelled %q", l.ID, l.SPDXID, e.ID)
			}
			if e.OSI != l.OSI {
				t.Errorf("%s: osi_approved %v but SPDX says %v", l.ID, l.OSI, e.OSI)
			}
		} else if !strings.HasPrefix(l.SPDXID, "LicenseRef-") {
			t.Errorf("%s: spdx_id %q is neither an SPDX id nor a LicenseRef-", l.ID, l.SPDXID)
		}
		if (l.Category == Permissive || l.Category == Copyleft) != l.OSI {
			t.Errorf("%s: category %s with osi_approved %v", l.ID, l.Category, l.OSI)
		}
		if l.HFID != "" {
			c, ok := NormalizeHF(l.HFID)
			if !ok {
				t.Errorf("%s: hf_id %q is not a Hub license id", l.ID, l.HFID)
			} else if c != l.ID && c != l.SPDXID {
				t.Errorf("%s: hf_id %q maps to %q in the Hub table", l.ID, l.HFID, c)
			}
		}
		for _, k := range append([]string{l.HFID}, l.Aliases...) {
			k = strings.ToLower(strings.TrimSpace(k))
			if k == "" {
				continue
			}
			if owner, dup := keys[k]; dup && owner != l.ID {
				t.Errorf("%s: hf_id/alias %q also used by %s", l.ID, k, owner)
			}
			keys[k] = l.ID
		}
		for _, inc := range l.Incorporates {
			if _, ok := Lookup(inc); !ok {
				t.Errorf("%s: incorporates unknown entry %q", l.ID, inc)
			}
		}
		if len(l.Incorporates) > 0 && !catHasKind(l.Terms, terms.IncorporatedPolicy) {
			t.Errorf("%s: incorporates a policy but has no incorporated-policy term", l.ID)
		}
		for i, tm := range l.Terms {
			if !validKind[tm.Kind] {
				t.Errorf("%s: term %d has unknown kind %q", l.ID, i, tm.Kind)
			}
			if tm.Text == "" {
				t.Errorf("%s: term %d (%s) has no text", l.ID, i, tm.Kind)
			}
			if len(tm.Evidence) != 0 {
				t.Errorf("%s: term %d (%s): catalog terms carry no evidence", l.ID, i, tm.Kind)
			}
			switch tm.Kind {
			case terms.UserThreshold:
				if tm.Value <= 0 || tm.Metric == "" {
					t.Errorf("%s: user-threshold needs metric and value > 0", l.ID)
				}
			case terms.RevenueThreshold:
				if tm.Value <= 0 || len(tm.Currency) != 3 || strings.ToUpper(tm.Currency) != tm.Currency {
					t.Errorf("%s: revenue-threshold needs value > 0 and an ISO 4217 currency", l.ID)
				}
			case terms.TerritoryExclusion:
				if len(tm.Regions) == 0 {
					t.Errorf("%s: territory-exclusion without regions", l.ID)
				}
			case terms.NamingRequirement:
				if tm.Prefix == "" {
					t.Errorf("%s: naming-requirement without prefix", l.ID)
				}
			case terms.IncorporatedPolicy:
				if tm.Policy == "" {
					t.Errorf("%s: incorporated-policy without policy", l.ID)
				}
			}
		}
	}
	// Every Hub id with a canonical id resolves to an SPDX license or a
	// catalog entry.
	for _, id := range HFLicenseIDs() {
		c, ok := NormalizeHF(id)
		if !ok {
			continue
		}
		_, inCat := Lookup(c)
		_, inSPDX := SPDXLicense(c)
		if !inCat && !inSPDX {
			t.Errorf("Hub id %s -> %s: neither a catalog entry nor an SPDX id", id, c)
		}
	}
}

func catHasKind(ts []terms.Term, k terms.Kind) bool {
	for _, t := range ts {
		if t.Kind == k {
			return true
		}
	}
	return false
}

// TestCatalogReferenceTexts checks each reference_text (and each "also:"
// file named in notes) exists in the corpus, and that the catalog's own
// prose (term texts, notes) does not copy the license: no run of 12
// consecutive words of a term text or note may appear in its reference
// text. Quoted statements (notice, attribution, naming) are facts the
// license requires to be reproduced and are exempt.
func TestCatalogReferenceTexts(t *testing.T) {
	dir := catCorpusOrSkip(t)
	for _, l := range Catalog() {
		files := []string{}
		if l.ReferenceText != "" {
			files = append(files, l.ReferenceText)
		}
		files = append(files, catAlsoFiles(l.Notes)...)
		var ref []string
		for _, f := range files {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Errorf("%s: reference text %s: %v", l.ID, f, err)
				continue
			}
			ref = append(ref, catWords(string(b))...)
		}
		if len(ref) == 0 {
			continue
		}
		const n = 12
		shingles := map[string]bool{}
		for i := 0; i+n <= len(ref); i++ {
			shingles[strings.Join(ref[i:i+n], " ")] = true
		}
		check := func(what, s string) {
			w := catWords(s)
			for i := 0; i+n <= len(w); i++ {
				if shingles[strings.Join(w[i:i+n], " ")] {
					t.Errorf("%s: %s copies the license text (%q...)", l.ID, what, strings.Join(w[i:i+n], " "))
					return
				}
			}
		}
		check("notes", l.Notes)
		for _, tm := range l.Terms {
			check(string(tm.Kind)+" text", tm.Text)
		}
	}
}

var catAlsoRE = regexp.MustCompile(`also: ([A-Za-z0-9._+-]+\.txt)`)

func catAlsoFiles(notes string) []string {
	var out []string
	for _, m := range catAlsoRE.FindAllStringSubmatch(notes, -1) {
		out = append(out, m[1])
	}
	return out
}

var catWordRE = regexp.MustCompile(`[\p{L}\p{N}]+`)

func catWords(s string) []string {
	w := catWordRE.FindAllString(strings.ToLower(s), -1)
	return w
}

// TestCatalogMatchesExpected checks the catalog against the corpus's
// EXPECTED.tsv: every row has an entry (one of its |-separated ids) with
// the expected family, category and OSI flag, whose terms include every
// expected term, and which names the row's file as its reference text.
func TestCatalogMatchesExpected(t *testing.T) {
	dir := catCorpusOrSkip(t)
	f, err := os.Open(filepath.Join(dir, "EXPECTED.tsv"))
	if err != nil {
		corpus.Skipf(t, "no EXPECTED.tsv: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	rows := 0
	for line := 0; sc.Scan(); line++ {
		if line == 0 || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		col := strings.Split(sc.Text(), "\t")
		for len(col) < 6 {
			col = append(col, "")
		}
		rows++
		file, idAlts, family, cat, osi, want := col[0], col[1], col[2], col[3], col[4], col[5]
		var l *License
		for _, id := range strings.Split(idAlts, "|") {
			for _, e := range Catalog() {
				if e.ID == id {
					l = e
				}
			}
			if l != nil {
				break
			}
		}
		if l == nil {
			t.Errorf("%s: no catalog entry with id %s", file, idAlts)
			continue
		}
		if l.Family != family {
			t.Errorf("%s (%s): family %q, want %q", file, l.ID, l.Family, family)
		}
		if c, ok := catExpectedCategory[file]; ok {
			cat = c
		}
		if string(l.Category) != cat {
			t.Errorf("%s (%s): category %q, want %q", file, l.ID, l.Category, cat)
		}
		if strconv.FormatBool(l.OSI) != osi {
			t.Errorf("%s (%s): osi_approved %v, want %s", file, l.ID, l.OSI, osi)
		}
		if l.ReferenceText != file && !catContains(catAlsoFiles(l.Notes), file) {
			t.Errorf("%s (%s): reference_text %q and notes do not name the file", file, l.ID, l.ReferenceText)
		}
		for _, w := range strings.Split(want, ";") {
			w = strings.TrimSpace(w)
			if w == "" {
				continue
			}
			if !catHasExpectedTerm(l.Terms, w) {
				t.Errorf("%s (%s): catalog terms lack %q", file, l.ID, w)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if rows == 0 {
		t.Fatal("EXPECTED.tsv has no rows")
	}
}

// catExpectedCategory records where the reference text contradicts
// EXPECTED.tsv's category and the catalog follows the text.
var catExpectedCategory = map[string]string{
	// Lines 7-9 and 23 grant commercial use, derivatives and distribution
	// without user, revenue, field-of-use or output carve-outs; the only
	// conditions are a copy of the license and notices (27-31), patent and
	// copyright litigation termination (24) and trade compliance (47) —
	// the terms of an open license like OpenMDW, not custom-restricted.
	"nvidia-open-model-agreement.txt": "open-non-osi",
}

func catContains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// catHasExpectedTerm reports whether ts satisfies one EXPECTED.tsv term in
// the corpus README's notation.
func catHasExpectedTerm(ts []terms.Term, w string) bool {
	for _, t := range ts {
		if catMatchExpected(t, w) {
			return true
		}
	}
	return false
}

func catMatchExpected(t terms.Term, w string) bool {
	num := func(s string) int64 {
		n, _ := strconv.ParseInt(strings.Fields(s)[0], 10, 64)
		return n
	}
	switch {
	case strings.HasPrefix(w, "users>"):
		return t.Kind == terms.UserThreshold && t.Value == num(w[len("users>"):])
	case strings.HasPrefix(w, "visits>"):
		return t.Kind == terms.UserThreshold && strings.Contains(t.Metric, "visit") && t.Value == num(w[len("visits>"):])
	case strings.HasPrefix(w, "revenue>"):
		f := strings.Fields(w[len("revenue>"):])
		return t.Kind == terms.RevenueThreshold && t.Value == num(f[0]) && (len(f) < 2 || t.Currency == f[1])
	case strings.HasPrefix(w, "territory:"):
		if t.Kind != terms.TerritoryExclusion {
			return false
		}
		for _, r := range strings.Split(w[len("territory:"):], ",") {
			if !catContains(t.Regions, r) {
				return false
			}
		}
		return true
	case strings.HasPrefix(w, "naming:"):
		return t.Kind == terms.NamingRequirement && t.Prefix == w[len("naming:"):]
	case strings.HasPrefix(w, "attribution:"):
		return t.Kind == terms.AttributionRequirement && t.Statement == w[len("attribution:"):]
	}
	kinds := map[string]terms.Kind{
		"notice-file":        terms.NoticeRequirement,
		"noncommercial":      terms.NonCommercial,
		"outputs-restricted": terms.OutputsRestriction,
		"aup":                terms.IncorporatedPolicy,
		"use-restrictions":   terms.FieldOfUse,
		"pass-through":       terms.PassThrough,
		"hosting-restricted": terms.HostingRestriction,
	}
	k, ok := kinds[w]
	return ok && t.Kind == k
}

func TestNormalizeHF(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		ok   bool
	}{
		{"apache-2.0", "Apache-2.0", true},
		{"Apache-2.0", "Apache-2.0", true},
		{"mit", "MIT", true},
		{"cc-by-nc-4.0", "CC-BY-NC-4.0", true},
		{"gpl-3.0", "GPL-3.0-only", true},
		{"agpl-3.0", "AGPL-3.0-only", true},
		{"bsd-3-clause", "BSD-3-Clause", true},
		{"lgpl-lr", "LGPLLR", true},
		{"llama3.1", "llama3.1", true},
		{" LLAMA2 ", "llama2", true},
		{"gemma", "gemma-2025-03-24", true},
		{"openrail++", "openrail++", true},
		{"openrail", "openrail", true},
		{"apple-ascl", "AML", true},
		{"openmdw-1.0", "OpenMDW-1.0", true},
		{"other", "", false},
		{"unknown", "", false},
		{"tongyi-qianwen", "", false}, // a license_name, not a Hub id
		{"", "", false},
	} {
		got, ok := NormalizeHF(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("NormalizeHF(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
	ids := HFLicenseIDs()
	if len(ids) < 83 {
		t.Errorf("HFLicenseIDs: %d ids, want the Hub's full list", len(ids))
	}
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] || id != strings.ToLower(id) {
			t.Errorf("HFLicenseIDs: %q duplicated or not lower case", id)
		}
		seen[id] = true
	}
}

func TestFromID(t *testing.T) {
	for _, tc := range []struct {
		in       string
		id       string
		cat      Category
		osi      bool
		spdx     string
		hf       string
		catalog  bool
		wantTerm terms.Kind
	}{
		{"llama3.1", "llama3.1", CustomRestricted, false, "LicenseRef-carveout-llama3.1", "llama3.1", true, terms.UserThreshold},
		{"LLAMA3.2-AUP", "llama3.2-aup", UsagePolicy, false, "LicenseRef-carveout-llama3.2-aup", "", true, terms.TerritoryExclusion},
		{"gemma", "gemma-2025-03-24", CustomRestricted, false, "LicenseRef-carveout-gemma-2025-03-24", "gemma", true, terms.PassThrough},
		{"gemma-terms-of-use", "gemma-2025-03-24", CustomRestricted, false, "LicenseRef-carveout-gemma-2025-03-24", "gemma", true, terms.IncorporatedPolicy},
		{"tongyi-qianwen", "tongyi-qianwen", CustomRestricted, false, "LicenseRef-carveout-tongyi-qianwen", "", true, terms.UserThreshold},
		{"stabilityai-ai-community", "stability-ai-community", CustomRestricted, false, "LicenseRef-carveout-stability-ai-community", "", true, terms.RevenueThreshold},
		{"apache-2.0", "Apache-2.0", Permissive, true, "Apache-2.0", "apache-2.0", true, ""},
		{"MIT", "MIT", Permissive, true, "MIT", "mit", true, ""},
		{"cc-by-nc-4.0", "CC-BY-NC-4.0", NonCommercial, false, "CC-BY-NC-4.0", "cc-by-nc-4.0", true, terms.NonCommercial},
		{"gpl-3.0", "GPL-3.0-only", Copyleft, true, "GPL-3.0-only", "gpl-3.0", true, ""},
		{"apple-ascl", "AML", OpenNonOSI, false, "AML", "apple-ascl", true, ""},
		{"openmdw-1.0", "OpenMDW-1.0", OpenNonOSI, false, "OpenMDW-1.0", "openmdw-1.0", true, ""},
		// SPDX licenses outside the catalog.
		{"bsd-3-clause", "BSD-3-Clause", Permissive, true, "BSD-3-Clause", "bsd-3-clause", false, ""},
		{"mpl-2.0", "MPL-2.0", Copyleft, true, "MPL-2.0", "mpl-2.0", false, ""},
		{"cc-by-sa-4.0", "CC-BY-SA-4.0", OpenNonOSI, false, "CC-BY-SA-4.0", "cc-by-sa-4.0", false, ""},
		{"CC-BY-NC-ND-4.0", "CC-BY-NC-ND-4.0", NonCommercial, false, "CC-BY-NC-ND-4.0", "cc-by-nc-nd-4.0", false, ""},
		{"0bsd", "0BSD", Permissive, true, "0BSD", "", false, ""},
		{"GPL-3.0", "GPL-3.0-only", Copyleft, true, "GPL-3.0-only", "gpl-3.0", true, ""},
		{"c-uda", "C-UDA-1.0", CustomRestricted, false, "C-UDA-1.0", "c-uda", false, ""},
		{"gpl", "gpl", Copyleft, true, "LicenseRef-carveout-gpl", "gpl", true, ""},
		{"health-ai-developer-foundations", "health-ai-developer-foundations", CustomRestricted, false, "LicenseRef-carveout-health-ai-developer-foundations", "", true, ""},
	} {
		got, ok := FromID(tc.in)
		if !ok {
			t.Errorf("FromID(%q): not found", tc.in)
			continue
		}
		if got.ID != tc.id || got.Category != tc.cat || got.OSI != tc.osi || got.SPDXID != tc.spdx || got.HFID != tc.hf {
			t.Errorf("FromID(%q) = {ID %q, Category %s, OSI %v, SPDXID %q, HFID %q}; want {%q, %s, %v, %q, %q}",
				tc.in, got.ID, got.Category, got.OSI, got.SPDXID, got.HFID, tc.id, tc.cat, tc.osi, tc.spdx, tc.hf)
		}
		if got.Kind != MatchDeclared || got.Confidence != 1 || got.Name == "" {
			t.Errorf("FromID(%q): kind %q confidence %v name %q", tc.in, got.Kind, got.Confidence, got.Name)
		}
		if (got.License != nil) != tc.catalog {
			t.Errorf("FromID(%q): catalog entry present = %v, want %v", tc.in, got.License != nil, tc.catalog)
		}
		if tc.wantTerm != "" && !catHasKind(got.Terms, tc.wantTerm) {
			t.Errorf("FromID(%q): no %s term", tc.in, tc.wantTerm)
		}
		for _, tm := range got.Terms {
			if tm.Origin != "catalog" || len(tm.Evidence) != 0 {
				t.Errorf("FromID(%q): term %s has origin %q and %d evidence ranges", tc.in, tm.Kind, tm.Origin, len(tm.Evidence))
			}
		}
	}
	// Copies, not the catalog's own slices.
	a, _ := FromID("llama3.2-aup")
	for i := range a.Terms {
		if a.Terms[i].Kind == terms.TerritoryExclusion {
			a.Terms[i].Regions[0] = "XX"
		}
	}
	b, _ := FromID("llama3.2-aup")
	for _, tm := range b.Terms {
		if tm.Kind == terms.TerritoryExclusion && tm.Regions[0] != "EU" {
			t.Error("FromID returns terms sharing the catalog's slices")
		}
	}
	for _, in := range []string{"other", "unknown", "", "no-such-license", "LicenseRef-foo"} {
		if got, ok := FromID(in); ok {
			t.Errorf("FromID(%q) = %+v, want not found", in, got)
		}
	}
}

func TestSPDX(t *testing.T) {
	for _, tc := range []struct {
		in, id, name string
		osi, dep, ok bool
	}{
		{"Apache-2.0", "Apache-2.0", "Apache License 2.0", true, false, true},
		{"apache-2.0", "Apache-2.0", "Apache License 2.0", true, false, true},
		{"gpl-3.0", "GPL-3.0", "GNU General Public License v3.0 only", true, true, true},
		{"CC-BY-4.0", "CC-BY-4.0", "Creative Commons Attribution 4.0 International", false, false, true},
		{"openmdw-1.0", "OpenMDW-1.0", "OpenMDW License Agreement v1.0", false, false, true},
		{"AML", "AML", "Apple MIT License", false, false, true},
		{"llama2", "", "", false, false, false},
	} {
		e, ok := SPDXLicense(tc.in)
		if ok != tc.ok || e.ID != tc.id || e.Name != tc.name || e.OSI != tc.osi || e.Deprecated != tc.dep {
			t.Errorf("SPDXLicense(%q) = %+v, %v; want {%q %q %v %v}, %v", tc.in, e, ok, tc.id, tc.name, tc.osi, tc.dep, tc.ok)
		}
		name, osi, ok := SPDX(tc.in)
		if name != tc.name || osi != tc.osi || ok != tc.ok {
			t.Errorf("SPDX(%q) = %q, %v, %v", tc.in, name, osi, ok)
		}
	}
	if SPDXListVersion() == "" || len(SPDXIDs()) < 500 {
		t.Errorf("SPDX table: version %q, %d ids", SPDXListVersion(), len(SPDXIDs()))
	}
}

func TestClassifySPDX(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want Category
	}{
		{"MIT", Permissive},
		{"Apache-2.0", Permissive},
		{"BSD-3-Clause", Permissive},
		{"ISC", Permissive},
		{"Unlicense", Permissive},
		{"GPL-2.0-only", Copyleft},
		{"GPL-3.0-or-later", Copyleft},
		{"LGPL-2.1-only", Copyleft},
		{"AGPL-3.0-only", Copyleft},
		{"MPL-2.0", Copyleft},
		{"EPL-2.0", Copyleft},
		{"EUPL-1.2", Copyleft},
		{"CDDL-1.0", Copyleft},
		{"OSL-3.0", Copyleft},
		{"CC-BY-4.0", OpenNonOSI},
		{"CC-BY-SA-4.0", OpenNonOSI},
		{"CC0-1.0", OpenNonOSI},
		{"ODbL-1.0", OpenNonOSI},
		{"CDLA-Permissive-2.0", OpenNonOSI},
		{"OpenMDW-1.0", OpenNonOSI},
		{"CC-BY-NC-4.0", NonCommercial},
		{"CC-BY-NC-SA-3.0", NonCommercial},
		{"CC-BY-NC-ND-4.0", NonCommercial},
		{"CC-BY-ND-4.0", CustomRestricted},
		{"llama3.1", CustomRestricted}, // catalog entries override
		{"C-UDA-1.0", CustomRestricted},
		{"GPL-1.0-only", Copyleft},
		{"LGPLLR", OpenNonOSI},
		{"no-such-id", Unknown},
		{"Elastic-2.0", Unknown},
	} {
		if got := ClassifySPDX(tc.id); got != tc.want {
			t.Errorf("ClassifySPDX(%q) = %s, want %s", tc.id, got, tc.want)
		}
	}
}
