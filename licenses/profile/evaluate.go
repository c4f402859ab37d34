package profile

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/terms"
)

// Verdict says whether a term bites the organization.
type Verdict string

// The verdicts. The string values are part of the JSON report.
const (
	Applies      Verdict = "applies"
	DoesNotApply Verdict = "does-not-apply"
	Undetermined Verdict = "undetermined"
)

// Evaluation is the verdict on one term with its one-line reason.
type Evaluation struct {
	Verdict Verdict `json:"verdict"`
	Reason  string  `json:"reason"`
	// Missing names the profile keys to fill in to decide an undetermined
	// term ("monthly_active_users", "exchange_rates.EUR").
	Missing []string `json:"missing,omitempty"`
}

// Context is what the evaluation needs to know about the model and the
// organization's role beyond the profile.
type Context struct {
	// Multimodal says whether the model is multimodal; nil when unknown.
	Multimodal *bool
	// Role is RoleDeveloper or RoleEndUser; "" falls back to the profile's
	// role, then to developer.
	Role string
	// ShipsNotice says whether the model ships a NOTICE file; nil when
	// unknown. A NOTICE duty that binds only works that include one
	// (Apache-2.0 §4(d)) does not arise without it.
	ShipsNotice *bool
}

// Evaluate evaluates every term of one license, in order.
func Evaluate(licenseID, location string, ts []terms.Term, p *Profile, rates Rates, ctx Context) []Evaluation {
	out := make([]Evaluation, len(ts))
	for i, t := range ts {
		out[i] = EvaluateTerm(licenseID, location, t, p, rates, ctx)
	}
	return out
}

// EvaluateTerm decides whether term t of license licenseID applies to the
// organization described by p. location is where the term is ("LICENSE:64-67"
// or just "LICENSE", completed with the term's evidence lines); rates
// override the profile's exchange rates. A nil profile is an empty one.
func EvaluateTerm(licenseID, location string, t terms.Term, p *Profile, rates Rates, ctx Context) Evaluation {
	if p == nil {
		p = &Profile{}
	}
	ref := reference(licenseID, location, t)
	if e, ok := endUserExempt(ref, t, p, ctx); ok {
		return e
	}
	if eval, ok := evaluators[t.Kind]; ok {
		merged := p.ExchangeRates // read only: no copy unless rates override it
		if len(rates) > 0 {
			merged = merged.Merge(rates)
		}
		return eval(ref, t, p, merged, ctx)
	}
	return Evaluation{Verdict: Undetermined, Reason: fmt.Sprintf("%s: carveout does not know how to evaluate a %q term; read it", ref, t.Kind)}
}

// endUserExempt: a term whose clause exempts end users (Llama §1.b.ii,
// Stability's community license §III) does not bind an organization whose
// role is end-user. Territory exclusions say where the user is first.
func endUserExempt(ref string, t terms.Term, p *Profile, ctx Context) (Evaluation, bool) {
	if t.Kind == terms.TerritoryExclusion || role(p, ctx) != RoleEndUser || !exemptsEndUsers(t) {
		return Evaluation{}, false
	}
	clause := ""
	if t.Clause != "" {
		clause = " (" + t.Clause + ")"
	}
	return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
		"%s exempts %s%s, and the profile's role is end-user", ref, t.Exempt, clause)}, true
}

func exemptsEndUsers(t terms.Term) bool {
	return strings.Contains(strings.ReplaceAll(strings.ToLower(t.Exempt), "-", " "), "end user")
}

// role is the organization's role: the context's, else the profile's,
// else developer.
func role(p *Profile, ctx Context) string {
	switch {
	case ctx.Role != "":
		return ctx.Role
	case p.Role != "":
		return p.Role
	}
	return RoleDeveloper
}

// evaluator decides one kind of term; ref names the license and place.
type evaluator func(ref string, t terms.Term, p *Profile, rates Rates, ctx Context) Evaluation

