package summary

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/clvkit/clvkit/internal/quote"
)

// Options configures a Builder.
type Options struct {
	// Grain is what counts as one purchase period (default Day).
	Grain Grain
	// Unit is the unit of recency, T and the holdout duration (default Days).
	Unit Unit
	// ObservationEnd is the last day of the study, inclusive: a purchase on
	// that date counts. Only its calendar date (in its own location) is
	// used. Required: there is no implicit "today".
	ObservationEnd time.Time
	// CalibrationEnd, when not zero, splits the study into a calibration
	// window (up to and including CalibrationEnd) and a holdout window
	// (after it, up to and including ObservationEnd). It must not be after
	// ObservationEnd.
	CalibrationEnd time.Time
	// SkipBadRows skips bad transactions (see ParseError) instead of
	// failing; the Report counts them by Kind.
	SkipBadRows bool
	// Returns is what return rows do (default ReturnsNet): see Returns and
	// the package documentation.
	Returns Returns
	// SkipMissingCustomer leaves rows without a customer id (guest
	// checkouts) out, counted in Report.MissingCustomer, instead of
	// treating them as bad rows.
	SkipMissingCustomer bool
	// Attributes names customer attributes read from the transaction log
	// (columns of a CSV log; Transaction.Attributes for Add): each
	// customer gets the values written on their first purchase, see
	// core/attr. The summary's Attributes holds them. Empty: none.
	Attributes []string
}

// Transaction is one purchase or return. The calendar date of Time in
// Time's own location is its date (no conversion to UTC). A negative Amount
// is a return; so is any row with Return set, whose amount is then taken as
// a refund of |Amount|. Options.Returns says what returns do.
type Transaction struct {
	Customer string    // customer id, kept exactly as written ("0001" stays "0001")
	Time     time.Time // when; only its date matters
	Amount   float64   // monetary value; 0 when the log has no amounts
	Return   bool      // a return whatever the sign of Amount
	// Attributes are the row's values of Options.Attributes, in that
	// order (nil when there are none).
	Attributes []string
}

// MaxSkippedLines is how many line numbers of skipped rows a Report keeps.
const MaxSkippedLines = 10

// entry is one kept transaction: its day (days since 1970-01-01) and amount.
type entry struct {
	day    int32
	amount float64
}

// logRow is a transaction waiting in the arrival log.
type logRow struct {
	cust   int32
	day    int32
	amount float64
}

// logChunk is the number of rows per arrival-log chunk (1 MiB).
const logChunk = 1 << 16

// Builder accumulates transactions, in any order, and produces the
// per-customer Summary and the acquisition Cohorts. A Builder is not safe
// for concurrent use.
//
// Memory: each customer costs its id, an index entry and a few words; each
// kept transaction costs 16 bytes while it waits in an append-only arrival
// log and 12 bytes once Summary or Cohorts has grouped it by customer. The
// raw log is never held.
type Builder struct {
	opt     Options
	obsDay  int32
	calDay  int32
	holdout bool

	// Customer ids → position in ids. Canonical decimal integers (no
	// leading zero, at most 18 digits) are keyed by value, which is much
	// faster than hashing and comparing strings; other ids by string.
	// Small integer ids (below len(direct)) are looked up in a table
	// indexed by value holding position+1 (0: not seen), which avoids a
	// hash-map cache miss per row on the dense numeric ids typical of
	// transaction logs; the table grows while it stays within a few times
	// the number of customers.
	direct   []int32
	intIndex map[uint64]int32
	strs     idTable // other ids

	// The ids, by position, stored once in a pointer-free arena: id i is
	// idData[idEnd[i-1]:idEnd[i]] (from 0 for i = 0), see id. Bytes below
	// len(idData) are never written again, so strings made from them with
	// unsafe.String (id, the summary's Customer.ID) stay valid and
	// immutable; growing idData leaves them on the old array. A million
	// customers thus cost two pointer-free arrays for the collector, not a
	// million string headers to scan.
	idData []byte
	idEnd  []int

	// The customer of the previous row, looked up without the index when
	// the next row has the same id (logs are often grouped by customer).
	lastID  string
	lastKey uint64
	lastInt bool
	last    int32 // -1: none

	log [][]logRow // arrival log since the last grouping

	// Grouped transactions, by customer in output order (see SortIDs):
	// order[r] is the customer of rank r and its transactions are
	// days[off[r]:off[r+1]] and amounts[off[r]:off[r+1]], sorted by (day,
	// amount). Summary and Cohorts thus read them sequentially.
	order   []int32
	off     []int32
	days    []int32
	amounts []float64

	rows         int // transactions offered (CSV data rows or Add calls)
	kept         int
	after        int
	filtered     int // rows a row filter left out
	missing      int // rows without a customer id left out
	skipped      map[Kind]int
	skippedLines []int

	attrs *attrTracker // nil without Options.Attributes
}

