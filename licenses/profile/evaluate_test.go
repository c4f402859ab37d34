package profile

import (
	"reflect"
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/terms"
)

// Terms built by hand with the parameters the catalog gives them.
var (
	llama31Users = terms.Term{Kind: terms.UserThreshold, Metric: "monthly_active_users", Value: 700000000,
		Effect: "a separate license from Meta is required"}
	llama32EU = terms.Term{Kind: terms.TerritoryExclusion, Regions: []string{"EU"}, Scope: "multimodal models",
		Exempt: "end users of products or services that incorporate them"}
	llama32EUText = func() terms.Term {
		t := llama32EU
		t.Text = "For multimodal models in Llama 3.2, the Section 1(a) grant is withheld from individuals domiciled in, and companies with their principal place of business in, the European Union."
		return t
	}()
	stabilityRevenue = terms.Term{Kind: terms.RevenueThreshold, Value: 1000000, Currency: "USD", Period: "annual",
		Effect: "an enterprise license from Stability AI is required"}
	ccByNC       = terms.Term{Kind: terms.NonCommercial, Allowed: []string{"non-commercial"}}
	qwenResearch = terms.Term{Kind: terms.NonCommercial, Allowed: []string{"research", "evaluation"}}
)

func mustProfile(t *testing.T, src string) *Profile {
	t.Helper()
	p, err := ParseProfile("profile.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type evalCase struct {
	name    string
	license string
	loc     string
	term    terms.Term
	profile string
	rates   Rates
	ctx     Context
	verdict Verdict
	reason  string   // exact reason when set
	contain []string // substrings of the reason
	missing []string
}

// evalCoverage records, per kind, the verdicts the table tests exercised
// (checked by TestMain when the whole package runs).
var evalCoverage = map[terms.Kind]map[Verdict]bool{}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, c := range cases {
		if evalCoverage[c.term.Kind] == nil {
			evalCoverage[c.term.Kind] = map[Verdict]bool{}
		}
		evalCoverage[c.term.Kind][c.verdict] = true
		t.Run(c.name, func(t *testing.T) {
			p := mustProfile(t, c.profile)
			lic := c.license
			if lic == "" {
				lic = "lic"
			}
			got := EvaluateTerm(lic, c.loc, c.term, p, c.rates, c.ctx)
			if got.Verdict != c.verdict {
				t.Errorf("verdict = %s, want %s (reason: %s)", got.Verdict, c.verdict, got.Reason)
			}
			if c.reason != "" && got.Reason != c.reason {
				t.Errorf("reason\n got %q\nwant %q", got.Reason, c.reason)
			}
			for _, s := range c.contain {
				if !strings.Contains(got.Reason, s) {
					t.Errorf("reason %q lacks %q", got.Reason, s)
				}
			}
			if !reflect.DeepEqual(got.Missing, c.missing) {
				t.Errorf("missing = %v, want %v", got.Missing, c.missing)
			}
			if got.Reason == "" || strings.Contains(got.Reason, "\n") {
				t.Errorf("reason must be one non-empty line: %q", got.Reason)
			}
		})
	}
}

