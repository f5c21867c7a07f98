package main

import (
	"context"
	"errors"

	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/pgio"
)

// pushdown is what the summary query computed in the database needs: the
// table, its columns, the time settings and the row rules.
type pushdown struct {
	Table string
	Cols  transactionColumns
	Time  summary.Options
	Rules summary.RowRules
}

func (j *job) pushdownSpec() pushdown {
	return pushdown{Table: j.db.Table, Cols: j.cols, Time: j.time, Rules: j.input.Rules}
}

func pushdownSummary(ctx context.Context, conn *pgio.Conn, p pushdown) (summary.Summary, *databaseRecord, error) {
	return summary.Summary{}, nil, errors.New("TODO sqlgen")
}
