package guest

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/plugins"
)

// sum is a formula plugin for the tests: out[0] = in[0] + in[1]·k.
type sum struct{ k float64 }

func (s *sum) Describe() plugins.Description {
	return plugins.Description{
		Name: "sum", Version: "1", Kind: plugins.KindFormula,
		Inputs: []string{"a", "b"}, Outputs: []string{"s"},
		Params: []plugins.Param{{Name: "k", Default: 1, Min: 0, Max: 10}},
	}
}

func (s *sum) Configure(p plugins.Params) error { s.k = p["k"]; return nil }

func (s *sum) Compute(in, out [][]float64) error {
	for i := range in[0] {
		out[0][i] = in[0][i] + in[1][i]*s.k
	}
	return nil
}

// parity is a segmentation plugin for the tests: even or odd.
type parity struct{}

func (parity) Describe() plugins.Description {
	return plugins.Description{Name: "parity", Kind: plugins.KindSegmentation, Inputs: []string{"n"}, Labels: []string{"even", "odd"}}
}
func (parity) Configure(plugins.Params) error { return nil }
func (parity) Segment(in [][]float64, out []int32) error {
	for i, v := range in[0] {
		out[i] = int32(v) % 2
	}
	return nil
}

func TestFormulaBatch(t *testing.T) {
	m := &module{}
	m.register(&sum{}, nil)
	js, err := m.describe()
	if err != nil || !strings.Contains(string(js), `"name":"sum"`) {
		t.Fatalf("describe: %s, %v", js, err)
	}
	params := m.alloc(len(`{"k":2}`))
	copy(params, `{"k":2}`)
	if err := m.configure(params); err != nil {
		t.Fatal(err)
	}
	// The layout of plugins/ABI.md: columns a, b, then s, 3 rows each.
	buf, err := m.batch(3, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(buf) != 9 {
		t.Fatalf("buffer of %d float64s, want 3×(2+1) = 9", len(buf))
	}
	copy(buf, []float64{1, 2, 3, 10, 20, 30})
	if err := m.compute(3); err != nil {
		t.Fatal(err)
	}
	if got, want := buf[6:], []float64{21, 42, 63}; !reflect.DeepEqual(got, want) {
		t.Errorf("outputs %v, want %v (a + 2b)", got, want)
	}
}

func TestSegmentationBatch(t *testing.T) {
	m := &module{}
	m.register(nil, parity{})
	if err := m.configure([]byte(`{}`)); err != nil {
		t.Fatal(err)
	}
	// 3 rows: one input column of 3 float64s, then 3 int32 labels in 2
	// float64s' room.
	buf, err := m.batch(3, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(buf) != 5 {
		t.Fatalf("buffer of %d float64s, want 3 + 2 = 5", len(buf))
	}
	copy(buf, []float64{4, 7, 9})
	if err := m.segment(3); err != nil {
		t.Fatal(err)
	}
	if want := []int32{0, 1, 1}; !reflect.DeepEqual(m.labels, want) {
		t.Errorf("labels %v, want %v", m.labels, want)
	}
}

var moduleErrorTests = []struct {
	name string
	call func(m *module) error
	want string
}{
	{"nothing registered", func(m *module) error { m.formula = nil; _, err := m.describe(); return err }, errNoPlugin.Error()},
	{"unknown parameter", func(m *module) error { return m.configure([]byte(`{"q":1}`)) }, `plugin sum has no parameter "q"`},
	{"bad JSON", func(m *module) error { return m.configure([]byte(`{"k":`)) }, "parameters: unexpected end of JSON input"},
	{"wrong input count", func(m *module) error { _, err := m.batch(3, 1, 1); return err }, "batch with 1 input columns: plugin sum declares 2"},
	{"wrong output count", func(m *module) error { _, err := m.batch(3, 2, 2); return err }, "batch with 2 output columns: plugin sum has 1"},
	{"empty batch", func(m *module) error { _, err := m.batch(0, 2, 1); return err }, "batch of 0 rows: want at least 1"},
	{"compute before batch", func(m *module) error { return m.compute(3) }, "no batch: call clv_batch first"},
	{"rows differ from batch", func(m *module) error { m.batch(3, 2, 1); return m.compute(4) }, "4 rows: the batch buffer holds 3 (call clv_batch again)"},
	{"segment on a formula", func(m *module) error { return m.segment(3) }, "clv_segment called on a formula plugin"},
}

func TestModuleErrors(t *testing.T) {
	for _, tt := range moduleErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			m := &module{}
			m.register(&sum{}, nil)
			err := tt.call(m)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("got %v, want %s", err, tt.want)
			}
			if m.fail(err) != 1 || string(m.errMsg) != tt.want {
				t.Errorf("clv_error would say %q", m.errMsg)
			}
		})
	}
}

func TestRegisterTwice(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("a second registration did not panic")
		}
	}()
	m := &module{}
	m.register(&sum{}, nil)
	m.register(nil, parity{})
}

func TestStatus(t *testing.T) {
	m := &module{}
	if m.status(nil) != 0 {
		t.Error("status(nil) != 0")
	}
	if m.status(errors.New("")) != 1 || string(m.errMsg) != "unknown error" {
		t.Errorf("an empty error message became %q", m.errMsg)
	}
}
