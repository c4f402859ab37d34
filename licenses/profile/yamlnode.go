package profile

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/carveout/carveout/internal/lazy"
)

// Error is one problem in a profile, policy or rates file, with the line it
// is on (0 when the problem is not on one line).
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Msg)
}

// errs collects the problems of one file.
type errs struct {
	file  string
	items []error
}

func (e *errs) add(n *yaml.Node, format string, args ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	e.items = append(e.items, &Error{File: e.file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

func (e *errs) err() error { return errors.Join(e.items...) }

var yamlLineRE = lazy.Regexp(`^yaml: (?:line (\d+): )?`)

// parseDoc parses data as one YAML document and returns its top node (nil
// for an empty document).
func parseDoc(file string, data []byte) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		msg := err.Error()
		line := 0
		if m := yamlLineRE().FindStringSubmatch(msg); m != nil {
			if m[1] != "" {
				line, _ = strconv.Atoi(m[1])
			}
			msg = msg[len(m[0]):]
		}
		return nil, &Error{File: file, Line: line, Msg: "invalid YAML: " + msg}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, nil
	}
	return deref(doc.Content[0]), nil
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// isNull reports whether n is absent or an explicit null ("", "~", "null").
func isNull(n *yaml.Node) bool {
	n = deref(n)
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == "!!null")
}

// entry is one key of a mapping.
type entry struct {
	key   *yaml.Node
	value *yaml.Node
}

// mapping returns the entries of a mapping node, reporting unknown and
// duplicate keys. what names the mapping in messages ("profile").
func (e *errs) mapping(n *yaml.Node, what string, known []string) map[string]entry {
	n = deref(n)
	out := map[string]entry{}
	if n == nil || isNull(n) {
		return out
	}
	if n.Kind != yaml.MappingNode {
		e.add(n, "%s must be a mapping of keys to values", what)
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := deref(n.Content[i]), deref(n.Content[i+1])
		if k == nil || k.Kind != yaml.ScalarNode {
			e.add(n.Content[i], "%s: keys must be plain names", what)
			continue
		}
		if !contains(known, k.Value) {
			e.add(k, "unknown key %q%s", k.Value, suggest(k.Value, known))
			continue
		}
		if _, dup := out[k.Value]; dup {
			e.add(k, "duplicate key %q", k.Value)
			continue
		}
		out[k.Value] = entry{key: k, value: v}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggest returns ` (did you mean "x"?)` for the closest known key.
func suggest(s string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := editDistance(strings.ToLower(s), k); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return " (known keys: " + strings.Join(known, ", ") + ")"
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		return 99
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := prev[j-1]
			if a[i-1] != b[j-1] {
				c++
			}
			cur[j] = min(c, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// str reads a scalar as a string; ok is false when it is missing or null.
func (e *errs) str(n *yaml.Node, what string) (string, bool) {
	n = deref(n)
	if isNull(n) {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		e.add(n, "%s must be a single value", what)
		return "", false
	}
	return strings.TrimSpace(n.Value), true
}

// list reads a sequence of scalars (a single scalar is a list of one); ok is
// false when it is missing or null.
func (e *errs) list(n *yaml.Node, what string) ([]*yaml.Node, bool) {
	n = deref(n)
	if isNull(n) {
		return nil, false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return []*yaml.Node{n}, true
	case yaml.SequenceNode:
		out := make([]*yaml.Node, 0, len(n.Content))
		for _, c := range n.Content {
			c = deref(c)
			if c == nil || c.Kind != yaml.ScalarNode || isNull(c) {
				e.add(c, "%s: each item must be a single value", what)
				continue
			}
			out = append(out, c)
		}
		return out, true
	}
	e.add(n, "%s must be a list", what)
	return nil, false
}

// number reads a non-negative finite number. Underscores and commas as
// thousands separators are allowed ("820_000_000", "820,000,000").
func (e *errs) number(n *yaml.Node, what string) (float64, bool) {
	s, ok := e.str(n, what)
	if !ok {
		return 0, false
	}
	clean := strings.NewReplacer("_", "", ",", "").Replace(s)
	f, err := strconv.ParseFloat(clean, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		e.add(n, "%s must be a number, not %q", what, s)
		return 0, false
	}
	if f < 0 {
		e.add(n, "%s must not be negative (%s)", what, s)
		return 0, false
	}
	return f, true
}

// count reads a non-negative whole number.
func (e *errs) count(n *yaml.Node, what string) (int64, bool) {
	f, ok := e.number(n, what)
	if !ok {
		return 0, false
	}
	if f != math.Trunc(f) || f > 1e18 {
		e.add(n, "%s must be a whole number below 10^18, not %s", what, deref(n).Value)
		return 0, false
	}
	return int64(f), true
}

func (e *errs) boolean(n *yaml.Node, what string) (bool, bool) {
	s, ok := e.str(n, what)
	if !ok {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	e.add(n, "%s must be true or false, not %q", what, s)
	return false, false
}

// history parses a mapping of dates (YYYY-MM-DD) to counts.
func (e *errs) history(n *yaml.Node, what string) map[string]int64 {
	n = deref(n)
	if n.Kind != yaml.MappingNode {
		e.add(n, "%s must be a mapping of dates (YYYY-MM-DD) to counts", what)
		return nil
	}
	out := map[string]int64{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := deref(n.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			e.add(n.Content[i], "%s: keys must be dates (YYYY-MM-DD)", what)
			continue
		}
		if _, err := time.Parse("2006-01-02", k.Value); err != nil {
			e.add(k, "%s: %q is not a date (YYYY-MM-DD)", what, k.Value)
			continue
		}
		if _, dup := out[k.Value]; dup {
			e.add(k, "%s: duplicate date %q", what, k.Value)
			continue
		}
		if v, ok := e.count(n.Content[i+1], what+"."+k.Value); ok {
			out[k.Value] = v
		}
	}
	return out
}
