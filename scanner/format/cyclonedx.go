package format

import (
	"cmp"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"strings"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/package-url/packageurl-go"
)

// CycloneDX writes one CycloneDX 1.6 JSON BOM for all targets: each model a
// machine-learning-model component (purl pkg:huggingface/ORG/NAME@SHA for a
// Hub model), its licenses split into declared (the card) and concluded
// (the texts, headers and references read), the licensor from the
// catalog, the base-model chain as pedigree ancestors, terms, verdicts and
// findings as carveout:* properties, the license lines as evidence, and
// the model card's task.
type CycloneDX struct{}

// Encode implements Encoder.
func (CycloneDX) Encode(w io.Writer, rs []*Report, o Options) error {
	bom := cdx.NewBOM()
	bom.SerialNumber = serialNumber(rs)
	tool := cdx.Component{Type: cdx.ComponentTypeApplication, Name: "carveout", Version: o.toolVersion(),
		ExternalReferences: &[]cdx.ExternalReference{{Type: cdx.ERTypeWebsite, URL: "https://github.com/carveout/carveout"}}}
	bom.Metadata = &cdx.Metadata{
		Timestamp:  o.timestamp(),
		Tools:      &cdx.ToolsChoice{Components: &[]cdx.Component{tool}},
		Properties: &[]cdx.Property{{Name: "carveout:schema", Value: r0Schema(rs)}, {Name: "carveout:catalog", Value: o.catalog()}},
	}
	comps := []cdx.Component{}
	for i, r := range rs {
		comps = append(comps, cdxModel(r, i))
	}
	bom.Components = &comps
	enc := cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true)
	enc.SetEscapeHTML(false)
	return enc.EncodeVersion(bom, cdx.SpecVersion1_6)
}

