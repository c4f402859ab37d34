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
}

// Obligations returns the checklist for one license: one item per duty
// (naming, attribution, NOTICE, copy of the license, pass-through,
// acceptable-use policy, watching for updated terms) that binds the
// organization. Duties that arise only on distribution are left out when
// the profile says the use is internal only; with a nil profile or unknown
// uses every duty is listed.
func Obligations(licenseID, location string, ts []terms.Term, p *Profile) []Obligation {
	if p == nil {
		p = &Profile{}
	}
	_, dist, known := distributes(p)
	var out []Obligation
	for _, t := range ts {
		action := obligationAction(t)
		if action == "" {
			continue
		}
		if known && t.Kind != terms.IncorporatedPolicy && t.Kind != terms.LicensorMayUpdate && t.Kind != terms.TerminationAtWill {
			if !dist {
				continue
			}
			if derivativeDuty(t.Kind) && !p.HasUse(UsePublishDerivatives) {
				continue
			}
		}
		out = append(out, Obligation{
			Kind:     t.Kind,
			License:  licenseID,
			Action:   action,
			Evidence: evidence(location, t),
		})
	}
	return out
}

// derivativeDuty: the duty arises only for derivatives you publish.
func derivativeDuty(k terms.Kind) bool {
	return k == terms.NamingRequirement || k == terms.ModificationNotice || k == terms.ShareAlike
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
