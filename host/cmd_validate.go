package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/clvkit/clvkit/host/internal/table"
)

func validateCommand() command {
	return command{
		name:    "validate",
		summary: "check a config (keys, values, formulas, rules, input columns) without scoring",
		usage: `Usage: clv validate --config FILE

Checks everything clv score would check before doing any work: unknown or
misspelt keys (keys are case-sensitive) and wrong types (with their line),
values (a value given is never replaced by a default), formulas and segment
rules, the row rules (where, amount_expr, is_return: their names and types
against the input's header and first rows), column names (no formula or plugin column may take a built-in
column's name), that the input file exists and has the configured columns,
and that the output folder exists. Exit code 0 when the config is ready to
run.

Example:
  clv validate --config clv.toml`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			cfgPath := fs.String("config", "", "the clv.toml to check (required)")
			return func(ctx context.Context, e *env, args []string) error {
				if *cfgPath == "" || len(args) > 0 {
					return errors.New("give --config FILE (see clv validate --help)")
				}
				cfg, err := loadConfig(e, *cfgPath, nil)
				if err != nil {
					return err
				}
				j, err := prepare(cfg)
				if err != nil {
					return err
				}
				if err := j.checkInput(e); err != nil {
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
				fmt.Fprintf(e.stdout, "%s: ok (input %s, model %s, %d formula columns, %d plugins loaded and configured)\n",
					*cfgPath, j.input.displayName(), j.options.Purchase, len(j.options.Columns), len(j.plugins))
				return nil
			}
		},
	}
}

// checkInput opens the input and checks its header has the configured
// columns, without reading the data.
func (j *job) checkInput(e *env) error {
	if j.input.Path == "-" {
		return nil
	}
	f, err := j.input.format()
	if err != nil {
		return err
	}
	r, closeFn, _, err := j.input.open(e, nil)
	if err != nil {
		return configErr(j.cfg, "input.path", err)
	}
	defer closeFn()
	comma, ws, err := j.input.comma()
	if err != nil {
		return configErr(j.cfg, "input.delimiter", err)
	}
	if ws || j.input.NoHeader {
		return nil // positions are checked when the rows are read
	}
	tr, err := table.Open(r, j.input.displayName(), f, table.ReadOptions{Comma: comma})
	if err != nil {
		return err
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
		return configErr(j.cfg, "input.columns", err)
	}
	if j.cfg.Input.Kind == "transactions" && !j.input.Rules.IsZero() {
		// The rules' column types come from the first rows, as when scoring.
		if _, _, err := compileTableRules(tr, j.input.Rules); err != nil {
			return j.ruleErr(err)
		}
	}
	return nil
}
