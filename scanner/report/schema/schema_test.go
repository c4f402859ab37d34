package schema

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/carveout/carveout/internal/golden"
	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/profile"
	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner"
	"github.com/carveout/carveout/scanner/report"
	"github.com/carveout/carveout/scanner/source"
)

const root = "../../.."

// evaluated scans a bundled model and evaluates it against a profile and
// a policy, so that verdicts, obligations, violations and waivers are in
// the report (the scanner goldens have none of them).
func evaluated(t *testing.T, model, prof, pol string) []byte {
	t.Helper()
	src, err := source.NewDir(filepath.Join(root, "testdata/models", model))
	if err != nil {
		t.Fatal(err)
	}
	r, err := scanner.Scan(context.Background(), src, scanner.Options{Lineage: scanner.TableResolver{}})
	if err != nil {
		t.Fatal(err)
	}
	e := scanner.Evaluation{FailOn: scanner.SeverityError, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	if prof != "" {
		b, err := os.ReadFile(filepath.Join(root, "testdata/profiles", prof))
		if err != nil {
			t.Fatal(err)
		}
		if e.Profile, err = profile.ParseProfile(prof, b); err != nil {
			t.Fatal(err)
		}
	}
	if pol != "" {
		b, err := os.ReadFile(filepath.Join(root, "testdata/policies", pol))
		if err != nil {
			t.Fatal(err)
		}
		if e.Policy, err = profile.ParsePolicy(pol, b); err != nil {
			t.Fatal(err)
		}
	}
	scanner.Evaluate(r, e)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestReports(t *testing.T) {
	goldens, _ := filepath.Glob(filepath.Join(root, "scanner/testdata/golden/*.json"))
	if len(goldens) == 0 {
		t.Fatal("no scanner goldens found")
	}
	for _, g := range goldens {
		t.Run(filepath.Base(g), func(t *testing.T) {
			b, err := os.ReadFile(g)
			if err != nil {
				t.Fatal(err)
			}
			ValidateReport(t, b)
		})
	}
	for _, c := range [][3]string{
		{"llama-finetune-mislabelled", "bigco-800m.yaml", "waived.yaml"},
		{"llama-finetune-mislabelled", "berlin-startup.yaml", ""},
		{"custom-license", "saas-commercial.yaml", "strict.yaml"},
		{"apache-model", "lab-research.yaml", "expired.yaml"},
		{"no-license", "", ""},
	} {
		t.Run(strings.Join(c[:], "+"), func(t *testing.T) {
			b := evaluated(t, c[0], c[1], c[2])
			ValidateReport(t, b)
			if c[1] != "" && !bytes.Contains(b, []byte(`"verdict"`)) {
				t.Error("evaluated report has no verdicts: the case tests less than it claims")
			}
		})
	}
}

// TestReportsDocument: several targets' reports in one document, and
// Validate("") dispatching on each value's own schema field.
func TestReportsDocument(t *testing.T) {
	a := evaluated(t, "apache-model", "", "")
	b := evaluated(t, "llama-finetune-mislabelled", "bigco-800m.yaml", "waived.yaml")
	doc := []byte(`{"schema":"carveout.reports/v1","reports":[` + string(a) + "," + string(b) + `]}`)
	if err := Validate(Reports, doc); err != nil {
		t.Error(err)
	}
	if err := Validate("", append(append(doc, '\n'), a...)); err != nil {
		t.Errorf("a reports document then a report: %v", err)
	}
	bad := []byte(`{"schema":"carveout.reports/v1","reports":[{"schema":"carveout.report/v1"}]}`)
	if err := Validate("", bad); err == nil {
		t.Error("a reports document with an invalid report validates")
	}
	if err := Validate("", []byte(`{"schema":"carveout.other/v9"}`)); err == nil || !strings.Contains(err.Error(), "none of") {
		t.Errorf("unknown schema: %v", err)
	}
	if err := Validate("", []byte(`[1]`)); err == nil {
		t.Error("a value without a schema field validates")
	}
}

// TestJSONLines: several reports in a row are validated one by one.
func TestJSONLines(t *testing.T) {
	a := evaluated(t, "apache-model", "", "")
	if err := Validate(Report, append(append(append([]byte{}, a...), '\n'), a...)); err != nil {
		t.Error(err)
	}
	bad := append(append([]byte{}, a...), []byte("\n{\"schema\":\"carveout.report/v1\"}\n")...)
	if err := Validate(Report, bad); err == nil || !strings.Contains(err.Error(), "document 2") {
		t.Errorf("second document invalid: err = %v", err)
	}
	for _, doc := range []string{"", "  \n", "{", "[1]"} {
		if err := Validate(Report, []byte(doc)); err == nil {
			t.Errorf("Validate(%q) = nil", doc)
		}
	}
}

// TestCatalog validates every catalog entry as carveout.licenses/v1.
func TestCatalog(t *testing.T) {
	b, err := json.Marshal(map[string]any{"schema": Licenses, "licenses": licenses.Catalog()})
	if err != nil {
		t.Fatal(err)
	}
	ValidateLicenses(t, b)
	if err := Validate(Licenses, []byte(`{"schema":"carveout.licenses/v1","licenses":[{"id":"x","name":"X","family":"x","category":"nice","osi_approved":true}]}`)); err == nil {
		t.Error("a category outside the enum validates")
	}
	if err := Validate(Licenses, []byte(`{"schema":"carveout.licenses/v1","licenses":[{"id":"x","name":"X","family":"x","category":"permissive","osi_approved":true,"terms":[{"kind":"user-threshold","colour":"red"}]}]}`)); err == nil {
		t.Error("an unknown term field validates")
	}
}

// TestRejects: each mutation of a valid report must fail validation, so
// the schema is known to check what it claims.
func TestRejects(t *testing.T) {
	var valid map[string]any
	if err := json.Unmarshal(evaluated(t, "llama-finetune-mislabelled", "bigco-800m.yaml", "waived.yaml"), &valid); err != nil {
		t.Fatal(err)
	}
	lic := func(r map[string]any) map[string]any { return r["licenses"].([]any)[0].(map[string]any) }
	term := func(r map[string]any) map[string]any { return lic(r)["terms"].([]any)[0].(map[string]any) }
	ev := func(r map[string]any) map[string]any { return lic(r)["evidence"].([]any)[0].(map[string]any) }
	finding := func(r map[string]any) map[string]any { return r["findings"].([]any)[0].(map[string]any) }
	for name, mutate := range map[string]func(r map[string]any){
		"schema version":         func(r map[string]any) { r["schema"] = "carveout.report/v2" },
		"unknown top field":      func(r map[string]any) { r["generated_at"] = "2026-01-01" },
		"missing findings":       func(r map[string]any) { delete(r, "findings") },
		"null licenses":          func(r map[string]any) { r["licenses"] = nil },
		"source kind":            func(r map[string]any) { r["source"].(map[string]any)["kind"] = "ftp" },
		"category":               func(r map[string]any) { lic(r)["category"] = "mostly-fine" },
		"match kind":             func(r map[string]any) { lic(r)["match"].(map[string]any)["kind"] = "guess" },
		"confidence above 1":     func(r map[string]any) { lic(r)["match"].(map[string]any)["confidence"] = 1.5 },
		"license field":          func(r map[string]any) { lic(r)["scancode"] = "x" },
		"term kind":              func(r map[string]any) { term(r)["kind"] = "vibes" },
		"term unknown field":     func(r map[string]any) { term(r)["colour"] = "red" },
		"verdict":                func(r map[string]any) { term(r)["verdict"] = "probably-fine" },
		"reason without verdict": func(r map[string]any) { delete(term(r), "verdict") },
		"origin":                 func(r map[string]any) { term(r)["origin"] = "guess" },
		"value zero":             func(r map[string]any) { term(r)["value"] = 0 },
		"value fraction":         func(r map[string]any) { term(r)["value"] = 1.5 },
		"evidence source":        func(r map[string]any) { ev(r)["source"] = "rumour" },
		"negative line":          func(r map[string]any) { ev(r)["start_line"] = -1 },
		"evidence no path":       func(r map[string]any) { delete(ev(r), "path") },
		"severity":               func(r map[string]any) { finding(r)["severity"] = "fatal" },
		"rule":                   func(r map[string]any) { finding(r)["rule"] = "Declared License" },
		"summary status":         func(r map[string]any) { r["summary"].(map[string]any)["status"] = "ok" },
		"summary fail_on":        func(r map[string]any) { r["summary"].(map[string]any)["fail_on"] = "sometimes" },
		"summary severity key":   func(r map[string]any) { r["summary"].(map[string]any)["findings"].(map[string]any)["fatal"] = 1 },
		"summary category key":   func(r map[string]any) { r["summary"].(map[string]any)["categories"].(map[string]any)["fine"] = 1 },
		"profile unknown key":    func(r map[string]any) { r["profile"].(map[string]any)["employees"] = 10 },
		"profile use":            func(r map[string]any) { r["profile"].(map[string]any)["uses"] = []any{"world-domination"} },
		"profile country":        func(r map[string]any) { r["profile"].(map[string]any)["headquarters"] = "Germany" },
		"violation no waived":    func(r map[string]any) { delete(r["violations"].([]any)[0].(map[string]any), "waived") },
		"file kind":              func(r map[string]any) { r["files"].([]any)[0].(map[string]any)["kind"] = "video" },
		"lineage depth 0":        func(r map[string]any) { r["lineage"].([]any)[0].(map[string]any)["depth"] = 0 },
		"obligation kind":        func(r map[string]any) { r["obligations"].([]any)[0].(map[string]any)["kind"] = "be-nice" },
	} {
		t.Run(name, func(t *testing.T) {
			b, _ := json.Marshal(valid)
			var r map[string]any
			json.Unmarshal(b, &r)
			mutate(r)
			b, _ = json.Marshal(r)
			if err := Validate(Report, b); err == nil {
				t.Errorf("the mutated report validates")
			}
		})
	}
}

func enum(t *testing.T, def string) []string {
	t.Helper()
	var s struct {
		Defs map[string]struct {
			Enum []string `json:"enum"`
		} `json:"$defs"`
	}
	if err := json.Unmarshal(reportV1, &s); err != nil {
		t.Fatal(err)
	}
	e := s.Defs[def].Enum
	if len(e) == 0 {
		t.Fatalf("$defs/%s has no enum", def)
	}
	return e
}

func strs[S ~string](xs ...S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// TestEnumsFollowTheCode: the schema's enums are checked against the
// lists that are their home in the code.
func TestEnumsFollowTheCode(t *testing.T) {
	for def, want := range map[string][]string{
		"termKind": strs(terms.Kinds...),
		"category": strs(licenses.Categories...),
		"verdict":  strs(profile.Applies, profile.DoesNotApply, profile.Undetermined),
		"severity": strs(report.SeverityError, report.SeverityWarning, report.SeverityInfo),
	} {
		if got := enum(t, def); !slices.Equal(got, want) {
			if *golden.Update {
				rewriteEnum(t, def, want)
				continue
			}
			t.Errorf("$defs/%s enum = %v, the code has %v (go test ./scanner/report/schema -update rewrites it)", def, got, want)
		}
	}
}

// rewriteEnum replaces the enum of $defs/def in report.schema.json.
func rewriteEnum(t *testing.T, def string, values []string) {
	t.Helper()
	re := regexp.MustCompile(`(?s)("` + regexp.QuoteMeta(def) + `": \{\s*"enum": \[)[^\]]*(\])`)
	var items []string
	for _, v := range values {
		b, _ := json.Marshal(v)
		items = append(items, "\n        "+string(b))
	}
	out := re.ReplaceAll(reportV1, []byte("${1}"+strings.Join(items, ",")+"\n      ${2}"))
	if bytes.Equal(out, reportV1) {
		t.Fatalf("$defs/%s: enum not found in report.schema.json", def)
	}
	if err := os.WriteFile("report.schema.json", out, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFiles(t *testing.T) {
	for _, v := range Names() {
		name, data, ok := File(v)
		if !ok || !strings.HasSuffix(name, ".schema.json") {
			t.Fatalf("File(%s) = %q, %v", v, name, ok)
		}
		var s struct {
			Title string `json:"title"`
			ID    string `json:"$id"`
		}
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatal(err)
		}
		if s.Title != v || s.ID != base+name {
			t.Errorf("%s: title %q, $id %q", name, s.Title, s.ID)
		}
	}
	if _, _, ok := File("carveout.report/v0"); ok {
		t.Error("File(v0) found")
	}
}