// evaluators holds the evaluation of every term kind (a test checks that
// each kind of terms.Kinds has one).
var evaluators = map[terms.Kind]evaluator{
	terms.UserThreshold: func(ref string, t terms.Term, p *Profile, _ Rates, _ Context) Evaluation {
		return evalUsers(ref, t, p)
	},
	terms.RevenueThreshold: func(ref string, t terms.Term, p *Profile, rates Rates, _ Context) Evaluation {
		return evalRevenue(ref, t, p, rates)
	},
	terms.TerritoryExclusion: func(ref string, t terms.Term, p *Profile, _ Rates, ctx Context) Evaluation {
		return evalTerritory(ref, t, p, ctx)
	},
	terms.NonCommercial: func(ref string, t terms.Term, p *Profile, _ Rates, _ Context) Evaluation {
		return evalNonCommercial(ref, t, p)
	},
	terms.FieldOfUse: func(ref string, t terms.Term, p *Profile, _ Rates, _ Context) Evaluation {
		return evalFieldOfUse(ref, t, p)
	},
	terms.OutputsRestriction: func(ref string, t terms.Term, p *Profile, _ Rates, _ Context) Evaluation {
		return evalByUse(ref, p, UseTrainOnOutputs,
			"you use outputs to train other models, which %s restricts%s",
			"your uses do not include training other models on outputs, which %s restricts%s",
			categoriesNote(t.Categories))
	},
	terms.HostingRestriction: func(ref string, _ terms.Term, p *Profile, _ Rates, _ Context) Evaluation {
		return evalByUse(ref, p, UseHostedService,
			"you offer the model as a hosted service, which %s does not allow without separate permission%s",
			"your uses do not include offering the model as a hosted service, which %s restricts%s", "")
	},
	terms.NamingRequirement:      evalObligationK,
	terms.AttributionRequirement: evalObligationK,
	terms.NoticeRequirement: func(ref string, t terms.Term, p *Profile, r Rates, ctx Context) Evaluation {
		if t.Scope == terms.NoticeIfShipped && ctx.ShipsNotice != nil && !*ctx.ShipsNotice {
			return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
				"%s requires its NOTICE duty only of works that include a NOTICE file, and this model ships none", ref)}
		}
		if strings.Contains(t.Exempt, "hosted service") && p.HasUse(UseHostedService) && !p.HasUse(UseRedistribute) &&
			!p.HasUse(UsePublishDerivatives) && !p.HasUse(UseCommercial) {
			return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
				"you only offer the model as a hosted service, which %s exempts from its NOTICE duty", ref)}
		}
		e := evalObligation(ref, t, p)
		if t.Scope == terms.NoticeIfShipped && ctx.ShipsNotice == nil && e.Verdict == Applies {
			e.Reason += " (only if the work includes a NOTICE file)"
		}
		return e
	},
	terms.CopyOfLicenseRequired: evalObligationK,
	terms.PassThrough:           evalObligationK,
	terms.IncorporatedPolicy: func(ref string, t terms.Term, p *Profile, _ Rates, _ Context) Evaluation {
		return evalPolicy(ref, t, p)
	},
	terms.LicensorMayUpdate: func(ref string, _ terms.Term, _ *Profile, _ Rates, _ Context) Evaluation {
		return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(
			"%s lets the licensor change its terms: re-check the current version before each release", ref)}
	},
	terms.RemoteRestriction: func(ref string, _ terms.Term, _ *Profile, _ Rates, _ Context) Evaluation {
		return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(
			"%s lets the licensor restrict use remotely: plan for being told to stop or update", ref)}
	},
	terms.TerminationAtWill: func(ref string, _ terms.Term, _ *Profile, _ Rates, _ Context) Evaluation {
		return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(
			"%s lets the licensor end the license at any time, without a breach: plan for losing the right to use the model", ref)}
	},
	terms.CommercialUseGate: func(ref string, t terms.Term, p *Profile, _ Rates, _ Context) Evaluation {
		return evalGate(ref, t, p)
	},
	terms.DistributionRestriction: func(ref string, t terms.Term, p *Profile, _ Rates, _ Context) Evaluation {
		what := "the materials"
		if len(t.Categories) > 0 {
			what = strings.Join(t.Categories, ", ")
		}
		if len(p.Uses) == 0 {
			return Evaluation{Verdict: Undetermined, Missing: []string{"uses"}, Reason: fmt.Sprintf(
				"%s forbids distributing %s: set uses in the profile", ref, what)}
		}
		var hits []string
		uses := []Use{UseRedistribute, UsePublishDerivatives}
		if slices.Contains(t.Categories, "sale") {
			// Selling covers a product or service whose value derives
			// from the model (the Commons Clause's "Sell").
			uses = append(uses, UseCommercial, UseHostedService)
		}
		for _, u := range uses {
			if p.HasUse(u) {
				hits = append(hits, string(u))
			}
		}
		if len(hits) > 0 {
			return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(
				"your uses (%s) distribute or sell the model or what is built on it, but %s forbids distributing %s", strings.Join(hits, ", "), ref, what)}
		}
		return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
			"you do not redistribute the model or publish derivatives, which %s forbids (%s)", ref, what)}
	},
	terms.ShareAlike: func(ref string, _ terms.Term, p *Profile, _ Rates, _ Context) Evaluation {
		if len(p.Uses) == 0 {
			return Evaluation{Verdict: Undetermined, Missing: []string{"uses"}, Reason: fmt.Sprintf(
				"%s requires adaptations you share to carry the same license: set uses in the profile", ref)}
		}
		if p.HasUse(UsePublishDerivatives) {
			return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(
				"you publish derivatives: %s requires them to be licensed under the same (or a compatible) license", ref)}
		}
		return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
			"you do not share adaptations, so %s's same-license duty does not arise", ref)}
	},
	terms.ModificationNotice: func(ref string, _ terms.Term, p *Profile, _ Rates, _ Context) Evaluation {
		if len(p.Uses) == 0 {
			return Evaluation{Verdict: Undetermined, Missing: []string{"uses"}, Reason: fmt.Sprintf(
				"%s requires modified files you distribute to say they were changed: set uses in the profile", ref)}
		}
		if p.HasUse(UsePublishDerivatives) {
			return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(
				"you publish derivatives: %s requires every modified file to carry a notice that you changed it", ref)}
		}
		return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
			"you do not publish modified files or derivatives, so %s's notice of changes does not arise", ref)}
	},
}

