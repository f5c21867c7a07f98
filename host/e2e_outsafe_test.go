package main

// End-to-end tests of output safety: an output never replaces an input or
// a special file, keeps the mode of the file it replaces, is locked against
// a concurrent run, and leaves nothing behind after a signal.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
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

	"github.com/clvkit/clvkit/host/internal/atomicfile"
)

// summarizeArgs is clv summarize of the demo transactions in dir into out.
func summarizeArgs(dir, out string, extra ...string) []string {
	return append([]string{"summarize", "--input", filepath.Join(dir, "transactions.csv"), "--amount", "amount",
		"--unit", "week", "--observation-end", "1997-09-30", "--quiet", "--out", out}, extra...)
}

// snapshot is every entry of a directory: name → mode and content (link
// target for a symlink).
type snapshot map[string]string

func snap(t *testing.T, dir string) snapshot {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := snapshot{}
	for _, de := range des {
		p := filepath.Join(dir, de.Name())
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		var content string
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			content, _ = os.Readlink(p)
		case fi.Mode().IsRegular():
			content = string(readFile(t, p))
		}
		s[de.Name()] = fmt.Sprintf("%v %s", fi.Mode(), sha256Hex([]byte(content)))
	}
	return s
}

func (s snapshot) diff(after snapshot) string {
	var d []string
	for n, v := range s {
		if w, ok := after[n]; !ok {
			d = append(d, n+" removed")
		} else if w != v {
			d = append(d, n+" changed")
		}
	}
	for n := range after {
		if _, ok := s[n]; !ok {
			d = append(d, n+" created")
		}
	}
	return strings.Join(d, ", ")
}

func TestOutputOverInput(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) // after copyCDNOW
		args  func(dir string) []string
		want  []string // in stderr
	}{
		{"summarize onto its input", nil,
			func(dir string) []string {
				return summarizeArgs(dir, filepath.Join(dir, "transactions.csv"))
			},
			[]string{"--out", "is the same file as --input", "transactions.csv"}},
		{"summarize onto a hard link of its input", func(t *testing.T, dir string) {
			if err := os.Link(filepath.Join(dir, "transactions.csv"), filepath.Join(dir, "hard.csv")); err != nil {
				t.Fatal(err)
			}
		}, func(dir string) []string { return summarizeArgs(dir, filepath.Join(dir, "hard.csv")) },
			[]string{"hard.csv is the same file as (through a link) --input"}},
		{"summarize onto a symlink to its input", func(t *testing.T, dir string) {
			os.Symlink("transactions.csv", filepath.Join(dir, "soft.csv"))
		}, func(dir string) []string { return summarizeArgs(dir, filepath.Join(dir, "soft.csv")) },
			[]string{"soft.csv is the same file as (through a link) --input"}},
		{"score onto the transactions", nil,
			func(dir string) []string {
				return []string{"score", "--config", filepath.Join(dir, "clv.toml"), "--out", filepath.Join(dir, "transactions.csv")}
			},
			[]string{"--out", "is the same file as input.path"}},
		{"score onto its config", nil,
			func(dir string) []string {
				return []string{"score", "--config", filepath.Join(dir, "clv.toml"), "--out", filepath.Join(dir, "clv.toml"), "--out-format", "csv"}
			},
			[]string{"is the same file as --config"}},
		{"score onto a symlink to its config", func(t *testing.T, dir string) {
			os.Symlink(filepath.Join(dir, "clv.toml"), filepath.Join(dir, "cfg-link"))
		}, func(dir string) []string {
			return []string{"score", "--config", filepath.Join(dir, "clv.toml"), "--out", filepath.Join(dir, "cfg-link"), "--out-format", "csv"}
		}, []string{"cfg-link is the same file as (through a link) --config"}},
		{"manifest onto the transactions", func(t *testing.T, dir string) {
			editConfig(t, dir, `path = "scores.csv"`, `path = "scores.csv"`+"\nmanifest = \"transactions.csv\"")
		}, func(dir string) []string {
			return []string{"score", "--config", filepath.Join(dir, "clv.toml")}
		}, []string{"output.manifest", "is the same file as input.path"}},
		{"manifest onto the scores", func(t *testing.T, dir string) {
			editConfig(t, dir, `path = "scores.csv"`, `path = "scores.csv"`+"\nmanifest = \"scores.csv\"")
			writeFile(t, filepath.Join(dir, "scores.csv"), "last week's scores\n")
		}, func(dir string) []string {
			return []string{"score", "--config", filepath.Join(dir, "clv.toml")}
		}, []string{"output.manifest", "is the same file as output.path", "cannot write two outputs to one file"}},
		{"new manifest through a link onto the new scores", func(t *testing.T, dir string) {
			os.Symlink("out.csv", filepath.Join(dir, "m.json"))
			editConfig(t, dir, `path = "scores.csv"`, `path = "out.csv"`+"\nmanifest = \"m.json\"")
		}, func(dir string) []string {
			return []string{"score", "--config", filepath.Join(dir, "clv.toml")}
		}, []string{"output.manifest", "is the same file as (through a link) output.path"}},
		{"score onto a plugin file", func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "plug.wasm"), "\x00asm not really")
			editConfig(t, dir, "[output]", "[[plugins]]\nname = \"p\"\nkind = \"formula\"\ntransport = \"wasm\"\npath = \"plug.wasm\"\n\n[output]")
		}, func(dir string) []string {
			return []string{"score", "--config", filepath.Join(dir, "clv.toml"), "--out", filepath.Join(dir, "plug.wasm"), "--out-format", "csv"}
		}, []string{"is the same file as plugins[0].path (plugin p)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			copyCDNOW(t, dir)
			if tt.setup != nil {
				tt.setup(t, dir)
			}
			before := snap(t, dir)
			r := invocation{args: tt.args(dir), dir: dir}.exec(t)
			if r.code != 1 {
				t.Errorf("exit code %d, want 1\nstderr: %s", r.code, r.stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(r.stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
				}
			}
			if d := before.diff(snap(t, dir)); d != "" {
				t.Errorf("the refused run touched the folder: %s", d)
			}
		})
	}
}

