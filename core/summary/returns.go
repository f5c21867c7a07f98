package summary

import (
	"fmt"
	"math"
)

// Returns says what a return row does to the summary. A return is a row
// with a negative amount, or one marked as a return (Transaction.Return, or
// the host's is_return rule), whatever the sign of its amount.
type Returns int

const (
	// ReturnsNet (the default) nets each return against the customer's
	// purchase periods, latest first: see the package documentation.
	ReturnsNet Returns = iota
	// ReturnsDrop ignores return rows.
	ReturnsDrop
	// ReturnsPurchase treats a return row as an ordinary row: its amount
	// adds into its period, which counts as a purchase period. This is
	// lifetimes' behaviour, kept for parity.
	ReturnsPurchase
)

// ParseReturns returns the Returns rule named by s: "net" (or ""), "drop"
// or "purchase".
func ParseReturns(s string) (Returns, error) {
	switch s {
	case "", "net":
		return ReturnsNet, nil
	case "drop":
		return ReturnsDrop, nil
	case "purchase":
		return ReturnsPurchase, nil
	}
	return 0, fmt.Errorf("unknown returns rule %q: want net, drop or purchase", s)
}

// String returns the name ParseReturns accepts.
func (r Returns) String() string {
	switch r {
	case ReturnsNet:
		return "net"
	case ReturnsDrop:
		return "drop"
	case ReturnsPurchase:
		return "purchase"
	}
	return fmt.Sprintf("Returns(%d)", int(r))
}

func (r Returns) valid() bool { return r >= ReturnsNet && r <= ReturnsPurchase }

// ReturnsReport counts what the returns rule did.
type ReturnsReport struct {
	// Rule is the rule applied.
	Rule Returns
	// Returns is the number of return rows kept (on or before the
	// observation end): dropped under ReturnsDrop, netted under
	// ReturnsNet, ordinary rows under ReturnsPurchase.
	Returns int
	// RefundedPeriods counts purchase periods whose value a return brought
	// to zero or below (ReturnsNet): they are no purchase periods.
	RefundedPeriods int
	// CustomersRemoved counts customers left with no purchase period in the
	// (calibration) window once returns are applied: they are not in the
	// summary.
	CustomersRemoved int
	// UnmatchedValue is the total value of returns (a positive number) left
	// over after netting against every earlier purchase period on the same
	// side of the calibration end (ReturnsNet): returns of purchases made
	// before the log starts, or holdout returns of calibration purchases.
	UnmatchedValue float64
}

// isReturn tells whether a stored amount is a return: its sign bit is set.
// Builder stores returns as negative amounts, and a marked return of zero
// value as −0, so that a log row needs no flag (see Builder.addKeyed).
func isReturn(amount float64) bool { return math.Signbit(amount) }

// hasReturn tells whether any of rows holds returns.
func hasReturn(rows []dayRow) bool {
	for _, r := range rows {
		if r.ret {
			return true
		}
	}
	return false
}

// period is one grain period of a customer's transactions on one side of
// the calibration end, after the returns rule.
type period struct {
	p           int32   // period index
	first, last int32   // days of its first and last purchase rows
	orders      int     // purchase rows (returns excluded)
	value       float64 // its amount after netting
	returned    bool    // a return reduced it, or it holds only returns
}

// returnStats is what netting one part of the customers counted.
type returnStats struct {
	returns, refunded, removed int
	touched                    uint64 // what touchCustomers read (so that its loads are kept)
}

