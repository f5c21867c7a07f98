// Package report renders clv's HTML report: one self-contained page (no
// network, no external fonts, scripts or styles; it opens from disk) with
// sections of text, key figures, tables and charts, the charts drawn as
// inline SVG with an accessible name and a table of their numbers.
//
// The page is a function of its Report value only: no clock, no random ids,
// no map iteration, so the same Report gives the same bytes. Numbers reach
// it as text already formatted by the caller (host/cmd_report.go), except
// chart values, which are written at the chart's fixed precision. The page
// is well-formed XML as well as HTML (void elements are closed, the style
// sheet has no '<' or '&'), which the tests check with encoding/xml.
package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"regexp"

	"github.com/clvkit/clvkit/internal/textenc"
)

// Report is the whole page.
type Report struct {
	// Title heads the page; Subtitle is a line under it (the data set).
	Title, Subtitle string
	// Facts are the key figures under the title (observation end,
	// customers, total value ...).
	Facts []Fact
	// Sections follow in order; each is listed in the contents.
	Sections []Section
	// Footer is the closing line (the clvkit version and the observation
	// end: the page has no other date).
	Footer string
}

// Section is one titled part of the page.
type Section struct {
	// ID is the section's anchor: letters, digits and '-'.
	ID     string
	Title  string
	Blocks []Block
}

// Block is one piece of a section: exactly one of its fields is set.
type Block struct {
	Text  string
	Facts []Fact
	Table *Table
	Chart *Chart
}

// Fact is a labelled figure.
type Fact struct{ Label, Value string }

// Table is a table of text cells.
type Table struct {
	Caption string
	Head    []string
	Rows    [][]string
	// Numeric marks the columns aligned right (numbers); shorter than Head
	// means the rest are text.
	Numeric []bool
}

//go:embed report.tmpl
var pageTemplate string

//go:embed report.css
var pageCSS string

// Render writes the page. It fails, writing nothing useful, on a chart it
// cannot draw (see Chart.Check) or a block with other than one field set.
func Render(w io.Writer, r *Report) error {
	for _, s := range r.Sections {
		for i, b := range s.Blocks {
			n := 0
			for _, set := range []bool{b.Text != "", b.Facts != nil, b.Table != nil, b.Chart != nil} {
				if set {
					n++
				}
			}
			if n != 1 {
				return fmt.Errorf("report section %q: block %d has %d parts, want 1", s.Title, i+1, n)
			}
		}
	}
	t, err := template.New("page").Funcs(template.FuncMap{
		"svg":     func(c *Chart) (template.HTML, error) { return c.SVG() },
		"css":     func() template.CSS { return template.CSS(pageCSS) },
		"value":   formatValue,
		"numeric": func(t *Table, col int) bool { return col < len(t.Numeric) && t.Numeric[col] },
		"scroll":  func(n int) bool { return n > 24 },
	}).Parse(pageTemplate)
	if err != nil {
		return fmt.Errorf("report template: %w", err)
	}
	if err := t.Execute(w, r); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// formatValue writes a chart value with dec decimals for the data table:
// "–" for NaN (no value), and no "-0".
func formatValue(v float64, dec int) string {
	if math.IsNaN(v) {
		return "–"
	}
	return string(textenc.AppendFloat(nil, v, dec))
}

// externalRef matches what would make a browser fetch something: a URL
// with a scheme, a src attribute, an href to anything but an in-page
// anchor, a CSS url() or @import.
var externalRef = regexp.MustCompile(`(?i)[a-z][a-z0-9+.-]*://[^\s"'<>)]*|\bsrc\s*=\s*"[^"]*"|\bhref\s*=\s*"[^#][^"]*"|url\([^)]*\)|@import[^;]*`)

// ExternalRefs returns the references in page to anything outside it (a
// URL, a src, an href other than "#anchor", a CSS url() or @import). A
// report has none: it opens from disk with no network.
func ExternalRefs(page []byte) []string {
	var out []string
	for _, m := range externalRef.FindAll(page, -1) {
		out = append(out, string(m))
	}
	return out
}
