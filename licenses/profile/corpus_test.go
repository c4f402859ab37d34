package profile

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/terms"
)

// corpusDir is the shared reference corpus, relative to this package.
const corpusDir = "../../../shared/corpus/licenses"

// corpusTerms identifies a corpus text and returns the terms of the part
// identified as id (catalog facts merged with the terms read).
func corpusTerms(t *testing.T, file, id string) []terms.Term {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, file))
	if err != nil {
		if os.IsNotExist(err) {
			t.Skipf("reference corpus not found at %s: %v", corpusDir, err)
		}
		t.Fatal(err)
	}
	for _, x := range licenses.Identify(b) {
		if x.ID == id {
			return x.Terms
		}
	}
	t.Fatalf("%s: %s not identified", file, id)
	return nil
}

func covers(tm terms.Term, line int) bool {
	for _, e := range tm.Evidence {
		if e.Start <= line && line <= e.End {
			return true
		}
	}
	return false
}

// TestCorpusClauses evaluates the clauses of issue 10 on the corpus texts
// that carry them: each row names the file, the line of the clause, a
// profile, and the verdict a reader of that clause gives. The term must
// be there, cite that line, and get that verdict.
func TestCorpusClauses(t *testing.T) {
	for _, c := range []struct {
		name, file, id string
		line           int
		kind           terms.Kind
		match          func(terms.Term) bool // nil: any term of kind
		profile        string
		ctx            Context
		verdict        Verdict
		contain        string
	}{
		{name: "llama2 AUP shipped: military ban kept", file: "llama2-aup.txt", id: "llama2-aup", line: 26, kind: terms.FieldOfUse,
			match: hasCategory("military"), profile: "fields: [defense]", verdict: Applies},
		{name: "llama3 AUP shipped: military ban kept", file: "llama3-aup.txt", id: "llama3-aup", line: 26, kind: terms.FieldOfUse,
			match: hasCategory("military"), profile: "fields: [defense]", verdict: Applies},
		{name: "microsoft research: no distribution of models", file: "microsoft-research-license.txt", id: "microsoft-research-license", line: 13,
			kind: terms.DistributionRestriction, match: hasCategory("models"), profile: "uses: [redistribute-weights]", verdict: Applies},
		{name: "microsoft research: no sharing", file: "microsoft-research-license.txt", id: "microsoft-research-license", line: 22,
			kind: terms.DistributionRestriction, match: hasCategory("materials"), profile: "uses: [publish-derivatives]", verdict: Applies},
		{name: "microsoft research: no hosting", file: "microsoft-research-license.txt", id: "microsoft-research-license", line: 22,
			kind: terms.HostingRestriction, profile: "uses: [hosted-service]", verdict: Applies},
		{name: "nvidia: production only with AI Enterprise or RTX", file: "nvidia-ai-foundation-models-community.txt", id: "nvidia-ai-foundation-models-community", line: 19,
			kind: terms.CommercialUseGate, profile: "uses: [internal]", verdict: Applies},
		{name: "nvidia: production gate unlocked", file: "nvidia-ai-foundation-models-community.txt", id: "nvidia-ai-foundation-models-community", line: 19,
			kind: terms.CommercialUseGate, profile: "uses: [commercial]\ncommercial_licenses: [nvidia-ai-foundation-models-community]", verdict: DoesNotApply},
		{name: "nvidia 4.5: biometric identification", file: "nvidia-ai-foundation-models-community.txt", id: "nvidia-ai-foundation-models-community", line: 90,
			kind: terms.FieldOfUse, match: hasCategory("biometric-identification"), profile: "fields: [biometrics]", verdict: Applies},
		{name: "yi: commercial use needs registration", file: "yi.txt", id: "yi-community", line: 95, kind: terms.CommercialUseGate,
			profile: "uses: [commercial]", verdict: Applies},
		{name: "chatglm3: commercial use needs registration", file: "chatglm3.txt", id: "chatglm3", line: 47, kind: terms.CommercialUseGate,
			profile: "uses: [commercial]", verdict: Applies},
		{name: "glm-4: commercial use needs registration", file: "glm-4.txt", id: "glm-4", line: 50, kind: terms.CommercialUseGate,
			profile: "uses: [commercial]", verdict: Applies},
		{name: "codegeex4: commercial use needs registration", file: "codegeex4.txt", id: "codegeex4", line: 46, kind: terms.CommercialUseGate,
			profile: "uses: [hosted-service]", verdict: Applies},
		{name: "flux dev: military", file: "flux1-dev-nc.txt", id: "flux-1-dev-nc", line: 31, kind: terms.FieldOfUse,
			match: hasCategory("military"), profile: "fields: [military]", verdict: Applies},
		{name: "flux dev: surveillance", file: "flux1-dev-nc.txt", id: "flux-1-dev-nc", line: 31, kind: terms.FieldOfUse,
			match: hasCategory("surveillance"), profile: "fields: [surveillance]", verdict: Applies},
		{name: "fair nc policy: military", file: "fair-noncommercial-research.txt", id: "fair-noncommercial-research-license", line: 96, kind: terms.FieldOfUse,
			match: hasCategory("military"), profile: "fields: [defense]", verdict: Applies},
		{name: "gemma policy: automated decisions in finance", file: "gemma-prohibited-use.txt", id: "gemma-prohibited-use", line: 34, kind: terms.FieldOfUse,
			match: hasCategory("automated-decisions-finance"), profile: "fields: [finance]", verdict: Applies},
		{name: "gemma policy: tracking people", file: "gemma-prohibited-use.txt", id: "gemma-prohibited-use", line: 27, kind: terms.FieldOfUse,
			match: hasCategory("tracking-or-monitoring-people"), profile: "fields: [surveillance]", verdict: Applies},
		{name: "c4ai: synthetic data for commercial training", file: "c4ai-aup.txt", id: "c4ai-aup", line: 20, kind: terms.OutputsRestriction,
			match: hasCategory("commercial-synthetic-data"), profile: "uses: [train-on-outputs]", verdict: Applies},
		{name: "cohere labs: synthetic data for commercial training", file: "cohere-labs-aup.txt", id: "cohere-labs-aup", line: 35, kind: terms.OutputsRestriction,
			match: hasCategory("commercial-synthetic-data"), profile: "uses: [train-on-outputs]", verdict: Applies},
		{name: "apache: modified files", file: "apache-2.0.txt", id: "Apache-2.0", line: 97, kind: terms.ModificationNotice,
			profile: "uses: [publish-derivatives]", verdict: Applies},
		{name: "gemma: modified files", file: "gemma.txt", id: "gemma-2025-03-24", line: 39, kind: terms.ModificationNotice,
			profile: "uses: [publish-derivatives]", verdict: Applies},
		{name: "deepfloyd: termination at will", file: "deepfloyd-if.txt", id: "deepfloyd-if-license", line: 131, kind: terms.TerminationAtWill,
			verdict: Applies},
		{name: "sdxl 0.9: termination at will", file: "stability-sdxl0.9-research.txt", id: "stability-ai-sdxl-0.9-research", line: 53, kind: terms.TerminationAtWill,
			verdict: Applies},
		{name: "flux dev: termination at will", file: "flux1-dev-nc.txt", id: "flux-1-dev-nc", line: 46, kind: terms.TerminationAtWill,
			verdict: Applies},
		{name: "llama 3.1 end user (1.b.ii)", file: "llama3.1.txt", id: "llama3.1", line: 32, kind: terms.UserThreshold,
			profile: "monthly_active_users: 900000000\nrole: end-user", verdict: DoesNotApply, contain: "1.b.ii"},
		{name: "llama 3.1 developer", file: "llama3.1.txt", id: "llama3.1", line: 32, kind: terms.UserThreshold,
			profile: "monthly_active_users: 900000000", verdict: Applies, contain: "2024-07-23"},
		{name: "llama 3.1 users on the release date", file: "llama3.1.txt", id: "llama3.1", line: 32, kind: terms.UserThreshold,
			profile: "monthly_active_users: 900000000\nmonthly_active_users_at: {2024-07-01: 600000000}", verdict: DoesNotApply, contain: "counted on 2024-07-23"},
		{name: "stability community end user (III)", file: "stability-community.txt", id: "stability-ai-community", line: 22, kind: terms.RevenueThreshold,
			profile: "annual_revenue: {amount: 5000000, currency: USD}\nrole: end-user", verdict: DoesNotApply},
		{name: "stability community registration at line 22", file: "stability-community.txt", id: "stability-ai-community", line: 22, kind: terms.CommercialUseGate,
			profile: "uses: [commercial]", verdict: Applies},
		{name: "tongyi: cap only if commercially using", file: "tongyi-qianwen.txt", id: "tongyi-qianwen", line: 29, kind: terms.UserThreshold,
			profile: "monthly_active_users: 200000000\nuses: [research-only]", verdict: DoesNotApply},
		{name: "gemma: NOTICE not for hosted services", file: "gemma.txt", id: "gemma-2025-03-24", line: 41, kind: terms.NoticeRequirement,
			profile: "uses: [hosted-service]", verdict: DoesNotApply},
		{name: "apache: NOTICE only when the work ships one", file: "apache-2.0.txt", id: "Apache-2.0", line: 106, kind: terms.NoticeRequirement,
			profile: "uses: [redistribute-weights]", ctx: Context{ShipsNotice: new(bool)}, verdict: DoesNotApply},
		{name: "cc-by: attribution is 3(a), when sharing", file: "cc-by-4.0.txt", id: "CC-BY-4.0", line: 220, kind: terms.AttributionRequirement,
			profile: "uses: [redistribute-weights]", verdict: Applies},
		{name: "gpl: copyleft is its own duty", file: "gpl-3.0.txt", id: "GPL-3.0-only", line: 222, kind: terms.ShareAlike,
			profile: "uses: [publish-derivatives]", verdict: Applies},
		{name: "cc-by-nc-sa: ShareAlike is its own duty", file: "cc-by-nc-sa-4.0.txt", id: "CC-BY-NC-SA-4.0", line: 288, kind: terms.ShareAlike,
			profile: "uses: [publish-derivatives]", verdict: Applies},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts := corpusTerms(t, c.file, c.id)
			p := mustProfile(t, c.profile)
			found := false
			for _, tm := range ts {
				if tm.Kind != c.kind || c.match != nil && !c.match(tm) {
					continue
				}
				found = true
				if !covers(tm, c.line) {
					t.Errorf("%s term %s cites %v, not line %d", c.kind, terms.Describe(tm), tm.Evidence, c.line)
				}
				e := EvaluateTerm(c.id, c.file, tm, p, nil, c.ctx)
				if e.Verdict != c.verdict || !strings.Contains(e.Reason, c.contain) {
					t.Errorf("verdict %s (%s), want %s with %q", e.Verdict, e.Reason, c.verdict, c.contain)
				}
			}
			if !found {
				t.Errorf("no %s term in %s; terms: %v", c.kind, c.file, kinds(ts))
			}
		})
	}
}

