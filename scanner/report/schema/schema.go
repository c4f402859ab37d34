// Package schema holds the JSON Schemas (draft 2020-12) of carveout's JSON
// outputs — carveout.report/v1 and carveout.licenses/v1 — and validates
// documents against them. The schema files are the published contract;
// tests across the module validate every report they produce with
// ValidateReport.
package schema

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The schema versions, as the documents' "schema" field names them.
const (
	Report   = "carveout.report/v1"
	Reports  = "carveout.reports/v1" // several targets' reports in one document
	Licenses = "carveout.licenses/v1"
)

var (
	//go:embed report.schema.json
	reportV1 []byte
	//go:embed reports.schema.json
	reportsV1 []byte
	//go:embed licenses.schema.json
	licensesV1 []byte
)

// base is the common prefix of the schemas' $id.
const base = "https://github.com/carveout/carveout/scanner/report/schema/"

// files maps each schema version to its file name and contents.
var files = map[string]struct {
	name string
	data []byte
}{
	Report:   {"report.schema.json", reportV1},
	Reports:  {"reports.schema.json", reportsV1},
	Licenses: {"licenses.schema.json", licensesV1},
}

// Names returns the schema versions this package knows, sorted.
func Names() []string {
	out := make([]string, 0, len(files))
	for k := range files {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// File returns the file name and the JSON Schema of a schema version.
func File(version string) (name string, data []byte, ok bool) {
	f, ok := files[version]
	return f.name, f.data, ok
}

var compiled = sync.OnceValues(func() (map[string]*jsonschema.Schema, error) {
	c := jsonschema.NewCompiler()
	for _, f := range files {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(f.data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.name, err)
		}
		if err := c.AddResource(base+f.name, doc); err != nil {
			return nil, err
		}
	}
	out := map[string]*jsonschema.Schema{}
	for v, f := range files {
		s, err := c.Compile(base + f.name)
		if err != nil {
			return nil, err
		}
		out[v] = s
	}
	return out, nil
})

// Validate checks doc against the schema of version (Report, Reports or
// Licenses); with version "" each value against the schema its own
// "schema" field names. doc is one JSON value or several in a row (JSON
// Lines, as --format jsonl prints); each must be valid, and there must be
// one.
func Validate(version string, doc []byte) error {
	all, err := compiled()
	if err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	if _, ok := all[version]; !ok && version != "" {
		return fmt.Errorf("schema: unknown version %q", version)
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	var errs []error
	n := 0
	for {
		var raw json.RawMessage
		if err := dec.Decode(&raw); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("document %d: %w", n+1, err)
		}
		n++
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		if err != nil {
			return fmt.Errorf("document %d: %w", n, err)
		}
		want := version
		if want == "" {
			m, _ := v.(map[string]any)
			want, _ = m["schema"].(string)
		}
		s, ok := all[want]
		if !ok {
			errs = append(errs, fmt.Errorf("document %d: schema %q is none of %v", n, want, Names()))
			continue
		}
		if err := s.Validate(v); err != nil {
			errs = append(errs, fmt.Errorf("document %d: %w", n, err))
		}
	}
	if n == 0 {
		return errors.New("no JSON document")
	}
	return errors.Join(errs...)
}

// T is the part of testing.TB the helpers use (so this package does not
// import testing).
type T interface {
	Helper()
	Errorf(format string, args ...any)
}

// ValidateReport fails t unless doc is a valid carveout.report/v1 report
// (or JSON Lines of them).
func ValidateReport(t T, doc []byte) {
	t.Helper()
	if err := Validate(Report, doc); err != nil {
		t.Errorf("not a valid %s document: %v", Report, err)
	}
}

// ValidateAny fails t unless every JSON value of doc is valid against the
// schema its "schema" field names (carveout.report/v1,
// carveout.reports/v1, carveout.licenses/v1): the one call for any JSON
// output of carveout.
func ValidateAny(t T, doc []byte) {
	t.Helper()
	if err := Validate("", doc); err != nil {
		t.Errorf("not a valid carveout document: %v", err)
	}
}

// ValidateLicenses fails t unless doc is a valid carveout.licenses/v1
// document.
func ValidateLicenses(t T, doc []byte) {
	t.Helper()
	if err := Validate(Licenses, doc); err != nil {
		t.Errorf("not a valid %s document: %v", Licenses, err)
	}
}
