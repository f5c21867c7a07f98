package main

// End-to-end tests of PostgreSQL in and out against a real server: a
// throwaway cluster started by internal/pgtest on first use (TestMain
// stops it), one fresh database per test. Without PostgreSQL installed
// these tests fail saying `make deps` installs it; CLV_SKIP_POSTGRES=1
// skips them on purpose.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/internal/pgtest"
	"github.com/clvkit/clvkit/internal/textenc"
)

// pgServer is the package's shared test server.
var pgServer pgtest.Lazy

// cdnowTransactions is the bundled CDNOW sample (examples/cdnow/README.md
// says where it comes from).
const cdnowTransactions = "examples/cdnow/transactions.csv"

// loadTransactions creates table name (customer_id text, date date, cds
// int, amount numeric) and copies a CSV of those columns into it.
func loadTransactions(t *testing.T, db *pgtest.Database, name, csvPath string) {
	t.Helper()
	db.Exec(t, fmt.Sprintf(`CREATE TABLE %q (customer_id text, date date, cds int, amount numeric)`, name))
	db.CopyCSV(t, name, filepath.Join(repoRoot, csvPath))
}

// pgConfig writes a config in dir: the CDNOW demo's settings (model,
// formulas, segments, tiers) with [input] and [output] replaced by the
// given tables' text, and returns its path.
func pgConfig(t *testing.T, dir, input, output string) string {
	t.Helper()
	text := string(readFile(t, filepath.Join(repoRoot, cdnowConfig)))
	in := strings.Index(text, "[input]")
	tm := strings.Index(text, "[time]")
	out := strings.Index(text, "[output]")
	if in < 0 || tm < 0 || out < 0 || !(in < tm && tm < out) {
		t.Fatalf("%s: no [input], [time] and [output] in that order", cdnowConfig)
	}
	text = text[:in] + input + "\n" + text[tm:out] + output + "\n"
	p := filepath.Join(dir, "clv.toml")
	writeFile(t, p, text)
	return p
}

// cdnowColumns is the demo's [input.columns].
const cdnowColumns = `[input.columns]
customer = "customer_id"
date = "date"
amount = "amount"`

// sortedLines returns the text's header and its other lines sorted, to
// compare a table read back (in no particular order) with a file.
func sortedLines(b []byte) string {
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	slices.Sort(lines[1:])
	return strings.Join(lines, "\n")
}

