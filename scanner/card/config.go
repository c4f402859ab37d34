package card

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/carveout/carveout/internal/lazy"
)

// Problem rules of config files (config.json, adapter_config.json).
const (
	// RuleMalformedConfig: the file is not a JSON object that Python's json
	// module reads (syntax error, truncated, empty, BOM, not an object).
	RuleMalformedConfig = "malformed-config"
	// RuleConfigLFSPointer: the file is a Git LFS pointer.
	RuleConfigLFSPointer = "config-lfs-pointer"
	// RuleConfigNotUTF8: the file is not valid UTF-8.
	RuleConfigNotUTF8 = "config-not-utf8"
	// RuleConfigWrongType: a known key has a value of the wrong type.
	RuleConfigWrongType = "config-wrong-type"
	// RuleConfigDuplicateKey: a top-level key is given twice; the later
	// value is used, as Python's json module does.
	RuleConfigDuplicateKey = "config-duplicate-key"
)

// ConfigValue is a license-like value found in a config file.
type ConfigValue struct {
	// Key is the dotted path of the key ("license", "text_config.license").
	Key   string
	Value string
	Line  int
}

// Config is what a transformers config.json or a PEFT adapter_config.json
// says about a model's identity and origin.
type Config struct {
	// Path is the path given to ParseConfig.
	Path string
	// BaseModelNameOrPath is the base model of a PEFT adapter, as written.
	BaseModelNameOrPath string
	// NameOrPath is transformers' _name_or_path: where the model was loaded
	// from when it was saved (often a local path; not a license claim).
	NameOrPath    string
	ModelType     string
	Architectures []string
	PeftType      string
	TaskType      string
	// Licenses are the values of every key whose name contains "license"
	// (or "licence"), at any depth, in file order.
	Licenses []ConfigValue
	// KeyLines maps every top-level key to its 1-based file line.
	KeyLines map[string]int
	// LFS is set when the file is a Git LFS pointer.
	LFS *LFSPointer
}

// Line returns the 1-based file line of a top-level key, or 0.
func (c *Config) Line(key string) int {
	if c == nil {
		return 0
	}
	return c.KeyLines[key]
}

// IsAdapter reports whether the file describes a PEFT adapter.
func (c *Config) IsAdapter() bool {
	return c != nil && (c.PeftType != "" || c.BaseModelNameOrPath != "")
}

// BaseModel returns base_model_name_or_path as a Hub model id (URLs
// normalized), or "" when it is absent or a local path.
func (c *Config) BaseModel() string {
	if c == nil || IsLocalPath(c.BaseModelNameOrPath) {
		return ""
	}
	return NormalizeModelID(c.BaseModelNameOrPath)
}

var windowsPathRE = lazy.Regexp(`^[A-Za-z]:[\\/]`)

// IsLocalPath reports whether a *_name_or_path value is a file system path
// rather than a Hub id: absolute, relative with ./ or ../ or ~, Windows
// paths, or more than one "/" (Hub ids are org/name). Empty is local too.
func IsLocalPath(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" {
		return true
	}
	low := strings.ToLower(s)
	if strings.HasPrefix(low, "https://") || strings.HasPrefix(low, "http://") || strings.HasPrefix(low, "huggingface.co/") || strings.HasPrefix(low, "hf.co/") {
		return false
	}
	return strings.HasPrefix(s, "/") || strings.HasPrefix(s, ".") || strings.HasPrefix(s, "~") ||
		strings.Contains(s, "\\") || windowsPathRE().MatchString(s) || strings.Count(s, "/") > 1
}

// configStrings are the top-level keys read as single strings.
var configStrings = map[string]bool{
	"base_model_name_or_path": true, "_name_or_path": true, "model_type": true,
	"peft_type": true, "task_type": true,
}

func isLicenseKey(k string) bool {
	k = strings.ToLower(k)
	return strings.Contains(k, "license") || strings.Contains(k, "licence")
}

// ParseConfig reads a config.json or adapter_config.json. It never panics
// and always returns a non-nil Config with what could be read (everything
// before a syntax error); what could not be read is a Problem.
func ParseConfig(path string, data []byte) (cfg *Config, probs []Problem) {
	cfg = &Config{Path: path, KeyLines: map[string]int{}}
	cp := &configParser{cfg: cfg}
	defer func() {
		if r := recover(); r != nil {
			cp.add(1, RuleMalformedConfig, fmt.Sprintf("internal error while reading the file (%v); its values may be incomplete", r))
		}
		probs = cp.sorted()
	}()
	cp.parse(data)
	return cfg, nil
}

