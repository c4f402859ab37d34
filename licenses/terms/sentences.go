package terms

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/carveout/carveout/internal/lazy"
)

// maxSentence caps the length (in bytes) of one sentence so that hostile
// input without punctuation cannot make any single pattern scan huge units.
const maxSentence = 2000

// sentence is one unit of normalized text with the lines it came from.
type sentence struct {
	text  string // whitespace-normalized, ASCII quotes, markdown removed
	lower string // lower-cased text with "non-commercial" spellings unified
	start int    // first line (1-based)
	end   int    // last line (1-based)

	plain  string // strings.ToLower(text) (== lower when lowerFold changed nothing)
	lgrams *grams // bigrams of lower
	pgrams *grams // bigrams of plain
}

// newSentence fills in the derived fields of a sentence. scratch is a
// buffer it may reuse from one sentence to the next; the bigram sets come
// from a (nil: the heap).
func newSentence(text string, start, end int, scratch *[]byte, a *gramArena) sentence {
	s := sentence{text: text, start: start, end: end}
	s.plain, s.pgrams = lowerGrams(text, scratch, a.get())
	s.lower = foldSpellings(s.plain, s.pgrams)
	s.lgrams = s.pgrams
	if s.lower != s.plain {
		s.lgrams = gramsInto(a.get(), s.lower)
	}
	return s
}

// gramArena hands out the bigram sets of one extraction's sentences (two
// per sentence at most, 520 bytes each) from blocks that the next
// extraction reuses: a text's sets die with its extraction, and fresh
// memory for each of them cost more in page faults than hashing did.
type gramArena struct {
	blocks [][]grams
	b, n   int // next: blocks[b][n]
}

// gramBlock is how many sets a block holds; maxGramBlocks how many blocks
// an arena may keep for the next extraction (about 2 MiB).
const (
	gramBlock     = 64
	maxGramBlocks = 64
)

var gramArenas = sync.Pool{New: func() any { return new(gramArena) }}

// get returns a zero set (a nil arena: from the heap).
func (a *gramArena) get() *grams {
	if a == nil {
		return new(grams)
	}
	for a.b < len(a.blocks) && a.n == len(a.blocks[a.b]) {
		a.b, a.n = a.b+1, 0
	}
	if a.b == len(a.blocks) {
		a.blocks = append(a.blocks, make([]grams, gramBlock))
	}
	g := &a.blocks[a.b][a.n]
	a.n++
	*g = grams{}
	return g
}

// release returns the arena for the next extraction; no set it handed
// out may be used after. A text of many sentences keeps its blocks to
// itself.
func (a *gramArena) release() {
	if len(a.blocks) > maxGramBlocks {
		return
	}
	a.reset()
	gramArenas.Put(a)
}

// reset makes every set the arena handed out free for get again.
func (a *gramArena) reset() { a.b, a.n = 0, 0 }

// lowerGrams returns strings.ToLower(s) and its bigrams (gramsOf) in g,
// which must be zero, for ASCII text in one pass that lower-cases into
// scratch and hashes the lower-cased bigrams as it goes (lower-casing a
// sentence and hashing its bigrams are done for every sentence).
func lowerGrams(s string, scratch *[]byte, g *grams) (string, *grams) {
	b := append((*scratch)[:0], s...)
	*scratch = b
	upper := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= utf8.RuneSelf {
			lower := strings.ToLower(s)
			*g = grams{}
			return lower, gramsInto(g, lower)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
			b[i] = c
			upper = true
		}
		if i > 0 {
			h := gramHash(b[i-1], c)
			g.bits[h>>6] |= 1 << (h & 63)
		}
	}
	if !upper {
		return s, g
	}
	return string(b), g
}

// charReplacer folds typographic punctuation to ASCII so that patterns can
// be written once. Full-width forms used in Chinese text are folded too.
var charReplacer = strings.NewReplacer(
	"\u201c", `"`, "\u201d", `"`, "\u201e", `"`, "\u201f", `"`,
	"\u2033", `"`, "\u00ab", `"`, "\u00bb", `"`, "\uff02", `"`,
	"\u2018", "'", "\u2019", "'", "\u201a", "'", "\u201b", "'", "\u2032", "'",
	"\uff07", "'",
	"\u2013", "-", "\u2014", "-", "\u2011", "-", "\u2010", "-", "\u2212", "-",
	"\u00a0", " ", "\u2009", " ", "\u202f", " ", "\u3000", " ", "\u200b", "",
	"\ufeff", "",
	"\uff0c", ", ", "\uff1a", ": ", "\uff1b", "; ", "\uff08", " (", "\uff09", ") ",
	"\uff01", "! ", "\uff1f", "? ",
	"\t", " ", "\r", " ",
)

