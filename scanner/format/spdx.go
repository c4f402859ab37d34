package format

import (
	"cmp"
	"fmt"
	"io"
	"sort"
	"strings"

	spdxjson "github.com/spdx/tools-golang/json"
	"github.com/spdx/tools-golang/spdx/v2/common"
	spdx "github.com/spdx/tools-golang/spdx/v2/v2_3"
)

// SPDX writes one SPDX 2.3 JSON document for all targets: a package per
// model with its declared (the card) and concluded (the texts read)
// license expressions, a LicenseRef- entry per license that is not on the
// SPDX list (LicenseRef-scancode-<key> where ScanCode has a key), a purl
// external reference, and DESCENDANT_OF relationships to the base models.
type SPDX struct{}

// noAssertion is SPDX's "nothing is claimed".
const noAssertion = "NOASSERTION"

// Encode implements Encoder.
func (SPDX) Encode(w io.Writer, rs []*Report, o Options) error {
	var names []string
	for _, r := range rs {
		names = append(names, modelName(r))
	}
	serial := strings.TrimPrefix(serialNumber(rs), "urn:uuid:")
	doc := &spdx.Document{
		SPDXVersion:       spdx.Version,
		DataLicense:       spdx.DataLicense,
		SPDXIdentifier:    "DOCUMENT",
		DocumentName:      "carveout " + strings.Join(names, ", "),
		DocumentNamespace: "https://github.com/carveout/carveout/spdx/" + serial,
		CreationInfo: &spdx.CreationInfo{
			Creators: []common.Creator{{CreatorType: "Tool", Creator: "carveout-" + o.toolVersion()}},
			Created:  o.timestamp(),
		},
	}
	doc.DocumentComment = "license catalog " + o.catalog() + "; report schema " + r0Schema(rs)
	if doc.CreationInfo.Created == "" {
		// SPDX requires a creation time; without --timestamp the output
		// stays deterministic and says so.
		doc.CreationInfo.Created = "1970-01-01T00:00:00Z"
		doc.CreationInfo.CreatorComment = "created is a placeholder: carveout writes the scan time only with --timestamp"
	}
	refs := map[string]*spdx.OtherLicense{}
	for i, r := range rs {
		spdxModel(doc, refs, r, i)
	}
	ids := make([]string, 0, len(refs))
	for id := range refs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		doc.OtherLicenses = append(doc.OtherLicenses, refs[id])
	}
	return spdxjson.Write(doc, w, spdxjson.Indent("  "), spdxjson.EscapeHTML(false))
}

// expression joins licenses with AND (every one applies), recording the
// LicenseRef- ones; NOASSERTION when there are none.
func expression(ls []sbomLicense, refs map[string]*spdx.OtherLicense, where string) string {
	var ids []string
	seen := map[string]bool{}
	for _, l := range ls {
		id := l.Expr()
		if seen[id] {
			continue
		}
		seen[id] = true
		ids = append(ids, id)
		if l.Ref == "" || refs[l.Ref] != nil {
			continue
		}
		ol := &spdx.OtherLicense{LicenseIdentifier: l.Ref, LicenseName: l.Name}
		if l.ID == "unknown" || l.ID == "" {
			ol.ExtractedText = fmt.Sprintf("A license text carveout did not identify (%s); it is not copied here. Read it in the scanned repository.", cmp.Or(where, "see the report"))
			ol.LicenseComment = "carveout id: unknown (never assumed to be any known license)"
			if l.Closest != "" {
				ol.LicenseComment += "; closest known license: " + l.Closest + ", which it is not"
			}
		} else {
			ol.ExtractedText = fmt.Sprintf("%s. The text is not copied here: carveout identified it as %q (carveout explain %s).", l.Name, l.ID, l.ID)
			ol.LicenseComment = "carveout id: " + l.ID
			if l.ScanCode != "" {
				ol.LicenseComment += "; ScanCode key: " + l.ScanCode
			}
			if l.Licensor != "" {
				ol.LicenseComment += "; licensor: " + l.Licensor
			}
		}
		if l.URL != "" {
			ol.LicenseCrossReferences = []string{l.URL}
		}
		refs[l.Ref] = ol
	}
	if len(ids) == 0 {
		return noAssertion
	}
	return strings.Join(ids, " AND ")
}

