// Package segment turns per-customer summaries into RFM scores, named
// segments and value tiers, on whole columns at a time.
//
// # Scores
//
// Score gives one column the scores 1–5 by tie-aware quintiles; RFM scores
// the recency gap (T − recency, see RecencyGap), frequency and monetary
// value together and returns a Code per customer, such as 545. Recency is
// reversed: the smaller the time since the last purchase, the higher R, so
// the most recent customers score 5. For frequency and monetary value
// higher values score higher.
//
// With n values, the score of a value v is
//
//	1 + floor(5 · k / n)
//
// where k counts the values strictly worse than v. Equal values therefore
// always share a score (the score of the tie group's lowest rank), the
// boundaries come only from the distribution of values, and the result
// does not depend on row order — unlike pandas' qcut after
// rank(method="first"), which breaks ties by row order. The price is that
// groups are unequal when values tie: in CDNOW about 60% of customers never
// buy again, so all of them score F = 1 and the first repeat buyers score
// F = 4; scores 2 and 3 go unused. If all values are equal everyone scores
// 1; with fewer than five distinct values some scores are unused. NaN and
// infinite values are errors. Boundaries reports each score's count and
// value range and scores new values the same way.
//
// # Segment maps
//
// A Map assigns segment names by an ordered list of Rules; the first
// matching rule wins and a configurable default label covers the rest. A
// Rule is two strings, Segment and When, so a host can decode rules from
// TOML. When is a small condition language: comparisons joined by "&&",
// such as "r >= 4 && f in 3..5", "code in {555, 554}" or
// "clv > 1000 && p_alive < 0.3". The derived columns r, f, m, fm = (f+m)/2
// and code = 100r + 10f + m come from the RFM code; any other name is a
// numeric column the caller supplies (Map.Columns lists them), or a text
// column compared with == != or in against texts, such as a customer
// attribute: `channel == "email" && clv > 100` (Map.TextColumns).
//
// DefaultMap is an explicit lookup list of the 125 codes in eleven segments
// (Champions, Loyal, Potential Loyalists, New, Promising, Need Attention,
// About to Sleep, At Risk, Can't Lose Them, Hibernating, Lost), following
// the Squeezely 3-digit code list; each code is in exactly one segment.
// DefaultSegments describes each segment in a plain line and suggests an
// action, for the marketers who read the report.
//
// # Lint
//
// Map.Lint finds rules that no customer can satisfy (Unsatisfiable), rules
// whose customers are all taken by earlier rules (Unreachable), customers a
// rule matches that an earlier rule takes (Overlap) and customers no rule
// matches (Gap), each as a Finding with the rules and codes involved and a
// readable String. The check is exact: every comparison selects intervals
// of one column, so Lint tries all 125 codes in every region the rules'
// numbers cut the named columns into. A widely copied 11-segment R/FM rule
// list, for example, turns out to have four segments that can never be
// assigned. DefaultMap has no findings.
//
// # Value tiers
//
// Tiers puts customers into tiers such as "Top 1%", "Top 10%", "Top 50%"
// and "Bottom 50%" (DefaultTiers) by any scored column. A customer is in the first tier whose
// cutoff is at least the share of customers with a value greater than or
// equal to theirs, so ties share a tier, the result does not depend on row
// order, and no tier holds more than its share.
package segment
