package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/clvkit/clvkit/host/internal/atomicfile"
	"github.com/clvkit/clvkit/host/internal/config"
	"github.com/clvkit/clvkit/internal/quote"
)

func initCommand() command {
	return command{
		name:    "init",
		summary: "write a commented starter clv.toml",
		usage: `Usage: clv init [--out FILE] [--force]

Writes a starter configuration with every setting explained. Edit the input
path, the column names and the observation end, then run clv score.

Examples:
  clv init
  clv init --out client-a.toml
  clv init --out -        # print it

` + formatsHelp(),
		flags: func(fset *flag.FlagSet) func(context.Context, *env, []string) error {
			out := fset.String("out", "clv.toml", "file to write, or - for stdout")
			force := fset.Bool("force", false, "overwrite an existing file")
			lockWait := lockWaitFlag(fset)
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("takes no arguments, got %s (use --out FILE)", quote.List(args))
				}
				if *out == "-" {
					_, err := fmt.Fprint(e.stdout, config.Starter)
					return err
				}
				if _, err := os.Stat(*out); err == nil && !*force {
					return fmt.Errorf("%s already exists; use --force to overwrite it", *out)
				} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
				if err := guardOutputs(ctx, e, *lockWait, []atomicfile.Named{{What: "--out", Path: *out}}, nil); err != nil {
					return err
				}
				if err := writeAtomic(e, *out, func(w io.Writer) error { _, err := io.WriteString(w, config.Starter); return err }); err != nil {
					return err
				}
				fmt.Fprintf(e.stderr, "wrote %s; edit [input] and [time], then run: clv score --config %s\n", *out, *out)
				return nil
			}
		},
	}
}
