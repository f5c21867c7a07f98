package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Named is a file a run reads or writes, with the name the user knows it
// by in messages ("--input", "output.path", "plugins.rfm.path").
type Named struct {
	What string
	Path string
}

// OverlapError is returned by CheckDistinct when an output would replace
// a file the run reads, or two outputs are one file.
type OverlapError struct {
	// Output is the output that would replace Other.
	Output Named
	// Other is the input, or the other output, it would replace.
	Other Named
	// OtherIsOutput is set when Other is an output too.
	OtherIsOutput bool
}

func (e *OverlapError) Error() string {
	same := "is the same file as"
	if absClean(e.Output.Path) != absClean(e.Other.Path) {
		same += " (through a link)"
	}
	if e.OtherIsOutput {
		return fmt.Sprintf("%s %s %s %s %s: a run cannot write two outputs to one file; choose different paths",
			e.Output.What, e.Output.Path, same, e.Other.What, e.Other.Path)
	}
	return fmt.Sprintf("%s %s %s %s %s, which this run reads: clv will not overwrite its own input; choose another output path",
		e.Output.What, e.Output.Path, same, e.Other.What, e.Other.Path)
}

// fileID identifies a file that exists (by device and inode, through
// os.SameFile) or a path that does not exist yet (by its directory and
// base name).
type fileID struct {
	info fs.FileInfo // the file; nil for a new path
	dir  fs.FileInfo // the directory of a new path
	base string      // the base name of a new path
	path string      // the resolved path, when dir cannot be statted
}

func (a fileID) same(b fileID) bool {
	switch {
	case a.info != nil && b.info != nil:
		return os.SameFile(a.info, b.info)
	case a.info != nil || b.info != nil:
		return false
	case a.dir != nil && b.dir != nil:
		return a.base == b.base && os.SameFile(a.dir, b.dir)
	}
	return a.path == b.path
}

// outputID identifies what writing the output path would replace; ok is
// false for outputs that replace nothing (standard output, devices, FIFOs),
// which may be shared with anything.
func outputID(path string) (id fileID, ok bool, err error) {
	if path == Stdout || path == "" {
		return id, false, nil
	}
	t, err := resolve(path)
	if err != nil {
		return id, false, err
	}
	if t.inPlace {
		return id, false, nil
	}
	if t.info != nil {
		return fileID{info: t.info}, true, nil
	}
	id.base = filepath.Base(t.path)
	id.path = absClean(t.path)
	if dir, err := os.Stat(filepath.Dir(t.path)); err == nil {
		id.dir = dir
	}
	return id, true, nil
}

// CheckDistinct checks, before a run reads or writes anything, that no
// output is the same file as an input or as another output: after
// following symbolic links, and including hard links (os.SameFile). An
// output written in place (standard output "-", a device, a FIFO) replaces
// nothing and is not checked; neither is an input that does not exist
// (reading it will fail with its own message) or is "-". The error is an
// *OverlapError naming both files by their Named.What.
func CheckDistinct(outputs, inputs []Named) error {
	ids := make([]fileID, len(outputs))
	checked := make([]bool, len(outputs))
	for i, o := range outputs {
		id, ok, err := outputID(o.Path)
		if err != nil {
			return fmt.Errorf("%s %s: %w", o.What, o.Path, err)
		}
		ids[i], checked[i] = id, ok
		if !ok {
			continue
		}
		for k := range i {
			if checked[k] && ids[k].same(id) {
				return &OverlapError{Output: o, Other: outputs[k], OtherIsOutput: true}
			}
		}
	}
	for _, in := range inputs {
		if in.Path == Stdout || in.Path == "" {
			continue
		}
		fi, err := os.Stat(in.Path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("%s %s: %w", in.What, in.Path, err)
		}
		if !fi.Mode().IsRegular() {
			continue
		}
		for i, o := range outputs {
			if checked[i] && ids[i].info != nil && os.SameFile(ids[i].info, fi) {
				return &OverlapError{Output: o, Other: in}
			}
		}
	}
	return nil
}

// absClean returns path absolute and cleaned, to tell a link from another
// spelling of the same path in messages.
func absClean(path string) string {
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return filepath.Clean(path)
}
