// Package summary turns a transaction log into the per-customer summaries
// that buy-till-you-die models are fitted on (frequency, recency, T,
// monetary value), optionally split into calibration and holdout windows,
// and into acquisition cohorts.
//
// # Input
//
// Transactions (customer id, timestamp, optional amount) come from Go
// values (Builder.Add) or are streamed from CSV (ReadCSV) with a column
// mapping by header name or 1-based position, a delimiter or runs of
// blanks (CDNOW_sample.txt), a date format (ParseDateFormat:
// YYYY-MM-DD, YYYYMMDD, ISO8601, RFC 3339, unix seconds, a layout in
// tokens such as "DD/MM/YYYY HH:mm" or any Go layout such as
// "2006-01-02 15:04:05") and an amount format (ParseAmountFormat: plain,
// "1,234.56", "1.234,56" or "1 234,56", the last three with currencies and
// accounting negatives). Only calendar dates matter, and a timestamp's
// date is the date as written in its own offset (no conversion to UTC).
// Detecting the formats from the data is core/detect's job.
// Customer ids are kept exactly as written ("0001" stays "0001"). Rows may
// come in any order; the result does not depend on it.
//
// # Returns
//
// A return is a row with a negative amount, or one marked as a return
// (Transaction.Return; the binary's is_return rule), whatever the sign of
// its amount: a marked return refunds |amount|. Options.Returns says what
// returns do:
//
//   - ReturnsNet (the default): within one grain period amounts add, returns
//     included. Then, per customer and in time order, a period whose sum is
//     negative (or that holds only returns) is set to zero and its deficit
//     is taken from the earlier purchase periods, latest first: it reduces
//     the latest one's value, what exceeds it carries to the next earlier
//     one, and what is left after the first period is dropped and counted
//     as unmatched. A return nets only against periods on its own side of
//     the calibration end. A period a return touched whose value is then
//     ≤ 0 is refunded and is no purchase period; a period of value 0 that no
//     return touched (a free order) stays one. When a customer's first
//     period is refunded, the first period left is their first purchase
//     (recency and T are measured from it); a customer with no period left
//     is not in the summary. Report.Returns counts returns, refunded
//     periods, customers removed and the unmatched value.
//   - ReturnsDrop: return rows are ignored.
//   - ReturnsPurchase: a return is an ordinary row; its amount adds into its
//     period, which counts as a purchase period, so Monetary and Revenue can
//     be negative. This is lifetimes' behaviour.
//
// Worked example (day grain): A buys +100 on day 1, +50 on day 5, returns
// −50 on day 6, buys +30 on day 20 and returns −40 on day 21.
//
//	rule      purchase periods: day (value)              frequency  Monetary  Revenue
//	net       1 (90)                                     0          0         90
//	drop      1 (100), 5 (50), 20 (30)                   2          40        180
//	purchase  1 (100), 5 (50), 6 (−50), 20 (30), 21 (−40) 4          −2.5      90
//
// Under net, the day-6 return refunds day 5 (50 → 0); the day-21 return
// takes day 20 to −10, so day 20 is refunded and 10 carries past day 5
// (nothing left there) to day 1 (100 → 90). Orders counts purchase rows
// in the periods left (returns excluded, except under ReturnsPurchase);
// Revenue is the sum of their values.
//
// The result does not depend on row order (see Sums). A return is stored
// with a negative amount (−0 for a marked return of zero value); an
// ordinary amount of −0 is read as 0.
//
// # Sums
//
// A customer's rows of one day add exactly: each amount counts as the
// shortest decimal that reads back as its float64 value (the number as
// written, when it has at most 15 significant digits), and the decimals of
// a day's purchases, and apart from them of its returns, add without
// rounding; the day sum is then rounded once to float64 (ties to even).
// Day sums add in float64 in time order, a day's returns before its
// purchases, into period values, Revenue and the means. Rows of one day
// thus add to the same bits in any order, so the Builder keeps one entry
// per customer, day and kind instead of every row (see Memory and speed).
//
// Earlier versions added every row in float64, sorted by (day, amount).
// The two agree whenever a customer has at most one purchase row and one
// return row a day (with a week or month grain: a period), and otherwise
// differ at most in the last bits of a sum: 0.1 + 0.2 on one day is now
// 0.3 rather than 0.30000000000000004. Written with the default 6
// decimals (output.precision), every summary, score and cohort table of
// the test suite is byte-identical to before. A value can still print
// differently when its exact decimal lies on a rounding tie at the printed
// precision, where float64 noise decided the last digit before as it
// does now: the CDNOW sample's summary is identical at 6 decimals (3 of
// 2,357 monetary values differ at 17 digits); the Online Retail invoices
// with amount_expr "Quantity * UnitPrice" (many lines a day) differ for 2
// of 4,325 customers in the 6th decimal (565.0071125 printed …112 before,
// …113 now).
//
// A sum that leaves the int64 range, or amounts with more than 15
// significant digits or 15 decimals (1e-20, 0.30000000000000004 from a
// computed amount_expr), stay exact through math/big; such an amount costs
// an entry of its own (they do not merge while streaming). Amounts that
// each are finite but add up past the float64 range give an OverflowError
// when a rounded sum is infinite; amounts that cancel within a day (1.7e308
// and −1.7e308) do not.
//
// Bad rows (too few fields, empty customer id, an id that is not valid
// UTF-8, a date or amount that does not parse, a NaN or infinite amount)
// are a *ParseError naming the line and field, or, with
// Options.SkipBadRows, are skipped and counted by Kind in the Report with
// the first few line numbers. Transactions after the observation end are
// not errors: they are left out and counted. Amounts that are each finite
// but add up past the float64 range give an *OverflowError naming the
// customer. Errors quote at most 200 bytes of a value.
//
// # Attributes
//
// Options.Attributes names columns of the log (acquisition channel,
// country) whose value at each customer's first purchase the summary
// keeps: Summary.Attributes, a core/attr Set aligned with Customers. The
// first purchase is the customer's earliest kept row that is not a return
// (a return only when there is nothing else), ties by file order (Add
// order); rows the where rule filters out, skipped bad rows and rows after
// the observation end do not count. Later values are ignored, but
// customers whose rows hold more than one value are counted
// (attr.Report.Changed). Each kept row costs one look at its customer's
// slot (2 + k int32 for k attributes); BenchmarkAttributes measures it.
//
// # Conventions (those of lifetimes)
//
// Two settings are kept apart, as lifetimes keeps freq and
// freq_multiplier apart:
//
//   - the Grain is what counts as one purchase period: a calendar day
//     (default), an ISO week starting Monday, or a calendar month. Several
//     transactions of a customer in one period are one purchase whose amount
//     is their sum;
//   - the Unit is what recency, T and the holdout duration are expressed
//     in: days, weeks (7 days), months (365.25/12 days) or N days.
//
// Per customer, with p(x) the index of the grain period holding date x
// (consecutive integers: day number, Monday-based week number, year×12 +
// month) and L the grain's nominal length in days (1, 7 or 365.25/12):
//
//	Frequency = distinct periods with a purchase − 1
//	Recency   = (p(last) − p(first)) × L / Unit.Days
//	T         = (p(end) − p(first)) × L / Unit.Days
//	Monetary  = mean amount of the repeat periods (first excluded), 0 if Frequency = 0
//
// counting only purchase periods left after the returns rule (see Returns).
//
// where end is the observation end, inclusive (a purchase on that date
// counts). For a week or month grain, recency and T are therefore whole
// numbers of periods between period starts (times L/Unit.Days): exactly
// lifetimes' period-index differences. Correspondences with
// lifetimes.utils.summary_data_from_transaction_data:
//
//	freq='D'                      = Grain Day,   Unit Days
//	freq='D', freq_multiplier=7   = Grain Day,   Unit Weeks   (the CDNOW summaries)
//	freq='W'                      = Grain Week,  Unit Weeks
//	freq='M'                      = Grain Month, Unit Months
//
// One difference: lifetimes keeps every transaction in the observation
// end's period even if dated after the end; this package drops
// transactions dated after the end date whatever the grain. With a day
// grain the two agree.
//
// # Calibration and holdout
//
// With Options.CalibrationEnd set (lifetimes' calibration_and_holdout_data),
// the summary fields describe the calibration window (dates up to and
// including the calibration end, T measured to it), and each customer also
// gets FrequencyHoldout, the number of distinct purchase periods dated
// after the calibration end up to the observation end, and
// MonetaryHoldout, the mean amount per holdout purchase period (lifetimes
// averages per transaction instead). The split is by date, as in lifetimes,
// so with a week or month grain a period straddling the calibration end
// can count in both windows; put the calibration end on a period's last day
// to avoid that. Summary.DurationHoldout = (p(observation end) −
// p(calibration end)) × L / Unit.Days. Customers whose first purchase falls
// after the calibration end are left out of the summary and counted in
// Report.NewInHoldout.
//
// # Output order
//
// Customers are sorted by id: numerically when every id is an integer
// (leading zeros allowed, equal values then bytewise), else bytewise; see
// SortIDs and CompareIDs.
//
// # Cohorts
//
// Builder.Cohorts groups customers by the calendar month or quarter of
// their first purchase and gives, per cohort and calendar month k since
// each customer's acquisition month, the customers observed and active
// (the retention triangle), the revenue, the revenue per acquired customer
// R_k and its cumulative, optionally discounted, sum Σ_{j≤k} R_j/(1+d)^j,
// with d the monthly rate (1 + d_year)^(1/12) − 1 as for the model CLV.
// Returns follow the returns rule as in the summary (one window, to the
// observation end), so a cohort's cells add up to its customers' Revenue;
// the month holding the observation end is reported but marked
// incomplete, and cells after it are not reported. See Builder.Cohorts.
//
// # Memory and speed
//
// Memory grows with customers and customer-days, never with the raw log:
// each customer costs its id and a few words, each customer-day a 12-byte
// log entry (customer, day and kind, and the day's exact sum and row
// count packed into one 64-bit value stored as two halves: a 48-bit
// mantissa, a scale of up to 15 decimals, up to 2048 rows; a sum that
// outgrows it starts another entry).
// A row of the same customer, day and kind as the previous entry adds into
// it as it streams, so an order-line export (several lines per order)
// costs one entry per order; rows of a customer-day that do not follow
// each other merge when the log is grouped.
//
// ReadCSV runs in two goroutines (see pipeline): a reader splits lines and
// parses ids, dates and amounts into batches (a plain decimal amount goes
// straight to its packed form, and date cells are looked up in a small
// cache of cells already parsed); the caller's goroutine looks customers
// up and appends to the Builder's log. Delimited lines without a
// double quote are split in place (fastCSV: fields point into a recycled
// chunk buffer, no allocation per row) with encoding/csv's semantics; from
// the first line holding a quote on, encoding/csv reads the rest, so
// quoting and its errors are exactly encoding/csv's. A fixed set of
// batches is recycled, so streaming makes no garbage. Integer ids are
// keyed by value, other ids by an open-addressing table of pointer-free
// slots (idTable) that holds ids of up to 15 bytes packed in two words,
// hashed (from the two words, with random seeds) on the reader's
// goroutine; the adding goroutine touches the slots of a block of 16 rows
// 32 rows ahead, in one tight loop, so that their cache misses are in
// flight together. Amounts take an exact decimal fast path (parseAmount,
// bit-identical to strconv.ParseFloat), and a run of rows of one customer
// skips the id lookup. Summary, Cohorts and Tracking group the log in
// place, without a second copy: customers are sorted (on all cores), a
// counting pass sizes each customer's stretch, an in-place permutation
// pass (American flag sort) moves the entries into 256 runs by the high
// bits of the rank, then each run, on all cores, is sorted by rank
// through a scratch copy of its own size (a counting sort, whose writes
// overlap where the in-place cycles wait on one load after another) and
// each customer's entries are sorted by day and merged while the run is
// in the cache, and the gaps are closed. A log whose rows come grouped by customer (an export ordered
// by customer, in any order of customers) is already in the order of
// customer positions: nothing moves, each customer's stretch is sorted and
// merged where it is and found by position. Customers are then summarized
// on all cores, in rank order, touching the stretches and ids of a block
// of customers ahead, each worker writing its own stretch of the output.
// EachCustomer does the same 4,096 customers at a time, in a goroutine,
// while the caller writes the previous block: clv summarize writes its
// rows so, and never holds the whole summary (128 bytes per customer).
// Fuzz targets check each fast path against the standard library or
// math/big, and TestParallelDeterminism, TestGroupedLog and
// TestEachCustomer check results for 1 to 8 workers.
//
// Fresh memory is costly: the system maps each 4 KiB page on its first
// use, and on a virtual machine that can cost microseconds a page (about
// 15 µs on the 2-core machine of the README's figures: the clv summarize
// process on the 10M-row log took 125,000 page faults, some 1.9 s of its
// 4–4.5 s, before EachCustomer, the 12-byte entries and the doubling id
// arena brought it to 75,000). Hence the arrays that grow (the id arena,
// the id table) double rather than grow by a quarter, and the summary's
// scratch arrays hold only what they must.
//
// BenchmarkSummarize10M summarizes a 10M-row, 1M-customer CSV log and
// reports the ratio to encoding/csv merely reading the same bytes, both
// timed several times interleaved in the same run (minimum of each);
// BenchmarkSummarize10MHex does the same with 8-hex-digit text ids.
// BenchmarkOrderLines writes an order-line log to a temporary file (10M
// lines by default; CLV_BENCH_ORDER_LINES=100000000 for 100M lines, 1M
// customers and 20M orders, about 2.4 GB), summarizes it in a child
// process and reports the ratio to encoding/csv reading the same file and
// the child's peak resident memory.
package summary
