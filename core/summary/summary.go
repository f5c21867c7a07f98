package summary

import (
	"cmp"

	"github.com/clvkit/clvkit/core/attr"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Work is split across the cores above these sizes (variables for tests).
var (
	parallelCustomers = 1 << 16 // customers to sort or summarize
	parallelRows      = 1 << 20 // log rows to group
	eachBlock         = 1 << 12 // customers EachCustomer summarizes at a time
)

// Customer is one customer's summary in the BTYD convention of lifetimes.
// With a calibration/holdout split every field but the Holdout ones
// describes the calibration window only.
type Customer struct {
	// ID is the customer id exactly as written.
	ID string
	// Frequency is the number of repeat purchase periods: distinct grain
	// periods with a purchase, minus one.
	Frequency int
	// Recency is the time from the first to the last purchase period, in
	// the unit (0 when Frequency is 0).
	Recency float64
	// T is the time from the first purchase period to the period of the
	// observation end (calibration end with a split), in the unit.
	T float64
	// Monetary is the mean amount of the repeat purchase periods (the
	// first period excluded; amounts in one period add), 0 when Frequency
	// is 0.
	Monetary float64
	// First and Last are the dates of the first and last transactions, as
	// midnight UTC.
	First, Last time.Time
	// Orders is the number of transactions (not periods).
	Orders int
	// Revenue is the sum of all amounts, the first purchase included.
	Revenue float64
	// FrequencyHoldout is the number of distinct purchase periods in the
	// holdout window (0 without a split).
	FrequencyHoldout int
	// MonetaryHoldout is the mean amount per holdout purchase period, 0 when
	// FrequencyHoldout is 0.
	MonetaryHoldout float64
}

// Report says what happened to the input.
type Report struct {
	// Rows is the number of transactions offered: CSV data rows (header
	// excluded) or Add calls, good or bad.
	Rows int
	// Transactions is the number of transactions kept (on or before the
	// observation end).
	Transactions int
	// Customers is the number of customers in the summary.
	Customers int
	// AfterObservationEnd counts transactions dated after the observation
	// end, left out.
	AfterObservationEnd int
	// NewInHoldout counts customers whose first purchase falls after the
	// calibration end: they are not in the calibration summary.
	NewInHoldout int
	// Filtered counts the rows a row filter (RowRules.Where) left out;
	// they count in Rows.
	Filtered int
	// MissingCustomer counts the rows without a customer id left out
	// (Options.SkipMissingCustomer); they count in Rows.
	MissingCustomer int
	// Returns says what the returns rule did.
	Returns ReturnsReport
	// Skipped counts the bad rows skipped (Options.SkipBadRows) by Kind.
	Skipped map[Kind]int
	// SkippedLines holds the line numbers of the first MaxSkippedLines
	// skipped rows.
	SkippedLines []int
}

// SkippedTotal returns the number of bad rows skipped.
func (r Report) SkippedTotal() int {
	n := 0
	for _, c := range r.Skipped {
		n += c
	}
	return n
}

// Summary is the per-customer summary of a transaction log.
type Summary struct {
	// Customers, sorted by ID: numerically when every id is an integer,
	// else bytewise (see SortIDs).
	Customers []Customer
	// Grain and Unit are the settings used.
	Grain Grain
	Unit  Unit
	// ObservationEnd is the end of the study (the calibration end when
	// HasHoldout), as midnight UTC of its date.
	ObservationEnd time.Time
	// HasHoldout tells whether a calibration end was given.
	HasHoldout bool
	// DurationHoldout is the holdout length, from the calibration end's
	// period to the observation end's period, in the unit.
	DurationHoldout float64
	// Report says how the input was used.
	Report Report
	// Attributes holds the customers' attribute values, aligned with
	// Customers (nil without Options.Attributes): see core/attr.
	Attributes *attr.Set
}

// Summary computes the summary of the transactions added so far. It does
// not consume the Builder: more transactions may be added and Summary
// called again.
//
// Amounts are finite (Add and ReadCSV reject others), but their sums may
// not be: a customer whose amounts add up past the float64 range (two of
// 1.7e308) gives an *OverflowError naming the customer, never an infinite
// or NaN monetary value.
//
// A customer's rows of one day add exactly (purchases apart from returns,
// see dayRow), and these day sums then add in time order, so that sums,
// and hence the result, do not depend on the input's row order.
func (b *Builder) Summary() (Summary, error) {
	s, run := b.startSummary()
	// Customers are independent: on several cores, parts of the rank range
	// are summarized in parallel into their own stretch of the output,
	// then closed up.
	nc := len(b.order)
	all := make([]Customer, nc)
	kept, err := run.ranks(0, nc, all)
	if err != nil {
		return Summary{}, err
	}
	clear(all[kept:])
	s.Customers = all[:kept:kept]
	run.finish(&s, nc, kept)
	if b.attrs != nil {
		s.Attributes = b.attributes(s.Customers)
	}
	return s, nil
}

// EachCustomer is Summary without holding every customer's summary: it
// calls fn with each customer of the summary in turn, in the order of
// Summary.Customers, and returns the Summary without Customers. fn also
// gets the Summary's settings (Grain, Unit, ObservationEnd, HasHoldout,
// DurationHoldout; Report and Customers are not set yet), so that it can
// write each customer's row as it comes. The values are those of Summary,
// bit for bit; only the memory differs: customers are summarized 4,096 at
// a time (on all cores), into two buffers that are reused, one filled
// while fn walks the other, so fn must not keep the pointers. A summary
// of a million customers thus needs about a megabyte rather than a
// hundred and more, and fn's work overlaps the summarizing.
//
// An error of fn stops the walk and is returned; so is the OverflowError
// that Summary would return, after fn may have been called for some of
// the customers before it (the caller discards what it wrote). With
// Options.Attributes, which need every customer, it calls Summary and
// walks its Customers.
func (b *Builder) EachCustomer(fn func(s *Summary, c *Customer) error) (Summary, error) {
	if b.attrs != nil {
		s, err := b.Summary()
		if err != nil {
			return Summary{}, err
		}
		head := s
		head.Customers, head.Report = nil, Report{}
		for i := range s.Customers {
			if err := fn(&head, &s.Customers[i]); err != nil {
				return Summary{}, err
			}
		}
		s.Customers = nil
		return s, nil
	}
	s, run := b.startSummary()
	head := s
	nc := len(b.order)
	run.parallel = nc >= parallelCustomers
	// Two buffers: a goroutine summarizes a block into one while fn
	// walks the other, so that the caller's work on each customer (its
	// output row) overlaps the summarizing.
	type block struct {
		buf []Customer
		n   int
		err error
	}
	size := min(nc, eachBlock)
	free := make(chan *block, 2)
	for range 2 {
		free <- &block{buf: make([]Customer, size)}
	}
	blocks := make(chan *block, 1)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(blocks)
		for r0 := 0; r0 < nc; r0 += size {
			var bl *block
			select {
			case bl = <-free:
			case <-done:
				return
			}
			r1 := min(nc, r0+size)
			bl.n, bl.err = run.ranks(r0, r1, bl.buf[:r1-r0])
			select {
			case blocks <- bl:
			case <-done:
				return
			}
			if bl.err != nil {
				return
			}
		}
	})
	// stop ends the walk early; the Builder is not touched once it
	// returns.
	stop := func() {
		close(done)
		wg.Wait()
	}
	kept := 0
	for bl := range blocks {
		if bl.err != nil {
			stop()
			return Summary{}, bl.err
		}
		for i := range bl.n {
			if err := fn(&head, &bl.buf[i]); err != nil {
				stop()
				return Summary{}, err
			}
		}
		kept += bl.n
		clear(bl.buf)
		free <- bl // never blocks: there are two
	}
	wg.Wait()
	run.finish(&s, nc, kept)
	return s, nil
}

