package profile

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestParseProfileFull(t *testing.T) {
	src := `# an organization
name: Acme Corp
monthly_active_users: 820_000_000
daily_active_users: "120,000,000"
monthly_visits: 1.5e9
annual_revenue: {amount: 2500000.50, currency: eur}
headquarters: de
countries: [DE, us, FR, DE]
uses: [internal, commercial, publish-derivatives]
fields: [Defense, law enforcement]
derivative_name: Llama-3.1-AcmeTune
role: end-user
exchange_rates:
  EUR: 1.08
  cny: 0.14
`
	p, err := ParseProfile("profile.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &Profile{
		Name:               "Acme Corp",
		MonthlyActiveUsers: ptr(int64(820000000)),
		DailyActiveUsers:   ptr(int64(120000000)),
		MonthlyVisits:      ptr(int64(1500000000)),
		AnnualRevenue:      &Money{Amount: 2500000.50, Currency: "EUR"},
		Headquarters:       "DE",
		Countries:          []string{"DE", "US", "FR"},
		Uses:               []Use{UseInternal, UseCommercial, UsePublishDerivatives},
		Fields:             []string{"defense", "law-enforcement"},
		DerivativeName:     "Llama-3.1-AcmeTune",
		Role:               RoleEndUser,
		ExchangeRates:      Rates{"EUR": 1.08, "CNY": 0.14},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got  %+v\nwant %+v", p, want)
	}
	if got := p.Locations(); !reflect.DeepEqual(got, []string{"DE", "US", "FR"}) {
		t.Errorf("Locations = %v", got)
	}
}

func TestParseProfileMissingVersusZero(t *testing.T) {
	p, err := ParseProfile("p.yaml", []byte("monthly_active_users: 0\nfields: []\ncountries:\n"))
	if err != nil {
		t.Fatal(err)
	}
	if p.MonthlyActiveUsers == nil || *p.MonthlyActiveUsers != 0 {
		t.Errorf("MAU 0 should be set to 0, got %v", p.MonthlyActiveUsers)
	}
	if p.DailyActiveUsers != nil || p.AnnualRevenue != nil || p.Uses != nil || p.Countries != nil {
		t.Errorf("absent keys should be nil: %+v", p)
	}
	if p.Fields == nil || len(p.Fields) != 0 {
		t.Errorf("fields: [] should be an empty, non-nil list, got %#v", p.Fields)
	}
	empty, err := ParseProfile("p.yaml", nil)
	if err != nil || empty == nil {
		t.Fatalf("empty profile: %v %v", empty, err)
	}
}

func TestParseProfileErrors(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string // substrings of the error, each with its line
	}{
		{"unknown key", "name: Acme\nrevenu: 5\n", []string{`profile.yaml:2: unknown key "revenu"`}},
		{"unknown key suggestion", "name: Acme\nmonthly_active_user: 5\n", []string{`profile.yaml:2: unknown key "monthly_active_user" (did you mean "monthly_active_users"?)`}},
		{"negative users", "name: x\nmonthly_active_users: -5\n", []string{"profile.yaml:2: monthly_active_users must not be negative"}},
		{"negative revenue", "annual_revenue:\n  amount: -1\n  currency: USD\n", []string{"profile.yaml:2: annual_revenue.amount must not be negative"}},
		{"fractional users", "daily_active_users: 1.5\n", []string{"profile.yaml:1: daily_active_users must be a whole number"}},
		{"not a number", "monthly_visits: lots\n", []string{`profile.yaml:1: monthly_visits must be a number, not "lots"`}},
		{"unknown hq", "headquarters: XX\n", []string{`profile.yaml:1: headquarters: unknown ISO 3166 alpha-2 country code "XX"`}},
		{"uk hint", "countries:\n  - US\n  - UK\n", []string{`profile.yaml:3: countries: unknown ISO 3166 alpha-2 country code "UK" (use GB)`}},
		{"eu is no country", "headquarters: EU\n", []string{`profile.yaml:1: headquarters: unknown ISO 3166 alpha-2 country code "EU"`}},
		{"unknown use", "uses: [internal, comercial]\n", []string{`profile.yaml:1: uses: unknown use "comercial"`}},
		{"contradictory uses", "uses:\n  - research-only\n  - commercial\n", []string{"profile.yaml:1: uses: research-only contradicts commercial"}},
		{"bad currency", "annual_revenue:\n  amount: 5\n  currency: USS\n", []string{`profile.yaml:3: annual_revenue.currency: unknown ISO 4217 currency code "USS"`}},
		{"amount without currency", "annual_revenue:\n  amount: 5\n", []string{"profile.yaml:1: annual_revenue: currency is required"}},
		{"revenue unknown key", "annual_revenue:\n  amount: 5\n  currency: USD\n  period: annual\n", []string{`profile.yaml:4: unknown key "period"`}},
		{"bad role", "role: owner\n", []string{`profile.yaml:1: role must be "developer" or "end-user"`}},
		{"duplicate key", "name: a\nname: b\n", []string{`profile.yaml:2: duplicate key "name"`}},
		{"bad rate", "exchange_rates:\n  EUR: 0\n  XYZ: 1\n", []string{"profile.yaml:2: exchange_rates.EUR: rate must be greater than zero", `profile.yaml:3: exchange_rates: unknown ISO 4217 currency code "XYZ"`}},
		{"not a mapping", "- a\n- b\n", []string{"profile.yaml:1: the profile must be a mapping"}},
		{"bad yaml", "name: Acme\nuses: [internal\n", []string{"profile.yaml:", "invalid YAML"}},
		{"tab yaml", "name: x\n\tuses: []\n", []string{"profile.yaml:2: invalid YAML"}},
		{"several errors", "revenu: 1\nheadquarters: ZZ\n", []string{`profile.yaml:1: unknown key "revenu"`, `profile.yaml:2: headquarters: unknown`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := ParseProfile("profile.yaml", []byte(tt.src))
			if err == nil {
				t.Fatalf("no error, got %+v", p)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\nlacks %q", err, w)
				}
			}
		})
	}
}

