package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/host/internal/atomicfile"
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
	if err != nil && atomicfile.WritesInPlace(s.Path) {
		// A device or pipe (/dev/stdout, a FIFO) has no extension to go
		// by: CSV, as for "-".
		return table.CSV, nil
	}
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

// defaultLockWait is how long a run waits by default for another clv run
// writing the same output to finish.
const defaultLockWait = 30 * time.Second

// flagValue is a string flag's name and value, for emptyFlag.
type flagValue struct{ name, v string }

// emptyFlag returns an error for the first of flags that was given on the
// command line (set holds the names given) with an empty value: an empty
// flag is a mistake, not a request for the default. then ends the
// advice ("", " for its default", " to keep the config's").
func emptyFlag(set map[string]bool, then string, flags ...flagValue) error {
	for _, f := range flags {
		if set[f.name] && f.v == "" {
			return fmt.Errorf("--%s is empty: give a value, or leave the flag out%s", f.name, then)
		}
	}
	return nil
}

// lockWaitFlag registers --lock-wait, shared by the commands that write
// files.
func lockWaitFlag(fs *flag.FlagSet) *time.Duration {
	return fs.Duration("lock-wait", defaultLockWait, lockWaitUsage)
}

// lockWaitUsage is the --help text of --lock-wait.
const lockWaitUsage = "if another clv run is writing the same output, wait this long for it (e.g. 0s, 30s, 10m) before giving up with exit 1"

// guardOutputs runs before any data is read: it refuses an output that is
// one of the run's inputs or another of its outputs (through symbolic or
// hard links), then locks the outputs against other clv runs, waiting up to
// wait for one that holds them and saying so on stderr.
func guardOutputs(ctx context.Context, e *env, wait time.Duration, outputs, inputs []atomicfile.Named) error {
	if err := atomicfile.CheckDistinct(outputs, inputs); err != nil {
		return err
	}
	paths := make([]string, len(outputs))
	for i, o := range outputs {
		paths[i] = o.Path
	}
	opt := atomicfile.LockOptions{Wait: wait, OnWait: func(out string, h atomicfile.Holder) {
		fmt.Fprintf(e.stderr, "clv: %s is being written by another run, %s; waiting up to %s (--lock-wait)\n", out, h, wait)
	}}
	err := e.files.Lock(ctx, opt, paths...)
	var le *atomicfile.LockedError
	if errors.As(err, &le) {
		return fmt.Errorf("%w; try again when it has finished, or wait longer with --lock-wait", err)
	}
	return err
}
