package format

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/carveout/carveout/scanner/report"
)

func TestCycloneDXGolden(t *testing.T) {
	rs := caseReports(t)
	for _, c := range encCases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := (CycloneDX{}).Encode(&buf, []*Report{rs[c.name]}, testOptions); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.name+".cdx.json", buf.Bytes())
			validateOfficial(t, "bom-1.6.schema.json", buf.Bytes())
		})
	}
}

// TestCycloneDXContents reads the BOM back: one component per target, a
// purl for the Hub model, declared vs concluded, ScanCode ids, ancestors.
func TestCycloneDXContents(t *testing.T) {
	rs := caseReports(t)
	var buf bytes.Buffer
	if err := (CycloneDX{}).Encode(&buf, []*Report{rs["bigco-waived"], rs["apache"], rs["no-license"]}, testOptions); err != nil {
		t.Fatal(err)
	}
	validateOfficial(t, "bom-1.6.schema.json", buf.Bytes())
	var bom struct {
		SpecVersion string `json:"specVersion"`
		Metadata    struct {
			Timestamp string `json:"timestamp"`
		} `json:"metadata"`
		Components []struct {
			Type     string `json:"type"`
			Name     string `json:"name"`
			Purl     string `json:"purl"`
			Licenses []struct {
				License struct {
					ID, Name, Acknowledgement string
					Licensing                 *struct {
						Licensor struct{ Organization struct{ Name string } }
					}
				}
			}
			Pedigree struct {
				Ancestors []struct{ Name string }
			}
			Properties []struct{ Name, Value string }
		} `json:"components"`
	}
	if err := json.Unmarshal(buf.Bytes(), &bom); err != nil {
		t.Fatal(err)
	}
	if bom.SpecVersion != "1.6" || bom.Metadata.Timestamp != "" || len(bom.Components) != 3 {
		t.Fatalf("spec %s, timestamp %q, %d components", bom.SpecVersion, bom.Metadata.Timestamp, len(bom.Components))
	}
	m := bom.Components[0]
	if m.Type != "machine-learning-model" || m.Purl != "pkg:huggingface/acme/superchat-8b@"+strings.Repeat("ab12", 10) {
		t.Errorf("model %s purl %q", m.Type, m.Purl)
	}
	got := map[string]string{}
	licensor := ""
	for _, l := range m.Licenses {
		got[l.License.ID+l.License.Name] = l.License.Acknowledgement
		if l.License.Name == "LicenseRef-scancode-llama-3.1-license-2024" && l.License.Licensing != nil {
			licensor = l.License.Licensing.Licensor.Organization.Name
		}
	}
	want := map[string]string{"Apache-2.0": "concluded", "LicenseRef-scancode-llama-3.1-license-2024": "concluded", "LicenseRef-carveout-llama3.1-aup": "concluded"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("license %s: %q, want %q (all: %v)", k, got[k], v, got)
		}
	}
	if licensor != "Meta Platforms, Inc." {
		t.Errorf("licensor %q", licensor)
	}
	if len(m.Pedigree.Ancestors) != 1 || m.Pedigree.Ancestors[0].Name != "meta-llama/Llama-3.1-8B-Instruct" {
		t.Errorf("ancestors %+v", m.Pedigree.Ancestors)
	}
	props := map[string]bool{}
	for _, p := range m.Properties {
		props[p.Name] = true
	}
	for _, p := range []string{"carveout:status", "carveout:term:llama3.1:user-threshold", "carveout:verdict:llama3.1:user-threshold", "carveout:violation:applies:user-threshold"} {
		if !props[p] {
			t.Errorf("no property %s", p)
		}
	}
	if bom.Components[2].Licenses != nil && len(bom.Components[2].Licenses) > 0 {
		t.Errorf("no-license model has licenses %+v", bom.Components[2].Licenses)
	}
}

func TestSerialNumberFollowsContent(t *testing.T) {
	rs := caseReports(t)
	a, b := serialNumber([]*Report{rs["apache"]}), serialNumber([]*Report{rs["no-license"]})
	if a == b || a != serialNumber([]*Report{rs["apache"]}) || !strings.HasPrefix(a, "urn:uuid:") || len(a) != len("urn:uuid:")+36 {
		t.Errorf("serial numbers %s, %s", a, b)
	}
}

// TestCycloneDXUniqueRefs: a base model reached twice is one ancestor, so
// every bom-ref of the BOM is unique.
func TestCycloneDXUniqueRefs(t *testing.T) {
	r := caseReports(t)["mislabelled"]
	x := *r
	x.Lineage = append(append([]report.Link{}, r.Lineage...), r.Lineage...)
	var buf bytes.Buffer
	if err := (CycloneDX{}).Encode(&buf, []*Report{&x, r}, testOptions); err != nil {
		t.Fatal(err)
	}
	refs := regexp.MustCompile(`"bom-ref": "([^"]*)"`).FindAllStringSubmatch(buf.String(), -1)
	seen := map[string]bool{}
	for _, m := range refs {
		if seen[m[1]] {
			t.Errorf("bom-ref %s twice", m[1])
		}
		seen[m[1]] = true
	}
	if len(refs) < 4 {
		t.Errorf("%d bom-refs", len(refs))
	}
}

// The card's training data is the model card's datasets, with their
// licenses as properties; the document still validates.
func TestCycloneDXDatasets(t *testing.T) {
	x := *caseReports(t)["mislabelled"]
	x.Datasets = []report.Dataset{{ID: "acme/chat-logs", Licenses: []string{"cc-by-nc-4.0"}, Category: "non-commercial", Source: "hub-api"}, {ID: "acme/gone", Licenses: []string{}, Category: "unknown", Note: "not found"}}
	var buf bytes.Buffer
	if err := (CycloneDX{}).Encode(&buf, []*Report{&x}, testOptions); err != nil {
		t.Fatal(err)
	}
	validateOfficial(t, "bom-1.6.schema.json", buf.Bytes())
	for _, want := range []string{`"type": "dataset"`, `"name": "acme/chat-logs"`, `"value": "cc-by-nc-4.0"`, `"value": "not found"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("CycloneDX lacks %s", want)
		}
	}
}
