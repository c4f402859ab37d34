// Package profile decides whether license terms bite an organization: it
// parses an organization profile and a policy, evaluates every term of a
// license against the profile (applies, does-not-apply or undetermined,
// with a reason that quotes the numbers), lists the obligations as a
// checklist, checks the policy for CI gating and says what was decided.
// (Derivative checks against a base model's license are license knowledge:
// package licenses.)
//
// It is pure logic: callers pass file contents and the current time; the
// package reads no files, environment variables or network.
package profile

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Use is an intended use of the model.
type Use string

// The uses a profile may list.
const (
	UseInternal           Use = "internal"             // internal use inside the organization
	UseCommercial         Use = "commercial"           // in a commercial product or service
	UseHostedService      Use = "hosted-service"       // offering the model itself as a hosted service / API
	UseRedistribute       Use = "redistribute-weights" // redistributing the weights
	UsePublishDerivatives Use = "publish-derivatives"  // fine-tuning and publishing derivative models
	UseTrainOnOutputs     Use = "train-on-outputs"     // using outputs to train other models
	UseResearchOnly       Use = "research-only"        // research only, no commercial use at all
)

// Uses lists every use in a fixed order.
var Uses = []Use{UseInternal, UseCommercial, UseHostedService, UseRedistribute, UsePublishDerivatives, UseTrainOnOutputs, UseResearchOnly}

// Roles of the organization toward the model.
const (
	// RoleDeveloper: the organization obtains and uses the model itself
	// (the licensee). The default.
	RoleDeveloper = "developer"
	// RoleEndUser: the organization only uses a product or service that
	// someone else built on the model.
	RoleEndUser = "end-user"
)

// Money is an amount in an ISO 4217 currency.
type Money struct {
	Amount   float64 `json:"amount"`
	Currency string  `json:"currency"`
}

// Profile describes the organization that uses the model. Missing facts are
// nil (pointers, slices) or "" (strings): a term that depends on one is
// undetermined, never guessed.
type Profile struct {
	Name string `json:"name,omitempty"`
	// MonthlyActiveUsers of the organization's products and services,
	// affiliates included; DailyActiveUsers and MonthlyVisits likewise.
	MonthlyActiveUsers *int64 `json:"monthly_active_users,omitempty"`
	DailyActiveUsers   *int64 `json:"daily_active_users,omitempty"`
	MonthlyVisits      *int64 `json:"monthly_visits,omitempty"`
	AnnualRevenue      *Money `json:"annual_revenue,omitempty"`
	// Headquarters is an ISO 3166 alpha-2 code; Countries are where the
	// organization is established or operates (headquarters included or
	// not: it is added by Locations).
	Headquarters string   `json:"headquarters,omitempty"`
	Countries    []string `json:"countries,omitempty"`
	Uses         []Use    `json:"uses,omitempty"`
	// Fields the organization works in (defense, healthcare, ...). An
	// empty list means "none of note"; nil means unknown.
	Fields         []string `json:"fields,omitempty"`
	DerivativeName string   `json:"derivative_name,omitempty"`
	// Role is RoleDeveloper or RoleEndUser; "" means developer.
	Role string `json:"role,omitempty"`
	// ExchangeRates give the value of one unit of a currency in USD.
	ExchangeRates Rates `json:"exchange_rates,omitempty"`
	// MonthlyActiveUsersAt is a history of monthly active users by date
	// (YYYY-MM-DD), for thresholds counted at a date (Llama's "on the
	// version release date").
	MonthlyActiveUsersAt map[string]int64 `json:"monthly_active_users_at,omitempty"`
	// CommercialLicenses lists the catalog ids of licenses for which the
	// organization has completed the registration, or holds the
	// subscription or separate commercial license, that commercial use
	// requires (commercial-use-gate terms).
	CommercialLicenses []string `json:"commercial_licenses,omitempty"`
}

// UsersAt returns the monthly active users the history gives for date
// (the latest entry on or before it) and that entry's date.
func (p *Profile) UsersAt(date string) (int64, string, bool) {
	best := ""
	for d := range p.MonthlyActiveUsersAt {
		if d <= date && d > best {
			best = d
		}
	}
	if best == "" {
		return 0, "", false
	}
	return p.MonthlyActiveUsersAt[best], best, true
}

// HasUse reports whether the profile lists u.
func (p *Profile) HasUse(u Use) bool {
	if p == nil {
		return false
	}
	for _, x := range p.Uses {
		if x == u {
			return true
		}
	}
	return false
}

