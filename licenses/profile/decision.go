package profile

import (
	"fmt"
	"sort"
	"strings"

	"github.com/carveout/carveout/licenses/terms"
)

// The decisions a report closes with. The string values are part of the
// JSON report.
const (
	DecisionBlocked                = "blocked"
	DecisionNeedsInformation       = "needs-information"
	DecisionAllowedWithObligations = "allowed with obligations"
	DecisionAllowed                = "allowed"
)

// TermVerdict is one evaluated term, as Decide needs it.
type TermVerdict struct {
	License string
	Kind    terms.Kind
	Verdict Verdict
	Missing []string
}

// Decision says what was decided about a model for an organization.
type Decision struct {
	// Decision is blocked (the policy fails), needs-information (nothing
	// blocks, but terms are undetermined: Missing lists the profile fields
	// to fill in), allowed with obligations, or allowed.
	Decision string `json:"decision"`
	// Applies, Undetermined and Waived count the terms that apply, the
	// terms that could not be decided and the policy violations waived.
	Applies      int `json:"applies"`
	Undetermined int `json:"undetermined"`
	Waived       int `json:"waived"`
	// Obligations counts the duties to fulfil.
	Obligations int `json:"obligations"`
	// Missing are the profile fields whose absence left terms
	// undetermined, sorted.
	Missing []string `json:"missing,omitempty"`
}

// Decide closes an evaluation: vs are the verdicts on every term of every
// license, obligations the de-duplicated duties, failed whether the report
// fails (a failing policy violation, or a finding at the failing
// severity), waived the number of waived violations. Undetermined never
// means allowed: without a failure it is needs-information.
func Decide(vs []TermVerdict, obligations []Obligation, failed bool, waived int) Decision {
	d := Decision{Obligations: len(obligations), Waived: waived}
	missing := map[string]bool{}
	for _, v := range vs {
		switch v.Verdict {
		case Applies:
			d.Applies++
		case Undetermined:
			d.Undetermined++
			for _, m := range v.Missing {
				missing[m] = true
			}
		}
	}
	for m := range missing {
		d.Missing = append(d.Missing, m)
	}
	sort.Strings(d.Missing)
	switch {
	case failed:
		d.Decision = DecisionBlocked
	case d.Undetermined > 0:
		d.Decision = DecisionNeedsInformation
	case len(obligations) > 0:
		d.Decision = DecisionAllowedWithObligations
	default:
		d.Decision = DecisionAllowed
	}
	return d
}

// Waived counts the waived violations of a policy result.
func (r Result) Waived() int {
	n := 0
	for _, v := range r.Violations {
		if v.Waived {
			n++
		}
	}
	return n
}

// Line is the closing line of a report: the decision, what to fill in,
// and the counts, so that a pass with undetermined terms says so on the
// same line.
func (d Decision) Line() string {
	s := "decision: " + d.Decision
	if d.Decision == DecisionNeedsInformation && len(d.Missing) > 0 {
		s += " (set " + strings.Join(d.Missing, ", ") + " in the profile)"
	}
	return s + fmt.Sprintf(" — %d apply, %d undetermined, %d waived, %d obligations", d.Applies, d.Undetermined, d.Waived, d.Obligations)
}

// MergeObligations de-duplicates the obligations of several licenses (the
// lineage brings the same Llama duties twice; a duty read from the text
// and the same catalog fact): one item per kind and action, in first-seen
// order, naming every license that imposes it and keeping the first
// evidence.
func MergeObligations(lists ...[]Obligation) []Obligation {
	var out []Obligation
	idx := map[string]int{}
	for _, l := range lists {
		for _, o := range l {
			k := string(o.Kind) + "\x00" + o.Action
			if i, ok := idx[k]; ok {
				x := &out[i]
				if !containsStr(x.Licenses, o.License) {
					x.Licenses = append(x.Licenses, o.License)
				}
				if x.Clause == "" {
					x.Clause = o.Clause
				}
				continue
			}
			if len(o.Licenses) == 0 {
				o.Licenses = []string{o.License}
			}
			idx[k] = len(out)
			out = append(out, o)
		}
	}
	return out
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
