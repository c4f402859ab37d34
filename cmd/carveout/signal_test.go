//go:build linux || darwin

package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A scan stopped by a signal (Ctrl-C, or SIGTERM as a Kubernetes Job or a
// cancelled CI run sends it) says so and exits 128 + the signal; the report
// of a target that had finished is on stdout whole, that of the target cut
// short is not. The Hub never answers here, so the signal always comes
// while a target is being read.
func TestSignalEndsTheScan(t *testing.T) {
	dir, bin := carveoutCommand(t)
	local, _ := filepath.Abs("../../testdata/models/apache-model")
	for _, c := range []struct {
		sig  syscall.Signal
		code int
		says string
	}{
		{syscall.SIGTERM, exitTerminated, "terminated"},
		{syscall.SIGINT, exitInterrupted, "interrupted"},
	} {
		t.Run(c.sig.String(), func(t *testing.T) {
			asked := make(chan struct{})
			var once sync.Once
			stop := make(chan struct{})
			hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				once.Do(func() { close(asked) })
				select { // never answers
				case <-r.Context().Done():
				case <-stop:
				}
			}))
			defer hub.Close()
			defer close(stop)

			cmd := exec.Command(bin, "scan", "--format", "jsonl", local, "hf:acme/slow-model")
			cmd.Env = []string{"HOME=" + dir, "HF_HOME=" + filepath.Join(dir, "hf"), "HF_ENDPOINT=" + hub.URL, "PATH=" + os.Getenv("PATH")}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			// The first target's report arrives (streamed within 100 ms)
			// while the second waits on the Hub.
			lines := make(chan string)
			go func() {
				sc := bufio.NewScanner(stdout)
				sc.Buffer(nil, 1<<20)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			var out []string
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("stdout closed before a report; stderr %q", stderr.String())
				}
				out = append(out, l)
			case <-time.After(60 * time.Second):
				t.Fatal("no report from the local target")
			}
			select {
			case <-asked:
			case <-time.After(60 * time.Second):
				t.Fatal("the Hub was never asked")
			}
			if err := cmd.Process.Signal(c.sig); err != nil {
				t.Fatal(err)
			}
			for l := range lines {
				out = append(out, l)
			}
			err = cmd.Wait()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != c.code {
				t.Fatalf("exit %v, want %d; stderr %q", err, c.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.says) {
				t.Errorf("stderr %q does not say %q", stderr.String(), c.says)
			}
			if len(out) != 1 {
				t.Fatalf("%d reports, want the finished target's alone: %q", len(out), out)
			}
			var r struct{ Target string }
			if err := json.Unmarshal([]byte(out[0]), &r); err != nil || r.Target != local {
				t.Errorf("report %q: %v (target %q, want %q)", out[0], err, r.Target, local)
			}
		})
	}
}
