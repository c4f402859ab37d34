package format

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/carveout/carveout/internal/golden"
	"github.com/carveout/carveout/licenses/profile"
	"github.com/carveout/carveout/scanner"
	"github.com/carveout/carveout/scanner/report"
)

// A case is a report the encoders are tested on: a bundled model, with an
// organization profile and a policy where verdicts, obligations and
// waivers are wanted.
type encCase struct {
	name, model, profile, policy string
	// hub pretends the model was read from the Hub at a commit (purls,
	// revisions).
	hub string
}

var encCases = []encCase{
	{name: "mislabelled", model: "llama-finetune-mislabelled"},
	{name: "bigco-waived", model: "llama-finetune-mislabelled", profile: "bigco-800m.yaml", policy: "waived.yaml", hub: "acme/superchat-8b"},
	{name: "berlin", model: "llama-finetune-mislabelled", profile: "berlin-startup.yaml"},
	{name: "custom-strict", model: "custom-license", profile: "saas-commercial.yaml", policy: "strict.yaml"},
	{name: "apache", model: "apache-model", profile: "lab-research.yaml", hub: "acme/apache-model"},
	{name: "no-license", model: "no-license"},
}

func caseReport(t *testing.T, c encCase) *Report {
	t.Helper()
	r := scanReport(t, c.model)
	e := scanner.Evaluation{FailOn: scanner.SeverityError, Now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	var err error
	if c.profile != "" {
		b, err := os.ReadFile(filepath.Join("../../testdata/profiles", c.profile))
		if err != nil {
			t.Fatal(err)
		}
		if e.Profile, err = profile.ParseProfile(c.profile, b); err != nil {
			t.Fatal(err)
		}
	}
	if c.policy != "" {
		b, err := os.ReadFile(filepath.Join("../../testdata/policies", c.policy))
		if err != nil {
			t.Fatal(err)
		}
		if e.Policy, err = profile.ParsePolicy(c.policy, b); err != nil {
			t.Fatal(err)
		}
	}
	_ = err
	scanner.Evaluate(r, e)
	if c.hub != "" {
		r.Target = "hf:" + c.hub
		r.Source = report.SourceInfo{Kind: "hf", ID: c.hub, Revision: strings.Repeat("ab12", 10), URL: "https://huggingface.co/" + c.hub}
	}
	return r
}

func caseReports(t *testing.T) map[string]*Report {
	out := map[string]*Report{}
	for _, c := range encCases {
		out[c.name] = caseReport(t, c)
	}
	return out
}

// testOptions are deterministic: a fixed version, no timestamp.
var testOptions = Options{Version: "test", Catalog: "test-catalog"}

// checkGolden compares got with testdata/golden/NAME (-update rewrites).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", "golden", name), got)
}

// The official schemas are in ../shared/schemas (a sibling of the
// project), with their provenance.
const officialSchemas = "../../../shared/schemas"

var official = sync.OnceValues(func() (*jsonschema.Compiler, error) {
	c := jsonschema.NewCompiler()
	files, err := filepath.Glob(filepath.Join(officialSchemas, "*.json"))
	if err != nil || len(files) == 0 {
		return nil, os.ErrNotExist
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return nil, err
		}
		id, _ := doc.(map[string]any)["$id"].(string)
		if id == "" {
			id, _ = doc.(map[string]any)["id"].(string)
		}
		if id == "" {
			id = "file:///" + filepath.Base(f)
		}
		if err := c.AddResource(id, doc); err != nil {
			return nil, err
		}
		// Also under the file name, for the tests to name them.
		if err := c.AddResource("file:///"+filepath.Base(f), doc); err != nil {
			return nil, err
		}
	}
	return c, nil
})

// validateOfficial validates doc against one of the official schemas,
// skipping when ../shared/schemas is absent.
func validateOfficial(t *testing.T, file string, doc []byte) {
	t.Helper()
	c, err := official()
	if err != nil {
		t.Skipf("official schemas not found in %s (%v): schema validation skipped", officialSchemas, err)
	}
	s, err := c.Compile("file:///" + file)
	if err != nil {
		t.Fatal(err)
	}
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(v); err != nil {
		t.Errorf("not valid against %s: %v", file, err)
	}
}

// TestOfficialSchemasReject: the official schemas, as loaded, do reject
// documents that break them (so a passing validation means something).
func TestOfficialSchemasReject(t *testing.T) {
	c, err := official()
	if err != nil {
		t.Skipf("official schemas not found in %s: skipped", officialSchemas)
	}
	for file, doc := range map[string]string{
		"sarif-schema-2.1.0.json": `{"version":"2.1.0","runs":[{"tool":{"driver":{}}}]}`,
		"bom-1.6.schema.json":     `{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"type":"machine-learning-model","name":"x","licenses":[{"license":{"id":"llama3.1"}}]}]}`,
		"spdx-schema-2.3.json":    `{"spdxVersion":"SPDX-2.3","SPDXID":"SPDXRef-DOCUMENT","name":"x","dataLicense":"CC0-1.0","documentNamespace":"https://example.invalid/x","creationInfo":{"creators":["Tool: x"]}}`,
	} {
		s, err := c.Compile("file:///" + file)
		if err != nil {
			t.Fatal(err)
		}
		v, _ := jsonschema.UnmarshalJSON(strings.NewReader(doc))
		if err := s.Validate(v); err == nil {
			t.Errorf("%s accepts %s", file, doc)
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }

func summaryFail() report.Summary {
	return report.Summary{Status: "fail", FailOn: "error", Findings: map[string]int{"error": 1, "warning": 0, "info": 0}}
}
