// Package atomicfile writes output files so that a reader never sees one
// half-written and no file the user had is lost: it is the only place in
// the clv binary that creates output files.
//
// # Replacing a file
//
// A File for a regular file (or a new path) writes into a temporary file in
// the target's own directory (so the final rename stays on one file system
// and is atomic), and Commit fsyncs it, renames it onto the target and
// fsyncs the directory. Abort, or Close without Commit, removes the
// temporary file. The target therefore either keeps its old content (or
// does not exist) or holds the complete new content; it never exists
// half-written.
//
// A symbolic link is followed and its target replaced; the link stays a
// link. A replaced file keeps its permission (and, when the process may,
// its owner); a new file gets 0666 less the umask, as with os.Create. The
// temporary file has that permission from the start, so the data is never
// more readable than the final file.
//
// # Writing in place
//
// A device, FIFO or terminal is not replaced (renaming onto /dev/null would
// replace it for everyone): it is opened and written in place, and its
// errors are reported (/dev/full: "no space left on device"). So is a file
// reached through /proc, such as /dev/stdout. A directory or socket is
// refused. The path "-" means standard output: writes go straight to
// os.Stdout.
//
// # Outputs over inputs
//
// CheckDistinct refuses, before a run reads anything, an output that is the
// same file as one of the run's inputs or another of its outputs, through
// symbolic links or hard links.
//
// # Locks
//
// Two runs writing the same output would interleave their renames, leaving
// one run's scores beside the other's manifest. Set.Lock therefore takes an
// advisory lock (flock) on a lock file beside each output, named
// ".<output base name>.clv-lock", and writes the holder's pid, command line
// and start time into it; a second run waits for it up to a limit and then
// fails naming the holder. Create takes the lock itself, without waiting,
// if the Set does not hold it yet. Set.Cleanup removes the lock file; one
// left by a killed process is harmless (the operating system released its
// lock) and is reused and removed by the next run. On platforms without
// flock (Windows, Plan 9) there is no locking.
//
// # Leftovers
//
// Temporary files are named ".clv-tmp-<target base name>-<pid>-<random>".
// They are removed on every path the process controls: errors, Abort,
// Close, and signals if the host calls Set.Cleanup from its signal handler
// (clv does for SIGINT, SIGTERM and SIGHUP). A process killed with SIGKILL
// (or a power loss) cannot clean up: its temporary file stays behind, but
// the target is untouched, and the next run creating the same output
// removes temporary files whose process no longer exists. A temporary file
// of a live process is never removed.
//
// There is no package-level state. The host creates one Set, passes it to
// whatever creates outputs, and calls Set.Cleanup when it ends or a signal
// arrives. A Group commits several outputs together (a scored table and its
// manifest).
package atomicfile

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// TempPrefix starts the base name of every temporary file this package
// creates: ".clv-tmp-<target base name>-<pid>-<16 hex digits>". A file
// named so whose process is gone is debris of a killed run; the next run
// writing the same output removes it.
const TempPrefix = ".clv-tmp-"

// DefaultPerm is the permission a new output gets before the umask is
// applied, when Create is given permission 0 (as for os.Create).
const DefaultPerm fs.FileMode = 0o666

// Stdout is the path that names standard output.
const Stdout = "-"

// ErrCleanedUp is returned by Create after Set.Cleanup ran: the process is
// shutting down and must not start new outputs.
var ErrCleanedUp = errors.New("atomicfile: output set already cleaned up (shutting down)")

// ErrDone is returned by Write and Commit on a File that was already
// committed or aborted.
var ErrDone = errors.New("atomicfile: file already committed or aborted")

// Set tracks the temporary files of the Files created through it and the
// output locks it holds, so that Cleanup can remove them all when the
// process is interrupted. A Set is safe for concurrent use; its zero value
// is not usable, call NewSet.
type Set struct {
	mu      sync.Mutex
	open    map[*File]struct{}
	locks   map[string]*lockFile // by lock file path
	cleaned bool
}

