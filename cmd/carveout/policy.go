package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/carveout/carveout/licenses/profile"
)

func newPolicyCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "policy",
		Short: "Policies: which licenses, verdicts and findings fail the build",
	}
	var force bool
	initCmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented policy template (to stdout without FILE)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				_, err := app.Stdout.Write(profile.PolicyTemplate())
				return err
			}
			if err := writeNew(args[0], profile.PolicyTemplate(), force); err != nil {
				return err
			}
			fmt.Fprintf(app.Stderr, "carveout: wrote %s; edit it and pass it with --policy %s\n", args[0], args[0])
			return nil
		},
	}
	initCmd.Flags().BoolVar(&force, "force", false, "overwrite FILE if it exists")
	validate := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a policy file (errors with file:line, exit 2)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := readSmall(args[0])
			if err != nil {
				return usagef("policy: %v", err)
			}
			p, err := profile.ParsePolicy(args[0], b)
			if err != nil {
				return usageErr(err)
			}
			fmt.Fprintf(app.Stdout, "%s: valid policy (%d waivers)\n", args[0], len(p.Waivers))
			return nil
		},
	}
	cmd.AddCommand(initCmd, validate)
	return cmd
}

func newInitCmd(app *App) *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "init [DIR]",
		Short: "Write a commented .carveout.yaml with a profile and a policy",
		Long: `Write .carveout.yaml, carveout-profile.yaml and carveout-policy.yaml into DIR
(default the current folder), each commented. carveout scan and check then
read them from that folder; flags and CARVEOUT_* variables still win.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			dir := "."
			if len(args) == 1 {
				dir = args[0]
			}
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			for _, f := range []struct {
				name string
				data []byte
			}{
				{defaultConfig, []byte(configTemplate)},
				{"carveout-profile.yaml", profile.Template()},
				{"carveout-policy.yaml", profile.PolicyTemplate()},
			} {
				p := filepath.Join(dir, f.name)
				if err := writeNew(p, f.data, force); err != nil {
					return err
				}
				fmt.Fprintf(app.Stderr, "carveout: wrote %s\n", p)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "overwrite the files if they exist")
	return cmd
}