// evalGate: commercial (or production) use needs a registration,
// subscription or separate license first.
func evalGate(ref string, t terms.Term, p *Profile) Evaluation {
	scope := strings.TrimSpace(t.Scope)
	if scope == "" {
		scope = "commercial use"
	}
	need := strings.TrimSpace(t.Effect)
	if need == "" {
		need = "separate license required"
	}
	if contains(p.CommercialLicenses, ref0(ref)) {
		return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
			"%s gates %s (%s), and the profile's commercial_licenses lists %s", ref, scope, need, ref0(ref))}
	}
	if len(p.Uses) == 0 {
		return Evaluation{Verdict: Undetermined, Missing: []string{"uses"}, Reason: fmt.Sprintf(
			"%s gates %s (%s): set uses in the profile", ref, scope, need)}
	}
	if p.HasUse(UseResearchOnly) {
		return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
			"your uses are research-only; %s gates only %s (%s)", ref, scope, need)}
	}
	production := strings.Contains(strings.ToLower(scope), "production")
	var hits []string
	for _, u := range append([]Use{UseInternal}, commercialUses...) {
		if (u != UseInternal || production) && p.HasUse(u) {
			hits = append(hits, string(u))
		}
	}
	if len(hits) > 0 {
		return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(
			"your use %s is %s, which %s allows only after it is unlocked (%s): list the license in commercial_licenses once done",
			strings.Join(hits, ", "), scope, ref, need)}
	}
	return Evaluation{Verdict: Undetermined, Missing: []string{"uses"}, Reason: fmt.Sprintf(
		"%s gates %s (%s); whether your uses are %s depends on the purpose: add commercial or research-only to uses", ref, scope, need, scope)}
}

func evalObligationK(ref string, t terms.Term, p *Profile, _ Rates, _ Context) Evaluation {
	return evalObligation(ref, t, p)
}

// ref0 returns the license id at the start of a reference.
func ref0(ref string) string {
	id, _, _ := strings.Cut(ref, " ")
	return id
}

// reference is "llama3.1 LICENSE:64-67": the license and where the term is.
func reference(licenseID, location string, t terms.Term) string {
	if licenseID == "" {
		licenseID = "the license"
	}
	loc := location
	if len(t.Evidence) > 0 && t.Evidence[0].Start > 0 && !hasLines(loc) {
		lines := lineRange(t.Evidence[0])
		if loc == "" {
			loc = "lines " + lines
		} else {
			loc += ":" + lines
		}
	}
	if loc == "" {
		return licenseID
	}
	return licenseID + " " + loc
}

func hasLines(loc string) bool {
	i := strings.LastIndexByte(loc, ':')
	if i < 0 || i == len(loc)-1 {
		return false
	}
	c := loc[i+1]
	return c >= '0' && c <= '9'
}

func lineRange(l terms.Lines) string {
	if l.End > l.Start {
		return fmt.Sprintf("%d-%d", l.Start, l.End)
	}
	return strconv.Itoa(l.Start)
}

// Thousands formats n with thousands separators: 820,000,000.
func Thousands(n int64) string { return terms.Thousands(n) }

// groupAmount formats an amount: whole numbers grouped, others with cents.
func groupAmount(f float64) string {
	if f >= 1e18 {
		return strconv.FormatFloat(f, 'g', -1, 64)
	}
	w := math.Trunc(f)
	if f == w {
		return Thousands(int64(w))
	}
	cents := int64(math.Round((f - w) * 100))
	if cents == 100 {
		return Thousands(int64(w)+1) + ".00"
	}
	return fmt.Sprintf("%s.%02d", Thousands(int64(w)), cents)
}

