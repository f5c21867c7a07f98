package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/clvkit/clvkit/core/segment"
)

func segmentsCommand() command {
	return command{
		name:    "segments",
		summary: "check a segment map: clv segments lint [--config FILE]",
		usage: `Usage: clv segments lint [--config FILE]
       clv segments list

lint checks the segment rules of a config (or the default RFM map without
--config) and reports rules that can never match because earlier rules take
all their customers, overlaps between rules, and customers no rule covers.
Each finding is said in the rules' own terms: RFM codes for rules over r,
f, m or code, and ranges of the columns the rules read (clv, p_alive, ...)
for rules over those, such as "gap: no rule matches customers where
0.3 <= p_alive <= 0.5". It exits with 1 when it finds a problem, so CI can
run it.

list prints the default map: each segment, what it means and what to do.

Examples:
  clv segments lint --config clv.toml
  clv segments list`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			cfgPath := fs.String("config", "", "config whose [segmentation] rules to lint (default: the built-in RFM map)")
			return func(_ context.Context, e *env, args []string) error {
				if len(args) != 1 || (args[0] != "lint" && args[0] != "list") {
					return errors.New("give a subcommand: lint or list (see clv segments --help)")
				}
				if args[0] == "list" {
					for _, s := range segment.DefaultSegments() {
						fmt.Fprintf(e.stdout, "%s (%d codes)\n  %s\n  what to do: %s\n", s.Name, len(s.Codes), s.Description, s.Action)
					}
					return nil
				}
				m := segment.DefaultMap()
				what := "the default RFM map"
				if *cfgPath != "" {
					cfg, err := loadConfig(e, *cfgPath, nil)
					if err != nil {
						return err
					}
					j, err := prepare(cfg)
					if err != nil {
						return err
					}
					if j.options.Segments != nil {
						m, what = j.options.Segments, *cfgPath+" [segmentation]"
					}
				}
				findings := m.Lint()
				problems := 0
				for _, f := range findings {
					fmt.Fprintln(e.stdout, f.String())
					if f.Kind != segment.NotChecked && f.Kind != segment.Overlap {
						problems++
					}
				}
				if problems > 0 {
					noun := "problems"
					if problems == 1 {
						noun = "problem"
					}
					return fmt.Errorf("%s: %d %s (rules that never match, or customers no rule covers)", what, problems, noun)
				}
				fmt.Fprintf(e.stderr, "%s: %d rules, every rule can match and every RFM code is covered\n", what, len(m.Rules()))
				return nil
			}
		},
	}
}
