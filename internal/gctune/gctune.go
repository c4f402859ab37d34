// Package gctune lets a short batch process spend a bounded amount of heap
// to collect garbage less often.
//
// Go's default (GOGC=100) collects whenever the heap has doubled since the
// last collection. carveout's live heap is small (a few MiB for one model,
// tens of MiB for a large cache) and most of what it allocates dies at
// once, so that default spends 10-20 % of a scan's CPU in the collector
// and in stack re-growth after each collection shrank the workers' stacks.
//
// Start sets GOGC after each collection so that the next one comes when
// the heap reaches Target, never later than GOGC=Max allows and never
// sooner than Go's default: with 4 MiB live (and 1 MiB of stacks and
// globals) it is 400, with 8 MiB 240, and with about Target/2 or more live
// it is 100, Go's own default, so a large scan is collected exactly as it
// would be without this package. It is not a memory limit: a live heap
// past Target grows as it would anyway.
package gctune

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

const (
	// Target is the heap size up to which collections are put off.
	Target = 32 << 20
	// Max is the most GOGC is raised to.
	Max = 400
	// Min is Go's default, which Start never goes below.
	Min = 100
)

// Percent is the GOGC that makes a heap with live bytes alive after a
// collection, and roots bytes of stacks and globals, grow to Target before
// the next, within [Min, Max]. Go's heap goal is live + (live + roots) ×
// GOGC/100.
func Percent(live, roots uint64) int {
	if live >= Target {
		return Min
	}
	p := int((Target - live) * 100 / max(live+roots, 1))
	return max(Min, min(Max, p))
}

var once sync.Once

// Start tunes the collector for the rest of the process. It does nothing
// when GOGC or GOMEMLIMIT is set: the user's setting wins.
func Start() {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	once.Do(func() {
		debug.SetGCPercent(Max)
		arm()
	})
}

// arm sets a finalizer on a fresh object; it runs after the next
// collection, re-tunes GOGC from the live heap, and arms again.
func arm() {
	s := new(sentinel)
	runtime.SetFinalizer(s, func(*sentinel) {
		debug.SetGCPercent(Percent(lastCollection()))
		arm()
	})
}

// sentinel is the object whose finalizer marks a finished collection. It
// holds a pointer: a pointer-free object under 16 bytes would share a
// block with others (the tiny allocator) and might never be finalized.
type sentinel struct{ _ *sentinel }

var samples = []metrics.Sample{
	{Name: "/gc/heap/live:bytes"},
	{Name: "/gc/scan/stack:bytes"},
	{Name: "/gc/scan/globals:bytes"},
}

// lastCollection returns the heap the last collection marked live and the
// roots it scanned (stacks and globals). It is only called from the
// finalizer goroutine, one call at a time.
func lastCollection() (live, roots uint64) {
	metrics.Read(samples)
	var v [3]uint64
	for i, s := range samples {
		if s.Value.Kind() == metrics.KindUint64 {
			v[i] = s.Value.Uint64()
		}
	}
	return v[0], v[1] + v[2]
}