// TestCorpusNoInventedTerms: terms the texts do not carry.
func TestCorpusNoInventedTerms(t *testing.T) {
	for _, c := range []struct {
		name, file, id string
		bad            func(terms.Term) bool
	}{
		{"gemma: updating the model is not updating the terms", "gemma.txt", "gemma-2025-03-24",
			func(tm terms.Term) bool { return tm.Kind == terms.LicensorMayUpdate }},
		{"clay openrail: no medical or law-enforcement bans", "openrail-m-aipubs-clay.txt", "openrail",
			func(tm terms.Term) bool {
				return hasCategory("medical-advice")(tm) || hasCategory("law-enforcement")(tm)
			}},
		{"c4ai: no weapons or surveillance bans", "c4ai-aup.txt", "c4ai-aup",
			func(tm terms.Term) bool { return hasCategory("weapons")(tm) || hasCategory("surveillance")(tm) }},
		{"cohere labs: no weapons or surveillance bans", "cohere-labs-aup.txt", "cohere-labs-aup",
			func(tm terms.Term) bool { return hasCategory("weapons")(tm) || hasCategory("surveillance")(tm) }},
		{"apple sample code: keep the notice, no prominent credit", "apple-sample-code.txt", "AML",
			func(tm terms.Term) bool { return tm.Kind == terms.AttributionRequirement }},
		{"deepseek clause 9 is not a personal-data ban", "deepseek.txt", "deepseek",
			func(tm terms.Term) bool { return tm.Kind == terms.FieldOfUse && covers(tm, 61) }},
		{"bigscience preamble is not a ban", "bigscience-openrail-m.txt", "bigscience-openrail-m",
			func(tm terms.Term) bool { return tm.Kind == terms.FieldOfUse && covers(tm, 9) }},
		{"stability community: the recital is not the revenue clause", "stability-community.txt", "stability-ai-community",
			func(tm terms.Term) bool { return tm.Kind == terms.RevenueThreshold && covers(tm, 10) }},
		{"gpl copyleft is not a use restriction pass-through", "gpl-3.0.txt", "GPL-3.0-only",
			func(tm terms.Term) bool { return tm.Kind == terms.PassThrough && tm.Origin == terms.OriginCatalog }},
	} {
		t.Run(c.name, func(t *testing.T) {
			for _, tm := range corpusTerms(t, c.file, c.id) {
				if c.bad(tm) {
					t.Errorf("%s: invented term %s %s (%s) at %v", c.file, tm.Kind, terms.Describe(tm), tm.Origin, tm.Evidence)
				}
			}
		})
	}
}

func hasCategory(c string) func(terms.Term) bool {
	return func(tm terms.Term) bool { return slices.Contains(tm.Categories, c) }
}

func kinds(ts []terms.Term) []terms.Kind {
	var out []terms.Kind
	for _, t := range ts {
		out = append(out, t.Kind)
	}
	return out
}

// TestCorpusObligationWording: Creative Commons attribution is §3(a) (keep
// the creator identification and notices when sharing), not "credit the
// model prominently in products"; the checklist cites the clause.
func TestCorpusObligationWording(t *testing.T) {
	ts := corpusTerms(t, "cc-by-4.0.txt", "CC-BY-4.0")
	obs := Obligations("CC-BY-4.0", "LICENSE", ts, mustProfile(t, "uses: [redistribute-weights]"))
	found := false
	for _, o := range obs {
		if o.Kind != terms.AttributionRequirement {
			continue
		}
		found = true
		if strings.Contains(o.Action, "prominently") || !strings.Contains(o.Action, "3(a)(1)") || o.Clause != "3(a)(1)" {
			t.Errorf("attribution duty %+v", o)
		}
	}
	if !found {
		t.Errorf("no attribution duty in %+v", obs)
	}
}
