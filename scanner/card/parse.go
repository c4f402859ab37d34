package card

import (
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/carveout/carveout/internal/lazy"
)

// Parse reads a model card. path is only recorded (and used in nothing but
// Card.Path); data is the whole file. Parse never panics and always returns
// a non-nil Card, holding whatever could be read; everything that could not
// be read, or that the Hub would read differently, is a Problem.
//
// The front matter is found as huggingface_hub finds it: blank lines may
// precede the opening "---", the first later line that is "---" closes it.
// carveout also accepts a UTF-8 BOM, CRLF or CR line endings, trailing
// spaces after either delimiter and a closing "..." (the YAML document end
// marker).
func Parse(path string, data []byte) (c *Card, probs []Problem) {
	c = &Card{Path: path, KeyLines: map[string]int{}}
	p := &parser{c: c}
	defer func() {
		if r := recover(); r != nil {
			p.add(1, RuleMalformed, fmt.Sprintf("internal error while reading the card (%v); its metadata may be incomplete", r))
		}
		probs = p.sorted()
	}()
	p.parse(data)
	return c, nil
}

type keyPos struct {
	key  string
	line int
}

type parser struct {
	problemList
	c     *Card
	lines []string
	// order lists the top-level keys read, in file order.
	order []keyPos
	// limit is the file line just past the front matter region (the
	// closing delimiter), for value line ranges.
	limit int
	// onlyKnown restricts recovery to well-known card keys.
	onlyKnown bool
	// promptStart is the first file line of extra_gated_prompt's value.
	promptStart int
	// values and mergedKeys hold, per key read, its last value and
	// whether a merge key brought it in.
	values     map[string]*yaml.Node
	mergedKeys map[string]bool
}

// sameValue reports whether two values are the same scalar or list of
// scalars.
func sameValue(a, b *yaml.Node) bool {
	return describeValue(a) == describeValue(b)
}

// describeValue writes a scalar or a list of scalars as text.
func describeValue(n *yaml.Node) string {
	n = resolve(n)
	switch {
	case n == nil:
		return ""
	case n.Kind == yaml.ScalarNode:
		return strings.TrimSpace(n.Value)
	case n.Kind == yaml.SequenceNode:
		var items []string
		for _, it := range n.Content {
			items = append(items, describeValue(it))
		}
		return "[" + strings.Join(items, ", ") + "]"
	}
	return kindName(n)
}

func (p *parser) parse(data []byte) {
	c := p.c
	if len(data) == 0 {
		p.add(1, RuleEmpty, "the file is empty; the card declares no license or base model")
		return
	}
	if ptr, ok := ParseLFSPointer(data); ok {
		c.LFS = &ptr
		size := "unknown size"
		if ptr.Size >= 0 {
			size = strconv.FormatInt(ptr.Size, 10) + " bytes"
		}
		p.add(1, RuleLFSPointer, fmt.Sprintf("the file is a Git LFS pointer (oid %s, %s): the card text is not in the repository, only an LFS pointer, so its license and base model metadata could not be read", ptr.OID, size))
		return
	}
	text, encProbs := decodeText(data, RuleNotUTF8)
	for _, ep := range encProbs {
		p.add(ep.Line, ep.Rule, ep.Message)
	}
	if strings.TrimSpace(text) == "" {
		p.add(1, RuleEmpty, "the file holds only whitespace; the card declares no license or base model")
		return
	}
	if strings.Contains(text, "\x00") {
		// UTF-32, or binary: whatever it declares cannot be read reliably.
		p.add(1, RuleMalformed, "the file holds NUL bytes (UTF-32 text, or binary data), so it cannot be read as the Hub reads a card; license metadata in it may be missed")
	}
	lines := strings.Split(text, "\n")
	p.lines = lines

	open := -1
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if t == "---" {
			open = i
		}
		break
	}
	if open < 0 {
		c.Body, c.BodyStartLine = text, 1
		if n := p.scanBlocks(0, false); n == 0 {
			p.add(1, RuleNoFrontMatter, "the card has no YAML front matter (a --- block at the top), so it declares no license or base model to the Hub")
		}
		return
	}
	closing := -1
	for i := open + 1; i < len(lines); i++ {
		if t := strings.TrimRight(lines[i], " \t"); t == "---" || t == "..." {
			closing = i
			break
		}
	}
	if closing < 0 {
		// Like the Hub: no metadata, the whole file is markdown.
		c.Body, c.BodyStartLine = text, 1
		p.onlyKnown = true
		p.limit = len(lines) + 1
		p.recover(lines[open+1:], open+1, true)
		p.add(open+1, RuleMalformed, fmt.Sprintf("the front matter opened with \"---\" at line %d is never closed (no closing \"---\" line follows), so the Hub reads no metadata from this card. %s", open+1, p.recoveredSummary()))
		return
	}

	c.HasFrontMatter = true
	c.FrontMatterLines = LineRange{Start: open + 1, End: closing + 1}
	fm := lines[open+1 : closing]
	c.FrontMatter = strings.Join(fm, "\n")
	if closing+1 < len(lines) {
		c.Body = strings.Join(lines[closing+1:], "\n")
		if c.Body != "" {
			c.BodyStartLine = closing + 2
		}
	}
	p.limit = closing + 1
	p.frontMatter(fm, open+1)
	p.scanBlocks(closing+1, true)
}

