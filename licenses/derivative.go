package licenses

import (
	_ "embed"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/carveout/carveout/licenses/terms"
)

//go:embed data/base_models.tsv
var baseModelsData string

// BaseModel is one row of the built-in base-model table.
type BaseModel struct {
	Pattern string // case-insensitive, "*" matches any run of characters
	License string // catalog id; "" when unresolved on purpose
	Note    string
}

var baseModels = sync.OnceValue(func() []BaseModel {
	var out []BaseModel
	for _, line := range strings.Split(baseModelsData, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		b := BaseModel{Pattern: f[0]}
		if len(f) > 1 && f[1] != "-" {
			b.License = f[1]
		}
		if len(f) > 2 {
			b.Note = f[2]
		}
		out = append(out, b)
	}
	return out
})

// BaseModels returns the built-in table, in match order.
func BaseModels() []BaseModel { return append([]BaseModel(nil), baseModels()...) }

// LookupBaseModel returns the first row of the built-in table matching the
// model id ("meta-llama/Llama-3.1-8B", a Hub URL or "hf:" reference).
func LookupBaseModel(modelID string) (BaseModel, bool) {
	id := strings.ToLower(normModelID(modelID))
	for i, parts := range basePatterns() {
		if globParts(parts, id) {
			return baseModels()[i], true
		}
	}
	return BaseModel{}, false
}

// BaseModelLicense returns the license of a well-known base model from the
// built-in table. ok is false when the model is not in the table or is
// listed as unresolved (its license is then to be reported as unresolved,
// not assumed).
func BaseModelLicense(modelID string) (licenseID string, ok bool) {
	b, found := LookupBaseModel(modelID)
	if !found || b.License == "" {
		return "", false
	}
	return b.License, true
}

func normModelID(s string) string {
	s = strings.TrimSpace(s)
	for _, p := range []string{"https://huggingface.co/", "http://huggingface.co/", "huggingface.co/", "hf:", "hf.co/"} {
		if len(s) >= len(p) && strings.EqualFold(s[:len(p)], p) {
			s = s[len(p):]
			break
		}
	}
	return strings.Trim(s, "/")
}

// basePatterns are the built-in table's patterns, in its order, lower-cased
// and split at "*" once (a model id is matched case-insensitively).
var basePatterns = sync.OnceValue(func() [][]string {
	bs := baseModels()
	out := make([][]string, len(bs))
	for i, b := range bs {
		out[i] = strings.Split(strings.ToLower(b.Pattern), "*")
	}
	return out
})

// globParts matches the lower-cased t against a lower-cased pattern split
// at "*"; "*" matches any run of characters (slashes included).
func globParts(parts []string, t string) bool {
	if len(parts) == 1 {
		return parts[0] == t
	}
	if !strings.HasPrefix(t, parts[0]) {
		return false
	}
	t = t[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(t, mid)
		if i < 0 {
			return false
		}
		t = t[i+len(mid):]
	}
	return strings.HasSuffix(t, parts[len(parts)-1])
}

var dateRE = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// Compatible reports whether a derivative of a model under baseLicense may
// be published under declaredID (an id, Hub id, SPDX id or alias). A
// permissive or open base allows any license; a copyleft base only its own
// family; a restricted base (custom-restricted, non-commercial, ...) only
// its own license, or a later dated revision of the same terms (Gemma), never
// a permissive license or another vendor's.
func Compatible(baseLicense *License, declaredID string) (ok bool, reason string) {
	if baseLicense == nil {
		return false, "the base model's license is unresolved, so the declared license cannot be checked"
	}
	base := baseLicense
	declaredID = strings.TrimSpace(declaredID)
	if declaredID == "" {
		return false, fmt.Sprintf("the derivative declares no license; a derivative of a %s model must declare %s", base.ID, base.ID)
	}
	decl, known := Lookup(declaredID)
	if (known && decl.ID == base.ID) || strings.EqualFold(declaredID, base.ID) {
		return true, fmt.Sprintf("the derivative keeps the base model's license %s", base.ID)
	}
	switch base.Category {
	case Permissive, OpenNonOSI:
		return true, fmt.Sprintf("the base license %s is %s: a derivative may carry another license (%s) if the base's notices are kept", base.ID, base.Category, declaredID)
	}
	if !known {
		return false, fmt.Sprintf("%q is not a known license; a derivative of a %s model stays under %s", declaredID, base.ID, base.ID)
	}
	if base.Category == Copyleft {
		if decl.Family == base.Family && laterOrSame(decl, base) {
			return true, fmt.Sprintf("%s is a same-or-later version of the copyleft base license %s", decl.ID, base.ID)
		}
		return false, fmt.Sprintf("the base license %s is copyleft: the derivative must stay under it, not %s", base.ID, decl.ID)
	}
	binds := bindingTerms(base)
	if base.Licensor != "" && strings.EqualFold(decl.Licensor, base.Licensor) && decl.Category != Permissive && decl.Category != OpenNonOSI && decl.Family != base.Family {
		// The licensor releasing a derivative of its own model under
		// another of its restricted agreements (MedGemma under the Health
		// AI Developer Foundations terms) is its right; the declared
		// agreement's own terms are what bind.
		return true, fmt.Sprintf("%s and %s come from the same licensor (%s); the derivative's own agreement %s applies", decl.ID, base.ID, base.Licensor, decl.ID)
	}
	if decl.Family == base.Family && decl.Family != "" {
		if isDated(base) && isDated(decl) && decl.Category == base.Category && laterOrSame(decl, base) {
			return true, fmt.Sprintf("%s is a later revision of the same %s terms as %s", decl.ID, base.Family, base.ID)
		}
		return false, fmt.Sprintf("a derivative of a %s model stays under %s; %s is a different agreement of the same family%s", base.ID, base.ID, decl.ID, binds)
	}
	switch decl.Category {
	case Permissive, OpenNonOSI, Copyleft:
		return false, fmt.Sprintf("a derivative of a %s model (%s) cannot be relabelled %s: the base terms still bind it%s", base.ID, base.Category, decl.ID, binds)
	}
	return false, fmt.Sprintf("a derivative of a %s model cannot be relabelled as another licensor's license %s%s", base.ID, decl.ID, binds)
}

