package main

import (
	"fmt"
	"strings"

	"github.com/carveout/carveout/internal/safetext"
)

// progress draws a one-line progress bar on stderr when it is a terminal
// and there is more than one target. It never writes to stdout.
type progress struct {
	app   *App
	total int
	n     int
	on    bool
}

func newProgress(app *App, total int) *progress {
	return &progress{app: app, total: total, on: app.StderrTTY && total > 1}
}

func (p *progress) done(target string) {
	p.n++
	if !p.on {
		return
	}
	const width = 30
	filled := width * p.n / p.total
	target = safetext.Escape(target) // a hostile folder or repository name
	if r := []rune(target); len(r) > 40 {
		target = "…" + string(r[len(r)-39:])
	}
	fmt.Fprintf(p.app.Stderr, "\r\x1b[K[%s%s] %d/%d %s", strings.Repeat("#", filled), strings.Repeat(".", width-filled), p.n, p.total, target)
}

func (p *progress) finish() {
	if p.on {
		fmt.Fprint(p.app.Stderr, "\r\x1b[K")
	}
}
