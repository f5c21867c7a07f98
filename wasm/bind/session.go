package bind

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/core/detect"
	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/segment"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/internal/textenc"
)

// Session holds one uploaded transaction log and its last scoring. The
// page's worker keeps one; nothing is shared between sessions.
type Session struct {
	data   []byte
	ins    Inspection
	result *score.Result
	guard  textenc.Guard // the last scoring's CSVFormulaGuard
}

// Load keeps data (the whole file) and inspects it.
func (s *Session) Load(data []byte) Inspection {
	s.data, s.result = data, nil
	s.ins = Inspect(data)
	return s.ins
}

// DateRange is the span of the date column under one format.
type DateRange struct {
	First string `json:"first"` // YYYY-MM-DD, "" if no date parsed
	Last  string `json:"last"`
	Bad   int    `json:"bad"` // rows whose date does not parse
}

// Dates scans the loaded file's date column with format.
func (s *Session) Dates(m Mapping, format string) DateRange {
	col := indexOf(s.ins.Columns, m.Date)
	first, last, bad := dateRange(s.data, s.ins.Delimiter, s.ins.Header, col, format)
	var r DateRange
	if !first.IsZero() {
		r.First, r.Last = first.Format(time.DateOnly), last.Format(time.DateOnly)
	}
	r.Bad = bad
	return r
}

// Settings are the scoring settings. A setting left out (a nil pointer, an
// empty string, a member absent from the JSON) takes the default that the
// clv binary uses for a key left out of clv.toml (core/score's Default*
// constants): day grain, week unit, BG/NBD with Gamma-Gamma, 12 months, no
// discounting, margin 1 (CLV in revenue), the default RFM map and the tiers
// Top 1 %, Top 10 %, Top 50 %, Bottom 50 % cut on clv, and the CSV formula guard on labels. A setting given is
// used as given or rejected, never replaced: margin 0 gives CLV 0. Decode
// the page's JSON with DecodeSettings, which also rejects unknown keys.
type Settings struct {
	Columns    Mapping `json:"columns"`
	DateFormat string  `json:"dateFormat"` // default YYYY-MM-DD; "auto" detects
	// AmountFormat is plain, "1,234.56", "1.234,56", "1 234,56" or auto
	// (default, as in the binary: detected from the first lines).
	AmountFormat   string `json:"amountFormat"`
	Delimiter      string `json:"delimiter"` // default: the inspected one
	Header         *bool  `json:"header"`    // default: the inspected one
	Grain          string `json:"grain"`
	Unit           string `json:"unit"`
	ObservationEnd string `json:"observationEnd"` // YYYY-MM-DD, required
	SkipBadRows    bool   `json:"skipBadRows"`
	// Returns is what a return row (a negative amount) does: "net"
	// (default), "drop" or "purchase", as the binary's input.returns.
	Returns string `json:"returns"`
	// Where, AmountExpr and IsReturn are the row rules of the binary's
	// input.where, input.amount_expr and input.is_return (see
	// summary.RowRules); "" is no rule.
	Where      string `json:"where"`
	AmountExpr string `json:"amountExpr"`
	IsReturn   string `json:"isReturn"`
	// MissingCustomer is what a row without a customer id does: "error"
	// (default) or "skip", as input.missing_customer.
	MissingCustomer string `json:"missingCustomer"`
	Purchase        string `json:"purchase"`
	// Spend is "gammagamma" (default) or "none".
	Spend string `json:"spend"`
	// Months is the CLV horizon, 1..1200 (default 12).
	Months             *int     `json:"months"`
	AnnualDiscountRate *float64 `json:"annualDiscountRate"` // [0, 10), default 0
	// Margin is the share of spend that is profit, in [0, 1] (default 1:
	// CLV in revenue).
	Margin *float64 `json:"margin"`
	// CSVFormulaGuard is clv.toml's output.csv_formula_guard for the CSV
	// download: "labels" (default), "all_text" or "off" (textenc.Guard).
	CSVFormulaGuard string `json:"csvFormulaGuard"`
	// RFMMonetary is clv.toml's rfm.monetary, the value RFM's M ranks:
	// "average_order" (default), "repeat_mean" or "total".
	RFMMonetary string `json:"rfmMonetary"`
}