// frontMatter reads the YAML between the delimiters. off is the number of
// file lines before the first YAML line.
func (p *parser) frontMatter(fm []string, off int) {
	c := p.c
	root, err := parseYAML(strings.Join(fm, "\n"))
	if err != nil {
		yl, msg := yamlErrorLine(err)
		line := c.FrontMatterLines.Start
		if yl > 0 {
			line = yl + off
		}
		if line > c.FrontMatterLines.End {
			line = c.FrontMatterLines.End
		}
		p.recover(fm, off, false)
		p.add(line, RuleMalformed, fmt.Sprintf("the front matter (lines %d-%d) is not valid YAML (%s), so the Hub reads no metadata from this card. %s", c.FrontMatterLines.Start, c.FrontMatterLines.End, msg, p.recoveredSummary()))
		return
	}
	if root == nil || isNull(root) {
		return // empty front matter: valid, declares nothing
	}
	if root.Kind != yaml.MappingNode {
		p.recover(fm, off, false)
		p.add(c.FrontMatterLines.Start, RuleMalformed, fmt.Sprintf("the front matter (lines %d-%d) is %s, not a mapping of keys, so the Hub reads no metadata from this card. %s", c.FrontMatterLines.Start, c.FrontMatterLines.End, kindName(root), p.recoveredSummary()))
		return
	}
	p.mapping(root, off, 0)
	p.finish()
}

// parseYAML parses one YAML document into a node tree. It returns nil, nil
// for an empty document; a parser panic becomes an error.
func parseYAML(s string) (n *yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = nil, fmt.Errorf("yaml: the YAML parser failed: %v", r)
		}
	}()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, nil
	}
	return resolve(doc.Content[0]), nil
}

var yamlLineRE = lazy.Regexp(`^yaml: (?:unmarshal errors:\s*)?line (\d+): (.*)$`)

// yamlErrorLine splits a yaml error into its (YAML-relative) line and the
// message without the "yaml:" prefix. line is 0 when the error has none.
func yamlErrorLine(err error) (int, string) {
	s := err.Error()
	if m := yamlLineRE().FindStringSubmatch(s); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n, "line " + m[1] + " of the YAML: " + m[2]
	}
	return 0, strings.TrimPrefix(s, "yaml: ")
}

// resolve follows alias nodes (a bounded number of times).
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 8; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && (n.Tag == "!!null" || strings.TrimSpace(n.Value) == ""))
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return "null"
		}
		return "a single value (" + strconv.Quote(clip(n.Value, 40)) + ")"
	case yaml.AliasNode:
		return "an unresolvable alias"
	}
	return "not YAML data"
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// knownKeys are keys of the Hub's model card metadata; when the front
// matter is not even delimited, only these are recovered.
var knownKeys = map[string]bool{
	"license": true, "license_name": true, "license_link": true,
	"base_model": true, "base_model_relation": true, "tags": true,
	"language": true, "datasets": true, "metrics": true, "library_name": true,
	"pipeline_tag": true, "model_name": true, "model_creator": true,
	"model_type": true, "quantized_by": true, "model-index": true,
	"inference": true, "widget": true, "thumbnail": true, "gated": true,
	"extra_gated_prompt": true, "extra_gated_fields": true,
	"extra_gated_heading": true, "extra_gated_description": true,
	"extra_gated_button_content": true, "extra_gated_eu_disallowed": true,
	"new_version": true, "pinned": true,
}

