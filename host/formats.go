package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/clvkit/clvkit/core/detect"
	"github.com/clvkit/clvkit/core/summary"
)

// inputFormats are the date and amount formats a run read its input with:
// the configured ones, or, for "auto", those core/detect found in the first
// lines. The manifest records them, so `clv verify` re-reads the input the
// same way even if later data would be detected differently.
type inputFormats struct {
	DateFormat   string `json:"date_format"`
	AmountFormat string `json:"amount_format"`

	dateDetected, amountDetected bool
	sampled                      int // data rows the detection looked at
}

// checkFormats checks the configured formats without the data, as clv
// score will parse them: "auto" or a format ParseDateFormat /
// ParseAmountFormat accepts. The error says which setting is wrong.
func checkFormats(dateFormat, amountFormat string) (key string, err error) {
	if dateFormat != summary.AutoFormat {
		if _, err := summary.ParseDateFormat(dateFormat); err != nil {
			return "date_format", err
		}
	}
	if amountFormat != summary.AutoFormat {
		if _, err := summary.ParseAmountFormat(amountFormat); err != nil {
			return "amount_format", err
		}
	}
	return "", nil
}

// needsDetection reports whether a format is "auto".
func (s source) needsDetection() bool {
	return s.DateFormat == summary.AutoFormat || s.AmountFormat == summary.AutoFormat
}

// resolveCSVFormats reads the first detect.MaxLines lines of a delimited
// input, resolves the "auto" formats on them and returns the formats and
// a reader giving the whole input again.
func resolveCSVFormats(r io.Reader, s source, cols transactionColumns) (inputFormats, io.Reader, error) {
	f := inputFormats{DateFormat: s.DateFormat, AmountFormat: s.AmountFormat}
	if !s.needsDetection() {
		return f, r, nil
	}
	sample, all, err := detect.Head(r, detect.MaxLines)
	if err != nil {
		return f, nil, fmt.Errorf("%s: %w", s.displayName(), err)
	}
	comma, ws, err := s.comma()
	if err != nil {
		return f, nil, err
	}
	delim := string(comma)
	if ws {
		delim = "whitespace"
	}
	header := !s.NoHeader
	t, err := detect.ReadSample(bytes.NewReader(sample), detect.Options{Delimiter: delim, Header: &header})
	if err != nil {
		return f, nil, fmt.Errorf("%s: %w", s.displayName(), err)
	}
	f, err = resolveOn(t, s, cols)
	return f, all, err
}

// resolveOn resolves the source's "auto" formats on a sampled table.
func resolveOn(t *detect.Table, s source, cols transactionColumns) (inputFormats, error) {
	f := inputFormats{DateFormat: s.DateFormat, AmountFormat: s.AmountFormat, sampled: len(t.Rows),
		dateDetected: s.DateFormat == summary.AutoFormat, amountDetected: s.AmountFormat == summary.AutoFormat}
	var err error
	f.DateFormat, f.AmountFormat, err = t.ResolveFormats(cols.Date, s.DateFormat, cols.Amount, s.AmountFormat)
	if err != nil {
		return f, fmt.Errorf("%s: %w", s.displayName(), err)
	}
	return f, nil
}

// report tells which formats were detected, when that is news: a detected
// date format, or a detected amount format other than plain numbers.
func (f inputFormats) report(w io.Writer) {
	switch {
	case f.dateDetected && f.amountDetected && f.AmountFormat != summary.AmountPlain:
		fmt.Fprintf(w, "detected from the first %d rows: date_format = %q, amount_format = %q\n", f.sampled, f.DateFormat, f.AmountFormat)
	case f.dateDetected:
		fmt.Fprintf(w, "detected from the first %d rows: date_format = %q\n", f.sampled, f.DateFormat)
	case f.amountDetected && f.AmountFormat != summary.AmountPlain:
		fmt.Fprintf(w, "detected from the first %d rows: amount_format = %q\n", f.sampled, f.AmountFormat)
	}
}

// formatsHelp explains date_format and amount_format in --help texts.
func formatsHelp() string {
	return `Date formats (date_format, --date-format):
  YYYY-MM-DD (default)  YYYYMMDD  ISO8601 (date, optional time and zone, T or space:
  2024-03-15 14:22:01-05:00)  RFC3339  unix (seconds since 1970, dated in UTC)
  auto: detected from the first 5000 lines; the format used is reported and
  written to the manifest. Ambiguous samples (no day above 12) are an error
  showing both readings: then name the format.
  Or a layout in tokens, such as "DD/MM/YYYY", "M/D/YYYY H:mm", "YYYY-MM-DD HH:mm:ss":
` + "    " + strings.ReplaceAll(summary.DateTokens, "\n", "\n    ") + `
  Or a Go layout such as "2006-01-02 15:04:05". Only the calendar date is used,
  as written (no conversion to UTC).
Amount formats (amount_format, --amount-format):
  auto (default): plain unless the first lines are written otherwise
  plain: 1234.56 or -81.27 (no currency, no thousands separators)
  "1,234.56"  "1.234,56"  "1 234,56" (space or no-break space groups): these
  accept a currency symbol or code before or after ($, €, £, USD, kr) and
  negatives written -81.27, (81.27) or 81.27-. One column, one currency.`
}
