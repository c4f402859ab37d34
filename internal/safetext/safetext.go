// Package safetext makes untrusted text (file and folder names, card
// fields, server metadata, model ids) safe to print on a terminal: every
// control character, C0 (ESC, CR, BEL...), DEL and C1 (including CSI,
// U+009B), every byte that is not valid UTF-8 (a raw 0x9b is a CSI to
// some terminals) and the bidirectional overrides that reorder what is
// shown are written as visible escapes (\x1b, \x9b, \u202e).
package safetext

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Escape returns s with every unsafe character escaped; the runes in keep
// (say '\t', '\n') are left as they are.
func Escape(s string, keep ...rune) string {
	if safe(s, keep) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case kept(r, keep):
			b.WriteRune(r)
		case r < 0x100 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

func safe(s string, keep []rune) bool {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n <= 1) || (unsafeRune(r) && !kept(r, keep)) {
			return false
		}
		i += n
	}
	return true
}

func kept(r rune, keep []rune) bool {
	for _, k := range keep {
		if r == k {
			return true
		}
	}
	return false
}

// unsafeRune: control characters, and the format characters that reorder
// or hide text (bidirectional embeddings, overrides and isolates, zero
// width characters, the byte-order mark).
func unsafeRune(r rune) bool {
	if unicode.IsControl(r) {
		return true
	}
	switch {
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	case r >= 0x200b && r <= 0x200d, r == 0x2060, r == 0xfeff:
		return true
	}
	return false
}