// NewSet returns an empty Set.
func NewSet() *Set {
	return &Set{open: make(map[*File]struct{}), locks: make(map[string]*lockFile)}
}

// Cleanup closes and removes the temporary file of every File of s that is
// neither committed nor aborted, releases (and removes) the output locks
// of s, and makes later calls to Create and Lock fail with ErrCleanedUp.
// It is meant to be called when the process ends, normally or from the
// host's signal handler; writes racing with it fail with an error.
// Cleanup returns the first removal error, after trying every file.
func (s *Set) Cleanup() error {
	s.mu.Lock()
	s.cleaned = true
	files := make([]*File, 0, len(s.open))
	for f := range s.open {
		files = append(files, f)
	}
	locks := s.locks
	s.locks = make(map[string]*lockFile)
	s.mu.Unlock()
	var first error
	for _, f := range files {
		if err := f.Abort(); err != nil && first == nil {
			first = err
		}
	}
	// Unlock only once no temporary file is left, so that the next run
	// never meets a temporary file of a live process; in the reverse of
	// the order Lock takes them, so a waiting run gets them all at once.
	paths := slices.Sorted(maps.Keys(locks))
	slices.Reverse(paths)
	for _, p := range paths {
		locks[p].release()
	}
	return first
}

// Pending returns the number of Files of s that are neither committed nor
// aborted.
func (s *Set) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.open)
}

func (s *Set) add(f *File) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cleaned {
		return ErrCleanedUp
	}
	s.open[f] = struct{}{}
	return nil
}

func (s *Set) remove(f *File) {
	s.mu.Lock()
	delete(s.open, f)
	s.mu.Unlock()
}

func (s *Set) holds(lock string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.locks[lock]
	return ok
}

func (s *Set) addLock(l *lockFile) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cleaned {
		return ErrCleanedUp
	}
	s.locks[l.path] = l
	return nil
}

func (s *Set) unlock(lock string) {
	s.mu.Lock()
	l := s.locks[lock]
	delete(s.locks, lock)
	s.mu.Unlock()
	if l != nil {
		l.release()
	}
}

// File is an output being written. Write into it, then call Commit to
// publish it under its target path, or Abort (or Close) to discard it.
// Calling Close after Commit is a no-op, so `defer f.Close()` right after
// Create is the intended use. A File's methods are safe for concurrent use
// with Set.Cleanup but Write is not meant to be called from several
// goroutines at once.
type File struct {
	set     *Set
	path    string // target path as given
	target  string // path after following symbolic links
	stdout  bool
	inPlace bool // w is the target itself (device, FIFO, terminal)

	mu   sync.Mutex
	w    *os.File // temporary file, or the target opened in place; nil for stdout
	done bool
}

