package scanner

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/terms"
)

// derivative checks a repository about to be published against the
// licenses of its base models: the derivative's name, the NOTICE text, a
// copy of the license and a reference to the acceptable-use policy.
func (s *scan) derivative() {
	if len(s.bases) == 0 {
		s.finding("no-base-model", SeverityInfo, "no base model is named (card base_model, adapter or GGUF metadata): derivative checks against a base license were not made")
		return
	}
	for _, l := range s.rep.Lineage {
		if !l.Resolved && l.Depth == 1 {
			s.finding("base-model-unresolved", SeverityWarning, fmt.Sprintf("base model %s: license not resolved (%s); its terms were not checked and are not assumed", l.Base, l.Note), Evidence{Path: s.cardPath, Source: SourceLineage, Detail: l.Base})
		}
	}
	name := s.opts.DerivativeName
	nameSrc := "--derivative-name / profile derivative_name"
	if name == "" {
		name = s.rep.Declared.ModelName
		nameSrc = "model_name in " + s.cardPath
	}
	var notices, policyText strings.Builder
	for p, t := range s.texts {
		base := strings.ToUpper(path.Base(p))
		if strings.HasPrefix(base, "NOTICE") {
			notices.WriteString(t + "\n")
		}
		policyText.WriteString(t + "\n")
	}
	cardEv := Evidence{Path: s.cardPath, Source: SourceModelCard}
	for _, inh := range Inherited(&s.rep) {
		base, ok := licenses.Lookup(inh)
		if !ok {
			continue
		}
		ts := base.Terms
		if l, ok := s.lics[inh]; ok {
			ts = ts[:0:0]
			for _, t := range l.Terms {
				ts = append(ts, t.Term)
			}
		}
		if hasKind(ts, terms.NamingRequirement) {
			if name == "" {
				s.licenseFinding(inh, "derivative-name-unknown", SeverityWarning, fmt.Sprintf("%s requires derivative names to start with %s, but no derivative name is known (set model_name in the card, derivative_name in the profile, or --derivative-name)", inh, prefixes(ts)), cardEv)
			} else if ok, reason := licenses.CheckName(name, ts); !ok {
				s.licenseFinding(inh, "derivative-name-prefix", SeverityError, fmt.Sprintf("derivative name %q (%s): %s", name, nameSrc, reason), cardEv)
			}
		}
		if hasKind(ts, terms.NoticeRequirement) {
			if ok, reason := licenses.CheckNotice(notices.String(), ts); !ok {
				s.licenseFinding(inh, "derivative-notice-missing", SeverityError, fmt.Sprintf("%s requires a NOTICE file: %s", inh, reason))
			}
		}
		if hasKind(ts, terms.CopyOfLicenseRequired) && !s.shipsCopyOf(inh) {
			s.licenseFinding(inh, "derivative-license-copy-missing", SeverityError, fmt.Sprintf("%s requires a copy of the license to ship with the model, and no license file in the repository holds or names it", inh))
		}
		if hasKind(ts, terms.PassThrough) && !s.shipsCopyOf(inh) && !s.shipsUseRestrictions() {
			s.licenseFinding(inh, "derivative-restrictions-not-passed-on", SeverityError, fmt.Sprintf("%s requires its use restrictions to be passed on to recipients of derivatives, and no license text in the repository carries them (ship the %s text or include its use restrictions)", inh, inh), cardEv)
		}
		if hasKind(ts, terms.IncorporatedPolicy) {
			if ok, reason := licenses.CheckPolicyReference(policyText.String(), ts); !ok {
				s.licenseFinding(inh, "derivative-policy-not-referenced", SeverityError, fmt.Sprintf("%s: %s", inh, reason), cardEv)
			}
		}
	}
}

func hasKind(ts []terms.Term, k terms.Kind) bool {
	for _, t := range ts {
		if t.Kind == k {
			return true
		}
	}
	return false
}

func prefixes(ts []terms.Term) string {
	var ps []string
	for _, t := range ts {
		if t.Kind == terms.NamingRequirement && t.Prefix != "" {
			ps = append(ps, fmt.Sprintf("%q", t.Prefix))
		}
	}
	sort.Strings(ps)
	return strings.Join(ps, " or ")
}

// shipsCopyOf: a license file holds or names the license (a NOTICE line
// naming it is not a copy).
func (s *scan) shipsCopyOf(id string) bool {
	for _, x := range s.shipped() {
		if x.ID == id && !strings.HasPrefix(strings.ToUpper(path.Base(x.Path)), "NOTICE") {
			return true
		}
	}
	return false
}

// shipsUseRestrictions: a license text in the repository bans some uses
// (the derivative's own license carrying the base's restrictions).
func (s *scan) shipsUseRestrictions() bool {
	for _, x := range s.shipped() {
		for _, t := range s.lics[x.ID].Terms {
			if t.Kind == terms.FieldOfUse && t.Origin == terms.OriginText {
				return true
			}
		}
	}
	return false
}
