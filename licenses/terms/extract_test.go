package terms

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"700 million", 700_000_000, true},
		{"100,000,000", 100_000_000, true},
		{"1 million", 1_000_000, true},
		{"50M", 50_000_000, true},
		{"50 mm", 50_000_000, true},
		{"1.5 billion", 1_500_000_000, true},
		{"2bn", 2_000_000_000, true},
		{"250k", 250_000, true},
		{"10 thousand", 10_000, true},
		{"1.000.000", 1_000_000, true},
		{"7", 7, true},
		{"five million", 5_000_000, true},
		{"many", 0, false},
		{"", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseCount(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseCount(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in   string
		want Money
		ok   bool
	}{
		{"USD $1,000,000", Money{1_000_000, "USD"}, true},
		{"US$1M", Money{1_000_000, "USD"}, true},
		{"$1 million", Money{1_000_000, "USD"}, true},
		{"U.S. $2.5 million", Money{2_500_000, "USD"}, true},
		{"RMB 1 billion", Money{1_000_000_000, "CNY"}, true},
		{"CNY 200,000,000", Money{200_000_000, "CNY"}, true},
		{"€10 million", Money{10_000_000, "EUR"}, true},
		{"EUR 10,000,000", Money{10_000_000, "EUR"}, true},
		{"10 million euros", Money{10_000_000, "EUR"}, true},
		{"£5m", Money{5_000_000, "GBP"}, true},
		{"3 million US dollars", Money{3_000_000, "USD"}, true},
		{"¥100 million yen", Money{100_000_000, "JPY"}, true},
		{"500 million yuan", Money{500_000_000, "CNY"}, true},
		{"HK$8 million", Money{8_000_000, "HKD"}, true},
		{"₹5 million", Money{5_000_000, "INR"}, true},
		{"no money here", Money{}, false},
	}
	for _, tt := range tests {
		got, ok := ParseMoney(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("ParseMoney(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// find returns the terms of kind k.
func find(ts []Term, k Kind) []Term {
	var out []Term
	for _, t := range ts {
		if t.Kind == k {
			out = append(out, t)
		}
	}
	return out
}

func TestExtractKinds(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		kind  Kind
		check func(t *testing.T, got Term)
	}{
		{
			name: "user threshold forward",
			text: "If the products of the Licensee had more than 250 million monthly active users in the preceding calendar month, the Licensee must obtain a separate license from the Provider.",
			kind: UserThreshold,
			check: func(t *testing.T, got Term) {
				want := Term{Metric: "monthly_active_users", Value: 250_000_000, Measured: "preceding calendar month", Effect: "separate license required"}
				if got.Metric != want.Metric || got.Value != want.Value || got.Measured != want.Measured || got.Effect != want.Effect {
					t.Errorf("got %+v", got)
				}
			},
		},
		{
			name: "user threshold reversed, daily",
			text: "Once the number of daily active users of your service exceeds 3,000,000 this grant terminates automatically.",
			kind: UserThreshold,
			check: func(t *testing.T, got Term) {
				if got.Metric != "daily_active_users" || got.Value != 3_000_000 || got.Effect != "license terminates" {
					t.Errorf("got %+v", got)
				}
			},
		},
		{
			name: "visits",
			text: "Sites that receive more than 1 million visits per month need our written permission.",
			kind: UserThreshold,
			check: func(t *testing.T, got Term) {
				if got.Metric != "monthly_visits" || got.Value != 1_000_000 {
					t.Errorf("got %+v", got)
				}
			},
		},
		{
			name: "revenue",
			text: "Organizations whose annual revenue is greater than US$5M must buy an enterprise license.",
			kind: RevenueThreshold,
			check: func(t *testing.T, got Term) {
				if got.Value != 5_000_000 || got.Currency != "USD" || got.Period != "annual" || got.Effect != "separate license required" {
					t.Errorf("got %+v", got)
				}
			},
		},
		{
			name: "revenue RMB",
			text: "Enterprises with yearly turnover above RMB 2 billion are not covered and must contact us.",
			kind: RevenueThreshold,
			check: func(t *testing.T, got Term) {
				if got.Value != 2_000_000_000 || got.Currency != "CNY" || got.Period != "annual" {
					t.Errorf("got %+v", got)
				}
			},
		},
		{
			name: "territory",
			text: "No license is granted to any company headquartered in the United Kingdom or in mainland China under this Section.\nThis exclusion does not apply to consumers of finished applications.",
			kind: TerritoryExclusion,
			check: func(t *testing.T, got Term) {
				if !reflect.DeepEqual(got.Regions, []string{"CN", "GB"}) || got.Exempt != "consumers of finished applications" {
					t.Errorf("got %+v", got)
				}
				if !reflect.DeepEqual(got.Evidence, []Lines{{1, 2}}) {
					t.Errorf("evidence %+v", got.Evidence)
				}
			},
		},
		{
			name: "territory scope",
			text: "With respect to the vision models in this release, the rights above are not granted to residents of the European Union.",
			kind: TerritoryExclusion,
			check: func(t *testing.T, got Term) {
				if !reflect.DeepEqual(got.Regions, []string{"EU"}) || got.Scope != "vision models" {
					t.Errorf("got %+v", got)
				}
			},
		},
		{
			name: "non-commercial",
			text: "The Provider grants you a limited right to run the Weights for non-commercial research purposes only.",
			kind: NonCommercial,
			check: func(t *testing.T, got Term) {
				if !reflect.DeepEqual(got.Allowed, []string{"research", "non-commercial"}) {
					t.Errorf("got %+v", got)
				}
			},
		},
		{
			name: "not for commercial use",
			text: "The checkpoints may not be used for any commercial purpose whatsoever.",
			kind: NonCommercial,
		},
		{
			name: "grant for non-commercial use",
			text: "Zeta Labs grants you a worldwide license to use the Weights for non-commercial use.",
			kind: NonCommercial,
		},
		{
			name: "not licensed for commercial use",
			text: "The Weights are not licensed for commercial deployment of any kind.",
			kind: NonCommercial,
		},
		{
			name: "territory does not apply in",
			text: "This license does not apply in Japan or in the EU.",
			kind: TerritoryExclusion,
			check: func(t *testing.T, got Term) {
				if !reflect.DeepEqual(got.Regions, []string{"EU", "JP"}) {
					t.Errorf("got %+v", got)
				}
			},
		},
		{
			name: "naming prefix",
			text: "Any fine-tuned model name must carry the prefix \"Nova\".",
			kind: NamingRequirement,
			check: func(t *testing.T, got Term) {
				if got.Prefix != "Nova" {
					t.Errorf("got %+v", got)
				}
			},
		},
		{
			name: "field of use",
			text: "You agree not to use the Weights:\n- for any military application;\n- to build mass surveillance tools;\n- to give medical advice without review.",
			kind: FieldOfUse,
			check: func(t *testing.T, got Term) {
				if !reflect.DeepEqual(got.Categories, []string{"medical-advice", "military", "surveillance"}) {
					t.Errorf("got %+v", got)
				}
				if !reflect.DeepEqual(got.Evidence, []Lines{{1, 4}}) {
					t.Errorf("evidence %+v", got.Evidence)
				}
			},
		},
		{
			name: "outputs",
			text: "You shall not use any outputs of the Weights to train or improve a competing foundation model.",
			kind: OutputsRestriction,
			check: func(t *testing.T, got Term) {
				if !reflect.DeepEqual(got.Categories, []string{"train-other-models"}) {
					t.Errorf("got %+v", got)
				}
			},
		},
		{
			name: "naming",
			text: "A model fine-tuned from the Weights must include “Acme” at the beginning of its model name.",
			kind: NamingRequirement,
			check: func(t *testing.T, got Term) {
				if got.Prefix != "Acme" {
					t.Errorf("got %+v", got)
				}
			},
		},
		{
			name: "naming begins with",
			text: "The name of every derived model shall begin with \"Zeta-2\".",
			kind: NamingRequirement,
			check: func(t *testing.T, got Term) {
				if got.Prefix != "Zeta-2" {
					t.Errorf("got %+v", got)
				}
			},
		},
		{
			name: "attribution",
			text: "Products that use the Weights must prominently display “Powered by Acme” in their about screen.",
			kind: AttributionRequirement,
			check: func(t *testing.T, got Term) {
				if got.Statement != "Powered by Acme" {
					t.Errorf("got %+v", got)
				}
			},
		},
		{
			name: "notice",
			text: "Each copy you pass on must carry a \"NOTICE\" text file with this notice: \"Acme Weights are provided by Acme Corp. Under the Acme Terms.\"",
			kind: NoticeRequirement,
			check: func(t *testing.T, got Term) {
				if got.Notice != "Acme Weights are provided by Acme Corp. Under the Acme Terms." {
					t.Errorf("got %q", got.Notice)
				}
			},
		},
		{
			name: "pass-through",
			text: "You must pass on the restrictions of Section 4 to anyone who receives a derivative from you.",
			kind: PassThrough,
		},
		{
			name: "pass-through enforceable",
			text: "Any license you grant for a derivative shall include the use restrictions of Exhibit B as an enforceable provision.",
			kind: PassThrough,
		},
		{
			name: "policy url",
			text: "Your use must comply with the Acme Acceptable Use Policy (https://acme.example.com/aup), which is incorporated herein by reference.",
			kind: IncorporatedPolicy,
			check: func(t *testing.T, got Term) {
				if got.Policy != "https://acme.example.com/aup" {
					t.Errorf("got %q", got.Policy)
				}
			},
		},
		{
			name: "policy name",
			text: "Use of the Weights is conditioned upon adherence to the Acme Responsible Use Policy, which is incorporated by reference.",
			kind: IncorporatedPolicy,
			check: func(t *testing.T, got Term) {
				if got.Policy != "Acme Responsible Use Policy" {
					t.Errorf("got %q", got.Policy)
				}
			},
		},
		{
			name: "hosting",
			text: "You may not offer the Weights to third parties as a hosted service or through a public API without a separate agreement.",
			kind: HostingRestriction,
		},
		{
			name: "licensor may update",
			text: "Acme may update these terms from time to time by posting a new version.",
			kind: LicensorMayUpdate,
		},
		{
			name: "remote restriction",
			text: "Acme reserves the right to remotely disable access to the Weights if these terms are breached.",
			kind: RemoteRestriction,
		},
		{
			name: "copy of license",
			text: "When you share the Weights you shall provide a copy of this License to the recipient.",
			kind: CopyOfLicenseRequired,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := find(Extract(tt.text), tt.kind)
			if len(got) != 1 {
				t.Fatalf("got %d %s terms, want 1: %+v", len(got), tt.kind, Extract(tt.text))
			}
			if got[0].Origin != "text" || got[0].Text == "" || len(got[0].Evidence) == 0 {
				t.Errorf("term lacks origin/text/evidence: %+v", got[0])
			}
			if tt.check != nil {
				tt.check(t, got[0])
			}
		})
	}
}

func TestExtractNegatives(t *testing.T) {
	tests := []struct {
		name string
		text string
		kind Kind
	}{
		{"governing law is not a territory", "This agreement is governed by the laws of Ireland and the courts of Dublin have exclusive jurisdiction.", TerritoryExclusion},
		{"export mention is not a territory", "The Weights may be subject to export controls in the United States and China.", TerritoryExclusion},
		{"liability cap is not revenue", "Our total liability for damages will not exceed US $10.00 or the revenue you paid us.", RevenueThreshold},
		{"parameter count is not users", "The 700 billion parameter model was trained on 10 million documents.", UserThreshold},
		{"defined term is not non-commercial", `"Non-Commercial Use" means any use for research purposes only.`, NonCommercial},
		{"commercial grant beats research mention", "You may use the Weights for research purposes only or, with this grant, Acme grants you rights for commercial use as well.", NonCommercial},
		{"conditional naming is not an attribution", "You may name your model anything you like.", NamingRequirement},
		{"outputs allowed", "You may use outputs to train any model.", OutputsRestriction},
		{"not limited to is no negation", "Use includes, but is not limited to, generating outputs and training models.", OutputsRestriction},
		{"hosting carve-back", "Embedding the Weights in a desktop app shall not be considered a hosted service.", HostingRestriction},
		{"trademark mention is no notice duty", "No right is given to use our marks except as needed to reproduce the NOTICE file.", NoticeRequirement},
	}
	for _, tt := range tests {
		if got := find(Extract(tt.text), tt.kind); len(got) != 0 {
			t.Errorf("%s: unexpected %s: %+v", tt.name, tt.kind, got)
		}
	}
}

// TestUnseenLicense is a license written for this test: none of its
// sentences come from a published license.
func TestUnseenLicense(t *testing.T) {
	text := "\ufeff# Orbital Weights License 0.3\r\n" +
		"\r\n" +
		"1. **Grant.** Orbital Labs lets you copy, run and change the\r\n" +
		"   Orbital weights for any lawful purpose.\r\n" +
		"2. **Scale cap.** Where your apps together exceed 50M MAU, you have to\r\n" +
		"   negotiate a separate license with Orbital Labs.\r\n" +
		"3. **Big companies.** Firms with annual revenue over €25 million must\r\n" +
		"   buy a commercial license first.\r\n" +
		"4. **Regions.** None of these rights are granted to entities based in\r\n" +
		"   Russia, Belarus or the European Economic Area.\r\n" +
		"5. This license is governed by the laws of Switzerland.\r\n"
	ts := Extract(text)
	u := find(ts, UserThreshold)
	if len(u) != 1 || u[0].Value != 50_000_000 || u[0].Metric != "monthly_active_users" {
		t.Errorf("user threshold: %+v", u)
	} else if !reflect.DeepEqual(u[0].Evidence, []Lines{{5, 6}}) {
		t.Errorf("user evidence: %+v", u[0].Evidence)
	}
	r := find(ts, RevenueThreshold)
	if len(r) != 1 || r[0].Value != 25_000_000 || r[0].Currency != "EUR" || r[0].Period != "annual" {
		t.Errorf("revenue threshold: %+v", r)
	} else if !reflect.DeepEqual(r[0].Evidence, []Lines{{7, 8}}) {
		t.Errorf("revenue evidence: %+v", r[0].Evidence)
	}
	te := find(ts, TerritoryExclusion)
	if len(te) != 1 || !reflect.DeepEqual(te[0].Regions, []string{"BY", "EU", "IS", "LI", "NO", "RU"}) {
		t.Errorf("territory: %+v", te)
	} else if !reflect.DeepEqual(te[0].Evidence, []Lines{{9, 10}}) {
		t.Errorf("territory evidence: %+v", te[0].Evidence)
	}
	for _, tm := range ts {
		if tm.Kind == TerritoryExclusion && contains(tm.Regions, "CH") {
			t.Errorf("governing law read as exclusion: %+v", tm)
		}
	}
}

func TestDedupAndOrder(t *testing.T) {
	text := strings.Join([]string{
		"You must provide a copy of this Agreement with every copy.",
		"Unrelated sentence.",
		"Again: you shall give a copy of this Agreement to every recipient.",
		"Products with more than 5 million monthly active users need a separate license.",
	}, "\n\n")
	ts := Extract(text)
	c := find(ts, CopyOfLicenseRequired)
	if len(c) != 1 || !reflect.DeepEqual(c[0].Evidence, []Lines{{1, 1}, {5, 5}}) {
		t.Fatalf("copy terms: %+v", c)
	}
	for i := 1; i < len(ts); i++ {
		if ts[i-1].Evidence[0].Start > ts[i].Evidence[0].Start {
			t.Errorf("not ordered by first line: %+v", ts)
		}
	}
	if !reflect.DeepEqual(Extract(text), ts) {
		t.Error("output is not deterministic")
	}
}

func TestSentenceLines(t *testing.T) {
	text := "First line of a sentence that\r\ncontinues here. Second one.\r\n\r\n## Heading\r\n- bullet item one\r\n- bullet item two.\r\n第一条。第二条。\r\n"
	ss := splitSentences(text, nil)
	var got []string
	for _, s := range ss {
		got = append(got, s.text+"@"+itoa(s.start)+"-"+itoa(s.end))
	}
	want := []string{
		"First line of a sentence that continues here.@1-2",
		"Second one.@2-2",
		"Heading@4-4",
		"bullet item one@5-5",
		"bullet item two.@6-6",
		"第一条。@7-7",
		"第二条。@7-7",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sentences:\n got %q\nwant %q", got, want)
	}
}

func TestExtractEmpty(t *testing.T) {
	for _, s := range []string{"", "\ufeff", "\r\n\r\n", "。。。", strings.Repeat(".", 100)} {
		if ts := Extract(s); len(ts) != 0 {
			t.Errorf("Extract(%q) = %+v", s, ts)
		}
	}
}

func contains(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for i > 0 {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
	}
	return string(b)
}

// TestUnseenPhrasings: wordings of naming and pass-through duties that no
// corpus text uses.
func TestUnseenPhrasings(t *testing.T) {
	for _, tc := range []struct {
		text string
		kind Kind
		want string
	}{
		{`Any derivative model must be named with the prefix "Foobar".`, NamingRequirement, "Foobar"},
		{`Derivatives must be released under the name "Zeta-" followed by a suffix of your choice.`, NamingRequirement, "Zeta-"},
		{`You must pass these restrictions on to any downstream recipient of the models or derivatives.`, PassThrough, ""},
		{`Licensees shall pass the usage policy along to every sublicensee.`, PassThrough, ""},
		{`If you have 300M+ MAU you need a separate agreement with Omega.`, UserThreshold, ""},
	} {
		var found bool
		for _, term := range Extract(tc.text) {
			if term.Kind == tc.kind && (tc.want == "" || term.Prefix == tc.want) {
				found = true
			}
		}
		if !found {
			t.Errorf("%q: no %s term (want %q); got %+v", tc.text, tc.kind, tc.want, Extract(tc.text))
		}
	}
}
