//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package atomicfile

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// writeCommit writes text to path through a fresh Set and commits it,
// returning the first error; the Set is cleaned up as the host does.
func writeCommit(path, text string) error {
	set := NewSet()
	defer set.Cleanup()
	f, err := set.Create(path, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write([]byte(text)); err != nil {
		return err
	}
	return f.Commit()
}

// mknod makes a character device like the system's null (1,3) or full
// (1,7) in dir, so tests never touch the real /dev; it skips the test where
// device nodes cannot be made (not root, or not Linux).
func mknod(t *testing.T, dir, name string, minor int) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("device numbers of null and full are Linux's")
	}
	p := filepath.Join(dir, name)
	if err := syscall.Mknod(p, syscall.S_IFCHR|0o666, 1<<8|minor); err != nil {
		t.Skipf("cannot make a device node (needs root): %v", err)
	}
	// A nodev mount lets the node be made but not opened.
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("cannot open a device node here: %v", err)
	}
	f.Close()
	return p
}

// isCharDevice reports whether path (not followed) is a character device.
func isCharDevice(t *testing.T, path string) bool {
	t.Helper()
	fi, err := os.Lstat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()&fs.ModeCharDevice != 0
}

// noDebris fails if dir holds a temporary or lock file.
func noDebris(t *testing.T, dir string) {
	t.Helper()
	for _, n := range entries(t, dir) {
		if strings.HasPrefix(n, TempPrefix) || strings.HasSuffix(n, LockSuffix) {
			t.Errorf("%s left in %s", n, dir)
		}
	}
}

func TestDevicesWrittenInPlace(t *testing.T) {
	dir := t.TempDir()
	null := mknod(t, dir, "null", 3)
	full := mknod(t, dir, "full", 7)

	if err := writeCommit(null, "scores\n"); err != nil {
		t.Errorf("write to a null device: %v", err)
	}
	if !isCharDevice(t, null) {
		t.Errorf("the null device was replaced by a regular file")
	}

	err := writeCommit(full, "scores\n")
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "no space left on device") {
		t.Errorf("write to a full device: %v, want no space left on device", err)
	}
	if !isCharDevice(t, full) {
		t.Errorf("the full device was replaced by a regular file")
	}
	noDebris(t, dir)

	// Only once the copies behave, the real devices (nothing is created
	// in /dev: they are written in place).
	if t.Failed() {
		return
	}
	if err := writeCommit("/dev/null", "scores\n"); err != nil {
		t.Errorf("write /dev/null: %v", err)
	}
	if !isCharDevice(t, "/dev/null") {
		t.Fatalf("/dev/null is no longer a device")
	}
	if err := writeCommit("/dev/full", "scores\n"); !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("write /dev/full: %v, want no space left on device", err)
	}
}

func TestFIFOWrittenInPlace(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	got := make(chan string, 1)
	go func() {
		f, err := os.Open(fifo) // waits for the writer
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	if err := writeCommit(fifo, "id,clv\n1,2.5\n"); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		if s != "id,clv\n1,2.5\n" {
			t.Errorf("reader got %q", s)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the reader got nothing")
	}
	fi, err := os.Lstat(fifo)
	if err != nil || fi.Mode()&fs.ModeNamedPipe == 0 {
		t.Errorf("the FIFO was replaced: %v, %v", fi.Mode(), err)
	}
	noDebris(t, dir)
}

func TestSymlinksFollowed(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(t *testing.T, dir string) (out, real string)
		relink bool // out is a link that must stay one
	}{
		{"link to a file", func(t *testing.T, dir string) (string, string) {
			real := filepath.Join(dir, "data", "scores.csv")
			os.Mkdir(filepath.Dir(real), 0o755)
			os.WriteFile(real, []byte("old"), 0o644)
			os.Symlink("data/scores.csv", filepath.Join(dir, "link.csv"))
			return filepath.Join(dir, "link.csv"), real
		}, true},
		{"dangling link", func(t *testing.T, dir string) (string, string) {
			real := filepath.Join(dir, "new.csv")
			os.Symlink(real, filepath.Join(dir, "link.csv"))
			return filepath.Join(dir, "link.csv"), real
		}, true},
		{"chain of links", func(t *testing.T, dir string) (string, string) {
			real := filepath.Join(dir, "scores.csv")
			os.WriteFile(real, []byte("old"), 0o644)
			os.Symlink("scores.csv", filepath.Join(dir, "a"))
			os.Symlink("a", filepath.Join(dir, "b"))
			return filepath.Join(dir, "b"), real
		}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			out, real := tt.setup(t, dir)
			if err := writeCommit(out, "new"); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Lstat(out)
			if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
				t.Errorf("%s is no longer a symbolic link: %v %v", out, fi.Mode(), err)
			}
			if b, err := os.ReadFile(real); string(b) != "new" {
				t.Errorf("link target = %q, %v; want new", b, err)
			}
			noDebris(t, dir)
			noDebris(t, filepath.Dir(real))
		})
	}
}

