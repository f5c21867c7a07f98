package segment_test

import (
	"fmt"

	"github.com/clvkit/clvkit/core/segment"
)

func ExampleScore() {
	// Repeat purchases of ten customers: six never came back.
	frequency := []float64{0, 3, 0, 0, 1, 0, 4, 0, 2, 0}
	scores, b, err := segment.Score(frequency, true)
	if err != nil {
		panic(err)
	}
	fmt.Println(scores)
	fmt.Print(b)
	// Output:
	// [1 5 1 1 4 1 5 1 4 1]
	// score 5: 2 customers, 3 to 4
	// score 4: 2 customers, 1 to 2
	// score 3: 0 customers
	// score 2: 0 customers
	// score 1: 6 customers, 0 to 0
}

func ExampleRFM() {
	// T and recency in days, as in a lifetimes-style summary.
	t := []float64{90, 90, 60, 10, 90}
	recency := []float64{88, 10, 30, 0, 85}
	frequency := []float64{6, 1, 2, 0, 3}
	monetary := []float64{120, 15, 40, 0, 35}
	gap, err := segment.RecencyGap(t, recency)
	if err != nil {
		panic(err)
	}
	// Gaps 2, 80, 30, 10, 5 days: R = 1 + floor(5k/5) with k the number of
	// longer gaps, so 5, 1, 2, 3, 4.
	codes, err := segment.RFM(gap, frequency, monetary)
	if err != nil {
		panic(err)
	}
	segments, err := segment.DefaultMap().Assign(codes, nil)
	if err != nil {
		panic(err)
	}
	for i, c := range codes {
		fmt.Println(c, segments[i])
	}
	// Output:
	// 555 Champions
	// 122 Hibernating
	// 234 At Risk
	// 311 New
	// 443 Need Attention
}

func ExampleDefaultSegments() {
	for _, s := range segment.DefaultSegments()[:2] {
		fmt.Printf("%s (%d codes): %s\n  → %s\n", s.Name, len(s.Codes), s.Description, s.Action)
	}
	// Output:
	// Champions (7 codes): Bought recently, buy often and spend the most.
	//   → Reward them: early access, loyalty perks, ask for reviews and referrals; no discounts needed.
	// Loyal (8 codes): Buy regularly and spend well; they respond to your messages.
	//   → Upsell higher-value products, invite to the loyalty programme, ask for reviews.
}

func ExampleNewMap() {
	m, err := segment.NewMap([]segment.Rule{
		{Segment: "VIP", When: "clv > 1000 && r >= 4"},
		{Segment: "Save", When: "clv > 1000 && p_alive < 0.3"},
		{Segment: "Active", When: "r in 4..5"},
	}, "Other")
	if err != nil {
		panic(err)
	}
	codes := []segment.Code{{R: 5, F: 3, M: 4}, {R: 1, F: 4, M: 5}, {R: 4, F: 1, M: 1}, {R: 2, F: 1, M: 1}}
	out, err := m.Assign(codes, map[string][]float64{
		"clv":     {2500, 1800, 90, 40},
		"p_alive": {0.95, 0.12, 0.80, 0.40},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(out)
	// Output:
	// [VIP Save Active Other]
}

func ExampleNewMap_parseError() {
	_, err := segment.NewMap([]segment.Rule{
		{Segment: "Champions", When: "r >= 4 and f >= 4"},
	}, "")
	fmt.Println(err)
	// Output:
	// rule 1 ("Champions"): when "r >= 4 and f >= 4": position 8: expected "&&" or end of condition, found "and"
}

func ExampleMap_Lint() {
	m, err := segment.NewMap([]segment.Rule{
		{Segment: "Active", When: "r >= 3"},
		{Segment: "New", When: "r == 5 && f == 1"},
		{Segment: "Big spenders", When: "m == 5 && clv > 500"},
		{Segment: "Dormant", When: "r <= 2 && clv <= 500"},
	}, "Other")
	if err != nil {
		panic(err)
	}
	for _, f := range m.Lint() {
		fmt.Println(f)
	}
	// Output:
	// rule 2 ("New"): unreachable: every customer it matches (5 codes: 511 512 513 514 515) is taken first by rule 1 ("Active")
	// rule 3 ("Big spenders"): overlap: rule 1 ("Active") comes first and takes 15 codes: 315 325 335 345 355 415 425 435 ... where clv > 500
	// gap: no rule matches 40 codes: 111 112 113 114 121 122 123 124 ... where clv > 500; they get the default label
}

func ExampleTiers_Assign() {
	clv := []float64{12, 980, 45, 0, 0, 310, 77, 5, 150, 2200}
	tiers := segment.Tiers{
		Cutoffs: []float64{0.1, 0.3},
		Labels:  []string{"Top 10%", "Top 30%", "Rest"},
	}
	idx, stats, err := tiers.Assign(clv)
	if err != nil {
		panic(err)
	}
	for i, v := range clv {
		fmt.Printf("%6.0f %s\n", v, tiers.Labels[idx[i]])
	}
	for _, s := range stats {
		fmt.Printf("%s: %d customers, %g to %g\n", s.Label, s.Count, s.Min, s.Max)
	}
	// Output:
	//     12 Rest
	//    980 Top 30%
	//     45 Rest
	//      0 Rest
	//      0 Rest
	//    310 Top 30%
	//     77 Rest
	//      5 Rest
	//    150 Rest
	//   2200 Top 10%
	// Top 10%: 1 customers, 2200 to 2200
	// Top 30%: 2 customers, 310 to 980
	// Rest: 7 customers, 0 to 150
}
