package summary

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/clvkit/clvkit/internal/quote"
)

// Columns maps the transaction fields to columns of a CSV file: each is a
// header name (when the file has a header) or a 1-based column position
// such as "2". With a header, a name that matches a header cell wins over a
// position. Amount may be empty: the log then has no amounts and monetary
// values are 0.
type Columns struct {
	Customer string
	Date     string
	Amount   string
}

// CSVOptions says how to read a transaction log.
type CSVOptions struct {
	// Columns maps fields to columns (required: Customer and Date).
	Columns Columns
	// Header tells whether the first line names the columns.
	Header bool
	// Delimiter separates fields (default ','). Quoting follows RFC 4180
	// (encoding/csv). Ignored when Whitespace is set.
	Delimiter rune
	// Whitespace splits fields on runs of spaces and tabs, leading and
	// trailing blanks ignored, no quoting (e.g. CDNOW_sample.txt).
	Whitespace bool
	// DateFormat is the format of the date column, as accepted by
	// ParseDateFormat (default "YYYY-MM-DD"). "auto" is resolved by the
	// caller (core/detect) before reading.
	DateFormat string
	// AmountFormat is the format of the amount column, as accepted by
	// ParseAmountFormat (default "plain"). "auto" is resolved by the
	// caller (core/detect) before reading.
	AmountFormat string
	// Rules are the row rules (filter, computed amount, returns marker),
	// if any: see RowRules. They need a header; their column types are
	// detected from the first SampleRows rows (at most 1 MiB).
	Rules RowRules
}

// maxLine bounds a line of a whitespace-separated file.
const maxLine = 1 << 20

// ReadCSV streams the transaction log in r into b. Line endings may be LF or
// CRLF. The input is read in chunks of whole lines (a few hundred KiB at a
// time, a few chunks in flight), never held whole.
//
// A bad row (too few fields, more non-empty fields than the header, empty
// customer id, a date or amount that does not parse, a NaN or infinite
// amount, a malformed CSV record) stops the read with a *ParseError naming
// its line and field, unless the Builder skips bad rows, in which case it
// is counted in the Report. Some errors are never skipped, because
// skipping would silently drop the rows that matter: an amount that is not
// a number in the configured format but is one in another (under plain,
// "2,071.43": the biggest orders), and a currency that differs from the
// column's first one (the error names both lines). A missing header
// column, a header naming a column twice or an invalid mapping is always
// an error. Date and amount cells may be surrounded by spaces; customer
// ids are kept exactly as written. A UTF-8 byte order mark at the start is
// ignored.
func ReadCSV(r io.Reader, opt CSVOptions, b *Builder) error {
	df, err := ParseDateFormat(opt.DateFormat)
	if err != nil {
		return fmt.Errorf("read csv: %w", err)
	}
	af, err := ParseAmountFormat(opt.AmountFormat)
	if err != nil {
		return fmt.Errorf("read csv: %w", err)
	}
	r = skipBOM(r)
	if opt.Columns.Customer == "" || opt.Columns.Date == "" {
		return errors.New("read csv: the customer and date columns must be mapped")
	}
	var sample [][]string
	if !opt.Rules.IsZero() {
		if !opt.Header {
			return errors.New("read csv: row rules (where, amount_expr, is_return) name columns by the header, and the input has none")
		}
		if opt.Rules.Amount != "" && opt.Columns.Amount != "" {
			return errors.New("read csv: give an amount column or an amount expression (amount_expr), not both")
		}
		var head []byte
		var complete bool
		r, head, complete = peekSample(r)
		sample = sampleCSV(head, complete, opt)
	}
	var src recordSource
	switch {
	case opt.Whitespace:
		src = &recordFunc{f: whitespaceRecords(r)}
	case opt.Delimiter == 0 || (opt.Delimiter < utf8.RuneSelf && validDelim(byte(opt.Delimiter))):
		d := byte(',')
		if opt.Delimiter != 0 {
			d = byte(opt.Delimiter)
		}
		src = newFastCSV(r, d)
	default:
		src = &recordFunc{f: csvRecords(r, opt.Delimiter, 0)}
	}
	src.load(nil)
	var header []string
	if opt.Header {
		rec, _, err := src.next()
		for err == errChunkEnd { // a first chunk of empty lines
			src.load(nil)
			rec, _, err = src.next()
		}
		if err == io.EOF {
			return errors.New("read csv: empty input, expected a header line")
		}
		if err != nil {
			return fmt.Errorf("read csv: header: %w", err)
		}
		header = make([]string, len(rec))
		for i, h := range rec {
			header[i] = strings.TrimSpace(h)
		}
		if len(header) > 0 {
			header[0] = strings.TrimPrefix(header[0], "\uFEFF")
		}
		if err := duplicateColumn(header); err != nil {
			return fmt.Errorf("read csv: header: %w", err)
		}
	}
	cols, err := resolveColumns(opt.Columns, header, opt.Header)
	if err != nil {
		return fmt.Errorf("read csv: %w", err)
	}
	if b.attrs != nil {
		for _, name := range b.attrs.names {
			c, err := resolveColumn("attribute", name, header, opt.Header)
			if err != nil {
				return fmt.Errorf("read csv: %w", err)
			}
			cols.attrs = append(cols.attrs, c)
		}
	}
	if !opt.Rules.IsZero() {
		if cols.rules, err = CompileRules(opt.Rules, header, sample); err != nil {
			return fmt.Errorf("read csv: %w", err)
		}
	}
	return pipeline(src, &rowParser{cols: cols, df: df, af: af, width: len(header), ids: b.strs.hasher(), tracker: b.attrs}, b)
}