// Create starts writing the output path.
//
// A regular file (or a new path) is written through a temporary file in its
// directory, which must exist, and renamed onto it by Commit. A symbolic
// link is followed: its target is replaced and the link stays a link. A
// device, FIFO or terminal (and anything reached through /proc, such as
// /dev/stdout) is not replaced but opened and written in place, so
// /dev/null stays a device and /dev/full reports "no space left on
// device"; such writes cannot be undone by Abort. A directory or socket is
// refused. The path "-" returns a File writing to standard output.
//
// perm 0 gives the committed file the permission of the file it replaces,
// or DefaultPerm less the umask for a new file; any other perm is applied
// exactly (the umask is not applied). The temporary file never has more
// permission than the committed file will have. When the process may
// (as root), the owner and group of a replaced file are kept too.
//
// Before creating its temporary file, Create takes the output's lock (see
// Set.Lock) if s does not hold it yet, failing at once with a *LockedError
// if another run holds it, and removes temporary files of the same output
// left by processes that no longer exist.
func (s *Set) Create(path string, perm fs.FileMode) (*File, error) {
	f := &File{set: s, path: path}
	if path == Stdout {
		f.stdout = true
		return f, nil
	}
	if path == "" {
		return nil, errors.New("create output: empty path")
	}
	if _, base := filepath.Split(path); base == "" {
		return nil, fmt.Errorf("create output %s: path names a directory, not a file", path)
	}
	t, err := resolve(path)
	if err != nil {
		return nil, fmt.Errorf("create output %s: %w", path, err)
	}
	f.target = t.path
	if t.inPlace {
		return f, s.openInPlace(f, t)
	}
	dir, base := filepath.Split(t.path)
	if dir == "" {
		dir = "."
	}
	if st, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("create output %s: directory %s does not exist: %w", path, filepath.Dir(t.path), fs.ErrNotExist)
		}
		return nil, fmt.Errorf("create output %s: %w", path, err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("create output %s: %s is not a directory", path, filepath.Dir(t.path))
	}
	if locksSupported && !s.holds(lockPathOf(t.path)) {
		if err := s.Lock(context.Background(), LockOptions{}, path); err != nil {
			return nil, fmt.Errorf("create output %s: %w", path, err)
		}
	}
	removeStaleTemps(dir, base)

	mode, exact := DefaultPerm, false
	switch {
	case perm != 0:
		mode, exact = perm.Perm(), true
	case t.info != nil:
		mode, exact = t.info.Mode().Perm(), true
	}
	tmp, err := createTemp(dir, base, mode)
	if err != nil {
		return nil, fmt.Errorf("create output %s: %w", path, err)
	}
	// The umask may have taken bits away from an exact mode; put them
	// back now, so the temporary file already has the final permission.
	if exact {
		if err := tmp.Chmod(mode); err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
			return nil, fmt.Errorf("create output %s: set permission: %w", path, err)
		}
	}
	if t.info != nil {
		keepOwner(tmp, t.info)
	}
	f.w = tmp
	// Register only once the temporary file exists, so Cleanup never sees
	// a File without one; if Cleanup already ran, undo the creation.
	if err := s.add(f); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("create output %s: %w", path, err)
	}
	return f, nil
}

// openInPlace opens a device, FIFO or terminal for writing. Opening a FIFO
// waits for a reader, as for any program writing to it.
func (s *Set) openInPlace(f *File, t target) error {
	flag := os.O_WRONLY
	if t.info.Mode().IsRegular() {
		// A regular file reached through /proc (/dev/stdout redirected to
		// a file): append, so a `>>` redirection keeps what it had.
		flag |= os.O_APPEND
	}
	w, err := os.OpenFile(t.path, flag, 0)
	if err != nil {
		return fmt.Errorf("create output %s: %w", f.path, err)
	}
	f.inPlace = true
	f.w = w
	if err := s.add(f); err != nil {
		w.Close()
		return fmt.Errorf("create output %s: %w", f.path, err)
	}
	return nil
}

// createTemp creates a new temporary file for the output base in dir, named
// TempPrefix + base + "-<pid>-<random>", with permission perm less the
// umask.
func createTemp(dir, base string, perm fs.FileMode) (*os.File, error) {
	prefix := TempPrefix + base + "-" + strconv.Itoa(os.Getpid()) + "-"
	for range 100 {
		var b [8]byte
		rand.Read(b[:])
		name := filepath.Join(dir, prefix+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("directory %s does not exist: %w", dir, err)
			}
			return nil, err
		}
		return f, nil
	}
	return nil, fmt.Errorf("cannot find a free temporary file name in %s", dir)
}

// tempPID returns the process id in the name of a temporary file of the
// output base, or false if name is not one: it must be exactly
// TempPrefix + base + "-<pid>-<16 hex digits>".
func tempPID(name, base string) (int, bool) {
	rest, ok := strings.CutPrefix(name, TempPrefix+base+"-")
	if !ok {
		return 0, false
	}
	pidText, random, ok := strings.Cut(rest, "-")
	if !ok || len(random) != 16 {
		return 0, false
	}
	if _, err := hex.DecodeString(random); err != nil {
		return 0, false
	}
	pid, err := strconv.Atoi(pidText)
	if err != nil || pid <= 0 || strconv.Itoa(pid) != pidText {
		return 0, false
	}
	return pid, true
}