// Locations returns the headquarters and the countries, deduplicated.
func (p *Profile) Locations() []string {
	if p == nil {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, c := range append([]string{p.Headquarters}, p.Countries...) {
		if c != "" && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// Profile keys, in template order.
var profileKeys = []string{
	"name", "monthly_active_users", "daily_active_users", "monthly_visits",
	"annual_revenue", "headquarters", "countries", "uses", "fields",
	"derivative_name", "role", "exchange_rates", "monthly_active_users_at",
	"commercial_licenses",
}

// ParseProfile parses a profile YAML file. name is the file name used in
// error messages ("profile.yaml:7: unknown key \"revenu\""). Every problem
// found is reported, one per line.
func ParseProfile(name string, data []byte) (*Profile, error) {
	root, err := parseDoc(name, data)
	if err != nil {
		return nil, err
	}
	e := &errs{file: name}
	p := &Profile{}
	m := e.mapping(root, "the profile", profileKeys)

	if s, ok := e.str(m["name"].value, "name"); ok {
		p.Name = s
	}
	for _, f := range []struct {
		key string
		dst **int64
	}{
		{"monthly_active_users", &p.MonthlyActiveUsers},
		{"daily_active_users", &p.DailyActiveUsers},
		{"monthly_visits", &p.MonthlyVisits},
	} {
		if v, ok := e.count(m[f.key].value, f.key); ok {
			*f.dst = &v
		}
	}
	if ent, ok := m["annual_revenue"]; ok && !isNull(ent.value) {
		rm := e.mapping(ent.value, "annual_revenue", []string{"amount", "currency"})
		amt, okA := e.number(rm["amount"].value, "annual_revenue.amount")
		cur, okC := e.str(rm["currency"].value, "annual_revenue.currency")
		if okC {
			cur = strings.ToUpper(cur)
			if !IsCurrency(cur) {
				e.add(rm["currency"].value, "annual_revenue.currency: unknown ISO 4217 currency code %q", cur)
				okC = false
			}
		}
		switch {
		case okA && okC:
			p.AnnualRevenue = &Money{Amount: amt, Currency: cur}
		case okA && isNull(rm["currency"].value):
			e.add(ent.key, "annual_revenue: currency is required (e.g. currency: USD)")
		}
	}
	if ent, ok := m["headquarters"]; ok {
		if s, ok := e.str(ent.value, "headquarters"); ok && s != "" {
			if c, ok := e.country(ent.value, "headquarters", s); ok {
				p.Headquarters = c
			}
		}
	}
	if ent, ok := m["countries"]; ok {
		if ns, ok := e.list(ent.value, "countries"); ok {
			p.Countries = []string{}
			for _, n := range ns {
				if c, ok := e.country(n, "countries", n.Value); ok && !contains(p.Countries, c) {
					p.Countries = append(p.Countries, c)
				}
			}
		}
	}
	if ent, ok := m["uses"]; ok {
		if ns, ok := e.list(ent.value, "uses"); ok {
			p.Uses = []Use{}
			for _, n := range ns {
				u := Use(strings.ToLower(strings.TrimSpace(n.Value)))
				if !contains(useStrings(), string(u)) {
					e.add(n, "uses: unknown use %q (known uses: %s)", n.Value, strings.Join(useStrings(), ", "))
					continue
				}
				if !p.HasUse(u) {
					p.Uses = append(p.Uses, u)
				}
			}
			if p.HasUse(UseResearchOnly) {
				for _, u := range []Use{UseCommercial, UseHostedService} {
					if p.HasUse(u) {
						e.add(ent.key, "uses: research-only contradicts %s", u)
					}
				}
			}
		}
	}
	if ent, ok := m["fields"]; ok {
		if ns, ok := e.list(ent.value, "fields"); ok {
			p.Fields = []string{}
			for _, n := range ns {
				f := normField(n.Value)
				if f == "" {
					e.add(n, "fields: empty field name")
					continue
				}
				if a, ok := fieldAliases[f]; ok {
					f = a
				}
				if _, ok := fieldCategories[f]; !ok && f != "other" {
					// A typo must not silently switch a field-of-use check off.
					e.add(n, "fields: unknown field %q%s; known fields: %s, or other", n.Value, suggest(f, knownFields()), strings.Join(knownFields(), ", "))
					continue
				}
				if !contains(p.Fields, f) {
					p.Fields = append(p.Fields, f)
				}
			}
		}
	}
	if s, ok := e.str(m["derivative_name"].value, "derivative_name"); ok {
		p.DerivativeName = s
	}
	if ent, ok := m["role"]; ok {
		if s, ok := e.str(ent.value, "role"); ok && s != "" {
			s = strings.ToLower(s)
			if s == "end_user" || s == "enduser" {
				s = RoleEndUser
			}
			if s != RoleDeveloper && s != RoleEndUser {
				e.add(ent.value, "role must be %q or %q, not %q", RoleDeveloper, RoleEndUser, s)
			} else {
				p.Role = s
			}
		}
	}
	if ent, ok := m["exchange_rates"]; ok && !isNull(ent.value) {
		p.ExchangeRates = e.rates(ent.value, "exchange_rates")
	}
	if ent, ok := m["monthly_active_users_at"]; ok && !isNull(ent.value) {
		p.MonthlyActiveUsersAt = e.history(ent.value, "monthly_active_users_at")
	}
	if ent, ok := m["commercial_licenses"]; ok {
		if ns, ok := e.list(ent.value, "commercial_licenses"); ok {
			p.CommercialLicenses = []string{}
			for _, n := range ns {
				if id := strings.TrimSpace(n.Value); id != "" && !contains(p.CommercialLicenses, id) {
					p.CommercialLicenses = append(p.CommercialLicenses, id)
				}
			}
		}
	}
	if err := e.err(); err != nil {
		return nil, err
	}
	return p, nil
}

func useStrings() []string {
	out := make([]string, len(Uses))
	for i, u := range Uses {
		out[i] = string(u)
	}
	return out
}

func normField(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer(" ", "-", "_", "-").Replace(s)
	return s
}

// country validates an ISO 3166 alpha-2 code (case-insensitive).
func (e *errs) country(n *yaml.Node, what, s string) (string, bool) {
	c := strings.ToUpper(strings.TrimSpace(s))
	if IsCountry(c) {
		return c, true
	}
	hint := ""
	if h, ok := countryHints[c]; ok {
		hint = fmt.Sprintf(" (use %s)", h)
	}
	e.add(n, "%s: unknown ISO 3166 alpha-2 country code %q%s", what, s, hint)
	return "", false
}

// Rates maps an ISO 4217 currency code to the value of one unit of it in
// US dollars (EUR: 1.08 means 1 EUR = 1.08 USD). USD is always 1.
type Rates map[string]float64

// USDPer returns the USD value of one unit of cur.
func (r Rates) USDPer(cur string) (float64, bool) {
	cur = strings.ToUpper(cur)
	if cur == "USD" {
		return 1, true
	}
	v, ok := r[cur]
	return v, ok && v > 0
}

// Merge returns the rates of r overridden by those of o.
func (r Rates) Merge(o Rates) Rates {
	out := Rates{}
	for k, v := range r {
		out[k] = v
	}
	for k, v := range o {
		out[k] = v
	}
	return out
}

// ParseRates parses a separate exchange-rate file: a YAML mapping of ISO
// 4217 codes to the USD value of one unit, either at the top level
// ("EUR: 1.08") or under an exchange_rates key (so a profile file can be
// passed as a rate file too).
func ParseRates(name string, data []byte) (Rates, error) {
	root, err := parseDoc(name, data)
	if err != nil {
		return nil, err
	}
	e := &errs{file: name}
	if root != nil && root.Kind == yaml.MappingNode && len(root.Content) >= 2 && root.Content[0].Value == "exchange_rates" {
		m := e.mapping(root, "the rate file", []string{"exchange_rates"})
		root = m["exchange_rates"].value
	}
	r := e.rates(root, "rates")
	if err := e.err(); err != nil {
		return nil, err
	}
	return r, nil
}

func (e *errs) rates(n *yaml.Node, what string) Rates {
	n = deref(n)
	r := Rates{}
	if isNull(n) {
		return r
	}
	if n.Kind != yaml.MappingNode {
		e.add(n, "%s must be a mapping of currency codes to USD values (EUR: 1.08)", what)
		return r
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			e.add(n.Content[i], "%s: keys must be currency codes", what)
			continue
		}
		cur := strings.ToUpper(strings.TrimSpace(k.Value))
		if !IsCurrency(cur) {
			e.add(k, "%s: unknown ISO 4217 currency code %q", what, k.Value)
			continue
		}
		if _, dup := r[cur]; dup {
			e.add(k, "%s: duplicate currency %s", what, cur)
			continue
		}
		v, ok := e.number(n.Content[i+1], what+"."+cur)
		if !ok {
			if isNull(n.Content[i+1]) {
				e.add(k, "%s.%s: rate is missing", what, cur)
			}
			continue
		}
		if v == 0 {
			e.add(n.Content[i+1], "%s.%s: rate must be greater than zero", what, cur)
			continue
		}
		if cur == "USD" && v != 1 {
			e.add(n.Content[i+1], "%s.USD must be 1 (rates are USD per unit)", what)
			continue
		}
		r[cur] = v
	}
	return r
}

//go:embed data/profile-template.yaml
var template []byte

// Template returns a commented profile template, every key explained and
// left empty (unknown). It parses as a valid profile.
func Template() []byte { return append([]byte(nil), template...) }

// fieldAliases map other spellings to the profile's field names.
var fieldAliases = map[string]string{
	"defence": "defense", "health": "healthcare", "health-care": "healthcare",
	"medicine": "medical", "biometric": "biometrics", "weapon": "weapons",
	"election": "elections", "law": "legal", "financial": "finance",
	"minors": "children", "kids": "children",
}

// knownFields lists the field names a profile may use, sorted.
func knownFields() []string {
	out := make([]string, 0, len(fieldCategories))
	for k := range fieldCategories {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