// duplicateColumn returns an error naming both positions of the first
// header name that appears twice.
func duplicateColumn(header []string) error {
	seen := make(map[string]int, len(header))
	for i, h := range header {
		if j, dup := seen[h]; dup {
			return fmt.Errorf("column %s appears twice (columns %d and %d): rename one", quote.Value(h), j+1, i+1)
		}
		seen[h] = i
	}
	return nil
}

// skipBOM drops a UTF-8 byte order mark at the start of r (Excel's
// "CSV UTF-8" writes one, even before a quoted header).
func skipBOM(r io.Reader) io.Reader {
	var b [3]byte
	n, err := io.ReadFull(r, b[:])
	if n == 3 && string(b[:]) == "\uFEFF" {
		return r
	}
	var rest io.Reader = r
	switch err {
	case nil:
	case io.EOF, io.ErrUnexpectedEOF:
		rest = eofReader{}
	default:
		rest = errReader{err}
	}
	return io.MultiReader(bytes.NewReader(b[:n]), rest)
}

// parsedRow is a row parsed by the reader goroutine: a transaction, or the
// reason it is bad. id may point into its batch's chunk buffer.
type parsedRow struct {
	id    string
	key   idKey
	day   int32
	k     int32 // rowKey(day, amount)
	v     int64
	bad   *ParseError
	fatal bool // bad, and never skipped
	// filtered: the where rule left the row out
	filtered bool
}

// batch is a run of parsed rows, the chunk buffer their ids may point
// into, or the fatal error that ended the input.
type batch struct {
	rows []parsedRow
	buf  []byte
	err  error // io.EOF at the end
	// attrs holds the attribute level codes of the rows, len(attributes)
	// per row in row order (nil without attributes; 0 for a bad row).
	attrs []int32
}

