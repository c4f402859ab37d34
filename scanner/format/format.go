// Package format encodes scanner reports. Every output format is one
// Encoder, and every encoder is listed in Encoders below — nothing
// registers itself.
package format

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/carveout/carveout/scanner/report"
)

// Options shape the output of encoders that print for people.
type Options struct {
	// Color enables ANSI colors (only for terminals, never with NO_COLOR).
	Color bool
	// Version of carveout named in the output; "" takes it from the
	// build information.
	Version string
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

// Encoder writes reports in one format.
type Encoder interface {
	// Encode writes one report.
	Encode(w io.Writer, r *report.Report, o Options) error
}

// Encoders lists every output format by name.
var Encoders = map[string]Encoder{
	"table": Table{},
	"json":  JSON{},
	"jsonl": JSONLines{},
}

// Names returns the format names, sorted.
func Names() []string {
	out := make([]string, 0, len(Encoders))
	for k := range Encoders {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Lookup returns the encoder for a format name.
func Lookup(name string) (Encoder, error) {
	e, ok := Encoders[name]
	if !ok {
		return nil, fmt.Errorf("unknown format %q (want one of %s)", name, strings.Join(Names(), ", "))
	}
	return e, nil
}

// JSON writes the report as indented JSON (carveout.report/v1).
type JSON struct{}

// Encode implements Encoder.
func (JSON) Encode(w io.Writer, r *report.Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

// JSONLines writes the report as one line of JSON, so a list of targets
// streams one report per line.
type JSONLines struct{}

// Encode implements Encoder.
func (JSONLines) Encode(w io.Writer, r *report.Report, _ Options) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
