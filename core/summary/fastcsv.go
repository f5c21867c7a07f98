package summary

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unsafe"
)

// errChunkEnd is returned by recordSource.next when the current batch must
// end: its records may point into the chunk buffer, which is handed over
// with the batch.
var errChunkEnd = errors.New("end of chunk")

// recordSource yields the records of a transaction log, one at a time, with
// the line number of each, in batches.
//
// A batch starts with load(buf), which may read the next chunk of input into
// buf (growing it) and returns the buffer the batch must keep; next returns
// records until errChunkEnd. Fields returned by next may point into that
// buffer: they stay valid until the buffer is given to load again, so the
// pipeline recycles a buffer only once its batch has been consumed.
type recordSource interface {
	load(buf []byte) []byte
	next() ([]string, int, error)
}

// batchRows is how many records a source that does not read in chunks
// (encoding/csv, whitespace lines) puts in one batch.
const batchRows = 4096

// chunkSize is the size of a fast-path read (whole lines are kept; a
// longer line grows the buffer).
const chunkSize = 256 << 10

// recordFunc adapts a record iterator whose strings it owns (encoding/csv,
// whitespace lines) to a recordSource: batches of batchRows records.
type recordFunc struct {
	f func() ([]string, int, error)
	n int
}

func (s *recordFunc) load(buf []byte) []byte { s.n = 0; return buf }

func (s *recordFunc) next() ([]string, int, error) {
	if s.n == batchRows {
		return nil, 0, errChunkEnd
	}
	s.n++
	return s.f()
}

// csvRecords returns the encoding/csv record iterator used for delimited
// files (ReuseRecord: strings are fresh, the slice is reused). Line numbers
// are offset by lineBase.
func csvRecords(r io.Reader, comma rune, lineBase int) func() ([]string, int, error) {
	cr := csv.NewReader(r)
	if comma != 0 {
		cr.Comma = comma
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	return func() ([]string, int, error) {
		rec, err := cr.Read()
		line := 0
		var pe *csv.ParseError
		if err == nil && len(rec) > 0 {
			line, _ = cr.FieldPos(0)
			line += lineBase
		} else if errors.As(err, &pe) {
			pe.StartLine += lineBase
			pe.Line += lineBase
			line = pe.Line
		}
		return rec, line, err
	}
}

// fastCSV reads a delimited file whose delimiter is a single ASCII byte.
// Lines without a double quote are split here, with encoding/csv's
// semantics for unquoted input (LF or CRLF endings, a lone CR dropped
// before EOF, empty lines skipped but counted, fields split on every
// delimiter); fields are strings pointing into the chunk buffer, so a row
// costs no allocation. At the first line holding a '"' the rest of the
// input, from that line on, is handed to encoding/csv (line numbers offset
// by the lines already read), so quoting, and the errors and line numbers
// of malformed quoting, are exactly encoding/csv's. FuzzFastCSV checks the
// equivalence.
type fastCSV struct {
	r     io.Reader
	delim byte
	buf   []byte // current chunk: buf[:end] whole lines, buf[end:] the start of the next line
	pos   int    // next unread byte
	end   int
	line  int   // lines consumed so far
	err   error // read error (io.EOF included) to report once buf[:end] is used up
	rec   []string
	chunk int // read size (chunkSize; smaller in tests)

	quoted io.Reader   // the input from the first line holding a quote on, once found
	slow   *recordFunc // encoding/csv reading quoted, once reached
}

func newFastCSV(r io.Reader, delim byte) *fastCSV {
	return &fastCSV{r: r, delim: delim, chunk: chunkSize}
}

// load starts a batch: when the current chunk is used up it moves the
// partial line at its end to the start of buf and reads more input after
// it, until buf holds at least one whole line or the input ends.
func (f *fastCSV) load(buf []byte) []byte {
	if f.slow != nil {
		return f.slow.load(buf)
	}
	if f.pos < f.end || f.quoted != nil || f.err != nil {
		return buf // records left in the current chunk (which its batch, or nobody, owns)
	}
	carry := f.buf[f.end:] // the start of the next line; buf may share its array
	if cap(buf) < f.chunk || len(carry) > cap(buf)/2 {
		buf = make([]byte, max(f.chunk, 2*len(carry)))
	}
	buf = buf[:cap(buf)]
	n := copy(buf, carry)
	f.pos, f.end = 0, 0
	for {
		m, err := f.r.Read(buf[n:])
		n += m
		if err == io.EOF {
			f.err, f.end = err, n
			break
		}
		if err != nil {
			// Drop the partial last line: the read fails anyway.
			f.err, f.end = err, bytes.LastIndexByte(buf[:n], '\n')+1
			break
		}
		if n < len(buf) {
			continue
		}
		if i := bytes.LastIndexByte(buf, '\n'); i >= 0 {
			f.end = i + 1
			break
		}
		// A line longer than the buffer: grow it.
		nb := make([]byte, 2*len(buf))
		copy(nb, buf)
		buf = nb
	}
	f.buf = buf[:n]
	if q := bytes.IndexByte(buf[:f.end], '"'); q >= 0 {
		start := bytes.LastIndexByte(buf[:q], '\n') + 1
		rest := bytes.Clone(buf[start:n])
		f.end = start
		var tail io.Reader = eofReader{}
		if f.err == nil {
			tail = f.r
		} else if f.err != io.EOF {
			tail = errReader{f.err}
		}
		f.quoted = io.MultiReader(bytes.NewReader(rest), tail)
		f.err = nil
	}
	return buf
}

// next returns the next record of the chunk, errChunkEnd when the chunk is
// used up, or the read error (io.EOF at the end).
func (f *fastCSV) next() ([]string, int, error) {
	if f.slow != nil {
		return f.slow.next()
	}
	for f.pos < f.end {
		l := f.buf[f.pos:f.end]
		if i := bytes.IndexByte(l, '\n'); i >= 0 {
			l = l[:i]
			f.pos += i + 1
		} else {
			f.pos = f.end // the last line, without an end of line
		}
		if n := len(l); n > 0 && l[n-1] == '\r' {
			l = l[:n-1]
		}
		f.line++
		if len(l) == 0 {
			continue
		}
		f.rec = f.rec[:0]
		for {
			i := bytes.IndexByte(l, f.delim)
			if i < 0 {
				f.rec = append(f.rec, bytesString(l))
				break
			}
			f.rec = append(f.rec, bytesString(l[:i]))
			l = l[i+1:]
		}
		return f.rec, f.line, nil
	}
	if f.quoted != nil {
		f.slow = &recordFunc{f: csvRecords(f.quoted, rune(f.delim), f.line)}
		return f.slow.next()
	}
	if f.err != nil {
		if f.err != io.EOF {
			return nil, 0, f.err
		}
		return nil, 0, io.EOF
	}
	return nil, 0, errChunkEnd
}

// bytesString returns b as a string without copying; b must not change
// while the string is in use.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }
