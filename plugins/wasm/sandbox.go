package wasm

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"sync/atomic"
	"time"

	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/experimental/sysfs"
)

// mountReadOnly mounts the host directory dir read-only at guestPath,
// through an os.Root: every path the module opens is resolved beneath dir,
// and one that leads out of it (a symbolic link to "/" or to a file
// elsewhere, an absolute link, "..") fails instead of reaching the host's
// files. wazero's own directory mount follows such links wherever they
// point. The caller closes the returned Root when the module is done.
func mountReadOnly(dir, guestPath string) (wazero.FSConfig, *os.Root, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, nil, err
	}
	fsc, ok := wazero.NewFSConfig().(sysfs.FSConfig)
	if !ok {
		root.Close()
		return nil, nil, fmt.Errorf("wazero's FSConfig does not take a sys.FS mount")
	}
	// ReadFS refuses every write before it reaches the files.
	mount := &sysfs.ReadFS{FS: &sysfs.AdaptFS{FS: rootFS{root}}}
	return fsc.WithSysFSMount(mount, guestPath), root, nil
}

// rootFS is the fs.FS of a granted directory: the files beneath an
// os.Root, limited to regular files and directories. A named pipe would
// block the open, and a device could be read without end, in a host call
// the timeout cannot interrupt.
type rootFS struct{ root *os.Root }

// Open opens name beneath the root, following links that stay beneath it.
func (r rootFS) Open(name string) (fs.File, error) {
	fi, err := r.root.Stat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() && !fi.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrPermission}
	}
	return r.root.Open(name)
}

// sleeper is the module's sleep (what WASI poll_oneoff waits with) when
// the real clock is granted. wazero stops a module whose call has timed
// out only when the module's own code runs (at a call or a loop), so a
// sleep in a host call would hold the call as long as the module asked;
// this one also ends when the current call's context does.
type sleeper struct {
	done atomic.Pointer[<-chan struct{}] // the current call's ctx.Done()
}

// during makes sleeps end when ctx does, for the call about to run.
func (s *sleeper) during(ctx context.Context) {
	done := ctx.Done()
	s.done.Store(&done)
}

// sleep pauses for ns nanoseconds or until the current call's context
// ends, whichever comes first (a sys.Nanosleep).
func (s *sleeper) sleep(ns int64) {
	var done <-chan struct{}
	if d := s.done.Load(); d != nil {
		done = *d
	}
	t := time.NewTimer(time.Duration(ns))
	defer t.Stop()
	select {
	case <-t.C:
	case <-done:
	}
}
