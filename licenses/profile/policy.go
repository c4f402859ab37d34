package profile

import (
	_ "embed"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/bmatcuk/doublestar/v4"
	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/terms"
	"go.yaml.in/yaml/v3"
)

// Severity ranks findings and violations.
type Severity string

// Severities, from most to least severe; SeverityNever in fail_on means no
// finding fails the build.
const (
	SeverityError   Severity = "error"
	SeverityWarning Severity = "warning"
	SeverityInfo    Severity = "info"
	SeverityNever   Severity = "never"
)

func (s Severity) rank() int {
	switch s {
	case SeverityError:
		return 3
	case SeverityWarning:
		return 2
	case SeverityInfo:
		return 1
	}
	return 0
}

// Selector picks licenses by category or id (ids matched
// case-insensitively).
type Selector struct {
	Categories []licenses.Category `json:"categories,omitempty"`
	Licenses   []string            `json:"licenses,omitempty"`
}

func (s Selector) empty() bool { return len(s.Categories) == 0 && len(s.Licenses) == 0 }

func (s Selector) hasID(id string) bool {
	for _, l := range s.Licenses {
		if strings.EqualFold(l, id) {
			return true
		}
	}
	return false
}

func (s Selector) hasCategory(c licenses.Category) bool {
	for _, x := range s.Categories {
		if x == c {
			return true
		}
	}
	return false
}

// FailOn says what fails the build.
type FailOn struct {
	// Applies: a restriction term (threshold, territory, non-commercial,
	// field of use, outputs, hosting) that applies.
	Applies bool `json:"applies"`
	// Undetermined: any term that cannot be decided.
	Undetermined bool `json:"undetermined"`
	// UnknownLicense: a license that is not identified.
	UnknownLicense bool `json:"unknown_license"`
	// FindingSeverity: findings at or above it fail; "never" for none.
	FindingSeverity Severity `json:"finding_severity"`
}

// Waiver accepts violations until it expires. It matches a violation when
// every field it sets matches: License (id, case-insensitive), Rule and
// Path (exact or path.Match glob).
type Waiver struct {
	License string `json:"license,omitempty"`
	Rule    string `json:"rule,omitempty"`
	Path    string `json:"path,omitempty"`
	Reason  string `json:"reason"`
	// Expires is the last day (UTC) the waiver holds.
	Expires time.Time `json:"expires"`
	Line    int       `json:"-"`
}

// Expired reports whether the waiver no longer holds at now.
func (w Waiver) Expired(now time.Time) bool {
	return !now.UTC().Before(w.Expires.AddDate(0, 0, 1))
}

func (w Waiver) matches(v Violation) bool {
	if w.License != "" && !strings.EqualFold(w.License, v.License) {
		return false
	}
	if w.Rule != "" && !globMatch(w.Rule, v.Rule) {
		return false
	}
	if w.Path != "" && !globMatch(w.Path, v.Path) {
		return false
	}
	return true
}

// globMatch matches a waiver's glob: path.Match syntax plus ** for any
// number of folders (models/**/LICENSE).
func globMatch(pattern, s string) bool {
	if pattern == s {
		return true
	}
	ok, err := doublestar.Match(pattern, s)
	return err == nil && ok
}

// Policy decides what fails the build.
type Policy struct {
	Allow   Selector `json:"allow"`
	Deny    Selector `json:"deny"`
	FailOn  FailOn   `json:"fail_on"`
	Waivers []Waiver `json:"waivers,omitempty"`
}

// DefaultPolicy is used without a policy file: no license is denied by id
// or category, but unknown licenses and restrictions that apply fail the
// build; undetermined terms and findings below error are warnings.
func DefaultPolicy() *Policy {
	return &Policy{FailOn: FailOn{Applies: true, Undetermined: false, UnknownLicense: true, FindingSeverity: SeverityError}}
}

var policyKeys = []string{"allow", "deny", "fail_on", "waivers"}