// periods groups one side of a customer's transactions (sorted by (day,
// amount)) into grain periods under the returns rule rule (ReturnsNet or
// ReturnsDrop) and returns the purchase periods left, in time order, using
// buf's storage, with the unmatched return value. The unmatched value is
// not finite when a period's amounts add up past the float64 range (see
// OverflowError).
//
// Under ReturnsNet, within a period amounts add (purchases and returns
// alike, in (day, amount) order, as without returns); then periods are
// visited in time order and a period whose sum is negative, or that holds
// only returns, is set to zero and its deficit taken from the earlier
// periods with a positive value, latest first. What no earlier period can
// absorb is unmatched. A period a return touched and whose value is then
// ≤ 0 is refunded; a period of zero value that no return touched (a free
// order) stays a purchase period.
func periods(buf []period, g Grain, rows []dayRow, rule Returns, st *returnStats) ([]period, float64) {
	ps := buf[:0]
	for _, row := range rows {
		a := row.amount
		ret := row.ret
		if ret {
			st.returns += row.rows
			if rule == ReturnsDrop {
				continue
			}
		}
		p := g.period(row.day)
		if n := len(ps); n == 0 || ps[n-1].p != p {
			ps = append(ps, period{p: p, first: -1})
		}
		q := &ps[len(ps)-1]
		q.value += a
		if ret {
			q.returned = true
			continue
		}
		if q.orders == 0 {
			q.first = row.day
		}
		q.last = row.day
		q.orders += row.rows
	}
	unmatched := 0.0
	for _, q := range ps {
		if !isFinite(q.value) {
			return ps[:0], math.Inf(1)
		}
	}
	if rule == ReturnsNet {
		for i := range ps {
			q := &ps[i]
			if q.value >= 0 && q.orders > 0 {
				continue
			}
			deficit := -q.value
			q.value = 0
			for j := i - 1; j >= 0 && deficit > 0; j-- {
				e := &ps[j]
				if e.value <= 0 {
					continue
				}
				take := min(deficit, e.value)
				e.value -= take
				e.returned = true
				deficit -= take
			}
			unmatched += max(deficit, 0)
		}
	}
	kept := ps[:0]
	for _, q := range ps {
		switch {
		case q.orders == 0: // only returns
		case q.returned && q.value <= 0:
			st.refunded++
		default:
			kept = append(kept, q)
		}
	}
	return kept, unmatched
}

// summarizeReturns writes to c the summary of the customer at position i
// whose transactions (sorted by (day, amount)) hold a return, under
// ReturnsNet or ReturnsDrop, and reports whether the customer has a
// purchase period left in the (calibration) window; if not, c is left
// zeroed and the customer is counted as removed, or as new in the holdout
// when all their transactions are after the calibration end. It returns
// the unmatched return value and buf's storage for reuse.
//
// A customer whose amounts add up past the float64 range gives an
// *OverflowError.
func (b *Builder) summarizeReturns(c *Customer, i int32, rows []dayRow, endDay, endPeriod int32,
	dist func(int32) float64, buf []period, st *returnStats) (bool, float64, []period, error) {
	g := b.opt.Grain
	k := 0
	for k < len(rows) && rows[k].day <= endDay {
		k++
	}
	cal, unmatched := periods(buf, g, rows[:k], b.opt.Returns, st)
	if !isFinite(unmatched) {
		return false, 0, cal[:0], &OverflowError{Customer: b.id(i)}
	}
	if len(cal) == 0 {
		// Count the holdout window's returns all the same.
		_, u := periods(cal, g, rows[k:], b.opt.Returns, st)
		if !isFinite(u) {
			return false, 0, cal[:0], &OverflowError{Customer: b.id(i)}
		}
		if k > 0 {
			st.removed++
		}
		return false, unmatched + u, cal[:0], nil
	}
	c.ID = b.id(i)
	first, last := cal[0], cal[len(cal)-1]
	c.First, c.Last = dayTime(first.first), dayTime(last.last)
	c.Frequency = len(cal) - 1
	c.Recency = dist(last.p - first.p)
	c.T = dist(endPeriod - first.p)
	repeat := 0.0
	for j, q := range cal {
		c.Orders += q.orders
		c.Revenue += q.value
		if j > 0 {
			repeat += q.value
		}
	}
	if c.Frequency > 0 {
		c.Monetary = repeat / float64(c.Frequency)
	}
	// The holdout window nets on its own.
	hold, u := periods(cal[len(cal):], g, rows[k:], b.opt.Returns, st)
	if !isFinite(u) {
		return false, 0, cal[:0], &OverflowError{Customer: c.ID}
	}
	if len(hold) > 0 {
		sum := 0.0
		for _, q := range hold {
			sum += q.value
		}
		c.FrequencyHoldout = len(hold)
		c.MonetaryHoldout = sum / float64(len(hold))
	}
	return true, unmatched + u, cal[:0], nil
}

// returns counts the return rows grouped so far.
func (b *Builder) returns() int {
	n := 0
	for j := range b.n {
		e := b.at(j)
		if e.key&keyPurchase != 0 {
			continue
		}
		if e.key&keyRaw != 0 {
			n++
		} else {
			_, _, c := unpack(e.val())
			n += int(c)
		}
	}
	return n
}
