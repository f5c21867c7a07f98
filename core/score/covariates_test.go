package score

import (
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/model"
)

// TestScoreCovariates scores CDNOW with a made-up 0/1 covariate on both
// processes (customers whose id has an even last digit), given in the input
// order, which is not the output order: every customer's p_alive,
// expected_purchases and clv must be those of the covariate model at that
// customer's own covariate.
func TestScoreCovariates(t *testing.T) {
	cs := cdnow(t)
	slices.Reverse(cs) // input order differs from output order
	cov := model.Covariates{TransNames: []string{"even"}, LifeNames: []string{"even"}}
	z := map[string]float64{}
	for _, c := range cs {
		v := 0.0
		if d := c.ID[len(c.ID)-1]; (d-'0')%2 == 0 {
			v = 1
		}
		z[c.ID] = v
		cov.Trans = append(cov.Trans, v)
		cov.Life = append(cov.Life, v)
	}
	for _, purchase := range []string{BGNBD, ParetoNBD} {
		t.Run(purchase, func(t *testing.T) {
			o := cdnowOptions()
			o.Purchase = purchase
			o.Covariates, o.FitCovariates = &cov, FitCovariateModel
			res, err := Score(context.Background(), cs, o)
			if err != nil {
				t.Fatal(err)
			}
			if res.CovariateFit == nil || len(res.PurchaseFit.Params) != 6 || res.CovariateFit.LRT.DF != 2 {
				t.Fatalf("fit %+v", res.PurchaseFit)
			}
			alive, _ := res.floats("p_alive")
			exp, _ := res.floats("expected_purchases")
			clv, _ := res.floats("clv")
			spend, _ := res.floats("expected_spend")
			freq, _ := res.floats("frequency")
			rec, _ := res.floats("recency")
			age, _ := res.floats("T")
			horizon := float64(o.CLV.Months) * o.CLV.MonthLength()
			differ := 0
			for i, id := range res.IDs {
				zi := []float64{z[id]}
				pm := res.CovariateModel.PurchaseModelFor(zi, zi)
				x, tx, T := freq[i], rec[i], age[i]
				if got, want := alive[i], pm.ProbabilityAlive(x, tx, T); got != want {
					t.Fatalf("customer %s: p_alive %v, model at z = %v gives %v", id, got, zi, want)
				}
				if got, want := exp[i], pm.ConditionalExpectedPurchases(horizon, x, tx, T); !(math.Abs(got-want) <= 1e-12*want) {
					t.Fatalf("customer %s: expected_purchases %v, want %v", id, got, want)
				}
				if got, want := clv[i], model.CLV(pm, x, tx, T, spend[i], o.CLV); !(math.Abs(got-want) <= 1e-12*math.Abs(want)) {
					t.Fatalf("customer %s: clv %v, want %v", id, got, want)
				}
				if res.Purchase.ProbabilityAlive(x, tx, T) != alive[i] {
					differ++
				}
			}
			if differ == 0 {
				t.Error("no customer's p_alive depends on the covariate")
			}
		})
	}
}

func TestScoreCovariatesErrors(t *testing.T) {
	cs := cdnow(t)[:200]
	ok := model.Covariates{TransNames: []string{"a"}, Trans: make([]float64, len(cs))}
	for i := range ok.Trans {
		ok.Trans[i] = float64(i % 2)
	}
	bad := model.Covariates{TransNames: []string{"a"}, Trans: slices.Clone(ok.Trans)}
	bad.Trans[7] = math.Inf(1)
	cases := []struct {
		name     string
		purchase string
		cov      model.Covariates
		fitter   CovariateFitter
		want     string
	}{
		{"model without a covariate form", MBGNBD, ok, FitCovariateModel, "no covariate form"},
		{"no fitter", BGNBD, ok, nil, "Options.FitCovariates is not set"},
		{"infinite value names the customer", BGNBD, bad, FitCovariateModel, "customer " + `"` + cs[7].ID + `"`},
		{"wrong length", BGNBD, model.Covariates{TransNames: []string{"a"}, Trans: []float64{1}}, FitCovariateModel, "1 values for 200 customers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := cdnowOptions()
			o.Purchase = c.purchase
			o.Covariates, o.FitCovariates = &c.cov, c.fitter
			_, err := Score(context.Background(), cs, o)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want %q", err, c.want)
			}
			var ce *CustomerError
			if strings.HasPrefix(c.want, "customer") && !errors.As(err, &ce) {
				t.Errorf("error %T is no *CustomerError", err)
			}
		})
	}
}
