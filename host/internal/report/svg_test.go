package report

import (
	"encoding/xml"
	"math"
	"reflect"
	"strings"
	"testing"
)

var niceTicksTests = []struct {
	lo, hi float64
	want   []float64
}{
	{0, 1, []float64{0, 0.2, 0.4, 0.6, 0.8, 1}},
	{0, 10, []float64{0, 2, 4, 6, 8, 10}},
	{0, 7.3, []float64{0, 2, 4, 6, 8}},
	{0, 1234, []float64{0, 500, 1000, 1500}},
	{-3, 9, []float64{-5, 0, 5, 10}},
	{0.5, 0.9, []float64{0.5, 0.6, 0.7, 0.8, 0.9}},
	{0, 42000, []float64{0, 10000, 20000, 30000, 40000, 50000}},
}

func TestNiceTicks(t *testing.T) {
	for _, tt := range niceTicksTests {
		got := niceTicks(tt.lo, tt.hi, 5)
		if len(got) != len(tt.want) {
			t.Errorf("niceTicks(%v, %v) = %v, want %v", tt.lo, tt.hi, got, tt.want)
			continue
		}
		for i := range got {
			if math.Abs(got[i]-tt.want[i]) > 1e-9 {
				t.Errorf("niceTicks(%v, %v) = %v, want %v", tt.lo, tt.hi, got, tt.want)
				break
			}
		}
		// The ticks cover the range.
		if got[0] > tt.lo || got[len(got)-1] < tt.hi-1e-9 {
			t.Errorf("niceTicks(%v, %v) = %v does not cover the range", tt.lo, tt.hi, got)
		}
	}
}

var tickLabelTests = []struct {
	v     float64
	ticks []float64
	want  string
}{
	{0, []float64{0, 0.2}, "0"},
	{0.4, []float64{0, 0.2}, "0.4"},
	{0.05, []float64{0, 0.05}, "0.05"},
	{1500, []float64{0, 500}, "1500"},
	{20000, []float64{0, 10000}, "20k"},
	{3e6, []float64{0, 1e6}, "3M"},
	{-4, []float64{-4, -2}, "-4"},
}

func TestTickLabel(t *testing.T) {
	for _, tt := range tickLabelTests {
		if got := tickLabel(tt.v, tt.ticks); got != tt.want {
			t.Errorf("tickLabel(%v, %v) = %q, want %q", tt.v, tt.ticks, got, tt.want)
		}
	}
}

func testChart(kind Kind) *Chart {
	return &Chart{
		ID: "freq", Title: "Repeat purchases <calibration>", Desc: "Customers by number & kind",
		XLabel: "repeat purchases", YLabel: "customers", Kind: kind,
		Categories: []string{"0", "1", "2", "3+"},
		Series: []Series{
			{Name: "actual", Values: []float64{1411, 439, 214, 293}},
			{Name: "expected", Values: []float64{1434.8, 395.6, NaN(), 309.9}},
		},
		Decimals: 1,
	}
}

// NaN is math.NaN, short for the tables.
func NaN() float64 { return math.NaN() }

