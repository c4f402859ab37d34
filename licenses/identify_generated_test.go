package licenses

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

// generatedVariant makes a variant of a corpus text; ok is false when the
// text has nothing to vary.
type generatedVariant struct {
	name string
	fn   func(text, licensor string) (string, bool)
	// want: "same" (the reference's id, modified), "unknown" (an honest
	// unknown: the text says it is someone else's license).
	want string
}

var thresholdRE = regexp.MustCompile(`\b700 million\b|\b100 million\b|\b1,000,000\b`)

var generatedVariants = []generatedVariant{
	{"other-vendor-name", func(s, licensor string) (string, bool) {
		words := licensorNameWords(licensor)
		if len(words) == 0 {
			return "", false
		}
		out := s
		for _, w := range words {
			out = regexp.MustCompile(`(?i)\b`+regexp.QuoteMeta(w)+`\b`).ReplaceAllString(out, "Acmeco")
		}
		return out, out != s
	}, "unknown"},
	{"threshold-changed", func(s, _ string) (string, bool) {
		out := thresholdRE.ReplaceAllString(s, "70 thousand")
		return out, out != s
	}, "same"},
	{"clause-added", func(s, _ string) (string, bool) {
		return s + "\n\nYou may not use the Materials for any commercial purpose, and you may not use the Materials in the People's Republic of China.\n", true
	}, "same"},
	{"clause-removed", func(s, _ string) (string, bool) {
		paras := strings.Split(s, "\n\n")
		if len(paras) < 6 {
			return "", false
		}
		i := len(paras) / 2
		return strings.Join(append(paras[:i:i], paras[i+1:]...), "\n\n"), true
	}, "same"},
}

func byID(ids []Identification, id string) Identification {
	for _, x := range ids {
		if x.ID == id {
			return x
		}
	}
	return Identification{}
}

// licensorNameWords are the words of a licensor's name a vendor would put
// its own name in place of.
func licensorNameWords(licensor string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(licensor, func(r rune) bool { return r == ' ' || r == ',' || r == '.' || r == '(' || r == ')' }) {
		switch strings.ToLower(w) {
		case "inc", "ltd", "llc", "ai", "the", "of", "and", "for", "co", "corporation", "limited":
			continue
		}
		if len(w) > 2 {
			out = append(out, w)
		}
	}
	return out
}

// TestIdentifyGeneratedVariants measures the three answers on variants of
// the corpus catalog texts: another vendor's name on the template must be
// unknown (with the template as closest); a changed threshold, an added or
// a removed clause keep the id, modified, never OSI.
func TestIdentifyGeneratedVariants(t *testing.T) {
	dir := idCorpusDir(t)
	for _, v := range generatedVariants {
		n, right := 0, 0
		minSim := 1.0 // least similarity of a variant reported modified
		for _, r := range idReadExpected(t, dir) {
			orig := string(idReadCorpus(t, dir, r.file))
			base := Identify([]byte(orig))
			if len(base) == 0 || base[0].License == nil {
				continue
			}
			text, ok := v.fn(orig, base[0].License.Licensor)
			if !ok {
				continue
			}
			n++
			got := Identify([]byte(text))
			if len(got) == 0 {
				t.Errorf("%s %s: nothing identified", r.file, v.name)
				continue
			}
			g := got[0]
			if g.OSI && g.Modified {
				t.Errorf("%s %s: %s modified reported OSI-approved", r.file, v.name, g.ID)
			}
			switch v.want {
			case "unknown":
				if g.ID == base[0].ID && g.Modified {
					t.Errorf("%s %s: still %s, modified (confidence %.3f)", r.file, v.name, g.ID, g.Confidence)
					continue
				}
				if g.ID == base[0].ID {
					// The name was only in its copyright notice, a
					// template field: the text is still exactly X's.
					t.Logf("%s %s: exact %s (the name is only in template fields)", r.file, v.name, g.ID)
				}
				if g.ID == UnknownID && (g.Closest == nil || g.Closest.ID != base[0].ID) {
					t.Logf("%s %s: unknown, closest %+v", r.file, v.name, g.Closest)
				}
			case "same":
				// The document the change falls in is modified: the
				// license, or the policy appended to it.
				for _, o := range got[1:] {
					if o.Modified && slices.ContainsFunc(base[1:], func(b Identification) bool { return b.ID == o.ID }) {
						g = o
						base = []Identification{byID(base, o.ID)}
						break
					}
				}
				if g.ID != base[0].ID || !g.Modified {
					// Exact after a paragraph was removed: the paragraph's
					// words all occur elsewhere in the text, or
					// licensecheck's pattern makes it optional.
					t.Logf("%s %s: got %s (modified %v, OSI %v, closest %+v), want %s modified", r.file, v.name, g.ID, g.Modified, g.OSI, g.Closest, base[0].ID)
					if g.ID != UnknownID && !sameLicense(g.ID, base[0].ID) {
						t.Errorf("%s %s: wrong id %s", r.file, v.name, g.ID)
					}
					continue
				}
			}
			if g.Modified {
				minSim = min(minSim, g.Confidence)
			}
			right++
		}
		t.Logf("variant %s: %d/%d as wanted (%s); least similarity reported modified %.3f", v.name, right, n, v.want, minSim)
	}
}

