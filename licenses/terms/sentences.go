package terms

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
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
var leadRe = regexp.MustCompile(`^(?:#{1,6}\s*|>\s*|[-*+\x{2022}\x{25cf}\x{25aa}\x{00b7}\x{2023}\x{25e6}]\s+|\(?\d{1,3}(?:\.\d{1,3}){0,3}[.)]\s+|\(?[a-zA-Z][.)]\s+|\(?[ivxlcIVXLC]{1,6}[.)]\s+|\[[ xX]?\]\s+)`)

// ruleRe matches a line that carries no words (table rules, "***").
var ruleRe = regexp.MustCompile(`^[-=*_|:~+ ]{3,}$`)

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
func splitSentences(text string) []sentence {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, " ")
	}
	text = strings.TrimPrefix(text, "\ufeff")
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")

	// Build one stream of normalized bytes with a parallel line map. A '\n'
	// in the stream is a hard sentence break.
	var buf strings.Builder
	buf.Grow(len(text) + 16)
	lineOf := make([]int32, 0, len(text)+16)
	emit := func(s string, line int) {
		buf.WriteString(s)
		for i := 0; i < len(s); i++ {
			lineOf = append(lineOf, int32(line))
		}
	}
	for i, raw := range lines {
		ln := i + 1
		l := charReplacer.Replace(raw)
		l = strings.TrimSpace(l)
		if l == "" || ruleRe.MatchString(l) {
			emit("\n", ln)
			continue
		}
		l = mdReplacer.Replace(l)
		broke := false
		for k := 0; k < 3; k++ {
			loc := leadRe.FindStringIndex(l)
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

	var out []sentence
	add := func(from, to int) {
		if from >= to {
			return
		}
		s := collapseSpaces(norm[from:to])
		if len(s) < 2 {
			return
		}
		st, en := lineOf[from], lineOf[to-1]
		// Trim the line range to the bytes that carry text.
		for from < to && (norm[from] == ' ' || norm[from] == '\n') {
			from++
		}
		for to > from && (norm[to-1] == ' ' || norm[to-1] == '\n') {
			to--
		}
		if from < to {
			st, en = lineOf[from], lineOf[to-1]
		}
		out = append(out, sentence{text: s, lower: lowerFold(s), start: int(st), end: int(en)})
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

func collapseSpaces(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if r == ' ' || r == '\n' || unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

var ncFold = regexp.MustCompile(`\bnon[- ]?commercial`)

// lowerFold lower-cases s and unifies spellings that patterns care about.
func lowerFold(s string) string {
	l := strings.ToLower(s)
	if strings.Contains(l, "commercial") {
		l = ncFold.ReplaceAllString(l, "noncommercial")
	}
	if strings.Contains(l, "not limited") {
		// "including but not limited to" carries no negation.
		l = notLimitedRe.ReplaceAllString(l, "including")
	}
	return l
}

var notLimitedRe = regexp.MustCompile(`(?:including|include|includes)?,?\s*(?:-\s*)?(?:but\s+)?(?:is\s+|are\s+)?not\s+limited\s+to(?:\s*-)?`)

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
