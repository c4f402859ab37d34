package gctune

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"testing"
	"time"
)

func TestPercent(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		live, roots uint64
		want        int
	}{
		{0, 0, Max},
		{1 * mib, 0, Max},        // 3100 % wanted, capped
		{4 * mib, 1 * mib, Max},  // (32-4)/5 = 560 %, capped
		{8 * mib, 2 * mib, 240},  // (32-8)/10
		{12 * mib, 0, 166},       // (32-12)/12
		{12 * mib, 4 * mib, 125}, // roots count: (32-12)/16
		{16 * mib, 0, Min},       // 100 %
		{20 * mib, 0, Min},       // would be 60 %: Go's default instead
		{Target, 0, Min},
		{10 * Target, 0, Min},
	} {
		if got := Percent(c.live, c.roots); got != c.want {
			t.Errorf("Percent(%d MiB, %d MiB) = %d, want %d", c.live/mib, c.roots/mib, got, c.want)
		}
	}
}

// TestStartLeavesUserSetting: GOGC or GOMEMLIMIT set, Start changes nothing.
func TestStartLeavesUserSetting(t *testing.T) {
	for _, env := range []string{"GOGC", "GOMEMLIMIT"} {
		t.Run(env, func(t *testing.T) {
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(env, "50")
			defer debug.SetGCPercent(debug.SetGCPercent(77))
			Start()
			if got := gogc(); got != 77 {
				t.Fatalf("with %s set, GOGC = %d after Start, want it untouched (77)", env, got)
			}
		})
	}
}

// TestStartRetunes checks that a collection re-tunes GOGC from the live
// heap: with a large live heap it falls back to Go's default.
func TestStartRetunes(t *testing.T) {
	t.Setenv("GOGC", "")
	t.Setenv("GOMEMLIMIT", "")
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	Start()
	if gogc() != Max {
		t.Fatalf("GOGC after Start = %d, want %d", gogc(), Max)
	}
	keep := make([]byte, Target) // live past Target
	for i := range keep {
		keep[i] = byte(i)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		runtime.GC()
		time.Sleep(10 * time.Millisecond) // the finalizer runs on its own goroutine
		if gogc() == Min {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GOGC not re-tuned to %d with %d MiB live", Min, len(keep)>>20)
		}
	}
	runtime.KeepAlive(keep)
}

func gogc() uint64 {
	s := []metrics.Sample{{Name: "/gc/gogc:percent"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}
