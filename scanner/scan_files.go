package scanner

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf16"

	"github.com/carveout/carveout/licenses"
	"github.com/carveout/carveout/licenses/terms"
	"github.com/carveout/carveout/scanner/card"
)

// pickCard chooses the model card: the shallowest README.md (or
// MODEL_CARD.md when there is no README.md at that depth).
func (s *scan) pickCard() (string, int64, bool) {
	best, bestSize, bestRank := "", int64(0), 1<<30
	for _, f := range s.files {
		kind, _ := classify(f.Path)
		if kind != KindCard {
			continue
		}
		rank := depth(f.Path) * 2
		if !strings.EqualFold(path.Base(f.Path), "README.md") {
			rank++
		}
		if rank < bestRank {
			best, bestSize, bestRank = f.Path, f.Size, rank
		}
	}
	return best, bestSize, best != ""
}

func (s *scan) readCard() {
	p, size, ok := s.pickCard()
	if !ok {
		return
	}
	data, ok := s.readText(p, size)
	s.recordFile(p, size, KindCard, "", int64(len(data)), nil)
	if !ok {
		return
	}
	s.cardPath = p
	s.texts[p] = string(data)
	c, probs := card.Parse(p, data)
	for _, pr := range probs {
		rule := pr.Rule
		if rule == "" {
			rule = card.RuleMalformed
		}
		sev := SeverityError
		switch rule {
		case card.RuleNoFrontMatter, card.RuleDuplicateFrontMatter, card.RuleMisplacedFrontMatter, card.RuleNotUTF8, card.RuleEmpty, card.RuleDuplicateKey:
			sev = SeverityWarning
		}
		s.finding(rule, sev, fmt.Sprintf("%s:%d: %s", p, pr.Line, pr.Message), Evidence{Path: p, StartLine: pr.Line, EndLine: pr.Line, Source: SourceModelCard})
	}
	if c == nil {
		return
	}
	s.card = c
	d := &s.rep.Declared
	d.Path = p
	d.Licenses = append([]string{}, c.License...)
	d.LicenseName = c.LicenseName
	d.LicenseLink = c.LicenseLink
	d.BaseModels = append([]string{}, c.BaseModel...)
	d.BaseModelRelation = c.BaseModelRelation
	d.ModelName = c.ModelName
	d.PipelineTag = c.PipelineTag
	d.Tags = c.Tags
	d.GatedEUDisallowed = c.ExtraGatedEUDisallowed

	licLine := c.Line("license")
	ev := Evidence{Path: p, StartLine: licLine, EndLine: licLine, Source: SourceModelCard}
	for _, v := range c.License {
		id, ok := s.resolveDeclared(v, c.LicenseName)
		if !ok {
			d.Canonical = append(d.Canonical, string(licenses.Unknown))
			s.unresolved = append(s.unresolved, ev)
			if strings.EqualFold(v, "other") {
				if c.LicenseName == "" {
					s.finding("unidentified-declared-license", SeverityWarning, fmt.Sprintf("%s:%d: the card declares license \"other\" without a license_name; the license must be identified from its text", p, licLine), ev)
				} else {
					nl := c.Line("license_name")
					s.finding("unidentified-declared-license", SeverityWarning, fmt.Sprintf("%s:%d: license_name %q is not a license carveout knows; the license must be identified from its text", p, nl, c.LicenseName), Evidence{Path: p, StartLine: nl, EndLine: nl, Source: SourceModelCard})
				}
			} else {
				s.finding("unidentified-declared-license", SeverityWarning, fmt.Sprintf("%s:%d: license id %q is not a Hugging Face or SPDX license id carveout knows", p, licLine, v), ev)
			}
			continue
		}
		d.Canonical = append(d.Canonical, id.ID)
		s.declared = append(s.declared, id)
		e := ev
		e.Detail = "license: " + v
		if strings.EqualFold(v, "other") {
			e.Detail += ", license_name: " + c.LicenseName
		}
		s.addIdentification(id, e)
	}
	if len(c.License) == 0 && c.LicenseName != "" {
		if id, ok := s.resolveDeclared("other", c.LicenseName); ok {
			d.Canonical = append(d.Canonical, id.ID)
			s.declared = append(s.declared, id)
			s.addIdentification(id, Evidence{Path: p, StartLine: c.Line("license_name"), EndLine: c.Line("license_name"), Source: SourceModelCard, Detail: "license_name: " + c.LicenseName})
		}
	}
	s.checkLicenseLink(p, c)
	for _, b := range c.BaseModel {
		s.bases = append(s.bases, baseRef{id: b, relation: c.BaseModelRelation, ev: Evidence{Path: p, StartLine: c.Line("base_model"), EndLine: c.Line("base_model"), Source: SourceModelCard, Detail: "base_model: " + b}})
	}
	if c.ExtraGatedEUDisallowed {
		l := c.Line("extra_gated_eu_disallowed")
		s.finding("gated-eu-disallowed", SeverityWarning, fmt.Sprintf("%s:%d: extra_gated_eu_disallowed is set: the Hub refuses access to this model from the European Union", p, l), Evidence{Path: p, StartLine: l, EndLine: l, Source: SourceModelCard})
	}
	// Full license texts pasted into the gated prompt are identified like
	// files; short prompts only count where they reference a license.
	if c.ExtraGatedPrompt != "" {
		s.identifyProse(c.ExtraGatedPrompt, Evidence{Path: p, StartLine: c.ExtraGatedPromptLine, Source: SourceCardText})
	}
	if c.Body != "" {
		s.identifyProse(c.Body, Evidence{Path: p, StartLine: c.BodyStartLine, Source: SourceCardText})
	}
}

