package main

// End-to-end tests of clv sql: the printed DuckDB query, run in a real
// DuckDB (host/internal/sqlgen/duckdbtest, a test-only Node runner),
// gives what clv summarize writes from the same data; --config takes the
// columns and time settings from clv.toml; bad flags are clear errors.

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/internal/textenc"
)

// TestSQLDuckDBMatchesSummarize: clv sql --dialect duckdb on the CDNOW
// demo (week grain and unit, calibration end, net returns), run in DuckDB,
// equals clv summarize's output byte for byte once the engine's doubles
// are written at clv's 6 decimals.
func TestSQLDuckDBMatchesSummarize(t *testing.T) {
	if os.Getenv("CLV_SKIP_DUCKDB") == "1" {
		t.Skip("CLV_SKIP_DUCKDB=1: skipped on purpose")
	}
	runner := filepath.Join(repoRoot, "host", "internal", "sqlgen", "duckdbtest")
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("needs Node.js and DuckDB: run `make deps` (or CLV_SKIP_DUCKDB=1 to skip)")
	}
	if _, err := os.Stat(filepath.Join(runner, "node_modules", "@duckdb", "node-api")); err != nil {
		t.Fatal("needs @duckdb/node-api: run `make deps` (or CLV_SKIP_DUCKDB=1 to skip)")
	}
	dir := t.TempDir()
	tx := filepath.Join(repoRoot, "examples", "cdnow", "transactions.csv")
	settings := []string{"--grain", "week", "--unit", "week", "--observation-end", "1997-09-30", "--calibration-end", "1997-06-30"}
	q := clv(t, append([]string{"sql", "--dialect", "duckdb", "--table", "tx", "--amount", "amount"}, settings...)...).mustOK(t, "clv sql")
	script := "CREATE TABLE tx AS SELECT * FROM read_csv('" + tx + "', header = true, columns = {'customer_id': 'VARCHAR', 'date': 'DATE', 'cds': 'INTEGER', 'amount': 'DECIMAL(10, 2)'})\n;\n-- result\n" +
		strings.TrimSuffix(strings.TrimSpace(q.stdout), ";") + "\n"
	file := filepath.Join(dir, "q.sql")
	writeFile(t, file, script)
	cmd := exec.Command(node, filepath.Join(runner, "run.mjs"), file)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("duckdb: %v\n%s", err, stderr.String())
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimSuffix(out.String(), "-- end\n"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var got strings.Builder
	for i, rec := range recs {
		for j, f := range rec {
			if j > 0 {
				got.WriteByte(',')
			}
			if i == 0 || j == 0 || j == 1 || j == 5 { // header, id, the frequencies
				got.WriteString(f)
				continue
			}
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				t.Fatalf("row %d: %v", i, err)
			}
			got.Write(textenc.AppendFloat(nil, v, 6))
		}
		got.WriteByte('\n')
	}
	want := clv(t, append([]string{"summarize", "--input", tx, "--amount", "amount", "--quiet"}, settings...)...).mustOK(t, "clv summarize")
	if got.String() != want.stdout {
		t.Errorf("DuckDB's result differs from clv summarize: %s", firstLineDiff([]byte(want.stdout), []byte(got.String())))
	}
	if n := strings.Count(want.stdout, "\n"); n != 2358 {
		t.Errorf("%d lines, want the header and CDNOW's 2357 customers", n)
	}
}

