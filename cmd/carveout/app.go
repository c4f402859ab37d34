package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/carveout/carveout/internal/safetext"
	"github.com/carveout/carveout/scanner/source"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// App carries everything commands need from the outside world, so tests
// can inject their own.
type App struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// StdoutTTY / StderrTTY say whether the streams are terminals.
	StdoutTTY, StderrTTY bool
	// StdoutWidth is the terminal's width when stdout is one (nil or 0:
	// not a terminal).
	StdoutWidth func() int
	// StderrWidth is the terminal's width when stderr is one.
	StderrWidth func() int

	mu         sync.Mutex
	prog       *progress // the progress line on stderr, while one is drawn
	HTTPClient *http.Client
	Now        func() time.Time
}

func newApp() *App {
	return &App{
		Stdout:    os.Stdout,
		Stderr:    os.Stderr,
		Getenv:    os.Getenv,
		StdoutTTY: term.IsTerminal(int(os.Stdout.Fd())),
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
		StdoutWidth: func() int {
			if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
				return w
			}
			return 0
		},
		StderrWidth: func() int {
			if w, _, err := term.GetSize(int(os.Stderr.Fd())); err == nil {
				return w
			}
			return 0
		},
		HTTPClient: &http.Client{Timeout: 60 * time.Second},
		Now:        time.Now,
	}
}

// color reports whether output to stdout may use colors: on a terminal,
// unless NO_COLOR is set, CLICOLOR is 0 or TERM is dumb; anywhere with
// CLICOLOR_FORCE (not 0), unless NO_COLOR is set.
func (a *App) color() bool {
	if a.Getenv("NO_COLOR") != "" {
		return false
	}
	if f := a.Getenv("CLICOLOR_FORCE"); f != "" && f != "0" {
		return true
	}
	return a.StdoutTTY && a.Getenv("CLICOLOR") != "0" && a.Getenv("TERM") != "dumb"
}

// width is the width tables on stdout fit: $COLUMNS when it is a number,
// else the terminal's width, else 0 (no limit: a pipe or a file gets the
// same output whatever the terminal).
func (a *App) width() int {
	if c, err := strconv.Atoi(strings.TrimSpace(a.Getenv("COLUMNS"))); err == nil && c > 0 {
		return max(c, 20)
	}
	if a.StdoutWidth != nil {
		return a.StdoutWidth()
	}
	return 0
}

// stderrWidth is the width of the terminal on stderr ($COLUMNS first),
// 80 when it is not known.
func (a *App) stderrWidth() int {
	if c, err := strconv.Atoi(strings.TrimSpace(a.Getenv("COLUMNS"))); err == nil && c > 0 {
		return max(c, 20)
	}
	if a.StderrWidth != nil {
		if w := a.StderrWidth(); w > 0 {
			return w
		}
	}
	return 80
}

func (a *App) setProgress(p *progress) {
	a.mu.Lock()
	a.prog = p
	a.mu.Unlock()
}

// warnf prints a warning on stderr; a progress line is cleared first and
// drawn again after it.
func (a *App) warnf(format string, args ...any) {
	msg := fmt.Sprintf("carveout: %s\n", sanitize(fmt.Sprintf(format, args...)))
	a.mu.Lock()
	p := a.prog
	a.mu.Unlock()
	if p == nil {
		fmt.Fprint(a.Stderr, msg)
		return
	}
	p.around(func() { fmt.Fprint(a.Stderr, msg) })
}

// sanitize makes a message safe to print: passwords in URLs are masked and
// control characters (from hostile file names) are escaped. A multi-line
// message (a list of errors) stays a list of lines, each continuation
// indented so no line of it can pass for a message of its own.
func sanitize(s string) string {
	s = source.MaskUserinfo(s) // user:password@ and token@ alike
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = escapeControls(strings.TrimRight(l, "\r"))
	}
	return strings.Join(lines, "\n  ")
}

func escapeControls(s string) string { return safetext.Escape(s, '\t') }

