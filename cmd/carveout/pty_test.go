//go:build linux || darwin

package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/creack/pty"
)

// carveoutCommand returns a temporary directory and, in it, a "carveout"
// that runs this test binary as carveout (testscript.Main dispatches by
// that name), for tests that need a real process.
func carveoutCommand(t *testing.T) (dir, bin string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir = t.TempDir()
	bin = filepath.Join(dir, "carveout")
	if err := os.Symlink(exe, bin); err != nil {
		t.Skipf("no symlink: %v", err)
	}
	return dir, bin
}

// TestPseudoTerminal runs carveout on a pseudo-terminal of 80 columns, as
// a person would: colours on, tables within 80 columns, the progress line
// naming the targets in flight, cleared before each report and at the end.
func TestPseudoTerminal(t *testing.T) {
	dir, bin := carveoutCommand(t)
	models, _ := filepath.Abs("../../testdata/models")
	for _, c := range []struct {
		name  string
		env   []string
		color bool
	}{
		{"colours", nil, true},
		{"NO_COLOR", []string{"NO_COLOR=1"}, false},
		{"CLICOLOR=0", []string{"CLICOLOR=0"}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(bin, "scan", "--offline", filepath.Join(models, "apache-model"), filepath.Join(models, "no-license"), filepath.Join(models, "custom-license"))
			cmd.Env = append([]string{"TERM=xterm", "HOME=" + dir, "HF_HOME=" + filepath.Join(dir, "hf"), "PATH=" + os.Getenv("PATH")}, c.env...)
			f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: 80, Rows: 40})
			if err != nil {
				t.Skipf("no pseudo-terminal: %v", err)
			}
			defer f.Close()
			var out bytes.Buffer
			done := make(chan error, 1)
			go func() { _, err := io.Copy(&out, f); done <- err }()
			select {
			case <-done: // EIO when the child closes the terminal
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				t.Fatal("carveout did not finish on the terminal")
			}
			var ee *exec.ExitError
			if err := cmd.Wait(); err != nil && !errors.As(err, &ee) {
				t.Fatal(err)
			}
			s := out.String()
			if got := strings.Contains(s, "\x1b[32mPASS\x1b[0m"); got != c.color {
				t.Errorf("coloured PASS: %v, want %v:\n%q", got, c.color, s)
			}
			if !strings.Contains(s, "scanning ") || !strings.Contains(s, "] 3/3") {
				t.Errorf("no progress line naming the targets in flight:\n%q", s)
			}
			// Each report starts on a line of its own, never glued to the
			// progress line.
			if regexp.MustCompile(`\] [0-9]/3 [^\r\n]*(\x1b\[1m)?carveout: /`).MatchString(s) {
				t.Errorf("a report glued to the progress line:\n%q", s)
			}
			plain := regexp.MustCompile(`\x1b\[[0-9;]*[mK]`).ReplaceAllString(s, "")
			if !strings.Contains(plain, "SUMMARY (3 targets)") {
				t.Errorf("no summary after the reports:\n%q", s)
			}
			for _, l := range regexp.MustCompile(`\r\n|\r|\n`).Split(plain, -1) {
				if n := utf8.RuneCountInString(l); n > 80 {
					t.Errorf("line of %d columns on an 80-column terminal: %q", n, l)
				}
			}
		})
	}
}
