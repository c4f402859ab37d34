package licenses

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/carveout/carveout/licenses/terms"
	"github.com/google/licensecheck"
)

// Variants of each corpus text that only change formatting must identify
// as the same license, unmodified.
var formatVariants = []struct {
	name string
	fn   func(string) string
}{
	{"crlf", func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }},
	{"bom", func(s string) string { return "\ufeff" + s }},
	{"rewrapped", rewrap},
	{"markdown", markdownify},
	{"smart-quotes", smartQuotes},
	{"straight-quotes", straightQuotes},
	{"upper-case", strings.ToUpper},
	{"html-entities", htmlEntities},
	{"dashes", func(s string) string { return strings.ReplaceAll(s, " - ", " \u2014 ") }},
	{"renumbered", renumber},
}

// rewrap joins each paragraph into one line, then wraps it at 50 columns.
func rewrap(s string) string {
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		words := strings.Fields(para)
		var line string
		for _, w := range words {
			if len(line)+len(w) > 50 && line != "" {
				out = append(out, line)
				line = ""
			}
			if line != "" {
				line += " "
			}
			line += w
		}
		out = append(out, line, "")
	}
	return strings.Join(out, "\n")
}

// markdownify turns the first line into a heading, puts every fifth word in
// bold, every seventh in italics and prefixes paragraphs with list bullets.
func markdownify(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		if i == 0 {
			lines[i] = "# " + l
			continue
		}
		ws := strings.Fields(l)
		for j, w := range ws {
			switch {
			case j%5 == 4:
				ws[j] = "**" + w + "**"
			case j%7 == 6:
				ws[j] = "_" + w + "_"
			}
		}
		lines[i] = "- " + strings.Join(ws, " ")
	}
	return strings.Join(lines, "\n") + "\n\n| | |\n|---|---|\n"
}