func money(amount float64, cur string) string { return cur + " " + groupAmount(amount) }

// effect says what happens past a threshold, naming the licensor to ask
// for a separate license when the catalog knows it.
func effect(licenseID string, t terms.Term, fallback string) string {
	e := strings.TrimSpace(t.Effect)
	if e == "" {
		return " — " + fallback
	}
	low := strings.ToLower(e)
	if strings.Contains(low, "license") && !strings.Contains(low, " from ") {
		if l, ok := licenses.Lookup(licenseID); ok && l.Licensor != "" {
			e += " (from " + l.Licensor + ")"
		}
	}
	return " — " + e
}

// userMetric is a user count the profile records.
type userMetric struct {
	key    string // profile key
	abbrev string // "MAU"
	long   string // "monthly active users"
	value  func(*Profile) *int64
}

var (
	mau    = userMetric{"monthly_active_users", "MAU", "monthly active users", func(p *Profile) *int64 { return p.MonthlyActiveUsers }}
	dau    = userMetric{"daily_active_users", "DAU", "daily active users", func(p *Profile) *int64 { return p.DailyActiveUsers }}
	visits = userMetric{"monthly_visits", "monthly visits", "monthly visits", func(p *Profile) *int64 { return p.MonthlyVisits }}
)

// countMetric is what a user threshold counts, and how the profile's
// counts bound it.
type countMetric struct {
	long  string
	exact *userMetric
	// lower: profile counts never above this metric (one above the
	// threshold proves it is exceeded).
	lower []userMetric
	// upper: profile counts never below this metric (one within the
	// threshold proves it is not exceeded).
	upper []userMetric
}

func metricFor(name string) (countMetric, bool) {
	n := strings.ToLower(strings.TrimSpace(name))
	n = strings.NewReplacer("-", "_", " ", "_").Replace(n)
	switch n {
	case "monthly_active_users", "mau", "monthly_users", "monthly_active_user":
		return countMetric{long: mau.long, exact: &mau, lower: []userMetric{dau}}, true
	case "daily_active_users", "dau", "daily_users", "daily_active_user":
		return countMetric{long: dau.long, exact: &dau, upper: []userMetric{mau}}, true
	case "weekly_active_users", "wau":
		return countMetric{long: "weekly active users", lower: []userMetric{dau}, upper: []userMetric{mau}}, true
	case "monthly_visits", "visits_per_month", "monthly_visitors":
		return countMetric{long: visits.long, exact: &visits}, true
	case "", "users", "active_users", "user":
		return countMetric{long: "users", lower: []userMetric{mau, dau}}, true
	}
	return countMetric{}, false
}

// measuredDate is the date a threshold is counted at: the license
// version's release date when the term says so and the catalog knows it.
func measuredDate(licenseID string, t terms.Term) string {
	if !strings.Contains(strings.ToLower(t.Measured+" "+t.Text), "release date") {
		return ""
	}
	if l, ok := licenses.Lookup(licenseID); ok {
		return l.Date
	}
	return ""
}