// TestPostgresQueryInput: transactions read with a read-only query give
// the same scores, byte for byte, as the file they were loaded from.
func TestPostgresQueryInput(t *testing.T) {
	db := pgServer.Database(t)
	loadTransactions(t, db, "tx", cdnowTransactions)
	tmp := t.TempDir()
	want, _ := scoreCDNOW(t, tmp, "file.csv", nil)
	cfg := pgConfig(t, tmp, fmt.Sprintf(`[input]
url = %q
query = "SELECT customer_id, date, amount FROM tx"
date_format = "YYYY-MM-DD"
%s`, db.URL(), cdnowColumns), `[output]
path = "db.csv"
precision = 6`)
	r := clv(t, "score", "--config", cfg).mustOK(t, "score from a query")
	got := readFile(t, filepath.Join(tmp, "db.csv"))
	if !bytes.Equal(got, want) {
		t.Fatalf("scores from the query differ from the file's: %s", firstLineDiff(want, got))
	}
	if !strings.Contains(r.stderr, "6919 rows") {
		t.Errorf("the report does not count the query's 6919 rows (the CSV's data rows):\n%s", r.stderr)
	}
	var m manifest
	if err := json.Unmarshal(readFile(t, filepath.Join(tmp, "db.csv.manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	if m.Database == nil || m.Database.Rows != 6919 || m.Database.Query != "SELECT customer_id, date, amount FROM tx" ||
		m.Database.Database != db.Name || m.Database.ServerVersion == "" || len(m.Database.RowsSHA256) != 64 || len(m.Inputs) != 0 {
		t.Errorf("manifest database record: %+v, inputs %v", m.Database, m.Inputs)
	}
}

// TestPostgresSummaryTable: a summary table (kind = "summary") scores as
// the summary file it was loaded from.
func TestPostgresSummaryTable(t *testing.T) {
	db := pgServer.Database(t)
	tmp := t.TempDir()
	sumFile := filepath.Join(tmp, "summary.csv")
	clv(t, "summarize", "--input", cdnowTransactions, "--amount", "amount", "--unit", "week",
		"--observation-end", "1997-09-30", "--out", sumFile, "--quiet").mustOK(t, "summarize")
	db.Exec(t, `CREATE TABLE cdnow_summary (customer_id text, frequency int, recency numeric, "T" numeric, monetary_value numeric)`)
	db.CopyCSV(t, "cdnow_summary", sumFile)
	fileCfg := pgConfig(t, tmp, fmt.Sprintf(`[input]
kind = "summary"
path = %q`, sumFile), `[output]
path = "file.csv"`)
	clv(t, "score", "--config", fileCfg, "--quiet").mustOK(t, "score the summary file")
	want := readFile(t, filepath.Join(tmp, "file.csv"))
	dbCfg := pgConfig(t, tmp, fmt.Sprintf(`[input]
kind = "summary"
url = %q
table = "cdnow_summary"`, db.URL()), `[output]
path = "db.csv"`)
	clv(t, "score", "--config", dbCfg, "--quiet").mustOK(t, "score the summary table")
	if got := readFile(t, filepath.Join(tmp, "db.csv")); !bytes.Equal(got, want) {
		t.Fatalf("scores from the summary table differ from the file's: %s", firstLineDiff(want, got))
	}
}

// TestPostgresOutputTable: scores written to a table hold the CSV's values
// (numeric and text, read back as the same text), a second run under
// if_exists = "fail" stops with a clear error and leaves the table alone,
// and under "replace" gives the same contents.
func TestPostgresOutputTable(t *testing.T) {
	db := pgServer.Database(t)
	tmp := t.TempDir()
	want, _ := scoreCDNOW(t, tmp, "file.csv", nil)
	cfg := func(ifExists string) string {
		return pgConfig(t, tmp, `[input]
path = "`+filepath.Join(repoRoot, cdnowTransactions)+`"
`+cdnowColumns, fmt.Sprintf(`[output]
url = %q
table = "analytics.clv_scores"
if_exists = %q
precision = 6
manifest = "run.manifest.json"`, db.URL(), ifExists))
	}
	db.Exec(t, "CREATE SCHEMA analytics")
	r := clv(t, "score", "--config", cfg("fail")).mustOK(t, "score into a table")
	if !strings.Contains(r.stderr, "→ table analytics.clv_scores of postgres://") {
		t.Errorf("the report does not name the table:\n%s", r.stderr)
	}
	readBack := func() []byte {
		out, err := db.Psql("-c", `COPY (SELECT * FROM analytics.clv_scores) TO STDOUT WITH (FORMAT csv, HEADER true)`).Output()
		if err != nil {
			t.Fatalf("psql: %v", err)
		}
		return out
	}
	got := readBack()
	if sortedLines(got) != sortedLines(want) {
		t.Fatalf("the table read back differs from the CSV: %s", firstLineDiff([]byte(sortedLines(want)), []byte(sortedLines(got))))
	}
	types, err := db.Psql("-At", "-c", `SELECT string_agg(column_name || ' ' || data_type, ', ' ORDER BY ordinal_position)
		FROM information_schema.columns WHERE table_schema = 'analytics' AND table_name = 'clv_scores'`).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"customer_id text", "frequency bigint", "recency numeric", "p_alive numeric", "segment text", "tier text", "r bigint"} {
		if !strings.Contains(string(types), want) {
			t.Errorf("column types %s: no %q", types, want)
		}
	}
	var m manifest
	if err := json.Unmarshal(readFile(t, filepath.Join(tmp, "run.manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	if m.OutputTable == nil || m.OutputTable.Table != "analytics.clv_scores" || m.Output.Rows != 2357 || m.Output.SHA256 != sha256Hex(want) {
		t.Errorf("manifest output: %+v %+v (want 2357 rows and the CSV's sha256)", m.Output, m.OutputTable)
	}
	// if_exists = "fail": exit 1 before reading, the table untouched.
	db.Exec(t, "UPDATE analytics.clv_scores SET segment = 'marked' WHERE customer_id = '0001'")
	r = clv(t, "score", "--config", cfg("fail"))
	if r.code != 1 || !strings.Contains(r.stderr, `table analytics.clv_scores exists (output.if_exists = "fail")`) {
		t.Fatalf("a second run under if_exists = fail: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if n, _ := db.Psql("-At", "-c", "SELECT count(*) FROM analytics.clv_scores WHERE segment = 'marked'").Output(); strings.TrimSpace(string(n)) != "1" {
		t.Fatalf("the failed run changed the table")
	}
	// replace: the same contents as the first run.
	clv(t, "score", "--config", cfg("replace"), "--quiet").mustOK(t, "score into a table, replace")
	if got := readBack(); sortedLines(got) != sortedLines(want) {
		t.Fatalf("after replace the table differs from the CSV: %s", firstLineDiff([]byte(sortedLines(want)), []byte(sortedLines(got))))
	}
	// A manifest of a database run is not re-run by clv verify, and says so.
	r = clv(t, "verify", filepath.Join(tmp, "run.manifest.json"))
	if r.code != 1 || !strings.Contains(r.stderr, "PostgreSQL database") {
		t.Errorf("clv verify of a database run: exit %d, %s", r.code, r.stderr)
	}
}

// TestPostgresCredentials: the password given in the URL, in PGPASSWORD
// or in a password file reaches the server and never appears in what clv
// prints or writes; a wrong password is a clear error without it.
func TestPostgresCredentials(t *testing.T) {
	db := pgServer.Database(t)
	loadTransactions(t, db, "tx", cdnowTransactions)
	password := db.Cluster.Password
	tmp := t.TempDir()
	query := `query = "SELECT customer_id, date, amount FROM tx"` + "\n" + cdnowColumns
	check := func(what string, r result, files ...string) {
		t.Helper()
		texts := map[string]string{"stdout": r.stdout, "stderr": r.stderr}
		for _, f := range files {
			texts[f] = string(readFile(t, f))
		}
		for name, text := range texts {
			if strings.Contains(text, password) {
				t.Errorf("%s: the password appears in %s", what, name)
			}
		}
	}
	// In the URL.
	cfg := pgConfig(t, tmp, "[input]\nurl = \""+db.URL()+"\"\n"+query, "[output]\npath = \"a.csv\"")
	r := clv(t, "score", "--config", cfg).mustOK(t, "password in the URL")
	check("password in the URL", r, filepath.Join(tmp, "a.csv"), filepath.Join(tmp, "a.csv.manifest.json"))
	// In PGPASSWORD.
	cfg = pgConfig(t, tmp, "[input]\nurl = \""+db.URLWithoutPassword()+"\"\n"+query, "[output]\npath = \"b.csv\"")
	r = invocation{args: []string{"score", "--config", cfg}, env: []string{"PGPASSWORD=" + password}}.exec(t).mustOK(t, "PGPASSWORD")
	check("PGPASSWORD", r)
	// In a password file.
	pass := filepath.Join(tmp, "pgpass")
	writeFile(t, pass, fmt.Sprintf("%s:%d:*:%s:%s\n", db.Cluster.Host, db.Cluster.Port, db.Cluster.User, password))
	os.Chmod(pass, 0o600)
	r = invocation{args: []string{"score", "--config", cfg, "--out", filepath.Join(tmp, "c.csv")}, env: []string{"PGPASSFILE=" + pass, "PGPASSWORD="}}.exec(t).mustOK(t, "PGPASSFILE")
	check("PGPASSFILE", r)
	// A wrong password: exit 1, the server's refusal, not the password.
	wrong := strings.Replace(db.URL(), password, "Wr0ngSecret", 1)
	cfg = pgConfig(t, tmp, "[input]\nurl = \""+wrong+"\"\n"+query, "[output]\npath = \"d.csv\"")
	r = clv(t, "score", "--config", cfg)
	if r.code != 1 || !strings.Contains(r.stderr, "password authentication failed") || strings.Contains(r.stderr, "Wr0ngSecret") {
		t.Errorf("a wrong password: exit %d, stderr:\n%s", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(tmp, "d.csv")); err == nil {
		t.Error("a failed run wrote its output")
	}
}

// TestPostgresErrors: a bad URL, a missing table, a bad query, a query
// that writes, a server that is not there: exit 1 and a message that says
// what is wrong.
func TestPostgresErrors(t *testing.T) {
	db := pgServer.Database(t)
	loadTransactions(t, db, "tx", cdnowTransactions)
	tmp := t.TempDir()
	unused := fmt.Sprintf("postgres://clv:pw@127.0.0.1:%d/nodb?sslmode=disable&connect_timeout=5", freeTCPPort(t))
	tests := []struct {
		name, input string
		want        []string
	}{
		{"table and query", fmt.Sprintf("url = %q\ntable = \"tx\"\nquery = \"SELECT 1\"", db.URL()), []string{"input.query: give input.table or input.query, not both"}},
		{"no table", fmt.Sprintf("url = %q", db.URL()), []string{"input.table: missing"}},
		{"not a URL", "url = \"mysql://x@y/z\"\ntable = \"tx\"", []string{"input.url: not a PostgreSQL URL"}},
		{"bad port", "url = \"postgres://u:pw@127.0.0.1:notaport/db\"\ntable = \"tx\"", []string{"not a PostgreSQL URL"}},
		{"no server", fmt.Sprintf("url = %q\nquery = \"SELECT 1\"", unused), []string{"input.url: connect to postgres://clv@127.0.0.1:", "/nodb"}},
		{"missing table", fmt.Sprintf("url = %q\nkind = \"summary\"\ntable = \"nosuch\"", db.URL()), []string{`relation "nosuch" does not exist`}},
		{"bad query", fmt.Sprintf("url = %q\nquery = \"SELEC customer_id FROM tx\"", db.URL()), []string{`syntax error at or near "SELEC"`}},
		{"query writes", fmt.Sprintf("url = %q\nquery = \"INSERT INTO tx VALUES ('x', '1997-01-01', 1, 1) RETURNING customer_id, date, amount\"", db.URL()), []string{"read-only transaction"}},
		{"missing column", fmt.Sprintf("url = %q\nquery = \"SELECT customer_id, date FROM tx\"", db.URL()), []string{"amount"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := pgConfig(t, t.TempDir(), "[input]\n"+tc.input+"\n"+cdnowColumns, "[output]\npath = \""+filepath.Join(tmp, "x.csv")+"\"")
			r := clv(t, "score", "--config", cfg)
			if r.code != 1 {
				t.Fatalf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr does not say %q:\n%s", w, r.stderr)
				}
			}
			if strings.Contains(r.stderr, db.Cluster.Password) || strings.Contains(r.stderr, ":pw@") {
				t.Errorf("the password appears in the error:\n%s", r.stderr)
			}
		})
	}
	if n, _ := db.Psql("-At", "-c", "SELECT count(*) FROM tx").Output(); strings.TrimSpace(string(n)) != "6919" {
		t.Errorf("tx has %s rows after the runs, want 6919: a query wrote", n)
	}
}

// freeTCPPort is a local port nothing listens on (for a while).
func freeTCPPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestPostgresEquivalence: the summary computed in the database (input
// table, kind = "transactions") gives the same bytes as the file path,
// for `clv summarize` and `clv score`, for every grain, with and without a
// calibration end, and with returns (net, drop, purchase) on a fixture of
// CDNOW customers with return rows; and `clv sql --dialect postgres` run
// through psql prints the same summary.
func TestPostgresEquivalence(t *testing.T) {
	db := pgServer.Database(t)
	loadTransactions(t, db, "tx", cdnowTransactions)
	returnsCSV := "host/testdata/postgres/returns.csv"
	db.Exec(t, `CREATE TABLE returns (customer_id text, date date, amount numeric)`)
	db.CopyCSV(t, "returns", filepath.Join(repoRoot, returnsCSV))
	type tcase struct {
		name, table, file, grain, calibration, returns string
	}
	var cases []tcase
	for _, g := range []string{"day", "week", "month"} {
		for _, cal := range []string{"", "1997-06-30"} {
			cases = append(cases, tcase{"cdnow/" + g + "/cal=" + cal, "tx", cdnowTransactions, g, cal, "net"})
		}
	}
	for _, rule := range []string{"net", "drop", "purchase"} {
		cases = append(cases, tcase{"returns/" + rule, "returns", returnsCSV, "week", "1997-06-30", rule})
	}
	cases = append(cases, tcase{"returns/net/day", "returns", returnsCSV, "day", "", "net"})
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tmp := t.TempDir()
			flags := []string{"--customer", "customer_id", "--date", "date", "--amount", "amount", "--unit", "week",
				"--grain", tc.grain, "--observation-end", "1997-09-30", "--returns", tc.returns, "--quiet"}
			if tc.calibration != "" {
				flags = append(flags, "--calibration-end", tc.calibration)
			}
			file := clv(t, append([]string{"summarize", "--input", tc.file}, flags...)...).mustOK(t, "summarize the file")
			fromDB := clv(t, append([]string{"summarize", "--input", db.URL(), "--table", tc.table}, flags...)...).mustOK(t, "summarize in the database")
			if fromDB.stdout != file.stdout {
				t.Errorf("clv summarize: the database's summary differs from the file's: %s", firstLineDiff([]byte(file.stdout), []byte(fromDB.stdout)))
			}
			// clv sql's query, run by psql, gives the same summary.
			sqlArgs := []string{"sql", "--dialect", "postgres", "--table", tc.table, "--customer", "customer_id", "--date", "date", "--amount", "amount",
				"--unit", "week", "--grain", tc.grain, "--observation-end", "1997-09-30", "--returns", tc.returns}
			if tc.calibration != "" {
				sqlArgs = append(sqlArgs, "--calibration-end", tc.calibration)
			}
			query := clv(t, sqlArgs...).mustOK(t, "clv sql")
			copyCmd := "COPY (" + strings.TrimSuffix(strings.TrimSpace(query.stdout), ";") + ") TO STDOUT WITH (FORMAT csv, HEADER true)"
			psqlOut, err := db.Psql("-c", copyCmd).Output()
			if err != nil {
				t.Fatalf("psql: %v", err)
			}
			if got := reformatSummary(t, psqlOut); got != file.stdout {
				t.Errorf("clv sql through psql differs from clv summarize: %s", firstLineDiff([]byte(file.stdout), []byte(got)))
			}
			// clv score: the same scores from the table as from the file
			// (scoring with a calibration end fits twice as long: once, at
			// the week grain, is enough to cover the holdout columns).
			if tc.calibration != "" && tc.grain != "week" {
				return
			}
			time := fmt.Sprintf("grain = %q\nunit = \"week\"\nobservation_end = \"1997-09-30\"\n", tc.grain)
			if tc.calibration != "" {
				time += fmt.Sprintf("calibration_end = %q\n", tc.calibration)
			}
			input := fmt.Sprintf("returns = %q\n%s", tc.returns, cdnowColumns)
			fileCfg := pgConfigTime(t, tmp, "file.toml", "[input]\npath = \""+filepath.Join(repoRoot, tc.file)+"\"\n"+input, time, "[output]\npath = \"file.csv\"")
			dbCfg := pgConfigTime(t, tmp, "db.toml", fmt.Sprintf("[input]\nurl = %q\ntable = %q\n", db.URL(), tc.table)+input, time, "[output]\npath = \"db.csv\"")
			clv(t, "score", "--config", fileCfg, "--quiet").mustOK(t, "score the file")
			r := clv(t, "score", "--config", dbCfg).mustOK(t, "score the table")
			want, got := readFile(t, filepath.Join(tmp, "file.csv")), readFile(t, filepath.Join(tmp, "db.csv"))
			if !bytes.Equal(got, want) {
				t.Errorf("clv score: the table's scores differ from the file's: %s", firstLineDiff(want, got))
			}
			if !strings.Contains(r.stderr, "summarized in the database") {
				t.Errorf("the report does not say the summary was computed in the database:\n%s", r.stderr)
			}
		})
	}
}

// reformatSummary rewrites a summary CSV that psql printed (PostgreSQL's
// shortest float text) at clv summarize's default precision, 6 decimals,
// through clv itself: it is read as a summary and written again.
func reformatSummary(t *testing.T, csvText []byte) string {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(csvText), "\n"), "\n")
	var b strings.Builder
	b.WriteString(lines[0] + "\n")
	for _, line := range lines[1:] {
		f := strings.Split(line, ",")
		for i := range f {
			if i == 0 || f[i] == "" {
				continue
			}
			if strings.Contains(lines[0], "frequency") && (i == 1 || (len(f) > 5 && i == 5)) {
				continue // frequency, frequency_holdout: integers
			}
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				t.Fatalf("psql printed %q in %q", f[i], line)
			}
			f[i] = string(textenc.AppendFloat(nil, v, 6))
		}
		b.WriteString(strings.Join(f, ",") + "\n")
	}
	return b.String()
}

