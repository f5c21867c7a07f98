package atomicfile

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// LockSuffix ends the name of the lock file of an output: the lock of
// "scores.csv" is ".scores.csv.clv-lock" in the same directory.
const LockSuffix = ".clv-lock"

// lockPoll is how often a waiting Lock retries.
const lockPoll = 50 * time.Millisecond

// LockPath returns the lock file that guards the output at path: a hidden
// file beside the output (after following symbolic links), so that every
// spelling of the same output shares one lock.
func LockPath(path string) (string, error) {
	t, err := resolve(path)
	if err != nil {
		return "", err
	}
	return lockPathOf(t.path), nil
}

func lockPathOf(resolved string) string {
	dir, base := filepath.Split(resolved)
	return filepath.Join(dir, "."+base+LockSuffix)
}

// Holder describes the process that holds an output lock, as it wrote
// itself into the lock file.
type Holder struct {
	PID     int       `json:"pid"`
	Command string    `json:"command"`
	Since   time.Time `json:"since"`
}

// String describes the holder for a message: "pid 42 (clv score --config
// a.toml) since 2025-01-02 15:04:05".
func (h Holder) String() string {
	if h.PID == 0 {
		return "another process (it has not written its name yet)"
	}
	s := fmt.Sprintf("pid %d", h.PID)
	if h.Command != "" {
		s += " (" + h.Command + ")"
	}
	if !h.Since.IsZero() {
		s += " since " + h.Since.Local().Format(time.DateTime)
	}
	return s
}

// LockedError is returned by Lock (and Create) when another process keeps
// an output locked for longer than the caller would wait.
type LockedError struct {
	// Output is the output path as given.
	Output string
	// LockFile is the lock file that is held.
	LockFile string
	// Holder is the process holding it.
	Holder Holder
	// Waited is how long Lock waited.
	Waited time.Duration
}

func (e *LockedError) Error() string {
	msg := fmt.Sprintf("%s is being written by another run: %s", e.Output, e.Holder)
	if e.Waited > 0 {
		msg += fmt.Sprintf("; gave up after waiting %s", e.Waited.Round(time.Millisecond))
	}
	return msg + " (lock file " + e.LockFile + ")"
}

// LockOptions tunes Lock.
type LockOptions struct {
	// Wait is how long to wait for another process to release a lock
	// before giving up with a *LockedError; 0 gives up at once.
	Wait time.Duration
	// OnWait, if set, is called once per lock when Lock has to wait for
	// it, so the caller can say who it waits for.
	OnWait func(output string, h Holder)
	// Command is written into the lock file to tell waiting runs who holds
	// it; default: the process's arguments.
	Command string
}

// lockFile is a held output lock.
type lockFile struct {
	path string
	f    *os.File
}

// Lock takes the exclusive lock of every output path (see LockPath), so
// that two runs never write the same outputs at once: a second run waits
// up to opt.Wait and then fails naming the holder. Paths written in place
// (devices, pipes, "-") need no lock and are skipped. Locks are taken in
// the order of their lock file names, so runs locking overlapping sets of
// outputs cannot deadlock. They are held until Set.Cleanup (or the process
// exits: the operating system releases them even after SIGKILL).
//
// The locks are advisory (flock): they keep clv runs apart, not other
// programs. On platforms without flock Lock does nothing.
func (s *Set) Lock(ctx context.Context, opt LockOptions, paths ...string) error {
	if !locksSupported {
		return nil
	}
	type want struct{ output, lock string }
	var wants []want
	for _, p := range paths {
		if p == Stdout || p == "" {
			continue
		}
		t, err := resolve(p)
		if err != nil {
			return fmt.Errorf("lock output %s: %w", p, err)
		}
		if t.inPlace {
			continue
		}
		wants = append(wants, want{p, lockPathOf(t.path)})
	}
	slices.SortFunc(wants, func(a, b want) int { return strings.Compare(a.lock, b.lock) })
	var taken []string
	for _, w := range wants {
		if s.holds(w.lock) {
			continue
		}
		l, err := acquire(ctx, w.output, w.lock, opt)
		if err != nil {
			for _, p := range taken {
				s.unlock(p)
			}
			return err
		}
		if err := s.addLock(l); err != nil {
			l.release()
			for _, p := range taken {
				s.unlock(p)
			}
			return err
		}
		taken = append(taken, l.path)
	}
	return nil
}