// pipeline splits the work between two goroutines so that both cores work
// on a large log: one reads records and parses them (fields, customer id
// key, date, amount) into batches, the caller's looks the customers up and
// logs the transactions in the Builder. Batches go back to the reader for
// reuse (with their chunk buffer, which their ids point into) once
// consumed, at most maxBatches of them, so the reading allocates nothing
// per row and makes no garbage. Rows are applied in
// input order: the result, errors and line numbers are those of a
// sequential read.
func pipeline(src recordSource, p *rowParser, b *Builder) error {
	full := make(chan *batch, maxBatches)
	free := make(chan *batch, maxBatches)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(full)
		made := 0
		for {
			var bt *batch
			select {
			case bt = <-free:
				bt.rows = bt.rows[:0]
				bt.attrs = bt.attrs[:0]
			default:
				if made < maxBatches {
					bt = &batch{rows: make([]parsedRow, 0, batchRows)}
					made++
					break
				}
				// All batches are in flight: wait for one, rather
				// than make garbage of one more (the collector would
				// let it pile up to the size of the log).
				select {
				case bt = <-free:
					bt.rows = bt.rows[:0]
				case <-done:
					return
				}
			}
			bt.buf = src.load(bt.buf)
			for {
				rec, line, err := src.next()
				if err == errChunkEnd {
					break
				}
				if err != nil {
					var pe *csv.ParseError
					if errors.As(err, &pe) {
						bt.rows = append(bt.rows, parsedRow{bad: &ParseError{Line: line, Field: "record", Kind: BadRecord, Err: pe.Err}})
						bt.attrs = p.noAttrs(bt.attrs)
						continue
					}
					if err != io.EOF {
						err = fmt.Errorf("read csv: line %d: %w", line, err)
					}
					bt.err = err
					break
				}
				bt.rows = append(bt.rows, parsedRow{})
				p.parse(&bt.rows[len(bt.rows)-1], rec, line)
				if len(p.cols.attrs) > 0 {
					bt.attrs = p.attrs(bt.attrs, &bt.rows[len(bt.rows)-1], rec, line)
				}
			}
			select {
			case full <- bt:
			case <-done:
				return
			}
			if bt.err != nil {
				return
			}
		}
	}()
	k := len(p.cols.attrs)
	for bt := range full {
		rows := bt.rows
		for j := range min(lookAhead, len(rows)) {
			b.touch(rows[j].key)
		}
		for i := range rows {
			if i&(touchBlock-1) == 0 {
				// The next block of rows lookAhead ahead, in one
				// tight loop: their cache misses are all in flight
				// at once, while rows i… are added.
				for j := i + lookAhead; j < min(i+lookAhead+touchBlock, len(rows)); j++ {
					b.touch(rows[j].key)
				}
			}
			r := &bt.rows[i]
			b.rows++
			if r.filtered {
				b.filtered++
				continue
			}
			if r.bad != nil {
				if r.fatal {
					return r.bad
				}
				if err := b.bad(r.bad); err != nil {
					return err
				}
				continue
			}
			pos := b.addKeyed(r.id, r.key, r.day, r.k, r.v)
			if k > 0 && pos >= 0 {
				b.attrs.observe(pos, r.day, r.k&keyPurchase == 0, bt.attrs[i*k:(i+1)*k])
			}
		}
		if bt.err == io.EOF {
			return nil
		}
		if bt.err != nil {
			return bt.err
		}
		free <- bt // never blocks: at most maxBatches exist
	}
	return nil
}

// maxBatches is the number of batches the pipeline recycles.
const maxBatches = 6

// The pipeline touches the id index (Builder.touch) for touchBlock rows
// at a time, lookAhead rows ahead of the one being added. Touching one
// row at a time, interleaved with the adding, leaves only two or three
// cache misses in flight (a load that misses holds up every instruction
// after it once the processor's reorder window is full); a block of
// loads issued together overlaps them all.
const (
	lookAhead  = 32
	touchBlock = 16
)

// column is one mapped field: its role, its name as mapped and its index.
type column struct {
	field, name string
	idx         int // -1: not mapped
}

type columnSet struct {
	customer, date, amount column
	rules                  *Rules   // row rules, or nil
	attrs                  []column // attribute columns (Options.Attributes)
}

// resolveColumns turns the mapping into indices.
func resolveColumns(c Columns, header []string, hasHeader bool) (columnSet, error) {
	var s columnSet
	var err error
	if s.customer, err = resolveColumn("customer", c.Customer, header, hasHeader); err != nil {
		return s, err
	}
	if s.date, err = resolveColumn("date", c.Date, header, hasHeader); err != nil {
		return s, err
	}
	s.amount = column{field: "amount", idx: -1}
	if c.Amount != "" {
		if s.amount, err = resolveColumn("amount", c.Amount, header, hasHeader); err != nil {
			return s, err
		}
	}
	return s, nil
}

