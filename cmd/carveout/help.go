package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// envVar is an environment variable carveout reads. This table is the one
// list: `carveout help environment` prints it and a test checks the
// README's table against it.
type envVar struct {
	name, meaning string
}

var envVars = []envVar{
	{"CARVEOUT_CONFIG", "configuration file (default .carveout.yaml in the current folder)"},
	{"CARVEOUT_PROFILE", "default for --profile (beats the configuration file)"},
	{"CARVEOUT_POLICY", "default for --policy (beats the configuration file)"},
	{"CARVEOUT_FAIL_ON", "default for --fail-on (beats the configuration file and a policy's fail_on)"},
	{"NO_COLOR", "set: no colors in table output (colors are only used on terminals unless CLICOLOR_FORCE is set)"},
	{"CLICOLOR", "0: no colors on a terminal"},
	{"CLICOLOR_FORCE", "set and not 0: colors even in a pipe or file (NO_COLOR still wins)"},
	{"TERM", "dumb: no colors"},
	{"COLUMNS", "width tables fit (else the terminal's width; in a pipe without it, no limit)"},
	{"HF_ENDPOINT", "Hugging Face Hub base URL (default https://huggingface.co)"},
	{"HF_TOKEN", "Hub token (else HUGGING_FACE_HUB_TOKEN, else the token file); never printed"},
	{"HUGGING_FACE_HUB_TOKEN", "older name of HF_TOKEN"},
	{"HF_TOKEN_PATH", "the token file (default $HF_HOME/token)"},
	{"HF_HOME", "Hugging Face home: the cache ($HF_HOME/hub) and the token file"},
	{"HF_HUB_CACHE", "cache location for --hf-cache"},
	{"HF_HUB_OFFLINE", "1 makes every scan offline"},
	{"GH_TOKEN", "GitHub token (taken before GITHUB_TOKEN, as gh does); never printed"},
	{"GITHUB_TOKEN", "GitHub token when GH_TOKEN is not set; never printed"},
	{"GITHUB_API_URL", "GitHub API base URL (as GitHub Actions sets it; GitHub Enterprise)"},
	{"OLLAMA_MODELS", "the Ollama store for ollama: targets and --ollama (default ~/.ollama/models)"},
	{"CARVEOUT_REGISTRY_TOKEN", "bearer token for oci:// registries (else the registry's auths entry in the Docker config); never printed"},
	{"DOCKER_CONFIG", "folder of the Docker config.json read for registry credentials (default ~/.docker)"},
	{"GOGC", "Go's collector setting; when neither it nor GOMEMLIMIT is set, carveout lets the heap grow to 32 MiB between collections (never collecting later than GOGC=400 would, nor sooner than Go's default)"},
	{"GOMEMLIMIT", "Go's soft memory limit; set, carveout leaves the collector as Go sets it"},
	{"CI", "tests only: set, the reference corpus is required"},
}

// exitCodes is the exit-code table's documentation, in code order.
var exitCodes = []struct {
	code    int
	meaning string
}{
	{exitOK, "no findings at or above the failing severity (--fail-on) and the policy passed"},
	{exitFail, "findings at or above the failing severity, or the policy failed (or a target of a list could not be read)"},
	{exitUsage, "usage error: bad flags or arguments, invalid profile or policy file"},
	{exitOperational, "operational failure: the target (or every target of a list) could not be read"},
	{exitInterrupted, "interrupted (Ctrl-C)"},
	{exitTerminated, "terminated (SIGTERM: a job runner or kill stopping it)"},
}

func exitCodeText() string {
	var b strings.Builder
	b.WriteString("Exit codes:\n")
	for _, c := range exitCodes {
		fmt.Fprintf(&b, "  %-4d %s\n", c.code, c.meaning)
	}
	return strings.TrimRight(b.String(), "\n")
}

func environmentText() string {
	var b strings.Builder
	b.WriteString("Environment variables:\n")
	for _, v := range envVars {
		fmt.Fprintf(&b, "  %-24s %s\n", v.name, v.meaning)
	}
	return strings.TrimRight(b.String(), "\n")
}

// helpTopics are `carveout help TOPIC` pages.
func helpTopics() []*cobra.Command {
	return []*cobra.Command{
		{Use: "environment", Short: "Environment variables carveout reads", Long: environmentText()},
		{Use: "exit-codes", Short: "What carveout's exit codes mean", Long: exitCodeText()},
	}
}