func TestUserThreshold(t *testing.T) {
	tru := true
	runEvalCases(t, []evalCase{
		{name: "issue example 820M", license: "llama3.1", loc: "LICENSE:64-67", term: llama31Users,
			profile: "monthly_active_users: 820000000", verdict: Applies,
			reason: "your 820,000,000 MAU exceed the 700,000,000 threshold of llama3.1 LICENSE:64-67 — a separate license from Meta is required"},
		{name: "licensor named from the catalog", license: "llama3.1", loc: "LICENSE:64-67",
			term:    terms.Term{Kind: terms.UserThreshold, Metric: "monthly_active_users", Value: 700000000, Effect: "separate license required"},
			profile: "monthly_active_users: 820000000", verdict: Applies,
			contain: []string{"— separate license required (from Meta Platforms, Inc.)"}},
		{name: "800M is caught", license: "llama3.1", loc: "LICENSE:64-67", term: llama31Users,
			profile: "monthly_active_users: 800000000", verdict: Applies, contain: []string{"800,000,000 MAU exceed"}},
		{name: "100M users and 600B revenue is not caught", license: "llama3.1", loc: "LICENSE:64-67", term: llama31Users,
			profile: "monthly_active_users: 100000000\nannual_revenue: {amount: 600000000000, currency: USD}", verdict: DoesNotApply,
			contain: []string{"100,000,000 MAU", "700,000,000", "not revenue"}},
		{name: "exactly at a greater-than threshold", term: llama31Users,
			profile: "monthly_active_users: 700000000", verdict: DoesNotApply},
		{name: "revenue never stands in for users", term: llama31Users,
			profile: "annual_revenue: {amount: 600000000000, currency: USD}", verdict: Undetermined,
			missing: []string{"monthly_active_users"}, contain: []string{"set monthly_active_users"}},
		{name: "daily metric uses daily users", term: terms.Term{Kind: terms.UserThreshold, Metric: "daily_active_users", Value: 1000000},
			profile: "monthly_active_users: 900000000", verdict: Undetermined, missing: []string{"daily_active_users"}},
		{name: "daily metric, nothing known", term: terms.Term{Kind: terms.UserThreshold, Metric: "daily_active_users", Value: 1000000},
			profile: "annual_revenue: {amount: 5, currency: USD}", verdict: Undetermined, missing: []string{"daily_active_users"}},
		{name: "daily metric applies", term: terms.Term{Kind: terms.UserThreshold, Metric: "daily_active_users", Value: 1000000},
			profile: "daily_active_users: 2000000", verdict: Applies, contain: []string{"2,000,000 DAU exceed the 1,000,000 threshold"}},
		{name: "visits", term: terms.Term{Kind: terms.UserThreshold, Metric: "monthly_visits", Value: 50000000},
			profile: "monthly_visits: 10000000\nmonthly_active_users: 900000000", verdict: DoesNotApply, contain: []string{"10,000,000 monthly visits"}},
		{name: "unknown metric", term: terms.Term{Kind: terms.UserThreshold, Metric: "api_calls", Value: 5},
			profile: "monthly_active_users: 1", verdict: Undetermined},
		{name: "location from evidence", license: "llama3.1", loc: "LICENSE",
			term:    terms.Term{Kind: terms.UserThreshold, Metric: "monthly_active_users", Value: 700000000, Evidence: []terms.Lines{{Start: 64, End: 67}}},
			profile: "monthly_active_users: 820000000", verdict: Applies, contain: []string{"threshold of llama3.1 LICENSE:64-67 — the license no longer covers you"}},
		{name: "less-than wording trips at the threshold",
			term:    terms.Term{Kind: terms.UserThreshold, Value: 100, Text: "available to licensees with less than 100 monthly active users"},
			profile: "monthly_active_users: 100", verdict: Applies, contain: []string{"100 MAU reach the 100 threshold"}},
		{name: "generic users: MAU above proves it", term: terms.Term{Kind: terms.UserThreshold, Metric: "users", Value: 50000000},
			profile: "monthly_active_users: 820000000", verdict: Applies,
			contain: []string{"your 820,000,000 MAU exceed the 50,000,000 threshold of lic, which counts users (at least as many as monthly active users)"}},
		{name: "generic users: MAU within proves nothing", term: terms.Term{Kind: terms.UserThreshold, Metric: "users", Value: 50000000},
			profile: "monthly_active_users: 1000000", verdict: Undetermined, contain: []string{"check the number by hand"},
			missing: []string{"daily_active_users"}},
		{name: "generic users: nothing known", term: terms.Term{Kind: terms.UserThreshold, Metric: "users", Value: 50000000},
			profile: "", verdict: Undetermined, missing: []string{"monthly_active_users", "daily_active_users"}},
		{name: "weekly: MAU within proves it", term: terms.Term{Kind: terms.UserThreshold, Metric: "weekly_active_users", Value: 10000000},
			profile: "monthly_active_users: 5000000", verdict: DoesNotApply, contain: []string{"never more than monthly active users"}},
		{name: "weekly: DAU above proves it", term: terms.Term{Kind: terms.UserThreshold, Metric: "weekly_active_users", Value: 10000000},
			profile: "daily_active_users: 20000000\nmonthly_active_users: 90000000", verdict: Applies},
		{name: "weekly: undecided", term: terms.Term{Kind: terms.UserThreshold, Metric: "weekly_active_users", Value: 10000000},
			profile: "daily_active_users: 2000000\nmonthly_active_users: 90000000", verdict: Undetermined},
		{name: "MAU from DAU above", term: llama31Users,
			profile: "daily_active_users: 750000000", verdict: Applies, contain: []string{"750,000,000 DAU exceed the 700,000,000 threshold"}},
		{name: "DAU threshold, MAU within", term: terms.Term{Kind: terms.UserThreshold, Metric: "daily_active_users", Value: 1000000},
			profile: "monthly_active_users: 500000", verdict: DoesNotApply},
		{name: "subscribers are not recorded", term: terms.Term{Kind: terms.UserThreshold, Metric: "subscribers", Value: 5},
			profile: "monthly_active_users: 100", verdict: Undetermined},
		{name: "context does not matter", term: llama31Users, ctx: Context{Multimodal: &tru},
			profile: "monthly_active_users: 5", verdict: DoesNotApply},
	})
}

