package terms

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Param names one parameter of a term: its JSON field name.
type Param string

// The parameters a term can carry (see Term for their meaning).
const (
	ParamMetric     Param = "metric"
	ParamValue      Param = "value"
	ParamCurrency   Param = "currency"
	ParamPeriod     Param = "period"
	ParamMeasured   Param = "measured"
	ParamEffect     Param = "effect"
	ParamRegions    Param = "regions"
	ParamScope      Param = "scope"
	ParamExempt     Param = "exempt"
	ParamAllowed    Param = "allowed"
	ParamCategories Param = "categories"
	ParamPrefix     Param = "prefix"
	ParamStatement  Param = "statement"
	ParamNotice     Param = "notice"
	ParamPolicy     Param = "policy"
)

// params lists every parameter in a fixed order with its accessor; it is
// the one place that knows which Term field a parameter is.
var params = []struct {
	name Param
	get  func(*Term) string
	// take sets the parameter of dst from src.
	take func(dst, src *Term)
}{
	{ParamMetric, func(t *Term) string { return t.Metric }, func(d, s *Term) { d.Metric = s.Metric }},
	{ParamValue, func(t *Term) string {
		if t.Value == 0 {
			return ""
		}
		return strconv.FormatInt(t.Value, 10)
	}, func(d, s *Term) { d.Value = s.Value }},
	{ParamCurrency, func(t *Term) string { return t.Currency }, func(d, s *Term) { d.Currency = s.Currency }},
	{ParamPeriod, func(t *Term) string { return t.Period }, func(d, s *Term) { d.Period = s.Period }},
	{ParamMeasured, func(t *Term) string { return t.Measured }, func(d, s *Term) { d.Measured = s.Measured }},
	{ParamEffect, func(t *Term) string { return t.Effect }, func(d, s *Term) { d.Effect = s.Effect }},
	{ParamRegions, func(t *Term) string { return strings.Join(t.Regions, ",") }, func(d, s *Term) { d.Regions = cloneStrings(s.Regions) }},
	{ParamScope, func(t *Term) string { return t.Scope }, func(d, s *Term) { d.Scope = s.Scope }},
	{ParamExempt, func(t *Term) string { return t.Exempt }, func(d, s *Term) { d.Exempt = s.Exempt }},
	{ParamAllowed, func(t *Term) string { return strings.Join(t.Allowed, ",") }, func(d, s *Term) { d.Allowed = cloneStrings(s.Allowed) }},
	{ParamCategories, func(t *Term) string { return strings.Join(t.Categories, ",") }, func(d, s *Term) { d.Categories = cloneStrings(s.Categories) }},
	{ParamPrefix, func(t *Term) string { return t.Prefix }, func(d, s *Term) { d.Prefix = s.Prefix }},
	{ParamStatement, func(t *Term) string { return t.Statement }, func(d, s *Term) { d.Statement = s.Statement }},
	{ParamNotice, func(t *Term) string { return t.Notice }, func(d, s *Term) { d.Notice = s.Notice }},
	{ParamPolicy, func(t *Term) string { return t.Policy }, func(d, s *Term) { d.Policy = s.Policy }},
}

// Params lists every parameter name in a fixed order.
func Params() []Param {
	out := make([]Param, len(params))
	for i, p := range params {
		out[i] = p.name
	}
	return out
}

// Get returns the value of parameter p of t as text ("" when unset; lists
// comma-joined).
func (t Term) Get(p Param) string {
	for _, x := range params {
		if x.name == p {
			return x.get(&t)
		}
	}
	return ""
}

// KindDescriptor is everything carveout knows about one kind of term
// besides how to read it (extract.go) and how to evaluate it
// (licenses/profile).
type KindDescriptor struct {
	Kind Kind
	// Summary is one line saying what the term means (docs, `carveout
	// licenses`).
	Summary string
	// Restricts: the term limits who may use the model or how. A text
	// carrying one is a license of its own (not a mere notice), an open
	// license with one added is no longer open, and its "applies" fails
	// the default policy unless it is a Reservation.
	Restricts bool
	// Obligation: the term is a duty to fulfil (it goes to the
	// obligations checklist).
	Obligation bool
	// Reservation: a right the licensor keeps (to change the terms, to
	// restrict use remotely). It always applies; the organization cannot
	// avoid it, so it warns rather than fails.
	Reservation bool
	// Params are the parameters that make sense for the kind.
	Params []Param
	// Qualifiers are the Params that do not tell two terms apart: two
	// terms equal but for them are one term (its qualifiers merged).
	Qualifiers []Param
	// CatalogNamed are the Params the catalog writes in its own vocabulary
	// (a policy's catalog id where the text gives a URL): Merge does not
	// compare them.
	CatalogNamed []Param
	describe     func(Term) string
}