// tripsAtThreshold reports whether a count equal to the threshold is
// already caught: true when the text grants the license only below it
// ("less than US$1,000,000"), false for "greater than 700 million".
func tripsAtThreshold(t terms.Term) bool {
	s := strings.ToLower(t.Text)
	for _, w := range []string{"less than", "below", "under ", "fewer than", "lower than"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func evalUsers(ref string, t terms.Term, p *Profile) Evaluation {
	m, ok := metricFor(t.Metric)
	if !ok {
		return Evaluation{Verdict: Undetermined, Reason: fmt.Sprintf(
			"the threshold of %s counts %q, which the profile does not record; check it by hand", ref, t.Metric)}
	}
	if t.Value <= 0 {
		return Evaluation{Verdict: Undetermined, Reason: fmt.Sprintf("the %s threshold of %s has no value; read the text", m.long, ref)}
	}
	// "If you are commercially using the Materials, and ... more than 100
	// million monthly active users" (Tongyi Qianwen): no commercial use, no
	// cap.
	if strings.Contains(strings.ToLower(t.Scope), "commercial") && p.HasUse(UseResearchOnly) {
		return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
			"the %s threshold of %s binds only %s, and your uses are research-only", Thousands(t.Value), ref, t.Scope)}
	}
	measured := ""
	if t.Measured != "" {
		measured = " (measured " + t.Measured + ")"
	}
	trips := func(v int64) bool { return v > t.Value || (v == t.Value && tripsAtThreshold(t)) }
	verb := func(v int64) string {
		if v == t.Value {
			return "reach"
		}
		return "exceed"
	}
	eff := effect(ref0(ref), t, "the license no longer covers you")
	if m.exact != nil && m.exact.key == mau.key {
		if date := measuredDate(ref0(ref), t); date != "" {
			if v, at, ok := p.UsersAt(date); ok {
				if trips(v) {
					return Evaluation{Verdict: Applies, Reason: fmt.Sprintf("your %s MAU on %s %s the %s threshold of %s, counted on %s (the version release date)%s",
						Thousands(v), at, verb(v), Thousands(t.Value), ref, date, eff)}
				}
				return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
					"your %s MAU on %s are within the %s threshold of %s, counted on %s (the version release date)",
					Thousands(v), at, Thousands(t.Value), ref, date)}
			}
			measured = fmt.Sprintf(" (counted on %s, the version release date; compared with your current count: set monthly_active_users_at for that date)", date)
		}
	}
	if m.exact != nil {
		if v := m.exact.value(p); v != nil {
			if trips(*v) {
				return Evaluation{Verdict: Applies, Reason: fmt.Sprintf("your %s %s %s the %s threshold of %s%s%s",
					Thousands(*v), m.exact.abbrev, verb(*v), Thousands(t.Value), ref, measured, eff)}
			}
			return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
				"your %s %s are within the %s threshold of %s%s (counted in %s, not revenue)",
				Thousands(*v), m.exact.abbrev, Thousands(t.Value), ref, measured, m.long)}
		}
	}
	for _, b := range m.lower {
		if v := b.value(p); v != nil && trips(*v) {
			return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(
				"your %s %s %s the %s threshold of %s%s, which counts %s (at least as many as %s)%s",
				Thousands(*v), b.abbrev, verb(*v), Thousands(t.Value), ref, measured, m.long, b.long, eff)}
		}
	}
	for _, b := range m.upper {
		if v := b.value(p); v != nil && !trips(*v) {
			return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
				"your %s %s are within the %s threshold of %s%s, which counts %s (never more than %s)",
				Thousands(*v), b.abbrev, Thousands(t.Value), ref, measured, m.long, b.long)}
		}
	}
	if m.exact != nil {
		return Evaluation{Verdict: Undetermined, Missing: []string{m.exact.key}, Reason: fmt.Sprintf(
			"the %s %s threshold of %s cannot be checked: set %s in the profile (users are never compared with revenue)",
			Thousands(t.Value), m.long, ref, m.exact.key)}
	}
	var missing []string
	for _, b := range append(append([]userMetric{}, m.lower...), m.upper...) {
		if b.value(p) == nil {
			missing = append(missing, b.key)
		}
	}
	return Evaluation{Verdict: Undetermined, Missing: missing, Reason: fmt.Sprintf(
		"the %s threshold of %s counts %s, which the profile's counts do not settle; check the number by hand",
		Thousands(t.Value), ref, m.long)}
}

func evalRevenue(ref string, t terms.Term, p *Profile, rates Rates) Evaluation {
	cur := strings.ToUpper(strings.TrimSpace(t.Currency))
	if t.Value <= 0 || cur == "" {
		return Evaluation{Verdict: Undetermined, Reason: fmt.Sprintf("the revenue threshold of %s has no amount or currency; read the text", ref)}
	}
	threshold := money(float64(t.Value), cur)
	if per := strings.ToLower(strings.TrimSpace(t.Period)); per != "" && !strings.Contains(per, "annual") && !strings.Contains(per, "year") {
		return Evaluation{Verdict: Undetermined, Reason: fmt.Sprintf(
			"the %s threshold of %s counts revenue per %s; the profile gives annual revenue", threshold, ref, t.Period)}
	}
	r := p.AnnualRevenue
	if r == nil {
		return Evaluation{Verdict: Undetermined, Missing: []string{"annual_revenue"}, Reason: fmt.Sprintf(
			"the %s revenue threshold of %s cannot be checked: set annual_revenue in the profile", threshold, ref)}
	}
	amount := r.Amount
	yours := "your annual revenue of " + money(r.Amount, r.Currency)
	if r.Currency != cur {
		from, okF := rates.USDPer(r.Currency)
		to, okT := rates.USDPer(cur)
		if !okF || !okT {
			var missing []string
			if !okF {
				missing = append(missing, "exchange_rates."+r.Currency)
			}
			if !okT {
				missing = append(missing, "exchange_rates."+cur)
			}
			return Evaluation{Verdict: Undetermined, Missing: missing, Reason: fmt.Sprintf(
				"%s cannot be compared with the %s threshold of %s without an exchange rate: set %s (USD per unit); rates are never guessed",
				yours, threshold, ref, strings.Join(missing, " and "))}
		}
		amount = r.Amount * from / to
		yours += fmt.Sprintf(" (%s at %s)", money(amount, cur), rateText(r.Currency, cur, from, to))
	}
	target := float64(t.Value)
	if amount > target || (amount == target && tripsAtThreshold(t)) {
		return Evaluation{Verdict: Applies, Reason: fmt.Sprintf("%s exceeds the %s threshold of %s%s",
			yours, threshold, ref, effect(ref0(ref), t, "the license no longer covers you"))}
	}
	return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf("%s is within the %s threshold of %s", yours, threshold, ref)}
}

