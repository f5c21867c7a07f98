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

// logRow is one entry of the Builder's log: a customer's rows of one day
// and kind (purchases or returns), added up. v is their packed exact sum
// and row count (see packAmount), or, for a raw entry (one row whose
// amount has no short decimal), the amount's float64 bits.
type logRow struct {
	cust   int32  // customer position
	key    int32  // day<<2 | keyPurchase (not a return) | keyRaw
	lo, hi uint32 // v (see val): two halves, so that an entry takes 12 bytes, not 16
}

// newLogRow returns the entry of customer position i, key k and value v.
func newLogRow(i, k int32, v int64) logRow {
	return logRow{cust: i, key: k, lo: uint32(v), hi: uint32(uint64(v) >> 32)}
}

// val returns the entry's packed amount or float64 bits.
func (e *logRow) val() int64 { return int64(uint64(e.hi)<<32 | uint64(e.lo)) }

// setVal sets the entry's value to v.
func (e *logRow) setVal(v int64) { e.lo, e.hi = uint32(v), uint32(uint64(v)>>32) }

// Bits of logRow.key below the day.
const (
	keyRaw      = 1
	keyPurchase = 2
)

// rowKey returns the log key of a row of day whose amount is a (a return
// when its sign bit is set), and its packed amount.
func rowKey(day int32, amount float64) (int32, int64) {
	k := day << 2
	if !isReturn(amount) {
		k |= keyPurchase
	}
	v, ok := packAmount(amount)
	if !ok {
		return k | keyRaw, int64(math.Float64bits(amount))
	}
	return k, v
}

// The log is stored in chunks of logChunk entries (384 KiB), so that it
// grows without copying and can be sorted in place.
const (
	logChunkBits = 15
	logChunk     = 1 << logChunkBits
)

// Builder accumulates transactions, in any order, and produces the
// per-customer Summary and the acquisition Cohorts. A Builder is not safe
// for concurrent use.
//
// Memory: each customer costs its id, an index entry and a few words; each
// customer-day costs a 12-byte log entry (one for the day's purchases, one
// for its returns): rows of one customer, day and kind add into one entry
// as exact decimals (see packAmount), at once when they follow each other
// in the input (the lines of an order) and when Summary, Cohorts or
// Tracking group the log otherwise. The raw log is never held.
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
	lastID  string // a long text id (see packID)
	lastKey idKey
	touched uint64 // see touch
	last    int32  // -1: none

	// The log: entry j is log[j>>logChunkBits][j&(logChunk-1)], j < n.
	// Rows are appended in arrival order, a row of the same customer, day
	// and kind as the previous entry adding into it. group sorts the log
	// in place by customer and merges each customer's entries of a day
	// and kind.
	log [][]logRow
	n   int

	// scattered: some customer's entries do not follow each other in
	// the log, or not in the order of positions. A log read from a file
	// grouped by customer (each customer's rows together, in any order
	// of customers) is not scattered: positions are handed out in order
	// of first appearance, so the entries are already in position order.
	scattered bool

	// Once grouped (and until the next row), each customer's entries are
	// together, sorted by key: order[r] is the customer of rank r (see
	// SortIDs), and its entries are off[r] to off[r+1] (the log moved
	// into rank order), or, with byPos (a log that was not scattered,
	// left in position order), off[order[r]] to off[order[r]+1].
	grouped bool
	byPos   bool
	order   []int32
	off     []int32

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
		intIndex: make(map[uint64]int32), strs: newIDTable(), last: -1}
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
		b.attrs.observe(i, d, isReturn(amount), codes)
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

// idKey is what looking a customer id up needs, computed by the CSV
// reader's goroutine: the value of an integer id (see intKey), or a text
// id's packing (packID) and hash (idTable.hash).
type idKey struct {
	intID bool
	v     uint64 // the integer value, or packID's k0
	k1    uint64 // packID's k1: 0 for a long text id or an integer id
	h     uint64 // the hash of a text id
}

