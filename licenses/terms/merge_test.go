package terms

import (
	"reflect"
	"testing"
)

func TestMerge(t *testing.T) {
	text := []Term{
		{Kind: FieldOfUse, Categories: []string{"violence"}, Origin: OriginText, Evidence: []Lines{{5, 21}}},
		{Kind: UserThreshold, Metric: "monthly_active_users", Value: 700, Origin: OriginText, Evidence: []Lines{{30, 31}}},
	}
	catalog := []Term{
		{Kind: FieldOfUse, Categories: []string{"military"}},
		{Kind: UserThreshold, Metric: "monthly_active_users", Value: 700, Measured: "on the release date", Clause: "2"},
		{Kind: NoticeRequirement, Notice: "X"},
	}
	got := Merge(text, catalog)
	if len(got) != 4 {
		t.Fatalf("Merge gave %d terms: %+v", len(got), got)
	}
	if got[1].Measured != "on the release date" || got[1].Clause != "2" || got[1].Origin != OriginText {
		t.Errorf("agreeing catalog fact not filled in: %+v", got[1])
	}
	if got[2].Origin != OriginCatalog || got[2].Categories[0] != "military" || got[3].Origin != OriginCatalog {
		t.Errorf("catalog facts the text does not show must stay, marked: %+v", got[2:])
	}
	if text[1].Measured != "" || catalog[0].Origin != "" {
		t.Error("Merge modified its inputs")
	}
}

func TestMergeCited(t *testing.T) {
	ts := []Term{
		{Kind: OutputsRestriction, Categories: []string{"train-other-models"}, Origin: OriginText, Evidence: []Lines{{61, 63}}},
		{Kind: OutputsRestriction, Categories: []string{"improve-other-llms"}, Origin: OriginCatalog, Evidence: []Lines{{62, 62}}, Clause: "1.b.v"},
		{Kind: FieldOfUse, Categories: []string{"military"}, Origin: OriginCatalog, Evidence: []Lines{{26, 26}}},
		{Kind: FieldOfUse, Categories: []string{"violence"}, Origin: OriginText, Evidence: []Lines{{5, 21}}},
	}
	got := MergeCited(ts)
	if len(got) != 3 {
		t.Fatalf("MergeCited gave %d terms: %+v", len(got), got)
	}
	if !reflect.DeepEqual(got[0].Categories, []string{"train-other-models", "improve-other-llms"}) || got[0].Clause != "1.b.v" {
		t.Errorf("same-clause catalog fact not folded in: %+v", got[0])
	}
	if got[1].Origin != OriginCatalog {
		t.Errorf("a catalog fact cited on other lines stays: %+v", got[1])
	}
}
