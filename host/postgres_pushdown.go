package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/pgio"
	"github.com/clvkit/clvkit/host/internal/sqlgen"
)

// pushdownOptions is the summary query of the job's transaction table
// (input.table): its columns, time settings, returns rule and row rules,
// as `clv sql --dialect postgres` would write it, with the revenue column
// clv score's RFM and historic value need.
func (j *job) pushdownOptions() sqlgen.Options {
	in := j.cfg.Input
	return sqlgen.Options{Dialect: sqlgen.Postgres, Table: j.db.Table,
		Customer: j.cols.Customer, Date: j.cols.Date, Amount: j.cols.Amount,
		Grain: j.time.Grain, Unit: j.time.Unit, ObservationEnd: j.time.ObservationEnd, CalibrationEnd: j.time.CalibrationEnd,
		Returns: j.time.Returns, Rules: j.input.Rules, TimeZone: in.TimeZone, Revenue: true}
}

// pushdownSummary runs the summary query of o in the database and reads
// its rows (one per customer) into a Summary: the transactions never leave
// the database. The record says what was read, for the manifest.
func pushdownSummary(ctx context.Context, conn *pgio.Conn, o sqlgen.Options, so summary.Options) (summary.Summary, *databaseRecord, error) {
	o.Dialect, o.Revenue, o.Inline = sqlgen.Postgres, true, false
	q, err := sqlgen.Summary(o)
	if err != nil {
		var re *sqlgen.RuleError
		if errors.As(err, &re) {
			return summary.Summary{}, nil, fmt.Errorf("%s: %w", re.Rule, re.Err)
		}
		return summary.Summary{}, nil, fmt.Errorf("the summary query: %w", err)
	}
	s, read, err := readPushdown(ctx, conn, q.SQL, q.Args, so)
	if err != nil {
		return s, nil, err
	}
	rec := newDatabaseRecord(conn)
	rec.Table, rec.Query, rec.SummaryInDatabase = o.Table, q.SQL, true
	for _, a := range q.Args {
		switch v := a.(type) {
		case float64:
			rec.QueryArgs = append(rec.QueryArgs, strconv.FormatFloat(v, 'g', -1, 64))
		default:
			rec.QueryArgs = append(rec.QueryArgs, fmt.Sprint(v))
		}
	}
	rec.Rows, rec.RowsSHA256 = read.Rows, read.SHA256
	if len(s.Customers) == 0 {
		return s, nil, fmt.Errorf("%s: table %s: no customers with a purchase on or before %s", conn.Name, o.Table, so.ObservationEnd.Format("2006-01-02"))
	}
	return s, rec, nil
}

// summarizeInDatabase is clv summarize --input postgres://… --table T:
// the summary computed in the database, read row by row.
func summarizeInDatabase(ctx context.Context, in inputFlags, tableName, timeZone string, o summary.Options) (summary.Summary, error) {
	conn, err := pgio.Connect(ctx, in.src.Path)
	if err != nil {
		return summary.Summary{}, fmt.Errorf("--input: %w", err)
	}
	defer conn.Close()
	so := sqlgen.Options{Table: tableName, Customer: in.cols.Customer, Date: in.cols.Date, Amount: in.cols.Amount,
		Grain: o.Grain, Unit: o.Unit, ObservationEnd: o.ObservationEnd, CalibrationEnd: o.CalibrationEnd,
		Returns: o.Returns, Rules: in.src.Rules, TimeZone: timeZone}
	s, _, err := pushdownSummary(ctx, conn, so, o)
	return s, err
}