// mdReplacer removes markdown emphasis and escapes.
var mdReplacer = strings.NewReplacer(
	"**", "", "__", "", "`", "", `\.`, ".", `\_`, "_", `\*`, "*", `\-`, "-",
	`\(`, "(", `\)`, ")", `\[`, "[", `\]`, "]", `\#`, "#", "](", " (",
)

// leadRe matches a heading marker, block quote, bullet or enumerator at the
// start of a line (after trimming). Such a line starts a new sentence.
var leadRe = lazy.Regexp(`^(?:#{1,6}\s*|>\s*|[-*+\x{2022}\x{25cf}\x{25aa}\x{00b7}\x{2023}\x{25e6}]\s+|\(?\d{1,3}(?:\.\d{1,3}){0,3}[.)]\s+|\(?[a-zA-Z][.)]\s+|\(?[ivxlcIVXLC]{1,6}[.)]\s+|\[[ xX]?\]\s+)`)

// ruleChars are the bytes of a line that carries no words (table rules,
// "***"); see isRule.
const ruleChars = "-=*_|:~+ "

// ruleExpr is the regexp isRule implements (its tests compare the two).
const ruleExpr = `^[-=*_|:~+ ]{3,}$`

// isRule reports whether l is a line that carries no words: at least three
// bytes, all of ruleChars, as ruleExpr matches them (all its runes are
// ASCII, so runes and bytes count alike). It is checked without a regexp
// because it runs on every line.
func isRule(l string) bool {
	if len(l) < 3 {
		return false
	}
	for i := 0; i < len(l); i++ {
		if strings.IndexByte(ruleChars, l[i]) < 0 {
			return false
		}
	}
	return true
}

// abbreviations that do not end a sentence when followed by a period.
var abbreviations = map[string]bool{
	"e.g": true, "i.e": true, "inc": true, "ltd": true, "co": true, "corp": true,
	"u.s": true, "u.k": true, "no": true, "nos": true, "sec": true, "art": true,
	"etc": true, "vs": true, "mr": true, "mrs": true, "ms": true, "dr": true,
	"st": true, "para": true, "cf": true, "approx": true, "fig": true,
	"p.r.c": true, "s.a": true, "llc": true, "l.l.c": true, "jr": true,
	"sr": true, "viz": true, "al": true, "ca": true,
}

