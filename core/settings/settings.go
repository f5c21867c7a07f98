// Package settings is the one model of the scoring settings that every
// front end of clvkit reads: the clv binary's clv.toml (host/internal/config)
// and the calculator page's JSON settings (wasm/bind) both decode into
// Settings, which fills the defaults of the keys left out (Complete),
// checks the values (Validate) and turns them into core options (Options).
// A setting therefore exists once: its field here, with its TOML and JSON
// key names as struct tags, its default in Complete and its check in
// Validate. The front ends keep only their encodings and what the other
// has no use for (the binary's file paths, plugins and output files; the
// page's delimiter and header, which it infers from the upload).
//
// The package is pure Go without I/O, like the rest of core; it knows the
// key names of both encodings only as struct tags and imports neither
// decoder.
//
// # Strictness
//
// A key must match a tag exactly, case included (Lookup); a key that
// matches none is a *KeyError with the closest known key as a hint
// (UnknownKey); a value of the wrong type is a *KeyError saying what the
// key takes (WrongType). Complete gives a default only to a key left out:
// a value given, zero included, is used as given or rejected, never
// replaced, and an empty string given for a key that has a default is an
// error. The front ends tell Complete which keys were given (a Given); the
// keys are named by their TOML path, "model.margin" (Canonical turns a
// JSON path into it).
//
// # Adding a setting
//
// Add one field to the section it belongs to, with both tags:
//
//	// HoldoutMonths is ... (unit and range in the comment).
//	HoldoutMonths int `toml:"holdout_months" json:"holdoutMonths"`
//
// then, in this package: its default (if it has one) in Complete, as
// def(...) or str(...) under its TOML key; its check in Validate (a
// *KeyError under its TOML key, usually through a Check* function of
// core/score); and its use in Options. Both decoders then accept the key,
// reject its misspellings, and report its errors under their own names;
// TestEveryFieldHasBothTags fails for a field missing a tag and
// TestKeysUnique for a JSON name another section already uses. Document
// the key where users read about keys: the commented starter clv.toml
// (host/internal/config's Starter) and README's table of defaults. A new
// section is a struct embedded in Settings with a toml tag (JSON keeps
// its fields at the top level) or a named field with both tags; the
// binary's config.Config lists the sections it decodes, so add it there
// too, in Config.Settings and setSettings (TestSettingsRoundTrip fails
// until it is).
package settings

import (
	"github.com/clvkit/clvkit/core/compare"
	"github.com/clvkit/clvkit/core/score"
)

// Settings is every scoring setting the binary and the page share. The
// sections Input, Time, Model, RFM and Output are TOML tables
// ([input], [time], ...) whose keys the page's JSON keeps at the top level;
// Formulas, Segmentation and Tiers are named in both. Decode into it with a
// front end's decoder, then call Complete, Validate and Options.
type Settings struct {
	Input        `toml:"input"`
	Time         `toml:"time"`
	Model        `toml:"model"`
	RFM          `toml:"rfm"`
	Formulas     []Formula    `toml:"formulas" json:"formulas"`
	Segmentation Segmentation `toml:"segmentation" json:"segmentation"`
	Tiers        Tiers        `toml:"tiers" json:"tiers"`
	Output       `toml:"output"`
}

// Input says what the input is and how to read its rows (the file itself,
// its format, delimiter and header belong to each front end).
type Input struct {
	// Kind is "transactions" (default: a transaction log) or "summary" (a
	// per-customer summary with frequency, recency, T and monetary_value).
	Kind string `toml:"kind" json:"kind"`
	// DateFormat is YYYY-MM-DD (default), auto (detected from the first
	// lines), YYYYMMDD, ISO8601, RFC3339, unix, tokens such as DD/MM/YYYY,
	// or a Go layout.
	DateFormat string `toml:"date_format" json:"dateFormat"`
	// AmountFormat is auto (default: detected from the first lines), plain,
	// "1,234.56", "1.234,56" or "1 234,56".
	AmountFormat string `toml:"amount_format" json:"amountFormat"`
	// SkipBadRows skips and counts rows that cannot be read instead of
	// stopping.
	SkipBadRows bool `toml:"skip_bad_rows" json:"skipBadRows"`
	// Returns is what a return row does: net (default), drop or purchase
	// (summary.ParseReturns).
	Returns string `toml:"returns" json:"returns"`
	// Where, AmountExpr and IsReturn are row rules over the input's
	// columns in the expression language of core/formula
	// (summary.RowRules); each is off when empty.
	Where      string `toml:"where" json:"where"`
	AmountExpr string `toml:"amount_expr" json:"amountExpr"`
	IsReturn   string `toml:"is_return" json:"isReturn"`
	// MissingCustomer is what a row without a customer id does: error
	// (default) or skip.
	MissingCustomer string  `toml:"missing_customer" json:"missingCustomer"`
	Columns         Columns `toml:"columns" json:"columns"`
}

// Columns names the input's columns by header name (or 1-based position
// when the file has no header).
type Columns struct {
	Customer  string `toml:"customer" json:"customer"` // default customer_id
	Date      string `toml:"date" json:"date"`         // transactions; default date
	Amount    string `toml:"amount" json:"amount"`     // transactions; none by default
	Frequency string `toml:"frequency" json:"frequency"`
	Recency   string `toml:"recency" json:"recency"`
	T         string `toml:"T" json:"T"`
	Monetary  string `toml:"monetary_value" json:"monetaryValue"`
}

// Time holds the time settings. There is no implicit "today": the
// observation end is required for a transaction log, so runs reproduce.
type Time struct {
	Grain          string `toml:"grain" json:"grain"`                    // day (default) | week | month
	Unit           string `toml:"unit" json:"unit"`                      // day | week (default) | month | Nd
	CalibrationEnd string `toml:"calibration_end" json:"calibrationEnd"` // optional, YYYY-MM-DD
	ObservationEnd string `toml:"observation_end" json:"observationEnd"` // YYYY-MM-DD, inclusive
}

// Model chooses and tunes the probabilistic models and the CLV horizon.
type Model struct {
	Purchase string  `toml:"purchase" json:"purchase"` // bgnbd (default) | paretonbd | mbgnbd | bgbb | auto (core/compare.Choose)
	Spend    string  `toml:"spend" json:"spend"`       // gammagamma (default) | none
	Penalty  float64 `toml:"penalty" json:"penalty"`   // L2 penalty of the fits, ≥ 0 (default 0)
	// HorizonMonths is the CLV horizon in months, 1..1200 (default 12).
	HorizonMonths int `toml:"horizon_months" json:"months"`
	// AnnualDiscountRate is a fraction a year, [0, 10) (default 0).
	AnnualDiscountRate float64 `toml:"annual_discount_rate" json:"annualDiscountRate"`
	// Margin is the fraction of revenue that is profit, [0, 1] (default 1:
	// CLV in revenue).
	Margin float64 `toml:"margin" json:"margin"`
	// PurchaseHorizon adds a column of expected purchases over a span in
	// any unit, "[count] unit" such as "39 week", "90 day" or "6 month"
	// (score.ParsePurchaseHorizon); none when empty (the default).
	PurchaseHorizon string `toml:"purchase_horizon" json:"purchaseHorizon"`
	// CovariatesTrans and CovariatesLife name customer attributes
	// (columns of the transaction log, read at each customer's first
	// purchase) that the purchase model's transaction and lifetime
	// processes depend on (model.BGNBDCov, model.ParetoNBDCov; bgnbd and
	// paretonbd only); none by default. CovariatePenalty is the L2
	// penalty on their coefficients γ, ≥ 0 (default 0).
	CovariatesTrans  []string `toml:"covariates_trans" json:"covariatesTrans"`
	CovariatesLife   []string `toml:"covariates_life" json:"covariatesLife"`
	CovariatePenalty float64  `toml:"covariate_penalty" json:"covariatePenalty"`
}

// RFM tunes the RFM scores.
type RFM struct {
	// Monetary is the value M ranks: average_order (default), repeat_mean
	// or total (score.RFMMonetaryModes). A summary input has only
	// repeat_mean, and uses it whatever this says.
	Monetary string `toml:"monetary" json:"rfmMonetary"`
}

// Formula is one extra output column: a built-in formula of the registry
// (core/formula) whose inputs are numbers or column names, or a custom
// expression over columns.
type Formula struct {
	Name    string         `toml:"name" json:"name"`
	Builtin string         `toml:"builtin" json:"builtin"`
	Expr    string         `toml:"expr" json:"expr"`
	Inputs  map[string]any `toml:"inputs" json:"inputs"` // values: numbers or column names
}

// Segmentation chooses the segment map: the default RFM map, ordered user
// rules, or a plugin (which the front end supplies).
type Segmentation struct {
	Map     string `toml:"map" json:"map"`         // default (default) | rules | plugin
	Default string `toml:"default" json:"default"` // label when no rule matches (default Other)
	Plugin  string `toml:"plugin" json:"plugin"`   // name of a segmentation plugin, for map = plugin
	Rules   []Rule `toml:"rules" json:"rules"`
}

// Rule is one segment rule; the first that matches wins.
type Rule struct {
	Segment string `toml:"segment" json:"segment"`
	When    string `toml:"when" json:"when"`
}

// Tiers assigns value tiers by quantile of a column. Column left out is
// clv (expected_purchases without the spend model); "" means no tiers.
// Cutoffs left out are score.DefaultTiers' (with its labels when Labels
// is left out too).
type Tiers struct {
	Column  string    `toml:"column" json:"column"`
	Cutoffs []float64 `toml:"cutoffs" json:"cutoffs"`
	Labels  []string  `toml:"labels" json:"labels"`
}

// Output holds the settings of the scored output that both front ends
// write (where to write it belongs to each).
type Output struct {
	// Precision is the decimals of every float column, 0..17 (default 6).
	Precision int `toml:"precision" json:"precision"`
	// CSVFormulaGuard says which CSV text cells that start with =, +, -,
	// @, tab or CR get a leading ' (textenc.Guard): labels (default),
	// all_text or off.
	CSVFormulaGuard string `toml:"csv_formula_guard" json:"csvFormulaGuard"`
	// Explain adds the column explanation: one sentence per customer
	// built from their own numbers by fixed rules (score.Explain). Default
	// false.
	Explain bool `toml:"explain" json:"explain"`
	// HistoricValue adds the column historic_plus_clv after clv
	// (score.Options.HistoricValue): each customer's margin to date
	// (revenue after returns × model.margin) plus their CLV. Default
	// false; it needs the spend model and a transaction log.
	HistoricValue bool `toml:"historic_value" json:"historicValue"`
}

// Kinds of input (Input.Kind).
const (
	KindTransactions = "transactions"
	KindSummary      = "summary"
)

// Segment maps (Segmentation.Map).
const (
	MapDefault = "default"
	MapRules   = "rules"
	MapPlugin  = "plugin"
)

// Purchases lists the purchase models Model.Purchase accepts: the models,
// and compare.Auto, which the front ends resolve with compare.Choose
// before scoring.
func Purchases() []string {
	return []string{score.BGNBD, score.ParetoNBD, score.MBGNBD, score.BGBB, compare.Auto}
}