// removeStaleTemps removes the temporary files of the output base in dir
// whose process no longer exists (debris of a run killed with SIGKILL).
// It never removes the file of a live process, nor of this one, nor a file
// whose name does not say which process made it. Errors are ignored: a
// leftover is harmless.
func removeStaleTemps(dir, base string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	names, _ := d.Readdirnames(-1)
	d.Close()
	for _, n := range names {
		pid, ok := tempPID(n, base)
		if !ok || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		os.Remove(filepath.Join(dir, n))
	}
}

// Name returns the target path the File was created for ("-" for standard
// output).
func (f *File) Name() string { return f.path }

// TempName returns the path of the temporary file, or "" for standard
// output and for outputs written in place.
func (f *File) TempName() string {
	if f.w == nil || f.inPlace {
		return ""
	}
	return f.w.Name()
}

// InPlace reports whether the File writes straight into its target (a
// device, FIFO or terminal) instead of a temporary file.
func (f *File) InPlace() bool { return f.inPlace }

// Write writes p to the temporary file (or to standard output, or in
// place).
func (f *File) Write(p []byte) (int, error) {
	if f.stdout {
		n, err := os.Stdout.Write(p)
		if err != nil {
			return n, fmt.Errorf("write standard output: %w", err)
		}
		return n, nil
	}
	f.mu.Lock()
	w, done := f.w, f.done
	f.mu.Unlock()
	if done {
		return 0, fmt.Errorf("write %s: %w", f.path, ErrDone)
	}
	n, err := w.Write(p)
	if err != nil {
		return n, fmt.Errorf("write %s: %w", f.path, unwrapPath(err))
	}
	return n, nil
}

// unwrapPath drops the *fs.PathError around err, whose path would name the
// temporary file rather than the output.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// sync flushes the temporary file to stable storage; it is the part of
// Commit that can run before any rename.
func (f *File) sync() error {
	if f.stdout {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return fmt.Errorf("commit %s: %w", f.path, ErrDone)
	}
	if f.inPlace {
		return nil
	}
	if err := f.w.Sync(); err != nil {
		return fmt.Errorf("commit %s: fsync: %w", f.path, unwrapPath(err))
	}
	return nil
}

// publish closes the synced temporary file and renames it onto the target
// (or, for an output written in place, closes it).
func (f *File) publish() error {
	if f.stdout {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return fmt.Errorf("commit %s: %w", f.path, ErrDone)
	}
	f.done = true
	defer f.set.remove(f)
	if f.inPlace {
		if err := f.w.Close(); err != nil {
			return fmt.Errorf("commit %s: close: %w", f.path, unwrapPath(err))
		}
		return nil
	}
	name := f.w.Name()
	if err := f.w.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("commit %s: close: %w", f.path, unwrapPath(err))
	}
	if err := os.Rename(name, f.target); err != nil {
		os.Remove(name)
		return fmt.Errorf("commit %s: %w", f.path, err)
	}
	// Make the rename itself durable. Not every file system supports
	// fsync on a directory; a failure here does not undo the commit.
	if d, err := os.Open(filepath.Dir(f.target)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Commit fsyncs the temporary file and renames it onto the target path. On
// error the temporary file is removed and the target is left as it was.
// For standard output Commit does nothing; for an output written in place
// it closes it.
func (f *File) Commit() error {
	if err := f.sync(); err != nil {
		f.Abort()
		return err
	}
	return f.publish()
}

// Abort discards the output: the temporary file is closed and removed and
// the target is left as it was. (What was written to an output in place,
// such as a FIFO, is already gone; Abort just closes it.) Abort after
// Commit or Abort does nothing.
func (f *File) Abort() error {
	if f.stdout {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done || f.w == nil {
		return nil
	}
	f.done = true
	f.set.remove(f)
	f.w.Close()
	if f.inPlace {
		return nil
	}
	name := f.w.Name()
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("abort %s: remove temporary file: %w", f.path, err)
	}
	return nil
}

// Close aborts the File unless it was committed. It exists so that
// `defer f.Close()` cleans up on every error path.
func (f *File) Close() error { return f.Abort() }