type configParser struct {
	problemList
	cfg *Config
	src []byte
}

// pos turns a byte offset into a 1-based line and column (in runes).
func (cp *configParser) pos(off int64) (int, int) {
	if off < 0 {
		off = 0
	}
	if off > int64(len(cp.src)) {
		off = int64(len(cp.src))
	}
	b := cp.src[:off]
	line := 1 + bytes.Count(b, []byte{'\n'})
	nl := bytes.LastIndexByte(b, '\n')
	return line, 1 + utf8.RuneCount(b[nl+1:])
}

func (cp *configParser) line(off int64) int {
	l, _ := cp.pos(off)
	return l
}

type jframe struct {
	obj       bool
	expectKey bool
	key       string
	keyLine   int
	path      string
	lic       bool
}

func (cp *configParser) parse(data []byte) {
	cfg := cp.cfg
	if len(bytes.TrimSpace(data)) == 0 {
		cp.add(1, RuleMalformedConfig, "the file is empty; it is not a JSON object")
		return
	}
	if ptr, ok := ParseLFSPointer(data); ok {
		cfg.LFS = &ptr
		cp.add(1, RuleConfigLFSPointer, fmt.Sprintf("the file is a Git LFS pointer (oid %s, %d bytes), not the JSON itself; its values could not be read", ptr.OID, ptr.Size))
		return
	}
	if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) {
		cp.add(1, RuleMalformedConfig, "the file starts with a UTF-8 byte order mark, which Python's json module (and so transformers and peft) rejects; it was read anyway")
	}
	text, encProbs := decodeText(data, RuleConfigNotUTF8)
	for _, ep := range encProbs {
		cp.add(ep.Line, ep.Rule, ep.Message)
	}
	cp.src = replaceNonFinite([]byte(text))

	dec := json.NewDecoder(bytes.NewReader(cp.src))
	dec.UseNumber()
	var stack []jframe
	done := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			if len(stack) > 0 {
				cp.add(cp.line(int64(len(cp.src))), RuleMalformedConfig, "the JSON ends before its last object or list is closed (truncated file?); values before that point were read")
			}
			return
		}
		if err != nil {
			cp.syntax(err, dec.InputOffset())
			return
		}
		if done {
			l, col := cp.pos(dec.InputOffset())
			cp.add(l, RuleMalformedConfig, fmt.Sprintf("extra data after the JSON object at line %d, column %d; Python's json module rejects the file", l, col))
			return
		}
		off := dec.InputOffset()
		if len(stack) == 0 {
			if d, ok := tok.(json.Delim); !ok || d != '{' {
				cp.add(cp.line(off), RuleMalformedConfig, fmt.Sprintf("the file is %s, not a JSON object; nothing was read from it", jsonKind(tok)))
				if !ok {
					done = true
					continue
				}
			}
		}
		top := len(stack) - 1
		if k, isKey := tok.(string); isKey && top >= 0 && stack[top].obj && stack[top].expectKey {
			f := &stack[top]
			f.key, f.keyLine, f.expectKey = k, cp.line(off), false
			if top == 0 {
				if prev, dup := cfg.KeyLines[k]; dup {
					cp.add(f.keyLine, RuleConfigDuplicateKey, fmt.Sprintf("key %q is given twice (lines %d and %d); the later value is used, as Python's json module does", k, prev, f.keyLine))
				}
				cfg.KeyLines[k] = f.keyLine
			}
			continue
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				nf := jframe{obj: t == '{', expectKey: t == '{'}
				if top >= 0 {
					p := stack[top]
					nf.path, nf.lic = p.path, p.lic
					if p.obj {
						nf.path = joinPath(p.path, p.key)
						nf.lic = p.lic || isLicenseKey(p.key)
						if top == 0 && configStrings[p.key] {
							cp.add(p.keyLine, RuleConfigWrongType, fmt.Sprintf("%s is %s, expected a string; it was not read", p.key, jsonKind(t)))
						}
						if top == 0 && p.key == "architectures" && t == '{' {
							cp.add(p.keyLine, RuleConfigWrongType, "architectures is an object, expected a list of strings; it was not read")
						}
					}
				}
				stack = append(stack, nf)
			case '}', ']':
				stack = stack[:top]
				cp.valueDone(stack)
				if len(stack) == 0 {
					done = true
				}
			}
		default:
			cp.scalar(stack, tok, off)
			cp.valueDone(stack)
		}
	}
}

