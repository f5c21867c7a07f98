package modelfile_test

import (
	"context"
	"fmt"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/modelfile"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
)

// Freeze a fitted BG/NBD model, write it as JSON, read it back and score
// other customers with it, without refitting. The parameters are the
// CDNOW fit of Fader, Hardie & Lee (2005, rounded); customer a is their
// worked example (x = 2, t_x = 30.43, T = 38.86), whose expected
// purchases in the next 39 weeks they give as 1.226.
func Example() {
	fit := model.Fit{Names: []string{"r", "alpha", "a", "b"}, Params: []float64{0.243, 4.414, 0.793, 2.426}}
	f, err := score.NewFrozenModel(score.BGNBD, fit, score.FrozenData{Customers: 2357, Unit: "weeks", UnitDays: 7, Grain: "day"}, "example")
	if err != nil {
		fmt.Println(err)
		return
	}
	text, _ := modelfile.Marshal(f)     // what clv fit --out writes
	g, err := modelfile.Unmarshal(text) // what clv score --model-file reads
	if err != nil {
		fmt.Println(err)
		return
	}
	span, _ := summary.ParseSpan("39 week")
	res, err := score.Score(context.Background(), []summary.Customer{
		{ID: "a", Frequency: 2, Recency: 30.43, T: 38.86},
		{ID: "b", Frequency: 0, Recency: 0, T: 38.86},
	}, score.Options{Frozen: g, PurchaseHorizon: span, Explain: true,
		CLV: model.CLVOptions{Months: 12, Margin: 1, DaysPerUnit: 7}})
	if err != nil {
		fmt.Println(err)
		return
	}
	e, _ := res.Column("expected_purchases_39_week")
	x, _ := res.Column("explanation")
	for i, id := range res.IDs {
		fmt.Printf("%s %.3f %s\n", id, e.Floats[i], x.Labels[i])
	}
	// Output:
	// a 1.226 bought 3 times in 39 weeks, last 8.4 weeks ago: likely still active (P 0.73); expected 1.6 purchases in 12 months
	// b 0.195 bought once, 39 weeks ago: no repeat purchase yet (BG/NBD counts one-time buyers as active); expected 0.3 purchases in 12 months
}
