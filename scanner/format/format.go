// Package format encodes reports. Every output format is one Encoder
// derived from the JSON report (package report, the only carveout type
// the encoders read), and every format is listed in Formats below —
// nothing registers itself.
package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/carveout/carveout/scanner/report"
)

// Options shape the output of encoders that print for people.
type Options struct {
	// Color enables ANSI colors (only for terminals, never with NO_COLOR).
	Color bool
	// Width is the terminal's width in columns for the table format: wider
	// tables wrap the rest of each row under it. 0: no limit (a pipe or a
	// file).
	Width int
	// Version of carveout named in the output; "" takes it from the
	// build information.
	Version string
	// Catalog names the license catalog's version in the output; "" takes
	// a digest of the embedded catalog (see CatalogVersion).
	Catalog string
	// Timestamp is the scan date written where a format has a place for
	// it; zero leaves it out, so output stays deterministic.
	Timestamp time.Time
	// Repo, when set, makes encoders link places to the lines on the forge
	// (Markdown, HTML).
	Repo *Repo
	// Root returns the path of a target's folder within its git checkout
	// ("" at the root), so SARIF paths are relative to the repository
	// root; nil takes the report's paths as they are.
	Root func(target string) string
}

// Encoder writes the reports of one run in one format. Formats that
// stream (Format.Stream) are also called with one report at a time, as
// targets finish; the others once, with every report, as one document.
type Encoder interface {
	Encode(w io.Writer, rs []*report.Report, o Options) error
}

// Format is one output format.
type Format struct {
	Name    string
	Encoder Encoder
	// Stream: reports can be written one by one as targets finish.
	Stream bool
	// Help says in a few words what the format is for.
	Help string
}

// Formats lists every output format, in the order help shows them. It is
// the one list: flags, help and docs derive from it.
func Formats() []Format {
	return []Format{
		{"table", Table{}, true, "aligned text for people (the default)"},
		{"json", JSON{}, true, "the carveout.report/v1 JSON report (several targets: one carveout.reports/v1 document with a reports list)"},
		{"jsonl", JSONLines{}, true, "one carveout.report/v1 report per line"},
		{"sarif", SARIF{}, false, "SARIF 2.1.0 for GitHub code scanning"},
		{"markdown", Markdown{}, false, "Markdown for a pull-request comment or $GITHUB_STEP_SUMMARY"},
		{"html", HTML{}, false, "one self-contained page to file and print"},
		{"cyclonedx", CycloneDX{}, false, "CycloneDX 1.6 JSON ML-BOM"},
		{"spdx", SPDX{}, false, "SPDX 2.3 JSON"},
		{"github", GitHubAnnotations{}, true, "GitHub Actions workflow commands (::error file=...::) for failing findings"},
	}
}

// Names returns the format names, in the order of Formats.
func Names() []string {
	var out []string
	for _, f := range Formats() {
		out = append(out, f.Name)
	}
	return out
}

// Lookup returns the format of a name.
func Lookup(name string) (Format, error) {
	for _, f := range Formats() {
		if f.Name == name {
			return f, nil
		}
	}
	return Format{}, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(Names(), ", "))
}

// Version is carveout's version from the build information (see
// Options.Version).
func Version() string { return version() }

// JSON writes a report as indented JSON (carveout.report/v1); several
// reports as JSON Lines, one per line.
type JSON struct{}

// Encode implements Encoder.
func (JSON) Encode(w io.Writer, rs []*report.Report, o Options) error {
	if len(rs) != 1 {
		d := &JSONDocument{}
		for _, r := range rs {
			if err := d.Add(w, r); err != nil {
				return err
			}
		}
		return d.Close(w)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(rs[0])
}

// ReportsSchema is the schema of the document json writes for several
// targets: {"schema": "carveout.reports/v1", "reports": [report, ...]},
// each report a carveout.report/v1 object.
const ReportsSchema = "carveout.reports/v1"

// JSONDocument writes the reports of several targets as one JSON document
// (one value json.load reads), a report at a time as targets finish, so no
// report is held until the end.
type JSONDocument struct{ n int }

// Add writes one report into the document.
func (d *JSONDocument) Add(w io.Writer, r *report.Report) error {
	sep := ",\n"
	if d.n == 0 {
		sep = "{\n  \"schema\": \"" + ReportsSchema + "\",\n  \"reports\": [\n"
	}
	d.n++
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("    ", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return err
	}
	b := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	if _, err := io.WriteString(w, sep+"    "); err != nil {
		return err
	}
	_, err := w.Write(b)
	return err
}

// Close ends the document (an empty reports list when nothing was added).
func (d *JSONDocument) Close(w io.Writer) error {
	if d.n == 0 {
		_, err := io.WriteString(w, "{\n  \"schema\": \""+ReportsSchema+"\",\n  \"reports\": []\n}\n")
		return err
	}
	_, err := io.WriteString(w, "\n  ]\n}\n")
	return err
}

// JSONLines writes the report as one line of JSON, so a list of targets
// streams one report per line.
type JSONLines struct{}

// Encode implements Encoder.
func (JSONLines) Encode(w io.Writer, rs []*report.Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range rs {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}