// mapping reads the top-level keys of a front matter mapping. off is added
// to node lines to make file lines.
func (p *parser) mapping(m *yaml.Node, off, depth int) {
	pairs, err := flattenMerges(m, 0, new(int))
	if err != "" {
		p.add(m.Line+off, RuleMalformed, err+", so the Hub reads no metadata from this card; carveout read the keys anyway")
	}
	for _, kv := range pairs {
		k, v := kv.k, kv.v
		if k == nil || k.Kind != yaml.ScalarNode {
			if k != nil {
				p.add(k.Line+off, RuleWrongType, fmt.Sprintf("a front matter key is %s, not a plain name; it was skipped", kindName(k)))
			}
			continue
		}
		if p.onlyKnown && !knownKeys[k.Value] {
			continue
		}
		p.fieldFrom(k.Value, k.Line+off, v, off, kv.merged)
	}
}

// pair is one key and value of a mapping, after merge keys are flattened;
// merged is true for the pairs a merge key brought in.
type pair struct {
	k, v   *yaml.Node
	merged bool
}

// Limits on merge keys: nesting and the pairs they may bring in (aliases
// make a small file expand exponentially).
const (
	maxMergeDepth = 16
	maxMergePairs = 10000
)

// flattenMerges returns the pairs of mapping m as PyYAML's SafeLoader
// (which the Hub uses) builds them: the pairs of every merge key ("<<: *a"
// or "<<: [*a, *b]") come first, flattened recursively (nested merges
// included; of a list, the first mapping wins), then m's own pairs, so an
// explicit key always overrides a merged one wherever the merge key
// stands, and of two pairs with one key the later wins. err is not empty
// when PyYAML would refuse the mapping (a merge value that is not a
// mapping or a list of mappings) or a limit was hit.
func flattenMerges(m *yaml.Node, depth int, total *int) (out []pair, err string) {
	var merged []pair
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := resolve(m.Content[i]), m.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode || k.Tag != "!!merge" {
			out = append(out, pair{k: k, v: v})
			continue
		}
		if depth >= maxMergeDepth {
			return append(merged, out...), fmt.Sprintf("merge keys (<<) nested deeper than %d", maxMergeDepth)
		}
		mv := resolve(v)
		var subs []*yaml.Node
		switch {
		case mv != nil && mv.Kind == yaml.MappingNode:
			subs = []*yaml.Node{mv}
		case mv != nil && mv.Kind == yaml.SequenceNode:
			for j := len(mv.Content) - 1; j >= 0; j-- { // PyYAML reverses the list
				it := resolve(mv.Content[j])
				if it == nil || it.Kind != yaml.MappingNode {
					err = fmt.Sprintf("line %d: a merge key (<<) lists something that is not a mapping", k.Line)
					continue
				}
				subs = append(subs, it)
			}
		default:
			err = fmt.Sprintf("line %d: a merge key (<<) whose value is not a mapping", k.Line)
		}
		for _, sub := range subs {
			ps, e := flattenMerges(sub, depth+1, total)
			if e != "" && err == "" {
				err = e
			}
			*total += len(ps)
			if *total > maxMergePairs {
				return append(merged, out...), fmt.Sprintf("merge keys (<<) bring in more than %d keys", maxMergePairs)
			}
			for _, p := range ps {
				p.merged = true
				merged = append(merged, p)
			}
		}
	}
	return append(merged, out...), err
}

func (p *parser) field(key string, line int, v *yaml.Node, off int) {
	p.fieldFrom(key, line, v, off, false)
}

// licenseKeys are the keys whose value names the license: one shadowed by
// a later duplicate may be the license that really applies.
var licenseKeys = map[string]bool{"license": true, "license_name": true, "license_link": true}