// startSummary groups the log and returns the Summary's settings (no
// customers, no Report yet) and the run that summarizes customers.
func (b *Builder) startSummary() (Summary, *summaryRun) {
	g := b.opt.Grain
	// A difference of p periods lasts p × nominalDays days, expressed in
	// the unit. Multiplying before dividing keeps days/7 correctly rounded
	// and whole periods exact when the unit is the grain's own length.
	gd, ud := g.nominalDays(), b.opt.Unit.days()
	dist := func(p int32) float64 { return float64(p) * gd / ud }
	endDay := b.obsDay
	if b.holdout {
		endDay = b.calDay
	}
	endPeriod := g.period(endDay)

	b.group()
	s := Summary{
		Grain:          g,
		Unit:           b.opt.Unit,
		ObservationEnd: dayTime(endDay),
		HasHoldout:     b.holdout,
	}
	if s.Unit.Days == 0 {
		s.Unit = Days
	}
	if b.holdout {
		s.DurationHoldout = dist(g.period(b.obsDay) - endPeriod)
	}

	// summarize writes the summaries of the customers of ranks [r0, r1) to
	// out, in order, and returns how many it wrote, or the first customer
	// whose amounts do not add up to a finite number. A customer with
	// returns goes through summarizeReturns, which counts into st; under
	// ReturnsNet its unmatched return value is appended to *unmatched.
	summarize := func(r0, r1 int, out []Customer, st *returnStats, unmatched *[]float64) (int, error) {
		n := 0
		var buf []period
		var rows []dayRow
		var touched uint64
		defer func() { st.touched += touched }()
		for r := r0; r < r1; r++ {
			if (r-r0)&(touchBlock-1) == 0 {
				touched += b.touchCustomers(min(r+lookAhead, r1), min(r+lookAhead+touchBlock, r1))
			}
			rows = b.days(r, rows)
			if b.opt.Returns != ReturnsPurchase && hasReturn(rows) {
				var ok bool
				var u float64
				var err error
				ok, u, buf, err = b.summarizeReturns(&out[n], b.order[r], rows, endDay, endPeriod, dist, buf, st)
				if err != nil {
					out[n] = Customer{}
					return n, err
				}
				if b.opt.Returns == ReturnsNet {
					*unmatched = append(*unmatched, u)
				}
				if ok {
					c := &out[n]
					n++
					if !isFinite(c.Revenue) || !isFinite(c.Monetary) || !isFinite(c.MonetaryHoldout) {
						return n, &OverflowError{Customer: c.ID}
					}
				}
				continue
			}
			if rows[0].day > endDay {
				continue // new in the holdout window
			}
			// Fields are set one by one: out is freshly zeroed, and
			// copying a whole Customer (which holds pointers) costs
			// write barriers while the collector runs.
			c := &out[n]
			n++
			c.ID = b.id(b.order[r])
			c.First = dayTime(rows[0].day)
			var (
				firstP   = g.period(rows[0].day)
				curP     = firstP
				curSum   float64
				repeat   float64
				periods  int
				lastP    = firstP
				lastDay  = rows[0].day
				k        int
				holdP    int32
				holdSum  float64
				holdN    int
				holdMean float64
			)
			for k = 0; k < len(rows) && rows[k].day <= endDay; k++ {
				c.Orders += rows[k].rows
				c.Revenue += rows[k].amount
				lastDay = rows[k].day
				p := g.period(rows[k].day)
				if p != curP {
					if periods > 0 {
						repeat += curSum
					}
					periods++
					curP, curSum = p, 0
				}
				curSum += rows[k].amount
				lastP = p
			}
			if periods > 0 {
				repeat += curSum
			}
			c.Frequency = periods
			c.Last = dayTime(lastDay)
			c.Recency = dist(lastP - firstP)
			c.T = dist(endPeriod - firstP)
			if periods > 0 {
				c.Monetary = repeat / float64(periods)
			}
			// Holdout window: the remaining rows (day > calibration end).
			for ; k < len(rows); k++ {
				p := g.period(rows[k].day)
				if holdN == 0 || p != holdP {
					if holdN > 0 {
						holdMean += holdSum
					}
					holdN++
					holdP, holdSum = p, 0
				}
				holdSum += rows[k].amount
			}
			if holdN > 0 {
				holdMean += holdSum
				c.FrequencyHoldout = holdN
				c.MonetaryHoldout = holdMean / float64(holdN)
			}
			// Finite amounts can add up past ±1.8e308. Once a partial
			// sum is infinite every later one is ±Inf or NaN, so the
			// totals tell. Monetary and MonetaryHoldout are these sums
			// divided by a count, finite when they are.
			if !isFinite(c.Revenue) || !isFinite(repeat) || !isFinite(holdMean) {
				return n, &OverflowError{Customer: c.ID}
			}
		}
		return n, nil
	}

	return s, &summaryRun{b: b, summarize: summarize}
}