func TestStdoutLinkWrittenInPlace(t *testing.T) {
	if _, err := os.Stat("/proc/self/fd"); err != nil {
		t.Skip("no /proc")
	}
	// A link like /dev/stdout, to an open pipe of this process.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	dir := t.TempDir()
	link := filepath.Join(dir, "stdout")
	if err := os.Symlink("/proc/self/fd/"+strconv.Itoa(int(w.Fd())), link); err != nil {
		t.Fatal(err)
	}
	err = writeCommit(link, "id,clv\n")
	w.Close()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := io.ReadAll(r); string(b) != "id,clv\n" {
		t.Errorf("pipe got %q", b)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v", err)
	}
	noDebris(t, dir)
}

func TestRefusedTargets(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "s")
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer syscall.Close(fd)
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: sock}); err != nil {
		t.Skipf("bind: %v", err)
	}
	os.Symlink(dir, filepath.Join(dir, "dirlink"))
	for _, tt := range []struct{ path, want string }{
		{sock, "is a socket"},
		{filepath.Join(dir, "dirlink"), "is a directory"},
	} {
		err := writeCommit(tt.path, "x")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: %v, want %q", tt.path, err, tt.want)
		}
	}
	if fi, err := os.Lstat(sock); err != nil || fi.Mode()&fs.ModeSocket == 0 {
		t.Errorf("socket replaced: %v", err)
	}
}

func TestCheckDistinct(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "orders.csv")
	cfg := filepath.Join(dir, "clv.toml")
	writeText := func(p string) {
		if err := os.WriteFile(p, []byte(p), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	writeText(in)
	writeText(cfg)
	hard := filepath.Join(dir, "hard.csv")
	if err := os.Link(in, hard); err != nil {
		t.Fatal(err)
	}
	soft := filepath.Join(dir, "soft.csv")
	os.Symlink("orders.csv", soft)
	newLink := filepath.Join(dir, "newlink.csv")
	os.Symlink("new.csv", newLink)
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	inputs := []Named{{"--config", cfg}, {"--input", in}, {"stdin", "-"}, {"missing", filepath.Join(dir, "nope")}}

	tests := []struct {
		name    string
		outputs []Named
		inputs  []Named
		want    string // "" = no error; else the error's text must hold it
	}{
		{"distinct", []Named{{"--out", filepath.Join(dir, "scores.csv")}, {"manifest", filepath.Join(dir, "m.json")}}, inputs, ""},
		{"stdout and devices", []Named{{"--out", "-"}, {"manifest", "/dev/null"}}, append(inputs, Named{"null", "/dev/null"}), ""},
		{"same path", []Named{{"--out", in}}, inputs, "--out " + in + " is the same file as --input " + in + ", which this run reads"},
		{"other spelling", []Named{{"--out", dir + "/./sub/../orders.csv"}}, inputs, "is the same file as --input"},
		{"config", []Named{{"--out", cfg}}, inputs, "is the same file as --config"},
		{"hard link", []Named{{"--out", hard}}, inputs, "(through a link) --input " + in},
		{"symlink", []Named{{"--out", soft}}, inputs, "(through a link) --input"},
		{"input through a symlink", []Named{{"--out", in}}, []Named{{"plugin", soft}}, "is the same file as (through a link) plugin"},
		{"two outputs", []Named{{"output.path", filepath.Join(dir, "s.csv")}, {"output.manifest", filepath.Join(dir, "s.csv")}}, nil, "output.manifest " + filepath.Join(dir, "s.csv") + " is the same file as output.path"},
		{"two new outputs through a link", []Named{{"output.path", filepath.Join(dir, "new.csv")}, {"output.manifest", newLink}}, nil, "a run cannot write two outputs to one file"},
		{"two new outputs, other spelling", []Named{{"output.path", filepath.Join(sub, "x")}, {"output.manifest", dir + "/sub/./x"}}, nil, "is the same file as"},
		{"output is an existing output", []Named{{"output.path", hard}, {"output.manifest", in}}, nil, "is the same file as (through a link) output.path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckDistinct(tt.outputs, tt.inputs)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want != "" && err == nil:
				t.Errorf("no error, want %q", tt.want)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			case tt.want != "":
				var oe *OverlapError
				if !errors.As(err, &oe) {
					t.Errorf("error %T is not an *OverlapError", err)
				}
			}
		})
	}
	if b, _ := os.ReadFile(in); string(b) != in {
		t.Errorf("the input was changed")
	}
}