func rateText(from, to string, fromUSD, toUSD float64) string {
	r := fromUSD / toUSD
	return strconv.FormatFloat(r, 'g', 6, 64) + " " + to + " per " + from
}

func evalTerritory(ref string, t terms.Term, p *Profile, ctx Context) Evaluation {
	var regions []string
	for _, r := range t.Regions {
		if r = strings.ToUpper(strings.TrimSpace(r)); r != "" {
			regions = append(regions, r)
		}
	}
	if len(regions) == 0 {
		return Evaluation{Verdict: Undetermined, Reason: fmt.Sprintf("the territory exclusion of %s names no region; read the text", ref)}
	}
	regionList := strings.Join(regions, ", ")
	inAny := func(c string) string {
		for _, r := range regions {
			if inRegion(c, r) {
				if c == r {
					return c
				}
				return c + " (" + r + ")"
			}
		}
		return ""
	}
	hqOnly := hqBased(t)
	var hits []string
	var missing []string
	if p.Headquarters == "" {
		missing = append(missing, "headquarters")
	} else if h := inAny(p.Headquarters); h != "" {
		hits = append(hits, "your headquarters "+h)
	}
	if !hqOnly {
		if p.Countries == nil {
			missing = append(missing, "countries")
		} else {
			var cs []string
			for _, c := range p.Countries {
				if c == p.Headquarters {
					continue
				}
				if h := inAny(c); h != "" {
					cs = append(cs, h)
				}
			}
			if len(cs) > 0 {
				hits = append(hits, "you operate in "+strings.Join(cs, ", "))
			}
		}
	}
	if len(hits) == 0 {
		if len(missing) > 0 {
			return Evaluation{Verdict: Undetermined, Missing: missing, Reason: fmt.Sprintf(
				"%s withholds rights in %s: set %s in the profile", ref, regionList, strings.Join(missing, " and "))}
		}
		what := "neither your headquarters nor your countries are"
		if hqOnly {
			what = "your headquarters " + p.Headquarters + " is not"
		}
		return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf("%s in %s, where %s withholds rights", what, regionList, ref)}
	}
	where := strings.Join(hits, " and ")
	if role(p, ctx) == RoleEndUser && exemptsEndUsers(t) {
		return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
			"%s, but %s exempts %s, and you are an end user of a product built on the model", where, ref, t.Exempt)}
	}
	exemptNote := ""
	if t.Exempt != "" {
		exemptNote = "; exempt: " + t.Exempt
	}
	if scope := strings.TrimSpace(t.Scope); scope != "" {
		if strings.Contains(strings.ToLower(scope), "multimodal") {
			switch {
			case ctx.Multimodal == nil:
				return Evaluation{Verdict: Undetermined, Reason: fmt.Sprintf(
					"%s and %s withholds rights there for %s, but whether this model is multimodal is unknown", where, ref, scope)}
			case !*ctx.Multimodal:
				return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
					"%s, but the exclusion of %s covers only %s and this model is not multimodal", where, ref, scope)}
			}
		} else {
			return Evaluation{Verdict: Undetermined, Reason: fmt.Sprintf(
				"%s and %s withholds rights there for %s; carveout cannot tell whether this model is in scope", where, ref, scope)}
		}
		return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(
			"%s: %s grants no rights to %s there%s", where, ref, scope, exemptNote)}
	}
	return Evaluation{Verdict: Applies, Reason: fmt.Sprintf("%s: %s grants no rights in %s%s", where, ref, regionList, exemptNote)}
}

