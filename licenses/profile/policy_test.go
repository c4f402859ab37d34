package profile

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/terms"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

func TestParsePolicy(t *testing.T) {
	src := `allow:
  categories: [permissive, open-non-osi, custom-restricted]
  licenses: [CC-BY-NC-4.0]
deny:
  licenses: [llama2]
  categories: non-commercial
fail_on:
  undetermined: true
  finding_severity: warning
waivers:
  - license: llama3.1
    rule: "applies:user-threshold"
    reason: separate license signed with Meta, ticket LEGAL-42
    expires: 2027-01-31
  - rule: card-license-mismatch
    path: models/*/README.md
    reason: upstream fix pending
    expires: 2026-10-01
`
	p, err := ParsePolicy("policy.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &Policy{
		Allow:  Selector{Categories: []licenses.Category{licenses.Permissive, licenses.OpenNonOSI, licenses.CustomRestricted}, Licenses: []string{"CC-BY-NC-4.0"}},
		Deny:   Selector{Categories: []licenses.Category{licenses.NonCommercial}, Licenses: []string{"llama2"}},
		FailOn: FailOn{Applies: true, Undetermined: true, UnknownLicense: true, FindingSeverity: SeverityWarning},
		Waivers: []Waiver{
			{License: "llama3.1", Rule: "applies:user-threshold", Reason: "separate license signed with Meta, ticket LEGAL-42", Expires: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC), Line: 11},
			{Rule: "card-license-mismatch", Path: "models/*/README.md", Reason: "upstream fix pending", Expires: time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC), Line: 15},
		},
	}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("got  %+v\nwant %+v", p, want)
	}
	if d, err := ParsePolicy("policy.yaml", nil); err != nil || !reflect.DeepEqual(d, DefaultPolicy()) {
		t.Errorf("empty policy should be the default: %+v %v", d, err)
	}
}

func TestParsePolicyErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"unknown key", "allow: {}\nfail-on: {}\n", `policy.yaml:2: unknown key "fail-on" (did you mean "fail_on"?)`},
		{"unknown nested key", "fail_on:\n  appliess: true\n", `policy.yaml:2: unknown key "appliess"`},
		{"bad bool", "fail_on:\n  applies: maybe\n", `policy.yaml:2: fail_on.applies must be true or false`},
		{"bad severity", "fail_on:\n  finding_severity: fatal\n", `policy.yaml:2: fail_on.finding_severity must be error, warning, info or never`},
		{"bad category", "deny:\n  categories: [proprietary]\n", `policy.yaml:2: deny.categories: unknown category "proprietary"`},
		{"waiver without expiry", "waivers:\n  - license: x\n    reason: r\n", `policy.yaml:2: waivers[0]: expires is required`},
		{"waiver bad date", "waivers:\n  - license: x\n    reason: r\n    expires: 31/12/2026\n", `policy.yaml:4: waivers[0].expires must be a date YYYY-MM-DD`},
		{"waiver without target", "waivers:\n  - reason: r\n    expires: 2026-12-31\n", `policy.yaml:2: waivers[0]: a waiver needs a license or a rule`},
		{"waiver without reason", "waivers:\n  - license: x\n    expires: 2026-12-31\n", `policy.yaml:2: waivers[0]: reason is required`},
		{"waivers not a list", "waivers: {license: x}\n", `policy.yaml:1: waivers must be a list`},
		{"bad yaml", "allow: [\n", `policy.yaml:`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParsePolicy("policy.yaml", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v\nwant %q", err, tt.want)
			}
		})
	}
}

func rules(r Result) []string {
	var out []string
	for _, v := range r.Violations {
		s := v.Rule
		if v.Failing {
			s += "!"
		}
		if v.Waived {
			s += "~"
		}
		out = append(out, s)
	}
	return out
}