func resolveColumn(field, spec string, header []string, hasHeader bool) (column, error) {
	if hasHeader {
		for i, h := range header {
			if h == spec {
				return column{field: field, name: spec, idx: i}, nil
			}
		}
	}
	if n, err := strconv.Atoi(spec); err == nil {
		if n < 1 {
			return column{}, fmt.Errorf("%s column %s: positions start at 1", field, quote.Value(spec))
		}
		if hasHeader && n > len(header) {
			return column{}, fmt.Errorf("%s column %s: the header has only %d columns", field, quote.Value(spec), len(header))
		}
		return column{field: field, name: spec, idx: n - 1}, nil
	}
	if !hasHeader {
		return column{}, fmt.Errorf("%s column %s: without a header, columns are 1-based positions", field, quote.Value(spec))
	}
	return column{}, fmt.Errorf("%s column %s: not in the header %s", field, quote.Value(spec), quote.List(header))
}

// rowParser parses records into transactions. It runs on the reader
// goroutine, one record at a time in input order, and remembers the
// column's currency.
type rowParser struct {
	cols  columnSet
	df    DateFormat
	af    AmountFormat
	width int      // fields of the header; 0 without one
	ids   *idTable // empty, with the seed of the Builder's (keyOf)

	currency     string // the first currency written in the amount column
	currencyLine int    // its line

	tracker *attrTracker // the Builder's, with attributes
	cells   []string     // scratch: a row's attribute cells

	dates *dateCache // day numbers of recent date cells (nil: none yet)
}

// dateCache holds the day numbers of date cells already parsed, keyed by
// the cell's bytes packed as packID packs ids (cells of at most 15
// bytes), in dateCacheSize slots indexed by a hash of the packing; a
// slot is overwritten by the next cell that hashes to it. A log has a few
// thousand distinct dates at most, so most rows find theirs: a look-up
// costs a few nanoseconds, parsing and calendar arithmetic some twenty.
// Only cells that parsed are kept, and a cell's day depends on nothing
// else, so the cache changes no result.
type dateCache [dateCacheSize]struct {
	k0, k1 uint64
	day    int32
}

const dateCacheBits = 12
const dateCacheSize = 1 << dateCacheBits

// day returns the day number of the date cell ds (see DateFormat.days).
func (p *rowParser) day(ds string) (int32, error) {
	k0, k1, short := packID(ds)
	if !short {
		return p.df.days(ds)
	}
	if p.dates == nil {
		p.dates = new(dateCache)
	}
	slot := &p.dates[(k0^k1*0x9e3779b97f4a7c15)*0xbf58476d1ce4e5b9>>(64-dateCacheBits)]
	if slot.k0 == k0 && slot.k1 == k1 { // k1 ≠ 0: an empty slot never matches
		return slot.day, nil
	}
	d, err := p.df.days(ds)
	if err == nil {
		slot.k0, slot.k1, slot.day = k0, k1, d
	}
	return d, err
}

// noAttrs appends the attribute codes of a row that has none (a bad
// record) to attrs.
func (p *rowParser) noAttrs(attrs []int32) []int32 {
	for range p.cols.attrs {
		attrs = append(attrs, 0)
	}
	return attrs
}

// attrs appends the attribute level codes of rec to attrs, interning its
// values in the tracker (this goroutine is the only one that does while
// the CSV is read), and makes row bad when a cell is missing or a new
// value is not valid UTF-8. A bad or filtered row gets zeros.
func (p *rowParser) attrs(attrs []int32, row *parsedRow, rec []string, line int) []int32 {
	if row.bad != nil || row.filtered {
		return p.noAttrs(attrs)
	}
	for _, c := range p.cols.attrs {
		if c.idx >= len(rec) {
			*row = parsedRow{bad: &ParseError{Line: line, Customer: p.customerOf(rec), Field: c.field, Column: c.name, Kind: MissingField,
				Err: fmt.Errorf("%w: %d, column %s needs %d", errFieldCount, len(rec), c.name, c.idx+1)}}
			return p.noAttrs(attrs)
		}
		p.cells = append(p.cells, rec[c.idx])
	}
	n := len(attrs)
	attrs, col, err := p.tracker.intern(attrs, p.cells)
	p.cells = p.cells[:0]
	if err != nil {
		*row = parsedRow{bad: &ParseError{Line: line, Customer: p.customerOf(rec), Field: "attribute", Column: col, Kind: BadValue, Err: err}}
		return p.noAttrs(attrs[:n])
	}
	return attrs
}

