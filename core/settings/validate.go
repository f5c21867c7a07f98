package settings

import (
	"fmt"
	"slices"
	"strings"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/internal/quote"
	"github.com/clvkit/clvkit/internal/textenc"
)

func oneOf(key, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return &KeyError{Key: key, Msg: fmt.Sprintf("%s is not one of %s", quote.Value(v), strings.Join(allowed, ", "))}
}

// keyErr puts err under key, unless it is nil.
func keyErr(key string, err error) error {
	if err == nil {
		return nil
	}
	return &KeyError{Key: key, Msg: err.Error()}
}

// Validate checks what a decoder cannot, after Complete: enumerations,
// ranges, required keys and keys that exclude each other. The first
// problem is returned, as a *KeyError under its TOML key. Options checks
// the rest, which needs parsing (dates, units, formulas, rules).
func (s *Settings) Validate() error {
	in := s.Input
	var excl, seg error
	switch {
	case in.AmountExpr != "" && in.Columns.Amount != "":
		excl = &KeyError{Key: "input.amount_expr", Msg: "give amount_expr or the amount column (columns.amount), not both"}
	case in.Kind == KindSummary && (in.Where != "" || in.AmountExpr != "" || in.IsReturn != ""):
		excl = &KeyError{Key: "input.kind", Msg: "where, amount_expr and is_return are rules over transaction rows; a summary input has none"}
	case in.Kind == KindTransactions && s.Time.ObservationEnd == "":
		excl = &KeyError{Key: "time.observation_end", Msg: "missing: the last day of the observation period (YYYY-MM-DD); there is no implicit today, so runs reproduce"}
	case s.Output.HistoricValue && s.Model.Spend != score.SpendGammaGamma:
		excl = &KeyError{Key: "output.historic_value", Msg: `historic_plus_clv adds the margin to date to clv, which needs model.spend = "gammagamma"`}
	case s.Output.HistoricValue && in.Kind == KindSummary:
		excl = &KeyError{Key: "output.historic_value", Msg: `historic_plus_clv needs the revenue to date of a transaction log; a per-customer summary (input.kind = "summary") has none`}
	}
	switch {
	case s.Segmentation.Map == MapRules && len(s.Segmentation.Rules) == 0:
		seg = &KeyError{Key: "segmentation.map", Msg: "\"rules\" needs at least one [[segmentation.rules]] table"}
	case s.Segmentation.Map == MapPlugin && s.Segmentation.Plugin == "":
		seg = &KeyError{Key: "segmentation.plugin", Msg: "missing: the name of a configured segmentation plugin"}
	case s.Tiers.Column != "" && len(s.Tiers.Labels) != len(s.Tiers.Cutoffs)+1:
		seg = &KeyError{Key: "tiers.labels", Msg: fmt.Sprintf("%d labels for %d cutoffs: give one label per cutoff plus one for the rest", len(s.Tiers.Labels), len(s.Tiers.Cutoffs))}
	}
	// In this order: the first problem is reported.
	checks := []error{
		oneOf("input.kind", in.Kind, KindTransactions, KindSummary),
		oneOf("input.missing_customer", in.MissingCustomer, "error", "skip"),
		oneOf("time.grain", s.Time.Grain, "day", "week", "month"),
		oneOf("model.purchase", s.Model.Purchase, Purchases()...),
		oneOf("model.spend", s.Model.Spend, score.SpendGammaGamma, score.SpendNone),
		oneOf("rfm.monetary", s.RFM.Monetary, score.RFMMonetaryModes()...),
		oneOf("segmentation.map", s.Segmentation.Map, MapDefault, MapRules, MapPlugin),
		oneOf("output.csv_formula_guard", s.Output.CSVFormulaGuard, textenc.GuardNames()...),
		excl,
		keyErr("model.horizon_months", score.CheckHorizonMonths(s.Model.HorizonMonths)),
		keyErr("model.purchase_horizon", s.checkPurchaseHorizon()),
		keyErr("model.annual_discount_rate", score.CheckAnnualDiscountRate(s.Model.AnnualDiscountRate)),
		keyErr("model.penalty", score.CheckPenalty(s.Model.Penalty)),
		keyErr("model.covariate_penalty", score.CheckPenalty(s.Model.CovariatePenalty)),
		s.checkCovariates(),
		keyErr("model.margin", score.CheckMargin(s.Model.Margin)),
		keyErr("output.precision", score.CheckPrecision(s.Output.Precision)),
		seg,
	}
	checks = append(checks, s.validateFormulas())
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	return nil
}

// validateFormulas checks the formula columns' names and that each is a
// builtin or an expression.
func (s *Settings) validateFormulas() error {
	names := map[string]bool{}
	for i, f := range s.Formulas {
		key := fmt.Sprintf("formulas[%d]", i)
		switch {
		case f.Name == "":
			return &KeyError{Key: key + ".name", Msg: "missing: the output column name"}
		case names[f.Name]:
			return &KeyError{Key: key + ".name", Msg: fmt.Sprintf("%s is used twice", quote.Value(f.Name))}
		case textenc.FormulaLike(f.Name):
			return &KeyError{Key: key + ".name", Msg: fmt.Sprintf("%s starts with %q: spreadsheets would run the CSV header cell as a formula; start the column name with a letter", quote.Value(f.Name), f.Name[:1])}
		case score.CheckColumnName(f.Name) != nil:
			return &KeyError{Key: key + ".name", Msg: score.CheckColumnName(f.Name).Error()}
		case (f.Builtin == "") == (f.Expr == ""):
			return &KeyError{Key: key, Msg: fmt.Sprintf("formula %s: give exactly one of builtin or expr", quote.Value(f.Name))}
		}
		names[f.Name] = true
		for k, v := range f.Inputs {
			switch v.(type) {
			case string, int64, float64:
			default:
				return &KeyError{Key: key + ".inputs." + k, Msg: fmt.Sprintf("formula %s: an input is a number or a column name, not %T", quote.Value(f.Name), v)}
			}
		}
	}
	return nil
}

// checkCovariates checks model.covariates_trans and covariates_life: names
// given once each, a purchase model with a covariate form, attributes of a
// transaction log.
func (s *Settings) checkCovariates() error {
	lists := []struct {
		key   string
		names []string
	}{{"model.covariates_trans", s.Model.CovariatesTrans}, {"model.covariates_life", s.Model.CovariatesLife}}
	any := false
	for _, l := range lists {
		for i, n := range l.names {
			switch {
			case strings.TrimSpace(n) == "":
				return &KeyError{Key: l.key, Msg: "an empty attribute name"}
			case slices.Contains(l.names[:i], n):
				return &KeyError{Key: l.key, Msg: fmt.Sprintf("%s is listed twice", quote.Value(n))}
			}
			any = true
		}
	}
	switch {
	case !any:
		return nil
	case s.Model.Purchase != score.BGNBD && s.Model.Purchase != score.ParetoNBD:
		return &KeyError{Key: "model.purchase", Msg: fmt.Sprintf("%s has no covariate form: covariates_trans and covariates_life need bgnbd or paretonbd", quote.Value(s.Model.Purchase))}
	case s.Input.Kind == KindSummary:
		return &KeyError{Key: "model.covariates_trans", Msg: "covariates are attributes of a transaction log (each customer's value at the first purchase); a summary input has none"}
	}
	return nil
}

// checkPurchaseHorizon checks model.purchase_horizon when it is set.
func (s *Settings) checkPurchaseHorizon() error {
	if s.Model.PurchaseHorizon == "" {
		return nil
	}
	_, err := score.ParsePurchaseHorizon(s.Model.PurchaseHorizon)
	return err
}