// editConfig replaces the first old with new in dir/clv.toml.
func editConfig(t *testing.T, dir, old, new string) {
	t.Helper()
	p := filepath.Join(dir, "clv.toml")
	text := string(readFile(t, p))
	if !strings.Contains(text, old) {
		t.Fatalf("clv.toml lacks %q", old)
	}
	writeFile(t, p, strings.Replace(text, old, new, 1))
}

// mknodDevice makes a character device with Linux's major 1 (null: 3,
// full: 7) in dir, so the tests never risk the real /dev; it skips where
// device nodes cannot be made or opened.
func mknodDevice(t *testing.T, dir, name string, minor int) string {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("device numbers of null and full are Linux's")
	}
	p := filepath.Join(dir, name)
	if err := syscall.Mknod(p, syscall.S_IFCHR|0o666, 1<<8|minor); err != nil {
		t.Skipf("cannot make a device node (needs root): %v", err)
	}
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		t.Skipf("cannot open a device node here (nodev?): %v", err)
	}
	f.Close()
	return p
}

func mode(t *testing.T, p string) fs.FileMode {
	t.Helper()
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode()
}

func TestSpecialOutputs(t *testing.T) {
	dir := t.TempDir()
	copyCDNOW(t, dir)
	null := mknodDevice(t, dir, "null", 3)
	full := mknodDevice(t, dir, "full", 7)

	replicas := t.Run("device copies", func(t *testing.T) {
		// An explicit format here (the runs below show the CSV default), so
		// that only the device handling is under test.
		clv(t, summarizeArgs(dir, null, "--out-format", "csv")...).mustOK(t, "summarize --out null")
		if mode(t, null)&fs.ModeCharDevice == 0 {
			t.Errorf("the null device became %v", mode(t, null))
		}
		r := clv(t, summarizeArgs(dir, full, "--out-format", "csv")...)
		if r.code != 1 || !strings.Contains(r.stderr, "no space left on device") || !strings.Contains(r.stderr, full) {
			t.Errorf("summarize --out full: exit %d, stderr %q; want 1 and no space left on device", r.code, r.stderr)
		}
		if mode(t, full)&fs.ModeCharDevice == 0 {
			t.Errorf("the full device became %v", mode(t, full))
		}
	})

	t.Run("fifo", func(t *testing.T) {
		fifo := filepath.Join(dir, "pipe")
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Skip(err)
		}
		got := make(chan []byte, 1)
		go func() {
			f, err := os.Open(fifo)
			if err != nil {
				got <- []byte(err.Error())
				return
			}
			b, _ := io.ReadAll(f)
			f.Close()
			got <- b
		}()
		clv(t, summarizeArgs(dir, fifo)...).mustOK(t, "summarize --out fifo")
		select {
		case b := <-got:
			if !bytes.HasPrefix(b, []byte("customer_id,frequency,recency,T,monetary_value\n")) {
				t.Errorf("the reader got %.80q", b)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the FIFO's reader got nothing")
		}
		if mode(t, fifo)&fs.ModeNamedPipe == 0 {
			t.Errorf("the FIFO became %v", mode(t, fifo))
		}
	})

	t.Run("symlink", func(t *testing.T) {
		real := filepath.Join(dir, "real.csv")
		writeFile(t, real, "old\n")
		link := filepath.Join(dir, "link.csv")
		os.Symlink("real.csv", link)
		clv(t, summarizeArgs(dir, link)...).mustOK(t, "summarize --out link")
		if mode(t, link)&fs.ModeSymlink == 0 {
			t.Errorf("the link became %v", mode(t, link))
		}
		if b := readFile(t, real); !bytes.HasPrefix(b, []byte("customer_id,")) {
			t.Errorf("the link's target holds %.40q", b)
		}
	})

	t.Run("link to standard output", func(t *testing.T) {
		if _, err := os.Stat("/proc/self/fd/1"); err != nil {
			t.Skip("no /proc")
		}
		link := filepath.Join(dir, "stdout")
		os.Symlink("/proc/self/fd/1", link) // what /dev/stdout is on Linux
		r := clv(t, summarizeArgs(dir, link)...).mustOK(t, "summarize --out stdout-link")
		if !strings.HasPrefix(r.stdout, "customer_id,") {
			t.Errorf("stdout = %.40q", r.stdout)
		}
		if mode(t, link)&fs.ModeSymlink == 0 {
			t.Errorf("the link became %v", mode(t, link))
		}
		// clv score too, and with no manifest: as for "-", there is no
		// file for one to describe.
		r = clv(t, "score", "--config", filepath.Join(dir, "clv.toml"), "--out", link, "--quiet").mustOK(t, "score --out stdout-link")
		if !strings.HasPrefix(r.stdout, "customer_id,") {
			t.Errorf("score stdout = %.40q", r.stdout)
		}
		if _, err := os.Lstat(link + ".manifest.json"); err == nil {
			t.Errorf("score wrote a manifest beside the link to standard output")
		}
	})

	for _, e := range entriesOf(t, dir) {
		if strings.HasPrefix(e, atomicfile.TempPrefix) || strings.HasSuffix(e, atomicfile.LockSuffix) {
			t.Errorf("%s left behind", e)
		}
	}

	// The real devices only once the copies are known to survive: on a
	// build that replaced them, this would replace /dev/null for the
	// whole machine.
	if !replicas {
		return
	}
	t.Run("real /dev/null and /dev/full", func(t *testing.T) {
		clv(t, summarizeArgs(dir, "/dev/null")...).mustOK(t, "summarize --out /dev/null")
		if mode(t, "/dev/null")&fs.ModeCharDevice == 0 {
			t.Fatalf("/dev/null is now %v", mode(t, "/dev/null"))
		}
		r := clv(t, summarizeArgs(dir, "/dev/full")...)
		if r.code != 1 || !strings.Contains(r.stderr, "write /dev/full: no space left on device") {
			t.Errorf("summarize --out /dev/full: exit %d, stderr %q", r.code, r.stderr)
		}
		r = clv(t, "score", "--config", filepath.Join(dir, "clv.toml"), "--out", "/dev/stdout", "--quiet")
		if r.code != 0 || !strings.HasPrefix(r.stdout, "customer_id,") {
			t.Errorf("score --out /dev/stdout: exit %d, stdout %.40q, stderr %s", r.code, r.stdout, r.stderr)
		}
		if mode(t, "/dev/stdout")&fs.ModeSymlink == 0 {
			t.Errorf("/dev/stdout is now %v", mode(t, "/dev/stdout"))
		}
		if _, err := os.Lstat("/dev/stdout.manifest.json"); err == nil {
			os.Remove("/dev/stdout.manifest.json")
			t.Errorf("score --out /dev/stdout wrote /dev/stdout.manifest.json")
		}
	})
}

func entriesOf(t *testing.T, dir string) []string {
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

// withUmask runs the binary through a shell that sets the umask first.
func withUmask(mask string) []string {
	return []string{"sh", "-c", "umask " + mask + ` && exec "$0" "$@"`}
}

func TestOutputPermissions(t *testing.T) {
	tests := []struct {
		name  string
		umask string
		old   fs.FileMode // mode of an existing output; 0: none
		score bool        // clv score (scores and manifest) instead of summarize
		want  fs.FileMode
	}{
		{"summarize new, umask 077", "077", 0, false, 0o600},
		{"summarize new, umask 022", "022", 0, false, 0o644},
		{"summarize new, umask 002", "002", 0, false, 0o664},
		{"summarize replaces 0600, umask 022", "022", 0o600, false, 0o600},
		{"summarize replaces 0660, umask 022", "022", 0o660, false, 0o660},
		{"score new, umask 077", "077", 0, true, 0o600},
		{"score replaces 0640, umask 000", "000", 0o640, true, 0o640},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			cfg := copyCDNOW(t, dir)
			out := filepath.Join(dir, "out.csv")
			outputs := []string{out}
			args := summarizeArgs(dir, out)
			if tt.score {
				args = []string{"score", "--config", cfg, "--out", out, "--quiet"}
				outputs = append(outputs, out+".manifest.json")
			}
			if tt.old != 0 {
				for _, o := range outputs {
					writeFile(t, o, "old\n")
					os.Chmod(o, tt.old)
				}
			}
			invocation{args: args, wrap: withUmask(tt.umask)}.exec(t).mustOK(t, strings.Join(args, " "))
			for _, o := range outputs {
				if got := mode(t, o).Perm(); got != tt.want {
					t.Errorf("%s: mode %v, want %v", filepath.Base(o), got, tt.want)
				}
			}
		})
	}
}