// NewBuilder returns a Builder for opt. It fails when ObservationEnd is zero,
// CalibrationEnd is after ObservationEnd, the grain is unknown or the unit
// is not a positive finite number of days.
func NewBuilder(opt Options) (*Builder, error) {
	if opt.ObservationEnd.IsZero() {
		return nil, errors.New("summary: observation end is required")
	}
	if !opt.Grain.valid() {
		return nil, fmt.Errorf("summary: unknown grain %v", opt.Grain)
	}
	if !opt.Returns.valid() {
		return nil, fmt.Errorf("summary: unknown returns rule %v", opt.Returns)
	}
	if d := opt.Unit.Days; d < 0 || math.IsNaN(d) || math.IsInf(d, 0) {
		return nil, fmt.Errorf("summary: unit of %v days: want a positive finite number", d)
	}
	obs, err := dateDays(opt.ObservationEnd)
	if err != nil {
		return nil, fmt.Errorf("summary: observation end: %w", err)
	}
	b := &Builder{opt: opt, obsDay: obs, calDay: obs,
		intIndex: make(map[uint64]int32), last: -1}
	if !opt.CalibrationEnd.IsZero() {
		cal, err := dateDays(opt.CalibrationEnd)
		if err != nil {
			return nil, fmt.Errorf("summary: calibration end: %w", err)
		}
		if cal > obs {
			return nil, fmt.Errorf("summary: calibration end %s is after observation end %s",
				dayTime(cal).Format(time.DateOnly), dayTime(obs).Format(time.DateOnly))
		}
		b.calDay, b.holdout = cal, true
	}
	for i, name := range opt.Attributes {
		if strings.TrimSpace(name) == "" {
			return nil, fmt.Errorf("summary: attribute %d has no name", i+1)
		}
		for _, prev := range opt.Attributes[:i] {
			if prev == name {
				return nil, fmt.Errorf("summary: attribute %s is listed twice", quote.Value(name))
			}
		}
	}
	if len(opt.Attributes) > maxAttributes {
		return nil, fmt.Errorf("summary: %d attributes: at most %d", len(opt.Attributes), maxAttributes)
	}
	if len(opt.Attributes) > 0 {
		b.attrs = newAttrTracker(slices.Clone(opt.Attributes))
	}
	return b, nil
}

// Add adds one transaction. A bad transaction (empty customer id, an id
// that is not valid UTF-8, NaN or infinite amount) gives a *ParseError whose Line is the 1-based number of
// this Add call, or is skipped and counted when Options.SkipBadRows is set.
// Transactions after the observation end are not errors: they are left out
// and counted in Report.AfterObservationEnd.
func (b *Builder) Add(t Transaction) error {
	b.rows++
	if t.Customer == "" {
		return b.bad(&ParseError{Line: b.rows, Field: "customer", Kind: EmptyCustomer, Err: errEmptyID})
	}
	if !utf8.ValidString(t.Customer) {
		return b.bad(badID(b.rows, "", t.Customer))
	}
	if math.IsNaN(t.Amount) || math.IsInf(t.Amount, 0) {
		return b.bad(&ParseError{Line: b.rows, Customer: strings.Clone(quote.Prefix(t.Customer)), Field: "amount", Value: fmt.Sprint(t.Amount), Kind: BadAmount, Err: errNotFinite})
	}
	d, err := dateDays(t.Time)
	if err != nil {
		return b.bad(&ParseError{Line: b.rows, Customer: strings.Clone(quote.Prefix(t.Customer)), Field: "date", Value: t.Time.String(), Kind: BadDate, Err: err})
	}
	var codes []int32
	if b.attrs != nil {
		if len(t.Attributes) != len(b.attrs.names) {
			return b.bad(&ParseError{Line: b.rows, Customer: strings.Clone(quote.Prefix(t.Customer)), Field: "attributes", Kind: MissingField,
				Err: fmt.Errorf("%d attribute values, want %d (%s)", len(t.Attributes), len(b.attrs.names), strings.Join(b.attrs.names, ", "))})
		}
		var col string
		var err error
		if codes, col, err = b.attrs.intern(b.attrs.scratch[:0], t.Attributes); err != nil {
			return b.bad(&ParseError{Line: b.rows, Customer: strings.Clone(quote.Prefix(t.Customer)), Field: "attribute", Column: col, Kind: BadValue, Err: err})
		}
		b.attrs.scratch = codes
	}
	amount := t.Amount
	switch {
	case t.Return:
		amount = returnAmount(amount)
	case amount == 0:
		amount = 0 // −0 is no return
	}
	if i := b.add(t.Customer, d, amount); i >= 0 && b.attrs != nil {
		b.attrs.observe(i, d, amount, codes)
	}
	return nil
}

// AttributeNames returns Options.Attributes: the attribute values each
// Transaction carries, in order.
func (b *Builder) AttributeNames() []string {
	if b.attrs == nil {
		return nil
	}
	return slices.Clone(b.attrs.names)
}

// Rows returns the number of transactions offered so far (CSV data rows
// read or Add calls), skipped bad rows included.
func (b *Builder) Rows() int { return b.rows }

// returnAmount is how a row marked as a return is stored: −|amount|, so
// that a marked return of zero value is −0 (see isReturn).
func returnAmount(amount float64) float64 { return -math.Abs(amount) }

// Filtered counts one row that a row filter (RowRules.Where) left out, for
// readers other than ReadCSV that apply the rules themselves: it counts in
// Report.Rows and Report.Filtered.
func (b *Builder) Filtered() {
	b.rows++
	b.filtered++
}

// bad records a bad row when skipping, else returns it. A row without a
// customer id is left out and counted when Options.SkipMissingCustomer is
// set.
func (b *Builder) bad(e *ParseError) error {
	if e.Kind == EmptyCustomer && b.opt.SkipMissingCustomer {
		b.missing++
		return nil
	}
	if !b.opt.SkipBadRows {
		return e
	}
	if b.skipped == nil {
		b.skipped = make(map[Kind]int)
	}
	b.skipped[e.Kind]++
	if len(b.skippedLines) < MaxSkippedLines {
		b.skippedLines = append(b.skippedLines, e.Line)
	}
	return nil
}

// add keeps one valid transaction and returns the customer's position
// (-1: after the observation end). The id may share a buffer that is
// reused after the call (the CSV reader's records): it is copied when
// stored.
func (b *Builder) add(id string, day int32, amount float64) int32 {
	key, intID := intKey(id)
	return b.addKeyed(id, key, intID, day, amount)
}

// addKeyed is add with intKey(id) already computed. A negative amount,
// including −0, is a return (see isReturn): callers pass returnAmount for
// rows marked as returns and plain amounts otherwise. It returns the
// customer's position, or -1 when the row is after the observation end.
func (b *Builder) addKeyed(id string, key uint64, intID bool, day int32, amount float64) int32 {
	if day > b.obsDay {
		b.after++
		return -1
	}
	b.kept++
	i := b.last
	if i < 0 || intID != b.lastInt || intID && key != b.lastKey || !intID && id != b.lastID {
		i = b.customer(id, key, intID)
		b.last, b.lastKey, b.lastInt = i, key, intID
		if !intID {
			// Integer ids are compared by key: reading the stored id
			// would cost a cache miss per row on a shuffled log.
			b.lastID = b.id(i)
		}
	}
	n := len(b.log)
	if n == 0 || len(b.log[n-1]) == cap(b.log[n-1]) {
		// Chunks double from 4096 rows up to logChunk, so a small file
		// does not pay for clearing a whole 1 MiB chunk.
		size := logChunk
		if n < 4 {
			size = logChunk >> (4 - n)
		}
		b.log = append(b.log, make([]logRow, 0, size))
		n++
	}
	b.log[n-1] = append(b.log[n-1], logRow{i, day, amount})
	return i
}

