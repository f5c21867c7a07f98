package atomicfile

import (
	"errors"
	"io/fs"
)

// Group is a set of outputs committed together, such as a scored table and
// the manifest describing it.
//
// Commit first fsyncs every file; only if all of them are safely on disk
// does it rename them onto their targets, one by one in the order they were
// created. Several renames cannot be one atomic step, so create the file
// whose presence vouches for the others (the manifest) last: a run that dies
// between two renames then leaves at worst complete new outputs without
// their new manifest, never a manifest pointing at half-written data.
type Group struct {
	set   *Set
	files []*File
}

// NewGroup returns an empty Group whose files are tracked by s.
func (s *Set) NewGroup() *Group { return &Group{set: s} }

// Create adds an output to the group; see Set.Create for path and perm.
func (g *Group) Create(path string, perm fs.FileMode) (*File, error) {
	f, err := g.set.Create(path, perm)
	if err != nil {
		return nil, err
	}
	g.files = append(g.files, f)
	return f, nil
}

// Commit fsyncs every file of the group and then renames each onto its
// target in creation order. If a file cannot be synced, nothing is renamed
// and all temporary files are removed. If a rename fails, the files not yet
// renamed are removed and the error is returned; targets renamed before it
// stay committed.
func (g *Group) Commit() error {
	for _, f := range g.files {
		if err := f.sync(); err != nil {
			g.Abort()
			return err
		}
	}
	for _, f := range g.files {
		if err := f.publish(); err != nil {
			g.Abort()
			return err
		}
	}
	return nil
}

// Abort discards every file of the group not yet committed and returns the
// errors joined.
func (g *Group) Abort() error {
	var errs []error
	for _, f := range g.files {
		errs = append(errs, f.Abort())
	}
	return errors.Join(errs...)
}

// Close aborts the group unless it was committed, for use with defer.
func (g *Group) Close() error { return g.Abort() }
