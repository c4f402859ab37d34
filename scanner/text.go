package scanner

import (
	"encoding/binary"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/carveout/carveout/internal/lazy"
)

var urlRE = lazy.Regexp(`https?://[^\s)\]>"']+`)

// linkTargets returns text with each line replaced by the words of the URLs
// on it (decoded, with path separators as spaces), so references inside
// links are found on the right line.
func linkTargets(text string) string {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		var words []string
		for _, u := range urlRE().FindAllString(l, -1) {
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
	for len(data) > 0 {
		r, n := utf8.DecodeRune(data)
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
		data = data[n:]
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
