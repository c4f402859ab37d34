package scanner

import (
	"fmt"
	"strings"

	"github.com/carveout/carveout/scanner/rules"
)

// singleFileUnread: a single-file target whose file could not be read is
// a target that cannot be read at all (exit 3), not a failing report.
func (s *scan) singleFileUnread() error {
	if s.kind() != "file" || !s.unreadableLicense {
		return nil
	}
	for _, f := range s.rep.Findings {
		if f.Rule == rules.UnreadableFile {
			return fmt.Errorf("%w %s: %s", ErrTarget, s.src.Target(), f.Message)
		}
	}
	return fmt.Errorf("%w %s: the file could not be read", ErrTarget, s.src.Target())
}

// StatusError is the Summary.Status of a report for a target that could
// not be read (ErrorReport).
const StatusError = "error"

// ErrorReport is the report of a target that could not be scanned at all,
// so that a stream of reports (JSON Lines) holds one record per target:
// status "error", one error finding saying why, nothing else.
func ErrorReport(target string, err error, failOn Severity) *Report {
	r := &Report{Schema: Schema, Target: target, Licenses: []License{}, Files: []File{}, Lineage: []Link{},
		Obligations: []Obligation{}, Violations: []Violation{},
		Declared: Declared{Licenses: []string{}, Canonical: []string{}, BaseModels: []string{}}}
	// The message does not repeat the target the report names.
	msg := strings.TrimPrefix(err.Error(), ErrTarget.Error()+" "+target+": ")
	r.Findings = []Finding{{Rule: rules.UnreadableFile, Severity: rules.Get(rules.UnreadableFile).Severity,
		Message: "the target could not be read, so nothing in it was checked: " + msg, Evidence: []Evidence{}}}
	r.Summary = Summary{Categories: map[string]int{}, Findings: map[string]int{"error": 0, "warning": 0, "info": 0},
		Status: StatusError, FailOn: string(failOn)}
	r.Summary.Findings[string(r.Findings[0].Severity)]++
	return r
}
