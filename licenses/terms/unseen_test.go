package terms

import (
	"slices"
	"strings"
	"testing"
)

// TestUnseenWordings: how licenses carveout has never seen say what they
// say (issue 9 item 10). The sentences are invented for the test.
func TestUnseenWordings(t *testing.T) {
	has := func(k Kind, check func(Term) bool) func([]Term) bool {
		return func(ts []Term) bool {
			return slices.ContainsFunc(ts, func(x Term) bool { return x.Kind == k && (check == nil || check(x)) })
		}
	}
	regions := func(want ...string) func(Term) bool {
		return func(x Term) bool {
			for _, w := range want {
				if !slices.Contains(x.Regions, w) {
					return false
				}
			}
			return true
		}
	}
	category := func(sub string) func(Term) bool {
		return func(x Term) bool {
			return slices.ContainsFunc(x.Categories, func(c string) bool { return strings.Contains(c, sub) })
		}
	}
	not := func(f func([]Term) bool) func([]Term) bool { return func(ts []Term) bool { return !f(ts) } }
	for _, c := range []struct {
		name, text string
		ok         func([]Term) bool
	}{
		{"user cap in a friendly sentence that reads like a recital",
			"We hope you enjoy using it for whatever you like, except in any product with more than 10 million monthly active users, which requires our written permission.",
			has(UserThreshold, func(x Term) bool { return x.Value == 10_000_000 })},
		{"a recital without a requirement is no threshold",
			"We hope the model will one day serve more than 10 million monthly active users around the world.",
			not(has(UserThreshold, nil))},
		{"territory: does not apply in several regions",
			"This license does not apply in the European Union, the United Kingdom and South Korea.",
			has(TerritoryExclusion, regions("EU", "GB", "KR"))},
		{"territory: worldwide excluding",
			"\"Territory\" means worldwide, excluding Brazil and India.",
			has(TerritoryExclusion, regions("BR", "IN"))},
		{"territory: a sentence that only names a country",
			"Zephyr Labs is a company organised under the laws of Japan with offices in Canada.",
			not(has(TerritoryExclusion, nil))},
		{"territory: a country in a list of offices",
			"Our support team works from Singapore and Australia.",
			not(has(TerritoryExclusion, nil))},
		{"passive duty: must be displayed",
			"The phrase \"Made with Zephyr\" must be prominently displayed on any product that uses the model.",
			has(AttributionRequirement, func(x Term) bool { return x.Statement == "Made with Zephyr" })},
		{"encouraged is not required",
			"You are encouraged, but not required, to display \"Made with Zephyr\" in your product.",
			not(has(AttributionRequirement, nil))},
		{"ban wrapped over lines",
			"You may not use the Model\nfor the development of\nweapons or for mass\nsurveillance of people.",
			has(FieldOfUse, category("weapon"))},
		{"heading-style list of banned uses",
			"Prohibited Uses\n\n- Weapons development\n- Mass surveillance\n- Medical diagnosis without a clinician\n",
			has(FieldOfUse, func(x Term) bool { return category("weapon")(x) && category("surveillance")(x) })},
		{"personal use only",
			"The weights are licensed for personal use only.",
			has(NonCommercial, func(x Term) bool { return slices.Contains(x.Allowed, "personal") })},
		{"the right to Sell is withheld",
			"The grant above does not include the right to Sell the Model or any service whose value derives from it.",
			has(DistributionRestriction, category("sale"))},
		{"territory: worldwide alone excludes nothing",
			"\"Territory\" means worldwide.",
			not(has(TerritoryExclusion, nil))},
		{"territory: worldwide except",
			"The licence is granted worldwide except for Russia and Belarus.",
			has(TerritoryExclusion, regions("RU", "BY"))},
		{"passive duty: a copy must be included",
			"A copy of this license must be included with every copy of the weights you give to others.",
			has(CopyOfLicenseRequired, nil)},
		{"passive duty: attribution shall be shown",
			"The credit \"Powered by Zephyr\" shall be shown in the about page of every app built on the model.",
			has(AttributionRequirement, func(x Term) bool { return x.Statement == "Powered by Zephyr" })},
		{"encouraged citation is no notice duty",
			"We would appreciate it if you kept a NOTICE file crediting Zephyr Labs in copies you share.",
			not(has(NoticeRequirement, nil))},
		{"heading-style list introduced by a sentence",
			"The following uses are prohibited:\n\n* developing weapons\n* surveillance of individuals\n",
			has(FieldOfUse, category("weapon"))},
		{"personal and non-commercial use only",
			"You may run the model for personal, non-commercial use only.",
			has(NonCommercial, nil)},
		{"selling what you build is allowed",
			"You may sell products and services built with the Model.",
			not(has(DistributionRestriction, nil))},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts := Extract(c.text)
			if !c.ok(ts) {
				t.Errorf("%q: terms %+v", c.text, ts)
			}
		})
	}
}