// subcommands are carveout's commands, each with the function that builds
// it (its flags and their completions).
var subcommands = []struct {
	name  string
	build func(*App) *cobra.Command
}{
	{"scan", newScanCmd},
	{"check", newCheckCmd},
	{"licenses", newLicensesCmd},
	{"rules", newRulesCmd},
	{"explain", newExplainCmd},
	{"profile", newProfileCmd},
	{"policy", newPolicyCmd},
	{"init", newInitCmd},
	{"version", newVersionCmd},
}

// newRootCmd builds carveout with every command.
func newRootCmd(app *App) *cobra.Command {
	return newRootCmdWith(app, "")
}

// newRootCmdFor builds carveout for a run with args: when args name a
// command and ask for no help, with that command alone (building every
// command's flags costs a short run, `carveout version`, more than the
// run itself); else, for help, completion, usage errors and suggestions,
// with every command.
func newRootCmdFor(app *App, args []string) *cobra.Command {
	if len(args) == 0 {
		return newRootCmd(app)
	}
	for _, a := range args[1:] {
		if a == "--" {
			break
		}
		if a == "-h" || a == "--help" || strings.HasPrefix(a, "--help=") {
			return newRootCmd(app)
		}
	}
	return newRootCmdWith(app, args[0])
}

// newRootCmdWith builds carveout with the command named only, or with every
// command when only is "" or names none.
func newRootCmdWith(app *App, only string) *cobra.Command {
	root := &cobra.Command{
		Use:   "carveout",
		Short: "License compliance scanner for AI model weights",
		Long: `carveout finds the real license terms of AI model repositories — model card
front matter, LICENSE/NOTICE/USE_POLICY files, configs, GGUF and safetensors
headers, Hugging Face Hub and GitHub metadata — identifies each license exactly
(llama3.1, not "some Llama license"), turns it into structured terms with line
citations, and says which terms bite a given organization.

` + exitCodeText(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       version,
	}
	root.SetOut(app.Stdout)
	root.SetErr(app.Stderr)
	root.SetVersionTemplate("carveout {{.Version}}\n")
	for _, c := range subcommands {
		if c.name == only {
			root.AddCommand(c.build(app))
		}
	}
	if !root.HasSubCommands() {
		for _, c := range subcommands {
			root.AddCommand(c.build(app))
		}
		root.AddCommand(helpTopics()...)
	}
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErr(err)
	})
	usageArgs(root)
	return root
}

// execute runs the root command with args and returns the exit code.
func execute(ctx context.Context, app *App, args []string) int {
	root := newRootCmdFor(app, args)
	root.SetArgs(args)
	cmd, err := root.ExecuteContextC(ctx)
	if err != nil && ctx.Err() != nil && !errors.Is(err, errUsage) {
		// Ctrl-C or SIGTERM: say so, and exit as shells expect (128 +
		// the signal).
		if se, ok := context.Cause(ctx).(signalError); ok && se.sig == syscall.SIGTERM {
			app.warnf("terminated")
			return exitTerminated
		}
		app.warnf("interrupted")
		return exitInterrupted
	}
	code := exitCode(err)
	if err != nil && !errors.Is(err, errPolicyFailed) {
		app.warnf("%s", err.Error())
		if code == exitUsage {
			if cmd == nil {
				cmd = root
			}
			fmt.Fprintf(app.Stderr, "Run '%s --help' for usage.\n", cmd.CommandPath())
		}
	}
	return code
}

func newVersionCmd(app *App) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print carveout's version and report schema",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			fmt.Fprintf(app.Stdout, "carveout %s (report schema %s)\n", buildVersion(), "carveout.report/v1")
			return nil
		},
	}
}

// completeValues makes shell completion offer values for a flag.
func completeValues(cmd *cobra.Command, flag string, values ...string) {
	_ = cmd.RegisterFlagCompletionFunc(flag, func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return values, cobra.ShellCompDirectiveNoFileComp
	})
}
