package main

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/carveout/carveout/scanner/rules"
)

type rulesOptions struct {
	format string
}

func newRulesCmd(app *App) *cobra.Command {
	o := &rulesOptions{}
	cmd := &cobra.Command{
		Use:   "rules",
		Short: "List the finding rules",
		Long: `List every finding rule carveout reports: its id, default severity, what
it means and how to fix it. Waivers and --fail-on refer to these ids; the
README's rule table and the SARIF rule list are made from the same registry.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRules(app, o)
		},
	}
	cmd.Flags().StringVarP(&o.format, "format", "f", "table", "output format: table or json")
	return cmd
}

func runRules(app *App, o *rulesOptions) error {
	all := rules.All()
	switch o.format {
	case "json":
		enc := json.NewEncoder(app.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		return enc.Encode(struct {
			Schema string       `json:"schema"`
			Rules  []rules.Rule `json:"rules"`
		}{"carveout.rules/v1", all})
	case "table":
		tw := tabwriter.NewWriter(app.Stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "RULE\tSEVERITY\tMEANING")
		for _, r := range all {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", r.ID, r.Severity, r.Title)
		}
		return tw.Flush()
	}
	return usagef("--format %q: want table or json", o.format)
}
