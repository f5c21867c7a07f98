// Package pgtest starts a throwaway PostgreSQL server for tests: a new
// cluster (initdb) in a temporary folder, listening on a free port of
// 127.0.0.1 and on a unix socket in that folder, with a password-protected
// superuser, and a fresh database per test that is dropped when the test
// ends. Stop removes the server and its folder; the server also dies with
// the test process (it is started with a parent-death signal), so no
// postgres process is left behind.
//
// The binaries (initdb, postgres, psql) are looked up in $PATH and then in
// /usr/lib/postgresql/*/bin (Debian's layout; `make deps` installs Debian's
// postgresql package). PostgreSQL refuses to run as root: when the tests
// run as root the server runs as the user postgres (created by Debian's
// package), or nobody, and the folder is given to that user.
//
// Without the binaries a test that asks for a server fails with a message
// saying how to install them, unless CLV_SKIP_POSTGRES is set, which skips
// it on purpose.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// SkipEnv is the environment variable that skips the database tests on
// purpose when set to a non-empty value.
const SkipEnv = "CLV_SKIP_POSTGRES"

// ErrNotInstalled says the PostgreSQL server binaries were not found.
var ErrNotInstalled = errors.New("PostgreSQL is not installed (no initdb and postgres in $PATH or /usr/lib/postgresql/*/bin): `make deps` installs it (Debian's postgresql package), or set " + SkipEnv + "=1 to skip the database tests on purpose")

// Cluster is a running throwaway server.
type Cluster struct {
	// BinDir holds initdb, postgres and psql.
	BinDir string
	// Dir is the temporary folder: data/, the socket and the log.
	Dir string
	// Host and Port are the TCP address (127.0.0.1).
	Host string
	Port int
	// User and Password are the superuser's.
	User, Password string

	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error
	dbs     atomic.Int64
}

// Database is one database of a Cluster, made for one test.
type Database struct {
	Cluster *Cluster
	Name    string
}

// Lazy starts one Cluster the first time a test asks for it and shares it
// between the tests of a package; TestMain calls Stop at the end. The zero
// value is ready to use.
type Lazy struct {
	once sync.Once
	c    *Cluster
	err  error
}

// Database returns a new, empty database on the shared cluster, dropped
// when t ends. It skips t when CLV_SKIP_POSTGRES is set and fails it when
// the server cannot be started, saying why.
func (l *Lazy) Database(t testing.TB) *Database {
	t.Helper()
	return l.Cluster(t).NewDatabase(t)
}

// Cluster returns the shared cluster, starting it on first use; it skips
// or fails t as Database does.
func (l *Lazy) Cluster(t testing.TB) *Cluster {
	t.Helper()
	if os.Getenv(SkipEnv) != "" {
		t.Skip(SkipEnv + " is set: the PostgreSQL tests are skipped on purpose")
	}
	l.once.Do(func() { l.c, l.err = Start() })
	if l.err != nil {
		t.Fatalf("the PostgreSQL test server: %v", l.err)
	}
	return l.c
}

// Stop stops the shared cluster when it was started.
func (l *Lazy) Stop() {
	if l.c != nil {
		l.c.Stop()
	}
}

// FindBinDir returns the folder holding initdb and postgres: the one of
// initdb in $PATH, else the newest /usr/lib/postgresql/N/bin.
func FindBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real
		}
		dir := filepath.Dir(p)
		if isExec(filepath.Join(dir, "postgres")) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if isExec(filepath.Join(d, "initdb")) && isExec(filepath.Join(d, "postgres")) {
			return d, nil
		}
	}
	return "", ErrNotInstalled
}