// DecodeSettings decodes the page's settings (JSON text): every key must
// be a Settings key spelled exactly, case included, and an empty string
// given for a setting that has a default or is required is an error
// naming it (leave the key out for the default).
func DecodeSettings(data []byte) (Settings, error) {
	var st Settings
	seen, err := decodeStrict(data, &st)
	if err != nil {
		return Settings{}, fmt.Errorf("settings: %w", err)
	}
	for _, k := range []struct {
		key, v string
	}{
		{"columns.customer", st.Columns.Customer}, {"columns.date", st.Columns.Date},
		{"dateFormat", st.DateFormat}, {"delimiter", st.Delimiter}, {"grain", st.Grain}, {"unit", st.Unit},
		{"observationEnd", st.ObservationEnd}, {"purchase", st.Purchase}, {"spend", st.Spend}, {"returns", st.Returns}, {"amountFormat", st.AmountFormat},
		{"missingCustomer", st.MissingCustomer},
		{"rfmMonetary", st.RFMMonetary},
	} {
		if k.v == "" && seen[k.key] {
			return Settings{}, fmt.Errorf("settings: %s is empty: give a value, or leave the key out for the default", k.key)
		}
	}
	return st, nil
}

// Stage names a step of Score for the progress bar: "reading" (with the
// fraction read), "summarizing", then core/score's stages ("fit_purchase",
// "fit_spend" with a spend model, "score"), then "diagnostics".
type Stage string

// Progress reports a stage and the fraction of the input read (reading only;
// 1 for the other stages, which report only their start).
type Progress func(stage Stage, done float64)

// Scored is what the page shows after scoring; the per-customer columns
// are fetched separately as typed arrays (see Column).
type Scored struct {
	Report    Report       `json:"report"`
	Customers int          `json:"customers"`
	Purchase  FitInfo      `json:"purchase"`
	Spend     *SpendInfo   `json:"spend,omitempty"`
	Histogram []HistBin    `json:"histogram"`
	Columns   []ColumnInfo `json:"columns"`
	Segments  []Count      `json:"segments"`
	Tiers     []Count      `json:"tiers"`
	TotalCLV  Num          `json:"totalClv"`
	Warnings  []string     `json:"warnings"`
	// Notes say where the run did something other than the settings
	// asked, for a reason that is no problem of the data.
	Notes        []string `json:"notes"`
	Settings     Settings `json:"settings"` // with the defaults filled in
	Milliseconds struct {
		Summarize float64 `json:"summarize"`
		Score     float64 `json:"score"`
	} `json:"ms"`
}

// Report is core/summary's report on the input.
type Report struct {
	Rows                int            `json:"rows"`
	Transactions        int            `json:"transactions"`
	Filtered            int            `json:"filtered"`        // rows the where rule left out
	MissingCustomer     int            `json:"missingCustomer"` // rows without a customer id left out
	AfterObservationEnd int            `json:"afterObservationEnd"`
	Skipped             map[string]int `json:"skipped"`
	SkippedLines        []int          `json:"skippedLines"`
	ObservationEnd      string         `json:"observationEnd"`
	Unit                string         `json:"unit"`
}

// FitInfo is a fitted model's parameters and fit statistics.
type FitInfo struct {
	Model         string   `json:"model"`
	Names         []string `json:"names"`
	Params        []Num    `json:"params"`
	StdErrors     []Num    `json:"stdErrors"`
	LogLikelihood Num      `json:"logLikelihood"`
}

