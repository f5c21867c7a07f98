package main

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// Outcome is what one benchmark of a `go test -v -bench` run gave: its
// metrics (unit → value, from b.ReportMetric and the ns/op column), or why
// there are none.
type Outcome struct {
	// Metrics maps each unit of the result line to its value ("ns/op",
	// "fit-s", "lifetimes/clv", ...); nil when the benchmark gave no result.
	Metrics map[string]float64
	// Skipped and Failed say how a benchmark without a result ended;
	// Reason is its log (the b.Skip or b.Fatal message), trimmed.
	Skipped, Failed bool
	Reason          string
}

// resultLine is a benchmark's result: the name with its -GOMAXPROCS suffix,
// the iteration count, then value-unit pairs.
var resultLine = regexp.MustCompile(`^(Benchmark[^\s:,]*?)(?:-\d+)?\s+(\d+)\s+(.*\bns/op\b.*)$`)

// ParseBenchOutput reads the combined output of `go test -v -run '^$'
// -bench ...` (one or more packages) and returns each benchmark's outcome
// by name (without the -GOMAXPROCS suffix; sub-benchmarks keep their
// /path). A benchmark that was not run is absent. Lines that are none of a
// benchmark's are ignored, so output the benchmarks print themselves
// (stderr, b.Log) cannot be mistaken for a result unless it has the
// result's exact shape (name, count, value-unit pairs with ns/op).
func ParseBenchOutput(r io.Reader) (map[string]Outcome, error) {
	out := map[string]Outcome{}
	logs := map[string][]string{}
	current := ""
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), "\r")
		switch {
		case strings.HasPrefix(line, "--- SKIP: Benchmark"), strings.HasPrefix(line, "--- FAIL: Benchmark"):
			name := strings.Fields(line[len("--- SKIP: "):])[0]
			o := out[name]
			o.Skipped = strings.HasPrefix(line, "--- SKIP")
			o.Failed = !o.Skipped
			o.Reason = strings.TrimSpace(strings.Join(logs[name], "\n"))
			out[name] = o
		case strings.HasPrefix(line, "Benchmark"):
			if m := resultLine.FindStringSubmatch(line); m != nil {
				if metrics, err := parseMetrics(m[3]); err == nil {
					out[m[1]] = Outcome{Metrics: metrics}
					current = m[1]
					continue
				}
			}
			// -v prints a benchmark's name on a line of its own as it starts.
			if f := strings.Fields(line); len(f) == 1 {
				current = f[0]
			}
		case strings.HasPrefix(line, "    ") && current != "":
			logs[current] = append(logs[current], strings.TrimSpace(line))
		}
	}
	return out, sc.Err()
}

// parseMetrics parses the value-unit pairs of a result line, such as
// "8123 ns/op	0.51 fit-s	38.4 lifetimes/clv".
func parseMetrics(s string) (map[string]float64, error) {
	f := strings.Fields(s)
	if len(f)%2 != 0 {
		return nil, fmt.Errorf("result %q: values and units do not pair up", s)
	}
	m := make(map[string]float64, len(f)/2)
	for i := 0; i < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return nil, fmt.Errorf("result %q: value %q: %w", s, f[i], err)
		}
		m[f[i+1]] = v
	}
	return m, nil
}