func TestRevenueThreshold(t *testing.T) {
	runEvalCases(t, []evalCase{
		{name: "US$2M trips Stability", license: "stability-ai-community", loc: "LICENSE.md:40-42", term: stabilityRevenue,
			profile: "annual_revenue: {amount: 2000000, currency: USD}", verdict: Applies,
			reason: "your annual revenue of USD 2,000,000 exceeds the USD 1,000,000 threshold of stability-ai-community LICENSE.md:40-42 — an enterprise license from Stability AI is required"},
		{name: "US$500k does not", term: stabilityRevenue,
			profile: "annual_revenue: {amount: 500000, currency: USD}", verdict: DoesNotApply,
			contain: []string{"USD 500,000 is within the USD 1,000,000 threshold"}},
		{name: "users never stand in for revenue", term: stabilityRevenue,
			profile: "monthly_active_users: 900000000", verdict: Undetermined, missing: []string{"annual_revenue"}},
		{name: "other currency without rate is undetermined", term: stabilityRevenue,
			profile: "annual_revenue: {amount: 2000000, currency: EUR}", verdict: Undetermined,
			missing: []string{"exchange_rates.EUR"}, contain: []string{"EUR 2,000,000", "never guessed"}},
		{name: "rate from the profile", term: stabilityRevenue,
			profile: "annual_revenue: {amount: 2000000, currency: EUR}\nexchange_rates: {EUR: 1.08}", verdict: Applies,
			contain: []string{"EUR 2,000,000 (USD 2,160,000 at 1.08 USD per EUR) exceeds the USD 1,000,000 threshold"}},
		{name: "rate from the rates argument", term: stabilityRevenue, rates: Rates{"EUR": 1.08},
			profile: "annual_revenue: {amount: 900000, currency: EUR}", verdict: DoesNotApply,
			contain: []string{"USD 972,000"}},
		{name: "argument overrides profile", term: stabilityRevenue, rates: Rates{"EUR": 1.2},
			profile: "annual_revenue: {amount: 900000, currency: EUR}\nexchange_rates: {EUR: 1.08}", verdict: Applies,
			contain: []string{"USD 1,080,000"}},
		{name: "threshold in CNY, revenue in USD", term: terms.Term{Kind: terms.RevenueThreshold, Value: 10000000, Currency: "CNY"},
			rates: Rates{"CNY": 0.14}, profile: "annual_revenue: {amount: 1000000, currency: USD}", verdict: DoesNotApply,
			contain: []string{"USD 1,000,000 (CNY 7,142,857.14 at 7.14286 CNY per USD) is within the CNY 10,000,000 threshold"}},
		{name: "threshold in CNY, revenue in EUR", term: terms.Term{Kind: terms.RevenueThreshold, Value: 10000000, Currency: "CNY"},
			rates: Rates{"CNY": 0.14, "EUR": 1.1}, profile: "annual_revenue: {amount: 2000000, currency: EUR}", verdict: Applies,
			contain: []string{"CNY 15,714,285.71"}},
		{name: "threshold in CNY, no rate", term: terms.Term{Kind: terms.RevenueThreshold, Value: 10000000, Currency: "CNY"},
			profile: "annual_revenue: {amount: 1000000, currency: USD}", verdict: Undetermined, missing: []string{"exchange_rates.CNY"}},
		{name: "monthly period", term: terms.Term{Kind: terms.RevenueThreshold, Value: 1000, Currency: "USD", Period: "monthly"},
			profile: "annual_revenue: {amount: 1000000, currency: USD}", verdict: Undetermined},
		{name: "less-than wording trips at the threshold",
			term:    terms.Term{Kind: terms.RevenueThreshold, Value: 1000000, Currency: "USD", Text: "organizations with less than US$1,000,000 in annual revenue"},
			profile: "annual_revenue: {amount: 1000000, currency: USD}", verdict: Applies},
	})
}

