package atomicfile

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// entries lists the names in dir, sorted.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestFile(t *testing.T) {
	tests := []struct {
		name     string
		old      string // existing target content; "" means no target
		finish   func(*File) error
		want     string // target content afterwards; "" means no target
		wantPerm fs.FileMode
	}{
		// A new file's mode depends on the umask: see TestModes.
		{name: "commit new", finish: (*File).Commit, want: "new data"},
		// The replaced file was 0600 (below): its mode is kept.
		{name: "commit replaces", old: "old", finish: (*File).Commit, want: "new data", wantPerm: 0o600},
		{name: "abort new", finish: (*File).Abort},
		{name: "abort keeps old", old: "old", finish: (*File).Abort, want: "old"},
		{name: "close without commit", old: "old", finish: (*File).Close, want: "old"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, "scores.csv")
			if tt.old != "" {
				if err := os.WriteFile(target, []byte(tt.old), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			set := NewSet()
			f, err := set.Create(target, 0)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(filepath.Base(f.TempName()), TempPrefix+"scores.csv-") {
				t.Errorf("temp name %q lacks the recognisable prefix", f.TempName())
			}
			if _, err := f.Write([]byte("new data")); err != nil {
				t.Fatal(err)
			}
			// Before finishing, the target still holds the old state.
			got, err := os.ReadFile(target)
			if tt.old == "" && !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("target exists before commit: %q, %v", got, err)
			}
			if tt.old != "" && string(got) != tt.old {
				t.Errorf("target before commit = %q, want %q", got, tt.old)
			}
			if set.Pending() != 1 {
				t.Errorf("Pending() = %d, want 1", set.Pending())
			}
			if err := tt.finish(f); err != nil {
				t.Fatal(err)
			}
			if set.Pending() != 0 {
				t.Errorf("Pending() after finish = %d, want 0", set.Pending())
			}
			if err := f.Close(); err != nil { // always safe afterwards
				t.Errorf("Close after finish: %v", err)
			}
			got, err = os.ReadFile(target)
			switch {
			case tt.want == "" && !errors.Is(err, fs.ErrNotExist):
				t.Errorf("target exists: %q, %v", got, err)
			case tt.want != "" && string(got) != tt.want:
				t.Errorf("target = %q (%v), want %q", got, err, tt.want)
			}
			if tt.wantPerm != 0 {
				st, err := os.Stat(target)
				if err != nil {
					t.Fatal(err)
				}
				if st.Mode().Perm() != tt.wantPerm {
					t.Errorf("mode = %v, want %v", st.Mode().Perm(), tt.wantPerm)
				}
			}
			// No temporary file is left whatever happened.
			for _, n := range entries(t, dir) {
				if strings.HasPrefix(n, TempPrefix) {
					t.Errorf("temporary file %s left behind", n)
				}
			}
		})
	}
}

func TestPerm(t *testing.T) {
	for _, perm := range []fs.FileMode{0o600, 0o640, 0o644, 0o664} {
		target := filepath.Join(t.TempDir(), "out")
		f, err := NewSet().Create(target, perm)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(target)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != perm {
			t.Errorf("perm %v: got %v", perm, st.Mode().Perm())
		}
	}
}

func TestWriteAfterDone(t *testing.T) {
	f, err := NewSet().Create(filepath.Join(t.TempDir(), "out"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Commit(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("x")); !errors.Is(err, ErrDone) {
		t.Errorf("Write after Commit: %v, want ErrDone", err)
	}
	if err := f.Commit(); !errors.Is(err, ErrDone) {
		t.Errorf("second Commit: %v, want ErrDone", err)
	}
}

// writeAll mimics how the host produces an output: any error aborts it.
func writeAll(set *Set, path string, produce func(*File) error) error {
	f, err := set.Create(path, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := produce(f); err != nil {
		return err
	}
	return f.Commit()
}

func TestFailureMidWriteLeavesNothing(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "scores.csv")
	errBoom := errors.New("model failed on customer 17")
	set := NewSet()
	err := writeAll(set, target, func(f *File) error {
		if _, err := f.Write([]byte("id,clv\n1,2.5\n")); err != nil {
			return err
		}
		return errBoom
	})
	if !errors.Is(err, errBoom) {
		t.Fatalf("err = %v, want %v", err, errBoom)
	}
	set.Cleanup() // as the host does when it exits: releases the output lock
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("directory not empty after failed write: %v", names)
	}
}

func TestCreateErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		path    string
		wantIs  error
		wantMsg string
	}{
		{"missing directory", filepath.Join(dir, "no", "such", "out.csv"), fs.ErrNotExist, "directory " + filepath.Join(dir, "no", "such") + " does not exist"},
		{"target is a directory", dir, nil, "is a directory"},
		{"trailing slash", dir + "/", nil, "names a directory"},
		{"empty path", "", nil, "empty path"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSet().Create(tt.path, 0)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("err = %v, want errors.Is %v", err, tt.wantIs)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantMsg)
			}
		})
	}
}