// parse parses one record into row (zeroed), or describes why it is bad.
func (p *rowParser) parse(row *parsedRow, rec []string, line int) {
	if p.parseCommon(row, rec) {
		return
	}
	*row = p.parseRow(rec, line)
	if row.bad != nil && row.bad.Customer == "" {
		row.bad.Customer = p.customerOf(rec)
	}
}

// parseCommon parses the common good row (no row rules, a plain decimal
// amount, an ASCII id of at most 15 bytes, no extra field) straight into
// row and returns true; for anything else it returns false and leaves
// row alone, for parseRow, which gives the same result on the rows
// parseCommon takes.
func (p *rowParser) parseCommon(row *parsedRow, rec []string) bool {
	s := &p.cols
	if s.rules != nil || s.amount.idx < 0 || !p.af.Plain() ||
		max(s.customer.idx, s.date.idx, s.amount.idx) >= len(rec) || p.width > 0 && len(rec) > p.width {
		return false
	}
	id := rec[s.customer.idx]
	if id == "" {
		return false
	}
	key := keyOf(id, p.ids)
	if !key.intID && (key.k1 == 0 || (key.v|key.k1)&0x8080808080808080 != 0) {
		return false
	}
	day, err := p.day(trimSpace(rec[s.date.idx]))
	if err != nil {
		return false
	}
	m, frac, neg, ok := parseDecimal(trimSpace(rec[s.amount.idx]))
	if !ok {
		return false
	}
	row.id, row.key, row.day = id, key, day
	row.k, row.v = decimalKey(day, m, frac, neg)
	return true
}

// customerOf returns the customer id of rec for an error message (at most
// quote.MaxBytes of it), or "" when the row has no usable id: an error
// names the customer as well as the line, so a user can find the order.
func (p *rowParser) customerOf(rec []string) string {
	i := p.cols.customer.idx
	if i < 0 || i >= len(rec) || rec[i] == "" || !utf8.ValidString(rec[i]) {
		return ""
	}
	return strings.Clone(quote.Prefix(rec[i]))
}

// parseRow reads one record; parse completes its error with the customer.
func (p *rowParser) parseRow(rec []string, line int) parsedRow {
	s := &p.cols
	if s.rules != nil {
		keep, err := s.rules.Keep(rec)
		if err != nil {
			return ruleErr(err, line)
		}
		if !keep {
			return parsedRow{filtered: true}
		}
	}
	need := max(s.customer.idx, s.date.idx, s.amount.idx)
	if need >= len(rec) {
		col := s.customer
		switch {
		case s.date.idx >= len(rec):
			col = s.date
		case s.amount.idx >= len(rec):
			col = s.amount
		}
		return parsedRow{bad: &ParseError{Line: line, Field: col.field, Column: col.name, Kind: MissingField,
			Err: fmt.Errorf("%w: %d, column %s needs %d", errFieldCount, len(rec), col.name, col.idx+1)}}
	}
	if p.width > 0 && len(rec) > p.width {
		for _, f := range rec[p.width:] {
			if trimSpace(f) != "" {
				return parsedRow{bad: &ParseError{Line: line, Field: "record", Value: strings.Clone(f), Kind: ExtraField,
					Err: fmt.Errorf("%w: %d, the header has %d (a delimiter inside an unquoted value?)", errExtraFields, len(rec), p.width)}}
			}
		}
	}
	id := rec[s.customer.idx]
	if id == "" {
		return parsedRow{bad: &ParseError{Line: line, Field: "customer", Column: s.customer.name, Kind: EmptyCustomer, Err: errEmptyID}}
	}
	key := keyOf(id, p.ids)
	if !key.intID && (key.k1 == 0 || (key.v|key.k1)&0x8080808080808080 != 0) && !utf8.ValidString(id) {
		// (A short id whose packed bytes are all below 0x80 is ASCII.)
		return parsedRow{bad: badID(line, s.customer.name, id)}
	}
	ds := trimSpace(rec[s.date.idx])
	day, err := p.day(ds)
	if err != nil {
		return parsedRow{bad: &ParseError{Line: line, Field: "date", Column: s.date.name, Value: strings.Clone(quote.Prefix(ds)), Kind: BadDate,
			Err: fmt.Errorf("parsing %s as %s: %w", quote.Value(ds), p.df, err)}}
	}
	amount := 0.0
	if s.amount.idx >= 0 {
		as := trimSpace(rec[s.amount.idx])
		if p.af.Plain() && s.rules == nil {
			// The common case: a plain decimal goes straight to its
			// packed form.
			if m, frac, neg, ok := parseDecimal(as); ok {
				k, v := decimalKey(day, m, frac, neg)
				return parsedRow{id: id, key: key, day: day, k: k, v: v}
			}
		}
		var cur string
		amount, cur, err = p.af.Parse(as)
		if err != nil || math.IsNaN(amount) || math.IsInf(amount, 0) {
			return p.badAmount(as, line, err)
		}
		if cur != "" {
			if p.currency == "" {
				p.currency, p.currencyLine = strings.Clone(cur), line
			} else if cur != p.currency {
				return parsedRow{fatal: true, bad: &ParseError{Line: line, Field: "amount", Column: s.amount.name, Value: strings.Clone(quote.Prefix(as)), Kind: BadAmount,
					Err: fmt.Errorf("%w: %s here, %s on line %d; one amount column must hold one currency (convert first, or filter one out)", errCurrencies, cur, p.currency, p.currencyLine)}}
			}
		}
		if amount == 0 {
			amount = 0 // "-0" is no return (see isReturn)
		}
	}
	if s.rules != nil {
		if row, ok := s.rules.apply(&amount, rec, line); !ok {
			return row
		}
	}
	k, v := rowKey(day, amount)
	return parsedRow{id: id, key: key, day: day, k: k, v: v}
}

