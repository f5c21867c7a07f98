package table

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// bom is the UTF-8 byte order mark some spreadsheet programs put first.
const bom = "\uFEFF"

type csvSource struct {
	cr   *csv.Reader
	name string
	n    int // number of columns
}

func openCSV(r io.Reader, name string, opts ReadOptions) (*Reader, error) {
	cr := csv.NewReader(r)
	if opts.Comma != 0 {
		cr.Comma = opts.Comma
	}
	cr.FieldsPerRecord = -1 // checked here, with a better message
	cr.ReuseRecord = opts.ReuseRow
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, &Error{Name: name, Line: 1, Err: errors.New("empty input: no header row")}
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	rec = append([]string(nil), rec...) // the header outlives a reused record
	rec[0] = strings.TrimPrefix(rec[0], bom)
	h, err := newHeader(name, rec)
	if err != nil {
		return nil, &Error{Name: name, Line: 1, Err: fmt.Errorf("header: %w", err)}
	}
	return &Reader{hdr: h, src: &csvSource{cr: cr, name: name, n: len(rec)}}, nil
}

func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &Error{Name: name, Line: pe.Line, Err: fmt.Errorf("byte %d: %w", pe.Column, pe.Err)}
	}
	return &Error{Name: name, Err: fmt.Errorf("read: %w", err)}
}

func (s *csvSource) next(row *Row) error {
	rec, err := s.cr.Read()
	if err == io.EOF {
		return io.EOF
	}
	if err != nil {
		return csvError(s.name, err)
	}
	row.line, _ = s.cr.FieldPos(0)
	if len(rec) != s.n {
		return &Error{Name: s.name, Line: row.line, Err: fmt.Errorf("row has %d fields, the header has %d", len(rec), s.n)}
	}
	row.fields = rec
	return nil
}