// customer returns the position of the customer id (with intKey(id) =
// key, intID), adding it if new.
func (b *Builder) customer(id string, key uint64, intID bool) int32 {
	if intID {
		if key >= uint64(len(b.direct)) && key < b.directLimit() {
			b.growDirect(key)
		}
		if key < uint64(len(b.direct)) {
			i := b.direct[key] - 1
			if i < 0 {
				i = b.newCustomer(id)
				b.direct[key] = i + 1
			}
			return i
		}
		i, found := b.intIndex[key]
		if !found {
			i = b.newCustomer(id)
			b.intIndex[key] = i
		}
		return i
	}
	return b.strs.customer(b, id)
}

// directLimit is the largest size the direct id table may grow to: 4 slots
// per customer, at least 1<<20 (4 MiB).
func (b *Builder) directLimit() uint64 {
	return max(1<<20, 4*uint64(len(b.idEnd)))
}

// growDirect grows the direct table to hold key, moving the ids it now
// covers out of the hash map.
func (b *Builder) growDirect(key uint64) {
	n := max(1<<16, 2*uint64(len(b.direct)))
	for n <= key {
		n *= 2
	}
	n = min(n, b.directLimit())
	t := make([]int32, n)
	copy(t, b.direct)
	for k, i := range b.intIndex {
		if k < n {
			t[k] = i + 1
			delete(b.intIndex, k)
		}
	}
	b.direct = t
}

// newCustomer stores id, a non-empty string, at the next position and
// returns that position. The id is copied into the arena, so the caller's
// string may share a buffer that is reused (the CSV reader's records).
func (b *Builder) newCustomer(id string) int32 {
	b.idData = append(b.idData, id...)
	b.idEnd = append(b.idEnd, len(b.idData))
	return int32(len(b.idEnd) - 1)
}

// numIDs returns the number of customers.
func (b *Builder) numIDs() int { return len(b.idEnd) }

// id returns the id of the customer at position i, a string over the
// arena (see Builder.idData), without allocating.
func (b *Builder) id(i int32) string {
	lo := 0
	if i > 0 {
		lo = b.idEnd[i-1]
	}
	hi := b.idEnd[i]
	if hi == lo {
		return ""
	}
	return unsafe.String(&b.idData[lo], hi-lo)
}

// intKey returns the value of a canonical decimal integer id: 1 to 18
// digits, no leading zero unless the id is "0".
func intKey(id string) (uint64, bool) {
	if len(id) == 0 || len(id) > 18 || (id[0] == '0' && len(id) > 1) {
		return 0, false
	}
	var v uint64
	for i := 0; i < len(id); i++ {
		c := id[i] - '0'
		if c > 9 {
			return 0, false
		}
		v = v*10 + uint64(c)
	}
	return v, true
}