// SpendInfo is the Gamma-Gamma fit and how expected_spend was estimated
// (core/score's SpendEstimate). When the fit could not be used, Method is
// "own_mean", Fallback and Reason say why, and the fit's parameters are
// left out (Names and Params empty).
type SpendInfo struct {
	FitInfo
	Excluded    Num    `json:"excluded"`
	Correlation Num    `json:"correlation"`
	Warning     string `json:"warning,omitempty"`
	// Method is "gammagamma" or "own_mean".
	Method   string `json:"method"`
	Fallback string `json:"fallback,omitempty"`
	Reason   string `json:"reason,omitempty"`
	// PopulationMean is the expected spend of customers without a usable
	// mean repeat spend of their own.
	PopulationMean Num `json:"populationMean"`
	OneTime        int `json:"oneTime"`
	// NonPositive counts the repeat buyers whose mean repeat spend is ≤ 0
	// (left out of the fit); NonPositiveIDs names the first ten.
	NonPositive    int      `json:"nonPositive"`
	NonPositiveIDs []string `json:"nonPositiveIds"`
}

// HistBin is one bar of actual versus predicted repeat purchases.
type HistBin struct {
	Purchases string `json:"purchases"` // "0", "1", ..., "7+"
	Actual    Num    `json:"actual"`
	Expected  Num    `json:"expected"`
}

// ColumnInfo describes one output column: "float", "int" or "label" (with
// its levels; the values come as level indices).
type ColumnInfo struct {
	Name   string   `json:"name"`
	Kind   string   `json:"kind"`
	Levels []string `json:"levels,omitempty"`
}

// Count is a label and how many customers have it.
type Count struct {
	Label string `json:"label"`
	Count int    `json:"count"`
}

// options fills in the defaults of the settings left out and turns the
// settings into core options exactly as host/pipeline.go's prepare does
// for a clv.toml with the same values.
func (st *Settings) options() (summary.Options, score.Options, error) {
	var so summary.Options
	var err error
	def := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	def(&st.Grain, score.DefaultGrain)
	def(&st.Unit, score.DefaultUnit)
	def(&st.Purchase, score.DefaultPurchase)
	def(&st.Spend, score.DefaultSpend)
	def(&st.DateFormat, score.DefaultDateFormat)
	def(&st.AmountFormat, summary.AutoFormat)
	def(&st.RFMMonetary, score.DefaultRFMMonetary)
	if err := score.CheckRFMMonetary(st.RFMMonetary); err != nil {
		return so, score.Options{}, fmt.Errorf("rfmMonetary: %w", err)
	}
	if st.Months == nil {
		m := score.DefaultHorizonMonths
		st.Months = &m
	}
	if st.AnnualDiscountRate == nil {
		d := score.DefaultAnnualDiscountRate
		st.AnnualDiscountRate = &d
	}
	guard, err := textenc.ParseGuard(st.CSVFormulaGuard)
	if err != nil {
		return so, score.Options{}, fmt.Errorf("csvFormulaGuard: %w", err)
	}
	st.CSVFormulaGuard = guard.String()
	if st.Margin == nil {
		m := score.DefaultMargin
		st.Margin = &m
	}
	if so.Grain, err = summary.ParseGrain(st.Grain); err != nil {
		return so, score.Options{}, fmt.Errorf("grain: %w", err)
	}
	if so.Unit, err = summary.ParseUnit(st.Unit); err != nil {
		return so, score.Options{}, fmt.Errorf("unit: %w", err)
	}
	if st.ObservationEnd == "" {
		return so, score.Options{}, errors.New("observation end is required: the last day of the data (YYYY-MM-DD)")
	}
	if so.ObservationEnd, err = time.Parse(time.DateOnly, st.ObservationEnd); err != nil {
		return so, score.Options{}, fmt.Errorf("observation end %q: want YYYY-MM-DD", st.ObservationEnd)
	}
	so.SkipBadRows = st.SkipBadRows
	if so.Returns, err = summary.ParseReturns(st.Returns); err != nil {
		return so, score.Options{}, fmt.Errorf("returns: %w", err)
	}
	spend := st.Spend == score.SpendGammaGamma
	if st.Spend != score.SpendGammaGamma && st.Spend != score.SpendNone {
		return so, score.Options{}, fmt.Errorf("spend %q: want gammagamma or none", st.Spend)
	}
	switch st.MissingCustomer {
	case "", "error":
	case "skip":
		so.SkipMissingCustomer = true
	default:
		return so, score.Options{}, fmt.Errorf("missingCustomer %q: want error or skip", st.MissingCustomer)
	}
	if st.AmountExpr != "" && st.Columns.Amount != "" {
		return so, score.Options{}, errors.New("give amountExpr or the amount column, not both")
	}
	if spend && st.Columns.Amount == "" && st.AmountExpr == "" {
		return so, score.Options{}, errors.New("the spend model needs order values: choose the amount column, or turn the spend model off")
	}
	if err := score.CheckHorizonMonths(*st.Months); err != nil {
		return so, score.Options{}, fmt.Errorf("months: %w", err)
	}
	if err := score.CheckAnnualDiscountRate(*st.AnnualDiscountRate); err != nil {
		return so, score.Options{}, fmt.Errorf("annualDiscountRate: %w", err)
	}
	if err := score.CheckMargin(*st.Margin); err != nil {
		return so, score.Options{}, fmt.Errorf("margin: %w", err)
	}
	o := score.Options{
		Purchase: st.Purchase,
		Spend:    spend,
		CLV: model.CLVOptions{Months: *st.Months, AnnualDiscountRate: *st.AnnualDiscountRate,
			Margin: *st.Margin, DaysPerUnit: so.Unit.Days},
		TierColumn:  score.DefaultTierColumn,
		Tiers:       score.DefaultTiers(),
		RFMMonetary: st.RFMMonetary,
	}
	if err := o.CLV.Validate(); err != nil {
		return so, o, err
	}
	if !spend {
		o.TierColumn = "expected_purchases"
	}
	return so, o, nil
}

