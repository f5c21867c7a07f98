package summary

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/core/formula"
)

// RowRules are rules over the columns of each input row, written in the row
// rule language of core/formula (see formula.CompileRow): a filter, a
// computed amount and a returns marker. They name columns by the header.
type RowRules struct {
	// Where, when set, is a condition: rows for which it is false are left
	// out before anything else in them is read, and counted in
	// Report.Filtered. Example: `Country == "United Kingdom"`.
	Where string
	// Amount, when set, computes each row's amount, instead of an amount
	// column. Example: "Quantity * UnitPrice".
	Amount string
	// IsReturn, when set, is a condition marking rows as returns: a marked
	// row refunds |amount| (see Transaction.Return). Example:
	// `starts_with(InvoiceNo, "C")`.
	IsReturn string
}

// IsZero tells whether no rule is set.
func (r RowRules) IsZero() bool { return r == RowRules{} }

// RuleError is a row rule that does not compile against the data's
// columns. Rule is its configuration name: "where", "amount_expr" or
// "is_return"; Err is usually a *formula.ExprError with its line and
// column in the rule.
type RuleError struct {
	Rule string
	Err  error
}

func (e *RuleError) Error() string { return e.Rule + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *RuleError) Unwrap() error { return e.Err }

// SampleRows is how many rows, at most, the types of the columns are
// detected from (see DetectColumns); ReadCSV also reads at most sampleBytes
// of input for them.
const SampleRows = 1000

// sampleBytes bounds the input ReadCSV looks ahead at to detect column types.
const sampleBytes = 1 << 20

// DetectColumns types the columns named by header from sample rows: a
// column is a number column when at least one of its sampled cells is not
// blank and every cell that is not blank parses as a finite number; else it
// is text. Rows shorter than the header leave the missing cells out.
func DetectColumns(header []string, sample [][]string) []formula.Column {
	cols := make([]formula.Column, len(header))
	for i, h := range header {
		seen, numeric := false, true
		for _, rec := range sample {
			if i >= len(rec) {
				continue
			}
			s := trimSpace(rec[i])
			if s == "" {
				continue
			}
			seen = true
			if v, err := parseAmount(s); err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				numeric = false
				break
			}
		}
		cols[i] = formula.Column{Name: h, Type: formula.TextColumn}
		if seen && numeric {
			cols[i].Type = formula.NumberColumn
		}
	}
	return cols
}

// Rules are RowRules compiled against a header: see CompileRules. A Rules
// holds scratch space for one row, so it must not be used from two
// goroutines at once.
type Rules struct {
	where, amount, isReturn *formula.RowProgram
	cols                    []formula.Column
	row                     formula.Row
	reads                   map[*formula.RowProgram]reads
}

// reads are the columns a rule reads: all as text, some as numbers too.
type reads struct {
	cells   []int
	numbers []bool // by column position
}

// CompileRules compiles r against the columns of header, typed from the
// sample rows (see DetectColumns). An error is a *RuleError naming the
// rule.
func CompileRules(r RowRules, header []string, sample [][]string) (*Rules, error) {
	cols := DetectColumns(header, sample)
	rs := &Rules{cols: cols, row: formula.Row{Num: make([]float64, len(cols)), Text: make([]string, len(cols))}}
	for _, c := range []struct {
		name, src string
		kind      formula.RuleKind
		p         **formula.RowProgram
	}{
		{"where", r.Where, formula.ConditionRule, &rs.where},
		{"amount_expr", r.Amount, formula.NumberRule, &rs.amount},
		{"is_return", r.IsReturn, formula.ConditionRule, &rs.isReturn},
	} {
		if c.src == "" {
			continue
		}
		p, err := formula.CompileRow(c.src, cols, c.kind)
		if err != nil {
			return nil, &RuleError{Rule: c.name, Err: err}
		}
		*c.p = p
		rd := reads{cells: p.Uses(), numbers: make([]bool, len(cols))}
		for _, i := range p.NumberUses() {
			rd.numbers[i] = true
		}
		if rs.reads == nil {
			rs.reads = map[*formula.RowProgram]reads{}
		}
		rs.reads[p] = rd
	}
	return rs, nil
}

// Columns returns the typed columns the rules were compiled against.
func (rs *Rules) Columns() []formula.Column { return slices.Clone(rs.cols) }

// HasAmount tells whether the amount is computed (RowRules.Amount).
func (rs *Rules) HasAmount() bool { return rs.amount != nil }

// errBadNumber is the cause of a number column's cell that does not parse.
var errBadNumber = errors.New("not a number, though the column's first rows are numbers")

// load fills the row scratch with the cells of rec that p reads. It
// returns a *ParseError (without the line) for a missing cell or a number
// cell that does not parse.
func (rs *Rules) load(p *formula.RowProgram, rule string, rec []string) *ParseError {
	rd := rs.reads[p]
	for _, i := range rd.cells {
		c := rs.cols[i]
		if i >= len(rec) {
			return &ParseError{Field: rule, Column: c.Name, Kind: MissingField,
				Err: fmt.Errorf("%w: %d, column %s needs %d", errFieldCount, len(rec), c.Name, i+1)}
		}
		rs.row.Text[i] = rec[i]
		if !rd.numbers[i] {
			continue
		}
		s := trimSpace(rec[i])
		if s == "" {
			rs.row.Num[i] = math.NaN()
			continue
		}
		v, err := parseAmount(s)
		if err != nil {
			return &ParseError{Field: rule, Column: c.Name, Value: strings.Clone(s), Kind: BadValue,
				Err: fmt.Errorf("column %q: %q is %w", c.Name, s, errBadNumber)}
		}
		rs.row.Num[i] = v
	}
	return nil
}

// Keep evaluates the where rule on rec: true when there is none or it
// holds. The error is a *ParseError whose Line is 0.
func (rs *Rules) Keep(rec []string) (bool, error) {
	if rs.where == nil {
		return true, nil
	}
	if e := rs.load(rs.where, "where", rec); e != nil {
		return false, e
	}
	return rs.where.Condition(&rs.row), nil
}

// Amount evaluates the amount rule on rec (0 when there is none). A NaN or
// infinite amount, as from an empty cell, is a *ParseError of kind
// BadAmount whose Line is 0.
func (rs *Rules) Amount(rec []string) (float64, error) {
	if rs.amount == nil {
		return 0, nil
	}
	if e := rs.load(rs.amount, "amount", rec); e != nil {
		return 0, e
	}
	v, err := rs.amount.Number(&rs.row)
	if err != nil {
		var cells []string
		for _, i := range rs.reads[rs.amount].cells {
			cells = append(cells, fmt.Sprintf("%s=%q", rs.cols[i].Name, rs.row.Text[i]))
		}
		return 0, &ParseError{Field: "amount", Column: "amount_expr", Value: strings.Join(cells, " "), Kind: BadAmount,
			Err: fmt.Errorf("%s gives %v for %s: %w", rs.amount, v, strings.Join(cells, ", "), errNotFinite)}
	}
	if v == 0 {
		v = 0 // −0 is no return
	}
	return v, nil
}

// IsReturn evaluates the returns rule on rec: false when there is none.
// The error is a *ParseError whose Line is 0.
func (rs *Rules) IsReturn(rec []string) (bool, error) {
	if rs.isReturn == nil {
		return false, nil
	}
	if e := rs.load(rs.isReturn, "is_return", rec); e != nil {
		return false, e
	}
	return rs.isReturn.Condition(&rs.row), nil
}

// sampleCSV returns up to SampleRows records after the first one of the
// delimited text head (the look-ahead of the input: complete tells whether
// it is all of it, else its last partial line is dropped). A malformed
// record ends the sample.
func sampleCSV(head []byte, complete bool, opt CSVOptions) [][]string {
	if !complete {
		head = head[:bytes.LastIndexByte(head, '\n')+1]
	}
	var next func() ([]string, int, error)
	if opt.Whitespace {
		next = whitespaceRecords(bytes.NewReader(head))
	} else {
		next = csvRecords(bytes.NewReader(head), cmpOr(opt.Delimiter, ','), 0)
	}
	var out [][]string
	for len(out) <= SampleRows {
		rec, _, err := next()
		if err != nil {
			break
		}
		out = append(out, slices.Clone(rec))
	}
	if len(out) == 0 {
		return nil
	}
	return out[1:]
}

func cmpOr(r, def rune) rune {
	if r == 0 {
		return def
	}
	return r
}

// peekSample looks ahead at up to sampleBytes of r without consuming them:
// it returns the reader to read from instead of r, the bytes and whether
// they are the whole input.
func peekSample(r io.Reader) (io.Reader, []byte, bool) {
	br := bufio.NewReaderSize(r, sampleBytes)
	head, err := br.Peek(sampleBytes)
	return br, head, err != nil
}

// ruleErr completes a rule's *ParseError with the line, for the pipeline.
func ruleErr(err error, line int) parsedRow {
	var pe *ParseError
	if errors.As(err, &pe) {
		pe.Line = line
		return parsedRow{bad: pe}
	}
	return parsedRow{bad: &ParseError{Line: line, Field: "record", Kind: BadValue, Err: err}}
}

// apply computes the amount of rec (amount_expr) into *amount, when there
// is an amount rule, and marks a return (is_return). When the row is bad it
// returns it and false.
func (rs *Rules) apply(amount *float64, rec []string, line int) (parsedRow, bool) {
	if rs.amount != nil {
		v, err := rs.Amount(rec)
		if err != nil {
			return ruleErr(err, line), false
		}
		*amount = v
	}
	ret, err := rs.IsReturn(rec)
	if err != nil {
		return ruleErr(err, line), false
	}
	if ret {
		*amount = returnAmount(*amount)
	}
	return parsedRow{}, true
}
