// Package pgio moves clv's data in and out of PostgreSQL: it connects
// (jackc/pgx, pure Go), reads a query's rows in a READ ONLY transaction as
// text with a hash of what was read, copies a query's result out as CSV,
// and writes a table whole (COPY into a staging table and a swap, in one
// transaction, so readers see the old table or the new one, never part).
//
// Credentials come from the URL, the PG* environment variables or the
// password file (~/.pgpass, PGPASSFILE), as libpq takes them; no error or
// name this package returns holds the password (see Redact).
package pgio

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// IsURL reports whether s names a PostgreSQL database (postgres:// or
// postgresql://) rather than a file.
func IsURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// userinfo matches the user:password@ of a URL, to take the password out
// of any text that may quote a URL.
var userinfo = regexp.MustCompile(`(?i)(postgres(?:ql)?://[^:@/?#\s]*):[^@/\s]*@`)

// Redact returns s with the password of any postgres:// URL in it, and
// every given secret, replaced by "xxxxx".
func Redact(s string, secrets ...string) string {
	s = userinfo.ReplaceAllString(s, "${1}:xxxxx@")
	for _, p := range secrets {
		if len(p) > 0 {
			s = strings.ReplaceAll(s, p, "xxxxx")
		}
	}
	return s
}

// DisplayURL is the URL for messages, before connecting: its password,
// in the userinfo or a password parameter, taken out, and its other
// parameters dropped. A URL that does not parse gives "postgres://…".
func DisplayURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres://…"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery, u.Fragment = "", ""
	return u.String()
}

// Conn is an open connection to one database.
type Conn struct {
	conn *pgx.Conn
	// Name is the database's URL without a password, for messages:
	// postgres://user@host:port/database.
	Name string
	// Host, Port and Database are where the connection went;
	// ServerVersion is the server's server_version.
	Host          string
	Port          int
	Database      string
	ServerVersion string

	secrets []string
}

// Connect opens a connection to the database at rawURL. The error, if
// any, says which server and database it tried and why it failed, without
// the password.
func Connect(ctx context.Context, rawURL string) (*Conn, error) {
	secrets := urlPasswords(rawURL)
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%s: not a PostgreSQL URL (postgres://user@host:port/database?sslmode=…): %s",
			Redact(shortURL(rawURL), secrets...), Redact(unwrapAll(err), secrets...))
	}
	if cfg.Password != "" {
		secrets = append(secrets, cfg.Password)
	}
	c := &Conn{Host: cfg.Host, Port: int(cfg.Port), Database: cfg.Database, secrets: secrets}
	c.Name = (&url.URL{Scheme: "postgres", User: url.User(cfg.User), Host: net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), Path: "/" + cfg.Database}).String()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect to %s: %s", c.Name, c.redact(unwrapAll(err)))
	}
	c.conn = conn
	if err := conn.QueryRow(ctx, "SHOW server_version").Scan(&c.ServerVersion); err != nil {
		conn.Close(ctx)
		return nil, c.Err("server_version", err)
	}
	return c, nil
}

// shortURL is the URL up to 200 bytes, for an error about it.
func shortURL(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}

// urlPasswords returns the password of a URL's userinfo, when it has one.
func urlPasswords(raw string) []string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		if m := regexp.MustCompile(`://[^:@/]*:([^@/]+)@`).FindStringSubmatch(raw); m != nil {
			return []string{m[1]}
		}
		return nil
	}
	if p, ok := u.User.Password(); ok {
		return []string{p}
	}
	return nil
}

// unwrapAll is the error's message (pgx's errors carry the server's
// message and its detail).
func unwrapAll(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		msg := pe.Message
		if pe.Detail != "" {
			msg += " (" + pe.Detail + ")"
		}
		if pe.Hint != "" {
			msg += "; hint: " + pe.Hint
		}
		return msg
	}
	return err.Error()
}

func (c *Conn) redact(s string) string { return Redact(s, c.secrets...) }

// Err wraps an error of an operation on the database with the database's
// name, the password taken out.
func (c *Conn) Err(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	return fmt.Errorf("%s: %s: %s", c.Name, op, c.redact(unwrapAll(err)))
}

// Close closes the connection.
func (c *Conn) Close() {
	if c != nil && c.conn != nil {
		c.conn.Close(context.Background())
	}
}

