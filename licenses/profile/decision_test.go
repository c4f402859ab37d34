package profile

import (
	"reflect"
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/terms"
)

func TestDecide(t *testing.T) {
	pass := Result{Passed: true}
	fail := Result{Passed: false, Violations: []Violation{{Rule: "applies:user-threshold", Failing: true}}}
	waived := Result{Passed: true, Violations: []Violation{{Rule: "applies:user-threshold", Waived: true}}}
	decide := func(vs []TermVerdict, obl []Obligation, res Result) Decision {
		return Decide(vs, obl, !res.Passed, res.Waived())
	}
	duty := []Obligation{{Kind: terms.NoticeRequirement, License: "x", Action: "Ship a NOTICE."}}
	for _, c := range []struct {
		name string
		vs   []TermVerdict
		obl  []Obligation
		res  Result
		want Decision
	}{
		{"blocked", []TermVerdict{{Kind: terms.UserThreshold, Verdict: Applies}}, nil, fail,
			Decision{Decision: DecisionBlocked, Applies: 1}},
		{"needs information", []TermVerdict{{Kind: terms.FieldOfUse, Verdict: Undetermined, Missing: []string{"fields"}},
			{Kind: terms.UserThreshold, Verdict: Undetermined, Missing: []string{"monthly_active_users", "fields"}}}, duty, pass,
			Decision{Decision: DecisionNeedsInformation, Undetermined: 2, Obligations: 1, Missing: []string{"fields", "monthly_active_users"}}},
		{"allowed with obligations", []TermVerdict{{Kind: terms.NoticeRequirement, Verdict: Applies}}, duty, pass,
			Decision{Decision: DecisionAllowedWithObligations, Applies: 1, Obligations: 1}},
		{"allowed, a restriction waived", []TermVerdict{{Kind: terms.UserThreshold, Verdict: Applies}}, nil, waived,
			Decision{Decision: DecisionAllowed, Applies: 1, Waived: 1}},
		{"allowed", []TermVerdict{{Kind: terms.UserThreshold, Verdict: DoesNotApply}}, nil, pass,
			Decision{Decision: DecisionAllowed}},
	} {
		got := decide(c.vs, c.obl, c.res)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: Decide = %+v, want %+v", c.name, got, c.want)
		}
	}
	line := decide([]TermVerdict{{Verdict: Undetermined, Missing: []string{"uses"}}}, nil, pass).Line()
	if !strings.Contains(line, "needs-information (set uses in the profile)") || !strings.Contains(line, "1 undetermined") {
		t.Errorf("Line = %q", line)
	}
}

func TestMergeObligations(t *testing.T) {
	a := []Obligation{{Kind: terms.NamingRequirement, License: "llama3.1", Action: "Begin the name with \"Llama\".", Clause: "1.b.v"},
		{Kind: terms.NoticeRequirement, License: "llama3.1", Action: "Ship NOTICE."}}
	b := []Obligation{{Kind: terms.NamingRequirement, License: "llama3.1", Action: "Begin the name with \"Llama\"."},
		{Kind: terms.NamingRequirement, License: "llama3.2", Action: "Begin the name with \"Llama\"."}}
	got := MergeObligations(a, b)
	if len(got) != 2 {
		t.Fatalf("got %d obligations: %+v", len(got), got)
	}
	if !reflect.DeepEqual(got[0].Licenses, []string{"llama3.1", "llama3.2"}) || got[0].Clause != "1.b.v" {
		t.Errorf("merged naming duty %+v", got[0])
	}
}
