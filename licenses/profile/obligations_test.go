package profile

import (
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/terms"
)

var llama31Terms = []terms.Term{
	llama31Users,
	{Kind: terms.NamingRequirement, Prefix: "Llama", Evidence: []terms.Lines{{Start: 20, End: 22}}},
	{Kind: terms.AttributionRequirement, Statement: "Built with Llama", Evidence: []terms.Lines{{Start: 18, End: 20}}},
	{Kind: terms.IncorporatedPolicy, Policy: "llama3.1-aup", Evidence: []terms.Lines{{Start: 30, End: 30}}},
	{Kind: terms.NoticeRequirement, Notice: "Llama 3.1 is licensed under the Llama 3.1 Community License, Copyright © Meta Platforms, Inc. All Rights Reserved."},
	{Kind: terms.CopyOfLicenseRequired},
}

func kindsOf(os []Obligation) []string {
	var out []string
	for _, o := range os {
		out = append(out, string(o.Kind))
	}
	return out
}

func TestObligations(t *testing.T) {
	tests := []struct {
		name    string
		profile string
		want    []terms.Kind
	}{
		{"publishes derivatives", "uses: [commercial, publish-derivatives]", []terms.Kind{
			terms.NamingRequirement, terms.AttributionRequirement, terms.IncorporatedPolicy, terms.NoticeRequirement, terms.CopyOfLicenseRequired}},
		{"commercial product, no derivative", "uses: [commercial]", []terms.Kind{
			terms.AttributionRequirement, terms.IncorporatedPolicy, terms.NoticeRequirement, terms.CopyOfLicenseRequired}},
		{"internal only", "uses: [internal]", []terms.Kind{terms.IncorporatedPolicy}},
		{"unknown uses lists everything", "", []terms.Kind{
			terms.NamingRequirement, terms.AttributionRequirement, terms.IncorporatedPolicy, terms.NoticeRequirement, terms.CopyOfLicenseRequired}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Obligations("llama3.1", "LICENSE", llama31Terms, mustProfile(t, tt.profile))
			var want []string
			for _, k := range tt.want {
				want = append(want, string(k))
			}
			if strings.Join(kindsOf(got), ",") != strings.Join(want, ",") {
				t.Errorf("kinds = %v, want %v", kindsOf(got), want)
			}
			for _, o := range got {
				if o.License != "llama3.1" || o.Action == "" || !strings.HasSuffix(o.Action, ".") {
					t.Errorf("bad item %+v", o)
				}
			}
		})
	}
	got := Obligations("llama3.1", "LICENSE", llama31Terms, nil)
	byKind := map[terms.Kind]Obligation{}
	for _, o := range got {
		byKind[o.Kind] = o
	}
	if o := byKind[terms.AttributionRequirement]; !strings.Contains(o.Action, `"Built with Llama"`) || o.Evidence != "LICENSE:18-20" {
		t.Errorf("attribution item %+v", o)
	}
	if o := byKind[terms.NamingRequirement]; !strings.Contains(o.Action, `with "Llama"`) {
		t.Errorf("naming item %+v", o)
	}
	if o := byKind[terms.NoticeRequirement]; !strings.Contains(o.Action, "NOTICE") || !strings.Contains(o.Action, "Meta Platforms") || o.Evidence != "LICENSE" {
		t.Errorf("notice item %+v", o)
	}
	if o := byKind[terms.IncorporatedPolicy]; !strings.Contains(o.Action, "llama3.1-aup") || o.Evidence != "LICENSE:30" {
		t.Errorf("policy item %+v", o)
	}
	// Restrictions are not checklist items; licensor updates are.
	got = Obligations("x", "", []terms.Term{stabilityRevenue, ccByNC, {Kind: terms.LicensorMayUpdate}, {Kind: terms.PassThrough, Evidence: []terms.Lines{{Start: 3}}}}, nil)
	if strings.Join(kindsOf(got), ",") != "licensor-may-update,pass-through" {
		t.Errorf("kinds = %v", kindsOf(got))
	}
	if got[1].Evidence != "lines 3" {
		t.Errorf("evidence = %q", got[1].Evidence)
	}
}
