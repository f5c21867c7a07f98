package main

// PostgreSQL in and out: input.url (with input.table or input.query) and
// output.url (with output.table). A transaction table's summary is computed
// in the database by the query host/internal/sqlgen writes, so only one row
// per customer crosses the wire; a query's result, or a summary table, is
// read as CSV (COPY … TO STDOUT) through the same readers as a file. The
// connection, the read-only transactions and the swap of the output table
// are in host/internal/pgio.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/pgio"
	"github.com/clvkit/clvkit/internal/textenc"
)

// dbInput is a PostgreSQL input: a URL and a table or a read-only query.
type dbInput struct {
	URL, Table, Query string
}

// databaseRecord is the manifest's record of what a run read from a
// database: where (never the password), the query, the server's version
// and a hash of the rows read (pgio.RowHash for the summary computed in
// the database, else the SHA-256 of the CSV that COPY sent).
type databaseRecord struct {
	Host          string   `json:"host"`
	Port          int      `json:"port"`
	Database      string   `json:"database"`
	Table         string   `json:"table,omitempty"`
	Query         string   `json:"query"`
	QueryArgs     []string `json:"query_args,omitempty"`
	ServerVersion string   `json:"server_version"`
	// SummaryInDatabase is true when the summary was computed by the
	// database (a transactions table) and the rows read are its rows.
	SummaryInDatabase bool   `json:"summary_in_database"`
	Rows              int    `json:"rows"`
	RowsSHA256        string `json:"rows_sha256"`
}

// tableRecord is the manifest's record of an output table.
type tableRecord struct {
	Host          string `json:"host"`
	Port          int    `json:"port"`
	Database      string `json:"database"`
	Table         string `json:"table"`
	IfExists      string `json:"if_exists"`
	ServerVersion string `json:"server_version"`
}

func newDatabaseRecord(c *pgio.Conn) *databaseRecord {
	return &databaseRecord{Host: c.Host, Port: c.Port, Database: c.Database, ServerVersion: c.ServerVersion}
}

// connectInput connects to the input database.
func (d *dbInput) connect(ctx context.Context) (*pgio.Conn, error) {
	c, err := pgio.Connect(ctx, d.URL)
	if err != nil {
		return nil, fmt.Errorf("input.url: %w", err)
	}
	return c, nil
}

// selectAll is the query that reads a whole table.
func selectAll(t pgio.Table) string { return "SELECT * FROM " + t.Quoted() }

// source returns the query d reads rows with: its query, or every row of
// its table.
func (d *dbInput) source() (string, error) {
	if d.Query != "" {
		return d.Query, nil
	}
	t, err := pgio.ParseTable(d.Table)
	if err != nil {
		return "", fmt.Errorf("input.table: %w", err)
	}
	return selectAll(t), nil
}

// copyReader runs COPY (query) TO STDOUT in the background and returns a
// reader of its CSV; wait returns what was read once the reader is
// drained or abandoned (abandon stops the copy).
func copyReader(ctx context.Context, c *pgio.Conn, query string) (r io.Reader, abandon func(error), wait func() (pgio.Read, error)) {
	pr, pw := io.Pipe()
	done := make(chan struct{})
	var read pgio.Read
	var err error
	go func() {
		defer close(done)
		read, err = c.CopyOut(ctx, query, pw)
		pw.CloseWithError(err)
	}()
	return pr, func(e error) { pr.CloseWithError(e) }, func() (pgio.Read, error) { <-done; return read, err }
}