// resolveDeclared maps a card license value (with license_name for
// "other") to an identification.
func (s *scan) resolveDeclared(v, name string) (licenses.Identification, bool) {
	if strings.EqualFold(v, "other") || strings.EqualFold(v, "unknown") {
		if name == "" {
			return licenses.Identification{}, false
		}
		return licenses.FromID(name)
	}
	return licenses.FromID(v)
}

// identifyProse identifies license texts and references inside prose (a
// card body or gated prompt). Unidentified prose is not a license.
func (s *scan) identifyProse(text string, ev Evidence) {
	if ev.StartLine == 0 {
		ev.StartLine = 1
	}
	found := map[string]bool{}
	for _, id := range licenses.Identify([]byte(text)) {
		if id.ID == string(licenses.Unknown) || id.Confidence < 0.5 {
			continue
		}
		found[id.ID] = true
		s.addIdentification(id, ev)
	}
	refs := licenses.FindReferences([]byte(text))
	// Link targets name licenses too ("…/Tongyi%20Qianwen%20LICENSE%20AGREEMENT").
	refs = append(refs, licenses.FindReferences([]byte(linkTargets(text)))...)
	for _, id := range refs {
		if found[id.ID] {
			continue
		}
		e := ev
		e.StartLine, e.EndLine = offset(id.Lines.Start, ev), offset(id.Lines.End, ev)
		// References carry catalog terms, whose evidence is the catalog.
		s.addIdentification(id, e)
	}
}

// checkLicenseLink verifies that a relative license_link names a file
// that is there; the file is then read as a license text.
func (s *scan) checkLicenseLink(cardPath string, c *card.Card) {
	link := strings.TrimSpace(c.LicenseLink)
	if link == "" {
		return
	}
	if u, err := url.Parse(link); err == nil && u.Scheme != "" {
		// A URL is not fetched; a license it names (…/llama3_1/license)
		// is a reference.
		l := c.Line("license_link")
		for _, id := range licenses.FindReferences([]byte(linkTargets(link))) {
			s.addIdentification(id, Evidence{Path: cardPath, StartLine: l, EndLine: l, Source: SourceModelCard, Detail: "license_link: " + link})
		}
		return
	}
	target := path.Clean(path.Join(path.Dir(cardPath), link))
	for _, f := range s.files {
		if f.Path == target || strings.EqualFold(f.Path, target) {
			s.linked = append(s.linked, f.Path)
			return
		}
	}
	l := c.Line("license_link")
	s.finding("license-link-missing", SeverityError, fmt.Sprintf("%s:%d: license_link points at %q, which is not in the repository; the license terms it names were not read", cardPath, l, link), Evidence{Path: cardPath, StartLine: l, EndLine: l, Source: SourceModelCard})
}

