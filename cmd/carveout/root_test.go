package main

import (
	"io"
	"strings"
	"testing"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// TestRootForOneCommand checks that a run naming a command builds that
// command alone, the same as in the whole tree (flags, their defaults and
// help), and that help, completion and unknown commands get the whole
// tree.
func TestRootForOneCommand(t *testing.T) {
	app := &App{Stdout: io.Discard, Stderr: io.Discard, Getenv: func(string) string { return "" }}
	full := newRootCmd(app)
	for _, s := range subcommands {
		root := newRootCmdFor(app, []string{s.name, "x"})
		if n := len(root.Commands()); n != 1 || root.Commands()[0].Name() != s.name {
			t.Errorf("%s: built %d commands", s.name, n)
			continue
		}
		want, _, err := full.Find([]string{s.name})
		if err != nil {
			t.Fatal(err)
		}
		got := root.Commands()[0]
		if d := describe(got); d != describe(want) {
			t.Errorf("%s built alone differs from the whole tree's:\n%s\nwant:\n%s", s.name, d, describe(want))
		}
	}
	for _, args := range [][]string{nil, {"help", "scan"}, {"scan", "--help"}, {"scan", "-h"}, {"completion", "bash"}, {"__complete", "scan", ""}, {"scna"}, {"--version"}} {
		if n, want := len(newRootCmdFor(app, args).Commands()), len(full.Commands()); n != want {
			t.Errorf("%q: %d commands, want every one (%d)", args, n, want)
		}
	}
}

// describe lists a command's tree: names, texts and flags.
func describe(c *cobra.Command) string {
	var b strings.Builder
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		b.WriteString(c.CommandPath() + "\n" + c.Short + "\n" + c.Long + "\n" + c.Example + "\n")
		c.Flags().VisitAll(func(f *pflag.Flag) {
			b.WriteString("  --" + f.Name + " -" + f.Shorthand + " " + f.DefValue + " " + f.NoOptDefVal + " " + f.Usage + "\n")
		})
		for _, s := range c.Commands() {
			walk(s)
		}
	}
	walk(c)
	return b.String()
}