// customersFromDB reads the job's database input as customers: a
// transactions table summarized in the database (pushdown), a query's
// transactions read row by row as a CSV file would be, or a summary table
// or query.
func (j *job) customersFromDB(ctx context.Context, e *env, p *progress) ([]summary.Customer, *summary.Summary, []int, error) {
	conn, err := j.db.connect(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	defer conn.Close()
	if j.cfg.Input.Kind == "transactions" && j.db.Table != "" {
		s, rec, err := pushdownSummary(ctx, conn, j.pushdownOptions(), j.time)
		if err != nil {
			return nil, nil, nil, err
		}
		j.dbRecord = rec
		j.formats = &inputFormats{DateFormat: j.input.DateFormat, AmountFormat: j.input.AmountFormat}
		customers := s.Customers
		s.Customers = nil
		return customers, &s, nil, nil
	}
	query, err := j.db.source()
	if err != nil {
		return nil, nil, nil, configErr(j.cfg, "input.table", err)
	}
	rec := newDatabaseRecord(conn)
	rec.Table, rec.Query = j.db.Table, query
	r, abandon, wait := copyReader(ctx, conn, query)
	src := j.input
	src.reader = r
	var customers []summary.Customer
	var sum *summary.Summary
	var lines []int
	if j.cfg.Input.Kind == "transactions" {
		var s summary.Summary
		var formats inputFormats
		s, formats, err = summarizeSource(ctx, e, inputFlags{src: src, cols: j.cols}, j.time, p)
		if err == nil {
			j.formats = &formats
			customers, s.Customers = s.Customers, nil
			sum = &s
		}
	} else {
		customers, lines, err = readSummary(e, src, j.cfg.Input.Columns)
	}
	abandon(errors.New("read stopped"))
	read, copyErr := wait()
	if copyErr != nil {
		// The database's error (a bad query, a missing table) is the cause
		// of whatever the reader said.
		return nil, nil, nil, fmt.Errorf("input: %w", copyErr)
	}
	if err != nil {
		return nil, nil, nil, j.ruleErr(err)
	}
	rec.Rows, rec.RowsSHA256 = read.Rows, read.SHA256
	j.dbRecord = rec
	return customers, sum, lines, nil
}

// readPushdown reads the rows of the summary query: customer_id,
// frequency, recency, T, monetary_value, revenue and, with a calibration
// end, frequency_holdout, monetary_value_holdout and duration_holdout, as
// text, into a Summary sorted as core/summary sorts it.
func readPushdown(ctx context.Context, conn *pgio.Conn, sql string, args []any, o summary.Options) (summary.Summary, pgio.Read, error) {
	s := summary.Summary{Grain: o.Grain, Unit: o.Unit, ObservationEnd: o.ObservationEnd, HasHoldout: !o.CalibrationEnd.IsZero()}
	if s.HasHoldout {
		s.ObservationEnd = o.CalibrationEnd
	}
	var idx map[string]int
	read, err := conn.Query(ctx, sql, args, func(cols []string, vals [][]byte) error {
		if idx == nil {
			idx = map[string]int{}
			for i, c := range cols {
				idx[c] = i
			}
			for _, want := range summaryColumns(s.HasHoldout) {
				if _, ok := idx[want]; !ok {
					return fmt.Errorf("%s: the summary query returned no column %s (columns %v): a bug in clv's SQL", conn.Name, want, cols)
				}
			}
		}
		var c summary.Customer
		var err error
		num := func(name string) float64 {
			if err != nil {
				return 0
			}
			v := vals[idx[name]]
			if v == nil {
				err = fmt.Errorf("%s: customer %s: %s is NULL", conn.Name, c.ID, name)
				return 0
			}
			var f float64
			if f, err = strconv.ParseFloat(string(v), 64); err != nil {
				err = fmt.Errorf("%s: customer %s: %s %q: %w", conn.Name, c.ID, name, v, err)
			}
			return f
		}
		c.ID = string(vals[idx["customer_id"]])
		c.Frequency = int(num("frequency"))
		c.Recency, c.T, c.Monetary, c.Revenue = num("recency"), num("T"), num("monetary_value"), num("revenue")
		if s.HasHoldout {
			c.FrequencyHoldout = int(num("frequency_holdout"))
			c.MonetaryHoldout = num("monetary_value_holdout")
			s.DurationHoldout = num("duration_holdout")
		}
		if err != nil {
			return err
		}
		s.Customers = append(s.Customers, c)
		return nil
	})
	if err != nil {
		return s, read, err
	}
	ids := make([]string, len(s.Customers))
	for i, c := range s.Customers {
		ids[i] = c.ID
	}
	numeric := summary.AllIntegerIDs(ids)
	sortCustomers(s.Customers, numeric)
	s.Report.Customers = len(s.Customers)
	return s, read, nil
}

// summaryColumns are the columns readPushdown needs.
func summaryColumns(holdout bool) []string {
	cols := []string{"customer_id", "frequency", "recency", "T", "monetary_value", "revenue"}
	if holdout {
		cols = append(cols, "frequency_holdout", "monetary_value_holdout", "duration_holdout")
	}
	return cols
}

// scoreColumns are the output table's columns: the CSV's, typed text for
// ids and labels, bigint for counts and scores, numeric for the rest (the
// CSV's fixed-precision text, kept exactly).
func scoreColumns(res *score.Result) []pgio.Column {
	cols := []pgio.Column{{Name: "customer_id", Type: "text"}}
	for _, c := range res.Columns {
		switch {
		case c.Labels != nil:
			cols = append(cols, pgio.Column{Name: c.Name, Type: "text"})
		case c.Integer:
			cols = append(cols, pgio.Column{Name: c.Name, Type: "bigint"})
		default:
			cols = append(cols, pgio.Column{Name: c.Name, Type: "numeric"})
		}
	}
	return cols
}

// checkOutputTable runs before any data is read: it connects to
// output.url and, under if_exists = "fail", stops when the table exists.
func (j *job) checkOutputTable(ctx context.Context) error {
	if j.cfg.Output.URL == "" {
		return nil
	}
	t, err := pgio.ParseTable(j.cfg.Output.Table)
	if err != nil {
		return configErr(j.cfg, "output.table", err)
	}
	conn, err := pgio.Connect(ctx, j.cfg.Output.URL)
	if err != nil {
		return fmt.Errorf("output.url: %w", err)
	}
	defer conn.Close()
	if pgio.IfExists(j.cfg.Output.IfExists) == pgio.Replace {
		return nil
	}
	exists, err := conn.Exists(ctx, t)
	if err != nil {
		return err
	}
	if exists {
		return fmt.Errorf("output.url: %s: table %s exists (output.if_exists = \"fail\"): drop it, write another table, or set if_exists = \"replace\"", conn.Name, t)
	}
	return nil
}

// writeTable writes the scores into output.table: the CSV clv would write
// (no formula guard: a database is not a spreadsheet) copied into a
// staging table and swapped in. It returns the manifest's record of the
// table and the SHA-256 of the CSV.
func (r *scoring) writeTable(ctx context.Context) (*tableRecord, string, error) {
	cfg := r.job.cfg
	t, err := pgio.ParseTable(cfg.Output.Table)
	if err != nil {
		return nil, "", configErr(cfg, "output.table", err)
	}
	conn, err := pgio.Connect(ctx, cfg.Output.URL)
	if err != nil {
		return nil, "", fmt.Errorf("output.url: %w", err)
	}
	defer conn.Close()
	// The CSV is streamed into COPY as it is encoded, and hashed on the
	// way: it is never held whole.
	snk := r.job.output
	snk.Format, snk.Guard = "csv", textenc.GuardOff
	pr, pw := io.Pipe()
	h := sha256.New()
	encoded := make(chan error, 1)
	go func() {
		err := encodeResult(io.MultiWriter(pw, h), r.result, snk)
		pw.CloseWithError(err)
		encoded <- err
	}()
	_, err = conn.WriteTable(ctx, t, pgio.IfExists(cfg.Output.IfExists), scoreColumns(r.result), pr)
	stopped := errors.New("the copy stopped")
	pr.CloseWithError(stopped) // unblocks the encoder if COPY ended early
	if encErr := <-encoded; encErr != nil && !errors.Is(encErr, stopped) {
		return nil, "", encErr // the cause of the COPY's error
	}
	if err != nil {
		return nil, "", fmt.Errorf("output: %w", err)
	}
	return &tableRecord{Host: conn.Host, Port: conn.Port, Database: conn.Database, Table: t.String(),
		IfExists: cfg.Output.IfExists, ServerVersion: conn.ServerVersion}, hex.EncodeToString(h.Sum(nil)), nil
}

// sortCustomers sorts customers by id as core/summary does: numerically
// when every id is an integer, else bytewise.
func sortCustomers(cs []summary.Customer, numeric bool) {
	slices.SortFunc(cs, func(a, b summary.Customer) int { return summary.CompareIDs(a.ID, b.ID, numeric) })
}
