// Package group sums scored customers by the values of their attributes
// (acquisition channel, country, ...) and sets each group's customer value
// against what it costs to acquire a customer there.
//
// Compute takes one Customer per scored customer (their model figures and
// their attribute values for Options.By) and returns a Report: per group
// the customers, share of customers, total and mean CLV, share of total
// CLV, mean P(alive), expected purchases and spend over the horizon and
// revenue to date, and a total row. Groups are sorted by total CLV,
// highest first, ties by name (bytewise). A missing attribute value is
// the group Unknown.
//
// # Group figures add up
//
// Every per-customer figure is first rounded to Options.Precision decimals
// exactly as clvkit writes it in the scored output (internal/textenc), and
// the totals are exact decimal sums of those rounded values (Sum, integer
// arithmetic). So the total row's CLV is, digit for digit, the sum of the
// clv column of the scored file, and the groups' totals add up to the
// total row byte for byte at that precision. Means and shares are
// quotients and are not rounded to add up: shares printed at a few
// decimals may sum to 0.999… or 1.000…1.
//
// # Acquisition cost
//
// With Options.Acquisition (ParseAcquisition reads it from CSV: spend and
// new customers per group in a period, or a CAC per group) or a cost per
// customer (Options.CustomerCost), each group with a cost gets:
//
//	CAC           = spend / new customers (or the table's cac, or the
//	                mean of its customers' own costs)
//	LTV:CAC       = mean CLV / CAC
//	max CAC       = mean CLV / Options.TargetRatio, the largest CAC that
//	                keeps LTV:CAC at the target (DefaultTargetRatio = 3)
//	payback       = CAC / (Options.Margin × mean expected spend over the
//	                horizon / Options.HorizonMonths), in months
//
// The payback is the number of months until a customer's cumulative
// margin-adjusted expected spend covers the CAC, with the expected spend
// over the horizon spread evenly over its months (money units per month:
// margin × spend ÷ months; the result in CLV months of 365.25/12 days).
// It is undiscounted. The purchase models' expected purchases grow more
// slowly as customers drop out (a concave curve), so the even spread
// never pays back sooner than the models do: the figure is an upper bound,
// exact when the purchase rate is constant. A payback beyond the horizon is
// not extrapolated: PaybackMonths is then +Inf ("not within the horizon").
//
// Mean CLV is that of the group's current customers, the model's best
// guess for the next ones acquired through the same group.
//
// # Small groups
//
// A group with fewer customers than Options.MinCustomers is flagged
// TooSmall; every group with two or more customers carries the standard
// error of its mean CLV, s/√n with s the sample standard deviation (n − 1
// in the denominator), so the reader can see how far the mean may be off.
package group

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/clvkit/clvkit/internal/quote"
)

// nMetrics is the number of summed per-customer figures (acc.sums).
const nMetrics = 5

// metricName names summed figure m (the order of acc.sums) for errors.
func metricName(m int) string {
	return [nMetrics]string{"clv", "p_alive", "expected_purchases", "expected spend", "revenue"}[m]
}

// Unknown is the group of customers with no value for an attribute (an
// empty or blank value, or no row in a customer table).
const Unknown = "unknown"

// Defaults a front end fills in for settings left out; Compute itself
// uses the Options as given.
const (
	// DefaultMinCustomers is the smallest group not flagged as too small.
	DefaultMinCustomers = 30
	// DefaultTargetRatio is the target LTV:CAC for the largest CAC.
	DefaultTargetRatio = 3
)

// Customer is one scored customer: their attribute values and figures.
type Customer struct {
	// ID names the customer in errors.
	ID string
	// Values are the customer's attribute values, one per Options.By in
	// that order; "" (or blank) is Unknown.
	Values []string
	// CLV is the customer's CLV (the clv column).
	CLV float64
	// PAlive is the probability the customer is alive (p_alive).
	PAlive float64
	// ExpectedPurchases is the expected purchases over the CLV horizon
	// (expected_purchases).
	ExpectedPurchases float64
	// ExpectedSpend is the expected spend over the CLV horizon, in money
	// before margin and undiscounted: expected_purchases × expected_spend.
	ExpectedSpend float64
	// Revenue is the customer's revenue to date (after the returns rule).
	Revenue float64
	// Cost is what acquiring this customer cost, used with
	// Options.CustomerCost; NaN when unknown (left out of the group's mean).
	Cost float64
}

