//go:build wasip1

// Command misbehave is a test plugin that does what a plugin should not, as
// chosen by its "mode" parameter; the tests of plugins/wasm load it.
package main

import (
	"errors"
	"io"
	"math"
	"os"
	"time"
	"unsafe"

	"github.com/clvkit/clvkit/plugins"
	"github.com/clvkit/clvkit/plugins/guest"
)

// The modes.
const (
	double    = iota // out[0] = 2*in[0], out[1] = 0: behaves
	crash            // panics
	hang             // loops forever
	hog              // allocates until the memory runs out
	nan              // returns NaN
	readFile         // out[0] = size of /data/secret.txt
	clock            // out[0] = time.Now() in Unix seconds, out[1] its nanoseconds
	fail             // returns an error
	skip             // writes nothing
	readPaths        // out[0][i] = bytes read at probes[in[0][i]], or -1 if that fails
	sleep            // sleeps 30 seconds
)

// probes are what readPaths tries to read, by index: what the tests of the
// filesystem sandbox put in the granted directory (mounted at /data).
var probes = []struct {
	path string
	raw  bool // opened with a raw WASI path_open relative to /data, past Go's path cleaning
	list bool // listed as a directory: out is the number of entries
}{
	{path: "/data/secret.txt"},                        // 0: a file in the folder
	{path: "/data/sub/inner.txt"},                     // 1: a file in a subfolder
	{path: "/data/inner-link"},                        // 2: a relative link to sub/inner.txt
	{path: "/data/up-link"},                           // 3: a relative link ../outside/secret.txt
	{path: "/data/abs-link"},                          // 4: an absolute link to the outside secret
	{path: "/data/dir-link/secret.txt"},               // 5: through a link to the outside folder
	{path: "/data/root-link", list: true},             // 6: a link to "/"
	{path: "../outside/secret.txt", raw: true},        // 7: ".." past the mount
	{path: "sub/../../outside/secret.txt", raw: true}, // 8: ".." after a subfolder
	{path: "/data/sub", list: true},                   // 9: a subfolder
	{path: "/data/fifo"},                              // 10: a named pipe
	{path: "/data/abs-inner-link"},                    // 11: an absolute link to secret.txt, inside
}

// preopenData is the file descriptor of the first (and only) preopened
// directory, /data: WASI numbers preopens from 3.
const preopenData = 3

//go:wasmimport wasi_snapshot_preview1 path_open
//go:noescape
func pathOpen(fd int32, dirflags uint32, path unsafe.Pointer, pathLen uint32, oflags uint32, rightsBase, rightsInheriting uint64, fdflags uint32, newFD unsafe.Pointer) uint32

// readRaw opens path relative to /data with WASI's path_open, which Go's
// os.Open would clean of ".." first, and reads it.
func readRaw(path string) ([]byte, error) {
	b := []byte(path)
	var fd int32
	const followLinks, rightRead = 1, 1 << 1
	if errno := pathOpen(preopenData, followLinks, unsafe.Pointer(&b[0]), uint32(len(b)), 0, rightRead, 0, 0, unsafe.Pointer(&fd)); errno != 0 {
		return nil, errors.New("path_open failed")
	}
	f := os.NewFile(uintptr(fd), path)
	defer f.Close()
	return io.ReadAll(f)
}

// probe returns the bytes read at probes[k] (or the entries listed), or -1.
func probe(k int) float64 {
	if k < 0 || k >= len(probes) {
		return -1
	}
	pr := probes[k]
	switch {
	case pr.list:
		entries, err := os.ReadDir(pr.path)
		if err != nil {
			return -1
		}
		return float64(len(entries))
	case pr.raw:
		b, err := readRaw(pr.path)
		if err != nil {
			return -1
		}
		return float64(len(b))
	}
	b, err := os.ReadFile(pr.path)
	if err != nil {
		return -1
	}
	return float64(len(b))
}

type misbehave struct{ mode int }

func (m *misbehave) Describe() plugins.Description {
	return plugins.Description{
		Name: "misbehave", Version: "0.0.1", Kind: plugins.KindFormula,
		Inputs:  []string{"x"},
		Outputs: []string{"a", "b"},
		Params:  []plugins.Param{{Name: "mode", Description: "what to do wrong", Min: 0, Max: 100}},
	}
}

func (m *misbehave) Configure(p plugins.Params) error {
	m.mode = int(p["mode"])
	return nil
}

var hoard [][]byte

func (m *misbehave) Compute(in, out [][]float64) error {
	switch m.mode {
	case crash:
		var s []int
		_ = s[len(in[0])] // index out of range: a runtime panic
	case hang:
		for {
		}
	case hog:
		for {
			hoard = append(hoard, make([]byte, 1<<20))
		}
	case nan:
		for i := range out[0] {
			out[0][i], out[1][i] = math.NaN(), 0
		}
	case readFile:
		b, err := os.ReadFile("/data/secret.txt")
		if err != nil {
			return err
		}
		for i := range out[0] {
			out[0][i], out[1][i] = float64(len(b)), 0
		}
	case clock:
		now := time.Now()
		for i := range out[0] {
			out[0][i], out[1][i] = float64(now.Unix()), float64(now.Nanosecond())
		}
	case fail:
		return errors.New("the customer table is upside down")
	case skip:
	case readPaths:
		for i, x := range in[0] {
			out[0][i], out[1][i] = probe(int(x)), 0
		}
	case sleep:
		time.Sleep(30 * time.Second)
	default:
		for i, x := range in[0] {
			out[0][i], out[1][i] = 2*x, 0
		}
	}
	return nil
}

func init() { guest.Formula(&misbehave{}) }

func main() {}
