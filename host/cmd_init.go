package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/clvkit/clvkit/host/internal/atomicfile"
	"github.com/clvkit/clvkit/host/internal/config"
	"github.com/clvkit/clvkit/host/internal/table"
	"github.com/clvkit/clvkit/internal/quote"
)

func initCommand() command {
	return command{
		name:    "init",
		summary: "write a commented clv.toml: a starter, or one fitted to your order export (--from)",
		usage: `Usage: clv init [--out FILE] [--force] [--from ORDERS.csv [--observation-end YYYY-MM-DD]]

Writes a starter configuration with every setting explained. Edit the input
path, the column names and the observation end, then run clv score.

With --from, reads your order export instead and writes a config for it: the
customer, date and amount columns (quantity × unit price when there is no
order total), the date and amount formats as detected (written out, not
"auto", so runs reproduce; both readings when the dates are ambiguous), a
returns rule (invoices numbered C…, a "refunded" status), guest checkouts
left out (empty ids, placeholders such as "(blank)"), cancelled orders left
out, a commented where rule for test orders, and the last date of the data as
the observation end. Each guess has a note in the file. The formats and
columns are detected as the calculator page detects them (core/detect, from
the first 5000 lines); the dates and the special rows from every row.
Delimited text only (CSV, ; | tab or whitespace separated, gzip allowed).

Examples:
  clv init
  clv init --out client-a.toml
  clv init --out -        # print it
  clv init --from orders.csv --out orders.toml
  clv init --from orders.csv --observation-end 1997-12-31 --out - > late.toml

` + formatsHelp(),
		flags: func(fset *flag.FlagSet) func(context.Context, *env, []string) error {
			out := fset.String("out", "clv.toml", "file to write, or - for stdout")
			force := fset.Bool("force", false, "overwrite an existing file")
			from := fset.String("from", "", "an order export (CSV) to write the config for")
			obsEnd := fset.String("observation-end", "", "with --from: the last day of the data to use, YYYY-MM-DD (default: the last date in the file)")
			lockWait := lockWaitFlag(fset)
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("takes no arguments, got %s (use --out FILE, --from ORDERS.csv)", quote.List(args))
				}
				if *obsEnd != "" && *from == "" {
					return errors.New("--observation-end needs --from")
				}
				text := config.Starter
				var g *orderGuess
				if *from != "" {
					var err error
					if g, err = guessFromFile(e, *from, *obsEnd); err != nil {
						return err
					}
					var b bytes.Buffer
					if err := g.writeConfig(&b, inputPathFor(*from, *out), scoresPathFor(*from)); err != nil {
						return err
					}
					text = b.String()
				}
				if *out == "-" {
					_, err := fmt.Fprint(e.stdout, text)
					if g != nil {
						fmt.Fprintln(e.stderr, g.summaryLine())
					}
					return err
				}
				if _, err := os.Stat(*out); err == nil && !*force {
					return fmt.Errorf("%s already exists; use --force to overwrite it", *out)
				} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
				var inputs []atomicfile.Named
				if *from != "" {
					inputs = append(inputs, atomicfile.Named{What: "--from", Path: *from})
				}
				if err := guardOutputs(ctx, e, *lockWait, []atomicfile.Named{{What: "--out", Path: *out}}, inputs); err != nil {
					return err
				}
				if err := writeAtomic(e, *out, func(w io.Writer) error { _, err := io.WriteString(w, text); return err }); err != nil {
					return err
				}
				if g != nil {
					fmt.Fprintln(e.stderr, g.summaryLine())
					fmt.Fprintf(e.stderr, "wrote %s; check its notes (# guess:), then run: clv score --config %s\n", *out, *out)
					return nil
				}
				fmt.Fprintf(e.stderr, "wrote %s; edit [input] and [time], then run: clv score --config %s\n", *out, *out)
				return nil
			}
		},
	}
}

// guessFromFile opens the export (gzip is read through) and guesses its
// config. Only delimited text is read.
func guessFromFile(e *env, path, obsEnd string) (*orderGuess, error) {
	src := source{Path: path}
	if path == "-" {
		return nil, errors.New("--from -: give a file (the config names it as its input)")
	}
	if f, err := src.format(); err == nil && f != table.CSV {
		return nil, fmt.Errorf("--from %s: clv init --from reads delimited text (CSV); for JSON Lines or Parquet use plain clv init and set the columns", path)
	}
	r, closeFn, _, err := src.open(e, nil)
	if err != nil {
		return nil, fmt.Errorf("--from %s: %w", path, err)
	}
	defer closeFn()
	return guessOrders(path, r, obsEnd)
}

// inputPathFor writes the export's path as the config must name it:
// relative to the config's folder (where clv resolves it), or as given
// when the config goes to stdout.
func inputPathFor(from, out string) string {
	if out == "-" {
		return filepath.ToSlash(from)
	}
	absFrom, err1 := filepath.Abs(from)
	absDir, err2 := filepath.Abs(filepath.Dir(out))
	if err1 != nil || err2 != nil {
		return from
	}
	rel, err := filepath.Rel(absDir, absFrom)
	if err != nil {
		return absFrom
	}
	return filepath.ToSlash(rel)
}

// scoresPathFor names the scores after the export: orders.csv gives
// orders_scores.csv, beside the config.
func scoresPathFor(from string) string {
	base := filepath.Base(from)
	for _, ext := range []string{".gz", ".csv", ".tsv", ".txt"} {
		base = strings.TrimSuffix(base, ext)
	}
	return base + "_scores.csv"
}
