package bind

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/clvkit/clvkit/core/detect"
	"github.com/clvkit/clvkit/core/group"
	"github.com/clvkit/clvkit/core/summary"
)

// AttributeColumns lists the columns of the last scored file that may be
// customer attributes for the channel view (core/detect.Attributes: text
// with at most detect.DefaultMaxLevels distinct values), leaving out the
// customer, date and amount columns.
func (s *Session) AttributeColumns() ([]detect.Attribute, error) {
	if s.result == nil || s.settings == nil {
		return nil, errors.New("no scored file: score the data first")
	}
	st := s.settings
	cols := st.Input.Columns
	var skip []string
	for _, c := range []string{cols.Customer, cols.Date, cols.Amount} {
		if c == "" {
			continue
		}
		skip = append(skip, c)
		// A column given by its 1-based position.
		if k, err := strconv.Atoi(c); err == nil && k >= 1 && k <= len(s.ins.Columns) {
			skip = append(skip, s.ins.Columns[k-1])
		}
	}
	header := s.ins.Header
	if st.Header != nil {
		header = *st.Header
	}
	out, err := detect.Attributes(bytes.NewReader(s.data), st.Delimiter, header, s.ins.Columns, skip, detect.DefaultMaxLevels)
	if out == nil && err == nil {
		out = []detect.Attribute{}
	}
	return out, err
}

// GroupSettings are the channel view's settings, sent by the page as JSON.
type GroupSettings struct {
	// Column is the attribute column customers are grouped by; each
	// customer's value is the one on their first purchase (core/attr).
	Column string `json:"column"`
	// MinCustomers flags groups with fewer customers as too small
	// (default group.DefaultMinCustomers; 0 flags none).
	MinCustomers *int `json:"minCustomers"`
	// TargetRatio is the LTV:CAC the largest CAC keeps (default
	// group.DefaultTargetRatio).
	TargetRatio *float64 `json:"targetRatio"`
	// Costs are the acquisition costs typed in the page, one per group;
	// a row with both fields blank gives the group no cost.
	Costs []CostInput `json:"costs"`
}

// CostInput is one group's acquisition spend and new customers as typed.
type CostInput struct {
	Group        string `json:"group"`
	Spend        string `json:"spend"`
	NewCustomers string `json:"newCustomers"`
}

// GroupView is the channel view: core/group's Report for the page.
type GroupView struct {
	Column string `json:"column"`
	// Precision is the decimals the sums are given with (the scoring's
	// output precision), HorizonMonths, Margin, TargetRatio and
	// MinCustomers the settings used.
	Precision     int        `json:"precision"`
	HorizonMonths int        `json:"horizonMonths"`
	Margin        Num        `json:"margin"`
	TargetRatio   Num        `json:"targetRatio"`
	MinCustomers  int        `json:"minCustomers"`
	Groups        []GroupRow `json:"groups"`
	Total         GroupRow   `json:"total"`
	// Changed counts the customers whose later rows hold another value
	// of the column (their first purchase's value is used); Blank those
	// whose first purchase has none (the group "unknown").
	Changed int `json:"changed"`
	Blank   int `json:"blank"`
	// CostErrors are the typed costs that could not be used, each naming
	// its group and field ("spend" or "newCustomers").
	CostErrors []CostError `json:"costErrors"`
}