// ParsePolicy parses a policy YAML file; keys left out keep their
// DefaultPolicy value. name is used in error messages.
func ParsePolicy(name string, data []byte) (*Policy, error) {
	root, err := parseDoc(name, data)
	if err != nil {
		return nil, err
	}
	e := &errs{file: name}
	p := DefaultPolicy()
	m := e.mapping(root, "the policy", policyKeys)
	p.Allow = e.selector(m["allow"], "allow")
	p.Deny = e.selector(m["deny"], "deny")
	if ent, ok := m["fail_on"]; ok {
		fm := e.mapping(ent.value, "fail_on", []string{"applies", "undetermined", "unknown_license", "finding_severity"})
		if b, ok := e.boolean(fm["applies"].value, "fail_on.applies"); ok {
			p.FailOn.Applies = b
		}
		if b, ok := e.boolean(fm["undetermined"].value, "fail_on.undetermined"); ok {
			p.FailOn.Undetermined = b
		}
		if b, ok := e.boolean(fm["unknown_license"].value, "fail_on.unknown_license"); ok {
			p.FailOn.UnknownLicense = b
		}
		if s, ok := e.str(fm["finding_severity"].value, "fail_on.finding_severity"); ok {
			sv := Severity(strings.ToLower(s))
			if sv.rank() == 0 && sv != SeverityNever {
				e.add(fm["finding_severity"].value, "fail_on.finding_severity must be error, warning, info or never, not %q", s)
			} else {
				p.FailOn.FindingSeverity = sv
			}
		}
	}
	if ent, ok := m["waivers"]; ok && !isNull(ent.value) {
		n := deref(ent.value)
		if n.Kind != yaml.SequenceNode {
			e.add(n, "waivers must be a list")
		} else {
			for i, wn := range n.Content {
				what := fmt.Sprintf("waivers[%d]", i)
				wm := e.mapping(wn, what, []string{"license", "rule", "path", "reason", "expires"})
				w := Waiver{Line: deref(wn).Line}
				w.License, _ = e.str(wm["license"].value, what+".license")
				w.Rule, _ = e.str(wm["rule"].value, what+".rule")
				w.Path, _ = e.str(wm["path"].value, what+".path")
				w.Reason, _ = e.str(wm["reason"].value, what+".reason")
				if w.License == "" && w.Rule == "" {
					e.add(wn, "%s: a waiver needs a license or a rule", what)
				}
				if w.Reason == "" {
					e.add(wn, "%s: reason is required", what)
				}
				if s, ok := e.str(wm["expires"].value, what+".expires"); !ok {
					e.add(wn, "%s: expires is required (YYYY-MM-DD)", what)
				} else if t, err := time.Parse("2006-01-02", s); err != nil {
					e.add(wm["expires"].value, "%s.expires must be a date YYYY-MM-DD, not %q", what, s)
				} else {
					w.Expires = t
				}
				p.Waivers = append(p.Waivers, w)
			}
		}
	}
	if err := e.err(); err != nil {
		return nil, err
	}
	return p, nil
}

func (e *errs) selector(ent entry, what string) Selector {
	var s Selector
	if ent.value == nil {
		return s
	}
	m := e.mapping(ent.value, what, []string{"categories", "licenses"})
	if ns, ok := e.list(m["categories"].value, what+".categories"); ok {
		for _, n := range ns {
			c := licenses.Category(strings.ToLower(strings.TrimSpace(n.Value)))
			known := false
			for _, k := range licenses.Categories {
				known = known || k == c
			}
			if !known {
				names := make([]string, len(licenses.Categories))
				for i, k := range licenses.Categories {
					names[i] = string(k)
				}
				e.add(n, "%s.categories: unknown category %q (known: %s)", what, n.Value, strings.Join(names, ", "))
				continue
			}
			s.Categories = append(s.Categories, c)
		}
	}
	if ns, ok := e.list(m["licenses"].value, what+".licenses"); ok {
		for _, n := range ns {
			v := strings.TrimSpace(n.Value)
			if v == "" {
				continue
			}
			// Ids are checked and made canonical (a Hub id "gpl-3.0"
			// names GPL-3.0-only): a typo must not silently allow or
			// deny nothing.
			if id, ok := licenses.FromID(v); ok {
				v = id.ID
			} else if !strings.EqualFold(v, string(licenses.Unknown)) {
				e.add(n, "%s.licenses: unknown license id %q (see 'carveout licenses')", what, n.Value)
				continue
			}
			s.Licenses = append(s.Licenses, v)
		}
	}
	return s
}

// ItemKind says what an Item describes.
type ItemKind string

// Item kinds.
const (
	ItemLicense ItemKind = "license" // a license found
	ItemTerm    ItemKind = "term"    // the verdict on one term of a license
	ItemFinding ItemKind = "finding" // a scanner finding (rule, path, severity)
)

// Item is something the policy may object to.
type Item struct {
	Kind ItemKind
	// License is the license id (all kinds; "unknown" or "" for an
	// unidentified license); Category its category (ItemLicense).
	License  string
	Category licenses.Category
	// Path is the file the item comes from.
	Path string
	// Term and Verdict (ItemTerm); Message is the reason or the finding
	// message.
	Term    terms.Kind
	Verdict Verdict
	Message string
	// Rule and Severity (ItemFinding).
	Rule     string
	Severity Severity
}

// Rules of the violations Check reports (besides finding rules).
const (
	RuleLicenseDenied     = "license-denied"
	RuleLicenseNotAllowed = "license-not-allowed"
	RuleUnknownLicense    = "unknown-license"
	// Term rules are "applies:<kind>" and "undetermined:<kind>".
)

// Violation is one thing the policy objects to.
type Violation struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
	License string `json:"license,omitempty"`
	Path    string `json:"path,omitempty"`
	// Severity is error when the policy fails on it, warning otherwise.
	Severity Severity `json:"severity"`
	// Failing: it fails the build (an error not waived).
	Failing       bool   `json:"failing"`
	Waived        bool   `json:"waived"`
	WaiverExpired bool   `json:"waiver_expired"`
	WaiverReason  string `json:"waiver_reason,omitempty"`
}