// pgConfigTime is pgConfig with the [time] section's keys replaced too,
// written to dir/name.
func pgConfigTime(t *testing.T, dir, name, input, timeKeys, output string) string {
	t.Helper()
	p := pgConfig(t, dir, input, output)
	text := string(readFile(t, p))
	tm := strings.Index(text, "[time]")
	end := strings.Index(text[tm:], "\n[")
	text = text[:tm] + "[time]\n" + timeKeys + text[tm+end:]
	out := filepath.Join(dir, name)
	writeFile(t, out, text)
	return out
}

// TestExamplePostgres runs examples/postgres/run.sh against the test
// server: it loads the CDNOW sample with psql and scores it back into
// the table clv_scores, which must hold the demo's scores (those of
// examples/cdnow/clv.toml written to a file); a second run replaces the
// table with the same contents.
func TestExamplePostgres(t *testing.T) {
	db := pgServer.Database(t)
	want, _ := scoreCDNOW(t, t.TempDir(), "demo.csv", nil)
	env := append(os.Environ(), db.Env()...)
	env = append(env, "CLV="+clvBin, "PATH="+db.Cluster.BinDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	for run := 1; run <= 2; run++ {
		cmd := exec.Command("sh", filepath.Join(repoRoot, "examples", "postgres", "run.sh"))
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("run.sh (run %d): %v\n%s", run, err, out)
		}
		if !strings.Contains(string(out), "customers") {
			t.Errorf("run.sh printed no segment table:\n%s", out)
		}
		got, err := db.Psql("-c", "COPY (SELECT * FROM clv_scores) TO STDOUT WITH (FORMAT csv, HEADER true)").Output()
		if err != nil {
			t.Fatal(err)
		}
		if sortedLines(got) != sortedLines(want) {
			t.Fatalf("run %d: clv_scores differs from the demo's scores: %s", run, firstLineDiff([]byte(sortedLines(want)), []byte(sortedLines(got))))
		}
	}
}