// touchCustomers reads the first log entry and the id of the customers of
// ranks r0 to r1 and returns the sum of what it read: customers are
// summarized in rank order, and, in a log grouped by position (byPos) or
// an arena of ids in position order, each is a cache miss away from the
// previous one; touching a block of them ahead overlaps the misses (see
// touchBlock).
func (b *Builder) touchCustomers(r0, r1 int) uint64 {
	var t uint64
	for r := r0; r < r1; r++ {
		p := b.order[r]
		if b.byPos {
			t += uint64(b.at(int(b.off[p])).key)
		}
		if end := b.idEnd[p]; end > 0 {
			t += uint64(b.idData[end-1])
		}
	}
	return t
}

// summaryRun summarizes ranges of customer ranks, in rank order, and
// adds up what the Report needs from them.
type summaryRun struct {
	b         *Builder
	parallel  bool // a range of a large summary: split it even when short
	summarize func(r0, r1 int, out []Customer, st *returnStats, unmatched *[]float64) (int, error)
	stats     returnStats
	// unmatched is the total unmatched return value, added customer by
	// customer in rank order (the customers with returns: the others
	// would add +0), so that it does not depend on how the work was
	// split (scratch: the parts' values for one range).
	unmatched float64
	scratch   [][]float64
}

// ranks summarizes the customers of ranks [r0, r1) into out (r1−r0
// long, zeroed) and returns how many it wrote at the start of out, or
// the first error in id order.
func (run *summaryRun) ranks(r0, r1 int, out []Customer) (int, error) {
	nc := r1 - r0
	parts := 1
	if nc >= parallelCustomers || run.parallel && nc >= parallelCustomers/64 {
		parts = min(runtime.GOMAXPROCS(0), 8)
	}
	counts := make([]int, parts)
	stats := make([]returnStats, parts)
	for len(run.scratch) < parts {
		run.scratch = append(run.scratch, nil)
	}
	unmatched := run.scratch[:parts]
	errs := make([]error, parts)
	var wg sync.WaitGroup
	for p := range parts {
		lo, hi := nc*p/parts, nc*(p+1)/parts
		unmatched[p] = unmatched[p][:0]
		wg.Go(func() { counts[p], errs[p] = run.summarize(r0+lo, r0+hi, out[lo:hi], &stats[p], &unmatched[p]) })
	}
	wg.Wait()
	// The first error in id order, whatever the number of parts.
	for _, err := range errs {
		if err != nil {
			return 0, err
		}
	}
	kept := 0
	for p := range parts {
		lo := nc * p / parts
		if lo == kept { // nothing to close up (no customer left out)
			kept += counts[p]
			continue
		}
		kept += copy(out[kept:], out[lo:lo+counts[p]])
	}
	for _, st := range stats {
		run.stats.returns += st.returns
		run.stats.refunded += st.refunded
		run.stats.removed += st.removed
	}
	for _, us := range unmatched { // parts in rank order
		for _, u := range us {
			run.unmatched += u
		}
	}
	return kept, nil
}