func TestDefaultPolicy(t *testing.T) {
	items := []Item{
		{Kind: ItemLicense, License: "llama3.1", Category: licenses.CustomRestricted, Path: "LICENSE"},
		{Kind: ItemLicense, License: "CC-BY-NC-4.0", Category: licenses.NonCommercial, Path: "README.md"},
		{Kind: ItemTerm, License: "llama3.1", Term: terms.AttributionRequirement, Verdict: Applies, Message: "show Built with Llama"},
		{Kind: ItemTerm, License: "llama3.1", Term: terms.UserThreshold, Verdict: DoesNotApply},
		{Kind: ItemTerm, License: "llama3.2-aup", Term: terms.TerritoryExclusion, Verdict: Undetermined, Message: "modality unknown"},
		{Kind: ItemFinding, Rule: "card-unparsable", Severity: SeverityWarning, Path: "README.md", Message: "front matter does not parse"},
		{Kind: ItemFinding, Rule: "info-only", Severity: SeverityInfo},
	}
	r := DefaultPolicy().Check(items, now)
	if !r.Passed {
		t.Errorf("default policy should pass: %+v", r)
	}
	if got := rules(r); !reflect.DeepEqual(got, []string{"card-unparsable", "undetermined:territory-exclusion"}) {
		t.Errorf("violations = %v", got)
	}

	items = append(items,
		Item{Kind: ItemLicense, License: "unknown", Category: licenses.Unknown, Path: "LICENSE.md"},
		Item{Kind: ItemTerm, License: "CC-BY-NC-4.0", Term: terms.NonCommercial, Verdict: Applies, Message: "commercial use"},
		Item{Kind: ItemFinding, Rule: "weights-truncated", Severity: SeverityError, Path: "model.safetensors", Message: "header truncated"},
	)
	r = DefaultPolicy().Check(items, now)
	if r.Passed {
		t.Error("unknown license, non-commercial applies and error finding must fail")
	}
	want := []string{"applies:non-commercial!", "unknown-license!", "weights-truncated!", "card-unparsable", "undetermined:territory-exclusion"}
	if got := rules(r); !reflect.DeepEqual(got, want) {
		t.Errorf("violations = %v\nwant %v", got, want)
	}
	if f := r.Failing(); len(f) != 3 || f[0].Severity != SeverityError {
		t.Errorf("Failing() = %+v", f)
	}
	if (Result{}).Passed || DefaultPolicy().Check(nil, now).Violations == nil {
		t.Error("empty check: Violations must be non-nil")
	}
}

func TestPolicyAllowDeny(t *testing.T) {
	p, err := ParsePolicy("policy.yaml", []byte(`
allow:
  categories: [permissive, custom-restricted]
  licenses: [cc-by-nc-4.0]
deny:
  categories: [non-commercial]
  licenses: [llama2]
fail_on:
  unknown_license: false
  finding_severity: never
`))
	if err != nil {
		t.Fatal(err)
	}
	items := []Item{
		{Kind: ItemLicense, License: "MIT", Category: licenses.Permissive},
		{Kind: ItemLicense, License: "llama2", Category: licenses.CustomRestricted},                          // denied by id
		{Kind: ItemLicense, License: "llama3.1", Category: licenses.CustomRestricted},                        // allowed category
		{Kind: ItemLicense, License: "cc-by-nc-4.0", Category: licenses.NonCommercial},                       // allowed by id over denied category
		{Kind: ItemLicense, License: "CC-BY-NC-SA-4.0", Category: licenses.NonCommercial},                    // denied category
		{Kind: ItemLicense, License: "GPL-3.0-only", Category: licenses.Copyleft},                            // not allowed
		{Kind: ItemLicense, License: "unknown", Category: licenses.Unknown},                                  // warning only
		{Kind: ItemFinding, Rule: "bad", Severity: SeverityError, Message: "x"},                              // never fails
		{Kind: ItemTerm, License: "MIT", Term: terms.NoticeRequirement, Verdict: Undetermined, Message: "?"}, // warning
	}
	r := p.Check(items, now)
	want := []string{"license-denied!", "license-denied!", "license-not-allowed!", "bad", "undetermined:notice-requirement", "unknown-license"}
	if got := rules(r); !reflect.DeepEqual(got, want) {
		t.Errorf("violations = %v\nwant %v", got, want)
	}
	var lics []string
	for _, v := range r.Failing() {
		lics = append(lics, v.License)
	}
	if !reflect.DeepEqual(lics, []string{"CC-BY-NC-SA-4.0", "llama2", "GPL-3.0-only"}) {
		t.Errorf("failing licenses = %v", lics)
	}
}

