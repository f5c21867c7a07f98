package formula

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Formula is one entry of the registry: a formula's metadata, the inputs it
// takes and the function that evaluates it. The CLI (clv formulas, clv eval)
// and the browser page list and evaluate formulas only through this type, so
// they always agree.
//
// Build-ins come from Builtin; custom formulas from NewCustom. The zero
// Formula has no evaluator and its Eval returns an error.
type Formula struct {
	// ID is stable and snake_case, e.g. "retention_a". It is the name used
	// by clv eval NAME and in configs.
	ID string
	// Name is a short human title.
	Name string
	// Family groups related formulas: "lifespan", "historic",
	// "retention", "subscription" or "custom".
	Family string
	// Text is the formula as a marketer reads it, e.g. "AOV × frequency × lifespan".
	Text string
	// Inputs lists the inputs in the order Eval expects them.
	Inputs []Input
	// Output is the unit of the result.
	Output Unit
	// Explanation says in plain language what the number means and when to
	// use it.
	Explanation string
	// Variant states the timing conventions where formulas differ by them
	// (first payment counted or not, cash at start or end of period).
	Variant string
	// Source names where the formula comes from.
	Source string

	template string // Text with {input} placeholders, for Render
	eval     func(x []float64) (float64, error)
}

// Eval evaluates f with x[i] the value of f.Inputs[i]. Inputs are checked
// against their ranges first; an illegal one gives an *InputError naming it.
// Errors wrapping ErrUnbounded come with a flagged ±Inf (see ErrUnbounded);
// every other error comes with 0. Eval never returns NaN with a nil error.
func (f *Formula) Eval(x []float64) (float64, error) {
	if f.eval == nil {
		return 0, fmt.Errorf("formula %q has no evaluator (build formulas with Builtin or NewCustom)", f.ID)
	}
	if len(x) != len(f.Inputs) {
		return 0, fmt.Errorf("formula %s: got %d values, want %d (%s)", f.ID, len(x), len(f.Inputs), strings.Join(f.InputNames(), ", "))
	}
	return f.eval(x)
}

// EvalMap evaluates f with the inputs given by name. Every input must be
// present and every name must be an input of f; see Bind. To fill in the
// defaults, start from DefaultMap.
func (f *Formula) EvalMap(values map[string]float64) (float64, error) {
	x, err := f.Bind(values)
	if err != nil {
		return 0, err
	}
	return f.Eval(x)
}

// Bind returns the values of f's inputs in the order Eval expects. A missing
// input or a name that is not an input of f is an *InputError (unknown names
// are listed in sorted order, so the message is stable).
func (f *Formula) Bind(values map[string]float64) ([]float64, error) {
	var unknown []string
	for name := range values {
		if _, ok := f.Input(name); !ok {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, &InputError{Formula: f.ID, Input: unknown[0], noValue: true,
			Reason: "not an input of this formula (its inputs are " + strings.Join(f.InputNames(), ", ") + ")"}
	}
	x := make([]float64, len(f.Inputs))
	for i, in := range f.Inputs {
		v, ok := values[in.Name]
		if !ok {
			return nil, &InputError{Formula: f.ID, Input: in.Name, noValue: true, Reason: "missing (" + string(in.Unit) + ", e.g. " + strconv.FormatFloat(in.Default, 'g', -1, 64) + ")"}
		}
		x[i] = v
	}
	return x, nil
}

// Input returns the input of f called name.
func (f *Formula) Input(name string) (Input, bool) {
	for _, in := range f.Inputs {
		if in.Name == name {
			return in, true
		}
	}
	return Input{}, false
}

// InputNames returns the names of f's inputs in Eval order.
func (f *Formula) InputNames() []string {
	names := make([]string, len(f.Inputs))
	for i, in := range f.Inputs {
		names[i] = in.Name
	}
	return names
}

// Defaults returns the default value of each input, in Eval order.
func (f *Formula) Defaults() []float64 {
	x := make([]float64, len(f.Inputs))
	for i, in := range f.Inputs {
		x[i] = in.Default
	}
	return x
}

// DefaultMap returns the default value of each input by name; a front end
// overwrites the ones the user gave and passes the map to EvalMap.
func (f *Formula) DefaultMap() map[string]float64 {
	m := make(map[string]float64, len(f.Inputs))
	for _, in := range f.Inputs {
		m[in.Name] = in.Default
	}
	return m
}

// Registry is an ordered set of formulas with unique IDs. It is not safe for
// concurrent Add; concurrent reads are fine.
type Registry struct {
	list []Formula
	byID map[string]int
}

// NewRegistry returns a registry holding fs, in order. It fails on an invalid
// or duplicate ID.
func NewRegistry(fs ...Formula) (*Registry, error) {
	r := &Registry{byID: make(map[string]int, len(fs))}
	for _, f := range fs {
		if err := r.Add(f); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Add appends f. Its ID must be snake_case (a lower-case letter, then lower-
// case letters, digits or underscores) and not already present; f must have
// an evaluator (come from Builtin or NewCustom).
func (r *Registry) Add(f Formula) error {
	if !isSnakeCase(f.ID) {
		return fmt.Errorf("add formula %q: the ID must be snake_case, e.g. margin_clv", f.ID)
	}
	if _, dup := r.byID[f.ID]; dup {
		return fmt.Errorf("add formula %q: a formula with this ID is already registered", f.ID)
	}
	if f.eval == nil {
		return fmt.Errorf("add formula %q: no evaluator (build it with NewCustom)", f.ID)
	}
	if r.byID == nil {
		r.byID = make(map[string]int)
	}
	r.byID[f.ID] = len(r.list)
	r.list = append(r.list, f)
	return nil
}

// All returns the formulas in registration order. The slice is a copy.
func (r *Registry) All() []Formula {
	return append([]Formula(nil), r.list...)
}

// IDs returns the formula IDs in registration order.
func (r *Registry) IDs() []string {
	ids := make([]string, len(r.list))
	for i := range r.list {
		ids[i] = r.list[i].ID
	}
	return ids
}

// Lookup returns the formula with the given ID.
func (r *Registry) Lookup(id string) (Formula, bool) {
	i, ok := r.byID[id]
	if !ok {
		return Formula{}, false
	}
	return r.list[i], true
}

// Eval looks up the formula id and evaluates it with the named values, as
// clv eval NAME key=value does. An unknown id is an error that lists the
// known ones.
func (r *Registry) Eval(id string, values map[string]float64) (float64, error) {
	f, ok := r.Lookup(id)
	if !ok {
		return 0, fmt.Errorf("unknown formula %q (known: %s)", id, strings.Join(r.IDs(), ", "))
	}
	return f.EvalMap(values)
}

func isSnakeCase(s string) bool {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}
