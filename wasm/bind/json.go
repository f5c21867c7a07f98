package bind

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/clvkit/clvkit/core/settings"
	"github.com/clvkit/clvkit/internal/textenc"
)

// This file is a small JSON encoder and decoder for the API's types, so the
// WebAssembly build does not link encoding/json (about 85 kB of the gzipped
// clv.wasm). It covers what the types in this package use: structs with
// `json:"name,omitempty"` tags (embedded structs promoted), pointers,
// slices, arrays, maps with string keys, strings, bools, integers, float64,
// empty interfaces (decoded as encoding/json does: string, float64, bool,
// map[string]any, []any) and types with a MarshalJSON method. For these
// types EncodeJSON writes the same bytes as encoding/json.Marshal and
// DecodeJSON fills values as encoding/json.Unmarshal does for valid input
// (json_test.go checks both against encoding/json); only error messages
// differ. In strict mode (DecodeJSONStrict, DecodeSettings) an unknown key
// or a value of the wrong type is a *settings.KeyError with the message
// clv.toml gives for it.

// marshaler is encoding/json's Marshaler.
type marshaler interface {
	MarshalJSON() ([]byte, error)
}

// EncodeJSON returns v as JSON text, as encoding/json.Marshal does.
func EncodeJSON(v any) ([]byte, error) {
	return appendJSON(nil, reflect.ValueOf(v))
}

func appendJSON(b []byte, v reflect.Value) ([]byte, error) {
	if !v.IsValid() {
		return append(b, "null"...), nil
	}
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return append(b, "null"...), nil
	}
	if m, ok := v.Interface().(marshaler); ok {
		out, err := m.MarshalJSON()
		if err != nil {
			return b, fmt.Errorf("json: error calling MarshalJSON for type %s: %w", v.Type(), err)
		}
		return append(b, out...), nil
	}
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		return appendJSON(b, v.Elem())
	case reflect.Bool:
		return strconv.AppendBool(b, v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.AppendInt(b, v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return strconv.AppendUint(b, v.Uint(), 10), nil
	case reflect.Float64, reflect.Float32:
		return appendFloatJSON(b, v.Float(), v.Type().Bits())
	case reflect.String:
		return textenc.AppendJSONString(b, v.String(), true), nil
	case reflect.Slice:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		fallthrough
	case reflect.Array:
		b = append(b, '[')
		for i := range v.Len() {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendJSON(b, v.Index(i)); err != nil {
				return b, err
			}
		}
		return append(b, ']'), nil
	case reflect.Map:
		if v.IsNil() {
			return append(b, "null"...), nil
		}
		if v.Type().Key().Kind() != reflect.String {
			return b, fmt.Errorf("json: unsupported map key type %s", v.Type().Key())
		}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(x, y reflect.Value) int { return strings.Compare(x.String(), y.String()) })
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(textenc.AppendJSONString(b, k.String(), true), ':')
			var err error
			if b, err = appendJSON(b, v.MapIndex(k)); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	case reflect.Struct:
		b = append(b, '{')
		first := true
		for _, f := range fieldsOf(v.Type()) {
			fv := v.FieldByIndex(f.index)
			if f.omitEmpty && isEmpty(fv) {
				continue
			}
			if !first {
				b = append(b, ',')
			}
			first = false
			b = append(textenc.AppendJSONString(b, f.name, true), ':')
			var err error
			if b, err = appendJSON(b, fv); err != nil {
				return b, err
			}
		}
		return append(b, '}'), nil
	}
	return b, fmt.Errorf("json: unsupported type %s", v.Type())
}

// appendFloatJSON formats f as encoding/json does: the shortest
// representation, in exponent form below 1e-6 and from 1e21 on, with the
// exponent's leading zero dropped (1e-07 → 1e-7).
func appendFloatJSON(b []byte, f float64, bits int) ([]byte, error) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, fmt.Errorf("json: unsupported value: %s", strconv.FormatFloat(f, 'g', -1, bits))
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 {
		if bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21) {
			format = 'e'
		}
	}
	b = strconv.AppendFloat(b, f, format, -1, bits)
	if format == 'e' {
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, nil
}

