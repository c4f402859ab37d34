package profile

import (
	"testing"

	"github.com/carveout/carveout/licenses/terms"
)

func TestCommercialUseGate(t *testing.T) {
	reg := terms.Term{Kind: terms.CommercialUseGate, Scope: "commercial use", Effect: "registration required"}
	prod := terms.Term{Kind: terms.CommercialUseGate, Scope: "production use", Effect: "subscription or separate license required"}
	runEvalCases(t, []evalCase{
		{name: "commercial use before registering", license: "yi-community", term: reg, profile: "uses: [commercial]", verdict: Applies,
			contain: []string{"registration required", "commercial_licenses"}},
		{name: "registered", license: "yi-community", term: reg, profile: "uses: [commercial]\ncommercial_licenses: [yi-community]", verdict: DoesNotApply,
			contain: []string{"commercial_licenses lists yi-community"}},
		{name: "research only", term: reg, profile: "uses: [research-only]", verdict: DoesNotApply},
		{name: "internal use is not settled", term: reg, profile: "uses: [internal]", verdict: Undetermined, missing: []string{"uses"}},
		{name: "unknown uses", term: reg, profile: "", verdict: Undetermined, missing: []string{"uses"}},
		{name: "production gate binds internal production", term: prod, profile: "uses: [internal]", verdict: Applies,
			contain: []string{"production use"}},
		{name: "production gate, test and evaluation", term: prod, profile: "uses: [research-only]", verdict: DoesNotApply},
	})
}

func TestDistributionAndModification(t *testing.T) {
	dist := terms.Term{Kind: terms.DistributionRestriction, Categories: []string{"models", "data"}}
	mod := terms.Term{Kind: terms.ModificationNotice}
	runEvalCases(t, []evalCase{
		{name: "redistributing weights", term: dist, profile: "uses: [redistribute-weights]", verdict: Applies, contain: []string{"models, data"}},
		{name: "publishing derivatives", term: dist, profile: "uses: [publish-derivatives]", verdict: Applies},
		{name: "internal only", term: dist, profile: "uses: [internal, commercial]", verdict: DoesNotApply},
		{name: "selling a service built on it", term: terms.Term{Kind: terms.DistributionRestriction, Categories: []string{"sale"}}, profile: "uses: [hosted-service]", verdict: Applies},
		{name: "distribution, unknown uses", term: dist, profile: "", verdict: Undetermined, missing: []string{"uses"}},
		{name: "modified files published", term: mod, profile: "uses: [publish-derivatives]", verdict: Applies},
		{name: "no modified files published", term: mod, profile: "uses: [redistribute-weights]", verdict: DoesNotApply},
		{name: "modification, unknown uses", term: mod, profile: "", verdict: Undetermined, missing: []string{"uses"}},
		{name: "share-alike when publishing", term: terms.Term{Kind: terms.ShareAlike}, profile: "uses: [publish-derivatives]", verdict: Applies},
		{name: "share-alike internal", term: terms.Term{Kind: terms.ShareAlike}, profile: "uses: [internal]", verdict: DoesNotApply},
		{name: "termination at will", term: terms.Term{Kind: terms.TerminationAtWill}, profile: "", verdict: Applies,
			contain: []string{"at any time"}},
	})
}

// TestNamingBindsHostedModels: Llama 3.1 §1.b.i binds models "distributed
// or made available", hosted ones and those trained on outputs included.
func TestNamingBindsHostedModels(t *testing.T) {
	naming := terms.Term{Kind: terms.NamingRequirement, Prefix: "Llama"}
	runEvalCases(t, []evalCase{
		{name: "hosted fine-tune", term: naming, profile: "uses: [hosted-service]", verdict: Applies, contain: []string{"hosted service"}},
		{name: "trained on outputs and sold", term: naming, profile: "uses: [train-on-outputs, commercial]", verdict: Applies},
		{name: "trained on outputs, kept internal", term: naming, profile: "uses: [train-on-outputs, internal]", verdict: DoesNotApply},
		{name: "commercial product only", term: naming, profile: "uses: [commercial]", verdict: DoesNotApply},
	})
}