func TestTerritory(t *testing.T) {
	yes, no := true, false
	mm := Context{Multimodal: &yes}
	runEvalCases(t, []evalCase{
		{name: "German company, multimodal Llama 3.2", license: "llama3.2-aup", loc: "USE_POLICY.md:3", term: llama32EU, ctx: mm,
			profile: "headquarters: DE", verdict: Applies,
			contain: []string{"your headquarters DE (EU)", "llama3.2-aup USE_POLICY.md:3", "multimodal models"}},
		{name: "German company, catalog wording", term: llama32EUText, ctx: mm,
			profile: "headquarters: DE\ncountries: [DE]", verdict: Applies},
		{name: "end user is exempt", term: llama32EU, ctx: Context{Multimodal: &yes, Role: RoleEndUser},
			profile: "headquarters: DE", verdict: DoesNotApply, contain: []string{"end user"}},
		{name: "end user from profile", term: llama32EU, ctx: mm,
			profile: "headquarters: DE\nrole: end-user", verdict: DoesNotApply},
		{name: "context role overrides profile", term: llama32EU, ctx: Context{Multimodal: &yes, Role: RoleDeveloper},
			profile: "headquarters: DE\nrole: end-user", verdict: Applies},
		{name: "text-only model", term: llama32EU, ctx: Context{Multimodal: &no},
			profile: "headquarters: DE", verdict: DoesNotApply, contain: []string{"not multimodal"}},
		{name: "modality unknown", term: llama32EU,
			profile: "headquarters: DE", verdict: Undetermined, contain: []string{"multimodal is unknown"}},
		{name: "US company", term: llama32EU, ctx: mm,
			profile: "headquarters: US\ncountries: [US, CA]", verdict: DoesNotApply},
		{name: "US company operating in France, operations count", term: llama32EU, ctx: mm,
			profile: "headquarters: US\ncountries: [US, FR]", verdict: Applies, contain: []string{"you operate in FR (EU)"}},
		{name: "US company operating in France, principal place of business counts", term: llama32EUText, ctx: mm,
			profile: "headquarters: US\ncountries: [US, FR]", verdict: DoesNotApply, contain: []string{"your headquarters US is not in EU"}},
		{name: "no headquarters", term: llama32EU, ctx: mm,
			profile: "countries: [US]", verdict: Undetermined, missing: []string{"headquarters"}},
		{name: "countries unknown", term: llama32EU, ctx: mm,
			profile: "headquarters: US", verdict: Undetermined, missing: []string{"countries"}},
		{name: "plain country list", term: terms.Term{Kind: terms.TerritoryExclusion, Regions: []string{"CN", "RU"}},
			profile: "headquarters: GB\ncountries: [GB, RU]", verdict: Applies, contain: []string{"you operate in RU", "grants no rights in CN, RU"}},
		{name: "EEA", term: terms.Term{Kind: terms.TerritoryExclusion, Regions: []string{"EEA"}},
			profile: "headquarters: NO\ncountries: []", verdict: Applies},
		{name: "unknown scope", term: terms.Term{Kind: terms.TerritoryExclusion, Regions: []string{"EU"}, Scope: "models over 100B parameters"},
			profile: "headquarters: FR", verdict: Undetermined},
	})
}