func TestCleanup(t *testing.T) {
	dir := t.TempDir()
	set := NewSet()
	a, err := set.Create(filepath.Join(dir, "a"), 0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := set.Create(filepath.Join(dir, "b"), 0)
	if err != nil {
		t.Fatal(err)
	}
	a.Write([]byte("partial"))
	b.Write([]byte("partial"))
	if err := set.Cleanup(); err != nil {
		t.Fatal(err)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("left after Cleanup: %v", names)
	}
	if err := a.Commit(); !errors.Is(err, ErrDone) {
		t.Errorf("Commit after Cleanup: %v, want ErrDone", err)
	}
	if _, err := set.Create(filepath.Join(dir, "c"), 0); !errors.Is(err, ErrCleanedUp) {
		t.Errorf("Create after Cleanup: %v, want ErrCleanedUp", err)
	}
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("left after refused Create: %v", names)
	}
}

func TestGroup(t *testing.T) {
	dir := t.TempDir()
	set := NewSet()

	// An aborted group publishes nothing.
	g := set.NewGroup()
	for _, n := range []string{"scores.csv", "manifest.json"} {
		f, err := g.Create(filepath.Join(dir, n), 0)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(n))
	}
	if err := g.Close(); err != nil {
		t.Fatal(err)
	}
	// The set still holds the outputs' locks; nothing else is left.
	if got := strings.Join(entries(t, dir), " "); got != ".manifest.json.clv-lock .scores.csv.clv-lock" {
		t.Errorf("left after aborted group: %v", got)
	}

	// A committed group publishes every file.
	g = set.NewGroup()
	defer g.Close()
	for _, n := range []string{"scores.csv", "manifest.json"} {
		f, err := g.Create(filepath.Join(dir, n), 0)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(n))
	}
	if err := g.Commit(); err != nil {
		t.Fatal(err)
	}
	set.Cleanup()
	for _, n := range []string{"scores.csv", "manifest.json"} {
		got, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil || string(got) != n {
			t.Errorf("%s = %q, %v", n, got, err)
		}
	}
	if got := strings.Join(entries(t, dir), " "); got != "manifest.json scores.csv" {
		t.Errorf("directory = %s", got)
	}
}

func TestGroupSyncFailurePublishesNothing(t *testing.T) {
	dir := t.TempDir()
	set := NewSet()
	defer set.Cleanup()
	g := set.NewGroup()
	a, _ := g.Create(filepath.Join(dir, "a"), 0)
	b, _ := g.Create(filepath.Join(dir, "b"), 0)
	a.Write([]byte("a"))
	b.Abort() // b can no longer be committed: the group must not publish a
	if err := g.Commit(); !errors.Is(err, ErrDone) {
		t.Fatalf("Commit = %v, want ErrDone", err)
	}
	set.Cleanup()
	if names := entries(t, dir); len(names) != 0 {
		t.Errorf("left after failed group commit: %v", names)
	}
}

// childEnv makes the test binary act as a writer process in the kill tests.
const childEnv = "CLV_ATOMICFILE_CHILD"

// TestMain lets the test binary double as the child process of
// TestKilledMidWrite and TestInterruptedMidWrite.
func TestMain(m *testing.M) {
	if target := os.Getenv(childEnv); target != "" {
		os.Exit(child(target, os.Getenv(childEnv+"_MODE")))
	}
	os.Exit(m.Run())
}

// child writes target forever, printing "ready" once it has written data.
// In mode "signal" it cleans up on SIGINT/SIGTERM/SIGHUP as the host does;
// in mode "umask:NNN" it sets the umask (octal), writes and commits target
// once and exits.
func child(target, mode string) int {
	set := NewSet()
	if mask, ok := strings.CutPrefix(mode, "umask:"); ok {
		return umaskChild(set, target, mask)
	}
	if mode == "signal" {
		sigs := make(chan os.Signal, 1)
		signalNotify(sigs)
		go func() {
			<-sigs
			set.Cleanup()
			os.Exit(130)
		}()
	}
	f, err := set.Create(target, 0)
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 1
	}
	defer f.Close()
	line := []byte(strings.Repeat("x", 1023) + "\n")
	f.Write(line)
	os.Stdout.WriteString("ready\n")
	for {
		if _, err := f.Write(line); err != nil {
			if mode == "signal" {
				// Cleanup aborted the file: the handler is still
				// releasing the lock and will exit; returning now
				// would race it (clv's main waits the same way).
				select {}
			}
			return 1
		}
		time.Sleep(time.Millisecond)
	}
}

func runChild(t *testing.T, mode string, sig syscall.Signal) (dir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir = t.TempDir()
	target := filepath.Join(dir, "scores.csv")
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+target, childEnv+"_MODE="+mode)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "ready\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child did not get ready: %q, %v", line, err)
	}
	time.Sleep(20 * time.Millisecond) // let it write some more
	if err := cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if _, err := os.Stat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("target exists after %v mid-write: %v", sig, err)
	}
	return dir
}

func TestKilledMidWrite(t *testing.T) {
	dir := runChild(t, "plain", syscall.SIGKILL)
	// SIGKILL cannot be handled: the temporary file and the lock file may
	// stay, and must be recognisable as debris.
	for _, n := range entries(t, dir) {
		if !strings.HasPrefix(n, TempPrefix+"scores.csv-") && n != ".scores.csv"+LockSuffix {
			t.Errorf("unexpected file %s after SIGKILL", n)
		}
	}
}

func TestInterruptedMidWrite(t *testing.T) {
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := runChild(t, "signal", sig)
			if names := entries(t, dir); len(names) != 0 {
				t.Errorf("left after %v with Cleanup: %v", sig, names)
			}
		})
	}
}
