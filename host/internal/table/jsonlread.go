package table

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/clvkit/clvkit/internal/quote"
)

type jsonlSource struct {
	br      *bufio.Reader
	name    string
	hdr     *header
	lineNo  int    // physical lines consumed
	buf     []byte // line buffer, reused
	pending *Row   // the first object, parsed while reading the header
	eof     bool
}

// errNotFixed explains why a later object may not add keys.
const errNotFixed = "key is not in the first object (its keys fix the columns; list every key on the first line, with null if need be)"

func openJSONL(br *bufio.Reader, name string) (*Reader, error) {
	s := &jsonlSource{br: br, name: name}
	line, err := s.readLine()
	if err == io.EOF {
		h, _ := newHeader(name, nil)
		s.hdr = h
		return &Reader{hdr: h, src: s}, nil
	}
	if err != nil {
		return nil, err
	}
	var keys, vals []string
	var nulls []bool
	var lossy []bool
	err = parseObject(line, func(key, val string, null, bad bool) error {
		if bad && lossy == nil {
			lossy = make([]bool, len(keys), len(keys)+1)
		}
		if lossy != nil {
			lossy = append(lossy, bad)
		}
		keys = append(keys, key)
		vals = append(vals, val)
		nulls = append(nulls, null)
		return nil
	})
	if err != nil {
		return nil, s.wrap(err)
	}
	h, err := newHeader(name, keys)
	if err != nil {
		return nil, &Error{Name: name, Line: s.lineNo, Err: err}
	}
	s.hdr = h
	s.pending = &Row{hdr: h, fields: vals, null: nulls, lossy: lossy, line: s.lineNo}
	return &Reader{hdr: h, src: s}, nil
}

// readLine returns the next non-blank line without its line end, or io.EOF.
func (s *jsonlSource) readLine() ([]byte, error) {
	for !s.eof {
		s.buf = s.buf[:0]
		for {
			chunk, err := s.br.ReadSlice('\n')
			s.buf = append(s.buf, chunk...)
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				s.eof = true
				if len(s.buf) == 0 {
					return nil, io.EOF
				}
				break
			}
			if err != nil {
				return nil, &Error{Name: s.name, Line: s.lineNo + 1, Err: fmt.Errorf("read: %w", err)}
			}
			break
		}
		s.lineNo++
		if line := bytes.TrimSpace(s.buf); len(line) > 0 {
			return line, nil
		}
	}
	return nil, io.EOF
}

// wrap gives an error from parseObject the current line.
func (s *jsonlSource) wrap(err error) error {
	var ke *keyError
	if errors.As(err, &ke) {
		return &Error{Name: s.name, Line: s.lineNo, Column: ke.key, Err: ke.err}
	}
	return &Error{Name: s.name, Line: s.lineNo, Err: err}
}

func (s *jsonlSource) next(row *Row) error {
	if s.pending != nil {
		*row, s.pending = *s.pending, nil
		return nil
	}
	line, err := s.readLine()
	if err != nil {
		return err
	}
	n := len(s.hdr.columns)
	row.fields = make([]string, n)
	row.null = make([]bool, n)
	seen := make([]bool, n)
	err = parseObject(line, func(key, val string, null, bad bool) error {
		i, ok := s.hdr.index[key]
		if !ok {
			return &keyError{key, errors.New(errNotFixed)}
		}
		if seen[i] {
			return &keyError{key, errors.New("key appears twice in the object")}
		}
		seen[i] = true
		row.fields[i], row.null[i] = val, null
		if bad {
			if row.lossy == nil {
				row.lossy = make([]bool, n)
			}
			row.lossy[i] = true
		}
		return nil
	})
	if err != nil {
		return s.wrap(err)
	}
	for i, ok := range seen {
		if !ok {
			row.null[i] = true
		}
	}
	row.line = s.lineNo
	return nil
}

// keyError is an error about one key of an object.
type keyError struct {
	key string
	err error
}

