package main

// The PostgreSQL scale benchmark: a generated transaction table (10M rows,
// 1M customers by default) scored three ways, each timed with clv's peak
// memory (the child's rusage). It is slow (minutes) and needs a server, so
// it runs only when asked:
//
//	make bench-postgres                               # 10M rows
//	CLV_BENCH_PG_ROWS=2000000 make bench-postgres     # a smaller table
//
// docs/warehouse/postgres.md has the figures and what they say for 1B rows.

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/sqlgen"
	"github.com/clvkit/clvkit/internal/pgtest"
)

// benchPostgresEnv sets the table's rows and turns the benchmark on.
const benchPostgresEnv = "CLV_BENCH_PG_ROWS"

// benchScaleConfig is the scoring of the benchmark: BG/NBD and
// Gamma-Gamma at the day grain in weeks, RFM and segments, no formulas.
const benchScaleConfig = `[input]
%s
[input.columns]
customer = "customer_id"
date = "date"
amount = "amount"

[time]
grain = "day"
unit = "week"
observation_end = "2021-12-31"

[model]
purchase = "bgnbd"
spend = "gammagamma"

[output]
%s
`

func BenchmarkPostgresScale(b *testing.B) {
	rowsText := os.Getenv(benchPostgresEnv)
	if rowsText == "" {
		b.Skip(benchPostgresEnv + " is not set: `make bench-postgres` runs this benchmark (10M rows)")
	}
	rows, err := strconv.Atoi(rowsText)
	if err != nil || rows < 1000 {
		b.Fatalf("%s=%q: want a number of rows, at least 1000", benchPostgresEnv, rowsText)
	}
	customers := rows / 10
	// A server of its own, with more memory for sorts than the tests'.
	c, err := pgtest.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer c.Stop()
	db := c.NewDatabase(b)
	db.Exec(b, "ALTER DATABASE "+db.Name+" SET work_mem = '256MB'")
	db.Exec(b, "ALTER DATABASE "+db.Name+" SET max_parallel_workers_per_gather = 2")

	// The table: row i belongs to customer i mod C (ids 1..C as text), on
	// one of 1,461 days of 2018–2021 and for an amount of 1.00–100.99, both
	// spread by multiplicative hashing so customers' histories differ.
	start := time.Now()
	db.Exec(b, "CREATE TABLE tx (customer_id text NOT NULL, date date NOT NULL, amount numeric(12,2) NOT NULL)")
	db.Exec(b, fmt.Sprintf(`INSERT INTO tx
		SELECT (i %% %d + 1)::text,
		       DATE '2018-01-01' + ((i::bigint * 2654435761) %% 1461)::int,
		       1 + ((i::bigint * 40503) %% 10000) / 100.0
		FROM generate_series(0, %d) AS i`, customers, rows-1))
	db.Exec(b, "ANALYZE tx")
	b.Logf("generated %d rows, %d customers in %.1fs", rows, customers, time.Since(start).Seconds())

	tmp := b.TempDir()
	writeCfg := func(name, input, output string) string {
		p := filepath.Join(tmp, name)
		if err := os.WriteFile(p, []byte(fmt.Sprintf(benchScaleConfig, input, output)), 0o644); err != nil {
			b.Fatal(err)
		}
		return p
	}
	url := db.URL()
	type step struct {
		name  string
		secs  float64
		rssMB float64
	}
	var steps []step
	run := func(name string, args ...string) {
		r := invocation{args: args}.exec(b)
		if r.code != 0 {
			b.Fatalf("%s: exit %d\n%s", name, r.code, r.stderr)
		}
		steps = append(steps, step{name, r.elapsed.Seconds(), float64(r.maxRSSKB) / 1024})
	}
	b.ResetTimer()
	for range b.N {
		steps = steps[:0]
		// (a) the summary in the database, fit and score in clv, the
		// scores written back to a table.
		pushCfg := writeCfg("push.toml", fmt.Sprintf("url = %q\ntable = \"tx\"", url),
			fmt.Sprintf("url = %q\ntable = \"clv_scores\"\nif_exists = \"replace\"", url))
		run("a_pushdown", "score", "--config", pushCfg, "--quiet")
		// (a1) the summary query alone, drained by the database.
		week, err := summary.ParseUnit("week")
		if err != nil {
			b.Fatal(err)
		}
		q, err := sqlgen.Summary(sqlgen.Options{Dialect: sqlgen.Postgres, Table: "tx", Customer: "customer_id", Date: "date", Amount: "amount",
			Grain: summary.Day, Unit: week, ObservationEnd: time.Date(2021, 12, 31, 0, 0, 0, 0, time.UTC), Revenue: true, Inline: true})
		if err != nil {
			b.Fatal(err)
		}
		t0 := time.Now()
		conn := db.Connect(b)
		if _, err := conn.Exec(context.Background(), "CREATE TEMP TABLE s AS "+q.SQL); err != nil {
			b.Fatal(err)
		}
		conn.Close(context.Background())
		steps = append(steps, step{"a1_summary_query_in_database", time.Since(t0).Seconds(), 0})
		// (b) COPY the table to a CSV file, then clv score on the file.
		csvPath := filepath.Join(tmp, "tx.csv")
		t0 = time.Now()
		copyOut := db.Psql("-c", fmt.Sprintf(`\copy tx TO '%s' WITH (FORMAT csv, HEADER true)`, csvPath))
		if out, err := copyOut.CombinedOutput(); err != nil {
			b.Fatalf("psql \\copy: %v\n%s", err, out)
		}
		steps = append(steps, step{"b1_copy_to_csv", time.Since(t0).Seconds(), 0})
		fileCfg := writeCfg("file.toml", fmt.Sprintf("path = %q", csvPath), fmt.Sprintf("path = %q", filepath.Join(tmp, "file_scores.csv")))
		run("b2_score_csv_file", "score", "--config", fileCfg, "--quiet")
		// (c) every raw row read by clv (a query, streamed as CSV).
		rawCfg := writeCfg("raw.toml", fmt.Sprintf("url = %q\nquery = \"SELECT customer_id, date, amount FROM tx\"", url),
			fmt.Sprintf("path = %q", filepath.Join(tmp, "raw_scores.csv")))
		run("c_raw_rows", "score", "--config", rawCfg, "--quiet")
		os.Remove(csvPath)
	}
	b.StopTimer()
	for _, s := range steps {
		b.ReportMetric(s.secs, s.name+"_s")
		if s.rssMB > 0 {
			b.ReportMetric(s.rssMB, s.name+"_peakMB")
		}
		b.Logf("%-30s %8.1f s  %8.0f MB peak RSS (clv)", s.name, s.secs, s.rssMB)
	}
	b.Logf("per customer: (a) %.2f µs end to end, (a1) %.2f µs in the database; (b2) %.2f µs, (c) %.2f µs",
		steps[0].secs/float64(customers)*1e6, steps[1].secs/float64(customers)*1e6, steps[3].secs/float64(customers)*1e6, steps[4].secs/float64(customers)*1e6)
}