// splitSentences normalizes text and cuts it into sentences, remembering the
// source lines of each.
func splitSentences(text string, a *gramArena) []sentence {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	text = strings.TrimPrefix(text, "\ufeff")
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")

	// Build one stream of normalized bytes with a line map. A '\n' in the
	// stream is a hard sentence break.
	var buf strings.Builder
	buf.Grow(len(text) + 16)
	var lm lineMap
	emit := func(s string, line int) {
		lm.add(buf.Len(), len(s), line)
		buf.WriteString(s)
	}
	lineOf := lm.line
	for i, raw := range lines {
		ln := i + 1
		l := raw
		cls := lineClass(raw)
		if cls&clsReplace != 0 {
			l = charReplacer.Replace(raw)
		}
		l = strings.TrimSpace(l)
		if l == "" || isRule(l) {
			emit("\n", ln)
			continue
		}
		if cls&clsMarkdown != 0 { // (replacing and trimming keep them)
			l = mdReplacer.Replace(l)
		}
		broke := false
		for k := 0; k < 3; k++ {
			if !mayLead(l) {
				break
			}
			loc := leadRe().FindStringIndex(l)
			if loc == nil || loc[1] == 0 {
				break
			}
			heading := strings.HasPrefix(l, "#")
			l = strings.TrimSpace(l[loc[1]:])
			broke = true
			if heading {
				// A heading is its own sentence.
				emit("\n", ln)
				emit(l, ln)
				emit("\n", ln)
				l = ""
				break
			}
		}
		if l == "" {
			continue
		}
		if broke {
			emit("\n", ln)
		}
		emit(l, ln)
		emit(" ", ln)
	}
	norm := buf.String()

	// About one sentence per line break or ". " (counting is cheaper than
	// growing the slice).
	out := make([]sentence, 0, strings.Count(norm, "\n")+strings.Count(norm, ". ")+1)
	var scratch []byte
	add := func(from, to int) {
		if from >= to {
			return
		}
		s := collapseSpaces(norm[from:to])
		if len(s) < 2 {
			return
		}
		// The line range is that of the bytes that carry text, when there
		// are any. (Looked up in increasing order, as lineMap prefers.)
		f, t := from, to
		for f < t && (norm[f] == ' ' || norm[f] == '\n') {
			f++
		}
		for t > f && (norm[t-1] == ' ' || norm[t-1] == '\n') {
			t--
		}
		if f < t {
			from, to = f, t
		}
		st, en := lineOf(from), lineOf(to-1)
		out = append(out, newSentence(s, int(st), int(en), &scratch, a))
	}
	start, quotes := 0, 0
	for i := 0; i < len(norm); {
		c := norm[i]
		switch {
		case c == '\n':
			add(start, i)
			start, quotes = i+1, 0
			i++
			continue
		case c == '"':
			quotes++
		case c == '.' || c == '!' || c == '?':
			if endsSentence(norm, start, i, quotes) {
				// include closing quotes/parens
				j := i + 1
				for j < len(norm) && (norm[j] == '"' || norm[j] == '\'' || norm[j] == ')') {
					j++
				}
				add(start, j)
				start, quotes = j, 0
				i = j
				continue
			}
		case c == 0xE3 && strings.HasPrefix(norm[i:], "\u3002"): // 。
			add(start, i+3)
			start, quotes = i+3, 0
			i += 3
			continue
		}
		if i-start >= maxSentence && (c == ' ' || i-start >= maxSentence+100) {
			// Force a cut at a rune boundary.
			for i < len(norm) && !utf8.RuneStart(norm[i]) {
				i++
			}
			add(start, i)
			start, quotes = i, 0
			continue
		}
		i++
	}
	add(start, len(norm))
	return out
}

// lineMap maps offsets of the normalized stream to source lines. Bytes are
// added in stream order with lines that never decrease, so it keeps only
// the offset where each line's bytes begin (a byte per line rather than a
// line per byte).
type lineMap struct {
	offs  []int   // offs[i]: first offset of lines[i]'s bytes, increasing
	lines []int32 // source line (1-based)
	last  int     // index of the last lookup's entry
}

// add notes that n bytes from offset off come from line.
func (m *lineMap) add(off, n, line int) {
	if n == 0 {
		return
	}
	if k := len(m.lines); k > 0 && m.lines[k-1] == int32(line) {
		return
	}
	m.offs = append(m.offs, off)
	m.lines = append(m.lines, int32(line))
}

// line returns the line of the byte at off (which add covered). Lookups
// of increasing offsets (sentence after sentence) walk on from the last
// one; others search.
func (m *lineMap) line(off int) int32 {
	i := m.last
	if i < len(m.offs) && m.offs[i] <= off {
		for i+1 < len(m.offs) && m.offs[i+1] <= off {
			i++
		}
	} else {
		var found bool
		if i, found = slices.BinarySearch(m.offs, off); !found {
			i--
		}
	}
	m.last = i
	return m.lines[i]
}

// endsSentence reports whether the terminator at norm[i] ends a sentence.
func endsSentence(norm string, start, i, quotes int) bool {
	// Next significant char.
	j := i + 1
	for j < len(norm) && (norm[j] == '"' || norm[j] == '\'' || norm[j] == ')') {
		j++
	}
	if j < len(norm) && norm[j] != ' ' && norm[j] != '\n' {
		return false // "2.0", "ai.google.dev", "U.S."
	}
	for j < len(norm) && norm[j] == ' ' {
		j++
	}
	if j < len(norm) {
		r, _ := utf8.DecodeRuneInString(norm[j:])
		if unicode.IsLower(r) {
			return false
		}
	}
	// Inside a short quotation ("... Inc. All Rights Reserved.") the
	// sentence goes on to the closing quote.
	if quotes%2 == 1 {
		lim := i + 1 + 240
		if lim > len(norm) {
			lim = len(norm)
		}
		if k := strings.IndexByte(norm[i+1:lim], '"'); k >= 0 && !strings.Contains(norm[i+1:i+1+k], "\n") {
			return false
		}
	}
	if norm[i] != '.' {
		return true
	}
	// Word before the period.
	k := i
	for k > start && norm[k-1] != ' ' && norm[k-1] != '\n' && norm[k-1] != '(' && norm[k-1] != '"' {
		k--
	}
	w := strings.ToLower(norm[k:i])
	if w == "" {
		return true
	}
	if abbreviations[w] {
		return false
	}
	if len(w) == 1 {
		return false // initials, enumerators "a."
	}
	allDigits := true
	for _, r := range w {
		if (r < '0' || r > '9') && r != '.' {
			allDigits = false
			break
		}
	}
	return !allDigits // "1." "2.3." enumerators
}

