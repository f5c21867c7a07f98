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
// The result does not depend on row order: a customer's rows are sorted by
// (date, amount) before anything adds. A log row stores a return as a
// negative amount (−0 for a marked return of zero value), so returns cost
// no memory; an ordinary amount of −0 is read as 0.
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
// Memory grows with customers and kept transactions (16 bytes each while
// streaming, 12 once grouped), never with the raw log.
//
// ReadCSV runs in two goroutines (see pipeline): a reader splits lines and
// parses ids, dates and amounts into batches; the caller's goroutine looks
// customers up and appends to the Builder's arrival log. Delimited lines
// without a double quote are split in place (fastCSV: fields point into a
// recycled chunk buffer, no allocation per row) with encoding/csv's
// semantics; from the first line holding a quote on, encoding/csv reads
// the rest, so quoting and its errors are exactly encoding/csv's. Integer
// ids are keyed by value, other ids by an open-addressing table of
// pointer-free slots (idTable), amounts take an exact decimal fast path
// (parseAmount, bit-identical to strconv.ParseFloat), and a run of rows of
// one customer skips the id lookup. Summary groups the log by customer on
// all cores (each worker counts and scatters its own run of log chunks,
// keeping arrival order within a customer, so the layout does not depend on
// the number of workers), frees the arrival log, and then sorts and
// summarizes customers on all cores, each worker writing its own stretch of
// the output. Fuzz targets check each fast path against the standard
// library, and TestParallelDeterminism checks results for 1 to 8 workers.
//
// BenchmarkSummarize10M summarizes a 10M-row, 1M-customer CSV log and
// reports the ratio to encoding/csv merely reading the same bytes, both
// timed several times interleaved in the same run (minimum of each);
// BenchmarkSummarize10MHex does the same with 8-hex-digit text ids.
package summary
