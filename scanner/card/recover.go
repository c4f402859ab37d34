package card

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/carveout/carveout/internal/lazy"
)

// keyLineRE matches a top-level "key:" line.
var keyLineRE = lazy.Regexp(`^([A-Za-z0-9_][A-Za-z0-9_.\-]*|"[^"\n]*"|'[^'\n]*')[ \t]*:([ \t]|$)`)

// recover reads what it can of front matter YAML that does not parse. The
// lines are cut into top-level chunks (a "key:" line at column 0 and the
// indented lines that follow it); each chunk is parsed as YAML on its own,
// so one broken value does not hide the others, and a chunk that still
// does not parse is read line by line for the license and base model keys.
// first is the 0-based file index of lines[0]. When markdown is true (an
// unterminated front matter), reading stops at the first fenced code block.
func (p *parser) recover(lines []string, first int, markdown bool) {
	before := len(p.order)
	end := len(lines)
	if markdown {
		for i, l := range lines {
			if t := strings.TrimSpace(l); strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
				end = i
				break
			}
		}
	}
	var starts []int
	for i := 0; i < end; i++ {
		if keyLineRE().MatchString(lines[i]) {
			starts = append(starts, i)
		}
	}
	for j, s := range starts {
		e := end
		if j+1 < len(starts) {
			e = starts[j+1]
		}
		if j < maxYAMLChunks {
			root, err := parseYAML(strings.Join(lines[s:e], "\n"))
			if err == nil && root != nil && root.Kind == yaml.MappingNode {
				p.mapping(root, first+s, 0)
				continue
			}
		}
		p.simple(lines[s:e], first+s)
	}
	if len(p.order) > before {
		p.c.Recovered = true
	}
	p.finish()
}

// maxYAMLChunks bounds how many chunks recover parses as YAML; the rest
// are only read line by line (hostile files can hold millions of keys).
const maxYAMLChunks = 1000

// maxOtherBlocks bounds how many extra front matter blocks are examined.
const maxOtherBlocks = 20

// simpleKeys are the keys the line-by-line reading understands.
var simpleKeys = map[string]bool{
	"license": true, "license_name": true, "license_link": true,
	"base_model": true, "base_model_relation": true,
}

var listItemRE = lazy.Regexp(`^[ \t]*-[ \t]+(.*)$`)

// simple reads one "key: value" chunk without a YAML parser: a plain or
// quoted value, a flow list [a, b], a block list of "- item" lines, or a
// block scalar (| or >) of indented lines. It builds the node a YAML
// parser would have built and hands it to field.
func (p *parser) simple(chunk []string, off int) {
	m := keyLineRE().FindStringSubmatch(chunk[0])
	if m == nil {
		return
	}
	key := unquote(m[1])
	if !simpleKeys[key] {
		return
	}
	val := strings.TrimSpace(chunk[0][len(m[0]):])
	val = stripComment(val)
	n := &yaml.Node{Kind: yaml.ScalarNode, Line: 1, Column: 1}
	switch {
	case strings.HasPrefix(val, "["):
		inner := strings.TrimPrefix(val, "[")
		if i := strings.LastIndex(inner, "]"); i >= 0 {
			inner = inner[:i]
		}
		n.Kind = yaml.SequenceNode
		for _, it := range strings.Split(inner, ",") {
			if it = unquote(strings.TrimSpace(it)); it != "" {
				n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: it, Line: 1})
			}
		}
	case val == "":
		var items []*yaml.Node
		for i, l := range chunk[1:] {
			if im := listItemRE().FindStringSubmatch(l); im != nil {
				if it := unquote(stripComment(strings.TrimSpace(im[1]))); it != "" {
					items = append(items, &yaml.Node{Kind: yaml.ScalarNode, Value: it, Line: i + 2})
				}
			}
		}
		if len(items) > 0 {
			n.Kind, n.Content = yaml.SequenceNode, items
		} else {
			n.Tag = "!!null"
		}
	case strings.HasPrefix(val, "|") || strings.HasPrefix(val, ">"):
		var parts []string
		for _, l := range chunk[1:] {
			if t := strings.TrimSpace(l); t != "" && strings.HasPrefix(l, " ") { // YAML indents with spaces only
				parts = append(parts, t)
			}
		}
		sep := " "
		if strings.HasPrefix(val, "|") {
			sep = "\n"
		}
		n.Value = strings.Join(parts, sep)
		n.Style = yaml.FoldedStyle
	default:
		n.Value = unquote(val)
	}
	p.field(key, off+1, n, off)
}

// stripComment removes a trailing " # comment" from an unquoted value.
func stripComment(s string) string {
	if s == "" || s[0] == '"' || s[0] == '\'' {
		return s
	}
	for i := 1; i < len(s); i++ {
		if s[i] == '#' && (s[i-1] == ' ' || s[i-1] == '\t') {
			return strings.TrimSpace(s[:i])
		}
	}
	return s
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	if len(s) >= 1 && (s[0] == '"' || s[0] == '\'') {
		return strings.TrimSpace(s[1:])
	}
	return s
}