// TestNoticeQualifiers: Apache-2.0 §4(d) binds only works that ship a
// NOTICE file; Gemma's NOTICE duty excludes hosted services.
func TestNoticeQualifiers(t *testing.T) {
	no, yes := false, true
	apache := terms.Term{Kind: terms.NoticeRequirement, Scope: terms.NoticeIfShipped}
	gemma := terms.Term{Kind: terms.NoticeRequirement, Exempt: terms.NoticeHostedExempt}
	runEvalCases(t, []evalCase{
		{name: "no NOTICE shipped", term: apache, profile: "uses: [redistribute-weights]", ctx: Context{ShipsNotice: &no}, verdict: DoesNotApply},
		{name: "NOTICE shipped", term: apache, profile: "uses: [redistribute-weights]", ctx: Context{ShipsNotice: &yes}, verdict: Applies},
		{name: "NOTICE unknown", term: apache, profile: "uses: [redistribute-weights]", verdict: Applies, contain: []string{"only if the work includes a NOTICE file"}},
		{name: "hosted only", term: gemma, profile: "uses: [hosted-service]", verdict: DoesNotApply, contain: []string{"hosted service"}},
		{name: "hosted and redistributed", term: gemma, profile: "uses: [hosted-service, redistribute-weights]", verdict: Applies},
	})
}

// TestEndUserExemption: Llama §1.b.ii and Stability's community license
// exempt an organization that only receives the model inside someone
// else's product.
func TestEndUserExemption(t *testing.T) {
	cap := terms.Term{Kind: terms.UserThreshold, Metric: "monthly_active_users", Value: 700000000, Clause: "1.b.ii",
		Exempt: "licensees receiving the materials as part of an integrated end user product"}
	gate := terms.Term{Kind: terms.CommercialUseGate, Scope: "commercial use", Effect: "registration required",
		Exempt: "end users of products built on the materials"}
	runEvalCases(t, []evalCase{
		{name: "end user past the cap", term: cap, profile: "monthly_active_users: 900000000\nrole: end-user", verdict: DoesNotApply,
			contain: []string{"1.b.ii", "end-user"}},
		{name: "developer past the cap", term: cap, profile: "monthly_active_users: 900000000\nrole: developer", verdict: Applies},
		{name: "end user of a gated model", term: gate, profile: "uses: [commercial]\nrole: end-user", verdict: DoesNotApply},
		{name: "no exemption written", term: terms.Term{Kind: terms.CommercialUseGate}, profile: "uses: [commercial]\nrole: end-user", verdict: Applies},
	})
}

// TestUsersAtReleaseDate: a threshold counted on the version release date
// is compared with the history entry for that date, and says which date.
func TestUsersAtReleaseDate(t *testing.T) {
	cap := terms.Term{Kind: terms.UserThreshold, Metric: "monthly_active_users", Value: 700000000,
		Measured: "preceding calendar month, on the version release date"}
	runEvalCases(t, []evalCase{
		{name: "below on the date, above now", license: "llama3.1", term: cap,
			profile: "monthly_active_users: 800000000\nmonthly_active_users_at: {2024-07-01: 650000000, 2025-01-01: 800000000}",
			verdict: DoesNotApply, contain: []string{"650,000,000", "on 2024-07-01", "counted on 2024-07-23"}},
		{name: "above on the date", license: "llama3.1", term: cap,
			profile: "monthly_active_users_at: {2024-06-30: 710000000}",
			verdict: Applies, contain: []string{"counted on 2024-07-23"}},
		{name: "no history: current count, date named", license: "llama3.1", term: cap,
			profile: "monthly_active_users: 800000000", verdict: Applies,
			contain: []string{"counted on 2024-07-23", "monthly_active_users_at"}},
	})
}

func TestParseUsersAt(t *testing.T) {
	p := mustProfile(t, "monthly_active_users_at:\n  2024-07-23: 5\n  2025-01-01: 9\n")
	if v, at, ok := p.UsersAt("2024-12-31"); !ok || v != 5 || at != "2024-07-23" {
		t.Errorf("UsersAt = %d %s %v", v, at, ok)
	}
	if _, _, ok := p.UsersAt("2024-01-01"); ok {
		t.Error("no entry before the first date")
	}
	for _, bad := range []string{"monthly_active_users_at: {yesterday: 5}", "monthly_active_users_at: [5]", "monthly_active_users_at: {2024-01-01: -3}"} {
		if _, err := ParseProfile("p.yaml", []byte(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}