// finish sets s.Report once the nc customers are summarized, kept of them
// in the summary.
func (run *summaryRun) finish(s *Summary, nc, kept int) {
	b := run.b
	rr := ReturnsReport{Rule: b.opt.Returns, Returns: run.stats.returns, RefundedPeriods: run.stats.refunded,
		CustomersRemoved: run.stats.removed, UnmatchedValue: run.unmatched}
	if b.opt.Returns == ReturnsPurchase {
		rr.Returns = b.returns()
	}
	s.Report = Report{
		Returns:             rr,
		Rows:                b.rows,
		Filtered:            b.filtered,
		MissingCustomer:     b.missing,
		Transactions:        b.kept,
		Customers:           kept,
		AfterObservationEnd: b.after,
		NewInHoldout:        nc - kept - rr.CustomersRemoved,
		Skipped:             maps.Clone(b.skipped),
		SkippedLines:        slices.Clone(b.skippedLines),
	}
}

// sortedCustomers returns customer positions ordered by id (see SortIDs).
// Ids are sorted as (key, position) pairs whose key orders most of them
// without looking at the strings (see sortKeyed), on all cores.
func (b *Builder) sortedCustomers() []int32 {
	n := b.numIDs()
	order := make([]int32, n)
	allInt := true
	for i := range n {
		if !IsIntegerID(b.id(int32(i))) {
			allInt = false
			break
		}
	}
	if !allInt {
		// Bytewise: the key is the first 8 bytes, big-endian, zero-padded;
		// keys that differ order their ids, equal keys fall back to the
		// strings.
		ks := make([]keyedID, n)
		for i := range n {
			id := b.id(int32(i))
			var v uint64
			for j := range 8 {
				v <<= 8
				if j < len(id) {
					v |= uint64(id[j])
				}
			}
			ks[i] = keyedID{v, int32(i)}
		}
		return b.sortKeyed(ks, order)
	}
	// Integer ids: sort by value when every value fits in 18 digits (the
	// common case, and much faster), else by CompareIDs.
	ks := make([]keyedID, len(order))
	for i := range n {
		t := strings.TrimLeft(b.id(int32(i)), "0")
		if len(t) > 18 {
			for j := range order {
				order[j] = int32(j)
			}
			slices.SortFunc(order, func(x, y int32) int { return CompareIDs(b.id(x), b.id(y), true) })
			return order
		}
		v, _ := intKey(t)
		ks[i] = keyedID{v, int32(i)}
	}
	return b.sortKeyed(ks, order)
}