func spdxModel(doc *spdx.Document, refs map[string]*spdx.OtherLicense, r *Report, i int) {
	id := common.ElementID(fmt.Sprintf("Package-%d-%s", i+1, idstring(modelName(r))))
	p := &spdx.Package{
		PackageName:               modelName(r),
		PackageSPDXIdentifier:     id,
		PackageVersion:            r.Source.Revision,
		PackageDownloadLocation:   cmp.Or(r.Source.URL, noAssertion),
		FilesAnalyzed:             false,
		IsFilesAnalyzedTagPresent: true,
		PackageCopyrightText:      noAssertion,
		PrimaryPackagePurpose:     "OTHER",
	}
	seq := 0
	byID := map[string]*License{}
	for j := range r.Licenses {
		byID[r.Licenses[j].ID] = &r.Licenses[j]
	}
	var declared, concluded []sbomLicense
	var carveoutIDs []string
	for _, cid := range r.Declared.Canonical {
		seq++
		if l := byID[cid]; l != nil {
			declared = append(declared, sbomLicenseOf(l.ID, l.Name, l.URL, l.SPDXID, seq))
		} else {
			declared = append(declared, sbomLicenseOf(cid, declaredName(r, cid), "", "", seq))
		}
	}
	where := ""
	for _, l := range r.Licenses {
		if l.Match.Kind == "declared" {
			continue
		}
		seq++
		s := sbomLicenseOf(l.ID, l.Name, l.URL, l.SPDXID, seq)
		if l.Closest != nil {
			s.Closest = fmt.Sprintf("%s (%.2f similar)", l.Closest.ID, l.Closest.Similarity)
		}
		concluded = append(concluded, s)
		carveoutIDs = append(carveoutIDs, l.ID)
		if len(l.Evidence) > 0 && l.ID == "unknown" {
			where = Place(l.Evidence[0])
		}
	}
	p.PackageLicenseDeclared = expression(declared, refs, r.Declared.Path)
	p.PackageLicenseConcluded = expression(concluded, refs, where)
	p.PackageLicenseComments = "declared: the model card's license field; concluded: the licenses carveout identified in the license texts, weight headers and references (carveout ids: " + cmp.Or(strings.Join(carveoutIDs, ", "), "none") + ")"
	var comment []string
	comment = append(comment, "carveout status: "+r.Summary.Status+" (fail-on "+r.Summary.FailOn+")", "target: "+r.Target)
	for _, l := range r.Licenses {
		for _, t := range l.Terms {
			c := l.ID + " " + t.Kind + ": " + t.Description
			if t.Verdict != "" {
				c += " — " + t.Verdict
			}
			comment = append(comment, c)
		}
	}
	p.PackageComment = strings.Join(comment, "\n")
	if u := purl(r.Source.Kind, r.Source.ID, r.Source.Revision); u != "" {
		p.PackageExternalReferences = []*spdx.PackageExternalReference{{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: u}}
	}
	doc.Packages = append(doc.Packages, p)
	doc.Relationships = append(doc.Relationships, &spdx.Relationship{
		RefA: common.MakeDocElementID("", "DOCUMENT"), RefB: common.MakeDocElementID("", string(id)), Relationship: "DESCRIBES"})

	// Base models: a package each, the derivative DESCENDANT_OF its base.
	pkgOf := map[string]common.ElementID{r.Target: id, modelName(r): id}
	for _, ln := range r.Lineage {
		bid := common.ElementID(fmt.Sprintf("%s-base-%s", id, idstring(ln.Base)))
		if _, ok := pkgOf[ln.Base]; !ok {
			var ls []sbomLicense
			for _, lid := range ln.Licenses {
				seq++
				ls = append(ls, sbomLicenseOf(lid, "", "", "", seq))
			}
			bp := &spdx.Package{
				PackageName: ln.Base, PackageSPDXIdentifier: bid, PackageDownloadLocation: noAssertion,
				IsFilesAnalyzedTagPresent: true, PackageCopyrightText: noAssertion,
				PackageLicenseDeclared: expression(ls, refs, ""), PackageLicenseConcluded: noAssertion,
				PackageComment: fmt.Sprintf("base model (%s, depth %d) read from %s; license resolved: %v", cmp.Or(ln.Relation, "base"), ln.Depth, ln.Source, ln.Resolved),
			}
			if !ln.Resolved {
				bp.PackageLicenseDeclared = noAssertion
			}
			if u := purl("hf", ln.Base, ""); u != "" {
				bp.PackageExternalReferences = []*spdx.PackageExternalReference{{Category: "PACKAGE-MANAGER", RefType: "purl", Locator: u}}
			}
			doc.Packages = append(doc.Packages, bp)
			pkgOf[ln.Base] = bid
		}
		from, ok := pkgOf[ln.Model]
		if !ok {
			from = id
		}
		doc.Relationships = append(doc.Relationships, &spdx.Relationship{
			RefA: common.MakeDocElementID("", string(from)), RefB: common.MakeDocElementID("", string(pkgOf[ln.Base])), Relationship: "DESCENDANT_OF",
			RelationshipComment: cmp.Or(ln.Relation, "base")})
	}
}
