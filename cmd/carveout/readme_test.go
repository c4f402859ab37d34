package main

import (
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// readmeTable returns the first column of the table under a README heading.
func readmeTable(t *testing.T, heading string) []string {
	t.Helper()
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	i := strings.Index(s, "\n"+heading+"\n")
	if i < 0 {
		t.Fatalf("README.md has no %q section", heading)
	}
	s = s[i+len(heading)+2:]
	if j := strings.Index(s, "\n## "); j >= 0 {
		s = s[:j]
	}
	cell := regexp.MustCompile("^\\| `?([^`|]+?)`? \\|")
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if m := cell.FindStringSubmatch(l); m != nil && !strings.HasPrefix(m[1], "---") {
			out = append(out, m[1])
		}
	}
	return out[1:] // the header row
}

// The README's environment and exit-code tables list what the binary uses.
func TestREADMETables(t *testing.T) {
	var names []string
	for _, v := range envVars {
		names = append(names, v.name)
	}
	if got := readmeTable(t, "## Environment variables"); !slices.Equal(got, names) {
		t.Errorf("README environment variables = %v, want %v (cmd/carveout/help.go)", got, names)
	}
	var codes []string
	for _, c := range exitCodes {
		codes = append(codes, strconv.Itoa(c.code))
	}
	if got := readmeTable(t, "## Exit codes"); !slices.Equal(got, codes) {
		t.Errorf("README exit codes = %v, want %v", got, codes)
	}
}

// Every command and flag of the binary is in the README.
func TestREADMECommandsAndFlags(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	app := &App{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" && c.Parent() != nil && c.Parent().Name() != "carveout" {
			return
		}
		if c.HasParent() && !strings.Contains(readme, "`"+c.CommandPath()) && !strings.Contains(readme, "carveout help "+c.Name()) {
			t.Errorf("README.md does not show the command %q", c.CommandPath())
		}
		c.LocalFlags().VisitAll(func(f *pflag.Flag) {
			if f.Hidden || f.Name == "help" {
				return
			}
			if !strings.Contains(readme, "`--"+f.Name) {
				t.Errorf("README.md does not document --%s of %q", f.Name, c.CommandPath())
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(app))
}