// collapseSpaces trims white space (unicode.IsSpace) from s and turns each
// run of it inside into one ' '.
func collapseSpaces(s string) string {
	if t, ok := collapsedASCII(s); ok {
		return t
	}
	b := make([]byte, 0, len(s))
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			// The ASCII white space of unicode.IsSpace.
			if c == ' ' || c == '\n' || c == '\t' || c == '\v' || c == '\f' || c == '\r' {
				space = true
				continue
			}
			if space && len(b) > 0 {
				b = append(b, ' ')
			}
			space = false
			b = append(b, c)
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && len(b) > 0 {
			b = append(b, ' ')
		}
		space = false
		b = utf8.AppendRune(b, r)
	}
	return string(b)
}

// collapsedASCII is collapseSpaces for the common case, without copying:
// s is ASCII and, once its ends are trimmed, its only white space is single
// ' ' between other bytes. ok is false otherwise (collapseSpaces then
// builds the result).
func collapsedASCII(s string) (t string, ok bool) {
	i, j := 0, len(s)
	for i < j && isASCIISpace(s[i]) {
		i++
	}
	for j > i && isASCIISpace(s[j-1]) {
		j--
	}
	t = s[i:j]
	for k := 0; k < len(t); k++ {
		c := t[k]
		if byteClass[c]&(clsSpace|clsNonASCII) == 0 {
			continue
		}
		if c >= utf8.RuneSelf {
			return "", false // may be white space (U+00A0, U+2028, ...)
		}
		// t is trimmed, so a space is never its last byte.
		if c != ' ' || isASCIISpace(t[k+1]) {
			return "", false
		}
	}
	return t, true
}

// isASCIISpace reports whether c is ASCII white space for unicode.IsSpace.
func isASCIISpace(c byte) bool { return byteClass[c]&clsSpace != 0 }

// Byte classes of byteClass.
const (
	clsSpace    = 1 << iota // ASCII white space for unicode.IsSpace
	clsNonASCII             // a byte of a non-ASCII rune
	clsReplace              // starts an old string of charReplacer
	clsMarkdown             // starts an old string of mdReplacer
)

// byteClass classifies bytes for the loops that look at every byte of a
// text (one table lookup instead of a chain of comparisons).
var byteClass = func() (t [256]uint8) {
	for _, c := range []byte(" \n\t\v\f\r") {
		t[c] |= clsSpace
	}
	for c := utf8.RuneSelf; c < 256; c++ {
		t[c] |= clsNonASCII | clsReplace
	}
	t['\t'] |= clsReplace
	t['\r'] |= clsReplace
	for _, c := range []byte("*_`\\]") {
		t[c] |= clsMarkdown
	}
	return t
}()

// lineClass returns the classes of the bytes of s, in one pass: with
// clsReplace, charReplacer may change s (all its old strings start with a
// tab, a carriage return or a non-ASCII byte); with clsMarkdown,
// mdReplacer may (all its old strings start with one of *_`\]).
func lineClass(s string) uint8 {
	var cls uint8
	for i := 0; i < len(s); i++ {
		cls |= byteClass[s[i]]
	}
	return cls
}

// nonCommercialExpr is the regexp foldNonCommercial implements (its tests
// compare the two).
const nonCommercialExpr = `\bnon[- ]?commercial`