// Gates reports whether an "applies" verdict on the kind blocks the use
// (fails the default policy).
func (d KindDescriptor) Gates() bool { return d.Restricts && !d.Reservation }

var descriptors = []KindDescriptor{
	{Kind: UserThreshold, Restricts: true,
		Summary:    "the license stops covering the licensee above a user count",
		Params:     []Param{ParamMetric, ParamValue, ParamMeasured, ParamEffect, ParamScope, ParamExempt},
		Qualifiers: []Param{ParamMeasured, ParamEffect, ParamExempt},
		describe: func(t Term) string {
			return fmt.Sprintf("%s > %s", orDefault(t.Metric, "users"), Thousands(t.Value))
		}},
	{Kind: RevenueThreshold, Restricts: true,
		Summary:    "the license stops covering the licensee above a revenue",
		Params:     []Param{ParamValue, ParamCurrency, ParamPeriod, ParamMeasured, ParamEffect, ParamExempt},
		Qualifiers: []Param{ParamPeriod, ParamMeasured, ParamEffect, ParamExempt},
		describe: func(t Term) string {
			s := fmt.Sprintf("revenue > %s %s", Thousands(t.Value), t.Currency)
			if t.Period != "" {
				s += "; " + t.Period
			}
			return s
		}},
	{Kind: TerritoryExclusion, Restricts: true,
		Summary: "no rights are granted in some regions",
		Params:  []Param{ParamRegions, ParamScope, ParamExempt, ParamEffect},
		describe: func(t Term) string {
			s := "regions " + strings.Join(t.Regions, ",")
			if t.Scope != "" {
				s += "; scope: " + t.Scope
			}
			if t.Exempt != "" {
				s += "; exempt: " + t.Exempt
			}
			return s
		}},
	{Kind: NonCommercial, Restricts: true,
		Summary: "only non-commercial (research, evaluation, personal) use is allowed",
		Params:  []Param{ParamAllowed, ParamEffect},
		describe: func(t Term) string {
			return "allowed: " + orDefault(strings.Join(t.Allowed, ","), "non-commercial")
		}},
	{Kind: FieldOfUse, Restricts: true,
		Summary:  "the model may not be used in some fields (military, surveillance, ...)",
		Params:   []Param{ParamCategories, ParamEffect},
		describe: func(t Term) string { return strings.Join(t.Categories, ",") }},
	{Kind: OutputsRestriction, Restricts: true,
		Summary:  "the model's outputs may not be used for some purposes (training other models)",
		Params:   []Param{ParamCategories, ParamEffect},
		describe: func(t Term) string { return strings.Join(t.Categories, ",") }},
	{Kind: NamingRequirement, Obligation: true,
		Summary: "derivative models' names must carry the model's name",
		Params:  []Param{ParamPrefix},
		describe: func(t Term) string {
			if t.Prefix == "" {
				return "name must carry the model's name"
			}
			return fmt.Sprintf("name must start with %q", t.Prefix)
		}},
	{Kind: AttributionRequirement, Obligation: true,
		Summary: "an attribution must be displayed",
		Params:  []Param{ParamStatement},
		describe: func(t Term) string {
			if t.Statement == "" {
				return "display attribution"
			}
			return fmt.Sprintf("display %q", t.Statement)
		}},
	{Kind: NoticeRequirement, Obligation: true,
		Summary: "a NOTICE text must ship with copies",
		Params:  []Param{ParamNotice, ParamScope, ParamExempt},
		describe: func(t Term) string {
			s := "ship a NOTICE file"
			if t.Notice != "" {
				s = fmt.Sprintf("NOTICE: %q", clip(t.Notice, 60))
			}
			if t.Scope != "" {
				s += "; " + t.Scope
			}
			if t.Exempt != "" {
				s += "; exempt: " + t.Exempt
			}
			return s
		}},
	{Kind: PassThrough, Obligation: true,
		Summary: "the use restrictions must be passed on to recipients of the model or derivatives",
	},
	{Kind: IncorporatedPolicy, Obligation: true,
		Summary:      "an acceptable-use policy is part of the terms",
		Params:       []Param{ParamPolicy},
		CatalogNamed: []Param{ParamPolicy},
		describe:     func(t Term) string { return orDefault(t.Policy, "policy") }},
	{Kind: HostingRestriction, Restricts: true,
		Summary: "the model may not be offered as a hosted service without permission",
		Params:  []Param{ParamEffect},
	},
	{Kind: LicensorMayUpdate, Reservation: true,
		Summary: "the licensor may change the terms",
	},
	{Kind: RemoteRestriction, Restricts: true, Reservation: true,
		Summary: "the licensor may restrict or disable use remotely",
	},
	{Kind: CopyOfLicenseRequired, Obligation: true,
		Summary: "a copy of the license must go with every copy",
	},
	{Kind: CommercialUseGate, Restricts: true,
		Summary:    "commercial (or production) use needs a registration, subscription or separate license first",
		Params:     []Param{ParamScope, ParamEffect, ParamExempt},
		Qualifiers: []Param{ParamEffect, ParamExempt},
		describe: func(t Term) string {
			return orDefault(t.Scope, "commercial use") + " gated"
		}},
	{Kind: DistributionRestriction, Restricts: true,
		Summary: "the model (code, data, derivatives) may not be distributed or shared",
		Params:  []Param{ParamCategories, ParamEffect},
		describe: func(t Term) string {
			return "no distribution of " + orDefault(strings.Join(t.Categories, ","), "the materials")
		}},
	{Kind: ModificationNotice, Obligation: true,
		Summary:  "modified files must carry notices saying they were changed",
		describe: func(Term) string { return "mark modified files as changed" }},
	{Kind: ShareAlike, Obligation: true,
		Summary:  "adaptations must be licensed under the same (or a compatible) license: copyleft, ShareAlike",
		describe: func(Term) string { return "license adaptations under the same terms" }},
	{Kind: TerminationAtWill, Reservation: true,
		Summary:  "the licensor may terminate the license at any time, without a breach",
		describe: func(Term) string { return "licensor may terminate at any time" }},
}