// progressReader reports the share of the input read, every 1/50th.
type progressReader struct {
	r          io.Reader
	n, total   int
	next       int
	onProgress Progress
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.n += n
	if p.onProgress != nil && p.n >= p.next {
		p.onProgress("reading", float64(p.n)/float64(max(p.total, 1)))
		p.next = p.n + p.total/50 + 1
	}
	return n, err
}

// Score summarizes the loaded file and scores every customer with
// core/score.Score, as clv score does with the same settings.
func (s *Session) Score(ctx context.Context, st Settings, onProgress Progress) (*Scored, error) {
	if s.data == nil {
		return nil, errors.New("no file loaded")
	}
	so, o, err := st.options()
	if err != nil {
		return nil, err
	}
	if st.Delimiter == "" {
		st.Delimiter = s.ins.Delimiter
	}
	header := s.ins.Header
	if st.Header != nil {
		header = *st.Header
	} else {
		st.Header = &header
	}
	t0 := time.Now()
	b, err := summary.NewBuilder(so)
	if err != nil {
		return nil, err
	}
	if st.DateFormat == summary.AutoFormat || st.AmountFormat == summary.AutoFormat {
		t := s.ins.table
		if t == nil || t.Delimiter != st.Delimiter || t.Header != header {
			if t, err = detect.ReadSample(bytes.NewReader(s.data), detect.Options{Delimiter: st.Delimiter, Header: &header}); err != nil {
				return nil, err
			}
		}
		if st.DateFormat, st.AmountFormat, err = t.ResolveFormats(st.Columns.Date, st.DateFormat, st.Columns.Amount, st.AmountFormat); err != nil {
			return nil, err
		}
	}
	copt := summary.CSVOptions{Columns: summary.Columns(st.Columns), Header: header, DateFormat: st.DateFormat, AmountFormat: st.AmountFormat,
		Rules: summary.RowRules{Where: st.Where, Amount: st.AmountExpr, IsReturn: st.IsReturn}}
	switch st.Delimiter {
	case "whitespace":
		copt.Whitespace = true
	case ",", ";", "\t", "|":
		copt.Delimiter = []rune(st.Delimiter)[0]
	default:
		return nil, fmt.Errorf("delimiter %q: want , ; tab | or whitespace", st.Delimiter)
	}
	pr := &progressReader{r: bytes.NewReader(s.data), total: len(s.data), onProgress: onProgress}
	if err := summary.ReadCSV(pr, copt, b); err != nil {
		return nil, err
	}
	if onProgress != nil {
		onProgress("summarizing", 1)
		o.OnStage = func(st score.Stage) { onProgress(Stage(st), 1) }
	}
	sum, err := b.Summary()
	if err != nil {
		return nil, err
	}
	if len(sum.Customers) == 0 {
		return nil, fmt.Errorf("no customers with a purchase on or before %s", st.ObservationEnd)
	}
	t1 := time.Now()
	res, err := score.Score(ctx, sum.Customers, o)
	if err != nil {
		return nil, err
	}
	if onProgress != nil {
		onProgress("diagnostics", 1)
	}
	s.result = res
	s.guard, _ = textenc.ParseGuard(st.CSVFormulaGuard) // checked by options
	out := &Scored{Customers: len(res.IDs), Settings: st, Warnings: res.Warnings, Notes: res.Notes}
	out.Report = Report{Rows: sum.Report.Rows, Transactions: sum.Report.Transactions,
		Filtered: sum.Report.Filtered, MissingCustomer: sum.Report.MissingCustomer,
		AfterObservationEnd: sum.Report.AfterObservationEnd, Skipped: map[string]int{},
		SkippedLines: sum.Report.SkippedLines, ObservationEnd: st.ObservationEnd, Unit: st.Unit}
	for k, v := range sum.Report.Skipped {
		out.Report.Skipped[string(k)] = v
	}
	out.Purchase = fitInfo(st.Purchase, res.PurchaseFit)
	if o.Spend {
		est := res.SpendEstimate
		fit := res.SpendFit.Fit
		if est.Method != score.EstimateGammaGamma {
			fit = model.Fit{LogLikelihood: math.NaN()}
		}
		out.Spend = &SpendInfo{FitInfo: fitInfo("gammagamma", fit), Excluded: Num(res.SpendFit.Excluded),
			Correlation: Num(res.SpendFit.Correlation), Warning: res.SpendFit.Warning,
			Method: est.Method, Fallback: est.Fallback, Reason: est.Reason, PopulationMean: Num(est.PopulationMean),
			OneTime: est.OneTime, NonPositive: est.NonPositive, NonPositiveIDs: est.NonPositiveIDs}
	}
	if res.Purchase != nil {
		rows := make([]model.RFT, len(sum.Customers))
		for i, c := range sum.Customers {
			rows[i] = model.RFT{X: float64(c.Frequency), TX: c.Recency, T: c.T, Weight: 1}
		}
		hist, err := model.FrequencyHistogram(res.Purchase, model.Compress(rows), 7)
		if err == nil {
			for _, h := range hist {
				l := strconv.Itoa(h.Purchases)
				if h.Open {
					l += "+"
				}
				out.Histogram = append(out.Histogram, HistBin{Purchases: l, Actual: Num(h.Actual), Expected: Num(h.Expected)})
			}
		}
	}
	for _, c := range res.Columns {
		ci := ColumnInfo{Name: c.Name, Kind: "float"}
		switch {
		case c.Labels != nil:
			ci.Kind, ci.Levels = "label", levels(c.Labels)
		case c.Integer:
			ci.Kind = "int"
		}
		out.Columns = append(out.Columns, ci)
	}
	if c, ok := res.Column("segment"); ok {
		out.Segments = counts(c.Labels, segmentOrder())
	}
	if c, ok := res.Column("tier"); ok {
		out.Tiers = counts(c.Labels, o.Tiers.Labels)
	}
	if c, ok := res.Column("clv"); ok {
		total := 0.0
		for _, v := range c.Floats {
			total += v
		}
		out.TotalCLV = Num(total)
	}
	out.Milliseconds.Summarize = float64(t1.Sub(t0).Microseconds()) / 1000
	out.Milliseconds.Score = float64(time.Since(t1).Microseconds()) / 1000
	return out, nil
}

