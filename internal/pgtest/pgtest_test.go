package pgtest

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
)

var shared Lazy

func TestMain(m *testing.M) {
	code := m.Run()
	shared.Stop()
	os.Exit(code)
}

// TestDatabase starts the shared server, writes and reads a row in a fresh
// database, and checks psql reaches the same database.
func TestDatabase(t *testing.T) {
	db := shared.Database(t)
	db.Exec(t, "CREATE TABLE t (id int, name text); INSERT INTO t VALUES (1, 'one'), (2, 'two')")
	conn := db.Connect(t)
	defer conn.Close(context.Background())
	var n int
	if err := conn.QueryRow(context.Background(), "SELECT sum(id) FROM t").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("sum(id) = %d, want 3 (1 + 2)", n)
	}
	out, err := db.Psql("-At", "-c", "SELECT name FROM t ORDER BY id").CombinedOutput()
	if err != nil {
		t.Fatalf("psql: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "one\ntwo" {
		t.Fatalf("psql printed %q, want one and two", got)
	}
}

// TestDatabasesApart: each test's database is its own.
func TestDatabasesApart(t *testing.T) {
	a, b := shared.Database(t), shared.Database(t)
	if a.Name == b.Name {
		t.Fatalf("two databases named %s", a.Name)
	}
	a.Exec(t, "CREATE TABLE only_in_a (x int)")
	conn := b.Connect(t)
	defer conn.Close(context.Background())
	var exists bool
	if err := conn.QueryRow(context.Background(), "SELECT to_regclass('only_in_a') IS NOT NULL").Scan(&exists); err != nil {
		t.Fatal(err)
	}
	if exists {
		t.Fatal("a table made in one test's database is seen in another's")
	}
}

// TestStopLeavesNothing starts a second cluster, stops it, and checks its
// process and folder are gone.
func TestStopLeavesNothing(t *testing.T) {
	if os.Getenv(SkipEnv) != "" {
		t.Skip(SkipEnv + " is set")
	}
	c, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	pid := c.cmd.Process.Pid
	c.Stop()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Fatalf("postgres (pid %d) still runs after Stop", pid)
	}
	if _, err := os.Stat(c.Dir); !os.IsNotExist(err) {
		t.Fatalf("%s is still there after Stop (%v)", c.Dir, err)
	}
}