func TestNonCommercial(t *testing.T) {
	runEvalCases(t, []evalCase{
		{name: "research-only passes CC-BY-NC", license: "CC-BY-NC-4.0", term: ccByNC,
			profile: "uses: [research-only]", verdict: DoesNotApply, contain: []string{"research-only"}},
		{name: "research-only passes Qwen Research", license: "qwen-research", term: qwenResearch,
			profile: "uses: [research-only, publish-derivatives]", verdict: DoesNotApply},
		{name: "commercial fails CC-BY-NC", license: "CC-BY-NC-4.0", term: ccByNC,
			profile: "uses: [internal, commercial]", verdict: Applies,
			reason: "your use commercial is commercial, but CC-BY-NC-4.0 allows only non-commercial use"},
		{name: "commercial fails Qwen Research", license: "qwen-research", term: qwenResearch,
			profile: "uses: [commercial]", verdict: Applies, contain: []string{"allows only research, evaluation use"}},
		{name: "hosted service is commercial", term: qwenResearch,
			profile: "uses: [hosted-service]", verdict: Applies},
		{name: "internal use is undetermined", term: ccByNC,
			profile: "uses: [internal]", verdict: Undetermined, missing: []string{"uses"}},
		{name: "unknown uses", term: ccByNC, profile: "name: x", verdict: Undetermined, missing: []string{"uses"}},
		{name: "empty uses", term: ccByNC, profile: "uses: []", verdict: Undetermined, missing: []string{"uses"}},
	})
}

func TestFieldOfUse(t *testing.T) {
	ban := terms.Term{Kind: terms.FieldOfUse, Categories: []string{"military", "weapons", "medical-advice", "surveillance"}}
	runEvalCases(t, []evalCase{
		{name: "defense vs military", term: ban, profile: "fields: [defense]", verdict: Applies,
			contain: []string{"defense (military, weapons)"}},
		{name: "healthcare vs medical advice", term: ban, profile: "fields: [healthcare]", verdict: Applies,
			contain: []string{"healthcare (medical-advice)"}},
		{name: "biometrics vs surveillance", term: ban, profile: "fields: [biometrics]", verdict: Applies},
		{name: "finance is not banned", term: ban, profile: "fields: [finance]", verdict: DoesNotApply,
			contain: []string{"(finance)"}},
		{name: "no fields of note", term: ban, profile: "fields: []", verdict: DoesNotApply},
		{name: "fields unknown", term: ban, profile: "uses: [commercial]", verdict: Undetermined, missing: []string{"fields"}},
		{name: "unlisted categories", term: terms.Term{Kind: terms.FieldOfUse}, profile: "fields: [finance]", verdict: Undetermined},
		{name: "field named like the category", term: terms.Term{Kind: terms.FieldOfUse, Categories: []string{"gambling-services"}},
			profile: "fields: [gambling]", verdict: Applies},
	})
}

func TestUseRestrictions(t *testing.T) {
	outputs := terms.Term{Kind: terms.OutputsRestriction, Categories: []string{"train-other-models"}}
	hosting := terms.Term{Kind: terms.HostingRestriction}
	runEvalCases(t, []evalCase{
		{name: "train on outputs", term: outputs, profile: "uses: [internal, train-on-outputs]", verdict: Applies,
			contain: []string{"train-other-models"}},
		{name: "no training on outputs", term: outputs, profile: "uses: [commercial]", verdict: DoesNotApply},
		{name: "outputs, unknown uses", term: outputs, profile: "", verdict: Undetermined, missing: []string{"uses"}},
		{name: "hosted service", term: hosting, profile: "uses: [hosted-service]", verdict: Applies},
		{name: "no hosted service", term: hosting, profile: "uses: [commercial, internal]", verdict: DoesNotApply},
		{name: "hosting, unknown uses", term: hosting, profile: "", verdict: Undetermined, missing: []string{"uses"}},
	})
}