// group moves the arrival log into the grouped arrays, customers in output
// order, sorting each customer's transactions by (day, amount): the
// canonical order in which amounts are added, so results do not depend on
// the input's row order.
//
// It is a counting sort split across the cores: each worker owns a
// contiguous run of log chunks. While the customers are sorted, the workers
// count their rows per customer; each customer then gets, in output order,
// its previously grouped entries followed by one stretch per worker, and
// the workers scatter their rows into their stretches, dropping each chunk
// once it is copied so that the collector can reclaim the log as the
// grouped arrays fill. The layout is that of a sequential pass (arrival
// order within a customer), whatever the number of workers.
func (b *Builder) group() {
	if len(b.log) == 0 && len(b.off) == b.numIDs()+1 {
		return
	}
	n := b.numIDs()
	rows := 0
	for _, c := range b.log {
		rows += len(c)
	}
	workers := 1
	if rows >= parallelRows {
		workers = min(runtime.GOMAXPROCS(0), 8, len(b.log))
	}
	// chunks returns worker w's run of log chunks.
	chunks := func(w int) (int, int) { return len(b.log) * w / workers, len(b.log) * (w + 1) / workers }

	// Sort the customers while the workers count their rows: cur[w][i] is
	// the number of worker w's rows of customer i, then where the next one
	// goes.
	var order []int32
	cur := make([][]int32, workers)
	var wg sync.WaitGroup
	wg.Go(func() { order = b.sortedCustomers() })
	for w := range workers {
		wg.Go(func() {
			cnt := make([]int32, n)
			c0, c1 := chunks(w)
			for _, c := range b.log[c0:c1] {
				for _, row := range c {
					cnt[row.cust]++
				}
			}
			cur[w] = cnt
		})
	}
	wg.Wait()

	// Offsets in output order; the previous grouping's entries come first.
	prev := make([]int32, n) // customer → its entries in the previous grouping
	for r := 0; r+1 < len(b.off); r++ {
		prev[b.order[r]] = b.off[r+1] - b.off[r]
	}
	off := make([]int32, n+1)
	pos := int32(0)
	for r, i := range order {
		off[r] = pos
		pos += prev[i]
		for _, cnt := range cur {
			k := cnt[i]
			cnt[i] = pos
			pos += k
		}
	}
	off[n] = pos
	prev = nil
	days := make([]int32, pos)
	amounts := make([]float64, pos)
	if len(b.off) > 0 {
		rank := make([]int32, n) // customer → new rank
		for r, i := range order {
			rank[i] = int32(r)
		}
		for r := 0; r+1 < len(b.off); r++ {
			lo, hi := b.off[r], b.off[r+1]
			j := off[rank[b.order[r]]]
			copy(days[j:], b.days[lo:hi])
			copy(amounts[j:], b.amounts[lo:hi])
		}
		b.days, b.amounts = nil, nil
	}
	for w := range workers {
		wg.Go(func() {
			next := cur[w]
			c0, c1 := chunks(w)
			for ci := c0; ci < c1; ci++ {
				for _, row := range b.log[ci] {
					j := next[row.cust]
					days[j], amounts[j] = row.day, row.amount
					next[row.cust] = j + 1
				}
				b.log[ci] = nil // let the collector have it
			}
		})
	}
	wg.Wait()
	b.log, cur = nil, nil
	if rows >= parallelRows {
		// The arrival log (16 bytes a row) is now garbage. Collect it at
		// once rather than at the next automatic cycle: the summary's
		// output is then allocated in its memory, which keeps the peak
		// heap near the log plus the grouped arrays, and reuses pages
		// already mapped instead of faulting in fresh ones.
		runtime.GC()
	}
	// Customers are independent: sort them in parallel parts.
	parts := 1
	if n >= parallelCustomers {
		parts = min(runtime.GOMAXPROCS(0), 8)
	}
	for p := range parts {
		wg.Go(func() { sortEntries(off[n*p/parts:n*(p+1)/parts+1], days, amounts) })
	}
	wg.Wait()
	b.order, b.off, b.days, b.amounts = order, off, days, amounts
}

// sortEntries sorts the transactions of each customer by (day, amount):
// for each r, days[off[r]:off[r+1]] and amounts[off[r]:off[r+1]].
func sortEntries(off []int32, days []int32, amounts []float64) {
	var buf []entry
	for r := 0; r+1 < len(off); r++ {
		lo, hi := off[r], off[r+1]
		sorted := true
		for j := lo + 1; j < hi; j++ {
			if lessEntry(entry{days[j], amounts[j]}, entry{days[j-1], amounts[j-1]}) {
				sorted = false
				break
			}
		}
		if sorted {
			continue
		}
		buf = buf[:0]
		for j := lo; j < hi; j++ {
			buf = append(buf, entry{days[j], amounts[j]})
		}
		slices.SortFunc(buf, cmpEntry)
		for j, e := range buf {
			days[lo+int32(j)], amounts[lo+int32(j)] = e.day, e.amount
		}
	}
}

func cmpEntry(x, y entry) int {
	if c := cmp.Compare(x.day, y.day); c != 0 {
		return c
	}
	return cmp.Compare(x.amount, y.amount)
}

func lessEntry(x, y entry) bool { return cmpEntry(x, y) < 0 }
