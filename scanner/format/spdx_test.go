package format

import (
	"bytes"
	"strings"
	"testing"

	spdxjson "github.com/spdx/tools-golang/json"
	spdx "github.com/spdx/tools-golang/spdx/v2/v2_3"
)

func TestSPDXGolden(t *testing.T) {
	rs := caseReports(t)
	for _, c := range encCases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := (SPDX{}).Encode(&buf, []*Report{rs[c.name]}, testOptions); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.name+".spdx.json", buf.Bytes())
			validateOfficial(t, "spdx-schema-2.3.json", buf.Bytes())
		})
	}
}

// TestSPDXContents reads the document back with tools-golang.
func TestSPDXContents(t *testing.T) {
	rs := caseReports(t)
	var buf bytes.Buffer
	if err := (SPDX{}).Encode(&buf, []*Report{rs["bigco-waived"], rs["custom-strict"]}, testOptions); err != nil {
		t.Fatal(err)
	}
	validateOfficial(t, "spdx-schema-2.3.json", buf.Bytes())
	var doc spdx.Document
	if err := spdxjson.ReadInto(bytes.NewReader(buf.Bytes()), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Packages) != 3 { // two models and the Llama base model
		t.Fatalf("%d packages", len(doc.Packages))
	}
	m := doc.Packages[0]
	if m.PackageLicenseDeclared != "Apache-2.0" {
		t.Errorf("declared %q", m.PackageLicenseDeclared)
	}
	if !strings.Contains(m.PackageLicenseConcluded, "LicenseRef-scancode-llama-3.1-license-2024") || !strings.Contains(m.PackageLicenseConcluded, "LicenseRef-carveout-llama3.1-aup") {
		t.Errorf("concluded %q", m.PackageLicenseConcluded)
	}
	if len(m.PackageExternalReferences) != 1 || m.PackageExternalReferences[0].Locator != "pkg:huggingface/acme/superchat-8b@"+strings.Repeat("ab12", 10) {
		t.Errorf("external refs %+v", m.PackageExternalReferences)
	}
	// Every LicenseRef used is defined, once.
	defined := map[string]int{}
	for _, ol := range doc.OtherLicenses {
		defined[ol.LicenseIdentifier]++
		if ol.ExtractedText == "" {
			t.Errorf("%s has no extracted text", ol.LicenseIdentifier)
		}
	}
	for _, p := range doc.Packages {
		for _, e := range []string{p.PackageLicenseDeclared, p.PackageLicenseConcluded} {
			for _, id := range strings.Split(e, " AND ") {
				if strings.HasPrefix(id, "LicenseRef-") && defined[id] != 1 {
					t.Errorf("%s used by %s, defined %d times", id, p.PackageName, defined[id])
				}
			}
		}
	}
	// The unknown license of custom-license is its own LicenseRef, never
	// a known id.
	c := doc.Packages[2]
	if !strings.HasPrefix(c.PackageLicenseConcluded, "LicenseRef-carveout-unknown-") {
		t.Errorf("unknown concluded as %q", c.PackageLicenseConcluded)
	}
	rel := map[string]int{}
	for _, r := range doc.Relationships {
		rel[r.Relationship]++
	}
	if rel["DESCRIBES"] != 2 || rel["DESCENDANT_OF"] != 1 {
		t.Errorf("relationships %v", rel)
	}
}