func fitInfo(name string, f model.Fit) FitInfo {
	return FitInfo{Model: name, Names: f.Names, Params: nums(f.Params), StdErrors: nums(f.StdErrors), LogLikelihood: Num(f.LogLikelihood)}
}

// segmentOrder is the default map's segment order, best first.
func segmentOrder() []string {
	var out []string
	for _, r := range segment.DefaultRules() {
		out = append(out, r.Segment)
	}
	return out
}

// levels returns the distinct labels, sorted.
func levels(ls []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range ls {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	sort.Strings(out)
	return out
}

// counts counts the labels, in order first, then any others sorted.
func counts(ls []string, order []string) []Count {
	n := map[string]int{}
	for _, l := range ls {
		n[l]++
	}
	var out []Count
	for _, l := range order {
		if n[l] > 0 {
			out = append(out, Count{l, n[l]})
			delete(n, l)
		}
	}
	for _, l := range levels(ls) {
		if n[l] > 0 {
			out = append(out, Count{l, n[l]})
		}
	}
	return out
}

// IDs returns the scored customer ids, in the output's order.
func (s *Session) IDs() []string {
	if s.result == nil {
		return nil
	}
	return s.result.IDs
}

// Floats returns a numeric column's values; for a label column, the index
// of each value in ColumnInfo.Levels. ok is false for an unknown column.
func (s *Session) Floats(name string) (vals []float64, ok bool) {
	if s.result == nil {
		return nil, false
	}
	c, ok := s.result.Column(name)
	if !ok {
		return nil, false
	}
	if c.Labels == nil {
		return c.Floats, true
	}
	lv := levels(c.Labels)
	idx := make(map[string]int, len(lv))
	for i, l := range lv {
		idx[l] = i
	}
	out := make([]float64, len(c.Labels))
	for i, l := range c.Labels {
		out[i] = float64(idx[l])
	}
	return out, true
}

// CSV writes the last scoring as clv score writes its CSV output (see
// EncodeCSV), under the scoring's Settings.CSVFormulaGuard.
func (s *Session) CSV(precision int) []byte {
	if s.result == nil {
		return nil
	}
	if precision < 0 {
		precision = 6
	}
	return EncodeCSV(s.result, precision, s.guard)
}

// CSVLabels returns labels as the CSV fields clv score writes for them in
// a label column under the last scoring's Settings.CSVFormulaGuard: the
// page appends its plugins' label columns to the download with them.
func (s *Session) CSVLabels(labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = string(s.guard.AppendCSVText(nil, l, textenc.Label))
	}
	return out
}

