package settings

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/clvkit/clvkit/internal/suggest"
)

// Encodings: the struct tags that name the keys of Settings in each front
// end's format.
const (
	TOML = "toml" // clv.toml (host/internal/config)
	JSON = "json" // the page's settings (wasm/bind)
)

// KeyError is a problem with one key. Key is dotted, with the index of an
// element of an array of tables in brackets: "model.margin",
// "formulas[1].name". Complete, Validate and Options name keys by their
// TOML path; a front end shows them in its own names with Rename.
type KeyError struct {
	Key string
	Msg string
}

func (e *KeyError) Error() string {
	if e.Key == "" {
		return e.Msg
	}
	return e.Key + ": " + e.Msg
}

// Given reports whether the user gave a key, named by its TOML path
// ("model.margin", "input.columns.date"). Complete gives defaults to the
// keys it reports false for, and only to those.
type Given func(key string) bool

// tagName returns the name of struct field f in encoding tag: "" for an
// embedded struct whose fields the encoding keeps in the enclosing table
// (promoted), "-" for a field the encoding does not have.
func tagName(f reflect.StructField, tag string) string {
	name, _, _ := strings.Cut(f.Tag.Get(tag), ",")
	switch {
	case name == "-":
		return "-"
	case name != "":
		return name
	case f.Anonymous && f.Type.Kind() == reflect.Struct:
		return ""
	case !f.IsExported():
		return "-"
	}
	return f.Name
}

// Lookup returns the field of struct type t that encoding tag names key,
// exactly, case included, looking into embedded structs that the encoding
// promotes; the field's Index is the path from t. ok is false when no
// field has that name.
func Lookup(t reflect.Type, tag, key string) (f reflect.StructField, ok bool) {
	for i := range t.NumField() {
		sf := t.Field(i)
		switch name := tagName(sf, tag); name {
		case "-":
		case "":
			if inner, ok := Lookup(sf.Type, tag, key); ok {
				inner.Index = append([]int{i}, inner.Index...)
				return inner, true
			}
		case key:
			return sf, true
		}
	}
	return reflect.StructField{}, false
}

// Keys lists the keys of struct type t in encoding tag, in field order,
// those of promoted embedded structs in place.
func Keys(t reflect.Type, tag string) []string {
	var out []string
	for i := range t.NumField() {
		sf := t.Field(i)
		switch name := tagName(sf, tag); name {
		case "-":
		case "":
			out = append(out, Keys(sf.Type, tag)...)
		default:
			out = append(out, name)
		}
	}
	return out
}

// UnknownKey is the error for key (the full dotted key as written) whose
// last part, name, names no key of its table, known: with the known key it
// differs from only by case, or by a letter or two, as a hint.
func UnknownKey(key, name string, known []string) *KeyError {
	s, caseOnly, ok := suggest.Closest(name, known)
	switch {
	case caseOnly:
		return &KeyError{Key: key, Msg: fmt.Sprintf("unknown key: did you mean %s? (keys are case-sensitive)", s)}
	case ok:
		return &KeyError{Key: key, Msg: fmt.Sprintf("unknown key: did you mean %s?", s)}
	}
	return &KeyError{Key: key, Msg: fmt.Sprintf("unknown key: check its spelling and section (known here: %s)", strings.Join(known, ", "))}
}

// WrongType is the message for a value that is not of the type the key
// takes: "wrong type: want a number".
func WrongType(want reflect.Type) string { return "wrong type: want " + describe(want) }

func describe(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Pointer:
		return describe(t.Elem())
	case reflect.String:
		return "text (a quoted string)"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list of " + plural(t.Elem())
	case reflect.Map, reflect.Struct:
		return "a table of keys ({...})"
	case reflect.Interface:
		return "a number or text"
	}
	return t.String()
}

func plural(t reflect.Type) string {
	switch d := describe(t); {
	case strings.HasPrefix(d, "a table"):
		return "tables"
	case strings.HasPrefix(d, "a whole"):
		return "whole numbers"
	case strings.HasPrefix(d, "a number"):
		return "numbers"
	case strings.HasPrefix(d, "text"):
		return "quoted strings"
	default:
		return d
	}
}

// FieldAt returns the field that the dotted key names in encoding tag
// within struct type t. Parts may carry an index ("formulas[1]") or be one
// (the "1" of "formulas.1.name"); the field is looked up in the element
// type of arrays. ok is false when a part names no field.
func FieldAt(t reflect.Type, tag, key string) (reflect.StructField, bool) {
	var f reflect.StructField
	for _, part := range splitKey(key) {
		if part.name == "" {
			continue // an index on its own
		}
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return f, false
		}
		var ok bool
		if f, ok = Lookup(t, tag, part.name); !ok {
			return f, false
		}
		t = f.Type
	}
	return f, f.Type != nil
}

// keyPart is one dotted part of a key: a name, an index, or both
// ("formulas[1]").
type keyPart struct {
	name  string
	index string // "" when none
}

func splitKey(key string) []keyPart {
	var out []keyPart
	for _, p := range strings.Split(key, ".") {
		if i := strings.IndexByte(p, '['); i > 0 && strings.HasSuffix(p, "]") {
			out = append(out, keyPart{p[:i], p[i+1 : len(p)-1]})
			continue
		}
		if p != "" && strings.Trim(p, "0123456789") == "" {
			out = append(out, keyPart{index: p})
			continue
		}
		out = append(out, keyPart{name: p})
	}
	return out
}

// Rename returns key, a dotted key in encoding from within struct type t,
// in encoding to: Rename(t, TOML, JSON, "model.horizon_months") is
// "months" for Settings. Indices are kept ("formulas[1].name"); the names
// of promoted sections are dropped. A key that names no field is returned
// unchanged.
func Rename(t reflect.Type, from, to, key string) string {
	var parts []string
	for _, part := range splitKey(key) {
		if part.name == "" {
			if len(parts) == 0 {
				return key
			}
			parts[len(parts)-1] += "[" + part.index + "]"
			continue
		}
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return key
		}
		// The path to the field, to find the promoted sections on the way.
		f, ok := Lookup(t, from, part.name)
		if !ok {
			return key
		}
		cur := t
		for _, i := range f.Index {
			sf := cur.Field(i)
			if name := tagName(sf, to); name != "" && name != "-" {
				parts = append(parts, name)
			}
			cur = sf.Type
		}
		if part.index != "" {
			parts[len(parts)-1] += "[" + part.index + "]"
		}
		t = f.Type
	}
	return strings.Join(parts, ".")
}