// badAmount describes an amount that does not parse. When it is a number
// in another amount format, the row is fatal even when bad rows are
// skipped: the format is wrong, and skipping would drop exactly the rows
// written with separators or a currency (under plain, every order of
// 1,000 or more).
func (p *rowParser) badAmount(as string, line int, err error) parsedRow {
	if err == nil {
		err = errNotFinite
	} else if ne, ok := err.(*strconv.NumError); ok {
		err = ne.Err
	}
	what := "a number"
	if !p.af.Plain() {
		what = fmt.Sprintf("an amount in format %q", p.af)
	}
	err = fmt.Errorf("parsing %s as %s: %w", quote.Value(as), what, err)
	hint := amountReadings(as, p.af)
	if hint != "" {
		err = fmt.Errorf("%w; %s: set the amount format (amount_format) to the one the column is written in; such rows are not skipped, even when skipping bad rows", err, hint)
	}
	return parsedRow{fatal: hint != "", bad: &ParseError{Line: line, Field: "amount", Column: p.cols.amount.name, Value: strings.Clone(quote.Prefix(as)), Kind: BadAmount, Err: err}}
}

// trimSpace trims ASCII blanks without allocating.
func trimSpace(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t' || s[len(s)-1] == '\r') {
		s = s[:len(s)-1]
	}
	return s
}

// whitespaceRecords returns a record iterator for files whose fields are
// separated by runs of spaces or tabs. Blank lines are skipped.
func whitespaceRecords(r io.Reader) func() ([]string, int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	line := 0
	var rec []string
	return func() ([]string, int, error) {
		for sc.Scan() {
			line++
			s := sc.Text()
			rec = rec[:0]
			for i := 0; i < len(s); {
				for i < len(s) && isBlank(s[i]) {
					i++
				}
				j := i
				for j < len(s) && !isBlank(s[j]) {
					j++
				}
				if j > i {
					rec = append(rec, s[i:j])
				}
				i = j
			}
			if len(rec) == 0 {
				continue
			}
			return rec, line, nil
		}
		if err := sc.Err(); err != nil {
			return nil, line + 1, err
		}
		return nil, line, io.EOF
	}
}

// validDelim reports whether the ASCII byte c can be a delimiter
// (encoding/csv's rule).
func validDelim(c byte) bool { return c != 0 && c != '"' && c != '\r' && c != '\n' }

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }
