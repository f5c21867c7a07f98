package sqlgen

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/clvkit/clvkit/internal/quote"
)

// Dialect is the SQL engine a query is written for.
type Dialect int

const (
	// Postgres is PostgreSQL (12 or later).
	Postgres Dialect = iota
	// DuckDB is DuckDB (1.0 or later).
	DuckDB
	// BigQuery is Google BigQuery's GoogleSQL.
	BigQuery
	// Snowflake is Snowflake SQL.
	Snowflake
	// Spark is Spark SQL (3.4 or later; Databricks).
	Spark
	// ClickHouse is ClickHouse SQL (22.3 or later: window functions).
	ClickHouse
)

var dialectNames = [...]string{"postgres", "duckdb", "bigquery", "snowflake", "spark", "clickhouse"}

// Dialects returns every dialect, in the order of the constants.
func Dialects() []Dialect {
	return []Dialect{Postgres, DuckDB, BigQuery, Snowflake, Spark, ClickHouse}
}

// ParseDialect returns the dialect named s: postgres (also postgresql),
// duckdb, bigquery, snowflake, spark (also databricks) or clickhouse.
func ParseDialect(s string) (Dialect, error) {
	switch t := strings.ToLower(strings.TrimSpace(s)); t {
	case "postgresql", "pg":
		return Postgres, nil
	case "databricks":
		return Spark, nil
	default:
		for i, n := range dialectNames {
			if t == n {
				return Dialect(i), nil
			}
		}
	}
	return 0, fmt.Errorf("dialect %s: want one of %s", quote.Value(s), strings.Join(dialectNames[:], ", "))
}

// String returns the dialect's name as ParseDialect reads it.
func (d Dialect) String() string {
	if d.valid() {
		return dialectNames[d]
	}
	return fmt.Sprintf("Dialect(%d)", int(d))
}

func (d Dialect) valid() bool { return d >= Postgres && d <= ClickHouse }

// ident quotes one identifier. PostgreSQL, DuckDB and Snowflake quote
// with double quotes (a double quote inside is doubled); BigQuery and
// Spark with backquotes; ClickHouse with double quotes. Where the engine
// would read a backslash in a quoted name as an escape (BigQuery, Spark,
// ClickHouse), names holding a backslash or the quote character are
// refused rather than escaped. Control characters and invalid UTF-8 are
// refused everywhere.
func (d Dialect) ident(name string) (string, error) {
	if name == "" {
		return "", fmt.Errorf("empty name")
	}
	if !utf8.ValidString(name) {
		return "", fmt.Errorf("name %s is not valid UTF-8", quote.Value(name))
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return "", fmt.Errorf("name %s holds a control character", quote.Value(name))
		}
	}
	switch d {
	case BigQuery, Spark:
		if strings.ContainsAny(name, "`\\") {
			return "", fmt.Errorf("name %s holds a backquote or backslash, which %s names cannot hold here", quote.Value(name), d)
		}
		return "`" + name + "`", nil
	case ClickHouse:
		if strings.ContainsAny(name, "\"`\\") {
			return "", fmt.Errorf("name %s holds a quote or backslash, which %s names cannot hold here", quote.Value(name), d)
		}
		return `"` + name + `"`, nil
	}
	return `"` + strings.ReplaceAll(name, `"`, `""`) + `"`, nil
}

// sqlType is a value type of the generated SQL.
type sqlType int

const (
	typeDate sqlType = iota
	typeDouble
	typeText
	typeDecimal
	typeInt
)

// typeName is the engine's name of t. Decimal is the exact type amounts
// are summed in: PostgreSQL's NUMERIC has any precision; the others have
// 38 digits, 9 after the point (BigQuery's NUMERIC is exactly that).
func (d Dialect) typeName(t sqlType) string {
	switch t {
	case typeDate:
		if d == ClickHouse {
			return "Date32"
		}
		return "DATE"
	case typeDouble:
		switch d {
		case Postgres:
			return "DOUBLE PRECISION"
		case BigQuery:
			return "FLOAT64"
		case ClickHouse:
			return "Float64"
		}
		return "DOUBLE"
	case typeText:
		switch d {
		case Postgres:
			return "TEXT"
		case BigQuery, Spark:
			return "STRING"
		case ClickHouse:
			return "String"
		}
		return "VARCHAR"
	case typeDecimal:
		switch d {
		case Postgres:
			return "NUMERIC"
		case BigQuery:
			return "NUMERIC"
		case Snowflake:
			return "NUMBER(38, 9)"
		case ClickHouse:
			return "Decimal(38, 9)"
		}
		return "DECIMAL(38, 9)"
	case typeInt:
		switch d {
		case Postgres:
			return "BIGINT"
		case BigQuery:
			return "INT64"
		case ClickHouse:
			return "Int64"
		}
		return "BIGINT"
	}
	panic("sqlgen: unknown type")
}

// cast writes CAST(x AS t).
func (d Dialect) cast(x string, t sqlType) string {
	return "CAST(" + x + " AS " + d.typeName(t) + ")"
}

// placeholder is the bind parameter for the n-th argument (1-based) of
// type t: $n (PostgreSQL, DuckDB), @pn (BigQuery), :n (Snowflake), :pn
// (Spark), {pn:Type} (ClickHouse). Each may appear several times.
func (d Dialect) placeholder(n int, t sqlType) string {
	s := strconv.Itoa(n)
	switch d {
	case BigQuery:
		return d.cast("@p"+s, t)
	case Snowflake:
		return d.cast(":"+s, t)
	case Spark:
		return d.cast(":p"+s, t)
	case ClickHouse:
		return "{p" + s + ":" + d.typeName(t) + "}"
	}
	return d.cast("$"+s, t)
}

// stringLiteral writes s as a string literal of the engine. PostgreSQL
// gets a dollar-quoted string, which has no escapes whatever
// standard_conforming_strings says; DuckDB a standard literal (quotes
// doubled, backslashes plain); BigQuery, Snowflake, Spark and ClickHouse
// read backslash escapes in quoted strings, so backslash, quote and
// control characters are escaped. NUL and invalid UTF-8 are refused.
func (d Dialect) stringLiteral(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", fmt.Errorf("text %s is not valid UTF-8", quote.Value(s))
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "", fmt.Errorf("text %s holds a NUL character", quote.Value(s))
	}
	switch d {
	case Postgres:
		tag := "$s$"
		for i := 0; strings.Contains(s+"$", tag[:len(tag)-1]); i++ {
			tag = "$s" + strconv.Itoa(i) + "$"
		}
		return tag + s + tag, nil
	case DuckDB:
		return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
	}
	var b strings.Builder
	b.WriteByte('\'')
	for _, r := range s {
		switch r {
		case '\\':
			b.WriteString(`\\`)
		case '\'':
			b.WriteString(`\'`)
		case '\n':
			b.WriteString(`\n`)
		case '\r':
			b.WriteString(`\r`)
		case '\t':
			b.WriteString(`\t`)
		default:
			if r < 0x20 || r == 0x7f {
				if d == ClickHouse {
					fmt.Fprintf(&b, `\x%02X`, r)
				} else {
					fmt.Fprintf(&b, `\u%04X`, r)
				}
				continue
			}
			b.WriteRune(r)
		}
	}
	b.WriteByte('\'')
	return b.String(), nil
}

// dateLiteral writes the date YYYY-MM-DD (already checked) as a DATE.
func (d Dialect) dateLiteral(day string) string {
	return d.cast("'"+day+"'", typeDate)
}

// doubleLiteral writes v exactly: its shortest decimal text cast to the
// double type, which every engine parses to the nearest double, so the
// value is v's bits.
func (d Dialect) doubleLiteral(v float64) string {
	return d.cast("'"+strconv.FormatFloat(v, 'g', -1, 64)+"'", typeDouble)
}

// dayNumber is the number of days from 1970-01-01 to the DATE x: a
// summary day index (core/summary's days since the epoch).
func (d Dialect) dayNumber(x string) string {
	epoch := d.dateLiteral("1970-01-01")
	switch d {
	case Postgres:
		return "(" + x + " - " + epoch + ")" // date - date is an integer of days
	case DuckDB:
		return "date_diff('day', " + epoch + ", " + x + ")"
	case BigQuery:
		return "UNIX_DATE(" + x + ")"
	case Snowflake:
		return "DATEDIFF(day, " + epoch + ", " + x + ")"
	case Spark:
		return "datediff(" + x + ", " + epoch + ")"
	}
	return "dateDiff('day', " + epoch + ", " + x + ")"
}

