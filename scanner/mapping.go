package scanner

import (
	"github.com/carveout/carveout/licenses/profile"
	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner/report"
)

// The report's types are the JSON contract; the catalog's, the
// extractor's and the profile's types are carveout's own. These functions
// are the one place one is turned into the other.

// reportTerm maps an extracted or catalog term (without its evidence,
// which the caller maps to file places) onto the report's.
func reportTerm(t terms.Term, ev []Evidence) Term {
	if ev == nil {
		ev = []Evidence{}
	}
	return Term{
		Kind: string(t.Kind), Metric: t.Metric, Value: t.Value, Currency: t.Currency, Period: t.Period,
		Measured: t.Measured, Effect: t.Effect, Regions: t.Regions, Scope: t.Scope, Exempt: t.Exempt,
		Allowed: t.Allowed, Categories: t.Categories, Prefix: t.Prefix, Statement: t.Statement,
		Notice: t.Notice, Policy: t.Policy, Clause: t.Clause, Text: t.Text, Description: terms.Describe(t), Origin: t.Origin, Evidence: ev,
	}
}

// termOf maps a report term back onto the extractor's type, for the
// profile evaluation (evidence lines are not needed there).
func termOf(t Term) terms.Term {
	return terms.Term{
		Kind: terms.Kind(t.Kind), Metric: t.Metric, Value: t.Value, Currency: t.Currency, Period: t.Period,
		Measured: t.Measured, Effect: t.Effect, Regions: t.Regions, Scope: t.Scope, Exempt: t.Exempt,
		Allowed: t.Allowed, Categories: t.Categories, Prefix: t.Prefix, Statement: t.Statement,
		Notice: t.Notice, Policy: t.Policy, Clause: t.Clause, Text: t.Text, Origin: t.Origin,
	}
}

// reportProfile maps the evaluated profile onto the report's.
func reportProfile(p *profile.Profile) *report.Profile {
	if p == nil {
		return nil
	}
	out := &report.Profile{
		Name: p.Name, MonthlyActiveUsers: p.MonthlyActiveUsers, DailyActiveUsers: p.DailyActiveUsers,
		MonthlyVisits: p.MonthlyVisits, Headquarters: p.Headquarters, Countries: p.Countries,
		Fields: p.Fields, DerivativeName: p.DerivativeName, Role: p.Role, ExchangeRates: p.ExchangeRates,
		MonthlyActiveUsersAt: p.MonthlyActiveUsersAt, CommercialLicenses: p.CommercialLicenses,
	}
	if p.AnnualRevenue != nil {
		out.AnnualRevenue = &report.Money{Amount: p.AnnualRevenue.Amount, Currency: p.AnnualRevenue.Currency}
	}
	for _, u := range p.Uses {
		out.Uses = append(out.Uses, string(u))
	}
	return out
}