// hqBased reports whether the exclusion targets where a party is based
// (principal place of business, domicile) rather than where it operates.
func hqBased(t terms.Term) bool {
	s := strings.ToLower(t.Text + " " + t.Scope + " " + t.Exempt)
	for _, w := range []string{"principal place of business", "domiciled", "headquarter", "incorporated in", "registered office"} {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

// commercialUses are uses that are commercial by nature.
var commercialUses = []Use{UseCommercial, UseHostedService}

func evalNonCommercial(ref string, t terms.Term, p *Profile) Evaluation {
	allowed := "non-commercial"
	if len(t.Allowed) > 0 {
		allowed = strings.Join(t.Allowed, ", ")
	}
	if p.Uses == nil || len(p.Uses) == 0 {
		return Evaluation{Verdict: Undetermined, Missing: []string{"uses"}, Reason: fmt.Sprintf(
			"%s allows only %s use: set uses in the profile", ref, allowed)}
	}
	var hits []string
	for _, u := range commercialUses {
		if p.HasUse(u) {
			hits = append(hits, string(u))
		}
	}
	if len(hits) > 0 {
		return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(
			"your use %s is commercial, but %s allows only %s use", strings.Join(hits, ", "), ref, allowed)}
	}
	if p.HasUse(UseResearchOnly) {
		return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
			"your uses are research-only, which %s allows (%s)", ref, allowed)}
	}
	var us []string
	for _, u := range p.Uses {
		us = append(us, string(u))
	}
	return Evaluation{Verdict: Undetermined, Missing: []string{"uses"}, Reason: fmt.Sprintf(
		"%s allows only %s use; whether your uses (%s) are commercial depends on the purpose: add commercial or research-only to uses",
		ref, allowed, strings.Join(us, ", "))}
}

// fieldCategories maps a profile field to words of the banned-use
// categories it falls under.
var fieldCategories = map[string][]string{
	"defense":                 {"military", "weapon", "warfare", "defense", "defence", "nuclear", "espionage", "itar", "munition", "missile"},
	"military":                {"military", "weapon", "warfare", "defense", "defence", "nuclear", "espionage", "itar", "munition", "missile"},
	"weapons":                 {"weapon", "military", "munition", "missile", "explosive", "firearm", "gun"},
	"nuclear":                 {"nuclear"},
	"healthcare":              {"medical", "health", "clinical", "diagnos", "patient"},
	"medical":                 {"medical", "health", "clinical", "diagnos", "patient"},
	"biometrics":              {"biometric", "facial", "face-recognition", "emotion-recognition", "surveillance"},
	"surveillance":            {"surveillance", "tracking", "monitoring", "facial", "biometric"},
	"law-enforcement":         {"law-enforcement", "policing", "criminal", "justice", "surveillance", "predictive"},
	"legal":                   {"legal"},
	"finance":                 {"financial", "finance", "credit", "lending", "loan", "banking"},
	"insurance":               {"insurance", "credit"},
	"employment":              {"employment", "hiring", "recruit"},
	"education":               {"education", "student", "admission"},
	"critical-infrastructure": {"infrastructure", "utilities", "utility"},
	"government":              {"government", "public-sector", "immigration", "asylum", "border"},
	"immigration":             {"immigration", "asylum", "border", "law-enforcement"},
	"elections":               {"election", "political", "campaign", "voting"},
	"politics":                {"election", "political", "campaign", "voting"},
	"gambling":                {"gambling"},
	"adult":                   {"sexual", "adult", "pornograph"},
	"children":                {"minor", "child", "csam"},
}

func fieldMatches(field, category string) bool {
	c := normField(category)
	if c == field || strings.Contains(c, field) {
		return true
	}
	for _, w := range fieldCategories[field] {
		if strings.Contains(c, w) {
			return true
		}
	}
	return false
}

func evalFieldOfUse(ref string, t terms.Term, p *Profile) Evaluation {
	if len(t.Categories) == 0 {
		return Evaluation{Verdict: Undetermined, Reason: fmt.Sprintf(
			"%s bans some fields of use without listing them; read the text", ref)}
	}
	banned := strings.Join(t.Categories, ", ")
	if p.Fields == nil {
		return Evaluation{Verdict: Undetermined, Missing: []string{"fields"}, Reason: fmt.Sprintf(
			"%s bans use for %s: set fields in the profile ([] if none applies)", ref, banned)}
	}
	var hits []string
	for _, f := range p.Fields {
		var cs []string
		for _, c := range t.Categories {
			if fieldMatches(f, c) {
				cs = append(cs, c)
			}
		}
		if len(cs) > 0 {
			hits = append(hits, f+" ("+strings.Join(cs, ", ")+")")
		}
	}
	if len(hits) > 0 {
		return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(
			"your field %s falls under the uses %s bans; check your use against its exact wording", strings.Join(hits, ", "), ref)}
	}
	fields := "none given"
	if len(p.Fields) > 0 {
		fields = strings.Join(p.Fields, ", ")
	}
	return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
		"your fields (%s) are not among the uses %s bans (%s); the bans still bind every use", fields, ref, banned)}
}

