package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/clvkit/clvkit/core/formula"
	"github.com/clvkit/clvkit/internal/quote"
	"github.com/clvkit/clvkit/internal/suggest"
)

func formulasCommand() command {
	return command{
		name:    "formulas",
		summary: "list the built-in CLV formulas with their inputs, units and sources",
		usage: `Usage: clv formulas [--json] [NAME]

Lists every built-in formula, or one formula in detail. Shares (margin,
retention, churn, discount) are fractions: 0.3 means 30 %. All rates of one
formula are per the same period, stated with each input.

Examples:
  clv formulas
  clv formulas retention_a
  clv formulas --json > formulas.json`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			asJSON := fs.Bool("json", false, "print JSON")
			return func(_ context.Context, e *env, args []string) error {
				reg := formula.Builtin()
				list := reg.All()
				if len(args) > 1 {
					return fmt.Errorf("give at most one formula name, got %s", quote.List(args))
				}
				if len(args) == 1 {
					f, ok := reg.Lookup(args[0])
					if !ok {
						return unknownFormula(reg, args[0])
					}
					list = []formula.Formula{f}
				}
				if *asJSON {
					return printFormulasJSON(e.stdout, list)
				}
				for i, f := range list {
					if i > 0 {
						fmt.Fprintln(e.stdout)
					}
					printFormula(e.stdout, f, len(args) == 1)
				}
				if len(args) == 0 {
					fmt.Fprintln(e.stdout, "\nclv formulas NAME shows one in detail; clv eval NAME key=value... evaluates it.")
				}
				return nil
			}
		},
	}
}

// unknownFormula says that name is no formula, suggesting the nearest
// formula name when there is one (margin-clv: margin_clv).
func unknownFormula(reg *formula.Registry, name string) error {
	if s, _, ok := suggest.Closest(name, reg.IDs()); ok {
		return fmt.Errorf("unknown formula %s, did you mean %s? (clv formulas lists them)", quote.Value(name), s)
	}
	return fmt.Errorf("unknown formula %s; the formulas are: %s", quote.Value(name), strings.Join(reg.IDs(), ", "))
}

// nearestInput returns the input name k was meant to be: one a letter or
// two away, or the only one that starts with k (margin: margin_per_period).
func nearestInput(k string, names []string) (string, bool) {
	if s, _, ok := suggest.Closest(k, names); ok {
		return s, true
	}
	var found []string
	for _, n := range names {
		if strings.HasPrefix(n, k) {
			found = append(found, n)
		}
	}
	if len(found) == 1 {
		return found[0], true
	}
	return "", false
}

// sortedKeys returns the keys of m in order, for messages that do not
// depend on map order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func printFormula(w io.Writer, f formula.Formula, detail bool) {
	fmt.Fprintf(w, "%s: %s\n  %s = %s\n", f.ID, f.Name, f.ID, f.Text)
	for _, in := range f.Inputs {
		fmt.Fprintf(w, "    %-16s %s [%s], e.g. %s\n", in.Name, in.Label, in.Unit, strconv.FormatFloat(in.Default, 'f', -1, 64))
		if detail {
			fmt.Fprintf(w, "    %-16s %s\n", "", in.Description)
			if in.WhereToFind != "" {
				fmt.Fprintf(w, "    %-16s where to find it: %s\n", "", in.WhereToFind)
			}
		}
	}
	fmt.Fprintf(w, "  result: %s\n", f.Output)
	if detail {
		fmt.Fprintf(w, "  %s\n", f.Explanation)
		if f.Variant != "" {
			fmt.Fprintf(w, "  variant: %s\n", f.Variant)
		}
		fmt.Fprintf(w, "  source: %s\n", f.Source)
	}
}

type formulaJSON struct {
	ID          string      `json:"id"`
	Name        string      `json:"name"`
	Family      string      `json:"family"`
	Text        string      `json:"text"`
	Output      string      `json:"output_unit"`
	Explanation string      `json:"explanation"`
	Variant     string      `json:"variant,omitempty"`
	Source      string      `json:"source"`
	Inputs      []inputJSON `json:"inputs"`
}

type inputJSON struct {
	Name        string  `json:"name"`
	Label       string  `json:"label"`
	Unit        string  `json:"unit"`
	Default     float64 `json:"default"`
	Description string  `json:"description"`
	WhereToFind string  `json:"where_to_find,omitempty"`
}