func isEmpty(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// field is one JSON object member of a struct type.
type field struct {
	name      string
	index     []int
	omitEmpty bool
}

// fieldsOf lists t's exported fields with their JSON names, embedded
// structs' fields promoted in place (the API has no name conflicts to
// resolve) and `json:"-"` fields left out.
func fieldsOf(t reflect.Type) []field {
	var out []field
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" && sf.Type.Kind() == reflect.Struct {
			for _, f := range fieldsOf(sf.Type) {
				f.index = append([]int{i}, f.index...)
				out = append(out, f)
			}
			continue
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out = append(out, field{name: name, index: []int{i}, omitEmpty: strings.Contains(","+opts+",", ",omitempty,")})
	}
	return out
}

// DecodeJSON parses data into v (a non-nil pointer) as encoding/json.Unmarshal
// does: object members match fields by JSON name, exactly or else ignoring
// case; unknown members are ignored; an object into a map adds its members;
// null leaves a value as it is and sets a pointer, slice, map or interface
// to nil.
func DecodeJSON(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("json: DecodeJSON needs a non-nil pointer")
	}
	return (&decoder{s: data}).decode(rv.Elem())
}

// DecodeJSONStrict is DecodeJSON for settings the user gives: an object
// member must name a field exactly, case included, and a member that names
// no field is an error naming it (with the field it differs from by case
// or a letter or two). encoding/json instead matches names ignoring case
// and skips unknown members, so {"Margin": 0} and {"margn": 0} were
// silently read as something else or not at all.
func DecodeJSONStrict(data []byte, v any) error {
	_, err := decodeStrict(data, v)
	return err
}

// decodeStrict is DecodeJSONStrict that also returns the members present,
// as dotted paths ("margin", "columns.amount"); a member whose value is
// null is not present.
func decodeStrict(data []byte, v any) (map[string]bool, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return nil, errors.New("json: DecodeJSONStrict needs a non-nil pointer")
	}
	d := &decoder{s: data, strict: true, seen: map[string]bool{}}
	return d.seen, d.decode(rv.Elem())
}

func (d *decoder) decode(v reflect.Value) error {
	d.space()
	if err := d.value(v); err != nil {
		return err
	}
	d.space()
	if d.i != len(d.s) {
		return d.errorf("invalid character %q after top-level value", d.s[d.i])
	}
	return nil
}

type decoder struct {
	s []byte
	i int
	// strict matches members to fields exactly and rejects unknown ones;
	// path is the member being decoded and seen the members met, as
	// dotted paths.
	strict bool
	path   []string
	seen   map[string]bool
}

func (d *decoder) errorf(format string, a ...any) error {
	return fmt.Errorf("json: offset %d: %s", d.i, fmt.Sprintf(format, a...))
}

func (d *decoder) space() {
	for d.i < len(d.s) && (d.s[d.i] == ' ' || d.s[d.i] == '\t' || d.s[d.i] == '\n' || d.s[d.i] == '\r') {
		d.i++
	}
}

func (d *decoder) literal(word string) bool {
	if strings.HasPrefix(string(d.s[d.i:min(d.i+len(word), len(d.s))]), word) {
		d.i += len(word)
		return true
	}
	return false
}

// value decodes the next JSON value into v (which must be settable, or
// invalid to skip the value).
func (d *decoder) value(v reflect.Value) error {
	if d.i >= len(d.s) {
		return d.errorf("unexpected end of JSON input")
	}
	c := d.s[d.i]
	if c == 'n' {
		if !d.literal("null") {
			return d.errorf("invalid literal")
		}
		if v.IsValid() {
			switch v.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
				v.SetZero()
			}
		}
		return nil
	}
	if v.IsValid() && v.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		return d.value(v.Elem())
	}
	switch {
	case c == '{':
		return d.object(v)
	case c == '[':
		return d.array(v)
	case c == '"':
		s, err := d.str()
		if err != nil {
			return err
		}
		if !v.IsValid() {
			return nil
		}
		if v.Kind() == reflect.Interface && v.NumMethod() == 0 {
			v.Set(reflect.ValueOf(s))
			return nil
		}
		if v.Kind() != reflect.String {
			return d.wrongType(v, "a string")
		}
		v.SetString(s)
		return nil
	case c == 't' || c == 'f':
		b := c == 't'
		if !d.literal(map[bool]string{true: "true", false: "false"}[b]) {
			return d.errorf("invalid literal")
		}
		if !v.IsValid() {
			return nil
		}
		if v.Kind() == reflect.Interface && v.NumMethod() == 0 {
			v.Set(reflect.ValueOf(b))
			return nil
		}
		if v.Kind() != reflect.Bool {
			return d.wrongType(v, "a bool")
		}
		v.SetBool(b)
		return nil
	case c == '-' || c >= '0' && c <= '9':
		return d.number(v)
	}
	return d.errorf("invalid character %q looking for beginning of value", c)
}

