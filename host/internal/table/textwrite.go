package table

import (
	"bufio"
	"strconv"

	"github.com/clvkit/clvkit/internal/textenc"
)

// csvEncoder writes RFC 4180 CSV with "\n" line ends, quoting fields the
// way encoding/csv.Writer does, without allocating per field. String cells
// go through the formula guard; header names are written as they are (the
// callers reject formula-like column names up front).
type csvEncoder struct {
	w     *bufio.Writer
	cols  []Column
	text  []textenc.Text // per column: what its String cells hold
	guard textenc.Guard
	buf   []byte
}

func newCSVEncoder(w *bufio.Writer, cols []Column, guard textenc.Guard) (*csvEncoder, error) {
	e := &csvEncoder{w: w, cols: cols, guard: guard, text: make([]textenc.Text, len(cols))}
	for i, c := range cols {
		if c.ID {
			e.text[i] = textenc.ID
		}
	}
	for i, c := range cols {
		if i > 0 {
			e.buf = append(e.buf, ',')
		}
		e.buf = textenc.AppendCSVField(e.buf, c.Name)
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
			b = e.guard.AppendCSVText(b, v.s, e.text[i])
		case Float:
			b = textenc.AppendFloat(b, v.f, e.cols[i].Precision)
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
		k := textenc.AppendJSONString([]byte{sep}, c.Name, false)
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
			b = textenc.AppendJSONString(b, v.s, false)
		case Float:
			b = textenc.AppendFloat(b, v.f, e.cols[i].Precision)
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
