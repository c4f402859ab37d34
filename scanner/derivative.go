package scanner

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner/rules"
)

// derivative checks a repository about to be published against the
// licenses of its base models: the derivative's name, the NOTICE text, a
// copy of the license and a reference to the acceptable-use policy.
func checkDerivative(f *facts, fs *findings) {
	if len(f.e.bases) == 0 {
		fs.add("", rules.NoBaseModel, "no base model is named (card base_model, adapter or GGUF metadata): derivative checks against a base license were not made")
		return
	}
	for _, l := range f.lineage {
		if !l.Resolved && l.Depth == 1 {
			fs.add("", rules.BaseModelUnresolved, fmt.Sprintf("base model %s: license not resolved (%s); its terms were not checked and are not assumed", l.Base, l.Note), Evidence{Path: f.e.cardPath, Source: SourceLineage, Detail: l.Base})
		}
	}
	name := f.opts.DerivativeName
	nameSrc := "--derivative-name / profile derivative_name"
	if name == "" {
		if f.e.card != nil {
			name = f.e.card.ModelName
		}
		nameSrc = "model_name in " + f.e.cardPath
	}
	var notices, policyText strings.Builder
	for _, p := range sortedKeys(f.e.allTexts) {
		t := f.e.allTexts[p]
		base := strings.ToUpper(path.Base(p))
		if strings.HasPrefix(base, "NOTICE") {
			notices.Write(t)
			notices.WriteByte('\n')
		}
		policyText.Write(t)
		policyText.WriteByte('\n')
	}
	cardEv := Evidence{Path: f.e.cardPath, Source: SourceModelCard}
	for _, inh := range inherited(f.lineage) {
		base, ok := licenses.Lookup(inh)
		if !ok {
			continue
		}
		ts := base.Terms
		if l := f.lics.get(inh); l != nil {
			ts = ts[:0:0]
			for _, t := range l.Terms {
				ts = append(ts, termOf(t))
			}
		}
		if hasKind(ts, terms.NamingRequirement) {
			if name == "" {
				fs.add(inh, rules.DerivativeNameUnknown, fmt.Sprintf("%s requires derivative names to start with %s, but no derivative name is known (set model_name in the card, derivative_name in the profile, or --derivative-name)", inh, prefixes(ts)), cardEv)
			} else if ok, reason := licenses.CheckName(name, ts); !ok {
				fs.add(inh, rules.DerivativeNamePrefix, fmt.Sprintf("derivative name %q (%s): %s", name, nameSrc, reason), cardEv)
			}
		}
		if hasKind(ts, terms.NoticeRequirement) {
			if ok, reason := licenses.CheckNotice(notices.String(), ts); !ok {
				fs.add(inh, rules.DerivativeNoticeMissing, fmt.Sprintf("%s requires a NOTICE file: %s", inh, reason))
			}
		}
		if hasKind(ts, terms.CopyOfLicenseRequired) && !f.lics.shipsCopyOf(inh) {
			fs.add(inh, rules.DerivativeLicenseCopyMissing, fmt.Sprintf("%s requires a copy of the license to ship with the model, and no license file in the repository holds or names it", inh))
		}
		if hasKind(ts, terms.PassThrough) && !f.lics.shipsCopyOf(inh) && !f.lics.shipsUseRestrictions() {
			fs.add(inh, rules.DerivativeRestrictionsNotPassedOn, fmt.Sprintf("%s requires its use restrictions to be passed on to recipients of derivatives, and no license text in the repository carries them (ship the %s text or include its use restrictions)", inh, inh), cardEv)
		}
		if hasKind(ts, terms.IncorporatedPolicy) {
			if ok, reason := licenses.CheckPolicyReference(policyText.String(), ts); !ok {
				fs.add(inh, rules.DerivativePolicyNotReferenced, fmt.Sprintf("%s: %s", inh, reason), cardEv)
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
func (ls *licenseSet) shipsCopyOf(id string) bool {
	for _, x := range ls.shipped() {
		if x.ID == id && !strings.HasPrefix(strings.ToUpper(path.Base(x.Path)), "NOTICE") {
			return true
		}
	}
	return false
}

// shipsUseRestrictions: a license text in the repository bans some uses
// (the derivative's own license carrying the base's restrictions).
func (ls *licenseSet) shipsUseRestrictions() bool {
	for _, k := range ls.keys() {
		l := ls.byKey[k]
		shipped := false
		for _, e := range l.Evidence {
			shipped = shipped || e.Source == SourceLicenseFile && !strings.HasPrefix(e.Detail, "incorporated")
		}
		if !shipped {
			continue
		}
		for _, t := range l.Terms {
			if terms.Kind(t.Kind) == terms.FieldOfUse && t.Origin == terms.OriginText {
				return true
			}
		}
	}
	return false
}
