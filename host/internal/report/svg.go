package report

import (
	"bytes"
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Kind is how a chart draws its series.
type Kind uint8

// Chart kinds.
const (
	// Bars draws one bar per series in each category, side by side.
	Bars Kind = iota
	// Lines draws each series as a line through its categories, evenly
	// spaced from left to right; a NaN value breaks the line.
	Lines
)

// Chart is one chart: categories along the horizontal axis, one value per
// category in each series. The report draws it as inline SVG with the title
// and description as its accessible name, followed by a table of the same
// numbers.
type Chart struct {
	// ID makes the SVG's title and description ids unique in the page:
	// letters, digits and '-' only.
	ID string
	// Title names the chart; Desc says in a sentence what it shows (read
	// by screen readers, printed under the chart).
	Title, Desc string
	// XLabel and YLabel name the axes (and the data table's columns).
	XLabel, YLabel string
	Kind           Kind
	// Categories label the horizontal axis, left to right.
	Categories []string
	// Series are the values: every series has one value per category.
	Series []Series
	// Decimals is the precision of the numbers in the data table.
	Decimals int
	// Mark, when above 0, draws a dashed vertical line after the first
	// Mark categories, labelled MarkLabel (the end of a calibration
	// period).
	Mark      int
	MarkLabel string
}

// Series is one named row of a chart's values.
type Series struct {
	Name   string
	Values []float64
}

// Chart geometry, in SVG user units (the SVG scales to the page width).
const (
	chartWidth   = 720
	chartHeight  = 340
	marginLeft   = 72
	marginRight  = 16
	marginTop    = 40 // the legend
	marginBottom = 56
	maxXLabels   = 13  // at most this many category labels are written
	charWidth    = 6.6 // the mean width of a 12px label character
)

// palette holds the series colours (Okabe & Ito's colour-blind safe set),
// and dashes the line patterns that tell series apart in grey print.
var (
	palette = [...]string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"}
	dashes  = [...]string{"", "6 4", "2 3", "8 3 2 3", "1 2", "10 5"}
)

// Check reports what makes a chart impossible to draw: no categories or
// series, a series of the wrong length, an infinite value or a bad id.
func (c *Chart) Check() error {
	if c.ID == "" || strings.Trim(c.ID, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "" {
		return fmt.Errorf("chart %q: id %q: want letters, digits and '-'", c.Title, c.ID)
	}
	if len(c.Categories) == 0 || len(c.Series) == 0 {
		return fmt.Errorf("chart %q: no data", c.Title)
	}
	for _, s := range c.Series {
		if len(s.Values) != len(c.Categories) {
			return fmt.Errorf("chart %q: series %q has %d values for %d categories", c.Title, s.Name, len(s.Values), len(c.Categories))
		}
		for _, v := range s.Values {
			if math.IsInf(v, 0) {
				return fmt.Errorf("chart %q: series %q: infinite value", c.Title, s.Name)
			}
		}
	}
	return nil
}

// SVG draws the chart as an inline <svg> element (XML-well-formed, so the
// page parses as XHTML too; no namespace URL, which HTML does not need for
// inline SVG). The same chart gives the same bytes: every
// coordinate is written with one decimal.
func (c *Chart) SVG() (template.HTML, error) {
	if err := c.Check(); err != nil {
		return "", err
	}
	lo, hi := c.valueRange()
	ticks := niceTicks(lo, hi, 5)
	lo, hi = math.Min(lo, ticks[0]), math.Max(hi, ticks[len(ticks)-1])
	n := len(c.Categories)
	plotW := float64(chartWidth - marginLeft - marginRight)
	slot := plotW / float64(n)
	step := (n + maxXLabels - 1) / maxXLabels
	// Category labels too long for their slot are turned 35° and the
	// chart grows to hold them.
	longest := 0
	for _, l := range c.Categories {
		longest = max(longest, len([]rune(l)))
	}
	rotate := float64(longest)*charWidth > slot*float64(step)-4
	// Turned labels drop by sin 35° of their length (at most 120 units)
	// below the axis; the axis title goes under them.
	below := marginBottom
	if rotate {
		below = 48 + int(math.Min(float64(longest)*charWidth*0.574, 120))
	}
	height := chartHeight - marginBottom + below
	bottom := height - below
	plotH := float64(bottom - marginTop)
	y := func(v float64) float64 { return marginTop + plotH*(hi-v)/(hi-lo) }
	// Lines put category i at the middle of its slot, as bars do.
	x := func(i int) float64 { return marginLeft + slot*(float64(i)+0.5) }

	var b bytes.Buffer
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc">`,
		chartWidth, height, c.ID, c.ID)
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, c.ID, esc(c.Title), c.ID, esc(c.Desc))
	// Grid lines and y tick labels.
	b.WriteString(`<g class="grid">`)
	for _, t := range ticks {
		ty := num(y(t))
		fmt.Fprintf(&b, `<line x1="%d" y1="%s" x2="%d" y2="%s"/>`, marginLeft, ty, chartWidth-marginRight, ty)
		fmt.Fprintf(&b, `<text x="%d" y="%s" text-anchor="end" dy="0.32em">%s</text>`, marginLeft-6, ty, esc(tickLabel(t, ticks)))
	}
	b.WriteString(`</g>`)
	// Axes.
	fmt.Fprintf(&b, `<g class="axis"><line x1="%d" y1="%d" x2="%d" y2="%d"/><line x1="%d" y1="%s" x2="%d" y2="%s"/></g>`,
		marginLeft, marginTop, marginLeft, bottom,
		marginLeft, num(y(math.Max(lo, math.Min(0, hi)))), chartWidth-marginRight, num(y(math.Max(lo, math.Min(0, hi)))))
	// Category labels, at most maxXLabels of them.
	b.WriteString(`<g class="xlabels">`)
	for i := 0; i < n; i += step {
		if rotate {
			fmt.Fprintf(&b, `<text transform="translate(%s %d) rotate(-35)" text-anchor="end">%s</text>`, num(x(i)+4), bottom+14, esc(c.Categories[i]))
			continue
		}
		fmt.Fprintf(&b, `<text x="%s" y="%d" text-anchor="middle">%s</text>`, num(x(i)), bottom+16, esc(c.Categories[i]))
	}
	b.WriteString(`</g>`)
	if c.Mark > 0 && c.Mark < n {
		mx := num(marginLeft + slot*float64(c.Mark))
		fmt.Fprintf(&b, `<g class="mark"><line x1="%s" y1="%d" x2="%s" y2="%d" stroke-dasharray="4 3"/><text x="%s" y="%d" dx="4">%s</text></g>`,
			mx, marginTop, mx, bottom, mx, marginTop+12, esc(c.MarkLabel))
	}
	// Axis titles.
	fmt.Fprintf(&b, `<text class="axis-title" x="%s" y="%d" text-anchor="middle">%s</text>`, num(marginLeft+plotW/2), height-10, esc(c.XLabel))
	fmt.Fprintf(&b, `<text class="axis-title" transform="translate(16 %s) rotate(-90)" text-anchor="middle">%s</text>`, num(marginTop+plotH/2), esc(c.YLabel))
	// Data.
	base := y(math.Max(lo, math.Min(0, hi)))
	for k, s := range c.Series {
		color := palette[k%len(palette)]
		switch c.Kind {
		case Bars:
			fmt.Fprintf(&b, `<g class="series" fill="%s">`, color)
			groupW := slot * 0.8
			barW := groupW / float64(len(c.Series))
			for i, v := range s.Values {
				if math.IsNaN(v) {
					continue
				}
				bx := marginLeft + slot*float64(i) + slot*0.1 + barW*float64(k)
				top, bottom := math.Min(y(v), base), math.Max(y(v), base)
				fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s"/>`, num(bx), num(top), num(barW), num(bottom-top))
			}
		case Lines:
			fmt.Fprintf(&b, `<g class="series" stroke="%s" fill="none"`, color)
			if d := dashes[k%len(dashes)]; d != "" {
				fmt.Fprintf(&b, ` stroke-dasharray="%s"`, d)
			}
			b.WriteString(`>`)
			var pts []string
			flush := func() {
				if len(pts) > 0 {
					fmt.Fprintf(&b, `<polyline points="%s"/>`, strings.Join(pts, " "))
				}
				pts = pts[:0]
			}
			for i, v := range s.Values {
				if math.IsNaN(v) {
					flush()
					continue
				}
				pts = append(pts, num(x(i))+","+num(y(v)))
			}
			flush()
			if n <= 20 {
				for i, v := range s.Values {
					if !math.IsNaN(v) {
						fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s" stroke="none"/>`, num(x(i)), num(y(v)), color)
					}
				}
			}
		}
		b.WriteString(`</g>`)
	}
	// Legend, left to right above the plot.
	b.WriteString(`<g class="legend">`)
	lx := float64(marginLeft)
	for k, s := range c.Series {
		color := palette[k%len(palette)]
		if c.Kind == Bars {
			fmt.Fprintf(&b, `<rect x="%s" y="12" width="14" height="12" fill="%s"/>`, num(lx), color)
		} else {
			fmt.Fprintf(&b, `<line x1="%s" y1="18" x2="%s" y2="18" stroke="%s" stroke-width="2.5"`, num(lx), num(lx+14), color)
			if d := dashes[k%len(dashes)]; d != "" {
				fmt.Fprintf(&b, ` stroke-dasharray="%s"`, d)
			}
			b.WriteString(`/>`)
		}
		fmt.Fprintf(&b, `<text x="%s" y="22">%s</text>`, num(lx+20), esc(s.Name))
		lx += 20 + 7.5*float64(len([]rune(s.Name))) + 24
	}
	b.WriteString(`</g></svg>`)
	return template.HTML(b.String()), nil
}