// fieldFrom reads one key; merged is true when a merge key brought it in
// (a later explicit key then overrides it without being a duplicate).
func (p *parser) fieldFrom(key string, line int, v *yaml.Node, off int, merged bool) {
	c := p.c
	if prev, dup := c.KeyLines[key]; dup && prev != line {
		switch {
		case p.mergedKeys[key] || merged:
			// Merged keys give way as PyYAML's rule says.
		case licenseKeys[key] && !sameValue(p.values[key], v):
			p.add(line, RuleMalformed, fmt.Sprintf("key %q is given twice with different values (lines %d and %d); the Hub uses the later one, but the earlier one (%s) may be the license that applies: keep one", key, prev, line, clip(describeValue(p.values[key]), 80)))
		default:
			p.add(line, RuleDuplicateKey, fmt.Sprintf("key %q is given twice (lines %d and %d); the later value is used, as PyYAML does, but strict YAML parsers reject the card", key, prev, line))
		}
	}
	c.KeyLines[key] = line
	if p.values == nil {
		p.values, p.mergedKeys = map[string]*yaml.Node{}, map[string]bool{}
	}
	p.values[key] = resolve(v)
	p.mergedKeys[key] = merged
	p.order = append(p.order, keyPos{key: key, line: line})
	v = resolve(v)
	if v == nil {
		return
	}
	switch key {
	case "license":
		c.License, c.LicenseList = p.list(key, line, v, off, true)
		c.License = p.capList(key, line, c.License)
	case "license_name":
		c.LicenseName = p.str(key, line, v, true)
	case "license_link":
		c.LicenseLink = p.str(key, line, v, true)
	case "base_model":
		vals, _ := p.list(key, line, v, off, true)
		vals = p.capList(key, line, vals)
		c.BaseModel = nil
		for _, s := range vals {
			c.BaseModel = append(c.BaseModel, NormalizeModelID(s))
		}
	case "base_model_relation":
		c.BaseModelRelation = p.str(key, line, v, false)
	case "tags":
		c.Tags, _ = p.list(key, line, v, off, false)
	case "datasets":
		vals, _ := p.list(key, line, v, off, false)
		c.Datasets = nil
		for _, s := range p.capList(key, line, vals) {
			s = strings.TrimSpace(s)
			for _, pre := range []string{"https://huggingface.co/datasets/", "http://huggingface.co/datasets/", "hf://datasets/"} {
				s = strings.TrimPrefix(s, pre)
			}
			if s = strings.Trim(s, "/"); s != "" {
				c.Datasets = append(c.Datasets, s)
			}
		}
	case "extra_gated_prompt":
		c.ExtraGatedPrompt = p.str(key, line, v, false)
		if v.Kind == yaml.ScalarNode && c.ExtraGatedPrompt != "" {
			c.ExtraGatedPrompt = v.Value // as written, not trimmed
		}
		start := v.Line + off
		if v.Kind == yaml.ScalarNode && v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 {
			start++
		}
		if start < line {
			start = line
		}
		p.promptStart = start
		c.ExtraGatedPromptLines = LineRange{}
		c.ExtraGatedPromptLine = 0
		if c.ExtraGatedPrompt != "" {
			c.ExtraGatedPromptLines = LineRange{Start: start, End: start}
			c.ExtraGatedPromptLine = start
		}
	case "extra_gated_eu_disallowed":
		c.ExtraGatedEUDisallowed = p.boolean(key, line, v)
	case "model_name":
		c.ModelName = p.str(key, line, v, false)
	case "model-index":
		if !c.Has("model_name") {
			if v.Kind == yaml.SequenceNode && len(v.Content) > 0 {
				if e := resolve(v.Content[0]); e != nil && e.Kind == yaml.MappingNode {
					for j := 0; j+1 < len(e.Content); j += 2 {
						if kk := resolve(e.Content[j]); kk != nil && kk.Value == "name" {
							if vv := resolve(e.Content[j+1]); vv != nil && vv.Kind == yaml.ScalarNode && !isNull(vv) {
								c.ModelName = strings.TrimSpace(vv.Value)
							}
						}
					}
				}
			}
		}
	case "model_creator":
		c.ModelCreator = p.str(key, line, v, false)
	case "quantized_by":
		c.QuantizedBy = p.str(key, line, v, false)
	case "pipeline_tag":
		c.PipelineTag = p.str(key, line, v, false)
	case "library_name":
		c.LibraryName = p.str(key, line, v, false)
	}
}

// finish computes value line ranges once every key line is known.
func (p *parser) finish() {
	c := p.c
	if c.ExtraGatedPrompt == "" || p.promptStart == 0 {
		return
	}
	end := p.limit - 1
	for _, k := range p.order {
		if k.line > c.Line("extra_gated_prompt") && k.line <= end && k.line >= p.promptStart {
			end = k.line - 1
		}
	}
	for end > p.promptStart && end-1 < len(p.lines) {
		t := strings.TrimSpace(p.lines[end-1])
		if t != "" && !strings.HasPrefix(p.lines[end-1], "#") {
			break
		}
		end--
	}
	if end < p.promptStart {
		end = p.promptStart
	}
	c.ExtraGatedPromptLines = LineRange{Start: p.promptStart, End: end}
	c.ExtraGatedPromptLine = p.promptStart
}

