package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/carveout/carveout/scanner"
)

// Exit codes. This is the one table that maps errors to codes.
const (
	exitOK          = 0   // no findings at or above the failing severity; policy passed
	exitFail        = 1   // findings at or above --fail-on, or the policy failed
	exitUsage       = 2   // bad flags, arguments, profile or policy files
	exitOperational = 3   // the target (or every target) could not be read
	exitInterrupted = 130 // interrupted (Ctrl-C): 128 + SIGINT, as shells report it
	exitTerminated  = 143 // terminated (SIGTERM: a job runner or kill stopping it): 128 + SIGTERM
)

var (
	errPolicyFailed = errors.New("findings at or above the failing severity, or policy violations")
	errUsage        = errors.New("usage")
)

type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() []error {
	return []error{e.err, errUsage}
}

func usageErr(err error) error { return usageError{err} }

func usagef(format string, args ...any) error { return usageErr(fmt.Errorf(format, args...)) }

// exitCode maps an error to the process exit code.
func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errPolicyFailed):
		return exitFail
	case errors.Is(err, errUsage):
		return exitUsage
	case errors.Is(err, scanner.ErrTarget), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return exitOperational
	}
	return exitOperational
}

// usageArgs makes the argument validators of cmd and its subcommands
// return usage errors, so the exit code is decided from the error's type
// and never from cobra's message text.
func usageArgs(cmd *cobra.Command) {
	if cmd.HasSubCommands() && !cmd.Runnable() {
		// A group command (carveout, carveout profile): an unknown
		// subcommand is a usage error, no subcommand shows the help.
		cmd.Args = func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q for %q", args[0], c.CommandPath())
			}
			return nil
		}
		cmd.RunE = func(c *cobra.Command, args []string) error { return c.Help() }
	} else if v := cmd.Args; v != nil {
		cmd.Args = func(c *cobra.Command, args []string) error {
			if err := v(c, args); err != nil {
				return usageErr(err)
			}
			return nil
		}
	}
	for _, c := range cmd.Commands() {
		usageArgs(c)
	}
}
