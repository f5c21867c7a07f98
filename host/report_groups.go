package main

import (
	"fmt"
	"strings"

	"github.com/clvkit/clvkit/core/group"
	"github.com/clvkit/clvkit/host/internal/report"
)

// groupSections are the report's sections on customer attributes: one
// per attribute of [attributes], its groups as clv groups --by gives them
// (a table and a chart of mean CLV, with CAC and the largest CAC at the
// target LTV:CAC when acquisition costs are configured). None without
// attributes or the spend model (no CLV to sum).
func groupSections(sc *scoring) ([]report.Section, error) {
	if sc.attributes == nil || !sc.job.options.Spend {
		return nil, nil
	}
	var out []report.Section
	for _, name := range sc.attributes.Names {
		rep, err := sc.groups([]string{name})
		if err != nil {
			return nil, err
		}
		out = append(out, groupSection(rep, sc.groupSettings(), sc.attributes.Report.Lines(sc.attributes.Names)))
	}
	return out, nil
}

// groupSection lays out one attribute's groups.
func groupSection(rep *group.Report, s groupSettings, notes []string) report.Section {
	by := strings.Join(rep.By, " / ")
	id := "groups-" + anchor(by)
	sec := report.Section{ID: id, Title: "Value by " + by}
	hasCost := rep.Total.Cost != nil
	for _, g := range rep.Groups {
		hasCost = hasCost || g.Cost != nil
	}
	text := fmt.Sprintf("Customers grouped by %s, highest total CLV first. CLV, expected purchases and expected spend are over %d months; totals are the sums of the scores as written (%d decimals), so the groups add up to the total row.",
		by, s.HorizonMonths, rep.Precision)
	if hasCost {
		text += fmt.Sprintf(" Acquisition cost from %s: LTV:CAC is mean CLV / CAC, max CAC = mean CLV / %s (the target LTV:CAC), payback in months of margin (%s) on the expected spend.",
			s.Acquisition, number(s.TargetLTVCAC, 2), number(s.Margin, 2))
	}
	sec.Blocks = append(sec.Blocks, report.Block{Text: text})
	for _, n := range notes {
		sec.Blocks = append(sec.Blocks, report.Block{Text: "Note: " + n + "."})
	}
	t := &report.Table{Caption: "Groups by " + by,
		Head:    []string{by, "customers", "share", "total CLV", "share of CLV", "mean CLV", "± s.e.", "mean P(alive)", "expected purchases", "expected spend", "revenue to date"},
		Numeric: []bool{false, true, true, true, true, true, true, true, true, true, true, true, true, true, true}}
	if hasCost {
		t.Head = append(t.Head, "CAC", "LTV:CAC", "max CAC", "payback (months)")
	}
	small := false
	row := func(g group.Group) []string {
		f := figures(g, rep.Precision)
		name := f.name
		if f.small {
			name += " *"
			small = true
		}
		r := []string{name, count(g.Customers), pct(g.CustomerShare), f.clv, pct(g.CLVShare), f.mean, f.se, f.meanPAlive, f.purchases, f.spend, f.rev}
		if hasCost {
			if f.hasCost {
				r = append(r, f.cac, f.ratio, f.maxCAC, f.payback)
			} else {
				r = append(r, "–", "–", "–", "–")
			}
		}
		return r
	}
	c := &report.Chart{ID: id + "-chart", Title: "Mean CLV by " + by,
		XLabel: by, YLabel: "per customer", Kind: report.Bars, Decimals: rep.Precision,
		Series: []report.Series{{Name: "mean CLV"}}}
	if hasCost {
		c.Title = "Mean CLV and acquisition cost by " + by
		c.Series = append(c.Series, report.Series{Name: "CAC"})
	}
	c.Desc = fmt.Sprintf("One bar group per %s: the mean CLV of its customers", by)
	if hasCost {
		c.Desc += " beside what one customer cost to acquire (a group without a cost shows 0)"
	}
	c.Desc += "."
	for _, g := range rep.Groups {
		t.Rows = append(t.Rows, row(g))
		c.Categories = append(c.Categories, g.Name())
		c.Series[0].Values = append(c.Series[0].Values, g.MeanCLV)
		if hasCost {
			v := 0.0
			if g.Cost != nil {
				v = g.Cost.CAC
			}
			c.Series[1].Values = append(c.Series[1].Values, v)
		}
	}
	t.Rows = append(t.Rows, row(rep.Total))
	sec.Blocks = append(sec.Blocks, report.Block{Chart: c}, report.Block{Table: t})
	if small {
		sec.Blocks = append(sec.Blocks, report.Block{Text: fmt.Sprintf("* Fewer than %d customers: too small to trust; ± s.e. is the standard error of the mean CLV.", s.MinCustomers)})
	}
	return sec
}

// anchor turns a name into letters, digits and '-' for a section id.
func anchor(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	return b.String()
}