func TestWaivers(t *testing.T) {
	items := []Item{
		{Kind: ItemTerm, License: "llama3.1", Path: "LICENSE", Term: terms.UserThreshold, Verdict: Applies, Message: "820,000,000 MAU"},
		{Kind: ItemFinding, Rule: "card-license-mismatch", Severity: SeverityError, Path: "models/a/README.md", Message: "mismatch"},
		{Kind: ItemFinding, Rule: "card-license-mismatch", Severity: SeverityError, Path: "other/README.md", Message: "mismatch"},
		{Kind: ItemLicense, License: "unknown", Category: licenses.Unknown, Path: "LICENSE.txt"},
	}
	p, err := ParsePolicy("policy.yaml", []byte(`
waivers:
  - license: LLAMA3.1
    reason: separate license signed
    expires: 2026-11-26
  - rule: card-license-mismatch
    path: models/*/README.md
    reason: upstream fix pending
    expires: 2026-10-01
  - rule: unknown-license
    path: LICENSE.txt
    reason: reviewed by legal
    expires: 2026-12-31
`))
	if err != nil {
		t.Fatal(err)
	}
	r := p.Check(items, now)
	if r.Passed {
		t.Fatal("expired waiver must not waive")
	}
	if len(r.Violations) != 4 {
		t.Fatalf("violations = %+v", r.Violations)
	}
	// Failing first: the expired waiver's violation and the unwaived one.
	v0, v1 := r.Violations[0], r.Violations[1]
	if !v0.Failing || !v0.WaiverExpired || v0.Waived || v0.Path != "models/a/README.md" ||
		!strings.Contains(v0.Message, "waiver expired on 2026-10-01: upstream fix pending") || v0.WaiverReason != "upstream fix pending" {
		t.Errorf("expired waiver violation %+v", v0)
	}
	if !v1.Failing || v1.WaiverExpired || v1.Path != "other/README.md" {
		t.Errorf("unwaived violation %+v", v1)
	}
	for _, v := range r.Violations[2:] {
		if !v.Waived || v.Failing || v.WaiverReason == "" {
			t.Errorf("waived violation %+v", v)
		}
	}
	// The waiver holds through its last day and stops the day after.
	late := time.Date(2026, 11, 26, 23, 59, 59, 0, time.UTC)
	if r := p.Check(items[:1], late); !r.Passed {
		t.Errorf("waiver should hold on its expiry day: %+v", r)
	}
	next := time.Date(2026, 11, 27, 0, 0, 0, 0, time.UTC)
	r = p.Check(items[:1], next)
	if r.Passed || !r.Violations[0].WaiverExpired || !strings.Contains(r.Violations[0].Message, "waiver expired on 2026-11-26") {
		t.Errorf("waiver should expire the next day: %+v", r)
	}
	// A live waiver wins over an expired one for the same violation.
	p.Waivers = append([]Waiver{{Rule: "card-license-mismatch", Reason: "old", Expires: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}}, p.Waivers...)
	p.Waivers = append(p.Waivers, Waiver{Rule: "card-*", Reason: "renewed", Expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)})
	r = p.Check(items[1:2], now)
	if !r.Passed || !r.Violations[0].Waived || r.Violations[0].WaiverExpired || r.Violations[0].Message != "mismatch" {
		t.Errorf("renewed waiver: %+v", r)
	}
}

func TestPolicyLicenseIDs(t *testing.T) {
	_, err := ParsePolicy("policy.yaml", []byte("deny:\n  licenses: [llama3.2.1]\n"))
	if err == nil || !strings.Contains(err.Error(), "policy.yaml:2") || !strings.Contains(err.Error(), "llama3.2.1") {
		t.Errorf("unknown id: %v", err)
	}
	p, err := ParsePolicy("policy.yaml", []byte("deny:\n  licenses: [gpl-3.0]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Deny.Licenses) != 1 || p.Deny.Licenses[0] != "GPL-3.0-only" {
		t.Errorf("Hub id not made canonical: %v", p.Deny.Licenses)
	}
}

func TestWaiverGlobs(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"models/**/LICENSE", "models/a/b/LICENSE", true},
		{"models/**/LICENSE", "models/LICENSE", true},
		{"models/*/LICENSE", "models/a/b/LICENSE", false},
		{"applies:*", "applies:user-threshold", true},
		{"llama*", "llama3.1", true},
		{"[", "[", true},
		{"[", "x", false},
	} {
		if got := globMatch(c.pattern, c.s); got != c.want {
			t.Errorf("globMatch(%q, %q) = %v", c.pattern, c.s, got)
		}
	}
}

func TestPolicyTemplateParses(t *testing.T) {
	p, err := ParsePolicy("policy-template.yaml", PolicyTemplate())
	if err != nil {
		t.Fatal(err)
	}
	if !p.FailOn.Applies || !p.FailOn.UnknownLicense || len(p.Deny.Categories) != 1 {
		t.Errorf("template policy = %+v", p)
	}
}
