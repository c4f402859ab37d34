// Command carveout is a license compliance scanner for AI model weights.
//
// This package is thin: it parses flags (cobra), builds sources and options
// from the environment, calls the scanner and encodes the report. Every
// error is mapped to an exit code in exit.go.
package main

import (
	"context"
	"os"
	"os/signal"

	"github.com/carveout/carveout/internal/gctune"
)

func main() {
	gctune.Start()
	os.Exit(run())
}

func run() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return execute(ctx, newApp(), os.Args[1:])
}
