package web

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/internal/testgen"
	"github.com/clvkit/clvkit/wasm/bind"
)

// groupsCosts are what web/e2e/groups.mjs types into the channel view.
var groupsCosts = []bind.CostInput{
	{Group: "email", Spend: "300", NewCustomers: "10"},
	{Group: "paid_search", Spend: "1250.5", NewCustomers: "50"},
}

// groupsExpected writes the channels file for web/e2e/groups.mjs and
// computes, with the native core and the page's default settings (BG/NBD
// with Gamma-Gamma, 12 months, 10 % a year, 30 % margin, observation end
// the last date), the channel view's groups before and after the costs
// are typed: the page's WebAssembly must show the same.
func groupsExpected(t *testing.T, tmp string) map[string]any {
	data := testgen.ChannelsCSV(300)
	path := filepath.Join(tmp, "channels.csv")
	writeFile(t, path, data)
	var s bind.Session
	ins := s.Load([]byte(data))
	last := s.Dates(ins.Guess, ins.DateFormat).Last
	st := bind.NewSettings(ins, last)
	st.AmountFormat, st.Purchase, st.Spend = ins.AmountFormat, score.BGNBD, score.SpendGammaGamma
	st.HorizonMonths, st.AnnualDiscountRate, st.Margin = 12, 0.10, 0.3
	if _, err := s.Score(context.Background(), st, nil); err != nil {
		t.Fatal(err)
	}
	cols, err := s.AttributeColumns()
	if err != nil {
		t.Fatal(err)
	}
	plain, err := s.Groups(bind.GroupSettings{Column: "channel"})
	if err != nil {
		t.Fatal(err)
	}
	costs, err := s.Groups(bind.GroupSettings{Column: "channel", Costs: groupsCosts})
	if err != nil {
		t.Fatal(err)
	}
	// examples/channels: the page given the example's settings must show
	// what `clv groups` wrote in its golden groups.json.
	root, _ := filepath.Abs("..")
	ex := filepath.Join(root, "examples", "channels")
	example := map[string]any{"orders": filepath.Join(ex, "orders.csv"), "cac": filepath.Join(ex, "cac.csv"), "golden": filepath.Join(ex, "groups.json"),
		"observationEnd": "2024-12-31", "marginPercent": "40"}
	return map[string]any{"path": path, "columns": cols, "plain": plain, "costs": costs, "typed": groupsCosts, "example": example}
}