// Kinds lists every kind in a fixed order (used for sorting and docs),
// derived from the descriptors.
var Kinds = func() []Kind {
	out := make([]Kind, len(descriptors))
	for i, d := range descriptors {
		out[i] = d.Kind
	}
	return out
}()

// Descriptor returns the descriptor of kind k; ok is false for a kind
// carveout does not know.
func Descriptor(k Kind) (KindDescriptor, bool) {
	for _, d := range descriptors {
		if d.Kind == k {
			return d, true
		}
	}
	return KindDescriptor{}, false
}

// Descriptors returns every descriptor, in the order of Kinds.
func Descriptors() []KindDescriptor { return append([]KindDescriptor(nil), descriptors...) }

// Restricts reports whether kind k limits who may use the model or how.
func Restricts(k Kind) bool { d, _ := Descriptor(k); return d.Restricts }

// IsObligation reports whether kind k is a duty to fulfil.
func IsObligation(k Kind) bool { d, _ := Descriptor(k); return d.Obligation }

// Gates reports whether an "applies" verdict on kind k blocks the use.
func Gates(k Kind) bool { d, _ := Descriptor(k); return d.Gates() }

// Rank is the position of k in Kinds (unknown kinds last).
func Rank(k Kind) int {
	for i, d := range descriptors {
		if d.Kind == k {
			return i
		}
	}
	return len(descriptors)
}

// Key identifies a term by its kind and the parameters that tell terms of
// that kind apart (qualifiers left out). An unknown kind is keyed by every
// parameter.
func Key(t Term) string {
	d, _ := Descriptor(t.Kind)
	var b strings.Builder
	b.Grow(64)
	b.WriteString(string(t.Kind))
	for _, p := range params {
		if slices.Contains(d.Qualifiers, p.name) {
			continue
		}
		b.WriteByte(0)
		b.WriteString(p.get(&t))
	}
	return b.String()
}

// Describe renders a term's parameters in a few words.
func Describe(t Term) string {
	d, ok := Descriptor(t.Kind)
	s := ""
	if ok && d.describe != nil {
		s = d.describe(t)
	}
	if t.Effect != "" {
		if s != "" {
			s += "; "
		}
		s += t.Effect
	}
	if s == "" {
		return clip(t.Text, 70)
	}
	return s
}

// Clone returns a deep copy of t (its slices are its own).
func (t Term) Clone() Term {
	t.Regions = cloneStrings(t.Regions)
	t.Allowed = cloneStrings(t.Allowed)
	t.Categories = cloneStrings(t.Categories)
	if t.Evidence != nil {
		t.Evidence = append([]Lines{}, t.Evidence...)
	}
	return t
}

func cloneStrings(s []string) []string {
	if s == nil {
		return nil
	}
	return append([]string{}, s...)
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

// clip shortens s to n runes, the last an ellipsis, when it is longer.
// Counted without converting s to runes (a term's text is long and
// clipped for every report): the result is that of []rune(s)[:n-1].
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if !utf8.ValidString(s) {
		// Each invalid byte becomes U+FFFD, as converting to runes does.
		return string([]rune(s)[:n-1]) + "…"
	}
	end := 0 // the byte offset of rune n-1
	for k := 0; k < n-1; k++ {
		_, size := utf8.DecodeRuneInString(s[end:])
		end += size
	}
	return s[:end] + "…"
}
