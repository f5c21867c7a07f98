package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxLinks bounds how many symbolic links resolve follows, as the kernel
// does (ELOOP).
const maxLinks = 40

// target is where an output path leads once symbolic links are followed.
type target struct {
	// path is the final path: the file renamed onto, or opened in place.
	path string
	// info describes the existing file at path (symlinks followed), or is
	// nil when nothing exists there yet.
	info fs.FileInfo
	// inPlace is set when the output must be written into the existing
	// file instead of replacing it: a device, FIFO, terminal, or a file
	// reached through /proc (such as /dev/stdout).
	inPlace bool
}

// replaced reports whether writing the target replaces a regular file (or
// creates a new one), as opposed to writing into a device or pipe.
func (t target) replaced() bool { return !t.inPlace }

// resolve follows the symbolic links of path one by one, so that a link
// to a file that does not exist yet resolves to that file (which is then
// created), and classifies what it finds.
//
// Links under /proc (/dev/stdout -> /proc/self/fd/1 on Linux) are not
// followed by name: their target text ("pipe:[123]", "/dev/pts/0 (deleted)")
// is not a path, so the file they stand for is opened in place.
func resolve(path string) (target, error) {
	p := path
	for range maxLinks {
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return target{path: p}, nil
		}
		if err != nil {
			return target{}, err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return classify(p, fi)
		}
		if underProc(p) {
			fi, err := os.Stat(p)
			if err != nil {
				return target{}, err
			}
			return target{path: p, info: fi, inPlace: !fi.IsDir()}, nil
		}
		link, err := os.Readlink(p)
		if err != nil {
			return target{}, err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(p), link)
		}
		p = link
	}
	return target{}, fmt.Errorf("%s: too many levels of symbolic links", path)
}

// classify describes an existing non-symlink file.
func classify(p string, fi fs.FileInfo) (target, error) {
	t := target{path: p, info: fi}
	switch m := fi.Mode(); {
	case m.IsRegular():
	case m.IsDir():
		return t, fmt.Errorf("%s is a directory", p)
	case m&fs.ModeSocket != 0:
		return t, fmt.Errorf("%s is a socket; clv writes files, devices and pipes only", p)
	default: // device, character device (terminal), FIFO
		t.inPlace = true
	}
	return t, nil
}

// underProc reports whether the symlink p lives in /proc (after resolving
// the links of its directory), where links name open files rather than
// paths.
func underProc(p string) bool {
	dir, err := filepath.EvalSymlinks(filepath.Dir(p))
	if err != nil {
		dir = filepath.Dir(p)
	}
	return dir == "/proc" || strings.HasPrefix(dir, "/proc/")
}

// WritesInPlace reports whether Create would write path in place rather
// than replace it: standard output ("-"), a device, FIFO or terminal, or a
// file reached through /proc such as /dev/stdout. It is false when path
// cannot be examined.
func WritesInPlace(path string) bool {
	if path == Stdout {
		return true
	}
	t, err := resolve(path)
	return err == nil && t.inPlace
}
