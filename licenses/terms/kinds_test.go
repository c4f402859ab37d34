package terms

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"testing"
)

// kindExamples holds, for every kind, an invented sentence the extractor
// must read as that kind. A new kind without an example (so without
// extractor patterns) fails TestEveryKindIsComplete.
var kindExamples = map[Kind]string{
	UserThreshold:           "If your products have more than 40 million monthly active users, you must request a separate license from the Provider.",
	RevenueThreshold:        "This license is available only to organizations with annual revenue below US$5,000,000.",
	TerritoryExclusion:      "No rights under this Agreement are granted to persons located in Brazil.",
	NonCommercial:           "You may use the Model for non-commercial research purposes only.",
	FieldOfUse:              "You shall not use the Model for military purposes.",
	OutputsRestriction:      "You must not use the outputs of the Model to train any other large language model.",
	NamingRequirement:       `Any model you derive from the Model must include "Zephyrine" at the beginning of its name.`,
	AttributionRequirement:  `You must prominently display "Powered by Zephyrine" on your product website.`,
	NoticeRequirement:       "You must retain a NOTICE file with the attribution notices in every copy you distribute.",
	PassThrough:             "You must include the use restrictions of this License as an enforceable provision in any agreement governing the use of your derivatives.",
	IncorporatedPolicy:      "Your use of the Model must comply with the Acceptable Use Policy, which is incorporated by reference into this Agreement.",
	HostingRestriction:      "You may not offer the Model as a hosted service without a separate agreement.",
	LicensorMayUpdate:       "The Licensor may update this Agreement from time to time.",
	RemoteRestriction:       "The Licensor may remotely disable access to the Model if it believes these terms are breached.",
	CopyOfLicenseRequired:   "You must give every recipient a copy of this Agreement.",
	CommercialUseGate:       "Anyone who wants to put the Model to commercial use must first register with the Provider by email.",
	DistributionRestriction: "You may use the weights internally, but you may not distribute the weights to anyone.",
	ModificationNotice:      "Each file you alter must include a notice stating that you modified it.",
	TerminationAtWill:       "The Provider may terminate this grant at any time by writing to you.",
	ShareAlike:              "Any adaptation you share must be released under the same license as this one.",
}

// declaredKinds returns the Kind constants declared in terms.go.
func declaredKinds(t *testing.T) []Kind {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "terms.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []Kind
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, sp := range g.Specs {
			vs := sp.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Kind" {
				continue
			}
			for _, v := range vs.Values {
				lit, ok := v.(*ast.BasicLit)
				if !ok {
					continue
				}
				s, _ := strconv.Unquote(lit.Value)
				out = append(out, Kind(s))
			}
		}
	}
	if len(out) == 0 {
		t.Fatal("no Kind constants found in terms.go")
	}
	return out
}

// TestEveryKindIsComplete: every declared kind has a descriptor and an
// example its extractor patterns read; every descriptor is a declared
// kind with consistent parameters. (Evaluation and its test coverage are
// checked in licenses/profile, which imports this package.)
func TestEveryKindIsComplete(t *testing.T) {
	declared := declaredKinds(t)
	for _, k := range declared {
		d, ok := Descriptor(k)
		if !ok {
			t.Errorf("kind %s has no descriptor in kinds.go", k)
			continue
		}
		if d.Summary == "" {
			t.Errorf("kind %s: descriptor has no summary", k)
		}
		if d.Restricts && d.Obligation {
			t.Errorf("kind %s is both a restriction and an obligation", k)
		}
		if !d.Restricts && !d.Obligation && !d.Reservation {
			t.Errorf("kind %s is neither a restriction, an obligation nor a reservation", k)
		}
		for _, q := range append(slices.Clone(d.Qualifiers), d.CatalogNamed...) {
			if !slices.Contains(d.Params, q) {
				t.Errorf("kind %s: qualifier %s is not one of its parameters", k, q)
			}
		}
		for _, p := range d.Params {
			if !slices.Contains(Params(), p) {
				t.Errorf("kind %s: unknown parameter %s", k, p)
			}
		}
		ex, ok := kindExamples[k]
		if !ok {
			t.Errorf("kind %s has no example sentence (extractor patterns) in kindExamples", k)
			continue
		}
		if !slices.ContainsFunc(Extract(ex), func(x Term) bool { return x.Kind == k }) {
			t.Errorf("kind %s: the extractor does not read its example %q (got %v)", k, ex, Extract(ex))
		}
	}
	for _, k := range Kinds {
		if !slices.Contains(declared, k) {
			t.Errorf("descriptor %s is not a Kind constant of terms.go", k)
		}
	}
	for k := range kindExamples {
		if !slices.Contains(Kinds, k) {
			t.Errorf("example for unknown kind %s", k)
		}
	}
}

func TestKeyQualifiers(t *testing.T) {
	a := Term{Kind: UserThreshold, Metric: "monthly_active_users", Value: 5, Effect: "license terminates"}
	b := a.Clone()
	b.Effect, b.Measured = "", "on the release date"
	if Key(a) != Key(b) {
		t.Error("thresholds differing only in qualifiers must share a key")
	}
	b.Value = 6
	if Key(a) == Key(b) {
		t.Error("thresholds of different values must differ")
	}
	c := Term{Kind: TerritoryExclusion, Regions: []string{"EU"}}
	d := Term{Kind: TerritoryExclusion, Regions: []string{"EU"}, Scope: "multimodal models"}
	if Key(c) == Key(d) {
		t.Error("territory terms of different scopes must differ")
	}
}

func TestCloneIsDeep(t *testing.T) {
	a := Term{Kind: FieldOfUse, Categories: []string{"military"}, Regions: []string{"EU"}, Allowed: []string{"research"}, Evidence: []Lines{{1, 2}}}
	b := a.Clone()
	b.Categories[0], b.Regions[0], b.Allowed[0], b.Evidence[0].Start = "x", "x", "x", 9
	if a.Categories[0] != "military" || a.Regions[0] != "EU" || a.Allowed[0] != "research" || a.Evidence[0].Start != 1 {
		t.Errorf("Clone shares slices: %+v", a)
	}
}

func TestDescribe(t *testing.T) {
	for _, c := range []struct {
		t    Term
		want string
	}{
		{Term{Kind: UserThreshold, Metric: "monthly_active_users", Value: 700000000}, "monthly_active_users > 700,000,000"},
		{Term{Kind: RevenueThreshold, Value: 1000000, Currency: "USD", Period: "annual", Effect: "license terminates"}, "revenue > 1,000,000 USD; annual; license terminates"},
		{Term{Kind: TerritoryExclusion, Regions: []string{"EU"}, Scope: "multimodal models"}, "regions EU; scope: multimodal models"},
		{Term{Kind: NamingRequirement, Prefix: "Llama"}, `name must start with "Llama"`},
		{Term{Kind: PassThrough, Text: "short text"}, "short text"},
	} {
		if got := Describe(c.t); got != c.want {
			t.Errorf("Describe(%s) = %q, want %q", c.t.Kind, got, c.want)
		}
	}
}