// TestSQLConfig: --config takes columns, rules and time settings from
// clv.toml, the same query as the flags; flags override it.
func TestSQLConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "clv.toml")
	writeFile(t, cfg, `[input]
path = "transactions.csv"
where = 'amount > 0'
returns = "drop"
time_zone = "Europe/Berlin"
[input.columns]
customer = "cust"
date = "ordered_at"
amount = "total"
[time]
grain = "month"
unit = "month"
observation_end = "1997-09-30"
calibration_end = "1997-06-30"
`)
	fromFlags := clv(t, "sql", "--dialect", "snowflake", "--table", "S.P.ORDERS", "--customer", "cust", "--date", "ordered_at", "--amount", "total",
		"--where", "amount > 0", "--returns", "drop", "--time-zone", "Europe/Berlin", "--grain", "month", "--unit", "month",
		"--observation-end", "1997-09-30", "--calibration-end", "1997-06-30").mustOK(t, "clv sql with flags")
	fromConfig := clv(t, "sql", "--config", cfg, "--dialect", "snowflake", "--table", "S.P.ORDERS").mustOK(t, "clv sql --config")
	if fromConfig.stdout != fromFlags.stdout {
		t.Errorf("--config gives another query than the same settings as flags: %s", firstLineDiff([]byte(fromFlags.stdout), []byte(fromConfig.stdout)))
	}
	for _, s := range []string{`CONVERT_TIMEZONE('Europe/Berlin', t."ordered_at")`, `"S"."P"."ORDERS"`, "AND is_return = 0", `AS "duration_holdout"`} {
		if !strings.Contains(fromConfig.stdout, s) {
			t.Errorf("the query lacks %s", s)
		}
	}
	over := clv(t, "sql", "--config", cfg, "--dialect", "snowflake", "--table", "S.P.ORDERS", "--grain", "week").mustOK(t, "clv sql --config --grain")
	if !strings.Contains(over.stdout, "DAYOFWEEKISO") {
		t.Error("--grain week over the config's month grain: no ISO week in the query")
	}
}

// TestSQLErrors: bad flags exit 1 with a message naming the flag, and
// print no SQL.
func TestSQLErrors(t *testing.T) {
	base := []string{"sql", "--table", "tx", "--unit", "week", "--observation-end", "1997-09-30"}
	for _, c := range []struct {
		name string
		args []string
		msg  string
	}{
		{"no dialect", base, "--dialect is required"},
		{"unknown dialect", append(base, "--dialect", "oracle"), `--dialect: dialect "oracle": want one of postgres, duckdb, bigquery, snowflake, spark, clickhouse`},
		{"no table", []string{"sql", "--dialect", "postgres", "--unit", "week", "--observation-end", "1997-09-30"}, "--table is required"},
		{"no unit", []string{"sql", "--dialect", "postgres", "--table", "tx", "--observation-end", "1997-09-30"}, "--unit is required"},
		{"bad date", append(base, "--dialect", "postgres", "--calibration-end", "1997-13-01"), "--calibration-end"},
		{"calibration after end", append(base, "--dialect", "postgres", "--calibration-end", "1998-01-01"), "calibration end 1998-01-01 is after observation end 1997-09-30"},
		{"bad where", append(base, "--dialect", "bigquery", "--where", `Country == `), "--where: expression: line 1, column 12"},
		{"text compared with a number", append(base, "--dialect", "bigquery", "--where", `Country == "UK" && lower(Country) > 1`), "--where: expression"},
		{"bad is_return", append(base, "--dialect", "spark", "--is-return", `x +`), "--is-return: expression"},
		{"amount and amount-expr", append(base, "--dialect", "spark", "--amount", "a", "--amount-expr", "q * p"), "not both"},
		{"backquote in a Spark name", append(base, "--dialect", "spark", "--customer", "a`b"), "customer column: name \"a`b\" holds a backquote"},
		{"bad returns", append(base, "--dialect", "duckdb", "--returns", "keep"), "--returns: unknown returns rule"},
		{"bad zone", append(base, "--dialect", "duckdb", "--time-zone", "Europe/Berlin'; DROP TABLE x"), "time zone"},
		{"empty table", append(base, "--dialect", "duckdb", "--table", ""), "--table is empty"},
		{"argument", append(base, "--dialect", "duckdb", "extra"), "unexpected arguments"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := clv(t, c.args...)
			if r.code != 1 || !strings.Contains(r.stderr, c.msg) || r.stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and %q", r.code, r.stdout, r.stderr, c.msg)
			}
		})
	}
}