// Result is the outcome of a policy check.
type Result struct {
	Passed bool `json:"passed"`
	// Violations: failing ones first, then waived ones, then warnings.
	Violations []Violation `json:"violations"`
}

// Failing returns the violations that fail the build.
func (r Result) Failing() []Violation {
	var out []Violation
	for _, v := range r.Violations {
		if v.Failing {
			out = append(out, v)
		}
	}
	return out
}

// Check applies the policy to the items at time now (used for waiver
// expiry).
func (p *Policy) Check(items []Item, now time.Time) Result {
	if p == nil {
		p = DefaultPolicy()
	}
	var vs []Violation
	add := func(it Item, rule, msg string, fails bool) {
		sev := SeverityWarning
		if fails {
			sev = SeverityError
		}
		vs = append(vs, Violation{Rule: rule, Message: msg, License: it.License, Path: it.Path, Severity: sev})
	}
	for _, it := range items {
		switch it.Kind {
		case ItemLicense:
			p.checkLicense(it, add)
		case ItemTerm:
			rule := string(it.Verdict) + ":" + string(it.Term)
			msg := it.Message
			if msg == "" {
				msg = fmt.Sprintf("%s term of %s: %s", it.Term, orUnknown(it.License), it.Verdict)
			}
			switch it.Verdict {
			case Applies:
				if terms.Gates(it.Term) {
					add(it, rule, msg, p.FailOn.Applies)
				}
			case Undetermined:
				add(it, rule, msg, p.FailOn.Undetermined)
			}
		case ItemFinding:
			if it.Severity.rank() == 0 {
				continue
			}
			fails := p.FailOn.FindingSeverity != SeverityNever && p.FailOn.FindingSeverity.rank() > 0 &&
				it.Severity.rank() >= p.FailOn.FindingSeverity.rank()
			if !fails && it.Severity == SeverityInfo {
				continue
			}
			add(it, it.Rule, it.Message, fails)
		}
	}
	for i := range vs {
		v := &vs[i]
		for _, w := range p.Waivers {
			if !w.matches(*v) {
				continue
			}
			if w.Expired(now) {
				if !v.Waived {
					v.WaiverExpired = true
					v.WaiverReason = w.Reason
					v.Message += fmt.Sprintf(" (waiver expired on %s: %s)", w.Expires.Format("2006-01-02"), w.Reason)
				}
				continue
			}
			if v.WaiverExpired {
				// A live waiver wins over an expired one; undo the note.
				v.Message = strings.SplitN(v.Message, " (waiver expired on ", 2)[0]
				v.WaiverExpired = false
			}
			v.Waived = true
			v.WaiverReason = w.Reason
			break
		}
		v.Failing = v.Severity == SeverityError && !v.Waived
	}
	sort.SliceStable(vs, func(i, j int) bool {
		a, b := vs[i], vs[j]
		if ra, rb := violationRank(a), violationRank(b); ra != rb {
			return ra < rb
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		if a.License != b.License {
			return a.License < b.License
		}
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		return a.Message < b.Message
	})
	r := Result{Passed: true, Violations: vs}
	for _, v := range vs {
		if v.Failing {
			r.Passed = false
		}
	}
	if r.Violations == nil {
		r.Violations = []Violation{}
	}
	return r
}

func violationRank(v Violation) int {
	switch {
	case v.Failing:
		return 0
	case v.Waived:
		return 1
	}
	return 2
}

func orUnknown(id string) string {
	if id == "" {
		return "unknown"
	}
	return id
}

func (p *Policy) checkLicense(it Item, add func(Item, string, string, bool)) {
	id := orUnknown(it.License)
	unknown := it.Category == licenses.Unknown || it.Category == "" || strings.EqualFold(id, "unknown")
	switch {
	case p.Deny.hasID(id):
		add(it, RuleLicenseDenied, fmt.Sprintf("license %s is denied by the policy", id), true)
		return
	case p.Allow.hasID(id):
		return
	}
	if unknown {
		add(it, RuleUnknownLicense, fmt.Sprintf("license %s is not identified: its terms are unknown, so it is not assumed to be fine", id), p.FailOn.UnknownLicense)
		return
	}
	switch {
	case p.Deny.hasCategory(it.Category):
		add(it, RuleLicenseDenied, fmt.Sprintf("license %s is %s, a category the policy denies", id, it.Category), true)
	case !p.Allow.empty() && !p.Allow.hasCategory(it.Category) && it.Category != licenses.UsagePolicy:
		// An acceptable-use policy comes with the license that
		// incorporates it; only a deny entry rejects it.
		add(it, RuleLicenseNotAllowed, fmt.Sprintf("license %s (%s) is not in the policy's allowed licenses or categories", id, it.Category), true)
	}
}

//go:embed data/policy-template.yaml
var policyTemplate []byte

// PolicyTemplate returns a commented policy template, every key explained.
// It parses as a valid policy.
func PolicyTemplate() []byte { return append([]byte(nil), policyTemplate...) }
