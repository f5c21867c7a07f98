package table

import (
	"bufio"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// csvEncoder writes RFC 4180 CSV with "\n" line ends, quoting fields the
// way encoding/csv.Writer does, without allocating per field.
type csvEncoder struct {
	w    *bufio.Writer
	cols []Column
	buf  []byte
}

func newCSVEncoder(w *bufio.Writer, cols []Column) (*csvEncoder, error) {
	e := &csvEncoder{w: w, cols: cols}
	for i, c := range cols {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = appendCSVField(e.buf, c.Name)
	}
	e.buf = append(e.buf, '\n')
	_, err := w.Write(e.buf)
	return e, err
}

func (e *csvEncoder) writeRow(values []Value) error {
	b := e.buf[:0]
	for i, v := range values {
		if i > 0 {
			b = append(b, ',')
		}
		switch v.kind {
		case String:
			b = appendCSVField(b, v.s)
		case Float:
			b = appendFloat(b, v.f, e.cols[i].Precision)
		case Int:
			b = strconv.AppendInt(b, v.i, 10)
		}
	}
	b = append(b, '\n')
	e.buf = b
	_, err := e.w.Write(b)
	return err
}

func (e *csvEncoder) close() error { return nil }

// csvNeedsQuotes mirrors encoding/csv's rule for a ',' separator.
func csvNeedsQuotes(s string) bool {
	if s == "" {
		return false
	}
	if s == `\.` || strings.ContainsAny(s, ",\"\r\n") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

func appendCSVField(b []byte, s string) []byte {
	if !csvNeedsQuotes(s) {
		return append(b, s...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"', '"')
		} else {
			b = append(b, s[i])
		}
	}
	return append(b, '"')
}

// jsonlEncoder writes one JSON object per line by hand, so that key order
// and number text are fixed.
type jsonlEncoder struct {
	w    *bufio.Writer
	cols []Column
	keys [][]byte // `{"name":` and `,"name":` prefixes
	buf  []byte
}

func newJSONLEncoder(w *bufio.Writer, cols []Column) *jsonlEncoder {
	e := &jsonlEncoder{w: w, cols: cols, keys: make([][]byte, len(cols))}
	for i, c := range cols {
		sep := byte(',')
		if i == 0 {
			sep = '{'
		}
		k := appendJSONString([]byte{sep}, c.Name)
		e.keys[i] = append(k, ':')
	}
	return e
}

func (e *jsonlEncoder) writeRow(values []Value) error {
	b := e.buf[:0]
	for i, v := range values {
		b = append(b, e.keys[i]...)
		switch v.kind {
		case 0:
			b = append(b, "null"...)
		case String:
			b = appendJSONString(b, v.s)
		case Float:
			b = appendFloat(b, v.f, e.cols[i].Precision)
		case Int:
			b = strconv.AppendInt(b, v.i, 10)
		}
	}
	b = append(b, '}', '\n')
	e.buf = b
	_, err := e.w.Write(b)
	return err
}

func (e *jsonlEncoder) close() error { return nil }

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way encoding/json does
// with HTML escaping off: invalid UTF-8 becomes U+FFFD, and U+2028/U+2029
// are escaped for JavaScript.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
