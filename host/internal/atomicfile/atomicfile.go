// Package atomicfile writes output files so that a reader never sees one
// half-written: it is the only place in the clv binary that creates output
// files.
//
// A File writes into a temporary file in the target's own directory (so the
// final rename stays on one file system and is atomic), and Commit fsyncs it,
// renames it onto the target and fsyncs the directory. Abort, or Close
// without Commit, removes the temporary file. The target therefore either
// keeps its old content (or does not exist) or holds the complete new
// content; it never exists half-written.
//
// Temporary files are named ".clv-tmp-<target base name>-<random>" so that a
// leftover one is easy to recognise. They are removed on every path the
// process controls: errors, Abort, Close, and signals if the host calls
// Set.Cleanup from its SIGINT/SIGTERM handler. A process killed with SIGKILL
// (or a power loss) cannot clean up: its temporary file stays behind, but the
// target is untouched. Such leftovers can be deleted by hand.
//
// The path "-" means standard output: writes go straight to os.Stdout and
// Commit and Abort have nothing to rename or remove.
//
// There is no package-level state. The host creates one Set, passes it to
// whatever creates outputs, and calls Set.Cleanup when a signal arrives. A
// Group commits several outputs together (a scored table and its manifest).
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// TempPrefix starts the base name of every temporary file this package
// creates; a file named so that is left in an output directory is debris of
// a killed run and can be deleted.
const TempPrefix = ".clv-tmp-"

// DefaultPerm is the permission a committed file gets when Create is given
// permission 0.
const DefaultPerm fs.FileMode = 0o644

// Stdout is the path that names standard output.
const Stdout = "-"

// ErrCleanedUp is returned by Create after Set.Cleanup ran: the process is
// shutting down and must not start new outputs.
var ErrCleanedUp = errors.New("atomicfile: output set already cleaned up (shutting down)")

// ErrDone is returned by Write and Commit on a File that was already
// committed or aborted.
var ErrDone = errors.New("atomicfile: file already committed or aborted")

// Set tracks the temporary files of the Files created through it, so that
// Cleanup can remove them all when the process is interrupted. A Set is safe
// for concurrent use; its zero value is not usable, call NewSet.
type Set struct {
	mu      sync.Mutex
	open    map[*File]struct{}
	cleaned bool
}

// NewSet returns an empty Set.
func NewSet() *Set {
	return &Set{open: make(map[*File]struct{})}
}

// Cleanup closes and removes the temporary file of every File of s that is
// neither committed nor aborted, and makes later calls to Create fail with
// ErrCleanedUp. It is meant to be called from the host's SIGINT/SIGTERM
// handler just before the process exits; writes racing with it fail with an
// error. Cleanup returns the first removal error, after trying every file.
func (s *Set) Cleanup() error {
	s.mu.Lock()
	s.cleaned = true
	files := make([]*File, 0, len(s.open))
	for f := range s.open {
		files = append(files, f)
	}
	s.mu.Unlock()
	var first error
	for _, f := range files {
		if err := f.Abort(); err != nil && first == nil {
			first = err
		}
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

// File is an output being written. Write into it, then call Commit to
// publish it under its target path, or Abort (or Close) to discard it.
// Calling Close after Commit is a no-op, so `defer f.Close()` right after
// Create is the intended use. A File's methods are safe for concurrent use
// with Set.Cleanup but Write is not meant to be called from several
// goroutines at once.
type File struct {
	set    *Set
	path   string // target path as given
	perm   fs.FileMode
	stdout bool

	mu   sync.Mutex
	tmp  *os.File // nil for stdout
	done bool
}

// Create starts writing the output path. The temporary file is created in
// path's directory, which must exist. perm is the permission the committed
// file gets (exactly, umask is not applied); 0 means DefaultPerm. The path
// "-" returns a File writing to standard output.
func (s *Set) Create(path string, perm fs.FileMode) (*File, error) {
	if perm == 0 {
		perm = DefaultPerm
	}
	f := &File{set: s, path: path, perm: perm}
	if path == Stdout {
		f.stdout = true
		return f, nil
	}
	if path == "" {
		return nil, errors.New("create output: empty path")
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return nil, fmt.Errorf("create output %s: path names a directory, not a file", path)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, fmt.Errorf("create output %s: is a directory", path)
	}
	tmp, err := os.CreateTemp(dir, TempPrefix+base+"-*")
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("create output %s: directory %s does not exist: %w", path, filepath.Dir(path), fs.ErrNotExist)
		}
		return nil, fmt.Errorf("create output %s: %w", path, err)
	}
	f.tmp = tmp
	// Register only once the temporary file exists, so Cleanup never sees
	// a File without one; if Cleanup already ran, undo the creation.
	if err := s.add(f); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("create output %s: %w", path, err)
	}
	return f, nil
}

// Name returns the target path the File was created for ("-" for standard
// output).
func (f *File) Name() string { return f.path }

// TempName returns the path of the temporary file, or "" for standard
// output.
func (f *File) TempName() string {
	if f.tmp == nil {
		return ""
	}
	return f.tmp.Name()
}

// Write writes p to the temporary file (or to standard output).
func (f *File) Write(p []byte) (int, error) {
	if f.stdout {
		n, err := os.Stdout.Write(p)
		if err != nil {
			return n, fmt.Errorf("write standard output: %w", err)
		}
		return n, nil
	}
	f.mu.Lock()
	tmp, done := f.tmp, f.done
	f.mu.Unlock()
	if done {
		return 0, fmt.Errorf("write %s: %w", f.path, ErrDone)
	}
	n, err := tmp.Write(p)
	if err != nil {
		return n, fmt.Errorf("write %s: %w", f.path, err)
	}
	return n, nil
}

// sync flushes the temporary file to stable storage and sets its
// permission; it is the part of Commit that can run before any rename.
func (f *File) sync() error {
	if f.stdout {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done {
		return fmt.Errorf("commit %s: %w", f.path, ErrDone)
	}
	if err := f.tmp.Chmod(f.perm); err != nil {
		return fmt.Errorf("commit %s: set permission: %w", f.path, err)
	}
	if err := f.tmp.Sync(); err != nil {
		return fmt.Errorf("commit %s: fsync: %w", f.path, err)
	}
	return nil
}

// publish closes the synced temporary file and renames it onto the target.
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
	name := f.tmp.Name()
	if err := f.tmp.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("commit %s: close: %w", f.path, err)
	}
	if err := os.Rename(name, f.path); err != nil {
		os.Remove(name)
		return fmt.Errorf("commit %s: %w", f.path, err)
	}
	// Make the rename itself durable. Not every file system supports
	// fsync on a directory; a failure here does not undo the commit.
	if d, err := os.Open(filepath.Dir(f.path)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Commit fsyncs the temporary file, gives it its permission and renames it
// onto the target path. On error the temporary file is removed and the
// target is left as it was. For standard output Commit does nothing.
func (f *File) Commit() error {
	if err := f.sync(); err != nil {
		f.Abort()
		return err
	}
	return f.publish()
}

// Abort discards the output: the temporary file is closed and removed and
// the target is left as it was. Abort after Commit or Abort does nothing.
func (f *File) Abort() error {
	if f.stdout {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.done || f.tmp == nil {
		return nil
	}
	f.done = true
	f.set.remove(f)
	name := f.tmp.Name()
	f.tmp.Close()
	if err := os.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("abort %s: remove temporary file: %w", f.path, err)
	}
	return nil
}

// Close aborts the File unless it was committed. It exists so that
// `defer f.Close()` cleans up on every error path.
func (f *File) Close() error { return f.Abort() }