// Options configures Compute.
type Options struct {
	// By names the attributes customers are grouped by (at least one).
	By []string
	// Precision is the decimals of the output, 0..17: the per-customer
	// figures are rounded to it before they are summed.
	Precision int
	// MinCustomers flags groups with fewer customers as too small (0: none
	// flagged). Front ends default it to DefaultMinCustomers.
	MinCustomers int
	// HorizonMonths is the CLV horizon in months, over which
	// ExpectedPurchases and ExpectedSpend are counted (≥ 1).
	HorizonMonths int
	// Margin is the fraction of spend that is profit, in [0, 1], as in
	// the CLV; used for the payback.
	Margin float64
	// TargetRatio is the LTV:CAC the largest CAC keeps (> 0; front ends
	// default it to DefaultTargetRatio). Needed only with a cost.
	TargetRatio float64
	// Acquisition, when set, gives the groups' acquisition costs.
	Acquisition *Acquisition
	// CustomerCost takes each group's CAC as the mean of its customers'
	// Cost instead. It cannot be combined with Acquisition.
	CustomerCost bool
}

// Report is the groups of a customer base.
type Report struct {
	// By are the attributes grouped by (Options.By).
	By []string
	// Precision is the decimals of the Sums.
	Precision int
	// Groups are sorted by total CLV, highest first, ties by Name.
	Groups []Group
	// Total is every customer together (Values nil).
	Total Group
	// CostOnly names the acquisition table's groups that have no
	// customers (their cost is not used), sorted.
	CostOnly []string
}

// Group is the figures of one group (or of the total row).
type Group struct {
	// Values are the group's attribute values, one per Report.By.
	Values []string
	// Customers is the number of customers in the group.
	Customers int
	// CustomerShare is Customers / all customers, a fraction in [0, 1].
	CustomerShare float64
	// CLV is the group's total CLV; CLVShare its fraction of the total
	// (NaN when the total CLV is 0).
	CLV      Sum
	CLVShare float64
	// MeanCLV is CLV / Customers; MeanCLVStdErr its standard error s/√n
	// (NaN for a group of one).
	MeanCLV       float64
	MeanCLVStdErr float64
	// PAlive is the sum of P(alive), the expected number of customers
	// still alive; MeanPAlive is PAlive / Customers.
	PAlive     Sum
	MeanPAlive float64
	// ExpectedPurchases and ExpectedSpend are the group's totals over the
	// horizon; Revenue its revenue to date.
	ExpectedPurchases Sum
	ExpectedSpend     Sum
	Revenue           Sum
	// TooSmall is set when Customers < Options.MinCustomers.
	TooSmall bool
	// Cost is the group's acquisition figures; nil without a cost.
	Cost *Cost
}

// Name is the group's values joined by " / " ("total" for the total row).
func (g Group) Name() string {
	if g.Values == nil {
		return "total"
	}
	return strings.Join(g.Values, " / ")
}

// Cost is a group's acquisition cost and what its customers' value makes
// of it.
type Cost struct {
	// Spend and NewCustomers are the table's figures (NaN and 0 when the
	// table gives a CAC or the cost is per customer); Period its label.
	Spend        float64
	NewCustomers int
	Period       string
	// CostCustomers is, with Options.CustomerCost, the number of the
	// group's customers with a known cost.
	CostCustomers int
	// CAC is the acquisition cost of one customer, in money.
	CAC float64
	// LTVToCAC is MeanCLV / CAC (+Inf for a CAC of 0).
	LTVToCAC float64
	// MaxCAC is MeanCLV / Options.TargetRatio: the largest CAC whose
	// LTV:CAC is at least the target.
	MaxCAC float64
	// PaybackMonths is the months until the margin on the expected spend
	// covers the CAC (see the package doc); +Inf when not within the
	// horizon.
	PaybackMonths float64
}