func categoriesNote(cs []string) string {
	if len(cs) == 0 {
		return ""
	}
	return " (" + strings.Join(cs, ", ") + ")"
}

func evalByUse(ref string, p *Profile, u Use, yes, no, note string) Evaluation {
	if len(p.Uses) == 0 {
		return Evaluation{Verdict: Undetermined, Missing: []string{"uses"}, Reason: fmt.Sprintf(
			"%s restricts %s: set uses in the profile", ref, u)}
	}
	if p.HasUse(u) {
		return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(yes, ref, note)}
	}
	return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(no, ref, note)}
}

// distributingUses put the model, a derivative or a product built on it in
// other people's hands, which triggers the distribution duties.
var distributingUses = []Use{UseCommercial, UseHostedService, UseRedistribute, UsePublishDerivatives}

// distributes says whether the profile's uses trigger distribution duties:
// yes, no, or unknown (ok false).
func distributes(p *Profile) (uses []string, yes, ok bool) {
	if len(p.Uses) == 0 {
		return nil, false, false
	}
	for _, u := range distributingUses {
		if p.HasUse(u) {
			uses = append(uses, string(u))
		}
	}
	return uses, len(uses) > 0, true
}

func obligationWhat(t terms.Term) string {
	switch t.Kind {
	case terms.NamingRequirement:
		if t.Prefix != "" {
			return fmt.Sprintf("derivative model names to start with %q", t.Prefix)
		}
		return "derivative models to carry the model's name"
	case terms.AttributionRequirement:
		if t.Statement != "" {
			return fmt.Sprintf("%q to be displayed", t.Statement)
		}
		return "attribution to be displayed"
	case terms.NoticeRequirement:
		return "a NOTICE file with every copy"
	case terms.CopyOfLicenseRequired:
		return "a copy of the license with every copy"
	case terms.PassThrough:
		return "its use restrictions to be passed on to recipients"
	}
	return string(t.Kind)
}

// namingBinds says why a naming rule binds the organization, "" when it
// does not: Llama 3.1+ §1.b.i binds any model created, trained or improved
// with the materials or their outputs that is "distributed or made
// available" — published, hosted, or trained on outputs and put in others'
// hands.
func namingBinds(p *Profile) string {
	switch {
	case p.HasUse(UsePublishDerivatives):
		return "you publish derivative models"
	case p.HasUse(UseHostedService):
		return "you make a model built on it available as a hosted service"
	case p.HasUse(UseTrainOnOutputs) && (p.HasUse(UseCommercial) || p.HasUse(UseRedistribute)):
		return "you train models on its outputs and make them available"
	}
	return ""
}

func evalObligation(ref string, t terms.Term, p *Profile) Evaluation {
	what := obligationWhat(t)
	uses, yes, ok := distributes(p)
	if !ok {
		return Evaluation{Verdict: Undetermined, Missing: []string{"uses"}, Reason: fmt.Sprintf(
			"%s requires %s when you distribute or offer it: set uses in the profile", ref, what)}
	}
	if t.Kind == terms.NamingRequirement {
		if why := namingBinds(p); why != "" {
			return Evaluation{Verdict: Applies, Reason: fmt.Sprintf("%s: %s requires %s", why, ref, what)}
		}
		return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
			"you neither publish nor host a model built on it or on its outputs, so %s's requirement for %s does not arise", ref, what)}
	}
	if yes {
		return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(
			"your uses (%s) put the model or its results in others' hands: %s requires %s", strings.Join(uses, ", "), ref, what)}
	}
	return Evaluation{Verdict: DoesNotApply, Reason: fmt.Sprintf(
		"you use the model internally only; %s requires %s only when you distribute or offer it", ref, what)}
}

func evalPolicy(ref string, t terms.Term, p *Profile) Evaluation {
	pol := t.Policy
	if pol == "" {
		pol = "its acceptable-use policy"
	}
	if len(p.Uses) == 0 {
		return Evaluation{Verdict: Applies, Reason: fmt.Sprintf("%s binds every use to %s", ref, pol)}
	}
	if _, yes, _ := distributes(p); yes {
		return Evaluation{Verdict: Applies, Reason: fmt.Sprintf(
			"%s binds every use to %s, and you must pass it on to those you give the model or products built on it", ref, pol)}
	}
	return Evaluation{Verdict: Applies, Reason: fmt.Sprintf("%s binds every use to %s, internal use included", ref, pol)}
}