func isDated(l *License) bool { return dateRE.MatchString(l.Version) }

// bindingTerms lists the base's terms that follow a derivative.
func bindingTerms(l *License) string {
	var ks []string
	seen := map[terms.Kind]bool{}
	for _, t := range l.Terms {
		if (terms.Gates(t.Kind) || terms.IsObligation(t.Kind)) && !seen[t.Kind] {
			seen[t.Kind] = true
			ks = append(ks, string(t.Kind))
		}
	}
	if len(ks) == 0 {
		return ""
	}
	return " (" + strings.Join(ks, ", ") + ")"
}

// laterOrSame compares versions: dates when both have one, else dotted
// version numbers; unknown order is false.
func laterOrSame(a, b *License) bool {
	if isDated(a) && isDated(b) {
		return a.Version >= b.Version
	}
	va, okA := versionNums(a.Version)
	vb, okB := versionNums(b.Version)
	if okA && okB {
		for i := 0; i < max(len(va), len(vb)); i++ {
			x, y := at(va, i), at(vb, i)
			if x != y {
				return x > y
			}
		}
		return true
	}
	if a.Date != "" && b.Date != "" {
		return a.Date >= b.Date
	}
	return false
}

func at(v []int, i int) int {
	if i < len(v) {
		return v[i]
	}
	return 0
}

func versionNums(s string) ([]int, bool) {
	if s == "" {
		return nil, false
	}
	var out []int
	for _, p := range strings.Split(s, ".") {
		n, err := strconv.Atoi(p)
		if err != nil {
			return nil, false
		}
		out = append(out, n)
	}
	return out, true
}

