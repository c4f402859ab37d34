package format

import (
	"bytes"
	"testing"
)

func TestSARIFGolden(t *testing.T) {
	rs := caseReports(t)
	for _, c := range encCases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := (SARIF{}).Encode(&buf, []*Report{rs[c.name]}, testOptions); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, c.name+".sarif", buf.Bytes())
			validateOfficial(t, "sarif-schema-2.1.0.json", buf.Bytes())
		})
	}
}
