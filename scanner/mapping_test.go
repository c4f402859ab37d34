package scanner

import (
	"reflect"
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/profile"
	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner/report"
)

// jsonFields lists the JSON names of a struct type's fields.
func jsonFields(t reflect.Type) map[string]bool {
	out := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out[name] = true
		}
	}
	return out
}

// The report's explicit types carry every field of the internal ones they
// are mapped from: a field added to a term or the profile must be added to
// the contract (and its schema) and to the mapping, or this fails.
func TestReportTypesCoverInternal(t *testing.T) {
	for _, c := range []struct {
		internal, contract reflect.Type
	}{
		{reflect.TypeOf(terms.Term{}), reflect.TypeOf(report.Term{})},
		{reflect.TypeOf(profile.Profile{}), reflect.TypeOf(report.Profile{})},
	} {
		have := jsonFields(c.contract)
		for f := range jsonFields(c.internal) {
			if !have[f] {
				t.Errorf("%s has field %q that %s lacks", c.internal, f, c.contract)
			}
		}
	}
}

// Mapping a term to the report and back keeps every parameter.
func TestTermRoundTrip(t *testing.T) {
	in := terms.Term{Kind: terms.TerritoryExclusion, Metric: "m", Value: 7, Currency: "EUR", Period: "annual", Measured: "at", Effect: "e",
		Regions: []string{"EU"}, Scope: "s", Exempt: "x", Allowed: []string{"research"}, Categories: []string{"c"},
		Prefix: "P", Statement: "S", Notice: "N", Policy: "pol", Clause: "1.b", Text: "t", Origin: "text"}
	if got := termOf(reportTerm(in, nil)); !reflect.DeepEqual(got, in) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, in)
	}
}