// runUmaskChild writes target in a child process with the given umask and
// returns the temporary file's permission it saw.
func runUmaskChild(t *testing.T, target, umask string) fs.FileMode {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+target, childEnv+"_MODE=umask:"+umask)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("child: %v", err)
	}
	m, err := strconv.ParseUint(strings.TrimSpace(string(out)), 8, 32)
	if err != nil {
		t.Fatalf("child said %q", out)
	}
	return fs.FileMode(m)
}

func TestModes(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns child processes")
	}
	tests := []struct {
		name  string
		old   fs.FileMode // 0: no existing file
		umask string
		want  fs.FileMode
	}{
		{"new, umask 077", 0, "077", 0o600},
		{"new, umask 022", 0, "022", 0o644},
		{"new, umask 002", 0, "002", 0o664},
		{"replace 0600, umask 022", 0o600, "022", 0o600},
		{"replace 0640, umask 000", 0o640, "000", 0o640},
		{"replace 0664, umask 022", 0o664, "022", 0o664},
		{"replace 0755, umask 077", 0o755, "077", 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "scores.csv")
			if tt.old != 0 {
				if err := os.WriteFile(target, []byte("old"), 0); err != nil {
					t.Fatal(err)
				}
				os.Chmod(target, tt.old)
			}
			tmpMode := runUmaskChild(t, target, tt.umask)
			if tmpMode&^tt.want != 0 {
				t.Errorf("temporary file had %v, more than the final %v", tmpMode, tt.want)
			}
			st, err := os.Stat(target)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != tt.want {
				t.Errorf("mode = %v, want %v", st.Mode().Perm(), tt.want)
			}
		})
	}
}

func TestOwnerKept(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to chown")
	}
	target := filepath.Join(t.TempDir(), "scores.csv")
	os.WriteFile(target, []byte("old"), 0o640)
	if err := os.Chown(target, 1234, 5678); err != nil {
		t.Skip(err)
	}
	if err := writeCommit(target, "new"); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(target)
	if s := st.Sys().(*syscall.Stat_t); s.Uid != 1234 || s.Gid != 5678 {
		t.Errorf("owner %d:%d, want 1234:5678", s.Uid, s.Gid)
	}
}

