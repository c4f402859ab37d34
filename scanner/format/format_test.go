package format

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/carveout/carveout/internal/golden"
	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner"
	"github.com/carveout/carveout/scanner/report"
	"github.com/carveout/carveout/scanner/report/schema"
	"github.com/carveout/carveout/scanner/source"
)

func scanReport(t *testing.T, name string) *report.Report {
	t.Helper()
	src, err := source.NewDir("../../testdata/models/" + name)
	if err != nil {
		t.Fatal(err)
	}
	r, err := scanner.Scan(context.Background(), src, scanner.Options{Lineage: scanner.TableResolver{}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTableGolden(t *testing.T) {
	for _, name := range []string{"llama-finetune-mislabelled", "custom-license", "no-license"} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := (Table{}).Encode(&buf, []*report.Report{scanReport(t, name)}, Options{}); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", name+".txt"), buf.Bytes())
			if strings.Contains(buf.String(), "\x1b[") {
				t.Error("colors without Options.Color")
			}
		})
	}
}

func TestColor(t *testing.T) {
	var buf bytes.Buffer
	(Table{}).Encode(&buf, []*report.Report{scanReport(t, "no-license")}, Options{Color: true})
	if !strings.Contains(buf.String(), "\x1b[31m") {
		t.Error("no color with Options.Color")
	}
}

func TestJSONAndLines(t *testing.T) {
	r := scanReport(t, "apache-model")
	var a, b bytes.Buffer
	(JSON{}).Encode(&a, []*report.Report{r}, Options{})
	(JSONLines{}).Encode(&b, []*report.Report{r}, Options{})
	schema.ValidateReport(t, a.Bytes())
	schema.ValidateReport(t, b.Bytes())
	if strings.Count(strings.TrimSpace(b.String()), "\n") != 0 {
		t.Error("JSON Lines output spans lines")
	}
	var x, y map[string]any
	if err := json.Unmarshal(a.Bytes(), &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b.Bytes(), &y); err != nil {
		t.Fatal(err)
	}
	if x["schema"] != scanner.Schema || y["schema"] != scanner.Schema {
		t.Errorf("schema %v / %v", x["schema"], y["schema"])
	}
	for _, k := range []string{"target", "licenses", "declared", "findings", "summary", "files", "lineage"} {
		if _, ok := x[k]; !ok {
			t.Errorf("report lacks %q", k)
		}
	}
}

func TestLookup(t *testing.T) {
	for _, n := range Names() {
		if _, err := Lookup(n); err != nil {
			t.Error(err)
		}
	}
	if _, err := Lookup("xml"); err == nil || !strings.Contains(err.Error(), "table") {
		t.Errorf("Lookup(xml) = %v", err)
	}
}

func TestThousandsAndDescribe(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 700000000: "700,000,000", -1234567: "-1,234,567"} {
		if got := Thousands(in); got != want {
			t.Errorf("Thousands(%d) = %s, want %s", in, got, want)
		}
	}
	d := terms.Describe(terms.Term{Kind: terms.RevenueThreshold, Value: 1000000, Currency: "USD", Period: "annual"})
	if d != "revenue > 1,000,000 USD; annual" {
		t.Errorf("Describe = %q", d)
	}
	if got := Place(report.Evidence{Path: "LICENSE", StartLine: 3, EndLine: 5}); got != "LICENSE:3-5" {
		t.Errorf("Place = %q", got)
	}
}

func TestTableEscapesHostileNames(t *testing.T) {
	r := &report.Report{Target: "x\nFAKE", Findings: []report.Finding{{Rule: "r", Severity: report.SeverityError, Message: "LICENSE\n\x1b[31mFAKE: line"}}}
	var buf bytes.Buffer
	if err := (Table{}).Encode(&buf, []*report.Report{r}, Options{}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "\x1b") || strings.Contains(buf.String(), "\nFAKE") {
		t.Errorf("control characters reached the table:\n%q", buf.String())
	}
}

// Several reports are one JSON document that a JSON reader takes whole.
func TestJSONDocument(t *testing.T) {
	for _, n := range []int{0, 1, 3} {
		var rs []*report.Report
		for i := 0; i < n; i++ {
			rs = append(rs, &report.Report{Schema: report.Schema, Target: fmt.Sprintf("t%d <&>", i)})
		}
		var buf bytes.Buffer
		d := &JSONDocument{}
		for _, r := range rs {
			if err := d.Add(&buf, r); err != nil {
				t.Fatal(err)
			}
		}
		if err := d.Close(&buf); err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Schema  string           `json:"schema"`
			Reports []map[string]any `json:"reports"`
		}
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatalf("%d reports: %v\n%s", n, err, buf.String())
		}
		if doc.Schema != ReportsSchema || len(doc.Reports) != n {
			t.Errorf("%d reports: got schema %q and %d reports", n, doc.Schema, len(doc.Reports))
		}
		if n > 0 && (doc.Reports[0]["target"] != "t0 <&>" || strings.Contains(buf.String(), `\u003c`)) {
			t.Errorf("targets not kept as written: %s", buf.String())
		}
	}
}

// TestJSONSeveral: json with several reports is one carveout.reports/v1
// document that validates, and text that looks like an escape stays text.
func TestJSONSeveral(t *testing.T) {
	rs := caseReports(t)
	odd := *rs["apache"]
	odd.Target = `a\u003cb <c> "d"`
	var buf bytes.Buffer
	if err := (JSON{}).Encode(&buf, []*report.Report{rs["bigco-waived"], rs["custom-strict"], &odd}, testOptions); err != nil {
		t.Fatal(err)
	}
	schema.ValidateAny(t, buf.Bytes())
	var doc struct {
		Reports []struct {
			Target string `json:"target"`
		} `json:"reports"`
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Reports) != 3 || doc.Reports[2].Target != odd.Target {
		t.Errorf("reports %+v", doc.Reports)
	}
}

func TestCatalogVersion(t *testing.T) {
	v := CatalogVersion()
	if !regexp.MustCompile(`^sha256:[0-9a-f]{12} \([1-9][0-9]* licenses\)$`).MatchString(v) || v != CatalogVersion() {
		t.Errorf("CatalogVersion() = %q", v)
	}
	if got := (Options{Catalog: "x"}).catalog(); got != "x" {
		t.Errorf("Options.Catalog ignored: %q", got)
	}
}
