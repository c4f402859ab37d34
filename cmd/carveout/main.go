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
	"syscall"

	"github.com/carveout/carveout/internal/gctune"
)

func main() {
	gctune.Start()
	os.Exit(run())
}

func run() int {
	ctx, stop := signalContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return execute(ctx, newApp(), os.Args[1:])
}

// signalContext is signal.NotifyContext with the signal as the context's
// cause (context.Cause): Ctrl-C and a job runner's SIGTERM end a scan the
// same way, and exit with their own codes.
func signalContext(parent context.Context, sigs ...os.Signal) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	go func() {
		select {
		case s := <-ch:
			cancel(signalError{s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(nil)
	}
}

// signalError is the cause of a context a signal cancelled.
type signalError struct{ sig os.Signal }

func (e signalError) Error() string { return "signal: " + e.sig.String() }
