package score

import (
	"context"
	"fmt"
	"sort"

	"github.com/clvkit/clvkit/core/formula"
)

// Expression is a custom formula column: an expression in core/formula's
// language over the scored columns (for example "clv - 2.5 *
// expected_purchases"). It implements Columner.
type Expression struct {
	name string
	prog *formula.Program
}

// NewExpression compiles src into the column name. The names it uses are
// its inputs; Score reports any that is not a column.
func NewExpression(name, src string) (*Expression, error) {
	e, err := formula.Parse(src)
	if err != nil {
		return nil, fmt.Errorf("formula %q: %w", name, err)
	}
	names := e.Names()
	sort.Strings(names)
	p, err := e.Compile(names)
	if err != nil {
		return nil, fmt.Errorf("formula %q: %w", name, err)
	}
	return &Expression{name: name, prog: p}, nil
}

// Inputs returns the columns the expression reads.
func (e *Expression) Inputs() []string { return e.prog.Names() }

// Outputs returns the column's name.
func (e *Expression) Outputs() []string { return []string{e.name} }

// Compute evaluates the expression for every customer of the batch.
func (e *Expression) Compute(_ context.Context, in, out [][]float64) error {
	x := make([]float64, len(in))
	for i := range out[0] {
		for k := range in {
			x[k] = in[k][i]
		}
		v, err := e.prog.Eval(x)
		if err != nil {
			return &BatchRowError{Row: i, Err: fmt.Errorf("formula %q: %w", e.name, err)}
		}
		out[0][i] = v
	}
	return nil
}

// BuiltinColumn is a registry formula evaluated per customer, each input
// either a constant or a column. It implements Columner.
type BuiltinColumn struct {
	name    string
	f       formula.Formula
	consts  []float64 // per formula input; used where column is ""
	columns []string  // per formula input: the column it reads, or ""
	inputs  []string  // the distinct columns read
}

// NewBuiltinColumn binds the registry formula f to the output column name.
// Each of f's inputs comes from constants or columns (by input name); an
// input in neither takes its registry default.
func NewBuiltinColumn(name string, f formula.Formula, constants map[string]float64, columns map[string]string) (*BuiltinColumn, error) {
	b := &BuiltinColumn{name: name, f: f}
	known := map[string]bool{}
	for _, in := range f.InputNames() {
		known[in] = true
	}
	for k := range constants {
		if !known[k] {
			return nil, fmt.Errorf("formula %q: %s has no input %q (inputs: %v)", name, f.ID, k, f.InputNames())
		}
	}
	for k := range columns {
		if !known[k] {
			return nil, fmt.Errorf("formula %q: %s has no input %q (inputs: %v)", name, f.ID, k, f.InputNames())
		}
	}
	seen := map[string]bool{}
	for i, in := range f.InputNames() {
		col := columns[in]
		b.columns = append(b.columns, col)
		v, ok := constants[in]
		if !ok {
			v = f.Defaults()[i]
		}
		if col == "" {
			spec, _ := f.Input(in)
			if err := spec.Check(v); err != nil {
				return nil, fmt.Errorf("formula %q: %w", name, err)
			}
		}
		b.consts = append(b.consts, v)
		if col != "" && !seen[col] {
			seen[col] = true
			b.inputs = append(b.inputs, col)
		}
	}
	return b, nil
}

// Inputs returns the columns read.
func (b *BuiltinColumn) Inputs() []string { return b.inputs }

// Outputs returns the column's name.
func (b *BuiltinColumn) Outputs() []string { return []string{b.name} }

// Compute evaluates the formula for every customer of the batch.
func (b *BuiltinColumn) Compute(_ context.Context, in, out [][]float64) error {
	pos := map[string]int{}
	for k, name := range b.inputs {
		pos[name] = k
	}
	x := append([]float64(nil), b.consts...)
	for i := range out[0] {
		for j, col := range b.columns {
			if col != "" {
				x[j] = in[pos[col]][i]
			}
		}
		v, err := b.f.Eval(x)
		if err != nil {
			return &BatchRowError{Row: i, Err: fmt.Errorf("formula %q (%s): %w", b.name, b.f.ID, err)}
		}
		out[0][i] = v
	}
	return nil
}
