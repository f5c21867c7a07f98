package score_test

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
)

// Score the CDNOW sample as Fader, Hardie & Lee (2005) analyse it: daily
// purchase periods, weeks as the unit, the calibration period ending
// 1997-09-30. Score fits BG/NBD and Gamma-Gamma and gives every customer
// P(alive), expected purchases, expected spend, a 12-month CLV, RFM scores,
// a segment and a value tier.
func Example() {
	f, err := os.Open("../model/testdata/CDNOW_sample.txt") // lifetimes, MIT
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	b, _ := summary.NewBuilder(summary.Options{
		Grain: summary.Day, Unit: summary.Weeks,
		ObservationEnd: time.Date(1997, 9, 30, 0, 0, 0, 0, time.UTC),
	})
	err = summary.ReadCSV(f, summary.CSVOptions{Whitespace: true, DateFormat: "YYYYMMDD",
		Columns: summary.Columns{Customer: "2", Date: "3", Amount: "5"}}, b)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := b.Summary()
	res, err := score.Score(context.Background(), s.Customers, score.Options{
		Purchase:   score.BGNBD,
		Spend:      true,
		CLV:        model.CLVOptions{Months: 12, AnnualDiscountRate: 0.1, Margin: 0.3, DaysPerUnit: 7},
		TierColumn: "clv",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("BG/NBD r=%.4f alpha=%.4f a=%.4f b=%.4f\n", res.Purchase.(model.BGNBD).R,
		res.Purchase.(model.BGNBD).Alpha, res.Purchase.(model.BGNBD).A, res.Purchase.(model.BGNBD).B)
	alive, _ := res.Column("p_alive")
	clv, _ := res.Column("clv")
	seg, _ := res.Column("segment")
	tier, _ := res.Column("tier")
	for i, id := range res.IDs[:3] {
		fmt.Printf("%s  p_alive %.3f  clv %6.2f  %-12s %s\n", id, alive.Floats[i], clv.Floats[i], seg.Labels[i], tier.Labels[i])
	}
	// Output:
	// BG/NBD r=0.2426 alpha=4.4136 a=0.7929 b=2.4259
	// 0001  p_alive 0.727  clv  11.02  Loyal        Top 50%
	// 0002  p_alive 0.212  clv   1.41  At Risk      Bottom 50%
	// 0003  p_alive 1.000  clv   2.54  Lost         Bottom 50%
}