// Compute groups customers by their Values and returns the Report.
func Compute(customers []Customer, o Options) (*Report, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	if len(customers) == 0 {
		return nil, errors.New("groups: no customers")
	}
	type acc struct {
		g       Group
		sums    [nMetrics]Sum
		costSum float64
		costN   int
		clvs    []float64
	}
	newAcc := func(vals []string) *acc {
		a := &acc{g: Group{Values: vals}}
		for m := range a.sums {
			a.sums[m] = newSum(o.Precision)
		}
		return a
	}
	byKey := map[string]*acc{}
	total := newAcc(nil)
	for _, c := range customers {
		if len(c.Values) != len(o.By) {
			return nil, fmt.Errorf("customer %s: %d attribute values for %d attributes (%s)", quote.Value(c.ID), len(c.Values), len(o.By), strings.Join(o.By, ", "))
		}
		vals := make([]string, len(c.Values))
		for i, v := range c.Values {
			vals[i] = normalize(v)
		}
		key := strings.Join(vals, "\x00")
		a := byKey[key]
		if a == nil {
			a = newAcc(vals)
			byKey[key] = a
		}
		values := [nMetrics]float64{c.CLV, c.PAlive, c.ExpectedPurchases, c.ExpectedSpend, c.Revenue}
		for m, v := range values {
			r, err := roundToSum(v, o.Precision)
			if err != nil {
				return nil, fmt.Errorf("customer %s: %s %w", quote.Value(c.ID), metricName(m), err)
			}
			if m == 0 {
				// In customer order, so the standard errors do not
				// depend on map order.
				clv := r.Float64()
				a.clvs = append(a.clvs, clv)
				total.clvs = append(total.clvs, clv)
			}
			var ok1, ok2 bool
			a.sums[m], ok1 = a.sums[m].add(r)
			total.sums[m], ok2 = total.sums[m].add(r)
			if !ok1 || !ok2 {
				return nil, fmt.Errorf("customer %s: %s total overflows", quote.Value(c.ID), metricName(m))
			}
		}
		a.g.Customers++
		total.g.Customers++
		if o.CustomerCost && !math.IsNaN(c.Cost) {
			if math.IsInf(c.Cost, 0) || c.Cost < 0 {
				return nil, fmt.Errorf("customer %s: acquisition cost %v: want a finite number ≥ 0", quote.Value(c.ID), c.Cost)
			}
			a.costSum += c.Cost
			a.costN++
			total.costSum += c.Cost
			total.costN++
		}
	}

	n := float64(total.g.Customers)
	totalCLV := total.sums[0].Float64()
	finish := func(a *acc) {
		g := &a.g
		g.CLV, g.PAlive, g.ExpectedPurchases, g.ExpectedSpend, g.Revenue = a.sums[0], a.sums[1], a.sums[2], a.sums[3], a.sums[4]
		k := float64(g.Customers)
		g.CustomerShare = k / n
		g.CLVShare = math.NaN()
		if totalCLV != 0 {
			g.CLVShare = g.CLV.Float64() / totalCLV
		}
		g.MeanCLV = g.CLV.Float64() / k
		g.MeanPAlive = g.PAlive.Float64() / k
		g.MeanCLVStdErr = stdErr(a.clvs, g.MeanCLV)
		g.TooSmall = g.Customers < o.MinCustomers
	}
	groups := make([]Group, 0, len(byKey))
	for _, a := range byKey {
		finish(a)
		if o.CustomerCost && a.costN > 0 {
			a.g.Cost = o.cost(a.g, Cost{Spend: math.NaN(), CostCustomers: a.costN, CAC: a.costSum / float64(a.costN)})
		}
		groups = append(groups, a.g)
	}
	finish(total)
	total.g.TooSmall = false
	if o.CustomerCost && total.costN > 0 {
		total.g.Cost = o.cost(total.g, Cost{Spend: math.NaN(), CostCustomers: total.costN, CAC: total.costSum / float64(total.costN)})
	}
	// sort.Slice rather than slices.SortFunc: a generic sort of Group
	// would add its own copy of pdqsort to the page's WebAssembly.
	sort.Slice(groups, func(i, j int) bool {
		x, y := groups[i], groups[j]
		if c := x.CLV.cmp(y.CLV); c != 0 {
			return c > 0
		}
		return strings.Join(x.Values, "\x00") < strings.Join(y.Values, "\x00")
	})

	rep := &Report{By: slices.Clone(o.By), Precision: o.Precision, Groups: groups, Total: total.g}
	if o.Acquisition != nil {
		rep.CostOnly = o.applyAcquisition(rep)
	}
	return rep, nil
}