// acquire takes the lock file at path for output, waiting as opt says.
func acquire(ctx context.Context, output, path string, opt LockOptions) (*lockFile, error) {
	start := time.Now()
	notified := false
	for {
		l, holder, err := tryAcquire(path, opt.Command)
		if err != nil {
			return nil, fmt.Errorf("lock output %s: %w", output, err)
		}
		if l != nil {
			return l, nil
		}
		waited := time.Since(start)
		if waited >= opt.Wait {
			return nil, &LockedError{Output: output, LockFile: path, Holder: holder, Waited: waited}
		}
		if !notified && opt.OnWait != nil {
			opt.OnWait(output, holder)
			notified = true
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("lock output %s: %w", output, ctx.Err())
		case <-time.After(min(lockPoll, opt.Wait-waited)):
		}
	}
}

// tryAcquire makes one attempt: it returns the held lock, or the holder
// when another process has it.
func tryAcquire(path, command string) (*lockFile, Holder, error) {
	for range 100 {
		l, h, stale, err := tryAcquireOnce(path, command)
		if !stale {
			return l, h, err
		}
	}
	return nil, Holder{}, fmt.Errorf("%s keeps being replaced while clv locks it", path)
}

// tryAcquireOnce is one attempt of tryAcquire; stale reports that the file
// locked had been removed meanwhile, and the attempt must be repeated.
func tryAcquireOnce(path, command string) (l *lockFile, h Holder, stale bool, err error) {
	writable := true
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if errors.Is(err, os.ErrPermission) {
		// Another user's lock file: locking works on a read-only
		// descriptor too, the holder just cannot be recorded.
		writable = false
		f, err = os.Open(path)
	}
	if err != nil {
		return nil, Holder{}, false, err
	}
	if err := tryLock(f); err != nil {
		h := readHolder(f)
		f.Close()
		if isLockBusy(err) {
			return nil, h, false, nil
		}
		return nil, Holder{}, false, err
	}
	// The previous holder may have removed the file between our open and
	// our lock: then we locked an unlinked file and must start over.
	fi, err1 := f.Stat()
	cur, err2 := os.Stat(path)
	if err1 != nil || err2 != nil || !os.SameFile(fi, cur) {
		f.Close()
		return nil, Holder{}, true, nil
	}
	if writable {
		if command == "" {
			command = strings.Join(append([]string{filepath.Base(os.Args[0])}, os.Args[1:]...), " ")
		}
		b, _ := json.Marshal(Holder{PID: os.Getpid(), Command: command, Since: time.Now().Truncate(time.Second)})
		// Best effort: the lock works without the description.
		if f.Truncate(0) == nil {
			f.WriteAt(append(b, '\n'), 0)
		}
	}
	return &lockFile{path: path, f: f}, Holder{}, false, nil
}

// readHolder reads who holds the lock file f.
func readHolder(f *os.File) Holder {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 4096))
	var h Holder
	if err != nil || json.Unmarshal(b, &h) != nil {
		return Holder{}
	}
	return h
}

// release removes the lock file (while still holding it, so no waiting
// process can be left holding a removed file unnoticed: it checks after
// locking) and unlocks it.
func (l *lockFile) release() {
	if fi, err := l.f.Stat(); err == nil {
		if cur, err := os.Stat(l.path); err == nil && os.SameFile(fi, cur) {
			os.Remove(l.path)
		}
	}
	l.f.Close()
}