// recoveredSummary describes what recover found, for the problem message.
func (p *parser) recoveredSummary() string {
	c := p.c
	if !c.Recovered {
		return "A line-based reading recovered nothing from it."
	}
	var parts []string
	if len(c.License) > 0 {
		parts = append(parts, "license: "+strings.Join(c.License, ", "))
	}
	if c.LicenseName != "" {
		parts = append(parts, "license_name: "+c.LicenseName)
	}
	if c.LicenseLink != "" {
		parts = append(parts, "license_link: "+c.LicenseLink)
	}
	if len(c.BaseModel) > 0 {
		parts = append(parts, "base_model: "+strings.Join(c.BaseModel, ", "))
	}
	if len(parts) == 0 {
		return fmt.Sprintf("A line-based reading recovered %d key(s), but no license or base model.", len(p.order))
	}
	return "A line-based reading recovered " + strings.Join(parts, "; ") + " (values marked as recovered)."
}

// blockKeyRE matches a line that starts a well-known card key.
var blockKeyRE = lazy.Regexp(`^(license|license_name|license_link|base_model|base_model_relation|tags|language|datasets|library_name|pipeline_tag|model-index|extra_gated_prompt|inference|widget)[ \t]*:`)

// maxBlockLines bounds how far a "---" line is paired with a closing one.
const maxBlockLines = 1000

// scanBlocks looks, from line index from on, for YAML blocks delimited by
// "---" lines that hold model card keys (outside fenced code). The Hub
// reads none of them. It returns how many it found.
func (p *parser) scanBlocks(from int, hasFirst bool) int {
	lines := p.lines
	found := 0
	inFence := false
	for i := from; i < len(lines) && found < maxOtherBlocks; i++ {
		t := strings.TrimSpace(lines[i])
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
			continue
		}
		if inFence || strings.TrimRight(lines[i], " \t") != "---" {
			continue
		}
		j := -1
		known := false
		for k := i + 1; k < len(lines) && k <= i+maxBlockLines; k++ {
			tk := strings.TrimRight(lines[k], " \t")
			if tk == "---" || tk == "..." {
				j = k
				break
			}
			if strings.HasPrefix(strings.TrimSpace(tk), "```") {
				break
			}
			if !known && blockKeyRE().MatchString(tk) {
				known = true
			}
		}
		if j < 0 || !known {
			continue
		}
		root, err := parseYAML(strings.Join(lines[i+1:j], "\n"))
		if err != nil || root == nil || root.Kind != yaml.MappingNode {
			continue
		}
		sub := &parser{c: &Card{KeyLines: map[string]int{}}, lines: lines, limit: j + 1}
		sub.mapping(root, i+1, 0)
		b := FrontMatterBlock{Lines: LineRange{Start: i + 1, End: j + 1}, License: sub.c.License, LicenseName: sub.c.LicenseName, BaseModel: sub.c.BaseModel}
		p.c.OtherFrontMatter = append(p.c.OtherFrontMatter, b)
		found++
		what := describeBlock(b)
		r, msg := RuleMisplacedFrontMatter, fmt.Sprintf("a front matter block (lines %d-%d) is not at the top of the file; the Hub does not read it, so what it declares%s is ignored", i+1, j+1, what)
		if hasFirst {
			r, msg = RuleDuplicateFrontMatter, fmt.Sprintf("a second front matter block (lines %d-%d) follows the first; the Hub reads only the first, so what this one declares%s is ignored", i+1, j+1, what)
		}
		if hasFirst && (len(b.License) > 0 || b.LicenseName != "") {
			// A license the Hub ignores may still be the one that applies.
			r, msg = RuleMalformed, msg+"; it declares a license, which may be the one that applies: move it into the first block"
		}
		p.add(i+1, r, msg)
		i = j
		if found == maxOtherBlocks && j+1 < len(lines) {
			p.add(j+2, rule(hasFirst), fmt.Sprintf("after %d extra front matter blocks, the rest of the file (from line %d) was not searched for more", found, j+2))
		}
	}
	return found
}

func rule(hasFirst bool) string {
	if hasFirst {
		return RuleDuplicateFrontMatter
	}
	return RuleMisplacedFrontMatter
}

func describeBlock(b FrontMatterBlock) string {
	var parts []string
	if len(b.License) > 0 {
		parts = append(parts, "license: "+strings.Join(b.License, ", "))
	}
	if b.LicenseName != "" {
		parts = append(parts, "license_name: "+b.LicenseName)
	}
	if len(b.BaseModel) > 0 {
		parts = append(parts, "base_model: "+strings.Join(b.BaseModel, ", "))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}
