package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// benchStep is one program a process benchmark times.
type benchStep struct {
	name string
	inv  invocation
}

// benchRun is what interleaveRounds measured of one step: its fastest
// wall time and its largest peak resident memory over the rounds.
type benchRun struct {
	best    time.Duration
	peakRSS int64 // KB
}

// csvBaseline returns internal/csvbaseline (encoding/csv reading every
// record of a file), built once into buildDir: the in-run baseline of the
// process benchmarks.
func csvBaseline(b *testing.B) string {
	b.Helper()
	bin := filepath.Join(buildDir, "csvbaseline")
	if _, err := os.Stat(bin); err != nil {
		if err := goBuild(bin, "./internal/csvbaseline", nil); err != nil {
			b.Fatal(err)
		}
	}
	return bin
}

// interleaveRounds runs the steps in turn, three rounds of them, b.N
// times: the machine is shared, so each step's fastest round is the figure
// and steps see the same load. A step that exits non-zero fails the
// benchmark; logLine, when set, gives each round's log line (default: the
// step's name and time).
func interleaveRounds(b *testing.B, steps []benchStep, logLine func(round int, s benchStep, r result) string) map[string]benchRun {
	b.Helper()
	runs := map[string]benchRun{}
	b.ResetTimer()
	for range b.N {
		for round := 1; round <= 3; round++ {
			for _, s := range steps {
				r := s.inv.exec(b)
				if r.code != 0 {
					b.Fatalf("%s: exit code %d\n%s", s.name, r.code, r.stderr)
				}
				run, ok := runs[s.name]
				if !ok || r.elapsed < run.best {
					run.best = r.elapsed
				}
				run.peakRSS = max(run.peakRSS, r.maxRSSKB)
				runs[s.name] = run
				if logLine != nil {
					b.Logf("%s", logLine(round, s, r))
				} else {
					b.Logf("round %d %-16s %6.3fs", round, s.name, r.elapsed.Seconds())
				}
			}
		}
	}
	b.StopTimer()
	return runs
}
