package segment

import (
	"errors"
	"fmt"
)

// Rule assigns the segment Segment to the customers its condition When
// matches. Rules are meant to be decoded from configuration, for example
// TOML:
//
//	[[segment]]
//	segment = "Champions"
//	when    = "r >= 4 && fm >= 4"
//
// When is a conjunction of comparisons joined by "&&", or "true" for a
// catch-all. A comparison tests one column:
//
//	r >= 4            <, <=, >, >= or == against a number
//	f in 3..5         an inclusive range
//	code in {555, 554} a list of values
//	clv != 0          != against a number
//	channel == "email" == or != against a text (a text column)
//	channel in {"email", "referral"} a list of texts
//
// The columns r, f, m (the scores 1–5), fm = (f + m) / 2 and code
// (100·r + 10·f + m, so 545 for R=5 F=4 M=5) come from the RFM code and are
// case-insensitive. Any other name (clv, p_alive, ...) is a numeric column
// the caller supplies, or, compared with "...", a text column such as a
// customer attribute (Map.TextColumns, Map.TextCodes); those names are
// case-sensitive. There is no "or":
// write two rules with the same Segment instead.
type Rule struct {
	// Segment is the label given to customers the rule matches.
	Segment string `toml:"segment"`
	// When is the rule's condition in the language above.
	When string `toml:"when"`
}

// ParseError reports a rule whose condition does not parse. Callers can use
// errors.As to get the rule and position.
type ParseError struct {
	// Rule is the 0-based index of the rule; messages count from 1.
	Rule int
	// Segment is the rule's segment name.
	Segment string
	// When is the condition text.
	When string
	// Pos is the 1-based byte position in When where the problem was found.
	Pos int
	// Msg describes the problem.
	Msg string
}

// Error returns a message such as
// `rule 3 ("Champions"): when "r >=": position 5: expected a number after ">=", found end of condition`.
func (e *ParseError) Error() string {
	return fmt.Sprintf("rule %d (%q): when %q: position %d: %s", e.Rule+1, e.Segment, e.When, e.Pos, e.Msg)
}

// compileRule parses rule i.
func compileRule(i int, r Rule) (condition, error) {
	if r.Segment == "" {
		return nil, &ParseError{Rule: i, When: r.When, Pos: 1, Msg: "the rule has no segment name"}
	}
	cond, err := parseCondition(r.When)
	if err != nil {
		var se *syntaxError
		if errors.As(err, &se) {
			return nil, &ParseError{Rule: i, Segment: r.Segment, When: r.When, Pos: se.pos + 1, Msg: se.msg}
		}
		return nil, fmt.Errorf("rule %d (%q): %w", i+1, r.Segment, err)
	}
	return cond, nil
}
