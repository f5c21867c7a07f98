package grpc_test

import (
	"bytes"
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/clvkit/clvkit/examples/plugins/contribution"
	"github.com/clvkit/clvkit/examples/plugins/valuematrix"
	"github.com/clvkit/clvkit/plugins"
	"github.com/clvkit/clvkit/plugins/grpc"
)

// customers returns n customers' expected purchases and spend, the
// contribution formula's inputs, drawn from a fixed seed.
func customers(n int) [][]float64 {
	r := rand.New(rand.NewPCG(1, 2))
	purchases, spend := make([]float64, n), make([]float64, n)
	for i := range n {
		purchases[i] = r.ExpFloat64() * 3
		spend[i] = 10 + r.ExpFloat64()*40
	}
	return [][]float64{purchases, spend}
}

func native(t testing.TB, f plugins.Formula, p plugins.Params, in [][]float64) [][]float64 {
	t.Helper()
	params, err := f.Describe().Resolve(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Configure(params); err != nil {
		t.Fatal(err)
	}
	out := [][]float64{make([]float64, len(in[0])), make([]float64, len(in[0]))}
	if err := f.Compute(in, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestContributionRoundTrip(t *testing.T) {
	ctx := context.Background()
	p := load(t, "contribution", grpc.Config{Kind: plugins.KindFormula})
	d, err := p.Describe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := (&contribution.Formula{}).Describe(); d.Name != want.Name || !slices.Equal(d.Outputs, want.Outputs) || len(d.Params) != 3 {
		t.Fatalf("Describe = %+v, want %+v", d, want)
	}
	params := plugins.Params{"margin": 0.4, "cost_per_order": 1}
	if err := p.Configure(ctx, params); err != nil {
		t.Fatal(err)
	}
	// Hand check, row 0: 2 purchases × 50 spend = 100 revenue;
	// 100 × (0.4 − 0.08) − 2 × 1 = 30.
	in := [][]float64{{2, 0, 1.5}, {50, 20, 0}}
	out := [][]float64{make([]float64, 3), make([]float64, 3)}
	if err := p.Compute(ctx, in, out); err != nil {
		t.Fatal(err)
	}
	if out[0][0] != 100 || math.Abs(out[1][0]-30) > 1e-12 {
		t.Errorf("row 0 = %v, %v; want 100, 30", out[0][0], out[1][0])
	}
	// Many chunks (ChunkRows is 65536 for two columns), equal to the
	// native computation to the bit.
	in = customers(200_000)
	out = [][]float64{make([]float64, 200_000), make([]float64, 200_000)}
	if err := p.Compute(ctx, in, out); err != nil {
		t.Fatal(err)
	}
	want := native(t, &contribution.Formula{}, params, in)
	for j := range out {
		if !slices.Equal(out[j], want[j]) {
			t.Errorf("output %s differs from the native computation", d.Outputs[j])
		}
	}
	// An empty batch is no call.
	if err := p.Compute(ctx, [][]float64{{}, {}}, [][]float64{{}, {}}); err != nil {
		t.Errorf("empty batch: %v", err)
	}
}

func TestValueMatrixRoundTrip(t *testing.T) {
	ctx := context.Background()
	p := load(t, "valuematrix", grpc.Config{Kind: plugins.KindSegmentation, ChunkRows: 1000})
	params := plugins.Params{"high_value": 100, "low_value": 10}
	if err := p.Configure(ctx, params); err != nil {
		t.Fatal(err)
	}
	// The corners by hand: CLV 150 alive 0.9 → "High value, active" (0);
	// CLV 150 alive 0.1 → "High value, at risk" (1); CLV 50 → mid (2, 3);
	// CLV 1 → low (4, 5). Then 10,000 random rows against the native code.
	r := rand.New(rand.NewPCG(3, 4))
	clv, alive := []float64{150, 150, 50, 50, 1, 1}, []float64{0.9, 0.1, 0.9, 0.1, 0.9, 0.1}
	for range 10_000 {
		clv, alive = append(clv, r.ExpFloat64()*60), append(alive, r.Float64())
	}
	in := [][]float64{clv, alive}
	got := make([]int32, len(clv))
	if err := p.Segment(ctx, in, got); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got[:6], []int32{0, 1, 2, 3, 4, 5}) {
		t.Errorf("corners = %v, want [0 1 2 3 4 5]", got[:6])
	}
	s := &valuematrix.Segmentation{}
	resolved, _ := s.Describe().Resolve(params)
	s.Configure(resolved)
	want := make([]int32, len(clv))
	s.Segment(in, want)
	if !slices.Equal(got, want) {
		t.Error("labels differ from the native computation")
	}
	if err := p.Compute(ctx, in, [][]float64{nil}); err == nil || !strings.Contains(err.Error(), "is a segmentation plugin") {
		t.Errorf("Compute on a segmentation: %v", err)
	}
}

// TestLargeBatch sends 1M rows × 2 columns (16 MiB each way) in one batch:
// at the default chunk size every message is 1 MiB, and with ChunkRows of
// the whole batch one 16 MiB message crosses because both Go sides raise
// gRPC's 4 MiB limit.
func TestLargeBatch(t *testing.T) {
	const n = 1 << 20
	in := customers(n)
	want := native(t, &contribution.Formula{}, nil, in)
	for _, chunk := range []int{0, n} {
		p := load(t, "contribution", grpc.Config{ChunkRows: chunk})
		if err := p.Configure(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		out := [][]float64{make([]float64, n), make([]float64, n)}
		if err := p.Compute(context.Background(), in, out); err != nil {
			t.Fatalf("ChunkRows %d: %v", chunk, err)
		}
		if !slices.Equal(out[1], want[1]) {
			t.Errorf("ChunkRows %d: contribution_clv differs from the native computation", chunk)
		}
	}
}

// loadErrorTests are plugins Load refuses, with the words the error must
// hold.
var loadErrorTests = []struct {
	name   string
	path   string // a file in binDir
	sha256 string // "" means the file's own
	kind   plugins.Kind
	want   []string
}{
	{"missing file", "nosuchplugin", strings.Repeat("ab", 32), "", []string{"plugin nosuchplugin:", "no such file"}},
	{"bad sha256", "contribution", "abc", "", []string{"plugin contribution:", `sha256 "abc": want 64 hex digits`}},
	{"checksum mismatch", "contribution", strings.Repeat("0", 64), "",
		[]string{"plugin contribution: checksum mismatch: config says " + strings.Repeat("0", 64) + ", file has "}},
	{"wrong kind", "valuematrix", "", plugins.KindFormula, []string{"plugin valuematrix is a segmentation plugin, configured as a formula"}},
	{"wrong version", "wrongversion", "", "", []string{"plugin wrongversion speaks plugin protocol version 99, this clv speaks version 1"}},
	{"stdout before serve", "stdout", "", "", []string{"plugin stdout: handshake failed", `"starting contribution plugin"`, "log to stderr"}},
}

func TestLoadErrors(t *testing.T) {
	for _, tt := range loadErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			sum := tt.sha256
			if sum == "" {
				sum = sha256File(bin(tt.path))
			}
			p, err := grpc.Load(context.Background(), bin(tt.path), grpc.Config{SHA256: sum, Kind: tt.kind, Timeout: 5 * time.Second})
			if err == nil {
				p.Close()
				t.Fatal("loaded")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestChecksumMismatchNamesFileSum(t *testing.T) {
	// A copy of the plugin with one byte appended: the config holds the
	// original's sum, the error the copy's.
	b, err := os.ReadFile(bin("contribution"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tampered")
	if err := os.WriteFile(path, append(b, 0), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err = grpc.Load(context.Background(), path, grpc.Config{SHA256: sha256File(bin("contribution")), Name: "contribution"})
	want := "plugin contribution: checksum mismatch: config says " + sha256File(bin("contribution")) + ", file has " + sha256File(path)
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
}

// callErrorTests are calls that fail, with the words the error must hold.
var callErrorTests = []struct {
	name   string
	plugin string
	params plugins.Params
	want   []string
}{
	{"NaN", "badanswer", plugins.Params{"mode": 0}, []string{"plugin badanswer: batch 1: column y: NaN is not a finite number"}},
	{"short column", "badanswer", plugins.Params{"mode": 1}, []string{"plugin badanswer: batch 1: column z: returned 9 rows for rows 1 to 10 of the batch (10 rows)"}},
	{"missing column", "badanswer", plugins.Params{"mode": 2}, []string{"plugin badanswer: batch 1: returned 1 columns, declared 2"}},
	{"panic", "crash", plugins.Params{"mode": 1}, []string{"plugin crash: batch 2: panic: assignment to entry in nil map"}},
	{"exit", "crash", plugins.Params{"mode": 0}, []string{"plugin crash: batch 2: the plugin process exited during the call (exit status 3)", "crash: exiting with status 3 mid-call"}},
	{"hang", "hang", nil, []string{"plugin hang: batch 1: timed out after 2s (the plugin was stopped)"}},
}

func TestCallErrors(t *testing.T) {
	ctx := context.Background()
	for _, tt := range callErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			// The limit bounds the start and handshake too: short enough
			// for the hang case, long enough for a loaded machine to start
			// a plugin (500 ms failed the handshake under load).
			p := load(t, tt.plugin, grpc.Config{Timeout: 2 * time.Second})
			if err := p.Configure(ctx, tt.params); err != nil {
				t.Fatal(err)
			}
			in := [][]float64{{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
			out := make([][]float64, len(p.Description().Outputs))
			for j := range out {
				out[j] = make([]float64, 10)
			}
			var err error
			for range 2 {
				if err = p.Compute(ctx, in, out); err != nil {
					break
				}
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q\ndoes not contain %q", err, w)
				}
			}
		})
	}
}

func TestConfigureErrors(t *testing.T) {
	ctx := context.Background()
	p := load(t, "valuematrix", grpc.Config{})
	// Checked by the host against the description.
	if err := p.Configure(ctx, plugins.Params{"nope": 1}); err == nil || !strings.Contains(err.Error(), `no parameter "nope"`) {
		t.Errorf("unknown parameter: %v", err)
	}
	// Refused by the plugin's Configure.
	err := p.Configure(ctx, plugins.Params{"high_value": 1, "low_value": 2})
	if want := "plugin valuematrix: configure: configure: low_value 2 is above high_value 1"; err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
}

func TestPluginLogs(t *testing.T) {
	var buf bytes.Buffer
	p := load(t, "crash", grpc.Config{Stderr: &syncWriter{w: &buf}})
	ctx := context.Background()
	p.Configure(ctx, nil)
	out := [][]float64{{0}}
	p.Compute(ctx, [][]float64{{1}}, out)
	err := p.Compute(ctx, [][]float64{{1}}, out)
	t.Log(err)
	p.Close()
	if !strings.Contains(buf.String(), "crash: exiting with status 3 mid-call") {
		t.Errorf("plugin stderr not in Config.Stderr: %q", buf.String())
	}
}