// stderrLines starts cmd and returns a channel of its stderr lines.
func stderrLines(t *testing.T, cmd *exec.Cmd) <-chan string {
	t.Helper()
	pr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	return lines
}

func TestOutputLock(t *testing.T) {
	dir := t.TempDir()
	cfg := copyCDNOW(t, dir)
	out := filepath.Join(dir, "scores.csv")
	holder := atomicfile.NewSet()
	defer holder.Cleanup()
	if err := holder.Lock(context.Background(), atomicfile.LockOptions{Command: "clv score --config other.toml"}, out); err != nil {
		t.Fatal(err)
	}

	// Refused at once with --lock-wait 0s, naming the holder.
	r := clv(t, "score", "--config", cfg, "--out", out, "--lock-wait", "0s", "--quiet")
	if r.code != 1 {
		t.Errorf("score while locked: exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, w := range []string{out + " is being written by another run", "pid " + strconv.Itoa(os.Getpid()), "(clv score --config other.toml)", "since ", "--lock-wait"} {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Errorf("the refused run wrote %s", out)
	}

	// Waits, says so, and runs once the holder is done.
	cmd := exec.Command(clvBin, "score", "--config", cfg, "--out", out, "--lock-wait", "1m", "--quiet")
	lines := stderrLines(t, cmd)
	select {
	case l := <-lines:
		if !strings.Contains(l, "is being written by another run, pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(l, "waiting up to 1m0s") {
			t.Errorf("waiting message %q", l)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the second run did not say it waits")
	}
	holder.Cleanup()
	for range lines {
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the waiting run: %v", err)
	}
	clv(t, "verify", out+".manifest.json").mustOK(t, "verify")

	// Two runs at once, with different outputs for the same paths: each
	// pair stays consistent.
	for round := range 3 {
		var cmds []*exec.Cmd
		for _, prec := range []string{"2", "6"} {
			c := exec.Command(clvBin, "score", "--config", cfg, "--out", out, "--precision", prec, "--quiet")
			var stderr bytes.Buffer
			c.Stderr = &stderr
			if err := c.Start(); err != nil {
				t.Fatal(err)
			}
			cmds = append(cmds, c)
		}
		for _, c := range cmds {
			if err := c.Wait(); err != nil {
				t.Fatalf("round %d: concurrent score: %v\n%s", round, err, c.Stderr)
			}
		}
		clv(t, "verify", out+".manifest.json").mustOK(t, fmt.Sprintf("verify after concurrent round %d", round))
	}
	for _, e := range entriesOf(t, dir) {
		if strings.HasSuffix(e, atomicfile.LockSuffix) || strings.HasPrefix(e, atomicfile.TempPrefix) {
			t.Errorf("%s left behind", e)
		}
	}
}

// waitForFile polls until path exists or the timeout passes.
func waitForFile(path string, timeout time.Duration) bool {
	for end := time.Now().Add(timeout); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return true
		}
	}
	return false
}

