package rules

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/carveout/carveout/internal/golden"
)

// Every rule id constant of this package is registered, once, with a
// title, a fix and a known severity.
func TestEveryRuleRegistered(t *testing.T) {
	fs := token.NewFileSet()
	f, err := parser.ParseFile(fs, "rules.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(nd ast.Node) bool {
		vs, ok := nd.(*ast.ValueSpec)
		if !ok || len(vs.Values) != 1 {
			return true
		}
		lit, ok := vs.Values[0].(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		id, _ := strconv.Unquote(lit.Value)
		n++
		if _, ok := Lookup(id); !ok {
			t.Errorf("rule %s (%s) is not registered", id, vs.Names[0])
		}
		return true
	})
	if n < 30 {
		t.Fatalf("found only %d rule constants: the parse is wrong", n)
	}
	seen := map[string]bool{}
	for _, r := range All() {
		if seen[r.ID] {
			t.Errorf("rule %s registered twice", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" || r.Help == "" || r.Group == "" {
			t.Errorf("rule %s lacks a title, help or group", r.ID)
		}
		if r.Severity.Rank() == 0 {
			t.Errorf("rule %s has severity %q", r.ID, r.Severity)
		}
	}
}

func TestGetPanicsOnUnregistered(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Get of an unregistered rule did not panic")
		}
	}()
	Get("no-such-rule")
}

const (
	readmeBegin = "<!-- rules:begin (generated from scanner/rules; go test ./scanner/rules -update) -->\n"
	readmeEnd   = "<!-- rules:end -->\n"
)

// MarkdownTable renders the registry as the README's table.
func markdownTable() string {
	var b strings.Builder
	b.WriteString("| rule | severity | meaning | how to fix |\n|---|---|---|---|\n")
	for _, r := range All() {
		if strings.Contains(r.ID, ":") {
			continue // applies:<kind> and undetermined:<kind>, named in the text
		}
		sev := string(r.Severity)
		if r.Varies != "" {
			sev += " (" + r.Varies + ")"
		}
		fmt.Fprintf(&b, "| <a id=\"%s\"></a>`%s` | %s | %s | %s |\n", r.Anchor(), r.ID, sev, r.Title, r.Help)
	}
	return b.String()
}

// The README's table of rules is the registry's; -update rewrites it.
func TestREADMETable(t *testing.T) {
	const path = "../../README.md"
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(b, []byte(readmeBegin)), bytes.Index(b, []byte(readmeEnd))
	if i < 0 || j < i {
		t.Fatalf("README.md has no %q ... %q section", readmeBegin, readmeEnd)
	}
	got := append(append(append([]byte{}, b[:i+len(readmeBegin)]...), markdownTable()...), b[j:]...)
	if *golden.Update {
		golden.Check(t, path, got)
		return
	}
	if !bytes.Equal(got, b) {
		t.Errorf("README.md's rule table differs from the registry (run go test ./scanner/rules -update):\n%s", golden.Diff(string(b), string(got)))
	}
	// Every rule's help link (SARIF helpUri) lands on an anchor.
	for _, r := range All() {
		if !bytes.Contains(b, []byte(`id="`+r.Anchor()+`"`)) {
			t.Errorf("README.md has no anchor %q for rule %s", r.Anchor(), r.ID)
		}
	}
}