// keyedID is a customer position with a sort key.
type keyedID struct {
	v uint64
	i int32
}

// sortKeyed sorts ks by key, equal keys by id bytewise, and writes the
// positions in that order to order, which it returns. Ids are distinct, so
// the order is total and the result does not depend on how the work is
// split: on several cores, parts are sorted in parallel and merged.
func (b *Builder) sortKeyed(ks []keyedID, order []int32) []int32 {
	cmpKeyed := func(x, y keyedID) int {
		if c := cmp.Compare(x.v, y.v); c != 0 {
			return c
		}
		return strings.Compare(b.id(x.i), b.id(y.i))
	}
	parts := 1
	if len(ks) >= parallelCustomers {
		parts = min(runtime.GOMAXPROCS(0), 8)
	}
	bounds := make([]int, parts+1)
	for p := range bounds {
		bounds[p] = len(ks) * p / parts
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { slices.SortFunc(ks[bounds[p]:bounds[p+1]], cmpKeyed) })
	}
	wg.Wait()
	// Merge the sorted parts straight into order (ids are distinct: no
	// ties between parts).
	heads := slices.Clone(bounds[:parts])
	for j := range order {
		best := -1
		for p, h := range heads {
			if h < bounds[p+1] && (best < 0 || cmpKeyed(ks[h], ks[heads[best]]) < 0) {
				best = p
			}
		}
		order[j] = ks[heads[best]].i
		heads[best]++
	}
	return order
}