func TestSignalLeftovers(t *testing.T) {
	src := t.TempDir()
	copyCDNOW(t, src)
	head := strings.SplitAfterN(string(readFile(t, filepath.Join(src, "transactions.csv"))), "\n", 100)
	for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGINT, syscall.SIGTERM, syscall.SIGKILL} {
		t.Run(sig.String(), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "summary.csv")
			// The run reads stdin, which stays open: it is mid-run when
			// the signal comes, holding its output lock.
			cmd := exec.Command(clvBin, "summarize", "--input", "-", "--amount", "amount", "--unit", "week",
				"--observation-end", "1997-09-30", "--out", out)
			stdin, err := cmd.StdinPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			io.WriteString(stdin, strings.Join(head[:99], ""))
			if !waitForFile(filepath.Join(dir, ".summary.csv"+atomicfile.LockSuffix), 10*time.Second) {
				t.Errorf("no lock file while running")
			}
			cmd.Process.Signal(sig)
			cmd.Wait()
			stdin.Close()
			if sig == syscall.SIGKILL {
				// Nothing can be cleaned up; the next run must not mind.
				clv(t, summarizeArgs(src, out)...).mustOK(t, "the run after SIGKILL")
			} else if code := cmd.ProcessState.ExitCode(); code != 1 || !strings.Contains(stderr.String(), "no output file was written") {
				t.Errorf("after %v: exit %d, stderr %q; want 1 and a message", sig, code, stderr.String())
			}
			for _, e := range entriesOf(t, dir) {
				if e != "summary.csv" || sig != syscall.SIGKILL {
					t.Errorf("after %v: %s left in the output folder", sig, e)
				}
			}
		})
	}
}

func TestStaleTempsRemoved(t *testing.T) {
	dir := t.TempDir()
	copyCDNOW(t, dir)
	// A process that has exited, and one that is alive (this test).
	done := exec.Command(clvBin, "version")
	if err := done.Run(); err != nil {
		t.Fatal(err)
	}
	rnd := "0123456789abcdef"
	stale := atomicfile.TempPrefix + "out.csv-" + strconv.Itoa(done.Process.Pid) + "-" + rnd
	live := atomicfile.TempPrefix + "out.csv-" + strconv.Itoa(os.Getpid()) + "-" + rnd
	writeFile(t, filepath.Join(dir, stale), "partial")
	writeFile(t, filepath.Join(dir, live), "being written")
	clv(t, summarizeArgs(dir, filepath.Join(dir, "out.csv"))...).mustOK(t, "summarize")
	if _, err := os.Stat(filepath.Join(dir, stale)); err == nil {
		t.Errorf("%s (pid gone) was not removed", stale)
	}
	if _, err := os.Stat(filepath.Join(dir, live)); err != nil {
		t.Errorf("%s (pid alive) was removed: %v", live, err)
	}
}