func TestObligationVerdicts(t *testing.T) {
	attr := terms.Term{Kind: terms.AttributionRequirement, Statement: "Built with Llama"}
	naming := terms.Term{Kind: terms.NamingRequirement, Prefix: "Llama"}
	var cases []evalCase
	for _, k := range []terms.Kind{terms.AttributionRequirement, terms.NoticeRequirement, terms.CopyOfLicenseRequired, terms.PassThrough} {
		tm := terms.Term{Kind: k}
		cases = append(cases,
			evalCase{name: string(k) + " commercial", term: tm, profile: "uses: [commercial]", verdict: Applies},
			evalCase{name: string(k) + " redistribute", term: tm, profile: "uses: [redistribute-weights]", verdict: Applies},
			evalCase{name: string(k) + " internal", term: tm, profile: "uses: [internal]", verdict: DoesNotApply},
			evalCase{name: string(k) + " unknown", term: tm, profile: "", verdict: Undetermined, missing: []string{"uses"}},
		)
	}
	cases = append(cases,
		evalCase{name: "attribution quotes statement", term: attr, profile: "uses: [commercial]", verdict: Applies,
			contain: []string{`"Built with Llama"`}},
		evalCase{name: "naming when publishing derivatives", term: naming, profile: "uses: [publish-derivatives]", verdict: Applies,
			contain: []string{`start with "Llama"`}},
		evalCase{name: "naming without derivatives", term: naming, profile: "uses: [commercial]", verdict: DoesNotApply},
		evalCase{name: "policy binds internal use", term: terms.Term{Kind: terms.IncorporatedPolicy, Policy: "llama3.1-aup"},
			profile: "uses: [internal]", verdict: Applies, contain: []string{"llama3.1-aup"}},
		evalCase{name: "licensor may update", term: terms.Term{Kind: terms.LicensorMayUpdate}, profile: "", verdict: Applies,
			contain: []string{"change"}},
		evalCase{name: "remote restriction", term: terms.Term{Kind: terms.RemoteRestriction}, profile: "", verdict: Applies,
			contain: []string{"remotely"}},
		evalCase{name: "unknown kind", term: terms.Term{Kind: "something-new"}, profile: "", verdict: Undetermined},
	)
	runEvalCases(t, cases)
}

func TestEveryKindIsEvaluated(t *testing.T) {
	for _, k := range terms.Kinds {
		if _, ok := evaluators[k]; !ok {
			t.Errorf("kind %s has no evaluator in evaluate.go", k)
		}
		e := EvaluateTerm("x", "", terms.Term{Kind: k}, nil, nil, Context{})
		if strings.Contains(e.Reason, "does not know how") {
			t.Errorf("kind %s is not evaluated", k)
		}
		if e.Verdict == "" || e.Reason == "" {
			t.Errorf("kind %s: empty evaluation %+v", k, e)
		}
	}
	if got := Evaluate("x", "", []terms.Term{llama31Users, stabilityRevenue}, nil, nil, Context{}); len(got) != 2 {
		t.Errorf("Evaluate returned %d evaluations", len(got))
	}
}

func TestGroup(t *testing.T) {
	for in, want := range map[int64]string{0: "0", 7: "7", 999: "999", 1000: "1,000", 700000000: "700,000,000", -1234567: "-1,234,567"} {
		if got := Thousands(in); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[float64]string{2e6: "2,000,000", 1234.5: "1,234.50", 0.999: "1.00", 1e19: "1e+19"} {
		if got := groupAmount(in); got != want {
			t.Errorf("groupAmount(%v) = %q, want %q", in, got, want)
		}
	}
}