func TestTemplate(t *testing.T) {
	tpl := Template()
	p, err := ParseProfile("template.yaml", tpl)
	if err != nil {
		t.Fatalf("template does not parse: %v", err)
	}
	if !reflect.DeepEqual(p, &Profile{ExchangeRates: nil}) {
		t.Errorf("template should leave every value unknown, got %+v", p)
	}
	for _, k := range profileKeys {
		if !regexp.MustCompile(`(?m)^` + k + `:`).Match(tpl) {
			t.Errorf("template lacks key %s", k)
		}
	}
	for _, u := range Uses {
		if !strings.Contains(string(tpl), string(u)) {
			t.Errorf("template does not explain use %s", u)
		}
	}
	// Every key is explained by a comment right above it.
	lines := strings.Split(string(tpl), "\n")
	for i, l := range lines {
		if regexp.MustCompile(`^[a-z_]+:`).MatchString(l) && i > 0 && !strings.HasPrefix(lines[i-1], "#") && regexp.MustCompile(`^[a-z_]+:`).FindString(lines[i-1]) == "" {
			t.Errorf("template line %d (%s) has no comment above it", i+1, l)
		}
	}
}

func TestParseRates(t *testing.T) {
	r, err := ParseRates("rates.yaml", []byte("EUR: 1.08\nGBP: 1.27\nUSD: 1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(r, Rates{"EUR": 1.08, "GBP": 1.27, "USD": 1}) {
		t.Errorf("got %v", r)
	}
	r, err = ParseRates("rates.yaml", []byte("exchange_rates:\n  JPY: 0.0067\n"))
	if err != nil || r["JPY"] != 0.0067 {
		t.Errorf("nested form: %v %v", r, err)
	}
	if _, err := ParseRates("rates.yaml", []byte("EUR: 1.08\nUSD: 2\n")); err == nil || !strings.Contains(err.Error(), "rates.yaml:2: rates.USD must be 1") {
		t.Errorf("USD rate: %v", err)
	}
	if _, err := ParseRates("rates.yaml", []byte("EUR: -1\n")); err == nil || !strings.Contains(err.Error(), "rates.yaml:1: rates.EUR must not be negative") {
		t.Errorf("negative rate: %v", err)
	}
	if v, ok := (Rates{}).USDPer("usd"); !ok || v != 1 {
		t.Error("USD is always 1")
	}
	if _, ok := (Rates{}).USDPer("EUR"); ok {
		t.Error("no EUR rate should be known")
	}
	m := Rates{"EUR": 1}.Merge(Rates{"EUR": 1.1, "GBP": 1.3})
	if m["EUR"] != 1.1 || m["GBP"] != 1.3 {
		t.Errorf("Merge = %v", m)
	}
}

func TestCodes(t *testing.T) {
	for _, c := range []string{"US", "DE", "GB", "CN", "AQ"} {
		if !IsCountry(c) {
			t.Errorf("%s should be a country", c)
		}
	}
	for _, c := range []string{"UK", "EU", "XX", "us"} {
		if IsCountry(c) {
			t.Errorf("%s should not be a country code", c)
		}
	}
	if got := len(RegionMembers("EU")); got != 27 {
		t.Errorf("EU has %d members, want 27", got)
	}
	for _, c := range RegionMembers("EU") {
		if !IsCountry(c) {
			t.Errorf("EU member %s is not a country code", c)
		}
	}
	if !InEU("DE") || InEU("GB") || InEU("CH") || !inRegion("NO", "EEA") {
		t.Error("EU membership is wrong")
	}
	if !IsCurrency("USD") || !IsCurrency("CNY") || IsCurrency("USS") {
		t.Error("currency codes are wrong")
	}
}

func ptr[T any](v T) *T { return &v }

func TestProfileFieldTypos(t *testing.T) {
	p, err := ParseProfile("p.yaml", []byte("fields: [defence, Health]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(p.Fields, ",") != "defense,healthcare" {
		t.Errorf("aliases: %v", p.Fields)
	}
	_, err = ParseProfile("p.yaml", []byte("name: x\nfields: [defnse]\n"))
	if err == nil || !strings.Contains(err.Error(), `p.yaml:2`) || !strings.Contains(err.Error(), `did you mean "defense"`) {
		t.Errorf("typo: %v", err)
	}
}
