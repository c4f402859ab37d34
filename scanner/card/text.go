package card

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// LFSPointer is the content of a Git LFS pointer file.
type LFSPointer struct {
	// OID is the object id as written, e.g. "sha256:4d7a...".
	OID string
	// Size is the size in bytes of the real file; -1 when unreadable.
	Size int64
}

// lfsMaxSize is the size above which git-lfs does not consider a blob a
// pointer.
const lfsMaxSize = 1024

// IsLFSPointer reports whether data is a Git LFS pointer file ("version
// https://git-lfs.github.com/spec/v1", "oid sha256:...", "size N") rather
// than the content it points to.
func IsLFSPointer(data []byte) bool {
	_, ok := ParseLFSPointer(data)
	return ok
}

// ParseLFSPointer reads a Git LFS pointer. ok is false when data is not one.
func ParseLFSPointer(data []byte) (p LFSPointer, ok bool) {
	if len(data) == 0 || len(data) > lfsMaxSize {
		return p, false
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	first := strings.TrimSpace(lines[0])
	if first != "version https://git-lfs.github.com/spec/v1" && first != "version https://hawser.github.com/spec/v1" {
		return p, false
	}
	p.Size = -1
	var haveOID, haveSize bool
	for _, l := range lines[1:] {
		l = strings.TrimSpace(l)
		k, v, _ := strings.Cut(l, " ")
		switch k {
		case "oid":
			if strings.Contains(v, ":") {
				p.OID, haveOID = v, true
			}
		case "size":
			if n, err := strconv.ParseInt(v, 10, 64); err == nil && n >= 0 {
				p.Size, haveSize = n, true
			}
		}
	}
	return p, haveOID && haveSize
}

// utf16Order tells UTF-16 text without a byte-order mark: 'L' or 'B' when
// at least 3/4 of the first (up to 4 KiB) byte pairs hold one zero byte,
// always on the same side (ASCII text in UTF-16), 0 otherwise. Text in
// UTF-8 has no zero bytes at all.
func utf16Order(data []byte) byte {
	n := min(len(data), 4096) &^ 1
	if n < 4 {
		return 0
	}
	var le, be int
	for i := 0; i < n; i += 2 {
		switch {
		case data[i] != 0 && data[i+1] == 0:
			le++
		case data[i] == 0 && data[i+1] != 0:
			be++
		}
	}
	switch pairs := n / 2; {
	case le*4 >= pairs*3:
		return 'L'
	case be*4 >= pairs*3:
		return 'B'
	}
	return 0
}

// decodeText turns file bytes into text with "\n" line endings: a UTF-8 BOM
// is dropped, UTF-16 (with a BOM) is decoded, invalid UTF-8 is replaced
// with U+FFFD. Problems about the encoding are reported under rule.
func decodeText(data []byte, rule string) (string, []Problem) {
	var probs []Problem
	var s string
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		data = data[3:]
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}), utf16Order(data) != 0:
		be, b := data[0] == 0xFE, data[2:]
		if data[0] != 0xFE && data[0] != 0xFF {
			be, b = utf16Order(data) == 'B', data // no byte-order mark
		}
		u := make([]uint16, 0, len(b)/2)
		for i := 0; i+1 < len(b); i += 2 {
			if be {
				u = append(u, uint16(b[i])<<8|uint16(b[i+1]))
			} else {
				u = append(u, uint16(b[i+1])<<8|uint16(b[i]))
			}
		}
		enc := "UTF-16LE"
		if be {
			enc = "UTF-16BE"
		}
		if len(b) == len(data) {
			enc += " without a byte-order mark"
		}
		probs = append(probs, Problem{Line: 1, Rule: rule, Message: fmt.Sprintf("the file is encoded as %s, not UTF-8; it was decoded, but tools that expect UTF-8 (the Hub, huggingface_hub, transformers) cannot read it", enc)})
		s = string(utf16.Decode(u))
		return normalizeNewlines(s), probs
	}
	if !utf8.Valid(data) {
		off := firstInvalidUTF8(data)
		line := 1 + bytes.Count(data[:off], []byte{'\n'})
		probs = append(probs, Problem{Line: line, Rule: rule, Message: fmt.Sprintf("the file is not valid UTF-8 (first invalid byte 0x%02X at line %d); invalid bytes were replaced and the rest was read", data[off], line)})
		s = strings.ToValidUTF8(string(data), "\uFFFD")
	} else {
		s = string(data)
	}
	return normalizeNewlines(s), probs
}

func firstInvalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return 0
}

// normalizeNewlines turns CRLF and lone CR line breaks into "\n". A lone CR
// counts as a line break, as it does for YAML.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// maxProblemsPerRule caps how many problems of one rule are listed; the
// rest are counted in one closing problem, so a hostile file cannot make
// a report of millions of lines.
const maxProblemsPerRule = 50

// problemList collects problems.
type problemList struct {
	probs []Problem
	// perRule counts problems by rule; firstDropped holds the first
	// problem of each rule over the cap.
	perRule      map[string]int
	firstDropped []Problem
}

func (l *problemList) add(line int, rule, msg string) {
	if line < 1 {
		line = 1
	}
	if l.perRule == nil {
		l.perRule = map[string]int{}
	}
	l.perRule[rule]++
	if n := l.perRule[rule]; n > maxProblemsPerRule {
		if n == maxProblemsPerRule+1 {
			l.firstDropped = append(l.firstDropped, Problem{Line: line, Rule: rule})
		}
		return
	}
	l.probs = append(l.probs, Problem{Line: line, Rule: rule, Message: msg})
}

// sorted returns the problems ordered by line (stable), with one problem
// per capped rule counting the ones left out.
func (l *problemList) sorted() []Problem {
	for _, d := range l.firstDropped {
		d.Message = fmt.Sprintf("%d more %s problems from this line on are not listed", l.perRule[d.Rule]-maxProblemsPerRule, d.Rule)
		l.probs = append(l.probs, d)
	}
	l.firstDropped = nil
	sort.SliceStable(l.probs, func(i, j int) bool { return l.probs[i].Line < l.probs[j].Line })
	return l.probs
}