func (e *keyError) Error() string { return quote.Value(e.key) + ": " + e.err.Error() }

// errKeyNotUTF8 rejects a key that JSON decoding would have changed.
var errKeyNotUTF8 = errors.New("key is not valid UTF-8 text (invalid bytes or an unpaired \\uD800-\\uDFFF escape)")

// parseObject parses line as one flat JSON object and calls fn for each
// member in order with the value as text (strings unquoted, numbers as
// written, booleans as "true"/"false") or null. lossy is set for a string
// whose JSON text held invalid UTF-8 or an unpaired surrogate escape:
// encoding/json replaced those with U+FFFD, so val is not what the file
// says and two different values may have become one. A key so changed is
// an error.
func parseObject(line []byte, fn func(key, val string, null, lossy bool) error) error {
	// Only a line with invalid UTF-8 or a \u escape can lose anything:
	// check the text of each string token only then.
	check := !utf8.Valid(line) || bytes.Contains(line, []byte(`\u`))
	dec := json.NewDecoder(bytes.NewReader(line))
	token := func() (json.Token, error) {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil, fmt.Errorf("invalid JSON: %w (the object must end on its line)", io.ErrUnexpectedEOF)
		}
		if err != nil {
			return nil, fmt.Errorf("invalid JSON: %w", err)
		}
		return tok, nil
	}
	dec.UseNumber()
	tok, err := token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("not a JSON object (each line must hold one {...} object)")
	}
	for dec.More() {
		start := dec.InputOffset()
		tok, err := token()
		if err != nil {
			return err
		}
		key := tok.(string) // the decoder guarantees an object key is a string
		if check && lossyJSON(line[start:dec.InputOffset()]) {
			return &keyError{key, errKeyNotUTF8}
		}
		start = dec.InputOffset()
		tok, err = token()
		if err != nil {
			return &keyError{key, err}
		}
		_, isString := tok.(string)
		lossy := isString && check && lossyJSON(line[start:dec.InputOffset()])
		var val string
		null := false
		switch v := tok.(type) {
		case json.Delim:
			what := "an object"
			if v == '[' {
				what = "an array"
			}
			return &keyError{key, fmt.Errorf("value is %s; only strings, numbers, booleans and null are supported (flatten nested data)", what)}
		case string:
			val = v
		case json.Number:
			val = v.String()
		case bool:
			val = strconv.FormatBool(v)
		case nil:
			null = true
		}
		if err := fn(key, val, null, lossy); err != nil {
			return err
		}
	}
	if _, err := token(); err != nil { // the closing brace
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("invalid JSON: extra data after the object")
	}
	return nil
}

// lossyJSON reports whether the JSON text raw (a string token, with what
// precedes it on the line up to the previous token) would not decode
// exactly: it holds invalid UTF-8, or a \uXXXX escape of a surrogate that
// is not a high surrogate followed by an escaped low one. encoding/json
// decodes both to U+FFFD.
func lossyJSON(raw []byte) bool {
	if !utf8.Valid(raw) {
		return true
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		i++ // the escaped character
		if i >= len(raw) || raw[i] != 'u' {
			continue
		}
		v, ok := hex4(raw[i+1:])
		if !ok {
			continue // not a valid escape: the decoder reports it
		}
		i += 4
		switch {
		case v >= 0xDC00 && v < 0xE000:
			return true // a low surrogate first
		case v >= 0xD800 && v < 0xDC00:
			if i+2 < len(raw) && raw[i+1] == '\\' && raw[i+2] == 'u' {
				if w, ok := hex4(raw[i+3:]); ok && w >= 0xDC00 && w < 0xE000 {
					i += 6
					continue
				}
			}
			return true
		}
	}
	return false
}

// hex4 decodes the 4 hex digits at the start of b.
func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var v rune
	for _, c := range b[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		v = v<<4 | rune(c)
	}
	return v, true
}
