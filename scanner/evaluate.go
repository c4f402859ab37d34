package scanner

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/profile"
	"github.com/carveout/carveout/licenses/terms"
)

// Evaluation is what a report is evaluated against after the scan.
type Evaluation struct {
	// Profile describes the organization; nil evaluates no verdicts (the
	// policy still checks licenses and findings).
	Profile *profile.Profile
	// Rates override the profile's exchange rates.
	Rates profile.Rates
	// Policy decides what fails; nil is profile.DefaultPolicy() with its
	// finding severity replaced by FailOn.
	Policy *profile.Policy
	// FailOn is the failing finding severity ("" = never) used when no
	// policy file is given.
	FailOn Severity
	// Now is the time waivers are checked against.
	Now time.Time
}

// Evaluate gives every term of r a verdict against the profile, lists the
// obligations, checks the policy and recomputes the summary.
func Evaluate(r *Report, e Evaluation) {
	multimodal, _ := profile.Multimodal(profile.ModelFacts{Config: r.Model.Config, Files: r.Model.Files,
		PipelineTag: r.Declared.PipelineTag, Tags: r.Declared.Tags})
	ctx := profile.Context{Multimodal: multimodal, ShipsNotice: shipsNotice(r)}
	if e.Profile != nil {
		r.Profile = reportProfile(e.Profile)
		rates := e.Profile.ExchangeRates.Merge(e.Rates)
		for i := range r.Licenses {
			l := &r.Licenses[i]
			for j := range l.Terms {
				t := &l.Terms[j]
				ev := profile.EvaluateTerm(l.ID, termLocation(*t), termOf(*t), e.Profile, rates, ctx)
				t.Verdict, t.Reason, t.Missing = string(ev.Verdict), ev.Reason, ev.Missing
			}
		}
	}
	r.Obligations = []Obligation{}
	var lists [][]profile.Obligation
	type licenseKind struct{ license, kind string }
	byKind := map[licenseKind][]Evidence{}
	n := 0
	for _, l := range r.Licenses {
		n = max(n, len(l.Terms))
	}
	ts := make([]terms.Term, 0, n) // one buffer: Obligations keeps none of it
	for _, l := range r.Licenses {
		ts = ts[:0]
		for _, t := range l.Terms {
			ts = append(ts, termOf(t))
			k := licenseKind{l.ID, t.Kind}
			byKind[k] = append(byKind[k], t.Evidence...)
		}
		loc := ""
		if len(l.Evidence) > 0 {
			loc = l.Evidence[0].Place()
		}
		lists = append(lists, profile.Obligations(l.ID, loc, ts, e.Profile, ctx))
	}
	// One list across licenses: the same duty twice (the lineage, a term
	// read from the text and its catalog fact) is one item.
	merged := profile.MergeObligations(lists...)
	for _, o := range merged {
		r.Obligations = append(r.Obligations, Obligation{License: o.License, Kind: string(o.Kind), Action: o.Action, Evidence: firstN(byKind[licenseKind{o.License, string(o.Kind)}], 1)})
	}

	pol := e.Policy
	if pol == nil {
		pol = profile.DefaultPolicy()
		pol.FailOn.FindingSeverity = profile.Severity(e.FailOn)
		if e.FailOn == "" {
			// --fail-on never: report, never fail.
			pol.FailOn = profile.FailOn{FindingSeverity: profile.SeverityNever}
		}
		// Without a profile there are no verdicts; without a policy file
		// the gate is the findings (and unknown licenses, which are
		// always findings).
	}
	var items []profile.Item
	for _, l := range r.Licenses {
		items = append(items, profile.Item{Kind: profile.ItemLicense, License: l.ID, Category: licenses.Category(l.Category), Path: firstPathOf(l.Evidence)})
		for _, t := range l.Terms {
			if t.Verdict == "" {
				continue
			}
			items = append(items, profile.Item{Kind: profile.ItemTerm, License: l.ID, Term: terms.Kind(t.Kind), Verdict: profile.Verdict(t.Verdict), Message: fmt.Sprintf("%s %s: %s", l.ID, t.Kind, t.Reason), Path: firstPathOf(t.Evidence)})
		}
	}
	// Findings go through the policy only when a policy file is given
	// (for its waivers and fail_on.finding_severity); otherwise --fail-on
	// gates them and they are not repeated as violations.
	if e.Policy != nil {
		for _, f := range r.Findings {
			items = append(items, profile.Item{Kind: profile.ItemFinding, License: f.License, Rule: f.Rule, Severity: profile.Severity(f.Severity), Message: f.Message, Path: firstPathOf(f.Evidence)})
		}
	}
	res := pol.Check(items, e.Now)
	r.Violations = []Violation{}
	for _, v := range res.Violations {
		if !v.Failing && !v.Waived && !v.WaiverExpired {
			continue // warnings stay findings
		}
		r.Violations = append(r.Violations, Violation{Rule: v.Rule, Message: v.Message, License: v.License, Path: v.Path, Waived: v.Waived, WaiverReason: v.WaiverReason, WaiverExpired: v.WaiverExpired})
	}
	if e.Policy != nil {
		r.Summary = Summarize(r, "")
		r.Summary.FailOn = string(pol.FailOn.FindingSeverity)
	} else {
		r.Summary = Summarize(r, e.FailOn)
	}
	if !res.Passed {
		r.Summary.Status = "fail"
	}
	decide(r, e.Profile != nil, merged, res.Waived())
}