func TestLock(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "scores.csv")
	lockFile := filepath.Join(dir, ".scores.csv"+LockSuffix)
	a := NewSet()
	if err := a.Lock(context.Background(), LockOptions{Command: "clv score --config a.toml"}, out, out+".manifest.json"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lockFile); err != nil {
		t.Fatalf("no lock file: %v", err)
	}

	// A second run (another Set: another open file, so another lock) is
	// refused at once, naming the holder...
	b := NewSet()
	defer b.Cleanup()
	err := b.Lock(context.Background(), LockOptions{}, filepath.Join(dir, ".", "scores.csv"))
	var le *LockedError
	if !errors.As(err, &le) {
		t.Fatalf("second Lock: %v, want a *LockedError", err)
	}
	if le.Holder.PID != os.Getpid() || le.Holder.Command != "clv score --config a.toml" || le.Holder.Since.IsZero() {
		t.Errorf("holder = %+v", le.Holder)
	}
	for _, want := range []string{out, "pid " + strconv.Itoa(os.Getpid()), "(clv score --config a.toml)", "since "} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	// ... also when it goes straight to Create, or through a symlink ...
	os.Symlink("scores.csv", filepath.Join(dir, "link.csv"))
	if _, err := b.Create(filepath.Join(dir, "link.csv"), 0); !errors.As(err, &le) {
		t.Errorf("Create while locked: %v, want a *LockedError", err)
	}
	// ... and the manifest is locked too.
	if err := b.Lock(context.Background(), LockOptions{}, out+".manifest.json"); !errors.As(err, &le) {
		t.Errorf("manifest Lock: %v, want a *LockedError", err)
	}

	// It waits when told to, says so once, and gets the lock when the
	// first run ends.
	waits := 0
	go func() {
		time.Sleep(200 * time.Millisecond)
		a.Cleanup()
	}()
	begin := time.Now()
	err = b.Lock(context.Background(), LockOptions{Wait: 10 * time.Second, OnWait: func(o string, h Holder) {
		waits++
		if o != out || h.PID != os.Getpid() {
			t.Errorf("OnWait(%s, %+v)", o, h)
		}
	}}, out)
	if err != nil {
		t.Fatal(err)
	}
	if waits != 1 || time.Since(begin) < 150*time.Millisecond {
		t.Errorf("OnWait called %d times, waited %v", waits, time.Since(begin))
	}
	// Locked by b now: Create through b needs no new lock.
	f, err := b.Create(out, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write([]byte("b"))
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	b.Cleanup()
	if names := strings.Join(entries(t, dir), " "); names != "link.csv scores.csv" {
		t.Errorf("after Cleanup: %s", names)
	}

	// A wait is cut short by the context.
	c, d := NewSet(), NewSet()
	defer c.Cleanup()
	defer d.Cleanup()
	c.Lock(context.Background(), LockOptions{}, out)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := d.Lock(ctx, LockOptions{Wait: time.Minute}, out); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Lock with a cancelled context: %v", err)
	}
}

// TestLockAfterKill checks that a lock file left by a killed process does
// not block the next run, which removes it when done.
func TestLockAfterKill(t *testing.T) {
	dir := runChild(t, "plain", syscall.SIGKILL)
	out := filepath.Join(dir, "scores.csv")
	if err := writeCommit(out, "next run"); err != nil {
		t.Fatalf("next run after SIGKILL: %v", err)
	}
	if names := strings.Join(entries(t, dir), " "); names != "scores.csv" {
		t.Errorf("after the next run: %s (the stale temporary file and lock file should be gone)", names)
	}
}

// deadPID returns the id of a process that has exited.
func deadPID(t *testing.T) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	pid := cmd.Process.Pid
	if processAlive(pid) {
		t.Skipf("pid %d was reused at once", pid)
	}
	return pid
}

func TestStaleTemps(t *testing.T) {
	dir := t.TempDir()
	dead := strconv.Itoa(deadPID(t))
	live := strconv.Itoa(os.Getppid())
	const hex16 = "0123456789abcdef"
	stale := TempPrefix + "scores.csv-" + dead + "-" + hex16
	kept := []string{
		TempPrefix + "scores.csv-" + live + "-" + hex16,            // a live process
		TempPrefix + "scores.csv-1-" + hex16,                       // init: alive
		TempPrefix + "other.csv-" + dead + "-" + hex16,             // another output
		TempPrefix + "scores.csv-123456789",                        // old style, no pid
		TempPrefix + "scores.csv-x-" + dead + "-" + hex16,          // output "scores.csv-x"
		TempPrefix + "scores.csv-" + dead + "-" + hex16[:15] + "g", // not hex
	}
	for _, n := range append([]string{stale}, kept...) {
		os.WriteFile(filepath.Join(dir, n), []byte("partial"), 0o644)
	}
	if err := writeCommit(filepath.Join(dir, "scores.csv"), "new"); err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, n := range entries(t, dir) {
		got[n] = true
	}
	if got[stale] {
		t.Errorf("stale %s was not removed", stale)
	}
	for _, n := range kept {
		if !got[n] {
			t.Errorf("%s was removed", n)
		}
	}
}

func TestTempName(t *testing.T) {
	dir := t.TempDir()
	set := NewSet()
	defer set.Cleanup()
	f, err := set.Create(filepath.Join(dir, "scores.csv"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pid, ok := tempPID(filepath.Base(f.TempName()), "scores.csv")
	if !ok || pid != os.Getpid() {
		t.Errorf("temp name %s: pid %d, %v; want %d", f.TempName(), pid, ok, os.Getpid())
	}
	if _, ok := tempPID(filepath.Base(f.TempName()), "scores"); ok {
		t.Errorf("temp name %s parsed as one of output scores", f.TempName())
	}
}
