package pgio

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/internal/pgtest"
)

var server pgtest.Lazy

func TestMain(m *testing.M) {
	code := m.Run()
	server.Stop()
	os.Exit(code)
}

var redactTests = []struct{ in, want string }{
	{"connect to postgres://clv:s3cret@db:5432/shop failed", "connect to postgres://clv:xxxxx@db:5432/shop failed"},
	{"postgresql://u:p%40ss@h/d", "postgresql://u:xxxxx@h/d"},
	{"postgres://u@h/d", "postgres://u@h/d"},
	{"no url here, but the secret s3cret", "no url here, but the secret xxxxx"},
}

func TestRedact(t *testing.T) {
	for _, tt := range redactTests {
		if got := Redact(tt.in, "s3cret"); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

var displayTests = []struct{ in, want string }{
	{"postgres://clv:s3cret@db:5432/shop?sslmode=disable&password=x", "postgres://clv@db:5432/shop"},
	{"postgresql://db/shop", "postgresql://db/shop"},
	{"postgres://u:pw@h:notaport/d", "postgres://…"},
}

func TestDisplayURL(t *testing.T) {
	for _, tt := range displayTests {
		if got := DisplayURL(tt.in); got != tt.want {
			t.Errorf("DisplayURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

var tableTests = []struct {
	in, quoted, err string
}{
	{"clv_scores", `"clv_scores"`, ""},
	{"analytics.Scores", `"analytics"."Scores"`, ""},
	{`we"ird`, `"we""ird"`, ""},
	{"a.b.c", "", "at most one dot"},
	{"a.", "", "want name or schema.name"},
	{"", "", "want name or schema.name"},
}

func TestParseTable(t *testing.T) {
	for _, tt := range tableTests {
		tb, err := ParseTable(tt.in)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ParseTable(%q): error %v, want %q", tt.in, err, tt.err)
			}
			continue
		}
		if err != nil || tb.Quoted() != tt.quoted || tb.String() != tt.in {
			t.Errorf("ParseTable(%q) = %q (%v), want %q", tt.in, tb.Quoted(), err, tt.quoted)
		}
	}
}

// TestWriteTableSwap: while WriteTable is copying the new rows (held
// half-way by a pipe), a reader sees the whole old table; once it commits,
// the whole new one. if_exists = fail leaves an existing table alone.
func TestWriteTableSwap(t *testing.T) {
	db := server.Database(t)
	db.Exec(t, "CREATE TABLE scores (customer_id text, clv numeric); INSERT INTO scores VALUES ('old1', 1), ('old2', 2)")
	ctx := context.Background()
	w, err := Connect(ctx, db.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	reader := db.Connect(t)
	defer reader.Close(ctx)
	read := func() string {
		var n int
		var ids string
		if err := reader.QueryRow(ctx, "SELECT count(*), string_agg(customer_id, ',' ORDER BY customer_id) FROM scores").Scan(&n, &ids); err != nil {
			t.Fatalf("reader: %v", err)
		}
		return ids
	}
	cols := []Column{{"customer_id", "text"}, {"clv", "numeric"}}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := w.WriteTable(ctx, Table{Name: "scores"}, Replace, cols, pr)
		done <- err
	}()
	if _, err := io.WriteString(pw, "customer_id,clv\nnew1,1.500000\n"); err != nil {
		t.Fatal(err)
	}
	// The first row is in the staging table; readers still see the old.
	for range 3 {
		if got := read(); got != "old1,old2" {
			t.Fatalf("during the copy a reader sees %q, want the old table old1,old2", got)
		}
	}
	io.WriteString(pw, "new2,2.250000\nnew3,\n")
	pw.Close()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if got := read(); got != "new1,new2,new3" {
		t.Fatalf("after the swap a reader sees %q, want new1,new2,new3", got)
	}
	var text string
	if err := reader.QueryRow(ctx, "SELECT clv::text FROM scores WHERE customer_id = 'new2'").Scan(&text); err != nil || text != "2.250000" {
		t.Errorf("clv of new2 read back as %q (%v), want the CSV's 2.250000", text, err)
	}
	// if_exists = fail: an error, the table unchanged.
	_, err = w.WriteTable(ctx, Table{Name: "scores"}, Fail, cols, strings.NewReader("customer_id,clv\nx,1\n"))
	if !errors.Is(err, ErrExists) || !strings.Contains(err.Error(), `table scores exists (output.if_exists = "fail")`) {
		t.Errorf("if_exists = fail on an existing table: %v", err)
	}
	if got := read(); got != "new1,new2,new3" {
		t.Fatalf("a failed write changed the table: %q", got)
	}
	// A bad row rolls everything back: the table stays as it was and no
	// staging table is left.
	_, err = w.WriteTable(ctx, Table{Name: "scores"}, Replace, cols, strings.NewReader("customer_id,clv\ny,notanumber\n"))
	if err == nil || !strings.Contains(err.Error(), "invalid input syntax for type numeric") {
		t.Errorf("a bad value: %v", err)
	}
	if got := read(); got != "new1,new2,new3" {
		t.Fatalf("a failed write changed the table: %q", got)
	}
	var staging bool
	reader.QueryRow(ctx, "SELECT to_regclass('scores_clv_staging') IS NOT NULL").Scan(&staging)
	if staging {
		t.Error("a staging table was left behind")
	}
}

// TestQueryReadOnly: Query runs in a read-only transaction, hashes what
// it read, and a write is refused by the server.
func TestQueryReadOnly(t *testing.T) {
	db := server.Database(t)
	db.Exec(t, "CREATE TABLE t (id int, name text); INSERT INTO t VALUES (1, 'a'), (2, NULL)")
	ctx := context.Background()
	c, err := Connect(ctx, db.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var got []string
	read, err := c.Query(ctx, "SELECT id, name FROM t WHERE id >= $1 ORDER BY id", []any{1}, func(cols []string, vals [][]byte) error {
		got = append(got, strings.Join(cols, "|")+"="+string(vals[0])+"|"+string(vals[1])+"|"+boolText(vals[1] == nil))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, ";") != "id|name=1|a|false;id|name=2||true" || read.Rows != 2 {
		t.Errorf("rows %q, %d", got, read.Rows)
	}
	// The hash: the same rows give the same hash, and it is the hash of
	// the values as RowHash defines it.
	h := NewRowHash()
	h.Add([][]byte{[]byte("1"), []byte("a")})
	h.Add([][]byte{[]byte("2"), nil})
	if h.Read() != read {
		t.Errorf("Query's hash %v, RowHash of the same values %v", read, h.Read())
	}
	_, err = c.Query(ctx, "INSERT INTO t VALUES (3, 'c') RETURNING id", nil, func([]string, [][]byte) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "read-only transaction") {
		t.Errorf("a write through Query: %v", err)
	}
	if c.ServerVersion == "" || c.Database != db.Name {
		t.Errorf("connection facts: %+v", c)
	}
}

// TestConnectErrors: errors name the server and say why, never with the
// password.
func TestConnectErrors(t *testing.T) {
	db := server.Database(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	wrong := strings.Replace(db.URL(), db.Cluster.Password, "N0tThePassword", 1)
	_, err := Connect(ctx, wrong)
	if err == nil || strings.Contains(err.Error(), "N0tThePassword") || !strings.Contains(err.Error(), "password authentication failed") {
		t.Errorf("wrong password: %v", err)
	}
	_, err = Connect(ctx, "postgres://u:Secr3t@127.0.0.1:notaport/db")
	if err == nil || strings.Contains(err.Error(), "Secr3t") || !strings.Contains(err.Error(), "not a PostgreSQL URL") {
		t.Errorf("bad URL: %v", err)
	}
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