func printFormulasJSON(w io.Writer, list []formula.Formula) error {
	out := make([]formulaJSON, 0, len(list))
	for _, f := range list {
		j := formulaJSON{ID: f.ID, Name: f.Name, Family: f.Family, Text: f.Text, Output: string(f.Output),
			Explanation: f.Explanation, Variant: f.Variant, Source: f.Source}
		for _, in := range f.Inputs {
			j.Inputs = append(j.Inputs, inputJSON{Name: in.Name, Label: in.Label, Unit: string(in.Unit),
				Default: in.Default, Description: in.Description, WhereToFind: in.WhereToFind})
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func evalCommand() command {
	return command{
		name:    "eval",
		summary: "evaluate one formula: clv eval NAME key=value...",
		usage: `Usage: clv eval NAME key=value... [--json]

Evaluates a built-in formula (see clv formulas) with your numbers and prints
the result with the formula written out. Inputs you leave out take their
example defaults, which the output says. NAME may also be an expression
over the given keys, such as "aov * frequency * 3".

Shares (margin, retention, churn) are fractions: 0.8 means 80 %. A value
with a % sign is a percent: retention=80% is 0.8. A bare retention=80 is an
error, not 8000 %.

Examples:
  clv eval margin_clv aov=100 frequency=3 lifespan=5 gross_margin=0.3
  clv eval margin_clv aov=100 frequency=3 lifespan=5 gross_margin=30%
  clv eval retention_a margin_per_period=100 retention=0.8 discount=0.1
  clv eval subscription_ltv arpa=50 gross_margin=0.8 churn=0.03 --json
  clv eval "aov * frequency * lifespan - cac" aov=100 frequency=3 lifespan=5 cac=50`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			asJSON := fs.Bool("json", false, "print JSON: {\"formula\", \"value\", \"inputs\"}")
			return func(_ context.Context, e *env, args []string) error {
				if len(args) == 0 {
					return errors.New("give a formula name (see clv formulas) and key=value inputs")
				}
				values := map[string]float64{}
				percent := map[string]bool{}
				for _, kv := range args[1:] {
					k, v, ok := strings.Cut(kv, "=")
					if !ok || k == "" {
						return fmt.Errorf("input %s: write it as key=value", quote.Value(kv))
					}
					num, pct := strings.CutSuffix(strings.TrimSpace(v), "%")
					f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
					if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
						return fmt.Errorf("input %s=%s: not a finite number", quote.Prefix(k), quote.Value(v))
					}
					if pct {
						f /= 100
						percent[k] = true
					}
					values[k] = f
				}
				return evalFormula(e, args[0], values, percent, *asJSON)
			}
		},
	}
}

// evalFormula evaluates a built-in formula or an expression; percent marks
// the values given with a % sign (already divided by 100), which only a
// share (a fraction such as a margin) may have.
func evalFormula(e *env, name string, values map[string]float64, percent map[string]bool, asJSON bool) error {
	reg := formula.Builtin()
	f, ok := reg.Lookup(name)
	var text string
	var value float64
	used := map[string]float64{}
	var defaulted []string
	if ok {
		for _, k := range sortedKeys(values) {
			in, known := f.Input(k)
			if !known {
				hint := ""
				if s, ok := nearestInput(k, f.InputNames()); ok {
					hint = fmt.Sprintf(" (did you mean %s?)", s)
				}
				return fmt.Errorf("%s has no input %s%s; its inputs are %s", f.ID, quote.Value(k), hint, strings.Join(f.InputNames(), ", "))
			}
			if percent[k] && !in.IsShare() {
				return fmt.Errorf("input %s: %s is in %s, not a share: give it without %%", k, in.Label, in.Unit)
			}
		}
		for _, in := range f.Inputs {
			if v, given := values[in.Name]; given {
				used[in.Name] = v
			} else {
				used[in.Name] = in.Default
				defaulted = append(defaulted, in.Name)
			}
		}
		x, err := f.Bind(used)
		if err != nil {
			return err
		}
		value, err = f.Eval(x)
		if err != nil && !errors.Is(err, formula.ErrUnbounded) {
			return err
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "note: %v\n", err)
		}
		text, _ = f.Render(x, formula.Plain)
	} else {
		expr, err := formula.Parse(name)
		if err != nil {
			if !strings.ContainsAny(name, " +-*/()^") {
				return unknownFormula(reg, name)
			}
			return err
		}
		names := expr.Names()
		x := make([]float64, len(names))
		for i, n := range names {
			v, given := values[n]
			if !given {
				// A formula name mistyped (margin-clv, margn_clv) reads as
				// an expression over unknown names: say what it was meant
				// to be rather than ask for the names' values.
				if _, _, near := suggest.Closest(name, reg.IDs()); near || len(names) == 1 && name == n {
					return unknownFormula(reg, name)
				}
				return fmt.Errorf("expression uses %s: give it as %s=VALUE", quote.Value(n), quote.Prefix(n))
			}
			x[i], used[n] = v, v
		}
		prog, err := expr.Compile(names)
		if err != nil {
			return err
		}
		if value, err = prog.Eval(x); err != nil {
			return err
		}
		text = fmt.Sprintf("%s = %s", name, strconv.FormatFloat(value, 'f', -1, 64))
	}
	if asJSON {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"formula": name, "value": jsonNumber(value), "inputs": used, "defaulted": defaulted})
	}
	fmt.Fprintln(e.stdout, text)
	if len(defaulted) > 0 {
		fmt.Fprintf(e.stderr, "defaults used for: %s (give them as key=value)\n", strings.Join(defaulted, ", "))
	}
	return nil
}

// jsonNumber keeps infinities printable: JSON has no Inf, so they become
// the strings "+Inf" and "-Inf".
func jsonNumber(v float64) any {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return v
}