// applyAcquisition sets the Cost of every group the table names and of the
// total (its spend over its new customers, when every row has both), and
// returns the table's groups without customers.
func (o Options) applyAcquisition(rep *Report) []string {
	index := map[string]int{}
	for i, g := range rep.Groups {
		index[strings.Join(g.Values, "\x00")] = i
	}
	var costOnly []string
	spend, newCustomers, allSpend := 0.0, 0, true
	for _, r := range o.Acquisition.Rows {
		i, ok := index[strings.Join(r.Values, "\x00")]
		if !ok {
			costOnly = append(costOnly, strings.Join(r.Values, " / "))
			continue
		}
		c := Cost{Spend: r.Spend, NewCustomers: r.NewCustomers, Period: r.Period, CAC: r.CAC}
		if math.IsNaN(r.Spend) {
			allSpend = false
		} else {
			spend += r.Spend
			newCustomers += r.NewCustomers
		}
		rep.Groups[i].Cost = o.cost(rep.Groups[i], c)
	}
	if allSpend && newCustomers > 0 {
		rep.Total.Cost = o.cost(rep.Total, Cost{Spend: spend, NewCustomers: newCustomers, CAC: spend / float64(newCustomers)})
	}
	slices.Sort(costOnly)
	return costOnly
}

// cost fills in c's ratios from its CAC and g's figures.
func (o Options) cost(g Group, c Cost) *Cost {
	c.LTVToCAC = g.MeanCLV / c.CAC
	if c.CAC == 0 {
		c.LTVToCAC = math.Inf(1)
		if g.MeanCLV == 0 {
			c.LTVToCAC = math.NaN()
		}
	}
	c.MaxCAC = g.MeanCLV / o.TargetRatio
	c.PaybackMonths = Payback(c.CAC, g.ExpectedSpend.Float64()/float64(g.Customers), o.Margin, o.HorizonMonths)
	return &c
}

// Payback returns the months until margin × the expected spend, spread
// evenly over horizonMonths, covers cac: cac ÷ (margin × spend ÷
// horizonMonths). spend is one customer's expected spend over the horizon
// (money, before margin). It is 0 for a cac of 0 and +Inf when the spend
// does not cover cac within the horizon.
func Payback(cac, spend, margin float64, horizonMonths int) float64 {
	if cac == 0 {
		return 0
	}
	perMonth := margin * spend / float64(horizonMonths)
	if !(perMonth > 0) {
		return math.Inf(1)
	}
	m := cac / perMonth
	if m > float64(horizonMonths) {
		return math.Inf(1)
	}
	return m
}

// stdErr is s/√n of xs around their mean (NaN for fewer than two).
func stdErr(xs []float64, mean float64) float64 {
	if len(xs) < 2 {
		return math.NaN()
	}
	var ss float64
	for _, x := range xs {
		d := x - mean
		ss += d * d
	}
	return math.Sqrt(ss/float64(len(xs)-1)) / math.Sqrt(float64(len(xs)))
}

// normalize returns v, or Unknown for a blank value.
func normalize(v string) string {
	if strings.TrimSpace(v) == "" {
		return Unknown
	}
	return v
}

func (o Options) validate() error {
	switch {
	case len(o.By) == 0:
		return errors.New("groups: no attribute to group by")
	case o.Precision < 0 || o.Precision > maxPrecision:
		return fmt.Errorf("groups: precision %d is out of range 0..%d", o.Precision, maxPrecision)
	case o.MinCustomers < 0:
		return fmt.Errorf("groups: min_customers %d: want ≥ 0", o.MinCustomers)
	case o.HorizonMonths < 1:
		return fmt.Errorf("groups: horizon %d months: want ≥ 1", o.HorizonMonths)
	case !(o.Margin >= 0 && o.Margin <= 1):
		return fmt.Errorf("groups: margin %v: want a fraction in [0, 1]", o.Margin)
	case o.Acquisition != nil && o.CustomerCost:
		return errors.New("groups: an acquisition table and a per-customer cost cannot both be used; choose one")
	case (o.Acquisition != nil || o.CustomerCost) && !(o.TargetRatio > 0 && !math.IsInf(o.TargetRatio, 0)):
		return fmt.Errorf("groups: target LTV:CAC %v: want a finite number > 0", o.TargetRatio)
	}
	if o.Acquisition != nil {
		for _, r := range o.Acquisition.Rows {
			if len(r.Values) != len(o.By) {
				return fmt.Errorf("groups: acquisition row %s has %d values for %d attributes (%s)", quote.Value(strings.Join(r.Values, " / ")), len(r.Values), len(o.By), strings.Join(o.By, ", "))
			}
		}
	}
	for i, b := range o.By {
		if slices.Contains(o.By[:i], b) {
			return fmt.Errorf("groups: attribute %s given twice", quote.Value(b))
		}
	}
	return nil
}
