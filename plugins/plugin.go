// Package plugins is the contract between clv and its plugins: client-
// specific formulas and segmentations that agencies ship as separate files.
//
// It is small and dependency-free (the standard library only), so a plugin
// compiled for GOOS=wasip1 or GOOS=js imports it as well as the host does.
// The transports live beside it: plugins/wasm runs WebAssembly modules with
// wazero (sandboxed), plugins/grpc runs native subprocesses with
// hashicorp/go-plugin (trusted by checksum, not sandboxed), and
// plugins/guest is the SDK a WebAssembly plugin is written with.
//
// A plugin is one of two kinds:
//
//   - a formula plugin reads a batch of scored customers (the numeric
//     columns it declares as Inputs, such as frequency, recency, T,
//     monetary_value, p_alive, expected_purchases, clv) and returns one or
//     more numeric columns (its Outputs);
//   - a segmentation plugin reads a batch the same way and returns one label
//     per customer, as an index into the Labels it declares.
//
// Records cross the boundary in batches of typed columns: float64 values,
// column by column. JSON is used only for Describe and for the parameters,
// which come from the plugin's table in clv.toml.
package plugins

import (
	"context"
	"errors"
	"fmt"
	"math"
)

// ProtocolVersion is the version of this contract. A plugin built against
// another version is refused with a message naming both.
const ProtocolVersion = 1

// Kind is what a plugin computes.
type Kind string

// The plugin kinds.
const (
	KindFormula      Kind = "formula"
	KindSegmentation Kind = "segmentation"
)

// Description is a plugin's answer to Describe.
type Description struct {
	Name    string   `json:"name"`
	Version string   `json:"version"`
	Kind    Kind     `json:"kind"`
	Inputs  []string `json:"inputs"`
	// Outputs are the columns a formula plugin writes.
	Outputs []string `json:"outputs,omitempty"`
	// Labels are the labels a segmentation plugin's indices point into.
	Labels []string `json:"labels,omitempty"`
	// Params is the parameter schema: what the plugin's TOML table may hold.
	Params []Param `json:"params,omitempty"`
}

// Param describes one parameter of a plugin.
type Param struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Default     float64 `json:"default"`
	// Min and Max bound the value when Max > Min.
	Min float64 `json:"min,omitempty"`
	Max float64 `json:"max,omitempty"`
}

// isColumnName reports whether s is an identifier: a letter or _, then
// letters, digits or _.
func isColumnName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		letter := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !letter && (i == 0 || r < '0' || r > '9') {
			return false
		}
	}
	return true
}

// Validate checks a description: a name, a known kind, column names that
// are identifiers, outputs for a formula and labels for a segmentation.
func (d Description) Validate() error {
	if d.Name == "" {
		return errors.New("describe: empty plugin name")
	}
	if len(d.Inputs) == 0 {
		return fmt.Errorf("plugin %s: declares no inputs", d.Name)
	}
	for _, c := range append(append([]string(nil), d.Inputs...), d.Outputs...) {
		if !isColumnName(c) {
			return fmt.Errorf("plugin %s: column %q is not a name (letters, digits, _)", d.Name, c)
		}
	}
	switch d.Kind {
	case KindFormula:
		if len(d.Outputs) == 0 {
			return fmt.Errorf("plugin %s: a formula plugin must declare outputs", d.Name)
		}
	case KindSegmentation:
		if len(d.Labels) == 0 {
			return fmt.Errorf("plugin %s: a segmentation plugin must declare labels", d.Name)
		}
	default:
		return fmt.Errorf("plugin %s: kind %q: want %q or %q", d.Name, d.Kind, KindFormula, KindSegmentation)
	}
	for _, p := range d.Params {
		if p.Name == "" {
			return fmt.Errorf("plugin %s: a parameter has no name", d.Name)
		}
	}
	return nil
}

// Params are a plugin's parameter values, by name.
type Params map[string]float64

// Resolve fills in defaults for parameters not given and checks that every
// given name is declared and within its bounds.
func (d Description) Resolve(given Params) (Params, error) {
	out := Params{}
	known := map[string]Param{}
	for _, p := range d.Params {
		known[p.Name] = p
		out[p.Name] = p.Default
	}
	for k, v := range given {
		p, ok := known[k]
		if !ok {
			return nil, fmt.Errorf("plugin %s has no parameter %q", d.Name, k)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) || (p.Max > p.Min && (v < p.Min || v > p.Max)) {
			return nil, fmt.Errorf("plugin %s: parameter %s = %v: want a number in [%v, %v]", d.Name, k, v, p.Min, p.Max)
		}
		out[k] = v
	}
	return out, nil
}

// Formula is what a formula plugin implements (the guest side).
type Formula interface {
	Describe() Description
	// Configure receives the parameters, defaults filled in, once before
	// any batch.
	Configure(p Params) error
	// Compute fills out[j][i] for customer i from in[k][i], with in and out
	// in the order of Inputs and Outputs.
	Compute(in, out [][]float64) error
}

// Segmentation is what a segmentation plugin implements (the guest side).
type Segmentation interface {
	Describe() Description
	Configure(p Params) error
	// Segment fills out[i] with an index into Labels for customer i.
	Segment(in [][]float64, out []int32) error
}

// Client is a loaded plugin as the host sees it, whatever its transport.
// Calls are not safe for concurrent use; the context bounds each call.
type Client interface {
	Describe(ctx context.Context) (Description, error)
	Configure(ctx context.Context, p Params) error
	// Compute runs a formula plugin on one batch.
	Compute(ctx context.Context, in, out [][]float64) error
	// Segment runs a segmentation plugin on one batch.
	Segment(ctx context.Context, in [][]float64, out []int32) error
	// Close releases the plugin (ends its process or instance).
	Close() error
}

// RowError is CheckBatch's error about one row of a batch: Row is its
// 0-based index in the batch, which the host turns into the customer's id.
type RowError struct {
	Row int
	Err error
}

func (e *RowError) Error() string { return e.Err.Error() }

// Unwrap returns the error about the row.
func (e *RowError) Unwrap() error { return e.Err }

// CheckBatch verifies a plugin's answer for one batch: the right number of
// rows and columns, finite numbers, label indices in range. The host calls
// it after every call, whatever the transport. An error about one row is a
// *RowError.
func CheckBatch(d Description, rows int, out [][]float64, labels []int32) error {
	switch d.Kind {
	case KindFormula:
		if len(out) != len(d.Outputs) {
			return fmt.Errorf("returned %d columns, declared %d", len(out), len(d.Outputs))
		}
		for j, col := range out {
			if len(col) != rows {
				return fmt.Errorf("column %s: returned %d rows for a batch of %d", d.Outputs[j], len(col), rows)
			}
			for i, v := range col {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return &RowError{Row: i, Err: fmt.Errorf("column %s: %v is not a finite number", d.Outputs[j], v)}
				}
			}
		}
	case KindSegmentation:
		if len(labels) != rows {
			return fmt.Errorf("returned %d labels for a batch of %d", len(labels), rows)
		}
		for i, k := range labels {
			if k < 0 || int(k) >= len(d.Labels) {
				return &RowError{Row: i, Err: fmt.Errorf("label index %d is out of range 0..%d", k, len(d.Labels)-1)}
			}
		}
	}
	return nil
}