// keyOf returns id's idKey for a table of t's seed.
func keyOf(id string, t *idTable) idKey {
	if v, ok := intKey(id); ok {
		return idKey{intID: true, v: v}
	}
	k0, k1, _ := packID(id)
	return idKey{v: k0, k1: k1, h: t.hash(id, k0, k1)}
}

// add keeps one valid transaction and returns the customer's position
// (-1: after the observation end). The id may share a buffer that is
// reused after the call (the CSV reader's records): it is copied when
// stored.
func (b *Builder) add(id string, day int32, amount float64) int32 {
	k, v := rowKey(day, amount)
	return b.addKeyed(id, keyOf(id, &b.strs), day, k, v)
}

// addKeyed is add with keyOf(id) and rowKey(day, amount) already
// computed. A negative amount, including −0, is a return (see isReturn):
// callers pass returnAmount for rows marked as returns and plain amounts
// otherwise. It returns the customer's position, or -1 when the row is
// after the observation end.
func (b *Builder) addKeyed(id string, key idKey, day int32, k int32, v int64) int32 {
	if day > b.obsDay {
		b.after++
		return -1
	}
	b.kept++
	b.grouped = false
	i := b.last
	if i < 0 || key != b.lastKey || !key.intID && key.k1 == 0 && id != b.lastID {
		i = b.customer(id, key)
		b.last, b.lastKey = i, key
		if !key.intID && key.k1 == 0 {
			b.lastID = b.id(i) // a long id, compared as a string
		}
	} else if k&keyRaw == 0 {
		// The same customer as the previous row: add into its entry
		// when the day and kind match and the sum fits.
		if e := b.at(b.n - 1); e.key == k && e.cust == i {
			if m, ok := mergePacked(e.val(), v); ok {
				e.setVal(m)
				return i
			}
		}
	}
	if b.n&(logChunk-1) == 0 {
		b.log = append(b.log, make([]logRow, logChunk))
	}
	if b.n > 0 && !b.scattered {
		// A customer other than the previous entry's must be the one
		// just added for the log to stay in position order.
		if c := b.at(b.n - 1).cust; c != i && int(i) != len(b.idEnd)-1 {
			b.scattered = true
		}
	}
	*b.at(b.n) = newLogRow(i, k, v)
	b.n++
	return i
}

// at returns log entry j.
func (b *Builder) at(j int) *logRow { return &b.log[j>>logChunkBits][j&(logChunk-1)] }