// valueRange returns the smallest and largest value of the chart, always
// including 0 for bars (a bar starts at 0), and a range of width 1 around a
// single value.
func (c *Chart) valueRange() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range c.Series {
		for _, v := range s.Values {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if math.IsInf(lo, 1) { // every value NaN
		return 0, 1
	}
	if c.Kind == Bars || lo > 0 && lo < hi/2 {
		lo = math.Min(lo, 0)
		hi = math.Max(hi, 0)
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	return lo, hi
}

// niceTicks returns about n+1 evenly spaced round tick values (steps of 1,
// 2 or 5 times a power of ten) covering [lo, hi].
func niceTicks(lo, hi float64, n int) []float64 {
	raw := (hi - lo) / float64(n)
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	step := mag
	for _, m := range []float64{1, 2, 5, 10} {
		step = m * mag
		if step >= raw {
			break
		}
	}
	start := math.Floor(lo/step) * step
	var ticks []float64
	for k := 0; ; k++ {
		t := start + float64(k)*step
		ticks = append(ticks, t)
		if t >= hi-step*1e-9 {
			break
		}
	}
	return ticks
}

// tickLabel writes a tick value with as many decimals as the step between
// ticks needs, and thousands as "k" or millions as "M" when the ticks are
// whole thousands or millions.
func tickLabel(v float64, ticks []float64) string {
	step := 1.0
	if len(ticks) > 1 {
		step = ticks[1] - ticks[0]
	}
	if v == 0 {
		return "0"
	}
	switch {
	case step >= 1e6 && math.Mod(step, 1e6) == 0:
		return strconv.FormatFloat(v/1e6, 'f', -1, 64) + "M"
	case step >= 1e3 && math.Mod(step, 1e3) == 0:
		return strconv.FormatFloat(v/1e3, 'f', -1, 64) + "k"
	}
	dec := 0
	if step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	return strconv.FormatFloat(v, 'f', dec, 64)
}

// num writes a coordinate with one decimal.
func num(v float64) string {
	s := strconv.FormatFloat(v, 'f', 1, 64)
	if s == "-0.0" {
		return "0.0"
	}
	return s
}