// EncodeCSV writes res as clv score writes its CSV output: header,
// customer_id then the result's columns, floats with strconv's 'f' format
// at precision decimals (−0 written as 0, NaN and ±Inf as empty fields),
// integers without decimals, fields quoted as encoding/csv does, "\n"
// line ends, and label cells (customer ids too under all_text) that start
// with = + - @ tab or CR prefixed with ' as guard says.
func EncodeCSV(res *score.Result, precision int, guard textenc.Guard) []byte {
	var b []byte
	b = textenc.AppendCSVField(b, "customer_id")
	for _, c := range res.Columns {
		b = append(b, ',')
		b = textenc.AppendCSVField(b, c.Name)
	}
	b = append(b, '\n')
	for i, id := range res.IDs {
		b = guard.AppendCSVText(b, id, textenc.ID)
		for _, c := range res.Columns {
			b = append(b, ',')
			switch {
			case c.Labels != nil:
				b = guard.AppendCSVText(b, c.Labels[i], textenc.Label)
			case math.IsNaN(c.Floats[i]) || math.IsInf(c.Floats[i], 0):
			case c.Integer:
				b = strconv.AppendInt(b, int64(c.Floats[i]), 10)
			default:
				b = textenc.AppendFloat(b, c.Floats[i], precision)
			}
		}
		b = append(b, '\n')
	}
	return b
}