// valueDone marks the end of a value in the innermost container.
func (cp *configParser) valueDone(stack []jframe) {
	if n := len(stack); n > 0 && stack[n-1].obj {
		stack[n-1].expectKey = true
	}
}

func (cp *configParser) scalar(stack []jframe, tok json.Token, off int64) {
	cfg := cp.cfg
	top := len(stack) - 1
	if top < 0 {
		return
	}
	f := stack[top]
	line := cp.line(off)
	if f.obj {
		line = f.keyLine
	}
	var s string
	isStr := false
	switch v := tok.(type) {
	case nil:
		return
	case string:
		s, isStr = v, true
	case json.Number:
		s = v.String()
	case bool:
		s = fmt.Sprint(v)
	}
	if f.obj {
		if top == 0 {
			switch {
			case configStrings[f.key] && !isStr:
				cp.add(line, RuleConfigWrongType, fmt.Sprintf("%s is %s, expected a string; it was not read", f.key, jsonKind(tok)))
			case f.key == "base_model_name_or_path":
				cfg.BaseModelNameOrPath = strings.TrimSpace(s)
			case f.key == "_name_or_path":
				cfg.NameOrPath = strings.TrimSpace(s)
			case f.key == "model_type":
				cfg.ModelType = s
			case f.key == "peft_type":
				cfg.PeftType = s
			case f.key == "task_type":
				cfg.TaskType = s
			case f.key == "architectures":
				if isStr {
					cp.add(line, RuleConfigWrongType, "architectures is a string, expected a list of strings; it was read as a list of one")
					cfg.Architectures = []string{s}
				}
			}
		}
		if f.lic || isLicenseKey(f.key) {
			cfg.Licenses = append(cfg.Licenses, ConfigValue{Key: joinPath(f.path, f.key), Value: s, Line: line})
		}
		return
	}
	// An item of a list.
	if top == 1 && stack[0].key == "architectures" {
		if isStr {
			cfg.Architectures = append(cfg.Architectures, s)
		} else {
			cp.add(line, RuleConfigWrongType, fmt.Sprintf("an item of architectures is %s, not a string; it was skipped", jsonKind(tok)))
		}
	}
	if f.lic {
		cfg.Licenses = append(cfg.Licenses, ConfigValue{Key: f.path, Value: s, Line: line})
	}
}

func (cp *configParser) syntax(err error, off int64) {
	var se *json.SyntaxError
	msg := err.Error()
	// The streaming decoder reports where its last token ended; a full
	// validation pass reports the offending byte itself.
	var v any
	if verr := json.Unmarshal(cp.src, &v); verr != nil && errors.As(verr, &se) {
		err, msg = verr, verr.Error()
	}
	if errors.As(err, &se) {
		off = se.Offset
		if off > 0 {
			off-- // Offset counts the offending byte
		}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		off = int64(len(cp.src))
		msg = "unexpected end of file"
	}
	l, col := cp.pos(off)
	cp.add(l, RuleMalformedConfig, fmt.Sprintf("the file is not valid JSON: %s at line %d, column %d; values before that point were read", msg, l, col))
}

func joinPath(p, k string) string {
	if p == "" {
		return k
	}
	return p + "." + k
}

func jsonKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' || v == '}' {
			return "an object"
		}
		return "a list"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case nil:
		return "null"
	}
	return "an unknown value"
}

// replaceNonFinite blanks the NaN, Infinity and -Infinity literals that
// Python's json module writes and reads, but Go's does not, outside strings.
// Each is replaced by "0" padded with spaces, keeping every offset.
func replaceNonFinite(b []byte) []byte {
	if !bytes.Contains(b, []byte("NaN")) && !bytes.Contains(b, []byte("Infinity")) {
		return b
	}
	out := append([]byte(nil), b...)
	inStr, esc := false, false
	for i := 0; i < len(out); i++ {
		ch := out[i]
		if inStr {
			switch {
			case esc:
				esc = false
			case ch == '\\':
				esc = true
			case ch == '"':
				inStr = false
			}
			continue
		}
		if ch == '"' {
			inStr = true
			continue
		}
		for _, lit := range []string{"-Infinity", "Infinity", "NaN"} {
			if bytes.HasPrefix(out[i:], []byte(lit)) {
				out[i] = '0'
				for k := 1; k < len(lit); k++ {
					out[i+k] = ' '
				}
				i += len(lit) - 1
				break
			}
		}
	}
	return out
}