// version is N of /usr/lib/postgresql/N/bin.
func version(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

func isExec(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// Start creates and starts a new cluster. The caller must Stop it.
func Start() (*Cluster, error) {
	bin, err := FindBinDir()
	if err != nil {
		return nil, err
	}
	// Under root the server runs as another user, who must reach the
	// folder: /tmp is open to all, a private $TMPDIR may not be.
	parent := ""
	if os.Geteuid() == 0 {
		if st, err := os.Stat("/tmp"); err == nil && st.IsDir() {
			parent = "/tmp"
		}
	}
	dir, err := os.MkdirTemp(parent, "clv-pg-")
	if err != nil {
		return nil, err
	}
	c := &Cluster{BinDir: bin, Dir: dir, Host: "127.0.0.1", User: "clv_test", Password: randomHex(12)}
	if err := c.start(); err != nil {
		c.Stop()
		return nil, err
	}
	return c, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// runAs returns the credential to run the server with: nil when we are not
// root, else the postgres user's (or nobody's).
func runAs() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err != nil {
			continue
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), NoSetGroups: true}, nil
	}
	return nil, errors.New("running as root, and there is no user postgres or nobody to run the server as (PostgreSQL refuses root)")
}

func (c *Cluster) start() error {
	cred, err := runAs()
	if err != nil {
		return err
	}
	data := filepath.Join(c.Dir, "data")
	pwfile := filepath.Join(c.Dir, "pw")
	if err := os.WriteFile(pwfile, []byte(c.Password+"\n"), 0o600); err != nil {
		return err
	}
	if cred != nil {
		// The server's user owns the folder; the parent folders (the
		// system's temp folder) are traversable by everyone.
		if err := os.Chown(c.Dir, int(cred.Uid), int(cred.Gid)); err != nil {
			return err
		}
		if err := os.Chown(pwfile, int(cred.Uid), int(cred.Gid)); err != nil {
			return err
		}
	}
	initdb := c.command(cred, "initdb", "-D", data, "-U", c.User, "--pwfile", pwfile, "-E", "UTF8",
		"--locale", "C", "--auth-local", "scram-sha-256", "--auth-host", "scram-sha-256", "--no-sync")
	if out, err := initdb.CombinedOutput(); err != nil {
		return fmt.Errorf("initdb: %v\n%s", err, out)
	}
	os.Remove(pwfile)
	var lastErr error
	for range 5 { // another process may take the free port first
		if c.Port, err = freePort(); err != nil {
			return err
		}
		if lastErr = c.run(cred, data); lastErr == nil {
			return nil
		}
	}
	return lastErr
}

// command is the named binary of the cluster run as cred, in c.Dir.
func (c *Cluster) command(cred *syscall.Credential, name string, args ...string) *exec.Cmd {
	cmd := exec.Command(filepath.Join(c.BinDir, name), args...)
	cmd.Dir = c.Dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	return cmd
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// run starts postgres in the foreground (as a child of this process, which
// it does not outlive) and waits until it accepts connections.
func (c *Cluster) run(cred *syscall.Credential, data string) error {
	logPath := filepath.Join(c.Dir, "postgres.log")
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer log.Close()
	cmd := c.command(cred, "postgres", "-D", data, "-p", strconv.Itoa(c.Port),
		"-c", "listen_addresses="+c.Host, "-c", "unix_socket_directories="+c.Dir,
		"-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off",
		"-c", "max_connections=40", "-c", "shared_buffers=32MB", "-c", "TimeZone=UTC")
	cmd.Stdout, cmd.Stderr = log, log
	// SIGQUIT is postgres's immediate shutdown: if the test process dies,
	// the server goes with it.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c.cmd, c.exited = cmd, make(chan struct{})
	go func() { c.waitErr = cmd.Wait(); close(c.exited) }()
	deadline := time.Now().Add(60 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		conn, err := pgx.Connect(ctx, c.URL("postgres"))
		cancel()
		if err == nil {
			conn.Close(context.Background())
			return nil
		}
		select {
		case <-c.exited:
			b, _ := os.ReadFile(logPath)
			c.cmd = nil
			return fmt.Errorf("postgres exited (%v):\n%s", c.waitErr, b)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logPath)
			return fmt.Errorf("postgres did not accept connections within a minute: %v\n%s", err, b)
		}
	}
}

