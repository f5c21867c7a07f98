package main

// End-to-end tests of issue 13's "nothing lost, nothing leaked" items:
// sums that overflow, ids that are not UTF-8, and inputs whose size must
// not reach stderr or memory (a 100 MB field, a 10-byte Parquet file that
// claimed a 4 GiB footer).

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// summarizeArgs are the summarize flags for a log with customer_id, date
// and amount columns.
func summarizeFileArgs(in, out string) []string {
	return []string{"summarize", "--input", in, "--out", out, "--amount", "amount",
		"--unit", "week", "--observation-end", "1997-09-30", "--quiet"}
}

// failsWith checks a run exited 1 with every want in stderr, no stack
// trace, and left no output file.
func failsWith(t *testing.T, r result, out string, want ...string) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("exit code %d, want 1\nstderr:\n%.2000s", r.code, r.stderr)
	}
	if strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "panic") {
		t.Errorf("stack trace on stderr:\n%.2000s", r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%.2000s", w, r.stderr)
		}
	}
	if out != "" {
		if _, err := os.Stat(out); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("a failed run left %s behind (stat: %v)", out, err)
		}
	}
}

// TestOverflowNamesCustomer: two amounts of 1.7e308 add up to +Inf. The
// run used to write an empty monetary_value cell and exit 0.
func TestOverflowNamesCustomer(t *testing.T) {
	tmp := t.TempDir()
	in := filepath.Join(tmp, "orders.csv")
	writeFile(t, in, "customer_id,date,amount\n"+
		"a,1997-01-01,10\na,1997-02-01,12\n"+
		"big,1997-01-01,1\nbig,1997-02-01,1.7e308\nbig,1997-03-01,1.7e308\n")
	for _, name := range []string{"summary.csv", "summary.jsonl", "summary.parquet"} {
		out := filepath.Join(tmp, name)
		r := clv(t, summarizeFileArgs(in, out)...)
		failsWith(t, r, out, in+`: customer "big": the sum of its amounts overflows`)
	}

	// Scoring the same log through a config fails the same way.
	cfg := copyCDNOW(t, tmp)
	data := string(readFile(t, filepath.Join(tmp, "transactions.csv")))
	writeFile(t, filepath.Join(tmp, "transactions.csv"), data+"0001,1997-05-01,1,1.7e308\n0001,1997-06-01,1,1.7e308\n")
	out := filepath.Join(tmp, "scores.csv")
	r := invocation{args: []string{"score", "--config", cfg, "--out", out}, dir: tmp}.exec(t)
	failsWith(t, r, out, `transactions.csv: customer "0001": the sum of its amounts overflows`)
}

// TestInvalidUTF8IDs: "Jos\xe9" and "Jos\xe8" (Latin-1 é and è) are two
// customers; JSON Lines output turned both into "Jos\uFFFD". Every input
// format now rejects such an id, naming the file, line and column.
func TestInvalidUTF8IDs(t *testing.T) {
	tmp := t.TempDir()
	csvIn := filepath.Join(tmp, "orders.csv")
	writeFile(t, csvIn, "customer_id,date,amount\nJos\xe9,1997-01-01,10\nJos\xe8,1997-01-02,20\n")
	jsonlIn := filepath.Join(tmp, "orders.jsonl")
	writeFile(t, jsonlIn, `{"customer_id":"ok","date":"1997-01-01","amount":5}`+"\n"+
		"{\"customer_id\":\"Jos\xe9\",\"date\":\"1997-01-01\",\"amount\":10}\n")
	surrogate := filepath.Join(tmp, "surrogate.jsonl")
	writeFile(t, surrogate, `{"customer_id":"a\ud800","date":"1997-01-01","amount":5}`+"\n")
	parquetIn := filepath.Join(tmp, "orders.parquet")
	type order struct {
		Customer string  `parquet:"customer_id"`
		Date     string  `parquet:"date"`
		Amount   float64 `parquet:"amount"`
	}
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[order](&buf)
	if _, err := w.Write([]order{{"ok", "1997-01-01", 5}, {"Jos\xe8", "1997-01-02", 20}}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, parquetIn, buf.String())

	tests := []struct {
		in   string
		want []string
	}{
		{csvIn, []string{csvIn + `: line 2: field "customer" (column "customer_id"): "Jos\xe9": customer id is not valid UTF-8`}},
		{jsonlIn, []string{jsonlIn + `:2: column "customer_id": JSON string: not valid UTF-8`}},
		{surrogate, []string{surrogate + `:1: column "customer_id": JSON string: not valid UTF-8`}},
		{parquetIn, []string{parquetIn + `:2: column "customer_id": "Jos\xe8": not valid UTF-8`}},
	}
	for _, tt := range tests {
		for _, outName := range []string{"s.csv", "s.jsonl", "s.parquet"} {
			out := filepath.Join(tmp, outName)
			r := clv(t, summarizeFileArgs(tt.in, out)...)
			failsWith(t, r, out, tt.want...)
		}
	}

	// A precomputed summary read by score: the same check.
	cfg := copyCDNOW(t, tmp)
	summary := filepath.Join(tmp, "summary.jsonl")
	writeFile(t, summary, "{\"customer_id\":\"Jos\xe9\",\"frequency\":1,\"recency\":2,\"T\":3,\"monetary_value\":4}\n")
	text := strings.Replace(string(readFile(t, cfg)), `path = "transactions.csv"`, "path = \"summary.jsonl\"\nkind = \"summary\"", 1)
	writeFile(t, cfg, text)
	out := filepath.Join(tmp, "scores.csv")
	r := invocation{args: []string{"score", "--config", cfg, "--out", out}, dir: tmp}.exec(t)
	failsWith(t, r, out, `summary.jsonl:1: column "customer_id": JSON string: not valid UTF-8`)
}