// Read says what a read returned: its rows and the SHA-256 of their values
// (RowHash), which a manifest records.
type Read struct {
	Rows   int
	SHA256 string
}

// RowHash hashes rows of text values: per value a big-endian int32 length
// (-1 for NULL) and its bytes, as PostgreSQL's wire protocol sends them,
// so two results hash the same exactly when they hold the same values in
// the same order.
type RowHash struct {
	h    hash.Hash
	rows int
}

// NewRowHash returns an empty RowHash.
func NewRowHash() *RowHash { return &RowHash{h: sha256.New()} }

// Add hashes one row.
func (r *RowHash) Add(vals [][]byte) {
	var n [4]byte
	for _, v := range vals {
		l := int32(len(v))
		if v == nil {
			l = -1
		}
		binary.BigEndian.PutUint32(n[:], uint32(l))
		r.h.Write(n[:])
		r.h.Write(v)
	}
	r.rows++
}

// Read is the rows hashed so far.
func (r *RowHash) Read() Read { return Read{Rows: r.rows, SHA256: hex.EncodeToString(r.h.Sum(nil))} }

// Query runs one SQL statement with its bind arguments in a READ ONLY
// transaction and calls row with the column names and each row's values as
// text (nil for NULL; the slices are reused after row returns). The result
// is streamed: rows are not held.
func (c *Conn) Query(ctx context.Context, sql string, args []any, row func(cols []string, vals [][]byte) error) (Read, error) {
	h := NewRowHash()
	tx, err := c.conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return Read{}, c.Err("begin a read-only transaction", err)
	}
	defer tx.Rollback(context.Background())
	args = append([]any{pgx.QueryResultFormats{pgx.TextFormatCode}}, args...)
	rows, err := tx.Query(ctx, sql, args...)
	if err != nil {
		return Read{}, c.Err("query", err)
	}
	defer rows.Close()
	var cols []string
	for _, f := range rows.FieldDescriptions() {
		cols = append(cols, f.Name)
	}
	for rows.Next() {
		vals := rows.RawValues()
		h.Add(vals)
		if err := row(cols, vals); err != nil {
			return Read{}, err
		}
	}
	if err := rows.Err(); err != nil {
		return Read{}, c.Err("query", err)
	}
	rows.Close()
	if err := tx.Commit(ctx); err != nil {
		return Read{}, c.Err("commit", err)
	}
	return h.Read(), nil
}