// decide sets the report's decision from the verdicts. Without a profile
// no restriction could be checked against the organization: each is
// undetermined for want of a profile, so a restricted license is never
// "allowed" by default.
func decide(r *Report, haveProfile bool, obligations []profile.Obligation, waived int) {
	var vs []profile.TermVerdict
	for _, l := range r.Licenses {
		for _, t := range l.Terms {
			v := profile.TermVerdict{License: l.ID, Kind: terms.Kind(t.Kind), Verdict: profile.Verdict(t.Verdict), Missing: t.Missing}
			if !haveProfile {
				if !terms.Gates(terms.Kind(t.Kind)) {
					continue
				}
				v.Verdict, v.Missing = profile.Undetermined, []string{"profile"}
			}
			if v.Verdict != "" {
				vs = append(vs, v)
			}
		}
	}
	d := profile.Decide(vs, obligations, r.Summary.Status != "pass", waived)
	s := &r.Summary
	s.Decision, s.Applies, s.Undetermined, s.Waived, s.Obligations, s.Missing = d.Decision, d.Applies, d.Undetermined, d.Waived, d.Obligations, d.Missing
}

func firstN(es []Evidence, n int) []Evidence {
	if len(es) > n {
		return es[:n]
	}
	return es
}

func firstPathOf(es []Evidence) string {
	for _, e := range es {
		if e.Path != "" {
			return e.Path
		}
	}
	return ""
}

func termLocation(t Term) string {
	if len(t.Evidence) == 0 {
		return "catalog"
	}
	return t.Evidence[0].Place()
}

// TableResolver resolves base models from the built-in table of
// well-known base-model organizations (no network).
type TableResolver struct{}

// Resolve implements Resolver.
func (TableResolver) Resolve(_ context.Context, id string) (*BaseInfo, error) {
	lic, ok := licenses.BaseModelLicense(id)
	if !ok {
		return nil, ErrUnresolved
	}
	return &BaseInfo{Licenses: []string{lic}, Source: "built-in table"}, nil
}

// shipsNotice says whether the repository has a NOTICE file; nil when its
// file list is unknown.
func shipsNotice(r *Report) *bool {
	if len(r.Model.Files) == 0 {
		return nil
	}
	yes := false
	for _, p := range r.Model.Files {
		if strings.HasPrefix(strings.ToUpper(path.Base(p)), "NOTICE") {
			yes = true
		}
	}
	return &yes
}