// TestHugeFieldNotEchoed: a 100 MB field was echoed whole to stderr (and
// the process reached 1 GB); errors now quote 200 bytes and the length.
func TestHugeFieldNotEchoed(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: writes 100 MB files")
	}
	tmp := t.TempDir()
	huge := strings.Repeat("9", 100<<20)
	if timeWrap == nil {
		t.Skip("no /usr/bin/time to measure the run's memory")
	}
	// Peak RSS measured with /usr/bin/time: before, 795 MB (CSV) and
	// 866 MB (JSON Lines) with 100 MB on stderr; now 282 MB and about
	// 600 MB (reading the line, then decoding it as JSON, each hold a copy).
	tests := []struct {
		name, text string
		want       string
		maxRSSMB   int64
	}{
		{"date field", "customer_id,date,amount\nc1," + huge + ",5\n", `line 2 (customer "c1"): field "date": parsing "999`, 450},
		{"header", "customer_id," + huge + ",amount\nc1,1997-01-01,5\n", `date column "date": not in the header ["customer_id" "999`, 450},
		{"amount field, JSON Lines", `{"customer_id":"c1","date":"1997-01-01","amount":"` + huge + `"}` + "\n", `:1: customer "c1": column "amount": "999`, 800},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := filepath.Join(tmp, "orders.csv")
			if strings.Contains(tt.name, "JSON") {
				in = filepath.Join(tmp, "orders.jsonl")
			}
			writeFile(t, in, tt.text)
			defer os.Remove(in)
			out := filepath.Join(tmp, "summary.csv")
			r := invocation{args: summarizeFileArgs(in, out), wrap: timeWrap}.exec(t)
			rssKB := r.timedRSS(t)
			failsWith(t, r, out, tt.want, "…(104857600 bytes)")
			if len(r.stderr) > 2000 {
				t.Errorf("stderr is %d bytes", len(r.stderr))
			}
			if rssKB>>10 > tt.maxRSSMB {
				t.Errorf("max RSS %d MB, want at most %d", rssKB>>10, tt.maxRSSMB)
			}
		})
	}
}

// TestTinyParquetFile: a 10-byte file whose last 8 bytes read as a 4 GiB
// footer length made parquet-go allocate 4 GiB: fatal out of memory, a
// stack trace, exit 2. It is now a one-line error.
func TestTinyParquetFile(t *testing.T) {
	tmp := t.TempDir()
	in := filepath.Join(tmp, "orders.parquet")
	writeFile(t, in, "PAR1\xff\xffPAR1")
	out := filepath.Join(tmp, "summary.csv")
	// Under a 3 GiB address-space limit, as on a small machine without
	// overcommit, the old 4 GiB allocation was fatal. (1 GiB was too
	// tight for the Go runtime's own reservations: about 1 start in 30
	// failed in runtime init, before any clv code ran.)
	limited := []string{"sh", "-c", `ulimit -v 3145728 && exec "$0" "$@"`}
	r := invocation{args: summarizeFileArgs(in, out), wrap: limited}.exec(t)
	failsWith(t, r, out, in+": invalid Parquet file: 10 bytes, too short for a Parquet file")
	if n := strings.Count(r.stderr, "\n"); n != 1 {
		t.Errorf("stderr has %d lines, want 1:\n%s", n, r.stderr)
	}
	// The fit command reads Parquet through the same reader.
	r = clv(t, "fit", "--model", "bgnbd", "--input", in)
	failsWith(t, r, "", in+": invalid Parquet file")
}

// timeWrap runs the binary under GNU time, which prints its peak RSS on the
// last line of stderr. The rusage of the process the test starts is no
// measure: a child started with vfork and exec keeps the parent's peak
// RSS (the test process, holding 100 MB strings) in its own.
var timeWrap = func() []string {
	if _, err := os.Stat("/usr/bin/time"); err != nil {
		return nil
	}
	return []string{"/usr/bin/time", "-f", "clv-max-rss-kb=%M"}
}()

// timedRSS removes timeWrap's last line from r.stderr and returns the
// peak RSS it reports, in KiB.
func (r *result) timedRSS(t *testing.T) int64 {
	t.Helper()
	s := strings.TrimRight(r.stderr, "\n")
	i := strings.LastIndex(s, "clv-max-rss-kb=")
	if i < 0 {
		t.Fatalf("no peak RSS from /usr/bin/time in stderr:\n%.2000s", r.stderr)
	}
	kb, err := strconv.ParseInt(s[i+len("clv-max-rss-kb="):], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	// GNU time also prints "Command exited with non-zero status N".
	rest := s[:i]
	if j := strings.LastIndex(rest, "Command exited with non-zero status"); j >= 0 {
		rest = rest[:j]
	}
	r.stderr = rest
	return kb
}