// serialNumber is a UUID URN derived from the reports, so the same scan
// gives the same BOM and a different one another.
func serialNumber(rs []*Report) string {
	h := sha256.New()
	for _, r := range rs {
		json.NewEncoder(h).Encode(r)
	}
	b := h.Sum(nil)[:16]
	b[6] = b[6]&0x0f | 0x50 // version 5 (name-based, SHA)
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// modelName is the model's name: its id on the service, else the card's
// model_name, else the target's last path element.
func modelName(r *Report) string {
	switch {
	case r.Source.ID != "":
		return r.Source.ID
	case r.Declared.ModelName != "":
		return r.Declared.ModelName
	}
	return path.Base(strings.TrimRight(strings.ReplaceAll(r.Target, "\\", "/"), "/"))
}

// purl is the package URL of a model on the Hub or GitHub ("" elsewhere).
func purl(kind, id, revision string) string {
	org, name, ok := strings.Cut(id, "/")
	if !ok || org == "" || name == "" || strings.Contains(name, "/") {
		return ""
	}
	typ := ""
	switch kind {
	case "hf", "hf-cache":
		typ = "huggingface"
	case "github":
		typ = packageurl.TypeGithub
	default:
		return ""
	}
	return packageurl.NewPackageURL(typ, org, name, strings.ToLower(revision), nil, "").ToString()
}

// cdxLicense is one license choice.
func cdxLicense(s sbomLicense, ack cdx.LicenseAcknowledgement, props ...cdx.Property) cdx.LicenseChoice {
	l := &cdx.License{Acknowledgement: ack, URL: s.URL}
	if s.SPDX != "" {
		l.ID = s.SPDX
	} else {
		l.Name = s.Ref
	}
	if s.Licensor != "" {
		l.Licensing = &cdx.Licensing{Licensor: &cdx.OrganizationalEntityOrContact{Organization: &cdx.OrganizationalEntity{Name: s.Licensor}}}
	}
	props = append([]cdx.Property{{Name: "carveout:id", Value: s.ID}, {Name: "carveout:name", Value: s.Name}}, props...)
	l.Properties = &props
	return cdx.LicenseChoice{License: l}
}

func cdxModel(r *Report, i int) cdx.Component {
	c := cdx.Component{
		Type:       cdx.ComponentTypeMachineLearningModel,
		BOMRef:     fmt.Sprintf("model-%d:%s", i+1, modelName(r)),
		Name:       modelName(r),
		Version:    r.Source.Revision,
		PackageURL: purl(r.Source.Kind, r.Source.ID, r.Source.Revision),
	}
	if r.Source.URL != "" {
		c.ExternalReferences = &[]cdx.ExternalReference{{Type: cdx.ERTypeDistribution, URL: r.Source.URL}}
	}

	seq := 0
	byID := map[string]*License{}
	for j := range r.Licenses {
		byID[r.Licenses[j].ID] = &r.Licenses[j]
	}
	var lics cdx.Licenses
	var evLics cdx.Licenses
	var occ []cdx.EvidenceOccurrence
	for _, id := range r.Declared.Canonical {
		seq++
		var s sbomLicense
		if l := byID[id]; l != nil {
			s = sbomLicenseOf(l.ID, l.Name, l.URL, l.SPDXID, seq)
		} else {
			s = sbomLicenseOf(id, declaredName(r, id), "", "", seq)
		}
		lics = append(lics, cdxLicense(s, cdx.LicenseAcknowledgementDeclared, cdx.Property{Name: "carveout:declared-by", Value: cmp.Or(r.Declared.Path, "model card")}))
	}
	for _, l := range r.Licenses {
		if l.Match.Kind == "declared" {
			continue
		}
		seq++
		s := sbomLicenseOf(l.ID, l.Name, l.URL, l.SPDXID, seq)
		props := []cdx.Property{
			{Name: "carveout:category", Value: l.Category},
			{Name: "carveout:match", Value: l.Match.Kind},
			{Name: "carveout:confidence", Value: fmt.Sprintf("%.2f", l.Match.Confidence)},
		}
		if l.Match.Modified {
			props = append(props, cdx.Property{Name: "carveout:modified", Value: "true"})
		}
		if l.Closest != nil {
			props = append(props, cdx.Property{Name: "carveout:closest", Value: fmt.Sprintf("%s (%.2f similar; not this license)", l.Closest.ID, l.Closest.Similarity)})
		}
		lc := cdxLicense(s, cdx.LicenseAcknowledgementConcluded, props...)
		lics = append(lics, lc)
		evLics = append(evLics, cdx.LicenseChoice{License: &cdx.License{ID: lc.License.ID, Name: lc.License.Name}})
		for _, e := range l.Evidence {
			if !fileEvidence(e) {
				continue
			}
			o := cdx.EvidenceOccurrence{Location: e.Path, AdditionalContext: fmt.Sprintf("%s: %s (%s)", e.Source, l.ID, Place(e))}
			if e.StartLine > 0 {
				line := e.StartLine
				o.Line = &line
			}
			occ = append(occ, o)
		}
	}
	if len(lics) > 0 {
		c.Licenses = &lics
	}
	if len(evLics) > 0 || len(occ) > 0 {
		c.Evidence = &cdx.Evidence{}
		if len(evLics) > 0 {
			c.Evidence.Licenses = &evLics
		}
		if len(occ) > 0 {
			c.Evidence.Occurrences = &occ
		}
	}
	if r.Declared.PipelineTag != "" || len(r.Datasets) > 0 {
		c.ModelCard = &cdx.MLModelCard{ModelParameters: &cdx.MLModelParameters{Task: r.Declared.PipelineTag}}
	}
	if len(r.Datasets) > 0 {
		// The training data the card names, with the licenses the Hub
		// gives them (a dataset license is for the reviewer to weigh).
		var ds []cdx.MLDatasetChoice
		for _, d := range r.Datasets {
			props := []cdx.Property{{Name: "carveout:category", Value: d.Category}}
			for _, l := range d.Licenses {
				props = append(props, cdx.Property{Name: "carveout:license", Value: l})
			}
			if d.Note != "" {
				props = append(props, cdx.Property{Name: "carveout:note", Value: d.Note})
			}
			ds = append(ds, cdx.MLDatasetChoice{ComponentData: &cdx.ComponentData{Type: cdx.ComponentDataTypeDataset, Name: d.ID, Contents: &cdx.ComponentDataContents{Properties: &props}}})
		}
		c.ModelCard.ModelParameters.Datasets = &ds
	}

	// The base-model chain, nearest first.
	var anc []cdx.Component
	seen := map[string]bool{}
	for _, ln := range r.Lineage {
		if seen[ln.Base] {
			continue // a base reached twice (a merge of tunes of one base) is one ancestor
		}
		seen[ln.Base] = true
		a := cdx.Component{Type: cdx.ComponentTypeMachineLearningModel, BOMRef: c.BOMRef + ":base:" + ln.Base, Name: ln.Base,
			PackageURL: purl("hf", ln.Base, "")}
		var al cdx.Licenses
		for _, id := range ln.Licenses {
			seq++
			al = append(al, cdxLicense(sbomLicenseOf(id, "", "", "", seq), cdx.LicenseAcknowledgementDeclared))
		}
		if len(al) > 0 {
			a.Licenses = &al
		}
		props := []cdx.Property{
			{Name: "carveout:relation", Value: cmp.Or(ln.Relation, "base")},
			{Name: "carveout:depth", Value: fmt.Sprint(ln.Depth)},
			{Name: "carveout:resolved", Value: fmt.Sprint(ln.Resolved)},
			{Name: "carveout:lineage-source", Value: ln.Source},
			{Name: "carveout:derivative", Value: ln.Model},
		}
		if ln.Note != "" {
			props = append(props, cdx.Property{Name: "carveout:note", Value: ln.Note})
		}
		a.Properties = &props
		anc = append(anc, a)
	}
	if len(anc) > 0 {
		c.Pedigree = &cdx.Pedigree{Ancestors: &anc}
	}

	props := []cdx.Property{
		{Name: "carveout:target", Value: r.Target},
		{Name: "carveout:source", Value: r.Source.Kind},
		{Name: "carveout:status", Value: r.Summary.Status},
		{Name: "carveout:fail-on", Value: r.Summary.FailOn},
	}
	if r.Summary.Unknown {
		props = append(props, cdx.Property{Name: "carveout:unknown-license", Value: "true"})
	}
	for _, l := range r.Licenses {
		for _, t := range l.Terms {
			props = append(props, cdx.Property{Name: "carveout:term:" + l.ID + ":" + t.Kind, Value: t.Description})
			if t.Verdict != "" {
				props = append(props, cdx.Property{Name: "carveout:verdict:" + l.ID + ":" + t.Kind, Value: t.Verdict + ": " + t.Reason})
			}
		}
	}
	for _, ob := range r.Obligations {
		props = append(props, cdx.Property{Name: "carveout:obligation:" + ob.License + ":" + ob.Kind, Value: ob.Action})
	}
	for _, f := range r.Findings {
		props = append(props, cdx.Property{Name: "carveout:finding:" + f.Rule, Value: string(f.Severity) + ": " + f.Message})
	}
	for _, v := range r.Violations {
		state := "fail"
		if v.Waived {
			state = "waived: " + v.WaiverReason
		}
		props = append(props, cdx.Property{Name: "carveout:violation:" + v.Rule, Value: state + ": " + v.Message})
	}
	c.Properties = &props
	return c
}
