package main

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/carveout/carveout/internal/safetext"
)

// progress draws a one-line progress bar on stderr when it is a terminal
// and there is more than one target: done/total and the targets in
// flight. It never writes to stdout. A warning (App.warnf) clears the line
// first and redraws it after, so no warning is glued to the bar.
type progress struct {
	app    *App
	total  int
	mu     sync.Mutex
	n      int
	flight []string // targets being scanned, in the order they started
	drawn  bool     // the line is on the screen
	on     bool
}

func newProgress(app *App, total int) *progress {
	p := &progress{app: app, total: total, on: app.StderrTTY && total > 1}
	if p.on {
		app.setProgress(p)
	}
	return p
}

// start marks a target as in flight.
func (p *progress) start(target string) {
	if !p.on {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flight = append(p.flight, target)
	p.draw()
}

// done marks a target as finished and runs emit (which writes its report
// to stdout) with the line cleared, then draws it again: stdout and stderr
// are often the same terminal.
func (p *progress) done(target string, emit func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.clear()
	emit()
	p.n++
	for i, t := range p.flight {
		if t == target {
			p.flight = append(p.flight[:i], p.flight[i+1:]...)
			break
		}
	}
	if p.on {
		p.draw()
	}
}

// line is the progress line, at most width-1 columns (a line as wide as
// the terminal would wrap on some).
func (p *progress) line(width int) string {
	const bar = 20
	filled := bar * p.n / p.total
	s := fmt.Sprintf("[%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat(".", bar-filled), p.n, p.total)
	if len(p.flight) > 0 {
		names := make([]string, len(p.flight))
		for i, t := range p.flight {
			names[i] = safetext.Escape(t) // a hostile folder or repository name
		}
		s += " scanning " + clipNames(names, width-1-utf8.RuneCountInString(s)-len(" scanning "))
	}
	return s
}

// clipNames joins names with ", " within room columns: names that do not
// fit are counted ("+3 more"), a single name too long keeps its end.
func clipNames(names []string, room int) string {
	out := ""
	for i, n := range names {
		more := ""
		if rest := len(names) - i - 1; rest > 0 {
			more = fmt.Sprintf(", +%d more", rest)
		}
		cand := n
		if out != "" {
			cand = out + ", " + n
		}
		if utf8.RuneCountInString(cand+more) > room {
			if out == "" {
				r := []rune(n)
				keep := max(room-utf8.RuneCountInString(more), 8)
				if len(r) > keep {
					n = "…" + string(r[len(r)-keep+1:])
				}
				return n + more
			}
			return out + fmt.Sprintf(", +%d more", len(names)-i)
		}
		out = cand
	}
	return out
}

// draw writes the line over the previous one (p.mu held).
func (p *progress) draw() {
	fmt.Fprint(p.app.Stderr, "\r\x1b[K"+p.line(p.app.stderrWidth()))
	p.drawn = true
}

// clear removes the line (p.mu held).
func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.app.Stderr, "\r\x1b[K")
		p.drawn = false
	}
}

// around prints a message with the line cleared first and redrawn after.
func (p *progress) around(print func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	was := p.drawn
	p.clear()
	print()
	if was {
		p.draw()
	}
}

func (p *progress) finish() {
	if !p.on {
		return
	}
	p.mu.Lock()
	p.clear()
	p.on = false
	p.mu.Unlock()
	p.app.setProgress(nil)
}
