// Package detect guesses how a transaction log is written from its first
// lines: the delimiter, whether the first line is a header, which columns
// hold the customer, the date and the amount, the date format and the
// amount format. The calculator page (through wasm/bind) and the clv binary
// (date_format = "auto", amount_format = "auto") both use it, so they agree
// on the same file.
//
// Detection looks at a sample (the first MaxLines lines, see Head); the
// reader (core/summary.ReadCSV) then parses every row with the formats
// chosen, on its fast paths. A format is chosen only when the sample leaves
// no doubt: when two formats read the sample differently ("3/4/2024" as
// March 4 or April 3; "1,234" as 1234 or 1.234) the answer is an
// *AmbiguousError showing both readings, and the user names the format.
//
// The package is pure Go and reads only from an io.Reader.
package detect
