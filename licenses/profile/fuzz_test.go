package profile

import (
	"math"
	"testing"
	"time"
)

func FuzzParseProfile(f *testing.F) {
	f.Add(Template())
	for _, s := range []string{
		"name: Acme\nmonthly_active_users: 820_000_000\nannual_revenue: {amount: 2e6, currency: usd}\nheadquarters: de\ncountries: [DE, FR]\nuses: [commercial]\nfields: [defense]\nexchange_rates: {EUR: 1.08}\n",
		"revenu: 5\n",
		"monthly_active_users: -1\n",
		"a: &a [*a]\nuses: *a\n",
		"uses: !!binary aGVsbG8=\n",
		"---\nname: a\n---\nname: b\n",
		"monthly_visits: 1e400\n",
		"annual_revenue: [1, USD]\n",
		"[unclosed\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParseProfile("fuzz.yaml", data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for _, v := range []*int64{p.MonthlyActiveUsers, p.DailyActiveUsers, p.MonthlyVisits} {
			if v != nil && *v < 0 {
				t.Fatalf("negative count %d", *v)
			}
		}
		if r := p.AnnualRevenue; r != nil && (r.Amount < 0 || math.IsNaN(r.Amount) || !IsCurrency(r.Currency)) {
			t.Fatalf("bad revenue %+v", r)
		}
		for _, c := range p.Locations() {
			if !IsCountry(c) {
				t.Fatalf("bad country %q", c)
			}
		}
		for k, v := range p.ExchangeRates {
			if !IsCurrency(k) || !(v > 0) {
				t.Fatalf("bad rate %s=%v", k, v)
			}
		}
	})
}

func FuzzParsePolicy(f *testing.F) {
	for _, s := range []string{
		"",
		"allow:\n  categories: [permissive]\n  licenses: [MIT]\ndeny:\n  licenses: [llama2]\nfail_on:\n  applies: true\n  undetermined: false\n  unknown_license: true\n  finding_severity: warning\nwaivers:\n  - license: llama3.1\n    rule: applies:*\n    path: '*/LICENSE'\n    reason: signed\n    expires: 2026-12-31\n",
		"waivers:\n  - rule: x\n    reason: r\n    expires: 2026-02-30\n",
		"fail_on: [1]\n",
		"deny: {categories: unknown}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy("fuzz.yaml", data)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		for _, w := range p.Waivers {
			if w.Expires.IsZero() || w.Reason == "" || (w.License == "" && w.Rule == "") {
				t.Fatalf("invalid waiver accepted: %+v", w)
			}
		}
		r := p.Check([]Item{
			{Kind: ItemLicense, License: "unknown", Category: "unknown", Path: "LICENSE"},
			{Kind: ItemFinding, Rule: "r", Severity: SeverityError, Path: "a/b"},
		}, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
		seenNonFailing := false
		for _, v := range r.Violations {
			if v.Failing && seenNonFailing {
				t.Fatal("failing violations must come first")
			}
			seenNonFailing = seenNonFailing || !v.Failing
			if v.Failing && r.Passed {
				t.Fatal("passed with a failing violation")
			}
		}
	})
}

func FuzzParseRates(f *testing.F) {
	f.Add([]byte("EUR: 1.08\nCNY: 0.14\n"))
	f.Add([]byte("exchange_rates:\n  JPY: 0.0067\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRates("fuzz.yaml", data)
		if err != nil {
			return
		}
		for k, v := range r {
			if !IsCurrency(k) || !(v > 0) || math.IsInf(v, 0) {
				t.Fatalf("bad rate %s=%v", k, v)
			}
		}
	})
}
