// Package table is the clv binary's generic tabular I/O layer: it reads and
// writes tables of named columns as CSV, JSON Lines or Parquet, so that the
// rest of the host never deals with file formats. It knows nothing about
// what the columns mean; the host maps columns to transactions, summaries
// or scores.
//
// # Reading
//
// Open reads a header (the CSV header row, the keys of the first JSON
// object, the Parquet schema) and returns a Reader whose Next yields one Row
// at a time. A Row gives each field as text (Field), as a number (Float,
// Int), or says it is missing (IsNull). Every error names the input, its
// line (or row) and the column, "name:line: column "x": ...", as a *Error.
// Gzip-compressed input is recognised by its magic bytes (or a .gz name)
// and decompressed transparently.
//
// Per format:
//
//   - CSV: the first record is the header; each later record must have as
//     many fields as the header. Line is the line the record starts on
//     (the header is line 1). An empty field is an empty string, not null.
//   - JSON Lines: one object per line; blank lines are skipped. The column
//     set is fixed by the first object, in its key order; a later object
//     may omit keys (their fields are null) but may not add new ones.
//     Values may be strings, numbers (kept as their exact text), booleans
//     ("true"/"false") or null; nested objects and arrays are errors naming
//     the line and the key. Line is the physical line number.
//   - Parquet: the whole input is buffered (the footer comes last, so
//     standard input cannot be streamed). Columns are the schema's
//     top-level leaf columns; nested or repeated columns are an error.
//     Values become text: strings as is, integers and decimals in base 10,
//     floating point in the shortest form that round-trips, DATE as
//     2006-01-02, TIMESTAMP as RFC 3339 in UTC. Line is the 1-based row
//     number, counting data rows only.
//
// # Writing
//
// Create takes the column list up front; each Column has a Name and a Kind
// (String, Float with a fixed Precision, Int). Output is deterministic:
// the same rows give the same bytes on every run and machine.
//
//   - CSV: a header row, then one record per row, "\n" line ends, quoting
//     as encoding/csv does. Floats use strconv.FormatFloat(v, 'f',
//     Precision, 64); null values are empty fields.
//   - JSON Lines: one object per row, keys in column order, numbers with
//     the same text as in CSV, null for null.
//   - Parquet: one optional leaf column per Column (BYTE_ARRAY/STRING,
//     DOUBLE, INT64), Snappy compression, a fixed created_by, and floats
//     rounded to Precision decimals before they are stored, so the values
//     match the CSV text.
//
// With WriteOptions.Gzip, CSV and JSON Lines output is gzip-compressed with
// a header carrying no name and no modification time.
//
// Floating-point NaN and ±Inf are written as null in every format.
package table
