package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/clvkit/clvkit/core/detect"
	"github.com/clvkit/clvkit/host/internal/table"
)

func validateCommand() command {
	return command{
		name:    "validate",
		summary: "check a config (keys, values, formulas, rules, input columns) without scoring",
		usage: `Usage: clv validate [--config FILE] [--rows N]

Checks everything clv score checks before reading the data: unknown or
misspelt keys (keys are case-sensitive) and wrong types (with their line),
values (a value given is never replaced by a default), the calibration end
(on or before the observation end), the returns rule, input and output
formats, the date and amount formats (parsed as clv score parses them;
"auto" is detected on the input's first lines and the result printed),
formulas and segment rules, the row rules (where, amount_expr,
is_return: their names and types against the input's header and first
rows), column names (no formula or plugin
column may take a built-in column's name or another's), plugins (loaded,
their names and columns), that the input file exists and has the
configured columns, and that the output folder exists. Then it reads the
first rows of the input (--rows, 1000 by default) as clv score reads them,
so a customer id, date or amount there that score would stop at is
reported the same way, with its line. Without --config it checks
./clv.toml. Exit code 0 when the config is ready to run; 1 with the message
clv score would give.

Examples:
  clv validate --config clv.toml
  clv validate                       # ./clv.toml
  clv validate --config clv.toml --rows 100000

` + formatsHelp(),
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			cfgPath := fs.String("config", "", "the clv.toml to check (default: ./clv.toml, when it exists)")
			maxRows := fs.Int("rows", defaultValidateRows, "data rows of the input to read and check (0: all of them)")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("unexpected arguments %q: give --config FILE (see clv validate --help)", args)
				}
				if *maxRows < 0 {
					return fmt.Errorf("--rows %d: want 0 (all rows) or more", *maxRows)
				}
				if *cfgPath == "" {
					path, err := defaultConfig()
					if err != nil {
						return err
					}
					*cfgPath = path
				}
				cfg, err := loadConfig(e, *cfgPath, nil)
				if err != nil {
					return err
				}
				j, err := prepare(cfg)
				if err != nil {
					return err
				}
				formats, err := j.checkInput(e)
				if err != nil {
					return err
				}
				closePlugins, err := j.loadPlugins(ctx, e)
				defer closePlugins()
				if err != nil {
					return err
				}
				if p := j.output.Path; p != "-" {
					if st, err := os.Stat(filepath.Dir(p)); err != nil || !st.IsDir() {
						return configErr(cfg, "output.path", fmt.Errorf("folder of %s does not exist", p))
					}
				}
				rows := "not read (stdin)"
				if j.db != nil {
					rows = "not read (a database)"
				} else if j.input.Path != "-" {
					n, err := j.checkRows(ctx, e, *maxRows)
					if err != nil {
						return err
					}
					rows = fmt.Sprintf("%d rows checked", n)
				}
				fmt.Fprintf(e.stdout, "%s: ok (input %s: %s; model %s, %d formula columns, %d plugins loaded and configured)\n",
					*cfgPath, j.input.displayName(), rows, j.options.Purchase, len(j.options.Columns), len(j.plugins))
				if formats != nil {
					formats.report(e.stdout)
				}
				return nil
			}
		},
	}
}

// defaultValidateRows is how many data rows clv validate reads by default.
const defaultValidateRows = 1000

// checkInput opens the input and checks its header has the configured
// columns, without reading the data beyond the first lines: for a
// delimited transaction log with an "auto" format it detects the formats
// there, as clv score will, and returns them (nil otherwise).
func (j *job) checkInput(e *env) (*inputFormats, error) {
	if j.input.Path == "-" || j.db != nil {
		return nil, nil
	}
	f, err := j.input.format()
	if err != nil {
		return nil, err
	}
	r, closeFn, _, err := j.input.open(e, nil)
	if err != nil {
		return nil, configErr(j.cfg, "input.path", err)
	}
	defer closeFn()
	comma, ws, err := j.input.comma()
	if err != nil {
		return nil, configErr(j.cfg, "input.delimiter", err)
	}
	var formats *inputFormats
	if f == table.CSV && j.cfg.Input.Kind == "transactions" && j.input.needsDetection() {
		fm, all, err := resolveCSVFormats(r, j.input, j.cols)
		if err != nil {
			var ae *detect.AmbiguousError
			if errors.As(err, &ae) {
				return nil, configErr(j.cfg, "input."+ae.Key, err)
			}
			return nil, err
		}
		formats, r = &fm, all
	}
	if ws || j.input.NoHeader {
		return formats, nil // positions are checked when the rows are read
	}
	tr, err := table.Open(r, j.input.displayName(), f, table.ReadOptions{Comma: comma})
	if err != nil {
		return nil, err
	}
	c := j.cfg.Input.Columns
	want := []string{c.Customer}
	if j.cfg.Input.Kind == "transactions" {
		want = append(want, c.Date)
		if c.Amount != "" {
			want = append(want, c.Amount)
		}
	} else {
		want = append(want, c.Frequency, c.Recency, c.T)
	}
	if _, err := tr.Require(want...); err != nil {
		return nil, configErr(j.cfg, "input.columns", err)
	}
	if j.cfg.Input.Kind == "transactions" && !j.input.Rules.IsZero() {
		// The rules' column types come from the first rows, as when scoring.
		if _, _, err := compileTableRules(tr.Next, tr.Columns(), tr.Name(), j.input.Rules); err != nil {
			return formats, j.ruleErr(err)
		}
	}
	return formats, nil
}