// monday is the Monday on or before the DATE x (the start of its ISO
// week), as a DATE, whatever the session's week settings.
func (d Dialect) monday(x string) string {
	switch d {
	case Postgres:
		// ISODOW is 1 (Monday) to 7 (Sunday); date - integer is a date.
		return "(" + x + " - CAST(EXTRACT(ISODOW FROM " + x + ") AS INTEGER) + 1)"
	case DuckDB:
		return "CAST(date_trunc('week', " + x + ") AS DATE)"
	case BigQuery:
		return "DATE_TRUNC(" + x + ", ISOWEEK)"
	case Snowflake:
		// DATE_TRUNC('week') follows the WEEK_START parameter;
		// DAYOFWEEKISO is 1 (Monday) to 7 whatever it says.
		return "DATEADD(day, 1 - DAYOFWEEKISO(" + x + "), " + x + ")"
	case Spark:
		return "trunc(" + x + ", 'week')"
	}
	return "toMonday(" + x + ")"
}

// monthIndex is year × 12 + month − 1 of the DATE x.
func (d Dialect) monthIndex(x string) string {
	switch d {
	case Postgres:
		return "(CAST(EXTRACT(YEAR FROM " + x + ") AS INTEGER) * 12 + CAST(EXTRACT(MONTH FROM " + x + ") AS INTEGER) - 1)"
	case BigQuery:
		return "(EXTRACT(YEAR FROM " + x + ") * 12 + EXTRACT(MONTH FROM " + x + ") - 1)"
	case ClickHouse:
		return "(toInt64(toYear(" + x + ")) * 12 + toMonth(" + x + ") - 1)"
	}
	return "(year(" + x + ") * 12 + month(" + x + ") - 1)"
}

// toDate is the calendar date of the date column x. Without a zone the
// engine's cast is used (a DATE stays itself; a timestamp's date is taken
// as the engine does: see the package documentation). With a zone (an
// argument placeholder or literal tz) a timestamp with zone is converted
// to it first.
func (d Dialect) toDate(x, tz string) string {
	if tz == "" {
		if d == ClickHouse {
			return "toDate32(" + x + ")"
		}
		return d.cast(x, typeDate)
	}
	switch d {
	case Postgres:
		return d.cast("("+x+" AT TIME ZONE "+tz+")", typeDate)
	case DuckDB:
		return d.cast("timezone("+tz+", "+x+")", typeDate)
	case BigQuery:
		return "DATE(" + x + ", " + tz + ")"
	case Snowflake:
		return d.cast("CONVERT_TIMEZONE("+tz+", "+x+")", typeDate)
	case Spark:
		return "to_date(from_utc_timestamp(to_utc_timestamp(" + x + ", current_timezone()), " + tz + "))"
	}
	return "toDate32(" + x + ", " + tz + ")"
}

// trimChars removes the characters of the literal set (constant SQL) from
// both ends of x.
func (d Dialect) trimBlanks(x string) string {
	switch d {
	case Postgres:
		return "BTRIM(" + x + ", ' ' || CHR(9) || CHR(13))"
	case DuckDB:
		return "trim(" + x + ", ' ' || chr(9) || chr(13))"
	case BigQuery, Snowflake:
		return "TRIM(" + x + `, ' \t\r')`
	}
	return `trim(BOTH ' \t\r' FROM ` + x + ")"
}

// ltrimDigits removes leading ASCII digits from x (constant SQL).
func (d Dialect) ltrimChars(x, chars string) string {
	switch d {
	case Postgres, DuckDB, BigQuery, Snowflake:
		return "LTRIM(" + x + ", '" + chars + "')"
	}
	return "trim(LEADING '" + chars + "' FROM " + x + ")"
}

// length is the length of x in the unit the engine's substring functions
// count (characters; bytes in ClickHouse, whose ids are compared as bytes).
func (d Dialect) length(x string) string {
	if d == ClickHouse {
		return "length(" + x + ")"
	}
	return "LENGTH(" + x + ")"
}

// collate makes a text comparison bytewise (UTF-8 byte order, which is
// code point order): PostgreSQL's default collation is the locale's, so
// its ids are compared under COLLATE "C"; the others compare bytes (or
// code points) by default.
func (d Dialect) collate(x string) string {
	if d == Postgres {
		return x + ` COLLATE "C"`
	}
	return x
}