func smartQuotes(s string) string {
	var b strings.Builder
	open := true
	for _, r := range s {
		switch r {
		case '"':
			if open {
				b.WriteRune('\u201c')
			} else {
				b.WriteRune('\u201d')
			}
			open = !open
		case '\'':
			b.WriteRune('\u2019')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func straightQuotes(s string) string {
	return strings.NewReplacer("\u201c", `"`, "\u201d", `"`, "\u2018", "'", "\u2019", "'").Replace(s)
}

func htmlEntities(s string) string {
	return strings.NewReplacer("&", "&amp;", "\u2019", "&rsquo;", "\u201c", "&ldquo;", "\u201d", "&rdquo;", "\u00a9", "&copy;").Replace(s)
}

// renumber changes list markers "1." into "(1)" and "a." into "a)".
func renumber(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		t := strings.TrimLeft(l, " \t")
		ind := l[:len(l)-len(t)]
		j := strings.IndexByte(t, '.')
		if j <= 0 || j > 3 || j+1 >= len(t) || t[j+1] != ' ' {
			continue
		}
		m := t[:j]
		if strings.Trim(m, "0123456789") == "" {
			lines[i] = ind + "(" + m + ")" + t[j+1:]
		} else if len(m) == 1 && m[0] >= 'a' && m[0] <= 'z' {
			lines[i] = ind + m + ")" + t[j+1:]
		}
	}
	return strings.Join(lines, "\n")
}

func TestIdentifyFormatVariants(t *testing.T) {
	dir := idCorpusDir(t)
	rows := idReadExpected(t, dir)
	if testing.Short() {
		rows = rows[:12] // the Llama and Gemma near-clones
	}
	for _, r := range rows {
		orig := string(idReadCorpus(t, dir, r.file))
		base := Identify([]byte(orig))
		if len(base) == 0 {
			t.Errorf("%s: no identification", r.file)
			continue
		}
		for _, v := range formatVariants {
			got := Identify([]byte(v.fn(orig)))
			if len(got) == 0 || got[0].ID != base[0].ID {
				t.Errorf("%s %s: got %s, want %s", r.file, v.name, idList(got), base[0].ID)
				continue
			}
			if !base[0].Modified && got[0].Modified {
				t.Errorf("%s %s: %s modified (changed %v, confidence %.3f), want unmodified", r.file, v.name, got[0].ID, got[0].Changed, got[0].Confidence)
			}
		}
	}
}

func idList(ids []Identification) string {
	var s []string
	for _, id := range ids {
		s = append(s, fmt.Sprintf("%s(mod=%v)", id.ID, id.Modified))
	}
	return "[" + strings.Join(s, " ") + "]"
}

// lineOf returns the 1-based line of the first occurrence of sub.
func lineOf(t *testing.T, s, sub string) int {
	t.Helper()
	i := strings.Index(s, sub)
	if i < 0 {
		t.Fatalf("%q not in text", sub)
	}
	return strings.Count(s[:i], "\n") + 1
}

func inRanges(rs []terms.Lines, line int) bool {
	for _, r := range rs {
		if line >= r.Start && line <= r.End {
			return true
		}
	}
	return false
}

func TestIdentifyChangedNumber(t *testing.T) {
	dir := idCorpusDir(t)
	for _, c := range []struct{ file, id, from, to string }{
		{"llama3.1.txt", "llama3.1", "700 million", "7 million"},
		{"llama3.3.txt", "llama3.3", "700 million", "70 million"},
		{"tongyi-qianwen.txt", "tongyi-qianwen", "100 million", "10 million"},
	} {
		orig := string(idReadCorpus(t, dir, c.file))
		if !strings.Contains(orig, c.from) {
			t.Errorf("%s: %q not found", c.file, c.from)
			continue
		}
		text := strings.Replace(orig, c.from, c.to, 1)
		line := lineOf(t, orig, c.from)
		got := Identify([]byte(text))
		if len(got) == 0 || got[0].ID != c.id {
			t.Errorf("%s: got %s, want %s", c.file, idList(got), c.id)
			continue
		}
		id := got[0]
		if !id.Modified || !inRanges(id.Changed, line) {
			t.Errorf("%s: modified=%v changed=%v, want line %d changed", c.file, id.Modified, id.Changed, line)
		}
		for _, tm := range id.Terms {
			if tm.Origin == "catalog" {
				t.Errorf("%s: modified text has catalog term %s", c.file, tm.Kind)
			}
		}
	}
	// The threshold is read from the text present.
	text := strings.Replace(string(idReadCorpus(t, dir, "llama3.1.txt")), "700 million", "7 million", 1)
	var vals []int64
	for _, tm := range Identify([]byte(text))[0].Terms {
		if tm.Kind == terms.UserThreshold {
			vals = append(vals, tm.Value)
		}
	}
	if !slices.Contains(vals, 7000000) || slices.Contains(vals, 700000000) {
		t.Errorf("user thresholds = %v, want 7000000 only", vals)
	}
}

func TestIdentifyAddedClause(t *testing.T) {
	dir := idCorpusDir(t)
	const clause = "Additional restriction. The licensee shall not operate the model on any vessel registered outside of the licensee's home port, and every such operation requires written consent from the licensor in advance."
	for _, c := range []struct{ file, id string }{
		{"gemma.txt", "gemma-2025-03-24"},
		{"llama3.2.txt", "llama3.2"},
		// An open license with a clause no term reads is not that
		// license: unknown, with Apache-2.0 as closest.
		{"apache-2.0.txt", UnknownID},
	} {
		lines := strings.Split(string(idReadCorpus(t, dir, c.file)), "\n")
		at := len(lines) / 2
		lines = slices.Insert(lines, at, "", clause, "")
		got := Identify([]byte(strings.Join(lines, "\n")))
		if c.id == UnknownID {
			if len(got) == 0 || got[0].ID != UnknownID || got[0].Closest == nil || got[0].Closest.ID != "Apache-2.0" || got[0].OSI {
				t.Errorf("%s: got %s (closest %+v), want unknown with closest Apache-2.0", c.file, idList(got), got[0].Closest)
			}
			continue
		}
		if len(got) == 0 || got[0].ID != c.id {
			t.Errorf("%s: got %s, want %s", c.file, idList(got), c.id)
			continue
		}
		if !got[0].Modified || !inRanges(got[0].Changed, at+2) {
			t.Errorf("%s: modified=%v changed=%v, want line %d changed", c.file, got[0].Modified, got[0].Changed, at+2)
		}
	}
}

func TestIdentifyTruncated(t *testing.T) {
	dir := idCorpusDir(t)
	for _, r := range idReadExpected(t, dir) {
		orig := string(idReadCorpus(t, dir, r.file))
		base := Identify([]byte(orig))
		half := orig[:len(orig)/2]
		got := Identify([]byte(half))
		if len(got) == 0 || got[0].ID != base[0].ID {
			t.Errorf("%s truncated to half: got %s, want %s", r.file, idList(got), base[0].ID)
			continue
		}
		if !got[0].Modified {
			t.Errorf("%s truncated to half: not modified", r.file)
		}
	}
}

func TestIdentifyLicenseWithPolicy(t *testing.T) {
	dir := idCorpusDir(t)
	for _, c := range []struct{ license, policy, lid, pid string }{
		{"llama3.1.txt", "llama3.1-aup.txt", "llama3.1", "llama3.1-aup"},
		{"llama3.2.txt", "llama3.2-aup.txt", "llama3.2", "llama3.2-aup"},
		{"llama3.3.txt", "llama3.3-aup.txt", "llama3.3", "llama3.3-aup"},
		{"llama4.txt", "llama4-aup.txt", "llama4", "llama4-aup"},
		{"llama2.txt", "llama2-aup.txt", "llama2", "llama2-aup"},
		{"gemma.txt", "gemma-prohibited-use.txt", "gemma-2025-03-24", "gemma-prohibited-use"},
		{"falcon-2-11b.txt", "falcon-2-11b-aup.txt", "falcon-2-11b-tii-1.0", "falcon-2-11b-aup"},
		{"tii-falcon-3.txt", "tii-falcon-3-aup.txt", "falcon-3-tii", "falcon-3-aup"},
		{"grok-2-community.txt", "xai-aup.txt", "grok2-community", "xai-aup"},
	} {
		lic := string(idReadCorpus(t, dir, c.license))
		text := lic + "\n\n" + string(idReadCorpus(t, dir, c.policy))
		got := Identify([]byte(text))
		if len(got) != 2 || got[0].ID != c.lid || got[1].ID != c.pid {
			t.Errorf("%s + %s: got %s, want [%s %s]", c.license, c.policy, idList(got), c.lid, c.pid)
			continue
		}
		licLines := strings.Count(lic, "\n") + 1
		if got[0].Lines.End > licLines+1 || got[1].Lines.Start < licLines {
			t.Errorf("%s + %s: lines %v and %v, license ends at %d", c.license, c.policy, got[0].Lines, got[1].Lines, licLines)
		}
		for _, id := range got {
			if id.Modified {
				t.Errorf("%s + %s: %s modified (changed %v)", c.license, c.policy, id.ID, id.Changed)
			}
		}
	}
}

func TestIdentifyOpenLicenseWithRestriction(t *testing.T) {
	dir := idCorpusDir(t)
	mit := string(idReadCorpus(t, dir, "mit.txt"))
	for _, c := range []struct {
		name, extra string
		want        Category
	}{
		{"non-commercial", "The Software may be used for non-commercial purposes only; any commercial use of the Software is prohibited.", NonCommercial},
		{"user-cap", "This permission does not extend to any licensee whose products have more than 50 million monthly active users.", CustomRestricted},
	} {
		text := mit + "\n" + c.extra + "\n"
		got := Identify([]byte(text))
		if len(got) == 0 || got[0].ID != "MIT" {
			t.Errorf("%s: got %s, want MIT", c.name, idList(got))
			continue
		}
		id := got[0]
		if !id.Modified || id.OSI || id.Category == Permissive || id.Category != c.want {
			t.Errorf("%s: modified=%v osi=%v category=%s, want modified, not OSI, %s", c.name, id.Modified, id.OSI, id.Category, c.want)
		}
		if line := lineOf(t, text, c.extra); !inRanges(id.Changed, line) {
			t.Errorf("%s: changed=%v, want line %d", c.name, id.Changed, line)
		}
	}
}

func TestIdentifyOtherCopyrightHolder(t *testing.T) {
	dir := idCorpusDir(t)
	mit := string(idReadCorpus(t, dir, "mit.txt"))
	i := strings.Index(mit, "Copyright")
	if i < 0 {
		t.Skip("no copyright line")
	}
	j := i + strings.IndexByte(mit[i:], '\n')
	text := mit[:i] + "Copyright (c) 2031 Example Widgets GmbH" + mit[j:]
	got := Identify([]byte(text))
	if len(got) != 1 || got[0].ID != "MIT" || got[0].Category != Permissive || !got[0].OSI {
		t.Fatalf("got %s", idList(got))
	}
}

func TestIdentifyUnknown(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := strings.Fields("zorp flim quaddle brenk wibble snarf glorp twizzle mump fnord blick vorpal plonk skree")
	var b strings.Builder
	for i := range 3000 {
		b.WriteString(vocab[rng.IntN(len(vocab))])
		if i%12 == 11 {
			b.WriteString(".\n")
		} else {
			b.WriteByte(' ')
		}
	}
	got := Identify([]byte(b.String()))
	if len(got) != 1 || got[0].ID != UnknownID || got[0].Category != Unknown || got[0].Kind != MatchText {
		t.Fatalf("random text: got %s", idList(got))
	}
	// A new license with a user cap: unknown, terms still read.
	text := "Widget Model License\n\nYou may use, copy and modify the Widget model.\n" +
		"If your products have more than 50 million monthly active users, you must request a separate license from Widget Corp.\n"
	got = Identify([]byte(text))
	if len(got) != 1 || got[0].ID != UnknownID {
		t.Fatalf("new license: got %s", idList(got))
	}
	found := false
	for _, tm := range got[0].Terms {
		if tm.Kind == terms.UserThreshold && tm.Value == 50000000 {
			found = true
		}
	}
	if !found {
		t.Errorf("new license: terms %+v, want a 50000000 user threshold", got[0].Terms)
	}
	if got := Identify(nil); len(got) != 0 {
		t.Errorf("empty text: got %s", idList(got))
	}
}

func TestIdentifyCatalogTerms(t *testing.T) {
	dir := idCorpusDir(t)
	got := Identify(idReadCorpus(t, dir, "llama3.1.txt"))
	if len(got) == 0 || got[0].Modified {
		t.Fatalf("got %s", idList(got))
	}
	kinds := map[terms.Kind]bool{}
	for _, tm := range got[0].Terms {
		if kinds[tm.Kind] && tm.Origin == "catalog" {
			t.Errorf("catalog term %s duplicates an extracted one", tm.Kind)
		}
		kinds[tm.Kind] = true
		if tm.Origin != "text" && tm.Origin != "catalog" {
			t.Errorf("term %s origin %q", tm.Kind, tm.Origin)
		}
	}
	for _, tm := range got[0].License.Terms {
		if !kinds[tm.Kind] {
			t.Errorf("catalog term kind %s missing", tm.Kind)
		}
	}
}

func TestFindReferences(t *testing.T) {
	for _, c := range []struct {
		text string
		want []string
	}{
		{"This model is licensed under the Llama 3.1 Community License.", []string{"llama3.1"}},
		{"This model is licensed under the **Llama 3.1\nCommunity License**, see [LICENSE](LICENSE).", []string{"llama3.1"}},
		{"Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms", []string{"gemma"}},
		{"The code is released under the Apache License 2.0; the weights under the Llama 3.3 Community License.", []string{"Apache-2.0", "llama3.3"}},
		{"released under the Apache License, Version 2.0", []string{"Apache-2.0"}},
		{"Licensed under CC BY-NC 4.0.", []string{"CC-BY-NC-4.0"}},
		{"Use is governed by the META LLAMA 3 COMMUNITY LICENSE AGREEMENT.", []string{"llama3"}},
		{"see the Llama 3.2 Acceptable Use Policy and the Llama 3.2 Community License", []string{"llama3.2-aup", "llama3.2"}},
		{"# License\n\nThis model is licensed under the\n*Llama 3.3 Community\nLicense*.", []string{"llama3.3"}},
		{"Nothing to see here.", nil},
		{"shared under a fair license, like a cube license", nil},
	} {
		got := FindReferences([]byte(c.text))
		var ids []string
		for _, id := range got {
			if id.Kind != MatchReference {
				t.Errorf("%q: kind %s", c.text, id.Kind)
			}
			ids = append(ids, id.ID)
		}
		ok := len(ids) == len(c.want)
		for i := range c.want {
			if ok && !strings.HasPrefix(ids[i], c.want[i]) {
				ok = false
			}
		}
		if !ok {
			t.Errorf("%q: got %v, want %v", c.text, ids, c.want)
		}
	}
	got := FindReferences([]byte("line one\n\nreleased under the MIT License\n"))
	if len(got) != 1 || got[0].Lines.Start != 3 {
		t.Errorf("line: got %+v", got)
	}
}

// lreText turns a licensecheck pattern without groups into plain text
// (comments dropped), so tests can use a builtin addendum without the
// project carrying its text.
func lreText(t *testing.T, id string) string {
	t.Helper()
	for _, l := range licensecheck.BuiltinLicenses() {
		if l.ID != id {
			continue
		}
		s := l.LRE
		for {
			i := strings.Index(s, "//**")
			j := strings.Index(s, "**//")
			if i < 0 || j < i {
				break
			}
			s = s[:i] + s[j+4:]
		}
		if strings.Contains(s, "((") || strings.Contains(s, "__") {
			t.Skipf("%s pattern has groups", id)
		}
		return strings.TrimSpace(s)
	}
	t.Skipf("licensecheck has no %s", id)
	return ""
}

// TestIdentifyCommonsClause: a license with the Commons Clause appended
// is two documents: the license, and the rider with its restriction (no
// right to Sell), each at its own lines of the file.
func TestIdentifyCommonsClause(t *testing.T) {
	dir := idCorpusDir(t)
	clause := lreText(t, "CommonsClause")
	for _, c := range []struct{ file, id string }{
		{"apache-2.0.txt", "Apache-2.0"},
		{"mit.txt", "MIT"},
	} {
		lic := string(idReadCorpus(t, dir, c.file))
		text := lic + "\n\n\"Commons Clause\" License Condition v1.0\n\n" + clause + "\n"
		got := Identify([]byte(text))
		if len(got) != 2 || got[0].ID != c.id || got[1].ID != "commons-clause" {
			t.Errorf("%s + Commons Clause: got %s, want [%s commons-clause]", c.file, idList(got), c.id)
			continue
		}
		licEnd := strings.Count(lic, "\n")
		if got[0].Lines.End > licEnd+1 || got[1].Lines.Start <= licEnd {
			t.Errorf("%s + Commons Clause: lines %v and %v, want the license before line %d and the rider after", c.file, got[0].Lines, got[1].Lines, licEnd+1)
		}
		rider := got[1]
		if rider.OSI || rider.Category != CustomRestricted {
			t.Errorf("rider: osi=%v category=%s", rider.OSI, rider.Category)
		}
		sell := false
		for _, tm := range rider.Terms {
			sell = sell || tm.Kind == terms.FieldOfUse && slices.Contains(tm.Categories, "sell")
		}
		if !sell {
			t.Errorf("rider terms %+v: no field-of-use sell restriction", rider.Terms)
		}
	}
}

func TestIdentifyLicenseWithUnknownAppended(t *testing.T) {
	dir := idCorpusDir(t)
	var b strings.Builder
	b.WriteString(string(idReadCorpus(t, dir, "llama3.1.txt")))
	b.WriteString("\n\nWIDGET ADDITIONAL LICENSE AGREEMENT\n\n")
	for i := range 12 {
		fmt.Fprintf(&b, "%d. The Licensor hereby grants the Licensee a limited, revocable permission to run widget number %d, "+
			"and this grant shall terminate if the Licensee offers the widget to more than 50 million monthly active users. "+
			"No warranty is given and the Licensor accepts no liability for widget %d.\n", i+1, i, i)
	}
	got := Identify([]byte(b.String()))
	if len(got) != 2 || got[0].ID != "llama3.1" || got[1].ID != UnknownID {
		t.Fatalf("got %s, want [llama3.1 unknown]", idList(got))
	}
	if got[0].Modified {
		t.Errorf("llama3.1 modified: changed %v", got[0].Changed)
	}
	if got[1].Category != Unknown || got[1].Lines.Start < 50 {
		t.Errorf("unknown part: %+v", got[1])
	}
}

// TestIdentifySPDXOnly covers a license only licensecheck knows (built
// from its own pattern at test time): SPDX id and classification, and
// the same license with a restriction added.
func TestIdentifySPDXOnly(t *testing.T) {
	text := lreText(t, "0BSD")
	if _, ok := Lookup("0BSD"); ok {
		t.Skip("0BSD is in the catalog")
	}
	got := Identify([]byte("Copyright (C) 2030 Example\n\n" + text + "\n"))
	if len(got) != 1 || got[0].ID != "0BSD" || got[0].Category != Permissive || !got[0].OSI || got[0].Modified {
		t.Fatalf("got %s %+v", idList(got), got)
	}
	extra := "This software may be used for non-commercial purposes only; commercial use is prohibited."
	got = Identify([]byte(text + "\n\n" + extra + "\n"))
	if len(got) != 1 || got[0].ID != "0BSD" {
		t.Fatalf("with restriction: got %s", idList(got))
	}
	if id := got[0]; !id.Modified || id.OSI || id.Category != NonCommercial || len(id.Changed) == 0 {
		t.Errorf("with restriction: modified=%v osi=%v category=%s changed=%v", id.Modified, id.OSI, id.Category, id.Changed)
	}
}

// TestIdentifyExcerpts: the first fifth of a license (a truncated copy) is
// still that license, modified — and a truncated CC BY-NC-SA is not read
// as plain CC BY.
func TestIdentifyExcerpts(t *testing.T) {
	dir := idCorpusDir(t)
	for file, want := range map[string]string{
		"llama3.1.txt":         "llama3.1",
		"gemma-2024-04-01.txt": "gemma-2024-04-01",
		"cc-by-nc-sa-4.0.txt":  "CC-BY-NC-SA-4.0",
		"cc-by-nc-4.0.txt":     "CC-BY-NC-4.0",
		"tongyi-qianwen.txt":   "tongyi-qianwen",
	} {
		text := idReadCorpus(t, dir, file)
		ids := Identify(text[:len(text)/5])
		if len(ids) == 0 || ids[0].ID != want || !ids[0].Modified {
			var got []string
			for _, id := range ids {
				got = append(got, fmt.Sprintf("%s(mod=%v)", id.ID, id.Modified))
			}
			t.Errorf("%s cut to a fifth: got %v, want %s modified", file, got, want)
		}
	}
}
