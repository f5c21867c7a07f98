package report

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"strings"
	"testing"
)

func testReport() *Report {
	return &Report{
		Title:    "Customer lifetime value",
		Subtitle: "transactions.csv & friends",
		Facts:    []Fact{{"Observation end", "1997-09-30"}, {"Customers", "2357"}},
		Sections: []Section{
			{ID: "fit", Title: "Model fit", Blocks: []Block{
				{Text: "BG/NBD <fitted> by maximum likelihood."},
				{Facts: []Fact{{"log-likelihood", "-9582.43"}}},
				{Table: &Table{Caption: "Parameters", Head: []string{"parameter", "estimate"}, Rows: [][]string{{"r", "0.2426"}, {"alpha", "4.4136"}}, Numeric: []bool{false, true}}},
			}},
			{ID: "diag", Title: "Diagnostics", Blocks: []Block{{Chart: testChart(Bars)}, {Chart: func() *Chart { c := testChart(Lines); c.ID = "line"; return c }()}}},
		},
		Footer: "clvkit test · observation end 1997-09-30",
	}
}

// WellFormed parses an HTML page that is also XML strictly with
// encoding/xml: every element closed in order, attributes quoted, & and <
// escaped. It returns the names of the elements in document order.
func wellFormed(page []byte) ([]string, error) {
	d := xml.NewDecoder(bytes.NewReader(page))
	d.Strict = true
	var stack, names []string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if len(stack) != 0 {
				return names, errors.New("unclosed elements " + strings.Join(stack, " "))
			}
			return names, nil
		}
		if err != nil {
			return names, err
		}
		switch e := tok.(type) {
		case xml.StartElement:
			stack = append(stack, e.Name.Local)
			names = append(names, e.Name.Local)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		}
	}
}

func TestRenderWellFormed(t *testing.T) {
	var b bytes.Buffer
	if err := Render(&b, testReport()); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	names, err := wellFormed(b.Bytes())
	if err != nil {
		t.Fatalf("page is not well-formed: %v", err)
	}
	count := func(n string) int {
		k := 0
		for _, x := range names {
			if x == n {
				k++
			}
		}
		return k
	}
	// Two charts: two SVGs, each with a data table; one more table.
	if count("svg") != 2 || count("table") != 3 || count("section") != 2 {
		t.Errorf("svg %d, table %d, section %d; want 2, 3, 2", count("svg"), count("table"), count("section"))
	}
	for _, want := range []string{
		"<!DOCTYPE html>",
		`<html lang="en">`,
		`<title>Customer lifetime value</title>`,
		`<p class="subtitle">transactions.csv &amp; friends</p>`,
		`<p>BG/NBD &lt;fitted&gt; by maximum likelihood.</p>`,
		`<td class="num">0.2426</td>`,
		`<li><a href="#fit">Model fit</a></li>`,
		`<th scope="row">3&#43;</th><td class="num">293.0</td><td class="num">309.9</td>`,
		// The NaN of the expected series is a dash in the data table.
		`<th scope="row">2</th><td class="num">214.0</td><td class="num">–</td>`,
		"@media print",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
}

// TestRenderSelfContained checks that the page loads nothing: no URL, no
// src or external href, no script.
func TestRenderSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := Render(&b, testReport()); err != nil {
		t.Fatal(err)
	}
	if m := ExternalRefs(b.Bytes()); len(m) > 0 {
		t.Errorf("page refers to outside resources: %q", m)
	}
	if strings.Contains(b.String(), "<script") {
		t.Error("page has a script")
	}
	// The check itself finds them.
	for _, bad := range []string{`<img src="x.png"/>`, `<a href="https://example.com">x</a>`, `<link href="s.css"/>`, `url(http://x/f.woff)`, `@import "a.css"`} {
		if len(ExternalRefs([]byte(bad))) == 0 {
			t.Errorf("ExternalRefs misses %s", bad)
		}
	}
}

func TestRenderDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	if err := Render(&a, testReport()); err != nil {
		t.Fatal(err)
	}
	if err := Render(&b, testReport()); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renders of the same report differ")
	}
}

func TestRenderErrors(t *testing.T) {
	r := testReport()
	r.Sections[0].Blocks = append(r.Sections[0].Blocks, Block{Text: "x", Facts: []Fact{{"a", "b"}}})
	if err := Render(io.Discard, r); err == nil || !strings.Contains(err.Error(), "block 4 has 2 parts") {
		t.Errorf("two parts in a block: error %v", err)
	}
	r = testReport()
	r.Sections[1].Blocks[0].Chart.Series[0].Values = nil
	if err := Render(io.Discard, r); err == nil || !strings.Contains(err.Error(), "has 0 values for 4 categories") {
		t.Errorf("bad chart: error %v", err)
	}
}

func TestExternalRefsAllowsAnchors(t *testing.T) {
	if m := ExternalRefs([]byte(`<a href="#fit">Fit</a>`)); len(m) != 0 {
		t.Errorf("an in-page anchor counted as external: %q", m)
	}
}
