package formula

import (
	"errors"
	"math"
	"strconv"
)

// ErrUnbounded is wrapped by the error a formula returns when its inputs
// describe a relationship that never ends and the value is infinite: zero
// churn, retention 1 with discount 0, a CAC of 0 in LTV:CAC, a contribution
// that never pays back a CAC. The formula then returns the flagged infinity
// (+Inf or −Inf, the sign of the per-period value) together with the error,
// or 0 if the per-period value is 0. Test with errors.Is.
var ErrUnbounded = errors.New("unbounded: the value is infinite for these inputs")

// ErrNonFinite is returned by Program.Eval, unwrapped so that the check
// allocates nothing, when an expression evaluates to NaN or ±Inf (division by
// zero, sqrt or log of a negative number, overflow). The value is returned
// too, so a caller that wants IEEE semantics can keep it.
var ErrNonFinite = errors.New("expression result is not a finite number (division by zero or a domain error)")

// InputError reports an input that is missing, unknown or outside its legal
// range. Callers can use errors.As to find the offending input by name.
type InputError struct {
	Formula string  // the formula's ID; empty when checking a bare Input
	Input   string  // the input's name
	Value   float64 // the rejected value (0 when missing or unknown)
	Reason  string  // what is wrong, in words a user can act on
	Err     error   // an underlying cause such as ErrUnbounded, or nil

	noValue bool // the input was missing or unknown: there is no value to show
}

func (e *InputError) Error() string {
	msg := "input " + strconv.Quote(e.Input)
	if e.Formula != "" {
		msg = "formula " + e.Formula + ": " + msg
	}
	if !e.noValue {
		msg += " = " + strconv.FormatFloat(e.Value, 'g', -1, 64)
	}
	return msg + ": " + e.Reason
}

// Unwrap returns the underlying cause, such as ErrUnbounded.
func (e *InputError) Unwrap() error { return e.Err }

// unbounded returns the flagged infinity documented on ErrUnbounded: the sign
// of numerator times +Inf (0 if numerator is 0), and an *InputError naming the
// input responsible.
func unbounded(formulaID, input string, value, numerator float64, why string) (float64, error) {
	err := &InputError{Formula: formulaID, Input: input, Value: value, Reason: why, Err: ErrUnbounded}
	switch {
	case numerator > 0:
		return math.Inf(1), err
	case numerator < 0:
		return math.Inf(-1), err
	}
	return 0, err
}
