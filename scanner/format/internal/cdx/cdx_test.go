package cdx

import (
	"bytes"
	"strings"
	"testing"
)

// TestEncode: the BOM frame, no empty component list, and HTML escaping
// only inside licenses, tools and datasets, as cyclonedx-go wrote them.
func TestEncode(t *testing.T) {
	bom := NewBOM()
	bom.Components = &[]Component{}
	var b bytes.Buffer
	if err := Encode(&b, bom); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"$schema\": \"http://cyclonedx.org/schema/bom-1.6.schema.json\",\n  \"bomFormat\": \"CycloneDX\",\n  \"specVersion\": \"1.6\",\n  \"version\": 1\n}\n"
	if b.String() != want {
		t.Errorf("empty BOM:\n%s\nwant:\n%s", b.String(), want)
	}

	props := []Property{{Name: "n", Value: "a&b"}}
	ds := []MLDatasetChoice{{ComponentData: &ComponentData{Type: ComponentDataTypeDataset, Name: "d<1>"}}}
	bom.Components = &[]Component{{
		Type: ComponentTypeMachineLearningModel, Name: "m<&>",
		Licenses:   &Licenses{{License: &License{Name: "x<&>", Acknowledgement: LicenseAcknowledgementDeclared}}},
		Properties: &props,
		ModelCard:  &MLModelCard{ModelParameters: &MLModelParameters{Datasets: &ds}},
	}}
	b.Reset()
	if err := Encode(&b, bom); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{`"name": "m<&>"`, `"value": "a&b"`, `"name": "x\u003c\u0026\u003e"`, `"name": "d\u003c1\u003e"`} {
		if !strings.Contains(b.String(), s) {
			t.Errorf("no %s in\n%s", s, b.String())
		}
	}

	(*bom.Components)[0].Licenses = &Licenses{{License: &License{ID: "MIT", Name: "MIT"}}}
	if err := Encode(&b, bom); err == nil || !strings.Contains(err.Error(), "either id or name") {
		t.Errorf("a license with an id and a name: %v", err)
	}
}
