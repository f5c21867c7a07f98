package bind

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"time"

	"github.com/clvkit/clvkit/core/compare"
	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/segment"
	"github.com/clvkit/clvkit/core/settings"
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
	// precision is the last scoring's Output.Precision, the decimals of
	// CSV when the page asks for the settings' precision.
	precision int
	// The last scoring's transactions and observation end, for Cohorts.
	builder *summary.Builder
	obsEnd  time.Time
	// settings is the last scoring's, for Groups to read the file again.
	settings *Settings
	// grouped is the last scoring's customers with one column's values
	// (Groups), kept while only the typed costs change.
	grouped *groupedColumn
}

// Load keeps data (the whole file) and inspects it.
func (s *Session) Load(data []byte) Inspection {
	s.data, s.result, s.builder, s.settings, s.grouped = data, nil, nil, nil, nil
	s.ins = Inspect(data)
	return s.ins
}

// DateRange is the span of the date column under one format.
type DateRange struct {
	First string `json:"first"` // YYYY-MM-DD, "" if no date parsed
	Last  string `json:"last"`
	Bad   int    `json:"bad"` // rows whose date does not parse
	// FirstBadLine and FirstBad are the line and value of the first of
	// those rows (0 and "" when there is none).
	FirstBadLine int    `json:"firstBadLine,omitempty"`
	FirstBad     string `json:"firstBad,omitempty"`
}

// Dates scans the loaded file's date column with format.
func (s *Session) Dates(m Mapping, format string) DateRange {
	col := indexOf(s.ins.Columns, m.Date)
	st := dateScan(s.data, s.ins.Delimiter, s.ins.Header, col, format)
	r := DateRange{Bad: st.Bad, FirstBadLine: st.FirstBadLine, FirstBad: st.FirstBad}
	if !st.First.IsZero() {
		r.First, r.Last = st.First.Format(time.DateOnly), st.Last.Format(time.DateOnly)
	}
	return r
}

// Settings are the page's scoring settings: core/settings' Settings, the
// one settings model the clv binary's clv.toml decodes into too (its JSON
// keys are its json tags: "margin", "months", "columns", "formulas",
// "tiers", ...), and the two things the page infers from the upload. The
// defaults of keys left out, the checks and the core options are
// settings.Settings': the same as for a clv.toml with the same values.
// Decode the page's JSON with DecodeSettings, which is strict: keys spelled
// exactly, unknown keys rejected, a value given used as given or rejected,
// never replaced (margin 0 gives CLV 0).
type Settings struct {
	settings.Settings
	Delimiter string `json:"delimiter" toml:"-"` // default: the inspected one
	Header    *bool  `json:"header" toml:"-"`    // default: the inspected one
}

// settingsType is the type whose json and toml tags name the shared keys.
var settingsType = reflect.TypeFor[settings.Settings]()

// jsonKeyErr names the key of a *settings.KeyError (a TOML path) by its
// JSON name; other errors pass.
func jsonKeyErr(err error) error {
	var ke *settings.KeyError
	if !errors.As(err, &ke) {
		return err
	}
	return &settings.KeyError{Key: settings.Rename(settingsType, settings.TOML, settings.JSON, ke.Key), Msg: ke.Msg}
}

// DecodeSettings decodes the page's settings (JSON text), fills in the
// default of every key left out (settings.Complete) and checks the values
// (settings.Validate), as clv.toml's are: every key must be a
// Settings key spelled exactly, case included, a value must have the key's
// type, and an empty string given for a setting that has a default or is
// required is an error naming it (leave the key out for the default).
// Errors name keys by their JSON names.
func DecodeSettings(data []byte) (Settings, error) {
	var st Settings
	seen, err := decodeStrict(data, &st)
	if err != nil {
		return Settings{}, fmt.Errorf("settings: %w", err)
	}
	if st.Delimiter == "" && seen["delimiter"] {
		return Settings{}, errors.New("settings: delimiter: empty: omit the key for the delimiter the file was inspected with")
	}
	given := map[string]bool{}
	for k := range seen {
		given[settings.Rename(settingsType, settings.JSON, settings.TOML, k)] = true
	}
	if err := st.Complete(func(key string) bool { return given[key] }); err != nil {
		return Settings{}, fmt.Errorf("settings: %w", jsonKeyErr(err))
	}
	if err := st.Validate(); err != nil {
		return Settings{}, fmt.Errorf("settings: %w", jsonKeyErr(err))
	}
	return st, nil
}

