package table

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
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
	err = parseObject(line, func(key, val string, null bool) error {
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
	s.pending = &Row{hdr: h, fields: vals, null: nulls, line: s.lineNo}
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
	err = parseObject(line, func(key, val string, null bool) error {
		i, ok := s.hdr.index[key]
		if !ok {
			return &keyError{key, errors.New(errNotFixed)}
		}
		if seen[i] {
			return &keyError{key, errors.New("key appears twice in the object")}
		}
		seen[i] = true
		row.fields[i], row.null[i] = val, null
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

func (e *keyError) Error() string { return strconv.Quote(e.key) + ": " + e.err.Error() }

// parseObject parses line as one flat JSON object and calls fn for each
// member in order with the value as text (strings unquoted, numbers as
// written, booleans as "true"/"false") or null.
func parseObject(line []byte, fn func(key, val string, null bool) error) error {
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
		tok, err := token()
		if err != nil {
			return err
		}
		key := tok.(string) // the decoder guarantees an object key is a string
		tok, err = token()
		if err != nil {
			return &keyError{key, err}
		}
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
		if err := fn(key, val, null); err != nil {
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