// CostError is a typed cost the page shows beside its field.
type CostError struct {
	Group   string `json:"group"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// GroupRow is one group (or the total) of a GroupView. The sums are text
// with exactly Precision decimals (group.Sum), so the groups add up to the
// total digit for digit.
type GroupRow struct {
	Name              string    `json:"name"`
	Customers         int       `json:"customers"`
	CustomerShare     Num       `json:"customerShare"`
	CLV               string    `json:"clv"`
	CLVShare          Num       `json:"clvShare"`
	MeanCLV           Num       `json:"meanClv"`
	MeanCLVStdErr     Num       `json:"meanClvStdErr"`
	MeanPAlive        Num       `json:"meanPAlive"`
	ExpectedPurchases string    `json:"expectedPurchases"`
	ExpectedSpend     string    `json:"expectedSpend"`
	Revenue           string    `json:"revenue"`
	TooSmall          bool      `json:"tooSmall"`
	Cost              *CostInfo `json:"cost,omitempty"`
}

// CostInfo is a group's acquisition figures (group.Cost); PaybackMonths
// is "Infinity" when the payback is not within the horizon.
type CostInfo struct {
	Spend         Num `json:"spend"`
	NewCustomers  int `json:"newCustomers"`
	CAC           Num `json:"cac"`
	LTVToCAC      Num `json:"ltvToCac"`
	MaxCAC        Num `json:"maxCac"`
	PaybackMonths Num `json:"paybackMonths"`
}

// Groups groups the last scored file's customers by an attribute column
// (core/group): the file is read again with the scoring's settings and
// the column as an attribute, so each customer gets the value on their
// first purchase, and the typed costs give each channel's CAC, LTV:CAC,
// largest CAC and payback.
func (s *Session) Groups(gs GroupSettings) (*GroupView, error) {
	if s.result == nil || s.settings == nil {
		return nil, errors.New("no scored file: score the data first")
	}
	if strings.TrimSpace(gs.Column) == "" {
		return nil, errors.New("column: choose the column to group customers by")
	}
	minCustomers, target := group.DefaultMinCustomers, float64(group.DefaultTargetRatio)
	if gs.MinCustomers != nil {
		minCustomers = *gs.MinCustomers
	}
	if gs.TargetRatio != nil {
		target = *gs.TargetRatio
	}
	if minCustomers < 0 {
		return nil, fmt.Errorf("minCustomers %d: want 0 or more", minCustomers)
	}
	if !(target > 0) || math.IsInf(target, 0) {
		return nil, fmt.Errorf("targetRatio %v: want a number above 0 (3 for 3 : 1)", target)
	}
	st := *s.settings
	gc, err := s.groupedBy(gs.Column)
	if err != nil {
		return nil, err
	}
	v := &GroupView{Column: gs.Column, Precision: s.precision, HorizonMonths: st.HorizonMonths, Margin: Num(st.Margin),
		TargetRatio: Num(target), MinCustomers: minCustomers, Changed: gc.changed, Blank: gc.blank, CostErrors: []CostError{}}
	var acq *group.Acquisition
	for _, c := range gs.Costs {
		if strings.TrimSpace(c.Spend) == "" && strings.TrimSpace(c.NewCustomers) == "" {
			continue
		}
		// Each field checked on its own, so both can show their message.
		_, errSpend := group.ParseSpend(c.Spend)
		_, errNew := group.ParseNewCustomers(c.NewCustomers)
		if errSpend != nil {
			v.CostErrors = append(v.CostErrors, CostError{Group: c.Group, Field: "spend", Message: errSpend.Error()})
		}
		if errNew != nil {
			v.CostErrors = append(v.CostErrors, CostError{Group: c.Group, Field: "newCustomers", Message: errNew.Error()})
		}
		if errSpend != nil || errNew != nil {
			continue
		}
		row, err := group.NewCostRow([]string{c.Group}, c.Spend, c.NewCustomers, "")
		if err != nil {
			return nil, err // checked above
		}
		if acq == nil {
			acq = &group.Acquisition{}
		}
		if slices.ContainsFunc(acq.Rows, func(r group.CostRow) bool { return r.Values[0] == c.Group }) {
			v.CostErrors = append(v.CostErrors, CostError{Group: c.Group, Field: "group", Message: "given twice"})
			continue
		}
		acq.Rows = append(acq.Rows, row)
	}
	rep, err := group.Compute(gc.customers, group.Options{By: []string{gs.Column}, Precision: s.precision, MinCustomers: minCustomers,
		HorizonMonths: st.HorizonMonths, Margin: st.Margin, TargetRatio: target, Acquisition: acq})
	if err != nil {
		return nil, err
	}
	for _, g := range rep.Groups {
		v.Groups = append(v.Groups, groupRow(g))
	}
	v.Total = groupRow(rep.Total)
	return v, nil
}

// groupedColumn is the scored customers with their value of one column.
type groupedColumn struct {
	column         string
	customers      []group.Customer
	changed, blank int
}

// groupedBy gives the last scoring's customers with their value of
// column on their first purchase: the file is read again with the
// scoring's settings and the column as an attribute, once per column and
// scoring (typing a cost only groups again).
func (s *Session) groupedBy(column string) (*groupedColumn, error) {
	if s.grouped != nil && s.grouped.column == column {
		return s.grouped, nil
	}
	st := *s.settings
	so, _, err := st.options()
	if err != nil {
		return nil, err
	}
	so.Attributes = []string{column}
	copt, err := s.csvOptions(&st)
	if err != nil {
		return nil, err
	}
	b, err := summary.NewBuilder(so)
	if err != nil {
		return nil, err
	}
	if err := summary.ReadCSV(bytes.NewReader(s.data), copt, b); err != nil {
		return nil, err
	}
	sum, err := b.Summary()
	if err != nil {
		return nil, err
	}
	vals, err := sum.Attributes.Column(column)
	if err != nil {
		return nil, err
	}
	byID := make(map[string][]string, len(vals))
	for i, c := range sum.Customers {
		byID[c.ID] = vals[i : i+1 : i+1]
	}
	customers, err := group.FromScores(s.result, sum.Customers, byID, 1)
	if err != nil {
		return nil, err
	}
	gc := &groupedColumn{column: column, customers: customers}
	if r := sum.Attributes.Report; len(r.Changed) == 1 {
		gc.changed, gc.blank = r.Changed[0], r.Blank[0]
	}
	s.grouped = gc
	return gc, nil
}

func groupRow(g group.Group) GroupRow {
	r := GroupRow{Name: g.Name(), Customers: g.Customers, CustomerShare: Num(g.CustomerShare), CLV: g.CLV.String(),
		CLVShare: Num(g.CLVShare), MeanCLV: Num(g.MeanCLV), MeanCLVStdErr: Num(g.MeanCLVStdErr), MeanPAlive: Num(g.MeanPAlive),
		ExpectedPurchases: g.ExpectedPurchases.String(), ExpectedSpend: g.ExpectedSpend.String(), Revenue: g.Revenue.String(), TooSmall: g.TooSmall}
	if c := g.Cost; c != nil {
		r.Cost = &CostInfo{Spend: Num(c.Spend), NewCustomers: c.NewCustomers, CAC: Num(c.CAC), LTVToCAC: Num(c.LTVToCAC),
			MaxCAC: Num(c.MaxCAC), PaybackMonths: Num(c.PaybackMonths)}
	}
	return r
}