// NewSettings returns the settings of an inspected file for Go callers:
// its guessed columns and date format, observationEnd, and every other
// setting at its default, as DecodeSettings gives them for JSON with only
// those keys. Change a field afterwards as the JSON would give it.
func NewSettings(ins Inspection, observationEnd string) Settings {
	var st Settings
	given := map[string]bool{}
	set := func(p *string, key, v string) {
		if v != "" {
			*p, given[key] = v, true
		}
	}
	set(&st.Input.Columns.Customer, "input.columns.customer", ins.Guess.Customer)
	set(&st.Input.Columns.Date, "input.columns.date", ins.Guess.Date)
	set(&st.Input.Columns.Amount, "input.columns.amount", ins.Guess.Amount)
	set(&st.Input.DateFormat, "input.date_format", ins.DateFormat)
	set(&st.Time.ObservationEnd, "time.observation_end", observationEnd)
	// Nothing given is empty, so Complete cannot fail.
	_ = st.Complete(func(key string) bool { return given[key] })
	return st
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

// options turns the settings into core options with settings.Options,
// exactly as the clv binary does for a clv.toml with the same values, and
// refuses what the page cannot do. Errors name keys by their JSON names.
func (st *Settings) options() (summary.Options, score.Options, error) {
	switch {
	case st.Input.Kind != settings.KindTransactions:
		return summary.Options{}, score.Options{}, fmt.Errorf("kind %q: the page reads transaction logs only (kind %q)", st.Input.Kind, settings.KindTransactions)
	case st.Segmentation.Map == settings.MapPlugin:
		return summary.Options{}, score.Options{}, errors.New("segmentation: map \"plugin\": the page runs plugins on the scored table instead; use map \"default\" or \"rules\"")
	case len(st.Model.CovariatesTrans)+len(st.Model.CovariatesLife) > 0:
		// Not silently ignored: the page reads no customer attributes yet.
		return summary.Options{}, score.Options{}, errors.New("covariatesTrans, covariatesLife: the page does not fit models with covariates yet; use clv score with model.covariates_trans and covariates_life")
	}
	so, o, err := st.Settings.Options()
	if err == nil {
		err = settings.CheckColumns(o)
	}
	return so, o, jsonKeyErr(err)
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
	t0 := time.Now()
	copt, err := s.csvOptions(&st)
	if err != nil {
		return nil, err
	}
	b, err := summary.NewBuilder(so)
	if err != nil {
		return nil, err
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
	if o.Purchase == compare.Auto {
		if onProgress != nil {
			onProgress(Stage(score.StageFitPurchase), 1) // the candidates' fits
		}
		// purchase "auto": the model clv score would choose (compare.Choose).
		ch, _, err := compare.Choose(sum, o.Fit)
		if err != nil {
			return nil, err
		}
		o.Purchase = ch.Model
	}
	res, err := score.Score(ctx, sum.Customers, o)
	if err != nil {
		return nil, err
	}
	if onProgress != nil {
		onProgress("diagnostics", 1)
	}
	s.result, s.builder, s.obsEnd, s.grouped = res, b, so.ObservationEnd, nil
	last := st
	s.settings = &last
	s.guard, _ = st.Guard() // checked by options
	s.precision = st.Output.Precision
	out := &Scored{Customers: len(res.IDs), Settings: st, Warnings: res.Warnings, Notes: res.Notes}
	out.Report = Report{Rows: sum.Report.Rows, Transactions: sum.Report.Transactions,
		Filtered: sum.Report.Filtered, MissingCustomer: sum.Report.MissingCustomer,
		AfterObservationEnd: sum.Report.AfterObservationEnd, Skipped: map[string]int{},
		SkippedLines: sum.Report.SkippedLines, ObservationEnd: st.ObservationEnd, Unit: st.Unit}
	for k, v := range sum.Report.Skipped {
		out.Report.Skipped[string(k)] = v
	}
	out.Purchase = fitInfo(o.Purchase, res.PurchaseFit)
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

// fitInfo is f for the page; a fit left out (the spend fallback) has empty
// lists, never null, so the page can draw its table either way.
func fitInfo(name string, f model.Fit) FitInfo {
	names := f.Names
	if names == nil {
		names = []string{}
	}
	return FitInfo{Model: name, Names: names, Params: nums(f.Params), StdErrors: nums(f.StdErrors), LogLikelihood: Num(f.LogLikelihood)}
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
// EncodeCSV), under the scoring's Settings.CSVFormulaGuard, with precision
// decimals; a negative precision is the scoring's settings' (precision,
// default 6).
func (s *Session) CSV(precision int) []byte {
	if s.result == nil {
		return nil
	}
	if precision < 0 {
		precision = s.precision
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
