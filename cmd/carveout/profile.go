package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/carveout/carveout/licenses/profile"
)

func newProfileCmd(app *App) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "profile",
		Short: "Organization profiles: what carveout evaluates license terms against",
	}
	var force bool
	initCmd := &cobra.Command{
		Use:   "init [FILE]",
		Short: "Write a commented organization profile template (to stdout without FILE)",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			tmpl := profile.Template()
			if len(args) == 0 {
				_, err := app.Stdout.Write(tmpl)
				return err
			}
			if err := writeNew(args[0], tmpl, force); err != nil {
				return err
			}
			fmt.Fprintf(app.Stderr, "carveout: wrote %s; fill it in and pass it with --profile %s\n", args[0], args[0])
			return nil
		},
	}
	initCmd.Flags().BoolVar(&force, "force", false, "overwrite FILE if it exists")
	validate := &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a profile file and print it as evaluated",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			b, err := readSmall(args[0])
			if err != nil {
				return usagef("profile: %v", err)
			}
			p, err := profile.ParseProfile(args[0], b)
			if err != nil {
				return usageErr(err)
			}
			fmt.Fprintf(app.Stdout, "%s: valid profile", args[0])
			if p.Name != "" {
				fmt.Fprintf(app.Stdout, " for %s", p.Name)
			}
			fmt.Fprintln(app.Stdout)
			return nil
		},
	}
	cmd.AddCommand(initCmd, validate)
	return cmd
}

// writeNew writes data to a new file; an existing one is replaced only
// with force.
func writeNew(name string, data []byte, force bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_EXCL
	if force {
		flags = os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	}
	f, err := os.OpenFile(name, flags, 0o644)
	if err != nil {
		if os.IsExist(err) {
			return usagef("%s already exists (use --force to overwrite)", name)
		}
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