// URL is a connection URL for database db over TCP, password included.
func (c *Cluster) URL(db string) string {
	u := url.URL{Scheme: "postgres", User: url.UserPassword(c.User, c.Password),
		Host: net.JoinHostPort(c.Host, strconv.Itoa(c.Port)), Path: "/" + db, RawQuery: "sslmode=disable"}
	return u.String()
}

// Stop shuts the server down (fast shutdown: sessions are ended), waits
// for it and removes the folder.
func (c *Cluster) Stop() {
	if c.cmd != nil && c.cmd.Process != nil {
		c.cmd.Process.Signal(syscall.SIGINT)
		select {
		case <-c.exited:
		case <-time.After(30 * time.Second):
			c.cmd.Process.Kill()
			<-c.exited
		}
		c.cmd = nil
	}
	if c.Dir != "" {
		os.RemoveAll(c.Dir)
	}
}

// NewDatabase creates an empty database for t, dropped when t ends.
func (c *Cluster) NewDatabase(t testing.TB) *Database {
	t.Helper()
	name := fmt.Sprintf("clv_test_%d_%s", c.dbs.Add(1), randomHex(3))
	if err := c.admin(context.Background(), "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		if err := c.admin(context.Background(), "DROP DATABASE "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return &Database{Cluster: c, Name: name}
}

func (c *Cluster) admin(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, c.URL("postgres"))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

// URL is the database's connection URL, password included.
func (d *Database) URL() string { return d.Cluster.URL(d.Name) }

// URLWithoutPassword is the database's URL without the password, for runs
// that take it from PGPASSWORD or a password file.
func (d *Database) URLWithoutPassword() string {
	u := url.URL{Scheme: "postgres", User: url.User(d.Cluster.User),
		Host: net.JoinHostPort(d.Cluster.Host, strconv.Itoa(d.Cluster.Port)), Path: "/" + d.Name, RawQuery: "sslmode=disable"}
	return u.String()
}

// Exec runs SQL statements (several, separated by semicolons, are allowed
// when there are no arguments) in the database, failing t on an error.
func (d *Database) Exec(t testing.TB, sql string, args ...any) {
	t.Helper()
	ctx := context.Background()
	conn := d.Connect(t)
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql, args...); err != nil {
		t.Fatalf("%s: %v", firstLine(sql), err)
	}
}

// Connect opens a connection to the database, failing t on an error; the
// caller closes it.
func (d *Database) Connect(t testing.TB) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), d.URL())
	if err != nil {
		t.Fatalf("connect to %s: %v", d.Name, err)
	}
	return conn
}

// CopyCSV loads a CSV file (with a header row) into an existing table with
// COPY … FROM STDIN.
func (d *Database) CopyCSV(t testing.TB, table string, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	conn := d.Connect(t)
	defer conn.Close(context.Background())
	sql := "COPY " + pgx.Identifier{table}.Sanitize() + " FROM STDIN WITH (FORMAT csv, HEADER true)"
	if _, err := conn.PgConn().CopyFrom(context.Background(), f, sql); err != nil {
		t.Fatalf("copy %s into %s: %v", path, table, err)
	}
}

// Psql returns a psql command connected to the database (its password in
// PGPASSWORD, not on the command line) running args.
func (d *Database) Psql(args ...string) *exec.Cmd {
	c := d.Cluster
	cmd := exec.Command(filepath.Join(c.BinDir, "psql"), append([]string{"-X", "-q", "-v", "ON_ERROR_STOP=1",
		"-h", c.Host, "-p", strconv.Itoa(c.Port), "-U", c.User, "-d", d.Name}, args...)...)
	cmd.Env = append(os.Environ(), d.Env()...)
	return cmd
}

// Env is the PG* environment that points libpq clients (psql, and pgx
// without a URL) at the database.
func (d *Database) Env() []string {
	c := d.Cluster
	return []string{"PGHOST=" + c.Host, "PGPORT=" + strconv.Itoa(c.Port), "PGUSER=" + c.User,
		"PGPASSWORD=" + c.Password, "PGDATABASE=" + d.Name, "PGSSLMODE=disable"}
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}