func (d *decoder) number(v reflect.Value) error {
	start := d.i
	for d.i < len(d.s) && strings.IndexByte("+-.eE0123456789", d.s[d.i]) >= 0 {
		d.i++
	}
	text := string(d.s[start:d.i])
	if !validNumber(text) {
		return d.errorf("invalid number %q", text)
	}
	if !v.IsValid() {
		return nil
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.NumMethod() != 0 {
			return d.wrongType(v, "a number")
		}
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return d.errorf("number %s: %v", text, err)
		}
		v.Set(reflect.ValueOf(f))
	case reflect.Float64, reflect.Float32:
		f, err := strconv.ParseFloat(text, v.Type().Bits())
		if err != nil {
			return d.errorf("number %s: %v", text, err)
		}
		v.SetFloat(f)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(text, 10, v.Type().Bits())
		if err != nil {
			return d.wrongType(v, "number "+text)
		}
		v.SetInt(n)
	default:
		return d.wrongType(v, "a number")
	}
	return nil
}

// validNumber reports whether s is a JSON number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func validNumber(s string) bool {
	i := 0
	digits := func() bool {
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i > j
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if !digits() {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if !digits() {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if !digits() {
			return false
		}
	}
	return i == len(s)
}

// str reads a JSON string.
func (d *decoder) str() (string, error) {
	d.i++ // opening quote
	var b []byte
	for d.i < len(d.s) {
		c := d.s[d.i]
		switch {
		case c == '"':
			d.i++
			return string(b), nil
		case c < 0x20:
			return "", d.errorf("invalid control character in string")
		case c != '\\':
			b = append(b, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.s) {
			break
		}
		e := d.s[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := d.hex4()
			if !ok {
				return "", d.errorf("invalid \\u escape")
			}
			if r >= 0xD800 && r < 0xDC00 {
				// A surrogate pair, if the low half follows.
				save := d.i
				if d.i+1 < len(d.s) && d.s[d.i] == '\\' && d.s[d.i+1] == 'u' {
					d.i += 2
					if r2, ok := d.hex4(); ok && r2 >= 0xDC00 && r2 < 0xE000 {
						b = utf8.AppendRune(b, (r-0xD800)<<10|(r2-0xDC00)+0x10000)
						continue
					}
				}
				d.i = save
				r = utf8.RuneError
			} else if r >= 0xDC00 && r < 0xE000 {
				r = utf8.RuneError
			}
			b = utf8.AppendRune(b, r)
		default:
			return "", d.errorf("invalid escape \\%c", e)
		}
	}
	return "", d.errorf("unexpected end of JSON input in a string")
}

func (d *decoder) hex4() (rune, bool) {
	if d.i+4 > len(d.s) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(d.s[d.i:d.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	d.i += 4
	return rune(n), true
}

func (d *decoder) object(v reflect.Value) error {
	if v.IsValid() && v.Kind() == reflect.Interface && v.NumMethod() == 0 {
		m := map[string]any{}
		if err := d.object(reflect.ValueOf(&m).Elem()); err != nil {
			return err
		}
		v.Set(reflect.ValueOf(m))
		return nil
	}
	// An object goes into a struct, its members into fields, or into a map
	// with string keys, its members added (their names free, in strict
	// mode too), as encoding/json does.
	isMap := v.IsValid() && v.Kind() == reflect.Map && v.Type().Key().Kind() == reflect.String
	var fields []field
	switch {
	case isMap:
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
	case v.IsValid() && v.Kind() != reflect.Struct:
		return d.wrongType(v, "an object")
	case v.IsValid():
		fields = fieldsOf(v.Type())
	}
	d.i++ // {
	d.space()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return nil
	}
	for {
		d.space()
		if d.i >= len(d.s) || d.s[d.i] != '"' {
			return d.errorf("looking for the beginning of an object key string")
		}
		key, err := d.str()
		if err != nil {
			return err
		}
		d.space()
		if d.i >= len(d.s) || d.s[d.i] != ':' {
			return d.errorf("after object key: want ':'")
		}
		d.i++
		d.space()
		var target reflect.Value // invalid: skip the value
		if isMap {
			target = reflect.New(v.Type().Elem()).Elem()
		} else if v.IsValid() {
			f := matchField(fields, key)
			if d.strict {
				f = exactField(fields, key)
			}
			if f != nil {
				target = v.FieldByIndex(f.index)
			} else if d.strict {
				return d.unknown(key, fields)
			}
		}
		if d.strict {
			d.path = append(d.path, key)
			// null gives nothing: the key counts as left out.
			if d.i >= len(d.s) || d.s[d.i] != 'n' {
				d.seen[strings.Join(d.path, ".")] = true
			}
		}
		if err := d.value(target); err != nil {
			return err
		}
		if isMap {
			k := reflect.New(v.Type().Key()).Elem()
			k.SetString(key)
			v.SetMapIndex(k, target)
		}
		if d.strict {
			d.path = d.path[:len(d.path)-1]
		}
		d.space()
		if d.i < len(d.s) && d.s[d.i] == ',' {
			d.i++
			continue
		}
		if d.i < len(d.s) && d.s[d.i] == '}' {
			d.i++
			return nil
		}
		return d.errorf("after object member: want ',' or '}'")
	}
}

// exactField finds the field named key exactly.
func exactField(fields []field, key string) *field {
	for i := range fields {
		if fields[i].name == key {
			return &fields[i]
		}
	}
	return nil
}

// unknown is the error for a member that names no field: the message of
// settings.UnknownKey, the same as clv.toml's.
func (d *decoder) unknown(key string, fields []field) error {
	names := make([]string, len(fields))
	for i, f := range fields {
		names[i] = f.name
	}
	return settings.UnknownKey(strings.Join(append(slices.Clone(d.path), key), "."), key, names)
}

// wrongType is the error for a value that cannot go into v: in strict
// mode, settings.WrongType under the member's key, as clv.toml tells it.
func (d *decoder) wrongType(v reflect.Value, what string) error {
	if d.strict {
		return &settings.KeyError{Key: strings.Join(d.path, "."), Msg: settings.WrongType(v.Type())}
	}
	return d.errorf("cannot put %s into %s", what, v.Type())
}

// matchField finds the field named key, exactly or else ignoring case, as
// encoding/json does.
func matchField(fields []field, key string) *field {
	for i := range fields {
		if fields[i].name == key {
			return &fields[i]
		}
	}
	for i := range fields {
		if strings.EqualFold(fields[i].name, key) {
			return &fields[i]
		}
	}
	return nil
}

func (d *decoder) array(v reflect.Value) error {
	if v.IsValid() && v.Kind() == reflect.Interface && v.NumMethod() == 0 {
		var a []any
		if err := d.array(reflect.ValueOf(&a).Elem()); err != nil {
			return err
		}
		v.Set(reflect.ValueOf(a))
		return nil
	}
	if v.IsValid() && v.Kind() != reflect.Slice {
		return d.wrongType(v, "an array")
	}
	d.i++ // [
	d.space()
	n := 0
	if v.IsValid() {
		v.Set(reflect.MakeSlice(v.Type(), 0, 0))
	}
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return nil
	}
	for {
		d.space()
		var elem reflect.Value
		if v.IsValid() {
			v.Set(reflect.Append(v, reflect.Zero(v.Type().Elem())))
			elem = v.Index(n)
		}
		if err := d.value(elem); err != nil {
			return err
		}
		n++
		d.space()
		if d.i < len(d.s) && d.s[d.i] == ',' {
			d.i++
			continue
		}
		if d.i < len(d.s) && d.s[d.i] == ']' {
			d.i++
			return nil
		}
		return d.errorf("after array element: want ',' or ']'")
	}
}