// CheckName checks a derivative's name against the naming requirements
// among ts: each required prefix must begin the name, case-insensitively,
// spaces, hyphens, underscores and dots counting as the same separator
// ("Llama-3.1-MyTune" satisfies "Llama", and "Llama-3-Tune" satisfies
// "Llama 3"). An organization part ("acme/") is ignored.
func CheckName(derivativeName string, ts []terms.Term) (ok bool, reason string) {
	var prefixes []string
	for _, t := range ts {
		if t.Kind == terms.NamingRequirement && strings.TrimSpace(t.Prefix) != "" {
			prefixes = append(prefixes, strings.TrimSpace(t.Prefix))
		}
	}
	if len(prefixes) == 0 {
		return true, "no naming requirement"
	}
	name := strings.TrimSpace(derivativeName)
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	if name == "" {
		return false, fmt.Sprintf("the derivative's name must begin with %q: set derivative_name in the profile", prefixes[0])
	}
	n := nameKey(name)
	for _, p := range prefixes {
		k := nameKey(p)
		if !strings.HasPrefix(n, k) || (len(n) > len(k) && isDigit(k[len(k)-1]) && isDigit(n[len(k)])) {
			return false, fmt.Sprintf("%q does not begin with %q, which the license requires at the start of a derivative's name", name, p)
		}
	}
	return true, fmt.Sprintf("%q begins with %s", name, quoteAll(prefixes))
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, " and ")
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// nameKey lower-cases a name and unifies separators to "-".
func nameKey(s string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(s) {
		switch r {
		case ' ', '-', '_', '.', '\t':
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteRune(r)
	}
	return b.String()
}

// CheckNotice checks that a NOTICE text carries the notice every
// notice-requirement among ts asks for (compared on words, ignoring case,
// punctuation and the copyright sign).
func CheckNotice(noticeText string, ts []terms.Term) (ok bool, reason string) {
	have := words(noticeText)
	n := 0
	for _, t := range ts {
		if t.Kind != terms.NoticeRequirement {
			continue
		}
		n++
		if strings.TrimSpace(t.Notice) == "" {
			if strings.TrimSpace(noticeText) == "" {
				return false, "the license requires a NOTICE file and none was found"
			}
			continue
		}
		if !strings.Contains(" "+have+" ", " "+words(t.Notice)+" ") {
			if strings.TrimSpace(noticeText) == "" {
				return false, fmt.Sprintf("the license requires a NOTICE file with %q and none was found", t.Notice)
			}
			return false, fmt.Sprintf("the NOTICE file lacks the required statement %q", t.Notice)
		}
	}
	if n == 0 {
		return true, "no NOTICE requirement"
	}
	return true, "the NOTICE file carries the required statement"
}

func words(s string) string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("©", " ", "(c)", " ", "’", "'", "“", "\"", "”", "\"").Replace(s)
	var b strings.Builder
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r > 127 {
			b.WriteRune(r)
		} else {
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// CheckPolicyReference checks that a text shipped with a derivative (model
// card, USE_POLICY file) refers to every acceptable-use policy incorporated
// among ts, by URL, catalog id or name.
func CheckPolicyReference(text string, ts []terms.Term) (ok bool, reason string) {
	// Compare on words: a reference wrapped across lines still counts.
	low := strings.ToLower(strings.Join(strings.Fields(text), " "))
	n := 0
	for _, t := range ts {
		if t.Kind != terms.IncorporatedPolicy || strings.TrimSpace(t.Policy) == "" {
			continue
		}
		n++
		cands := []string{t.Policy}
		if l, found := Lookup(t.Policy); found {
			cands = append(cands, l.Name, l.URL)
			cands = append(cands, l.References...)
		}
		if !mentionsAny(low, cands) {
			return false, fmt.Sprintf("the acceptable-use policy %s is not referenced", t.Policy)
		}
	}
	if n == 0 {
		return true, "no acceptable-use policy to reference"
	}
	return true, "the acceptable-use policy is referenced"
}

func mentionsAny(low string, cands []string) bool {
	for _, c := range cands {
		c = strings.ToLower(strings.Join(strings.Fields(c), " "))
		for _, p := range []string{"https://", "http://", "www."} {
			c = strings.TrimPrefix(c, p)
		}
		c = strings.TrimSuffix(c, "/")
		if len(c) >= 4 && strings.Contains(low, c) {
			return true
		}
	}
	return false
}

// Shipped is a license identified (by its text or a reference to it) in a
// license file a derivative ships.
type Shipped struct {
	ID   string // catalog id, or "unknown"
	Path string
}

// isNoticeFile: a NOTICE file carries attribution lines, not a license.
func isNoticeFile(p string) bool {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		p = p[i+1:]
	}
	return strings.HasPrefix(strings.ToUpper(p), "NOTICE")
}

// KeepsBase decides whether a derivative of a model under base keeps the
// base's terms. declared are the ids of the licenses the derivative's card
// declares that were identified (a declaration of "other" or of an
// unidentified license adds none); shipped are the licenses identified in
// the files it ships. A declared license keeps them when it is Compatible
// with the base; without an identified declaration the derivative keeps
// them only when a license file it ships holds (or names) the base
// license. A
// relabel under "other" or an unidentified license with another text (an
// MIT file) drops the base's restrictions just as a permissive id does. A
// NOTICE line naming the base license is not a copy of it.
func KeepsBase(base *License, declared []string, shipped []Shipped) (ok bool, reason string) {
	if base == nil {
		return false, "the base model's license is unresolved"
	}
	if len(declared) > 0 {
		// An identified declaration decides, whatever the files say (a
		// Llama fine-tune declared apache-2.0 conflicts even when the
		// Llama text is there).
		var first string
		for _, d := range declared {
			ok, r := Compatible(base, d)
			if ok {
				return true, r
			}
			if first == "" {
				first = r
			}
		}
		return false, first
	}
	for _, s := range shipped {
		if !isNoticeFile(s.Path) && s.ID == base.ID {
			return true, fmt.Sprintf("the derivative ships the base license %s (%s)", base.ID, s.Path)
		}
	}
	var texts []string
	for _, s := range shipped {
		if !isNoticeFile(s.Path) && s.ID != base.ID {
			texts = append(texts, s.ID+" ("+s.Path+")")
		}
	}
	what := "no license text"
	if len(texts) > 0 {
		what = "only " + strings.Join(texts, ", ")
	}
	return false, fmt.Sprintf("the derivative declares no identified license and ships %s: relabelling a %s model (%s) under \"other\" or an unidentified license drops the base terms%s; ship the %s text or declare %s",
		what, base.ID, base.Category, bindingTerms(base), base.ID, base.ID)
}
