package bind

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/internal/textenc"
)

// CohortSettings are the cohort view's settings; the page sends them as
// JSON, every key optional.
type CohortSettings struct {
	// Period is the acquisition period: "month" (default) or "quarter".
	Period string `json:"period"`
	// AnnualDiscountRate discounts cumulative revenue per customer monthly,
	// as clv cohorts --discount: a fraction in [0, 10), default 0.
	AnnualDiscountRate float64 `json:"annualDiscountRate"`
	// Months caps the months since acquisition (0: all), as --months.
	Months int `json:"months"`
}

// CohortView is the page's cohort view of the last scored file: the cohort
// table (core/summary.Builder.Cohorts) for the heatmap and the retention
// triangle, and the same table as clv cohorts writes it.
type CohortView struct {
	Period string `json:"period"`
	// Incomplete names the month holding the observation end ("2011-12")
	// when it is partial, else "".
	Incomplete string       `json:"incomplete,omitempty"`
	Cohorts    []CohortInfo `json:"cohorts"`
	// CSV is the table as `clv cohorts --precision 6` writes it as CSV,
	// byte for byte.
	CSV string `json:"csv"`
}

// CohortInfo is one cohort of the view.
type CohortInfo struct {
	Label     string     `json:"label"`
	Start     string     `json:"start"`
	Customers int        `json:"customers"`
	Months    []CellInfo `json:"months"`
}

// CellInfo is one month since acquisition of a cohort (summary.CohortCell).
type CellInfo struct {
	Observed           int  `json:"observed"`
	Active             int  `json:"active"`
	Retention          Num  `json:"retention"`
	Revenue            Num  `json:"revenue"`
	RevenuePerCustomer Num  `json:"revenuePerCustomer"`
	Cumulative         Num  `json:"cumulative"`
	Complete           bool `json:"complete"`
}

// Cohorts returns the acquisition cohorts of the last scored file, read
// with the scoring's settings (columns, formats, row rules, returns rule,
// observation end), as clv cohorts computes them from a clv.toml with the
// same settings.
func (s *Session) Cohorts(cs CohortSettings) (*CohortView, error) {
	if s.builder == nil {
		return nil, errors.New("no scored file: score the data first")
	}
	if cs.Period == "" {
		cs.Period = "month"
	}
	period, err := summary.ParseCohortPeriod(cs.Period)
	if err != nil {
		return nil, err
	}
	if err := score.CheckAnnualDiscountRate(cs.AnnualDiscountRate); err != nil {
		return nil, fmt.Errorf("annualDiscountRate: %w", err)
	}
	if cs.Months < 0 {
		return nil, fmt.Errorf("months %d: want 0 (every month) or more", cs.Months)
	}
	cohorts, err := s.builder.Cohorts(summary.CohortOptions{Period: period, Months: cs.Months, AnnualDiscountRate: cs.AnnualDiscountRate})
	if err != nil {
		return nil, err
	}
	v := &CohortView{Period: period.String(), CSV: string(EncodeCohortsCSV(cohorts, score.DefaultPrecision))}
	if end := s.obsEnd; end.AddDate(0, 0, 1).Month() == end.Month() {
		v.Incomplete = end.Format("2006-01")
	}
	for _, c := range cohorts {
		ci := CohortInfo{Label: c.Label(), Start: c.Start.Format(time.DateOnly), Customers: c.Customers}
		for _, m := range c.Months {
			ci.Months = append(ci.Months, CellInfo{Observed: m.Observed, Active: m.Active, Retention: Num(m.Retention),
				Revenue: Num(m.Revenue), RevenuePerCustomer: Num(m.RevenuePerCustomer), Cumulative: Num(m.Cumulative), Complete: m.Complete})
		}
		v.Cohorts = append(v.Cohorts, ci)
	}
	return v, nil
}

// EncodeCohortsCSV writes the long-form cohort table (summary.CohortColumns)
// as clv cohorts writes it as CSV: floats with strconv's 'f' format at
// precision decimals, integers and complete (1 or 0) without decimals,
// "\n" line ends. Cohort labels and dates need no quoting or guard.
func EncodeCohortsCSV(cohorts []summary.Cohort, precision int) []byte {
	var b []byte
	for i, n := range summary.CohortColumns() {
		if i > 0 {
			b = append(b, ',')
		}
		b = textenc.AppendCSVField(b, n)
	}
	b = append(b, '\n')
	for _, r := range summary.CohortRecords(cohorts) {
		b = textenc.AppendCSVField(b, r.Cohort)
		b = append(b, ',')
		b = textenc.AppendCSVField(b, r.Start)
		for _, n := range []int{r.MonthsSince, r.Customers, r.Observed, r.Active} {
			b = append(b, ',')
			b = strconv.AppendInt(b, int64(n), 10)
		}
		for _, f := range []float64{r.Retention, r.Revenue, r.RevenuePerCustomer, r.Cumulative} {
			b = append(b, ',')
			b = textenc.AppendFloat(b, f, precision)
		}
		if r.Complete {
			b = append(b, ",1\n"...)
		} else {
			b = append(b, ",0\n"...)
		}
	}
	return b
}