// readFiles identifies every license-bearing file and reads configs.
func (s *scan) readFiles() {
	linked := map[string]bool{}
	for _, p := range s.linked {
		linked[p] = true
	}
	single := s.kind() == "file"
	for _, f := range s.files {
		kind, _ := classify(f.Path)
		if single && kind != KindCard {
			kind = KindLicense
		}
		if linked[f.Path] {
			kind = KindLicense
		}
		switch kind {
		case KindLicense:
			s.readLicenseFile(f.Path, f.Size)
		case KindConfig:
			s.readConfig(f.Path, f.Size)
		case KindCard:
			if single && f.Path != s.cardPath {
				s.readLicenseFile(f.Path, f.Size)
			}
		}
	}
}

func (s *scan) readLicenseFile(p string, size int64) {
	data, ok := s.readText(p, size)
	if !ok {
		s.unreadableLicense = true
		return
	}
	s.licenseFiles = append(s.licenseFiles, p)
	s.texts[p] = string(data)
	if card.IsLFSPointer(data) {
		s.finding("lfs-pointer", SeverityError, fmt.Sprintf("%s: the file is a Git LFS pointer, not the license text; its terms were not read", p), Evidence{Path: p, StartLine: 1, EndLine: 3, Source: SourceLicenseFile})
		return
	}
	data = decodeUTF16(data)
	if !hasWords(data) {
		s.finding("empty-license-file", SeverityError, fmt.Sprintf("%s: the file holds no text (empty, blank or binary); no license terms were read from it", p), Evidence{Path: p, Source: SourceLicenseFile})
		return
	}
	ids := licenses.Identify(data)
	if len(ids) == 0 {
		s.finding("unknown-license-text", SeverityError, fmt.Sprintf("%s: no license text could be read from the file; treated as unknown (never as allowed)", p), Evidence{Path: p, Source: SourceLicenseFile})
		s.addIdentification(licenses.Identification{ID: string(licenses.Unknown), Name: "Unknown license", Category: licenses.Unknown, Kind: licenses.MatchText, Lines: terms.Lines{Start: 1, End: 1}}, Evidence{Path: p, StartLine: 1, Source: SourceLicenseFile})
		return
	}
	if len(ids) == 1 && ids[0].ID == string(licenses.Unknown) {
		// A short file that only names its license ("distributed under
		// the Llama 3.1 Community License") is a reference, not an
		// unknown text. A longer text stays unknown beside its references.
		refs := licenses.FindReferences(data)
		// A NOTICE file carries attribution notices, not license terms:
		// unidentified text there is not an unknown license unless it
		// restricts something.
		notice := strings.HasPrefix(strings.ToUpper(path.Base(p)), "NOTICE")
		if (notice || len(refs) > 0 && len(strings.Fields(string(data))) <= shortReferenceWords) && !hasRestriction(ids[0]) {
			for _, id := range refs {
				s.addIdentification(id, Evidence{Path: p, StartLine: id.Lines.Start, EndLine: id.Lines.End, Source: SourceLicenseFile})
			}
			return
		}
		for _, id := range refs {
			s.addIdentification(id, Evidence{Path: p, StartLine: id.Lines.Start, EndLine: id.Lines.End, Source: SourceLicenseFile})
		}
	}
	for _, id := range ids {
		ev := Evidence{Path: p, StartLine: 1, Source: SourceLicenseFile}
		s.addIdentification(id, ev)
		lines := fmt.Sprintf("%s:%d-%d", p, id.Lines.Start, id.Lines.End)
		switch {
		case id.ID == string(licenses.Unknown):
			kinds := termKinds(id)
			msg := fmt.Sprintf("%s: license text not identified; treated as unknown (never as allowed)", lines)
			if kinds != "" {
				msg += "; terms read from it: " + kinds
			}
			s.licenseFinding(string(licenses.Unknown), "unknown-license-text", SeverityError, msg, Evidence{Path: p, StartLine: id.Lines.Start, EndLine: id.Lines.End, Source: SourceLicenseFile})
		case id.Modified:
			var ch []string
			for _, c := range id.Changed {
				if c.Start == c.End {
					ch = append(ch, fmt.Sprint(c.Start))
				} else {
					ch = append(ch, fmt.Sprintf("%d-%d", c.Start, c.End))
				}
			}
			msg := fmt.Sprintf("%s: text of %s differs from the reference text (confidence %.2f); terms were read from the text present", lines, id.ID, id.Confidence)
			if len(ch) > 0 {
				msg += "; lines not in the reference: " + strings.Join(ch, ", ")
			}
			s.licenseFinding(id.ID, "modified-license-text", SeverityWarning, msg, Evidence{Path: p, StartLine: id.Lines.Start, EndLine: id.Lines.End, Source: SourceLicenseFile})
		}
	}
}