// MaxListItems bounds the license ids and base models read from a card:
// real cards list a handful; the rest of a longer list is not read, and a
// problem (an error: what was not read may apply) says so.
const MaxListItems = 256

// capList cuts vals to MaxListItems, saying so.
func (p *parser) capList(key string, line int, vals []string) []string {
	if len(vals) <= MaxListItems {
		return vals
	}
	p.add(line, RuleMalformed, fmt.Sprintf("%s lists %d values; only the first %d were read, and the others (which may apply) were not", key, len(vals), MaxListItems))
	return vals[:MaxListItems]
}

// list reads a string or a list of strings.
func (p *parser) list(key string, line int, v *yaml.Node, off int, reportEmpty bool) ([]string, bool) {
	switch v.Kind {
	case yaml.ScalarNode:
		if isNull(v) {
			if reportEmpty {
				p.add(line, RuleWrongType, fmt.Sprintf("%s is empty; it declares nothing", key))
			}
			return nil, false
		}
		return []string{strings.TrimSpace(v.Value)}, false
	case yaml.SequenceNode:
		var out []string
		for _, it := range v.Content {
			it = resolve(it)
			if it == nil {
				continue
			}
			il := it.Line + off
			switch {
			case it.Kind == yaml.ScalarNode && !isNull(it):
				out = append(out, strings.TrimSpace(it.Value))
			case it.Kind == yaml.ScalarNode:
				if reportEmpty {
					p.add(il, RuleWrongType, fmt.Sprintf("%s has an empty item; it was skipped", key))
				}
			default:
				p.add(il, RuleWrongType, fmt.Sprintf("an item of %s is %s, not a string; it was skipped", key, kindName(it)))
			}
		}
		if len(out) == 0 && reportEmpty && len(v.Content) == 0 {
			p.add(line, RuleWrongType, fmt.Sprintf("%s is an empty list; it declares nothing", key))
		}
		return out, true
	default:
		p.add(line, RuleWrongType, fmt.Sprintf("%s is %s%s, not a string or a list of strings; its value was not read", key, kindName(v), mappingKeys(v)))
		return nil, false
	}
}

// str reads a single string. A list of strings yields its first item.
func (p *parser) str(key string, line int, v *yaml.Node, reportEmpty bool) string {
	switch v.Kind {
	case yaml.ScalarNode:
		if isNull(v) {
			if reportEmpty {
				p.add(line, RuleWrongType, fmt.Sprintf("%s is empty", key))
			}
			return ""
		}
		return strings.TrimSpace(v.Value)
	case yaml.SequenceNode:
		var items []string
		for _, it := range v.Content {
			if it = resolve(it); it != nil && it.Kind == yaml.ScalarNode && !isNull(it) {
				items = append(items, strings.TrimSpace(it.Value))
			}
		}
		if len(items) == 0 {
			p.add(line, RuleWrongType, fmt.Sprintf("%s is a list without string items, expected a single string; its value was not read", key))
			return ""
		}
		p.add(line, RuleWrongType, fmt.Sprintf("%s is a list (%s), expected a single string; the first item %q is used", key, strings.Join(items, ", "), items[0]))
		return items[0]
	default:
		p.add(line, RuleWrongType, fmt.Sprintf("%s is %s%s, expected a single string; its value was not read", key, kindName(v), mappingKeys(v)))
		return ""
	}
}

func (p *parser) boolean(key string, line int, v *yaml.Node) bool {
	if v.Kind == yaml.ScalarNode {
		switch strings.ToLower(strings.TrimSpace(v.Value)) {
		case "true", "yes", "on":
			return true
		case "false", "no", "off", "", "null", "~":
			return false
		}
	}
	desc := kindName(v)
	p.add(line, RuleWrongType, fmt.Sprintf("%s is %s, expected true or false; it was read as false", key, desc))
	return false
}

func mappingKeys(v *yaml.Node) string {
	if v.Kind != yaml.MappingNode {
		return ""
	}
	var ks []string
	for i := 0; i+1 < len(v.Content) && len(ks) < 5; i += 2 {
		if k := resolve(v.Content[i]); k != nil && k.Kind == yaml.ScalarNode {
			ks = append(ks, clip(k.Value, 30))
		}
	}
	if len(ks) == 0 {
		return ""
	}
	return " with keys " + strings.Join(ks, ", ")
}
