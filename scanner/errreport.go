package scanner

import (
	"fmt"
	"strings"

	"github.com/carveout/carveout/scanner/rules"
)

// singleFileUnread: a single-file target whose file could not be read is
// a target that cannot be read at all (exit 3), not a failing report.
func (e *evidence) singleFileUnread() error {
	if e.kind != "file" || !e.unreadableLicense {
		return nil
	}
	for _, f := range e.findings {
		if f.Rule == rules.UnreadableFile {
			return fmt.Errorf("%w %s: %s", ErrTarget, e.target, f.Message)
		}
	}
	return fmt.Errorf("%w %s: the file could not be read", ErrTarget, e.target)
}

// ErrorReport is the report of a target that could not be scanned at all,
// so that a stream of reports (JSON Lines) holds one record per target:
// status "fail" (every encoder shows it as failing; a distinct "error"
// status would need each of them taught), one unreadable-file error
// finding saying why, nothing else.
func ErrorReport(target string, err error, failOn Severity) *Report {
	r := &Report{Schema: Schema, Target: target, Licenses: []License{}, Files: []File{}, Lineage: []Link{},
		Obligations: []Obligation{}, Violations: []Violation{},
		Declared: Declared{Licenses: []string{}, Canonical: []string{}, BaseModels: []string{}}}
	// The message does not repeat the target the report names.
	msg := strings.TrimPrefix(err.Error(), ErrTarget.Error()+" "+target+": ")
	r.Findings = []Finding{{Rule: rules.UnreadableFile, Severity: rules.Get(rules.UnreadableFile).Severity,
		Message: "the target could not be read, so nothing in it was checked: " + msg, Evidence: []Evidence{}}}
	r.Summary = Summary{Categories: map[string]int{}, Findings: map[string]int{"error": 0, "warning": 0, "info": 0},
		Status: "fail", FailOn: string(failOn)}
	r.Summary.Findings[string(r.Findings[0].Severity)]++
	return r
}
