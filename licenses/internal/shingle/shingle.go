// Package shingle is the text normalizer and fingerprint codec shared by
// the licenses package and its fingerprint generator (licenses/internal/genfp).
//
// Normalization turns a text into lower-case word tokens, each with the
// 1-based line it came from, ignoring formatting: CRLF, BOM, markdown
// headings, emphasis, link targets, list markers and tables, rewrapping,
// smart quotes, dashes, HTML entities and list numbering. Numbers and
// version markers ("3.1", "700", "1,000,000" -> "1000000") stay tokens.
//
// A fingerprint is the set of hashes of every run of K consecutive tokens
// (a shingle). Changing the tokenizer or the hash changes every
// fingerprint: bump Version and regenerate.
package shingle

import (
	"encoding/binary"
	"errors"
	"html"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Version identifies the tokenizer, shingle size and hash; it is written
// into the generated fingerprint file and checked when loading it.
const Version = "tok3-k5-fnv1a32-opt"

// K is the number of tokens in a shingle.
const K = 5

// Token is one normalized word and the 1-based line it starts on.
type Token struct {
	Word string
	Line int
}

// Tokenize normalizes text into word tokens.
func Tokenize(text []byte) []Token {
	s := string(text)
	s = strings.TrimPrefix(s, "\ufeff")
	// About one token per 6 bytes in license texts (the corpus: 6.1):
	// sized once rather than grown.
	toks := make([]Token, 0, len(s)/6+8)
	line := 0
	for len(s) > 0 || line == 0 {
		line++
		var l string
		if i := strings.IndexAny(s, "\r\n"); i >= 0 {
			l = s[:i]
			if s[i] == '\r' && i+1 < len(s) && s[i+1] == '\n' {
				s = s[i+2:]
			} else {
				s = s[i+1:]
			}
		} else {
			l, s = s, ""
		}
		toks = tokenizeLine(toks, l, line)
		if s == "" {
			break
		}
	}
	return toks
}

// Optional returns the shingles of a reference text that a copy of it may
// lack and still be that text: those touching a copyright notice line
// (template fields: year and holder differ in every copy) or the title
// line (the SPDX list's texts carry a title most copies leave out).
func Optional(text []byte) []uint32 {
	toks := Tokenize(text)
	sh := Shingles(toks)
	lines := Lines(text)
	opt := make([]bool, len(toks))
	for i := 0; i < len(toks); {
		j := i
		for j < len(toks) && toks[j].Line == toks[i].Line {
			j++
		}
		l := toks[i].Line
		if (i == 0 && j-i <= maxTitleTokens && j < len(toks)) || (l-1 < len(lines) && IsNoticeLine(lines[l-1], j-i)) {
			for k := i; k < j; k++ {
				opt[k] = true
			}
		}
		i = j
	}
	var out []uint32
	for i, h := range sh {
		if slices.Contains(opt[i:i+K], true) {
			out = append(out, h)
		}
	}
	return Set(out)
}

func isYear(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[0] == '1' || s[0] == '2'
}

// maxTitleTokens bounds the words of a title line.
const maxTitleTokens = 12

// maxNoticeTokens bounds the words of a copyright notice line: a longer
// line that starts with "Copyright" holds more than the notice.
const maxNoticeTokens = 24

// IsNoticeLine reports whether a line (of n tokens) is a copyright notice:
// after markdown, comment and list marks it starts with "copyright", "(c)"
// or "©", or it is "All rights reserved".
func IsNoticeLine(line string, n int) bool {
	if n > maxNoticeTokens {
		return false
	}
	l := strings.TrimLeft(strings.ToLower(line), " \t#*/-;>|_=+.\"'`")
	switch {
	case strings.HasPrefix(l, "copyright"), strings.HasPrefix(l, "(c)"), strings.HasPrefix(l, "©"):
		return true
	case strings.HasPrefix(l, "all rights reserved"):
		return n <= 4
	}
	// "Portions Copyright © 2009 ...", "Revisions Copyright (c) ...": the
	// word before the notice qualifies it.
	if i := strings.Index(l, " copyright "); i > 0 && !strings.Contains(l[:i], " ") {
		rest := l[i+len(" copyright "):]
		return strings.HasPrefix(rest, "©") || strings.HasPrefix(rest, "(c)") || len(rest) >= 4 && isYear(rest[:4])
	}
	return false
}

// Lines splits text into lines the way Tokenize numbers them (BOM
// removed, CR, LF and CRLF all end a line). Lines(text)[n-1] is line n.
func Lines(text []byte) []string {
	s := strings.TrimPrefix(string(text), "\ufeff")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

func isApos(r rune) bool { return r == '\'' || r == '\u2019' || r == '\u2018' || r == '\u02bc' }

func tokenizeLine(toks []Token, l string, line int) []Token {
	if strings.IndexByte(l, '&') >= 0 {
		l = html.UnescapeString(l)
	}
	// Markdown link targets: [text](url) -> [text].
	for {
		i := strings.Index(l, "](")
		if i < 0 {
			break
		}
		j := strings.IndexByte(l[i+2:], ')')
		if j < 0 {
			break
		}
		l = l[:i+1] + l[i+2+j+1:]
	}
	var b strings.Builder
	prevSig := rune(0) // previous non-space rune before the current word (0 = line start)
	i := 0
	for i < len(l) {
		if c := l[i]; plainWords && c < utf8.RuneSelf && !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			// ASCII between words, as below without decoding.
			switch c {
			case ' ', '\t', '\n', '\v', '\f', '\r':
			default:
				prevSig = rune(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(l[i:])
		if !isWordRune(r) {
			if !unicode.IsSpace(r) {
				prevSig = r
			}
			i += n
			continue
		}
		if isCJK(r) {
			// Scripts written without spaces: one token per character.
			i += n
			prevSig = 'a'
			toks = append(toks, Token{Word: string(r), Line: line})
			continue
		}
		// A word: letters and digits, joined by apostrophes between
		// letters, '.' and ',' between digits.
		start := i
		if w, end, allDigits, ok := plainWord(l, i); ok && plainWords {
			// The common case, its own token: a substring of the line.
			i = end
			if isMarker(w, allDigits, prevSig, l[i:]) {
				prevSig = ')'
				continue
			}
			prevSig = 'a'
			toks = append(toks, Token{Word: w, Line: line})
			continue
		}
		b.Reset()
		allDigits := true
		for i < len(l) {
			r, n := utf8.DecodeRuneInString(l[i:])
			if isWordRune(r) && !isCJK(r) {
				if !unicode.IsDigit(r) {
					allDigits = false
				}
				b.WriteRune(unicode.ToLower(r))
				i += n
				continue
			}
			if i+n < len(l) && i > start {
				next, _ := utf8.DecodeRuneInString(l[i+n:])
				prev, _ := utf8.DecodeLastRuneInString(l[:i])
				if isApos(r) && unicode.IsLetter(prev) && unicode.IsLetter(next) {
					i += n
					continue
				}
				if (r == '.' || r == ',') && unicode.IsDigit(prev) && unicode.IsDigit(next) {
					if r == '.' {
						b.WriteByte('.')
					}
					i += n
					continue
				}
			}
			break
		}
		// "RAIL++" names another license than "RAIL": keep the "++".
		if strings.HasPrefix(l[i:], "++") {
			b.WriteString("++")
			i += 2
			allDigits = false
		}
		w := b.String()
		if isMarker(w, allDigits, prevSig, l[i:]) {
			prevSig = ')'
			continue
		}
		prevSig = 'a'
		toks = append(toks, Token{Word: w, Line: line})
	}
	return toks
}

// plainWords enables the fast paths for plain ASCII words and the ASCII
// between them (tests turn it off to compare).
var plainWords = true

// plainWord reads the word at l[i] when it is plain ASCII: letters and
// digits, ended by an ASCII byte that can neither continue nor join it (not
// a letter, digit or apostrophe, not "++", and not '.' or ',' after a
// digit, which may join digits). Its token is the word itself, a substring
// of the line, or lower-cased when it has capitals. ok is false for any
// other word, which tokenizeLine then reads rune by rune.
func plainWord(l string, i int) (w string, end int, allDigits, ok bool) {
	allDigits = true
	upper := false
	j := i
scan:
	for ; j < len(l); j++ {
		switch c := l[j]; {
		case 'a' <= c && c <= 'z':
			allDigits = false
		case 'A' <= c && c <= 'Z':
			allDigits = false
			upper = true
		case '0' <= c && c <= '9':
		default:
			break scan
		}
	}
	if j == i {
		return "", i, false, false
	}
	if j < len(l) {
		switch c := l[j]; {
		case c >= utf8.RuneSelf, c == '\'', c == '+':
			return "", i, false, false
		case (c == '.' || c == ',') && '0' <= l[j-1] && l[j-1] <= '9':
			return "", i, false, false
		}
	}
	w = l[i:j]
	if upper {
		b := []byte(w)
		for k, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[k] = c + 'a' - 'A'
			}
		}
		w = string(b)
	}
	return w, j, allDigits, true
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// isMarker reports whether w is a list marker ("1.", "a)", "(iv)", "2)")
// that renumbering, rewrapping or markdown could change or move. Markers
// are dropped wherever they sit (the same way in reference and input), so
// "Section 2." loses its "2" too: harmless, as both sides lose it.
func isMarker(w string, allDigits bool, prevSig rune, rest string) bool {
	short := (allDigits && len(w) <= 2) || (len(w) == 1 && w[0] >= 'a' && w[0] <= 'z') || isRoman(w)
	if !short || rest == "" {
		return false
	}
	after := rest[0]
	if prevSig == '(' && after == ')' {
		return true
	}
	if after != '.' && after != ')' {
		return false
	}
	if len(rest) > 1 {
		switch r, _ := utf8.DecodeRuneInString(rest[1:]); {
		case unicode.IsSpace(r), r == '*', r == '_', r == ')', r == ']', r == '|':
		default:
			return false // "e.g", "1.x"
		}
	}
	return true
}

// isCJK reports whether r belongs to a script written without spaces.
func isCJK(r rune) bool {
	return r >= 0x2e80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r))
}

func isRoman(w string) bool {
	if len(w) == 0 || len(w) > 5 {
		return false
	}
	for i := 0; i < len(w); i++ {
		switch w[i] {
		case 'i', 'v', 'x':
		default:
			return false
		}
	}
	return true
}

// WordHash is the 32-bit FNV-1a hash of one word.
func WordHash(w string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(w); i++ {
		h ^= uint32(w[i])
		h *= 16777619
	}
	return h
}

// Shingles returns the hash of every K-token run: element i covers
// tokens i..i+K-1. A text of fewer than K tokens has no shingles.
func Shingles(toks []Token) []uint32 {
	if len(toks) < K {
		return nil
	}
	out := make([]uint32, len(toks)-K+1)
	for i := range out {
		h := uint32(2166136261)
		for j := i; j < i+K; j++ {
			w := toks[j].Word
			for k := 0; k < len(w); k++ {
				h ^= uint32(w[k])
				h *= 16777619
			}
			h ^= ' '
			h *= 16777619
		}
		out[i] = h
	}
	return out
}

// Set returns the sorted distinct values of hs.
func Set(hs []uint32) []uint32 {
	s := slices.Clone(hs)
	slices.Sort(s)
	return slices.Compact(s)
}

// SetAt is Set(hs) with, for each position i of hs, the index in the set
// of hs[i]: one sort of (value, position) pairs gives both.
func SetAt(hs []uint32) (set []uint32, at []int32) {
	pairs := make([]uint64, len(hs))
	for i, h := range hs {
		pairs[i] = uint64(h)<<32 | uint64(i)
	}
	SortHigh(pairs)
	at = make([]int32, len(hs))
	set = make([]uint32, 0, len(hs)) // at most one value a position
	for _, p := range pairs {
		h := uint32(p >> 32)
		if len(set) == 0 || set[len(set)-1] != h {
			set = append(set, h)
		}
		at[uint32(p)] = int32(len(set) - 1)
	}
	return set, at
}

// SortHigh sorts v by its high 32 bits, keeping the order of values with
// the same high bits. When the low bits of such values increase (a
// position, an index appended in order), that is the order of sorting
// whole values (slices.Sort), which it uses on short inputs.
func SortHigh(v []uint64) {
	if len(v) < radixMin {
		slices.Sort(v)
	} else {
		radixSortHigh(v)
	}
}

// radixMin is the smallest input radixSortHigh sorts faster than
// slices.Sort. Measured on random pairs: 512 take 4.6 µs by slices.Sort
// and 6.0 by radix, 1,024 about 9.8 both ways, 1,536 23 against 12.6.
const radixMin = 1024

// radixSortHigh sorts v by its high 32 bits, keeping the order of values
// with the same high bits: for SetAt's pairs, whose low bits are their
// positions in increasing order, the same order as sorting whole values.
// Least significant byte first, four stable counting passes.
func radixSortHigh(v []uint64) {
	tmp := make([]uint64, len(v))
	src, dst := v, tmp
	for shift := uint(32); shift < 64; shift += 8 {
		var count [257]int
		for _, x := range src {
			count[(x>>shift)&0xff+1]++
		}
		for b := 1; b < 257; b++ {
			count[b] += count[b-1]
		}
		for _, x := range src {
			b := (x >> shift) & 0xff
			dst[count[b]] = x
			count[b]++
		}
		src, dst = dst, src
	}
	// Four passes: the sorted values are back in v.
}

// AppendSet appends the encoding of a sorted set (count, then deltas, as
// uvarints) to dst.
func AppendSet(dst []byte, set []uint32) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(set)))
	prev := uint32(0)
	for _, v := range set {
		dst = binary.AppendUvarint(dst, uint64(v-prev))
		prev = v
	}
	return dst
}

// ReadSet decodes a set written by AppendSet and returns the rest of b.
func ReadSet(b []byte) ([]uint32, []byte, error) {
	n, k := binary.Uvarint(b)
	if k <= 0 || n > uint64(len(b)) {
		return nil, nil, errors.New("shingle: bad set length")
	}
	b = b[k:]
	set := make([]uint32, n)
	prev := uint64(0)
	for i := range set {
		d, k := binary.Uvarint(b)
		if k <= 0 {
			return nil, nil, errors.New("shingle: truncated set")
		}
		b = b[k:]
		prev += d
		if prev > 0xffffffff {
			return nil, nil, errors.New("shingle: bad delta")
		}
		set[i] = uint32(prev)
	}
	return set, b, nil
}