// TestIdentifyFromIdentifyingLines: a catalog license without a reference
// text is identified from what its title says it is (Qwen's license is
// the Tongyi Qianwen template under another name); the near-clone with a
// reference text stays itself.
func TestIdentifyFromIdentifyingLines(t *testing.T) {
	dir := idCorpusDir(t)
	orig := string(idReadCorpus(t, dir, "tongyi-qianwen.txt"))
	gemma := string(idReadCorpus(t, dir, "gemma.txt"))
	for _, c := range []struct {
		name, text, want string
		kind             MatchKind
	}{
		{"renamed", strings.ReplaceAll(orig, "Tongyi Qianwen", "Qwen"), "qwen", MatchReference},
		{"retitled", strings.Replace(orig, "Tongyi Qianwen LICENSE AGREEMENT", "Qwen LICENSE AGREEMENT", 1), "qwen", MatchReference},
		{"original", orig, "tongyi-qianwen", MatchText},
		{"hai-def on the gemma template", strings.Replace(gemma, "Gemma Terms of Use", "Health AI Developer Foundations Terms of Use", 1), "health-ai-developer-foundations", MatchReference},
	} {
		got := Identify([]byte(c.text))
		if len(got) == 0 || got[0].ID != c.want || got[0].Kind != c.kind {
			t.Errorf("%s: got %s (kind %v), want %s (%s)", c.name, idList(got), kinds(got), c.want, c.kind)
			continue
		}
		if got[0].OSI || got[0].Category != CustomRestricted {
			t.Errorf("%s: osi %v category %s", c.name, got[0].OSI, got[0].Category)
		}
	}
}

func kinds(ids []Identification) []MatchKind {
	var out []MatchKind
	for _, id := range ids {
		out = append(out, id.Kind)
	}
	return out
}

// TestIdentifyRiderAppended measures the Commons Clause appended to every
// corpus text: the text stays itself and the rider is a document of its
// own, with its restriction.
func TestIdentifyRiderAppended(t *testing.T) {
	dir := idCorpusDir(t)
	clause := lreText(t, "CommonsClause")
	n, right := 0, 0
	for _, r := range idReadExpected(t, dir) {
		orig := string(idReadCorpus(t, dir, r.file))
		base := Identify([]byte(orig))
		if len(base) == 0 {
			continue
		}
		n++
		got := Identify([]byte(orig + "\n\n\"Commons Clause\" License Condition v1.0\n\n" + clause + "\n"))
		rider := slices.IndexFunc(got, func(id Identification) bool { return id.ID == "commons-clause" })
		if len(got) == 0 || got[0].ID != base[0].ID || rider < 0 {
			t.Errorf("%s + Commons Clause: got %s, want %s and commons-clause", r.file, idList(got), base[0].ID)
			continue
		}
		right++
	}
	t.Logf("variant rider-appended: %d/%d the license and the rider", right, n)
}

// TestIncorporatesOnlyWhatTheTextSays: an exact text incorporates its
// catalog entry's policy; a modified copy only while it still refers to
// it.
func TestIncorporatesOnlyWhatTheTextSays(t *testing.T) {
	dir := idCorpusDir(t)
	orig := string(idReadCorpus(t, dir, "llama3.1.txt"))
	exact := Identify([]byte(orig))
	if len(exact) == 0 || exact[0].ID != "llama3.1" || !slices.Contains(exact[0].Incorporates, "llama3.1-aup") {
		t.Fatalf("exact: got %s, incorporates %v", idList(exact), exact[0].Incorporates)
	}
	var kept []string
	for _, l := range strings.Split(orig, "\n") {
		if !strings.Contains(l, "Acceptable Use Policy") {
			kept = append(kept, l)
		}
	}
	got := Identify([]byte(strings.Join(kept, "\n")))
	if len(got) == 0 || got[0].ID != "llama3.1" || !got[0].Modified {
		t.Fatalf("without the policy clause: got %s", idList(got))
	}
	if len(got[0].Incorporates) != 0 {
		t.Errorf("without the policy clause: incorporates %v", got[0].Incorporates)
	}
	// A modified copy that keeps the clause keeps the policy.
	changed := strings.Replace(orig, "700 million", "70 thousand", 1)
	if got := Identify([]byte(changed)); len(got) == 0 || !got[0].Modified || !slices.Contains(got[0].Incorporates, "llama3.1-aup") {
		t.Errorf("threshold changed: got %s, incorporates %v", idList(got), got[0].Incorporates)
	}
}
