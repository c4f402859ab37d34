package main

import (
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
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