func termKinds(id licenses.Identification) string {
	seen := map[string]bool{}
	var out []string
	for _, t := range id.Terms {
		if !seen[string(t.Kind)] {
			seen[string(t.Kind)] = true
			out = append(out, string(t.Kind))
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func (s *scan) readConfig(p string, size int64) {
	data, ok := s.readText(p, size)
	s.recordFile(p, size, KindConfig, "", int64(len(data)), nil)
	if !ok {
		return
	}
	if path.Base(p) == "config.json" && s.rep.model.Config == nil {
		var m map[string]any
		if json.Unmarshal(data, &m) == nil {
			s.rep.model.Config = m
		}
	}
	cfg, probs := card.ParseConfig(p, data)
	for _, pr := range probs {
		s.finding("malformed-config", SeverityWarning, fmt.Sprintf("%s:%d: %s", p, pr.Line, pr.Message), Evidence{Path: p, StartLine: pr.Line, EndLine: pr.Line, Source: SourceConfig})
	}
	if cfg == nil {
		return
	}
	if b := cfg.BaseModel(); b != "" {
		rel := ""
		if path.Base(p) == "adapter_config.json" {
			rel = "adapter"
		}
		s.bases = append(s.bases, baseRef{id: b, relation: rel, ev: Evidence{Path: p, Source: SourceConfig, Detail: "base_model_name_or_path: " + b}})
	}
}

// shortReferenceWords: a license file of at most this many words that
// names a known license is read as a reference to it.
const shortReferenceWords = 150

// hasRestriction: the text carries a term of its own that a reference
// would hide (a user cap, a ban...).
func hasRestriction(id licenses.Identification) bool {
	for _, t := range id.Terms {
		if terms.Restricts(t.Kind) {
			return true
		}
	}
	return false
}

var urlRE = regexp.MustCompile(`https?://[^\s)\]>"']+`)

// linkTargets returns text with each line replaced by the words of the URLs
// on it (decoded, with path separators as spaces), so references inside
// links are found on the right line.
func linkTargets(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		var words []string
		for _, u := range urlRE.FindAllString(l, -1) {
			if d, err := url.PathUnescape(u); err == nil {
				u = d
			}
			words = append(words, urlWords(u))
		}
		lines[i] = strings.Join(words, " ")
	}
	return strings.Join(lines, "\n")
}

// hasWords reports whether data holds at least one letter or digit.
func hasWords(data []byte) bool {
	for _, r := range string(data) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// urlWords turns a URL into words: separators become spaces, but a dot
// between digits stays ("llama3.1", "3.1").
func urlWords(u string) string {
	b := []byte(u)
	for i, c := range b {
		switch c {
		case '/', '_', '-', '#', '?', '=', '&', ':':
			b[i] = ' '
		case '.':
			if i == 0 || i == len(b)-1 || !isDigit(b[i-1]) || !isDigit(b[i+1]) {
				b[i] = ' '
			}
		}
	}
	return string(b)
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// decodeUTF16 turns a UTF-16 text with a byte-order mark into UTF-8;
// anything else is returned as is.
func decodeUTF16(b []byte) []byte {
	if len(b) < 2 || len(b)%2 != 0 {
		return b
	}
	var order binary.ByteOrder
	switch {
	case b[0] == 0xff && b[1] == 0xfe:
		order = binary.LittleEndian
	case b[0] == 0xfe && b[1] == 0xff:
		order = binary.BigEndian
	default:
		return b
	}
	u := make([]uint16, 0, len(b)/2-1)
	for i := 2; i+1 < len(b); i += 2 {
		u = append(u, order.Uint16(b[i:]))
	}
	return []byte(string(utf16.Decode(u)))
}
