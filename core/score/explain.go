package score

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/clvkit/clvkit/core/model"
)

// ExplainInput is what one customer's explanation is built from: their own
// numbers from the scored row and the run's settings.
type ExplainInput struct {
	// Frequency, Recency and T are the customer's summary, in the data's
	// time unit, which is DaysPerUnit days long.
	Frequency, Recency, T float64
	DaysPerUnit           float64
	// PAlive and ExpectedPurchases are the purchase model's predictions;
	// ExpectedPurchases is over HorizonMonths months.
	PAlive            float64
	ExpectedPurchases float64
	HorizonMonths     int
	// CLV is the customer's CLV over the horizon, used when HasCLV.
	CLV    float64
	HasCLV bool
	// OneTimeActive says the purchase model gives a customer without a
	// repeat purchase P(alive) = 1 whatever their age (BG/NBD): the
	// sentence then says so instead of calling them very likely active.
	OneTimeActive bool
}

// Bands of P(alive) in explanations: P rounded to two decimals, as the
// sentence prints it, at or above each bound gets the label (first match).
var aliveBands = []struct {
	min   float64
	label string
}{
	{0.90, "very likely still active"},
	{0.70, "likely still active"},
	{0.30, "may have lapsed"},
	{0.10, "likely lapsed"},
	{0, "very likely lapsed"},
}

// Explain returns one short sentence about a customer built from their
// own numbers by fixed rules, for example
//
//	bought 6 times in 40 weeks, last 2 weeks ago: very likely still active (P 0.93); expected 3.1 purchases in 12 months worth 240
//
// The rules:
//   - Purchases are purchase periods, Frequency + 1 ("bought once, 40
//     weeks ago" for a one-time buyer). Times are T (since the first
//     purchase) and T − Recency (since the last; "at the end of the data"
//     when it rounds to 0), in the data's unit when it is a day, week or
//     month, else in days.
//   - A number of times is written with no decimals from 10 up and one
//     below (a trailing ".0" dropped); the word is singular for exactly 1.
//   - P(alive) rounded to two decimals picks the words: ≥ 0.90 very likely
//     still active, ≥ 0.70 likely still active, ≥ 0.30 may have lapsed,
//     ≥ 0.10 likely lapsed, below very likely lapsed. Under BG/NBD a
//     one-time buyer has P(alive) 1 by the model's assumption, so the
//     sentence says "no repeat purchase yet (BG/NBD counts one-time buyers
//     as active)" instead.
//   - Expected purchases have one decimal, over the CLV horizon in months.
//   - CLV, when there is one, follows as "worth V" in the data's currency
//     without a symbol: whole numbers from 100 up, two decimals below.
//
// The sentence has no quotes, and starts with a letter, so a spreadsheet
// never reads it as a formula.
func Explain(in ExplainInput) string {
	word, per := unitWord(in.DaysPerUnit)
	span := func(units float64) string { return count(units*per, word) }
	var out string
	if in.Frequency == 0 {
		out = "bought once, " + span(in.T) + " ago"
	} else {
		out = "bought " + fixed(in.Frequency+1, 0) + " times in " + span(in.T) + ", "
		if gap := in.T - in.Recency; num(gap*per) == "0" {
			out += "last at the end of the data"
		} else {
			out += "last " + span(gap) + " ago"
		}
	}
	p := math.Round(in.PAlive*100) / 100
	if in.OneTimeActive && in.Frequency == 0 {
		out += ": no repeat purchase yet (BG/NBD counts one-time buyers as active)"
	} else {
		label := aliveBands[len(aliveBands)-1].label
		for _, band := range aliveBands {
			if p >= band.min {
				label = band.label
				break
			}
		}
		out += ": " + label + " (P " + fixed(p, 2) + ")"
	}
	e := fixed(in.ExpectedPurchases, 1)
	noun := " purchases in "
	if e == "1.0" {
		noun = " purchase in "
	}
	out += "; expected " + e + noun + count(float64(in.HorizonMonths), "month")
	if in.HasCLV {
		if math.Abs(in.CLV) >= 100 {
			out += " worth " + fixed(in.CLV, 0)
		} else {
			out += " worth " + fixed(in.CLV, 2)
		}
	}
	return out
}

// unitWord returns the word for the data's time unit and the factor from
// the unit to that word: day, week or month for those units, else day with
// the unit's length in days.
func unitWord(daysPerUnit float64) (string, float64) {
	switch daysPerUnit {
	case 1:
		return "day", 1
	case 7:
		return "week", 1
	case model.DaysPerMonth:
		return "month", 1
	}
	return "day", daysPerUnit
}

// num writes a non-negative amount: no decimals from 10 up, one below,
// a trailing ".0" dropped.
func num(v float64) string {
	if math.Abs(v) >= 9.95 {
		return fixed(v, 0)
	}
	return strings.TrimSuffix(fixed(v, 1), ".0")
}

// fixed writes v with the given decimals, as fmt's %.Nf does.
func fixed(v float64, decimals int) string { return strconv.FormatFloat(v, 'f', decimals, 64) }

// count writes "1 week" or "2.5 weeks".
func count(v float64, word string) string {
	s := num(v)
	if s == "1" {
		return s + " " + word
	}
	return s + " " + word + "s"
}

// explain adds the explanation column (see Explain).
func (r *Result) explain(o Options) error {
	cols := map[string][]float64{}
	for _, name := range []string{"frequency", "recency", "T", "p_alive", "expected_purchases"} {
		v, err := r.floats(name)
		if err != nil {
			return fmt.Errorf("explanation: %w", err)
		}
		cols[name] = v
	}
	clv, hasCLV := r.Column("clv")
	_, bgnbd := r.Purchase.(model.BGNBD)
	out := make([]string, len(r.IDs))
	for i := range out {
		in := ExplainInput{Frequency: cols["frequency"][i], Recency: cols["recency"][i], T: cols["T"][i],
			DaysPerUnit: o.CLV.DaysPerUnit, PAlive: cols["p_alive"][i], ExpectedPurchases: cols["expected_purchases"][i],
			HorizonMonths: o.CLV.Months, HasCLV: hasCLV && clv.Floats != nil, OneTimeActive: bgnbd}
		if in.HasCLV {
			in.CLV = clv.Floats[i]
		}
		out[i] = Explain(in)
	}
	r.add(Column{Name: ExplanationColumn, Labels: out})
	return nil
}