// foldNonCommercial is nonCommercialExpr replaced by "noncommercial" in l
// (regexp ReplaceAllString), written out because it runs on
// every sentence that mentions "commercial". A match starts at "non" not
// preceded by an ASCII word byte (\b: a byte >= 0x80 belongs to a non-ASCII
// rune, which is not a word character), and matches never overlap: each
// ends with "commercial", which holds no "non".
func foldNonCommercial(l string) string {
	var b strings.Builder
	done := 0 // l[:done] is written to b (when b is used)
	for pos := 0; ; {
		k := strings.Index(l[pos:], "non")
		if k < 0 {
			break
		}
		k += pos
		pos = k + 1
		if k > 0 && isWordByte(l[k-1]) {
			continue
		}
		end := k + 3
		if end < len(l) && (l[end] == '-' || l[end] == ' ') && strings.HasPrefix(l[end+1:], "commercial") {
			end += 1 + len("commercial")
		} else if strings.HasPrefix(l[end:], "commercial") {
			end += len("commercial")
		} else {
			continue
		}
		if b.Cap() == 0 {
			b.Grow(len(l))
		}
		b.WriteString(l[done:k])
		b.WriteString("noncommercial")
		done, pos = end, end
	}
	if b.Cap() == 0 {
		return l
	}
	b.WriteString(l[done:])
	return b.String()
}

// isWordByte reports whether c is an ASCII word character of \b.
func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// foldSpellings returns plain (lower-cased text) with spellings that
// patterns care about unified. g holds the bigrams of plain.
func foldSpellings(plain string, g *grams) string {
	l := plain
	if g.mayHoldString("commercial") && strings.Contains(l, "commercial") {
		l = foldNonCommercial(l)
	}
	if g.mayHoldString("not limited") && strings.Contains(l, "not limited") {
		// "including but not limited to" carries no negation.
		l = replaceNotLimited(l)
	}
	return l
}

// notLimitedCore is in every match of notLimitedRe in the collapsed,
// lower-cased text of a sentence (single spaces only), and no match starts
// more than notLimitedLead bytes before it.
const (
	notLimitedCore = "not limited to"
	notLimitedLead = 24
)

// replaceNotLimited is notLimitedRe.ReplaceAllString(l, "including") for
// text whose only white space is single ' ' (as made by collapseSpaces).
// It runs the regexp only near occurrences of notLimitedCore; the regexp
// has no assertions, so its matches do not depend on text outside.
func replaceNotLimited(l string) string {
	if strings.ContainsAny(l, "\t\n\v\f\r") || strings.Contains(l, "  ") {
		return notLimitedRe().ReplaceAllString(l, "including")
	}
	var b strings.Builder
	pos := 0
	for {
		k := strings.Index(l[pos:], notLimitedCore)
		if k < 0 {
			break
		}
		k += pos
		ws := k - notLimitedLead
		if ws < pos {
			ws = pos
		}
		loc := notLimitedRe().FindStringIndex(l[ws:])
		if loc == nil || loc[1] == loc[0] {
			// Cannot happen (the core alone matches); be safe.
			return notLimitedRe().ReplaceAllString(l, "including")
		}
		if b.Cap() == 0 {
			b.Grow(len(l))
		}
		b.WriteString(l[pos : ws+loc[0]])
		b.WriteString("including")
		pos = ws + loc[1]
	}
	if pos == 0 {
		return l
	}
	b.WriteString(l[pos:])
	return b.String()
}

var notLimitedRe = lazy.Regexp(`(?:including|include|includes)?,?\s*(?:-\s*)?(?:but\s+)?(?:is\s+|are\s+)?not\s+limited\s+to(?:\s*-)?`)

// cut shortens s to about n bytes at a word boundary.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := n
	for i > n/2 && s[i] != ' ' {
		i--
	}
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	return strings.TrimSpace(s[:i]) + "…"
}

// has reports whether s.lower contains w, testing its bigrams first.
func (s *sentence) has(w string) bool {
	if s.lgrams != nil && !s.lgrams.mayHoldString(w) {
		return false
	}
	return strings.Contains(s.lower, w)
}

// mayLead reports whether leadRe may match l: a line that starts with an
// ASCII letter matches only with '.' or ')' among its next six bytes.
func mayLead(l string) bool {
	if l == "" {
		return true
	}
	if c := l[0] | 0x20; c < 'a' || c > 'z' {
		return true
	}
	for i := 1; i < len(l) && i <= 6; i++ {
		if l[i] == '.' || l[i] == ')' {
			return true
		}
	}
	return false
}