// svgElements parses an SVG fragment as XML (strictly: every tag closed,
// attributes quoted, text escaped) and counts its elements by name.
func svgElements(t *testing.T, s string) map[string]int {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	d.Strict = true
	counts := map[string]int{}
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			if depth != 0 || err.Error() != "EOF" {
				t.Fatalf("SVG is not well-formed XML: %v (depth %d)\n%s", err, depth, s)
			}
			return counts
		}
		switch e := tok.(type) {
		case xml.StartElement:
			counts[e.Name.Local]++
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

func TestSVGBars(t *testing.T) {
	c := testChart(Bars)
	svg, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	s := string(svg)
	n := svgElements(t, s)
	// Eight values, one NaN: seven bars, plus two legend swatches.
	if n["rect"] != 7+2 {
		t.Errorf("%d rect elements, want 9 (7 bars, 2 legend swatches)", n["rect"])
	}
	if n["title"] != 1 || n["desc"] != 1 {
		t.Errorf("want one title and one desc, got %d and %d", n["title"], n["desc"])
	}
	for _, want := range []string{
		`role="img" aria-labelledby="freq-title freq-desc"`,
		`<title id="freq-title">Repeat purchases &lt;calibration&gt;</title>`,
		`<desc id="freq-desc">Customers by number &amp; kind</desc>`,
		`>3+</text>`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
	again, _ := c.SVG()
	if again != svg {
		t.Error("the same chart drew different bytes")
	}
}

func TestSVGLinesBreakAtNaN(t *testing.T) {
	c := testChart(Lines)
	svg, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	n := svgElements(t, string(svg))
	// actual: one polyline of 4 points; expected: NaN splits it in two.
	if n["polyline"] != 3 {
		t.Errorf("%d polylines, want 3", n["polyline"])
	}
	// Markers on the 7 finite points (few categories).
	if n["circle"] != 7 {
		t.Errorf("%d circles, want 7", n["circle"])
	}
	if !strings.Contains(string(svg), `stroke-dasharray="6 4"`) {
		t.Error("the second series is not dashed (grey print)")
	}
}

// TestSVGScale checks positions: the tallest bar of a 0..10 chart reaches
// the top tick, and a value of 0 has no height.
func TestSVGScale(t *testing.T) {
	c := &Chart{ID: "s", Title: "t", Kind: Bars, Categories: []string{"a", "b"}, Series: []Series{{Name: "v", Values: []float64{10, 0}}}}
	svg, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	type rect struct {
		Y      float64 `xml:"y,attr"`
		Height float64 `xml:"height,attr"`
	}
	var doc struct {
		G []struct {
			Class string `xml:"class,attr"`
			Rect  []rect `xml:"rect"`
		} `xml:"g"`
	}
	if err := xml.Unmarshal([]byte(svg), &doc); err != nil {
		t.Fatal(err)
	}
	var bars []rect
	for _, g := range doc.G {
		if g.Class == "series" {
			bars = g.Rect
		}
	}
	plotH := float64(chartHeight - marginTop - marginBottom)
	want := []rect{{Y: marginTop, Height: plotH}, {Y: marginTop + plotH, Height: 0}}
	if !reflect.DeepEqual(bars, want) {
		t.Errorf("bars %+v, want %+v", bars, want)
	}
}

var checkTests = []struct {
	name  string
	edit  func(*Chart)
	error string
}{
	{"bad id", func(c *Chart) { c.ID = "a b" }, "want letters, digits and '-'"},
	{"no id", func(c *Chart) { c.ID = "" }, "want letters"},
	{"no categories", func(c *Chart) { c.Categories = nil; c.Series[0].Values = nil; c.Series[1].Values = nil }, "no data"},
	{"no series", func(c *Chart) { c.Series = nil }, "no data"},
	{"short series", func(c *Chart) { c.Series[1].Values = c.Series[1].Values[:3] }, `series "expected" has 3 values for 4 categories`},
	{"infinite", func(c *Chart) { c.Series[0].Values[2] = math.Inf(1) }, "infinite value"},
}

func TestChartCheck(t *testing.T) {
	for _, tt := range checkTests {
		c := testChart(Bars)
		tt.edit(c)
		_, err := c.SVG()
		if err == nil || !strings.Contains(err.Error(), tt.error) {
			t.Errorf("%s: error %v, want %q", tt.name, err, tt.error)
		}
	}
}

// TestSVGAllNaN draws a chart with no finite value (an empty holdout
// bucket) without NaN coordinates.
func TestSVGAllNaN(t *testing.T) {
	c := &Chart{ID: "n", Title: "t", Kind: Lines, Categories: []string{"a"}, Series: []Series{{Name: "v", Values: []float64{NaN()}}}}
	svg, err := c.SVG()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(svg), "NaN") {
		t.Errorf("NaN coordinate in %s", svg)
	}
	svgElements(t, string(svg))
}

// TestSVGLongLabels turns labels that do not fit their slot and makes the
// chart taller to hold them; short labels stay level.
func TestSVGLongLabels(t *testing.T) {
	short := testChart(Bars)
	long := testChart(Bars)
	long.Categories = []string{"Champions", "Potential Loyalists", "Need Attention", "Can't Lose Them"}
	for i := range 20 {
		long.Categories = append(long.Categories, "segment "+strings.Repeat("x", i%5))
		for k := range long.Series {
			long.Series[k].Values = append(long.Series[k].Values, float64(i))
		}
	}
	s, _ := short.SVG()
	l, err := long.SVG()
	if err != nil {
		t.Fatal(err)
	}
	svgElements(t, string(l))
	if strings.Contains(string(s), "rotate(-35)") {
		t.Error("short labels turned")
	}
	if !strings.Contains(string(l), "rotate(-35)") {
		t.Error("long labels not turned")
	}
	if !strings.Contains(string(s), `viewBox="0 0 720 340"`) || strings.Contains(string(l), `viewBox="0 0 720 340"`) {
		t.Error("the chart with long labels is not taller")
	}
}

// TestSVGMark draws the calibration end line after the first Mark
// categories, and none when Mark is 0 or past the end.
func TestSVGMark(t *testing.T) {
	for _, tt := range []struct {
		mark int
		want bool
	}{{0, false}, {2, true}, {4, false}} {
		c := testChart(Lines)
		c.Mark, c.MarkLabel = tt.mark, "calibration end"
		svg, err := c.SVG()
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Contains(string(svg), `<g class="mark">`)
		if got != tt.want {
			t.Errorf("mark %d: drawn %v, want %v", tt.mark, got, tt.want)
		}
		if tt.want {
			// After 2 of 4 categories: the middle of the plot.
			mid := num(marginLeft + float64(chartWidth-marginLeft-marginRight)/2)
			if !strings.Contains(string(svg), `<line x1="`+mid+`"`) {
				t.Errorf("mark %d not at x = %s: %s", tt.mark, mid, svg)
			}
		}
	}
}