// CopyOut runs `COPY (query) TO STDOUT` as CSV with a header row, in a
// READ ONLY transaction, writing the CSV to w. The query takes no bind
// arguments (COPY has none). It returns the number of rows and the SHA-256
// of the CSV bytes.
func (c *Conn) CopyOut(ctx context.Context, query string, w io.Writer) (Read, error) {
	tx, err := c.conn.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
	if err != nil {
		return Read{}, c.Err("begin a read-only transaction", err)
	}
	defer tx.Rollback(context.Background())
	h := sha256.New()
	tag, err := tx.Conn().PgConn().CopyTo(ctx, io.MultiWriter(w, h), "COPY ("+query+") TO STDOUT WITH (FORMAT csv, HEADER true)")
	if err != nil {
		return Read{}, c.Err("query", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return Read{}, c.Err("commit", err)
	}
	return Read{Rows: int(tag.RowsAffected()), SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// Table is a table name, optionally schema-qualified ("clv_scores",
// "analytics.clv_scores").
type Table struct{ Schema, Name string }

// ParseTable splits "schema.name" or "name". Each part is taken as
// written (case kept) and quoted in SQL, so it is never read as SQL.
func ParseTable(s string) (Table, error) {
	parts := strings.Split(s, ".")
	for _, p := range parts {
		if strings.TrimSpace(p) == "" || strings.ContainsRune(p, 0) {
			return Table{}, fmt.Errorf("table %q: want name or schema.name", s)
		}
	}
	switch len(parts) {
	case 1:
		return Table{Name: parts[0]}, nil
	case 2:
		return Table{Schema: parts[0], Name: parts[1]}, nil
	}
	return Table{}, fmt.Errorf("table %q: want name or schema.name (at most one dot)", s)
}

// String is the table as given.
func (t Table) String() string {
	if t.Schema == "" {
		return t.Name
	}
	return t.Schema + "." + t.Name
}

// Quoted is the table's name quoted for SQL.
func (t Table) Quoted() string {
	if t.Schema == "" {
		return pgx.Identifier{t.Name}.Sanitize()
	}
	return pgx.Identifier{t.Schema, t.Name}.Sanitize()
}

// Exists reports whether the table (or a view of that name) exists.
func (c *Conn) Exists(ctx context.Context, t Table) (bool, error) {
	var exists bool
	if err := c.conn.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", t.Quoted()).Scan(&exists); err != nil {
		return false, c.Err("look up table "+t.String(), err)
	}
	return exists, nil
}

// Column is a column of a table written by WriteTable: its name and SQL
// type (text, bigint, numeric).
type Column struct{ Name, Type string }

// IfExists says what WriteTable does when the table exists.
type IfExists string

const (
	// Fail stops with an error, leaving the table as it is.
	Fail IfExists = "fail"
	// Replace swaps the new table in for the old one.
	Replace IfExists = "replace"
)

// ErrExists is returned by WriteTable with Fail when the table exists.
var ErrExists = errors.New("exists")

// WriteTable writes a table whole from CSV (a header row, then one row per
// record, NULL as an empty unquoted cell): in one transaction it creates a
// staging table with the columns, copies the CSV into it, drops the old
// table when there is one (ifExists Replace; Fail returns an error
// wrapping ErrExists) and renames the staging table to the table's name.
// Readers of the table see the old contents or the new, never part: the
// swap commits at once, and a reader waiting on the old table's lock reads
// the new one. It returns the number of rows written.
func (c *Conn) WriteTable(ctx context.Context, t Table, ifExists IfExists, cols []Column, csv io.Reader) (int64, error) {
	tx, err := c.conn.Begin(ctx)
	if err != nil {
		return 0, c.Err("begin", err)
	}
	defer tx.Rollback(context.Background())
	// A lock on the name for the whole transaction, so two runs writing
	// the same table queue instead of racing to the rename.
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", t.Quoted()); err != nil {
		return 0, c.Err("lock "+t.String(), err)
	}
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", t.Quoted()).Scan(&exists); err != nil {
		return 0, c.Err("look up table "+t.String(), err)
	}
	if exists && ifExists != Replace {
		return 0, fmt.Errorf("%s: table %s %w (output.if_exists = \"fail\"): drop it, write another table, or set if_exists = \"replace\"", c.Name, t.String(), ErrExists)
	}
	stage := Table{Schema: t.Schema, Name: stagingName(t.Name)}
	var def strings.Builder
	for i, col := range cols {
		if i > 0 {
			def.WriteString(", ")
		}
		def.WriteString(pgx.Identifier{col.Name}.Sanitize() + " " + col.Type)
	}
	if _, err := tx.Exec(ctx, "CREATE TABLE "+stage.Quoted()+" ("+def.String()+")"); err != nil {
		return 0, c.Err("create table "+stage.String(), err)
	}
	tag, err := tx.Conn().PgConn().CopyFrom(ctx, csv, "COPY "+stage.Quoted()+" FROM STDIN WITH (FORMAT csv, HEADER true)")
	if err != nil {
		return 0, c.Err("copy into "+stage.String(), err)
	}
	if exists {
		if _, err := tx.Exec(ctx, "DROP TABLE "+t.Quoted()); err != nil {
			return 0, c.Err("drop the old "+t.String(), err)
		}
	}
	if _, err := tx.Exec(ctx, "ALTER TABLE "+stage.Quoted()+" RENAME TO "+pgx.Identifier{t.Name}.Sanitize()); err != nil {
		return 0, c.Err("rename "+stage.String()+" to "+t.Name, err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, c.Err("commit", err)
	}
	return tag.RowsAffected(), nil
}

// stagingName is the staging table's name: the table's, with a suffix,
// cut to PostgreSQL's 63 bytes. It lives only inside WriteTable's
// transaction, so no other session ever sees it.
func stagingName(name string) string {
	const suffix = "_clv_staging"
	if len(name)+len(suffix) > 63 {
		name = name[:63-len(suffix)]
	}
	return name + suffix
}
