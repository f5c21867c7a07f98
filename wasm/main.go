//go:build js && wasm

// Command wasm is clvkit's core compiled for GOOS=js GOARCH=wasm behind a
// small JavaScript API, globalThis.clv, used by the calculator page (web/).
// Every call takes a whole batch; see README.md for the API and package
// bind for the logic, which is plain Go tested natively.
package main

import (
	"context"
	"syscall/js"
	"unsafe"

	"github.com/clvkit/clvkit/wasm/bind"
)

// version is set with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	s := &bind.Session{}
	api := map[string]any{
		"version": version,
		"formulas": js.FuncOf(func(js.Value, []js.Value) any {
			return jsonOut(bind.Formulas(), nil)
		}),
		"defaults": js.FuncOf(func(js.Value, []js.Value) any {
			return jsonOut(bind.DefaultInput(), nil)
		}),
		"calculate": js.FuncOf(func(_ js.Value, a []js.Value) any {
			in := bind.DefaultInput()
			if err := jsonIn(a, 0, &in); err != nil {
				return jsonOut(nil, err)
			}
			return jsonOut(bind.Calculate(in), nil)
		}),
		"load": js.FuncOf(func(_ js.Value, a []js.Value) any {
			if len(a) < 1 || a[0].Type() != js.TypeObject {
				return jsonOut(nil, errString("load(bytes): want a Uint8Array"))
			}
			b := make([]byte, a[0].Get("length").Int())
			js.CopyBytesToGo(b, a[0])
			return jsonOut(s.Load(b), nil)
		}),
		"dates": js.FuncOf(func(_ js.Value, a []js.Value) any {
			var m bind.Mapping
			if err := jsonInStrict(a, 0, &m); err != nil {
				return jsonOut(nil, err)
			}
			format := ""
			if len(a) > 1 {
				format = a[1].String()
			}
			return jsonOut(s.Dates(m, format), nil)
		}),
		"score": js.FuncOf(func(_ js.Value, a []js.Value) any {
			if len(a) < 1 || a[0].Type() != js.TypeString {
				return jsonOut(nil, errString("score(settings): want the settings as JSON text"))
			}
			st, err := bind.DecodeSettings([]byte(a[0].String()))
			if err != nil {
				return jsonOut(nil, err)
			}
			var progress bind.Progress
			if len(a) > 1 && a[1].Type() == js.TypeFunction {
				cb := a[1]
				progress = func(stage bind.Stage, done float64) { cb.Invoke(string(stage), done) }
			}
			res, err := s.Score(context.Background(), st, progress)
			return jsonOut(res, err)
		}),
		"compare": js.FuncOf(func(_ js.Value, a []js.Value) any {
			if len(a) < 2 || a[0].Type() != js.TypeString || a[1].Type() != js.TypeString {
				return jsonOut(nil, errString("compare(settings, calibrationEnd): want the settings as JSON text and a YYYY-MM-DD date"))
			}
			st, err := bind.DecodeSettings([]byte(a[0].String()))
			if err != nil {
				return jsonOut(nil, err)
			}
			return jsonOut(s.Compare(st, a[1].String()))
		}),
		"cohorts": js.FuncOf(func(_ js.Value, a []js.Value) any {
			var cs bind.CohortSettings
			if err := jsonInStrict(a, 0, &cs); err != nil {
				return jsonOut(nil, err)
			}
			v, err := s.Cohorts(cs)
			return jsonOut(v, err)
		}),
		"attributes": js.FuncOf(func(js.Value, []js.Value) any {
			return jsonOut(s.AttributeColumns())
		}),
		"groups": js.FuncOf(func(_ js.Value, a []js.Value) any {
			var gs bind.GroupSettings
			if err := jsonInStrict(a, 0, &gs); err != nil {
				return jsonOut(nil, err)
			}
			v, err := s.Groups(gs)
			return jsonOut(v, err)
		}),
		"ids": js.FuncOf(func(js.Value, []js.Value) any {
			return jsonOut(s.IDs(), nil)
		}),
		"column": js.FuncOf(func(_ js.Value, a []js.Value) any {
			if len(a) < 1 {
				return js.Null()
			}
			v, ok := s.Floats(a[0].String())
			if !ok {
				return js.Null()
			}
			return float64Array(v)
		}),
		"csvLabels": js.FuncOf(func(_ js.Value, a []js.Value) any {
			var labels []string
			if err := jsonIn(a, 0, &labels); err != nil {
				return jsonOut(nil, err)
			}
			return jsonOut(s.CSVLabels(labels), nil)
		}),
		"csv": js.FuncOf(func(_ js.Value, a []js.Value) any {
			prec := -1 // the scoring settings' precision
			if len(a) > 0 && a[0].Type() == js.TypeNumber {
				prec = a[0].Int()
			}
			b := s.CSV(prec)
			u := js.Global().Get("Uint8Array").New(len(b))
			js.CopyBytesToJS(u, b)
			return u
		}),
	}
	js.Global().Set("clv", js.ValueOf(api))
	if ready := js.Global().Get("onClvReady"); ready.Type() == js.TypeFunction {
		ready.Invoke()
	}
	select {}
}

type errString string

func (e errString) Error() string { return string(e) }

// jsonIn decodes argument i (a JSON string) into v; a missing argument
// leaves v as it is. bind's small decoder stands in for encoding/json,
// which would add about 85 kB to the gzipped module.
func jsonIn(a []js.Value, i int, v any) error {
	if len(a) <= i || a[i].IsUndefined() || a[i].IsNull() {
		return nil
	}
	return bind.DecodeJSON([]byte(a[i].String()), v)
}

// jsonInStrict is jsonIn for settings: keys must name fields exactly and
// unknown keys are errors (bind.DecodeJSONStrict).
func jsonInStrict(a []js.Value, i int, v any) error {
	if len(a) <= i || a[i].IsUndefined() || a[i].IsNull() {
		return nil
	}
	return bind.DecodeJSONStrict([]byte(a[i].String()), v)
}

// jsonOut returns v as JSON text, or {"error": "..."}.
func jsonOut(v any, err error) any {
	if err == nil {
		b, merr := bind.EncodeJSON(v)
		if merr == nil {
			return string(b)
		}
		err = merr
	}
	b, _ := bind.EncodeJSON(map[string]string{"error": err.Error()})
	return string(b)
}

// float64Array copies v into a new Float64Array in one call.
func float64Array(v []float64) js.Value {
	arr := js.Global().Get("Float64Array").New(len(v))
	if len(v) == 0 {
		return arr
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&v[0])), len(v)*8)
	js.CopyBytesToJS(js.Global().Get("Uint8Array").New(arr.Get("buffer")), b)
	return arr
}
