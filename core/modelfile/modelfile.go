// Package modelfile reads and writes frozen models (score.FrozenModel) as
// JSON files: what `clv fit --out` writes and `clv score --model-file`
// reads. It is apart from core/score so that a front end that never reads
// or writes model files (the calculator page) does not carry
// encoding/json.
//
// A file is one JSON object:
//
//	{
//	  "format": "clvkit-model",
//	  "format_version": 1,
//	  "model": "bgnbd",
//	  "params": [{"name": "r", "value": 0.2425945224306346, "std_error": 0.0125…}, …],
//	  "log_likelihood": -9582.429206673927,
//	  "converged": true,
//	  "data": {"customers": 2357, "rows": 1016, "unit": "weeks", "unit_days": 7,
//	           "grain": "day", "observation_end": "1997-09-30"},
//	  "clvkit_version": "v0.9.0"
//	}
//
// Numbers are written by encoding/json, as the shortest decimal text that
// parses back to the same float64, so a model read back has the fit's
// parameters bit for bit. A standard error the fit could not compute is
// null.
package modelfile

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/internal/quote"
)

// Format and version of a model file.
const (
	// Format is the "format" field of every model file.
	Format = "clvkit-model"
	// Version is the format version this package writes and reads; a file
	// of another version is refused.
	Version = 1
)

// file is the JSON form of a score.FrozenModel.
type file struct {
	Format        string        `json:"format"`
	FormatVersion int           `json:"format_version"`
	Model         string        `json:"model"`
	Params        []frozenParam `json:"params"`
	LogLikelihood float64       `json:"log_likelihood"`
	Converged     bool          `json:"converged"`
	Data          frozenDataRec `json:"data"`
	Version       string        `json:"clvkit_version"`
}

type frozenParam struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	// StdError is null where the fit had none (NaN).
	StdError *float64 `json:"std_error"`
}

type frozenDataRec struct {
	Customers      float64 `json:"customers"`
	Rows           int     `json:"rows"`
	Unit           string  `json:"unit"`
	UnitDays       float64 `json:"unit_days"`
	Grain          string  `json:"grain"`
	ObservationEnd string  `json:"observation_end"`
}

// Marshal writes a frozen model as indented JSON, ending in a newline. Numbers
// are the shortest text that parses back to the same float64 (Go's
// encoding/json), so Unmarshal gives the same bits.
func Marshal(f *score.FrozenModel) ([]byte, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	if math.IsNaN(f.LogLikelihood) || math.IsInf(f.LogLikelihood, 0) {
		return nil, fmt.Errorf("log-likelihood %v: want a finite number", f.LogLikelihood)
	}
	rec := file{Format: Format, FormatVersion: Version, Model: f.Model,
		LogLikelihood: f.LogLikelihood, Converged: f.Converged, Version: f.Version,
		Data: frozenDataRec{Customers: f.Data.Customers, Rows: f.Data.Rows, Unit: f.Data.Unit, UnitDays: f.Data.UnitDays,
			Grain: f.Data.Grain, ObservationEnd: f.Data.ObservationEnd}}
	for i, n := range f.Names {
		p := frozenParam{Name: n, Value: f.Params[i]}
		if i < len(f.StdErrors) {
			if se := f.StdErrors[i]; !math.IsNaN(se) && !math.IsInf(se, 0) {
				p.StdError = &se
			}
		}
		rec.Params = append(rec.Params, p)
	}
	b, err := json.MarshalIndent(rec, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Unmarshal reads a model Marshal wrote. Anything else is an
// error saying what is wrong: not JSON, another format or version, an
// unknown field, a model or parameter that is not known, a parameter that
// is not a positive finite number, a missing unit.
func Unmarshal(b []byte) (*score.FrozenModel, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var rec file
	if err := dec.Decode(&rec); err != nil {
		return nil, fmt.Errorf("not a clvkit model file: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("not a clvkit model file: data after its JSON object")
	}
	if rec.Format != Format {
		return nil, fmt.Errorf("not a clvkit model file: format is %s, want %q (clv fit --out writes one)", quote.Value(rec.Format), Format)
	}
	if rec.FormatVersion != Version {
		return nil, fmt.Errorf("model file format_version %d: this clv reads version %d; refit with this clv (clv fit --out)", rec.FormatVersion, Version)
	}
	f := &score.FrozenModel{Model: rec.Model, LogLikelihood: rec.LogLikelihood, Converged: rec.Converged, Version: rec.Version,
		Data: score.FrozenData{Customers: rec.Data.Customers, Rows: rec.Data.Rows, Unit: rec.Data.Unit, UnitDays: rec.Data.UnitDays,
			Grain: rec.Data.Grain, ObservationEnd: rec.Data.ObservationEnd}}
	for _, p := range rec.Params {
		f.Names = append(f.Names, p.Name)
		f.Params = append(f.Params, p.Value)
		se := math.NaN()
		if p.StdError != nil {
			se = *p.StdError
		}
		f.StdErrors = append(f.StdErrors, se)
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return f, nil
}
