package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Cell is one row of the printed table: the figures, or why there are none.
type Cell struct {
	Row                  Row
	CLV, Base, RatioText string
	Met                  string // "yes", "no", "—" (no goal) or "" (not measured)
	NotMeasured          string // the reason, when the row has no figures
}

// Evaluate turns a row and its benchmark's outcome into a table cell.
// missing is the reason to give when the outcome is nil (the benchmark was
// not run or printed no result).
func Evaluate(r Row, o *Outcome, missing string) Cell {
	c := Cell{Row: r}
	switch {
	case o == nil:
		c.NotMeasured = missing
		return c
	case o.Skipped:
		c.NotMeasured = "skipped: " + firstLine(o.Reason)
		return c
	case o.Failed:
		c.NotMeasured = "failed: " + firstLine(o.Reason)
		return c
	}
	clv, ok1 := o.Metrics[r.CLV.Metric]
	ratio, ok2 := o.Metrics[r.Ratio]
	var base float64
	ok3 := true
	switch {
	case r.Base.Metric != "":
		base, ok3 = o.Metrics[r.Base.Metric]
		base *= r.Base.Scale
	case r.Speedup:
		base = ratio * clv * r.CLV.Scale
	case ratio != 0:
		base = clv * r.CLV.Scale / ratio
	}
	if !ok1 || !ok2 || !ok3 {
		var missing []string
		for _, m := range []string{r.CLV.Metric, r.Ratio, r.Base.Metric} {
			if _, ok := o.Metrics[m]; m != "" && !ok {
				missing = append(missing, m)
			}
		}
		c.NotMeasured = fmt.Sprintf("the benchmark reports no %s", strings.Join(missing, ", "))
		return c
	}
	clv *= r.CLV.Scale
	c.CLV = formatFigure(clv, r.CLV.Unit)
	c.Base = formatFigure(base, r.CLV.Unit) + " " + r.BaseName
	c.RatioText = strconv.FormatFloat(ratio, 'f', ratioDecimals(ratio), 64) + " " + r.RatioName
	c.Met = "—"
	if g := r.Goal; g != nil {
		v := ratio
		if g.OnCLV {
			v = clv
		}
		met := v >= g.Value
		if g.AtMost {
			met = v <= g.Value
		}
		c.Met = map[bool]string{true: "yes", false: "no"}[met]
	}
	return c
}

func firstLine(s string) string {
	if s == "" {
		return "(no reason given)"
	}
	line, _, _ := strings.Cut(s, "\n")
	return line
}

func ratioDecimals(v float64) int {
	if v >= 10 {
		return 1
	}
	return 2
}

// formatFigure prints a figure: seconds as "812 ms" below one second and
// "2.66 s" from it, other units with three significant digits.
func formatFigure(v float64, unit string) string {
	if unit == "s" {
		if v < 1 {
			return strconv.FormatFloat(v*1000, 'f', msDecimals(v*1000), 64) + " ms"
		}
		return strconv.FormatFloat(v, 'f', 2, 64) + " s"
	}
	return strconv.FormatFloat(v, 'f', msDecimals(v), 64) + " " + unit
}

func msDecimals(v float64) int {
	switch {
	case v >= 100:
		return 0
	case v >= 10:
		return 1
	}
	return 2
}

// WriteTable prints the cells as a Markdown table: row, clv figure,
// baseline figure, ratio, goal, met?.
func WriteTable(w io.Writer, cells []Cell) error {
	var b strings.Builder
	b.WriteString("| row | clv | baseline | ratio | goal | met? |\n|---|---|---|---|---|---|\n")
	for _, c := range cells {
		goal := "—"
		if c.Row.Goal != nil {
			goal = c.Row.Goal.Text
		}
		if c.NotMeasured != "" {
			fmt.Fprintf(&b, "| %s | not measured: %s | | | %s | |\n", c.Row.Name, escape(c.NotMeasured), goal)
			continue
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", c.Row.Name, c.CLV, c.Base, c.RatioText, goal, c.Met)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// escape keeps a reason on one table line.
func escape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
