package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestShardUnion: N shards of a target list, run as a batch job runs them
// (--shard K/N, JSON Lines) and concatenated, hold exactly the reports of
// one unsharded run: none lost, none twice.
func TestShardUnion(t *testing.T) {
	dir := t.TempDir()
	var list []string
	for _, m := range []string{"apache-model", "custom-license", "llama-finetune-mislabelled", "malformed-card", "no-license"} {
		list = append(list, filepath.Join("..", "..", "testdata", "models", m))
	}
	for i := 0; i < 6; i++ {
		m := filepath.Join(dir, fmt.Sprintf("model-%d", i))
		os.MkdirAll(m, 0o755)
		os.WriteFile(filepath.Join(m, "README.md"), []byte(fmt.Sprintf("---\nlicense: %s\n---\n# Model %d\n", []string{"mit", "apache-2.0", "llama3.1"}[i%3], i)), 0o644)
	}
	list = append(list, filepath.Join(dir, "model-*"), filepath.Join(dir, "missing")) // a glob-looking name and a missing folder: error reports
	for i := 0; i < 6; i++ {
		list = append(list, filepath.Join(dir, fmt.Sprintf("model-%d", i)))
	}
	from := filepath.Join(dir, "targets.txt")
	os.WriteFile(from, []byte("# targets\n"+strings.Join(list, "\n")+"\n"), 0o644)

	run := func(extra ...string) []string {
		t.Helper()
		var out, errb bytes.Buffer
		app := &App{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, HTTPClient: http.DefaultClient, Now: time.Now}
		code := execute(context.Background(), app, append([]string{"scan", "--offline", "--format", "jsonl", "--fail-on", "never", "--from", from}, extra...))
		if code != exitOK && code != exitFail && code != exitOperational {
			t.Fatalf("%v: exit %d\n%s", extra, code, errb.String())
		}
		return strings.SplitAfter(out.String(), "\n")
	}
	var all []string
	for _, l := range run() {
		if l != "" {
			all = append(all, l)
		}
	}
	if len(all) != len(list) {
		t.Fatalf("unsharded run: %d reports for %d targets", len(all), len(list))
	}
	sort.Strings(all)
	for _, n := range []int{1, 3, 4, len(list) + 2} {
		var union []string
		for k := 1; k <= n; k++ {
			for _, l := range run("--shard", fmt.Sprintf("%d/%d", k, n)) {
				if l != "" {
					union = append(union, l)
				}
			}
		}
		sort.Strings(union)
		if strings.Join(union, "") != strings.Join(all, "") {
			for i := range union {
				if i < len(all) && union[i] != all[i] {
					t.Errorf("first difference:\n shards %s\n one run %s", union[i], all[i])
					break
				}
			}
			t.Errorf("%d shards: union of %d reports differs from the %d of one run", n, len(union), len(all))
		}
	}
}
