package format

import (
	"reflect"
	"testing"

	"github.com/carveout/carveout/scanner/report"
)

// TestProblems: findings and policy violations are one list, each problem
// once, with its state and place; failing first.
func TestProblems(t *testing.T) {
	ev := func(p string, l int) []report.Evidence { return []report.Evidence{{Path: p, StartLine: l, EndLine: l}} }
	r := &report.Report{
		Summary:  report.Summary{FailOn: "error"},
		Licenses: []report.License{{ID: "llama3.1", Terms: []report.Term{{Kind: "user-threshold", Evidence: ev("LICENSE", 9)}}}},
		Findings: []report.Finding{
			{Rule: "no-license-file", Severity: report.SeverityWarning, Message: "no license file"},
			{Rule: "base-license-conflict", Severity: report.SeverityError, Message: "README.md:2: conflict", Evidence: ev("README.md", 2)},
			{Rule: "weights-license-mismatch", Severity: report.SeverityError, Message: "mismatch", Evidence: ev("w.gguf", 0)},
		},
		Violations: []report.Violation{
			{Rule: "base-license-conflict", Message: "README.md:2: conflict", Waived: true, WaiverReason: "signed"},
			{Rule: "applies:user-threshold", License: "llama3.1", Message: "too many users"},
		},
	}
	got := problems(r)
	want := []problem{
		{stateFailing, "-", "applies:user-threshold", "LICENSE:9", "too many users"},
		{stateFailing, "error", "weights-license-mismatch", "w.gguf", "mismatch"},
		{stateWaived, "error", "base-license-conflict", "README.md:2", "conflict (waiver: signed)"},
		{stateInfo, "warning", "no-license-file", "-", "no license file"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems:\ngot  %+v\nwant %+v", got, want)
	}
	// --fail-on never: nothing fails on its own.
	r.Summary.FailOn = "never"
	r.Violations = nil
	for _, x := range problems(r) {
		if x.state != stateInfo {
			t.Errorf("fail-on never: %s is %s", x.rule, x.state)
		}
	}
}