// customer returns the position of the customer id (whose idKey is k),
// adding it if new.
func (b *Builder) customer(id string, k idKey) int32 {
	if k.intID {
		key := k.v
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
	return b.strs.customer(b, id, k.h, k.v, k.k1)
}

// touch reads the index slot that looking up the id of key will read, so
// that the memory is on its way into the cache by the time the row is
// added: on a shuffled log of many customers each lookup otherwise waits
// for a cache miss, one row after another. The value read goes to
// b.touched, so the load is not dropped.
func (b *Builder) touch(k idKey) {
	if k.intID {
		if k.v < uint64(len(b.direct)) {
			b.touched += uint64(b.direct[k.v])
		}
		return
	}
	if t := b.strs.slots; len(t) > 0 {
		// A slot may straddle two cache lines: touch both ends.
		s := &t[k.h&uint64(len(t)-1)]
		b.touched += s.k0 + s.meta
	}
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
	// Both arrays double when full: append grows a large slice by a
	// quarter, which allocates five times its final size over a
	// million customers, and fresh memory is costly (a page fault per
	// 4 KiB page touched).
	if len(b.idData)+len(id) > cap(b.idData) {
		b.idData = slices.Grow(b.idData, max(len(id), cap(b.idData), 1<<12))
	}
	if len(b.idEnd) == cap(b.idEnd) {
		b.idEnd = slices.Grow(b.idEnd, max(cap(b.idEnd), 1<<10))
	}
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

// group puts the log in output order: customers by rank (see SortIDs),
// each customer's entries sorted by key, entries of the same customer and
// key merged where their packed sum fits. Sums are exact, so the result
// does not depend on the order of the input rows nor on how the work is
// split.
//
// It sorts in place, so that grouping costs no second copy of the log: a
// counting pass gives each customer its stretch, an in-place permutation
// (American flag sort) moves every entry into its customer's stretch,
// then, on all cores, each customer's entries are sorted and merged within
// its stretch, and a last pass closes up the gaps merging left and frees
// the chunks no longer used.
func (b *Builder) group() {
	if b.grouped {
		return
	}
	n := b.numIDs()
	order := b.sortedCustomers()
	if !b.scattered {
		b.groupByPosition(order)
		return
	}
	rank := make([]int32, n)
	for r, i := range order {
		rank[i] = int32(r)
	}
	// While grouping, an entry's cust field holds its customer's rank.
	start := make([]int32, n+1) // rank r's stretch: start[r] to start[r+1]
	for j := 0; j < b.n; j += logChunk {
		c := b.log[j>>logChunkBits][:min(logChunk, b.n-j)]
		for k := range c {
			c[k].cust = rank[c[k].cust]
			start[c[k].cust+1]++
		}
	}
	rank = nil
	for r := range n {
		start[r+1] += start[r]
	}
	// Two passes of in-place permutation: first into 256 runs of ranks by
	// their high bits (256 write positions, which the caches follow), then
	// each run, small enough to be cached, by rank, runs in parallel.
	shift := 0
	for n>>shift > 256 {
		shift++
	}
	runs := (n-1)>>shift + 1
	bounds := make([]int32, runs+1)
	for r := range runs {
		bounds[r] = start[r<<shift]
	}
	bounds[runs] = start[n]
	b.permute(bounds, 0, shift)
	// Then, per run while it is in the cache, each customer's entries
	// are sorted and merged within its stretch; count[r] is how many are
	// left.
	count := make([]int32, n)
	var wg sync.WaitGroup
	workers := 1
	if b.n >= parallelRows || n >= parallelCustomers {
		workers = min(runtime.GOMAXPROCS(0), 8)
	}
	for w := range workers {
		wg.Go(func() {
			var buf, scratch []logRow
			var pos []int32
			for run := w; run < runs; run += workers {
				lo, hi := run<<shift, min(n, (run+1)<<shift)
				if m := int(bounds[run+1] - bounds[run]); m <= maxScatter {
					scratch, pos = b.scatterRun(start, count, lo, hi, scratch, pos)
					continue
				}
				if bounds[run+1]-bounds[run] > 1 {
					b.permute(start[lo:hi+1], int32(lo), 0)
				}
				buf = b.mergeRange(start, count, lo, hi, buf)
			}
		})
	}
	wg.Wait()
	off := start // reused: closing up only moves entries left
	w := 0
	for r := range n {
		lo, c := int(start[r]), int(count[r])
		off[r] = int32(w)
		i := order[r]
		for j := range c {
			e := *b.at(lo + j)
			e.cust = i
			*b.at(w + j) = e
		}
		w += c
	}
	off[n] = int32(w)
	b.truncate(w)
	// The log is now in rank order: rows added later cannot keep it in
	// position order.
	b.scattered = true
	b.order, b.off, b.grouped, b.byPos = order, off, true, false
}

// groupByPosition is group for a log that is not scattered: each
// customer's entries already follow each other, in position order, so
// nothing moves between customers. Each customer's entries are sorted
// and merged within its stretch, on all cores, the gaps merging left are
// closed, and the stretches are found by position (byPos) rather than
// moved into rank order: on a log exported grouped by customer this
// saves the two permutation passes over the whole log.
func (b *Builder) groupByPosition(order []int32) {
	n := b.numIDs()
	start := make([]int32, n+1) // position p's stretch: start[p] to start[p+1]
	for j := 0; j < b.n; j += logChunk {
		c := b.log[j>>logChunkBits][:min(logChunk, b.n-j)]
		for k := range c {
			start[c[k].cust+1]++
		}
	}
	for p := range n {
		start[p+1] += start[p]
	}
	count := b.mergeStretches(start, n)
	off := start // reused: closing up only moves entries left
	w := 0
	for p := range n {
		lo, c := int(start[p]), int(count[p])
		off[p] = int32(w)
		if lo != w {
			for j := range c {
				*b.at(w + j) = *b.at(lo + j)
			}
		}
		w += c
	}
	off[n] = int32(w)
	b.truncate(w)
	b.order, b.off, b.grouped, b.byPos = order, off, true, true
}

// mergeStretches sorts and merges (mergeStretch) the entries of each of
// the n stretches start[i] to start[i+1], on all cores, and returns how
// many entries each has left, at its start.
func (b *Builder) mergeStretches(start []int32, n int) []int32 {
	count := make([]int32, n)
	parts := 1
	if b.n >= parallelRows || n >= parallelCustomers {
		parts = min(runtime.GOMAXPROCS(0), 8)
	}
	var wg sync.WaitGroup
	for p := range parts {
		wg.Go(func() { b.mergeRange(start, count, n*p/parts, n*(p+1)/parts, nil) })
	}
	wg.Wait()
	return count
}

// mergeRange sorts and merges the stretches lo to hi (see mergeStretches)
// and sets their counts, using buf as scratch; it returns buf.
func (b *Builder) mergeRange(start, count []int32, lo, hi int, buf []logRow) []logRow {
	for r := lo; r < hi; r++ {
		if start[r+1]-start[r] <= 1 {
			count[r] = start[r+1] - start[r]
			continue
		}
		var c int
		c, buf = b.mergeStretch(int(start[r]), int(start[r+1]), buf)
		count[r] = int32(c)
	}
	return buf
}

// truncate keeps the first w entries of the log and frees the chunks no
// longer used.
func (b *Builder) truncate(w int) {
	b.n = w
	chunks := (w + logChunk - 1) >> logChunkBits
	clear(b.log[chunks:])
	b.log = b.log[:chunks]
}

// maxScatter is the largest run (in entries, 12 MiB) that the second
// pass of group sorts through a scratch copy (scatterRun) rather than in
// place (a variable for tests).
var maxScatter = 1 << 20

// scatterRun does the second pass of group for the run of ranks lo to hi
// (their entries start[lo] to start[hi], in any order): a counting sort
// into scratch by rank (each entry written to its customer's next place,
// independent writes that overlap, where the in-place cycles of permute
// wait on one load after another), then each customer's entries sorted
// and merged there (mergeEntries) and written back from its start; it
// sets their counts. It returns the scratch arrays for reuse.
func (b *Builder) scatterRun(start, count []int32, lo, hi int, scratch []logRow, pos []int32) ([]logRow, []int32) {
	base := start[lo]
	m := int(start[hi] - base)
	scratch = slices.Grow(scratch[:0], m)[:m]
	pos = append(pos[:0], start[lo:hi]...)
	for j := int(base); j < int(start[hi]); j++ {
		e := *b.at(j)
		k := e.cust - int32(lo)
		scratch[pos[k]-base] = e
		pos[k]++
	}
	for r := lo; r < hi; r++ {
		s := scratch[start[r]-base : start[r+1]-base]
		c := len(s)
		if c > 1 {
			c = mergeEntries(s)
		}
		count[r] = int32(c)
		for j, e := range s[:c] {
			*b.at(int(start[r]) + j) = e
		}
	}
	return scratch, pos
}

// permute moves the log entries bounds[0] to bounds[len(bounds)−1] in
// place so that those whose cust field c gives bucket (c−base)>>shift = d
// lie from bounds[d] on (American flag sort). bounds must hold the bucket
// sizes' prefix sums.
func (b *Builder) permute(bounds []int32, base int32, shift int) {
	nb := len(bounds) - 1
	next := slices.Clone(bounds[:nb])
	for d := range nb {
		end := bounds[d+1]
		for next[d] < end {
			j := next[d]
			p := b.at(int(j))
			e := *p
			for t := (e.cust - base) >> shift; t != int32(d); t = (e.cust - base) >> shift {
				q := b.at(int(next[t]))
				next[t]++
				e, *q = *q, e
			}
			*p = e
			next[d]++
		}
	}
}

// mergeStretch sorts log entries lo to hi (one customer's) by key, merges
// those of equal key whose packed sum fits, and writes the result from lo
// on. It returns how many entries are left, and buf, the scratch it uses
// when the stretch spans two chunks (else it works in place).
func (b *Builder) mergeStretch(lo, hi int, buf []logRow) (int, []logRow) {
	var es []logRow
	inPlace := lo>>logChunkBits == (hi-1)>>logChunkBits
	if inPlace {
		o := lo & (logChunk - 1)
		es = b.log[lo>>logChunkBits][o : o+hi-lo]
	} else {
		buf = buf[:0]
		for j := lo; j < hi; j++ {
			buf = append(buf, *b.at(j))
		}
		es = buf
	}
	n := mergeEntries(es)
	if !inPlace {
		for j, e := range es[:n] {
			*b.at(lo + j) = e
		}
	}
	return n, buf
}

// mergeEntries sorts buf by key, merges entries of equal key whose packed
// sum fits, and returns how many are left, at the start of buf.
func mergeEntries(buf []logRow) int {
	sorted := true
	for j := 1; j < len(buf); j++ {
		if buf[j].key < buf[j-1].key {
			sorted = false
			break
		}
	}
	if !sorted {
		if len(buf) <= 16 {
			// Insertion sort, the comparison inlined: most customers
			// have a few entries.
			for j := 1; j < len(buf); j++ {
				e := buf[j]
				i := j
				for ; i > 0 && buf[i-1].key > e.key; i-- {
					buf[i] = buf[i-1]
				}
				buf[i] = e
			}
		} else {
			slices.SortFunc(buf, func(x, y logRow) int { return cmp.Compare(x.key, y.key) })
		}
	}
	out := buf[:0] // written behind the entry read
	for _, e := range buf {
		if n := len(out); n > 0 && out[n-1].key == e.key && e.key&keyRaw == 0 {
			if m, ok := mergePacked(out[n-1].val(), e.val()); ok {
				out[n-1].setVal(m)
				continue
			}
		}
		out = append(out, e)
	}
	return len(out)
}

// dayRow is a customer's rows of one day and kind: purchases, or returns.
type dayRow struct {
	day    int32
	ret    bool    // returns
	rows   int     // rows added up
	amount float64 // their exact sum, rounded to float64; −|sum| for returns (−0 included)
}

// days returns the day rows of the customer of rank r (the log grouped),
// by day, a day's returns before its purchases, in rows' storage.
func (b *Builder) days(r int, rows []dayRow) []dayRow {
	rows = rows[:0]
	if b.byPos {
		r = int(b.order[r])
	}
	lo, hi := int(b.off[r]), int(b.off[r+1])
	for j := lo; j < hi; {
		e := b.at(j)
		k := e.key &^ keyRaw
		row := dayRow{day: e.key >> 2, ret: e.key&keyPurchase == 0}
		if j+1 == hi || b.at(j+1).key&^keyRaw != k {
			// One entry: its amount needs no accumulator.
			j++
			if e.key&keyRaw != 0 {
				row.rows, row.amount = 1, math.Float64frombits(uint64(e.val()))
			} else {
				m, s, c := unpack(e.val())
				row.rows, row.amount = int(c), float64(m)/pow10[s]
			}
		} else {
			var sum exactSum
			for ; j < hi && b.at(j).key&^keyRaw == k; j++ {
				e := b.at(j)
				if e.key&keyRaw != 0 {
					row.rows++
					sum.addFloat(math.Float64frombits(uint64(e.val())))
				} else {
					v := e.val()
					_, _, c := unpack(v)
					row.rows += int(c)
					sum.addPacked(v)
				}
			}
			row.amount = sum.float()
		}
		if row.ret {
			row.amount = returnAmount(row.amount)
		}
		rows = append(rows, row)
	}
	return rows
}
