package profile

import (
	"fmt"
	"strings"

	"github.com/carveout/carveout/licenses/terms"
)

// Obligation is one item of the checklist of what the organization must do
// to comply with a license.
type Obligation struct {
	Kind    terms.Kind `json:"kind"`
	License string     `json:"license"`
	// Action says what to do, in an imperative sentence.
	Action string `json:"action"`
	// Evidence is where the duty is written ("LICENSE:70-74").
	Evidence string `json:"evidence"`
	// Clause is the operative clause when the license's term cites it.
	Clause string `json:"clause,omitempty"`
	// Licenses are every license that imposes the duty (MergeObligations).
	Licenses []string `json:"licenses,omitempty"`
}

// Obligations returns the checklist for one license: one item per duty
// (naming, attribution, NOTICE, copy of the license, pass-through,
// acceptable-use policy, watching for updated terms...) that binds the
// organization: every duty the evaluation does not find inapplicable
// (internal use only, no derivatives published, an end-user exemption, no
// NOTICE shipped, ...). With a nil profile or unknown uses every duty is
// listed. ctx is the evaluation context (at most one).
func Obligations(licenseID, location string, ts []terms.Term, p *Profile, ctx ...Context) []Obligation {
	if p == nil {
		p = &Profile{}
	}
	var c Context
	if len(ctx) > 0 {
		c = ctx[0]
	}
	var out []Obligation
	for _, t := range ts {
		action := obligationAction(t)
		if action == "" {
			continue
		}
		if EvaluateTerm(licenseID, location, t, p, nil, c).Verdict == DoesNotApply {
			continue
		}
		out = append(out, Obligation{
			Kind:     t.Kind,
			License:  licenseID,
			Action:   action,
			Evidence: evidence(location, t),
			Clause:   t.Clause,
		})
	}
	return out
}

// evidence is the location completed with the term's line range.
func evidence(location string, t terms.Term) string {
	if len(t.Evidence) == 0 || t.Evidence[0].Start <= 0 || hasLines(location) {
		return location
	}
	if location == "" {
		return "lines " + lineRange(t.Evidence[0])
	}
	return location + ":" + lineRange(t.Evidence[0])
}

func obligationAction(t terms.Term) string {
	switch t.Kind {
	case terms.NamingRequirement:
		if t.Prefix == "" {
			return "Give any derivative model you distribute or make available a name that carries the required model name."
		}
		return fmt.Sprintf("Begin the name of any derivative model you distribute or make available with %q.", t.Prefix)
	case terms.AttributionRequirement:
		if t.Statement == "" {
			return "Give the attribution the license requires" + clause(t) + " whenever you share the material or adaptations of it."
		}
		return fmt.Sprintf("Show %q prominently where users see it (website, user interface, blog post, about page or product documentation) for products built on the model.", t.Statement)
	case terms.NoticeRequirement:
		if n := strings.TrimSpace(t.Notice); n != "" {
			return fmt.Sprintf("Ship a NOTICE text file containing %q with every copy of the model or a derivative you distribute.", n)
		}
		return "Ship the license's required NOTICE text file with every copy of the model or a derivative you distribute."
	case terms.CopyOfLicenseRequired:
		return "Give every recipient of the model or a derivative a copy of the license agreement."
	case terms.PassThrough:
		return "Carry the license's use restrictions into the terms of any derivative or product you distribute, and bind downstream recipients to them."
	case terms.IncorporatedPolicy:
		pol := "the acceptable-use policy"
		if t.Policy != "" {
			pol = "the acceptable-use policy " + t.Policy
		}
		return fmt.Sprintf("Follow %s in every use, and point recipients of the model or derivatives to it.", pol)
	case terms.LicensorMayUpdate:
		return "Re-check the current version of the terms before each release: the licensor may change them."
	case terms.TerminationAtWill:
		return "Keep a way to stop using the model: the licensor may terminate the license at any time."
	case terms.ModificationNotice:
		return "Mark every file you modify with a prominent notice that you changed it, in every derivative you distribute."
	case terms.ShareAlike:
		return "License the adaptations you share under the same (or a compatible) license" + clause(t) + "."
	}
	return ""
}

// clause is " (clause X)" when the term cites its clause.
func clause(t terms.Term) string {
	if t.Clause == "" {
		return ""
	}
	return " (clause " + t.Clause + ")"
}
