package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/host/internal/table"
	"github.com/clvkit/clvkit/internal/quote"
	"github.com/clvkit/clvkit/internal/textenc"
)

// sink is where a table goes: a path ("-" for stdout), its format, the
// decimals of its floats and the formula guard of its CSV text cells.
type sink struct {
	Path      string
	Format    string
	Precision int
	Guard     textenc.Guard
}

func (s sink) format() (table.Format, error) {
	if s.Format != "" {
		return table.ParseFormat(s.Format)
	}
	if s.Path == "-" {
		return table.CSV, nil
	}
	f, err := table.FormatFromPath(s.Path)
	if err != nil {
		return 0, fmt.Errorf("output: %w (--out-format or output.format)", err)
	}
	return f, nil
}

// encodeResult writes the scored customers as a table to out: rows in the
// result's order (sorted by id), columns in the result's order, every number
// at the sink's fixed precision; in CSV, formula-like label cells (and ids,
// under all_text) neutralised by the sink's guard.
func encodeResult(out io.Writer, res *score.Result, s sink) error {
	f, err := s.format()
	if err != nil {
		return err
	}
	cols := []table.Column{{Name: "customer_id", Kind: table.String, ID: true}}
	for _, c := range res.Columns {
		switch {
		case c.Labels != nil:
			cols = append(cols, table.Column{Name: c.Name, Kind: table.String})
		case c.Integer:
			cols = append(cols, table.Column{Name: c.Name, Kind: table.Int})
		default:
			cols = append(cols, table.Column{Name: c.Name, Kind: table.Float, Precision: s.Precision})
		}
	}
	w, err := table.Create(out, f, cols, s.writeOptions())
	if err != nil {
		return err
	}
	row := make([]table.Value, len(cols))
	for i, id := range res.IDs {
		row[0] = table.StringValue(id)
		for k, c := range res.Columns {
			switch {
			case c.Labels != nil:
				row[k+1] = table.StringValue(c.Labels[i])
			case c.Integer:
				row[k+1] = table.IntValue(int64(c.Floats[i]))
			default:
				row[k+1] = table.FloatValue(c.Floats[i])
			}
		}
		if err := w.WriteRow(row); err != nil {
			return fmt.Errorf("customer %s: %w", quote.Value(id), err)
		}
	}
	return w.Close()
}

// writeOptions are the table options of the sink: gzip by file name, and
// the formula guard.
func (s sink) writeOptions() table.WriteOptions {
	return table.WriteOptions{Gzip: s.Path != "-" && table.Gzipped(s.Path), FormulaGuard: s.Guard}
}

func sha256Hex(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
