package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/core/compare"
	"github.com/clvkit/clvkit/core/model"
	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/atomicfile"
	"github.com/clvkit/clvkit/host/internal/report"
	"github.com/clvkit/clvkit/internal/quote"
	"github.com/clvkit/clvkit/internal/textenc"
)

// defaultTopCustomers is how many customers the report lists by default.
const defaultTopCustomers = 25

func reportCommand() command {
	return command{
		name:    "report",
		summary: "write a self-contained HTML report: fit, holdout comparison, diagnostic charts, value, segments, top customers",
		usage: `Usage: clv report [--config FILE] --out report.html [flags]

Runs the scoring of clv score (same config, same numbers) and writes one
HTML file meant to be read, printed or sent on: it needs no network and
opens from disk (no scripts, fonts or images from anywhere; the charts are
inline SVG drawn by clv, each with an accessible title and a table of its
numbers). It has:
  - the data: customers, repeat buyers, purchases, time unit and periods
  - the fit: the purchase model's parameters with standard errors and
    log-likelihood, and the spend model's (or why it was not used)
  - with time.calibration_end: the models compared on the holdout period
    and the diagnostic charts (holdout purchases by calibration frequency,
    weekly cumulative and incremental tracking, P(alive) deciles against
    the share who bought again)
  - the frequency histogram, actual against the model's expectation
  - the value distribution: value deciles (clv, or expected_purchases
    with model.spend = "none") and the share of value in the top 10 %
  - segments with their customers and value
  - the top customers (--top, default ` + strconv.Itoa(defaultTopCustomers) + `), their numbers exactly as the
    scored file writes them (output.precision decimals)
Customers are ranked by value, ties by customer id; deciles hold
floor(n·k/10) to floor(n·(k+1)/10) customers of that ranking. The report
is deterministic: the same inputs give the same bytes. The only dates in
it are the observation (and calibration) end, the only version clvkit's.
It writes no scores: run clv score for the file.

Examples:
  clv report --config clv.toml --out report.html
  clv report --config clv.toml --out report.html --top 50 --title "Acme Ltd: customer value"
  clv report --config clv-holdout.toml --out - > holdout.html   # with a holdout: the models compared`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			o := reportFlags{}
			fs.StringVar(&o.config, "config", "", "the clv.toml to run, - for stdin (default: ./clv.toml, when it exists)")
			fs.StringVar(&o.input, "input", "", "override input.path")
			fs.StringVar(&o.observationEnd, "observation-end", "", "override time.observation_end (YYYY-MM-DD)")
			fs.StringVar(&o.out, "out", "", "the HTML file to write, - for stdout (required)")
			fs.IntVar(&o.top, "top", defaultTopCustomers, "how many top customers to list, 0..1000")
			fs.StringVar(&o.title, "title", "", "the page's title (default: Customer lifetime value report)")
			fs.BoolVar(&o.quiet, "quiet", false, "no progress bar on stderr")
			lockWait := lockWaitFlag(fs)
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("unexpected arguments %s", quote.List(args))
				}
				if o.out == "" {
					return errors.New("--out is required: the HTML file to write (- for stdout)")
				}
				if o.top < 0 || o.top > 1000 {
					return fmt.Errorf("--top %d: want 0..1000", o.top)
				}
				set := map[string]bool{}
				fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
				return o.run(ctx, e, set, *lockWait)
			}
		},
	}
}

// reportFlags are the flags of clv report.
type reportFlags struct {
	config, input, observationEnd, out, title string
	top                                       int
	quiet                                     bool
}

func (o *reportFlags) run(ctx context.Context, e *env, set map[string]bool, lockWait time.Duration) error {
	if err := emptyFlag(set, " to keep the config's", flagValue{"input", o.input}, flagValue{"observation-end", o.observationEnd}); err != nil {
		return err
	}
	if o.config == "" {
		path, err := defaultConfig()
		if err != nil {
			return err
		}
		o.config = path
	}
	cfg, err := loadDataConfig(e, o.config, set, o.input, o.observationEnd, nil)
	if err != nil {
		return err
	}
	j, err := prepare(cfg)
	if err != nil {
		return err
	}
	out := o.out
	if out != "-" {
		out = absPath(out)
		inputs := []atomicfile.Named{{What: "--config", Path: cfg.Name}, {What: "input.path", Path: j.input.Path}}
		for i, p := range cfg.Plugins {
			inputs = append(inputs, atomicfile.Named{What: fmt.Sprintf("plugins[%d].path (plugin %s)", i, p.Name), Path: cfg.Resolve(p.Path)})
		}
		inputs = append(inputs, j.attributeFiles()...)
		if err := guardOutputs(ctx, e, lockWait, []atomicfile.Named{{What: "--out", Path: out}}, inputs); err != nil {
			return err
		}
	}
	closePlugins, err := j.loadPlugins(ctx, e)
	defer closePlugins()
	if err != nil {
		return err
	}
	if _, err := j.checkInput(e); err != nil {
		return err
	}
	customers, s, tracking, lines, err := j.reportCustomers(ctx, e, newProgress(e, o.quiet))
	if err != nil {
		return err
	}
	attrs, costs, err := j.customerAttributes(e, customers, s)
	if err != nil {
		return err
	}
	j.options.Attributes = attrs
	// purchase = "auto" chooses as clv score does, so the scores are the
	// same.
	var choice *compare.Choice
	if j.options.Purchase == compare.Auto {
		sc := &scoring{job: j}
		if err := sc.choose(customers, s); err != nil {
			return customerLine(j.input.displayName(), customers, lines, err)
		}
		choice = sc.choice
	}
	res, err := score.Score(ctx, customers, j.options)
	if err != nil {
		return customerLine(j.input.displayName(), customers, lines, err)
	}
	in := reportInput{job: j, result: res, summary: s, choice: choice, top: o.top, title: o.title}
	if attrs != nil {
		in.groups = &scoring{job: j, result: res, summary: s, customers: customers, attributes: attrs, costs: costs}
	}
	if s != nil && s.HasHoldout {
		in.holdout, err = compare.Compare(compare.Input{Summary: *s, Tracking: tracking, Fit: j.options.Fit, Spend: j.options.Spend})
		if err != nil {
			return fmt.Errorf("%s: holdout comparison: %w", j.input.displayName(), err)
		}
	}
	page, err := buildReport(in)
	if err != nil {
		return err
	}
	return writeAtomic(e, out, func(w io.Writer) error { return report.Render(w, page) })
}

// reportInput is what a report is built from: the prepared job, the
// scored customers and, for a transaction log, the summary's report.
type reportInput struct {
	job    *job
	result *score.Result
	// summary is nil for a per-customer summary input.
	summary *summary.Summary
	// holdout is the model comparison on the holdout period (nil without
	// a calibration split of a transaction log).
	holdout *compare.Report
	// choice is what purchase = "auto" chose (nil when the config names
	// the model).
	choice *compare.Choice
	top    int
	title  string
	// groups is the scoring with the customers' attributes, for the
	// groups sections (nil without attributes).
	groups *scoring
}

// purchaseModelNames are the purchase models' names as the report writes
// them, with their source.
var purchaseModelNames = map[string]string{
	score.BGNBD:     "BG/NBD (Fader, Hardie & Lee 2005)",
	score.ParetoNBD: "Pareto/NBD (Schmittlein, Morrison & Colombo 1987)",
	score.MBGNBD:    "MBG/NBD (Batislam, Denizel & Filiztekin 2007)",
	score.BGBB:      "BG/BB (Fader, Hardie & Shang 2010)",
}

// buildReport lays the page out. Every number is formatted here, at a
// fixed precision; per-customer numbers exactly as the scored file writes
// them.
func buildReport(in reportInput) (*report.Report, error) {
	j, res := in.job, in.result
	n := len(res.IDs)
	prec := j.output.Precision
	purchase := j.options.Purchase
	if purchase == "" {
		purchase = score.BGNBD
	}
	valueCol, valueName := "expected_purchases", fmt.Sprintf("expected purchases (%d months)", j.options.CLV.Months)
	if _, ok := res.Column("clv"); ok {
		valueCol, valueName = "clv", fmt.Sprintf("CLV (%d months)", j.options.CLV.Months)
	}
	value := floatsOf(res, valueCol)
	order := rankByValue(value)
	total := 0.0
	for _, v := range value {
		total += v
	}
	top10 := 0.0
	for _, i := range order[:n/10] {
		top10 += value[i]
	}

	obsEnd := j.cfg.Time.ObservationEnd
	title := in.title
	if title == "" {
		title = "Customer lifetime value report"
	}
	r := &report.Report{
		Title:    title,
		Subtitle: fmt.Sprintf("%s · %s · observation end %s", filepath.Base(j.input.displayName()), purchaseModelNames[purchase], obsEnd),
		Footer:   fmt.Sprintf("Made with clvkit %s from %s; observation end %s. Every figure is reproducible: the same data and config give this page byte for byte.", clvVersion(), filepath.Base(j.cfg.Name), obsEnd),
	}
	r.Facts = []report.Fact{
		{Label: "Customers", Value: count(n)},
		{Label: "Total " + valueName, Value: number(total, 2)},
		{Label: "Share of value in the top 10 %", Value: percent(top10, total)},
		{Label: "Observation end", Value: obsEnd},
	}
	if c := j.cfg.Time.CalibrationEnd; c != "" {
		r.Facts = append(r.Facts, report.Fact{Label: "Calibration end", Value: c})
	}

	r.Sections = append(r.Sections, dataSection(in))
	fit, err := fitSection(in, purchase)
	if err != nil {
		return nil, err
	}
	r.Sections = append(r.Sections, fit)
	if in.holdout != nil {
		r.Sections = append(r.Sections, holdoutSections(in.holdout, purchase, j.cfg.Time.CalibrationEnd, obsEnd)...)
	}
	r.Sections = append(r.Sections, valueSection(value, order, total, valueName))
	if in.groups != nil {
		gs, err := groupSections(in.groups)
		if err != nil {
			return nil, err
		}
		r.Sections = append(r.Sections, gs...)
	}
	if seg, ok := res.Column("segment"); ok {
		r.Sections = append(r.Sections, segmentSection(res, seg.Labels, value, total, valueName))
	}
	if in.top > 0 {
		r.Sections = append(r.Sections, topSection(res, order, in.top, prec, valueCol))
	}
	return r, nil
}

// floatsOf returns a numeric column of the result, nil when absent.
func floatsOf(res *score.Result, name string) []float64 {
	c, _ := res.Column(name)
	return c.Floats
}

// rankByValue returns the customers' positions by value, highest first;
// equal values keep the result's order (by customer id).
func rankByValue(value []float64) []int {
	order := make([]int, len(value))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		switch {
		case value[a] > value[b]:
			return -1
		case value[a] < value[b]:
			return 1
		}
		return 0
	})
	return order
}

func dataSection(in reportInput) report.Section {
	j, res := in.job, in.result
	n := len(res.IDs)
	freq := floatsOf(res, "frequency")
	age := floatsOf(res, "T")
	repeat, purchases, sumT := 0, 0.0, 0.0
	for i := range freq {
		if freq[i] > 0 {
			repeat++
		}
		purchases += freq[i]
		sumT += age[i]
	}
	unit := j.time.Unit.Name
	sec := report.Section{ID: "data", Title: "The data"}
	var facts []report.Fact
	if s := in.summary; s != nil {
		rep := s.Report
		sec.Blocks = append(sec.Blocks, report.Block{Text: fmt.Sprintf(
			"%s: %s rows read, %s transactions kept. A purchase is one %s with at least one order; times are in %s.",
			filepath.Base(j.input.displayName()), count(rep.Rows), count(rep.Transactions), s.Grain, unit)})
		if rep.AfterObservationEnd > 0 {
			facts = append(facts, report.Fact{Label: "Transactions after the observation end (left out)", Value: count(rep.AfterObservationEnd)})
		}
		if rep.NewInHoldout > 0 {
			facts = append(facts, report.Fact{Label: "Customers who first bought in the holdout (not scored)", Value: count(rep.NewInHoldout)})
		}
	} else {
		sec.Blocks = append(sec.Blocks, report.Block{Text: fmt.Sprintf(
			"%s: one row per customer (a summary); times are in %s.", filepath.Base(j.input.displayName()), unit)})
	}
	period := ""
	if c := j.cfg.Time.CalibrationEnd; c != "" {
		period = " (calibration period)"
		facts = append(facts,
			report.Fact{Label: "Calibration period", Value: "to " + c},
			report.Fact{Label: "Holdout period", Value: fmt.Sprintf("%s to %s: %s %s", c, j.cfg.Time.ObservationEnd, number(in.summary.DurationHoldout, 2), unit)})
	}
	facts = append([]report.Fact{
		{Label: "Customers scored", Value: count(n)},
		{Label: "Repeat buyers" + period, Value: fmt.Sprintf("%s (%s)", count(repeat), percent(float64(repeat), float64(n)))},
		{Label: "Repeat purchases" + period, Value: number(purchases, 0)},
		{Label: "Mean repeat purchases per customer" + period, Value: number(purchases/float64(n), 3)},
		{Label: "Mean time since first purchase (T)", Value: number(sumT/float64(n), 2) + " " + unit},
	}, facts...)
	sec.Blocks = append(sec.Blocks, report.Block{Facts: facts})
	return sec
}

func fitSection(in reportInput, purchase string) (report.Section, error) {
	j, res := in.job, in.result
	o := j.options
	sec := report.Section{ID: "fit", Title: "The fit"}
	pf := res.PurchaseFit
	conv := "converged"
	if !pf.Converged {
		conv = "did not converge: read the parameters with care"
	}
	// Frozen models (model.load, model.load_spend) are not refitted.
	loaded := map[string]string{}
	for _, m := range j.models {
		loaded[m.role] = filepath.Base(m.path)
	}
	fitted := fmt.Sprintf("Purchases: %s, fitted by maximum likelihood to %s customers (%s distinct histories); the fit %s.",
		purchaseModelNames[purchase], number(pf.Customers, 0), count(pf.Rows), conv)
	if f, ok := loaded[rolePurchase]; ok {
		fitted = fmt.Sprintf("Purchases: %s with the parameters of %s, fitted earlier and not refitted on these data; the log-likelihood is of these %s customers.",
			purchaseModelNames[purchase], f, count(len(res.IDs)))
	}
	sec.Blocks = append(sec.Blocks,
		report.Block{Text: fitted},
		report.Block{Table: paramTable("Purchase model parameters", pf)},
		report.Block{Facts: []report.Fact{{Label: "Log-likelihood", Value: number(pf.LogLikelihood, 4)}}})
	if c := in.choice; c != nil {
		sec.Blocks = append(sec.Blocks, report.Block{Text: choiceSentence(*c)})
	}
	if o.Spend {
		est := res.SpendEstimate
		if f, ok := loaded[roleSpend]; ok && est.Method == score.EstimateGammaGamma {
			sec.Blocks = append(sec.Blocks,
				report.Block{Text: fmt.Sprintf("Spend per purchase: Gamma-Gamma with the parameters of %s, fitted earlier and not refitted.", f)},
				report.Block{Table: paramTable("Spend model parameters", res.SpendFit.Fit)})
		} else if est.Method == score.EstimateGammaGamma {
			sf := res.SpendFit
			sec.Blocks = append(sec.Blocks,
				report.Block{Text: fmt.Sprintf("Spend per purchase: Gamma-Gamma (Fader, Hardie & Lee 2005), fitted to the %s repeat buyers with a positive mean spend; %s customers without a repeat purchase get the population mean %s.",
					number(sf.Customers, 0), count(est.OneTime), number(est.PopulationMean, 2))},
				report.Block{Table: paramTable("Spend model parameters", sf.Fit)},
				report.Block{Facts: []report.Fact{
					{Label: "Log-likelihood", Value: number(sf.LogLikelihood, 4)},
					{Label: "Correlation of frequency and mean spend", Value: number(sf.Correlation, 4)},
				}})
		} else {
			sec.Blocks = append(sec.Blocks, report.Block{Text: fmt.Sprintf("Spend per purchase: the Gamma-Gamma model was not used (%s); each customer's own mean repeat spend stands in for it.", est.Reason)})
		}
	}
	c := o.CLV
	sec.Blocks = append(sec.Blocks, report.Block{Facts: []report.Fact{
		{Label: "Horizon", Value: fmt.Sprintf("%d months", c.Months)},
		{Label: "Annual discount rate", Value: percent(c.AnnualDiscountRate, 1)},
		{Label: "Margin", Value: percent(c.Margin, 1)},
	}})
	for _, w := range res.Warnings {
		sec.Blocks = append(sec.Blocks, report.Block{Text: "Warning: " + w})
	}
	for _, note := range res.Notes {
		sec.Blocks = append(sec.Blocks, report.Block{Text: "Note: " + note})
	}
	hist, err := histogramChart(res, j.time.Unit.Name, in.summary != nil && in.summary.HasHoldout)
	if err != nil {
		return sec, err
	}
	sec.Blocks = append(sec.Blocks, report.Block{Chart: hist})
	return sec, nil
}

// paramTable lists a fit's parameters with their standard errors ("n/a"
// where the Hessian gave none), at four decimals as clv fit prints them.
func paramTable(caption string, f model.Fit) *report.Table {
	t := &report.Table{Caption: caption, Head: []string{"parameter", "estimate", "standard error"}, Numeric: []bool{false, true, true}}
	for i, name := range f.Names {
		se := "n/a"
		if i < len(f.StdErrors) && !math.IsNaN(f.StdErrors[i]) && !math.IsInf(f.StdErrors[i], 0) {
			se = strconv.FormatFloat(f.StdErrors[i], 'f', 4, 64)
		}
		t.Rows = append(t.Rows, []string{name, strconv.FormatFloat(f.Params[i], 'f', 4, 64), se})
	}
	return t
}

// histogramChart compares the customers with 0..6 and 7+ repeat purchases
// with the numbers the fitted model expects given each customer's T.
func histogramChart(res *score.Result, unit string, holdout bool) (*report.Chart, error) {
	freq, rec, age := floatsOf(res, "frequency"), floatsOf(res, "recency"), floatsOf(res, "T")
	rows := make([]model.RFT, len(freq))
	for i := range rows {
		rows[i] = model.RFT{X: freq[i], TX: rec[i], T: age[i], Weight: 1}
	}
	bins, err := model.FrequencyHistogram(res.Purchase, model.Compress(rows), 7)
	if err != nil {
		return nil, &internalError{err}
	}
	period := ""
	if holdout {
		period = " in the calibration period"
	}
	c := &report.Chart{ID: "frequency-histogram", Title: "Repeat purchases per customer" + period,
		Desc:   "Customers by number of repeat purchases: actual, and expected by the fitted model given how long each customer has been observed. Bars of similar height mean the model describes the data.",
		XLabel: "repeat purchases", YLabel: "customers", Kind: report.Bars, Decimals: 1,
		Series: []report.Series{{Name: "actual"}, {Name: "expected by the model"}}}
	for _, b := range bins {
		label := strconv.Itoa(b.Purchases)
		if b.Open {
			label += "+"
		}
		c.Categories = append(c.Categories, label)
		c.Series[0].Values = append(c.Series[0].Values, b.Actual)
		c.Series[1].Values = append(c.Series[1].Values, b.Expected)
	}
	return c, nil
}

// decileBounds returns the first position of each of the ten deciles of n
// ranked customers, and n: decile k holds positions bounds[k] to
// bounds[k+1]-1.
func decileBounds(n int) [11]int {
	var b [11]int
	for k := range b {
		b[k] = n * k / 10
	}
	return b
}

func valueSection(value []float64, order []int, total float64, valueName string) report.Section {
	sec := report.Section{ID: "value", Title: "Where the value is"}
	b := decileBounds(len(order))
	t := &report.Table{Caption: "Customers in tenths by " + valueName + ", highest first",
		Head:    []string{"decile", "customers", "total", "share of total", "mean", "lowest", "highest"},
		Numeric: []bool{false, true, true, true, true, true, true}}
	c := &report.Chart{ID: "value-deciles", Title: "Share of " + valueName + " by decile",
		Desc:   "Customers ranked by " + valueName + " and cut into ten groups of equal size, the highest first; each bar is the group's share of the total.",
		XLabel: "decile", YLabel: "share of total (%)", Kind: report.Bars, Decimals: 2,
		Series: []report.Series{{Name: "share of total value (%)"}}}
	for k := range 10 {
		part := order[b[k]:b[k+1]]
		label := fmt.Sprintf("%d", k+1)
		c.Categories = append(c.Categories, label)
		if len(part) == 0 {
			t.Rows = append(t.Rows, []string{label, "0", "–", "–", "–", "–", "–"})
			c.Series[0].Values = append(c.Series[0].Values, math.NaN())
			continue
		}
		sum := 0.0
		for _, i := range part {
			sum += value[i]
		}
		share := math.NaN()
		if total != 0 {
			share = 100 * sum / total
		}
		c.Series[0].Values = append(c.Series[0].Values, share)
		t.Rows = append(t.Rows, []string{label, count(len(part)), number(sum, 2), percent(sum, total),
			number(sum/float64(len(part)), 2), number(value[part[len(part)-1]], 2), number(value[part[0]], 2)})
	}
	top := 0.0
	for _, i := range order[:b[1]] {
		top += value[i]
	}
	sec.Blocks = append(sec.Blocks,
		report.Block{Text: fmt.Sprintf("The top 10 %% of customers (%s) hold %s of the total %s of %s.", count(b[1]), percent(top, total), valueName, number(total, 2))},
		report.Block{Chart: c},
		report.Block{Table: t})
	return sec
}

func segmentSection(res *score.Result, labels []string, value []float64, total float64, valueName string) report.Section {
	type agg struct {
		name          string
		n             int
		value, pAlive float64
	}
	pa := floatsOf(res, "p_alive")
	byName := map[string]*agg{}
	var segs []*agg
	for i, l := range labels {
		a := byName[l]
		if a == nil {
			a = &agg{name: l}
			byName[l] = a
			segs = append(segs, a)
		}
		a.n++
		a.value += value[i]
		a.pAlive += pa[i]
	}
	slices.SortFunc(segs, func(a, b *agg) int {
		switch {
		case a.value > b.value:
			return -1
		case a.value < b.value:
			return 1
		}
		return strings.Compare(a.name, b.name)
	})
	n := float64(len(labels))
	t := &report.Table{Caption: "Segments by total " + valueName,
		Head:    []string{"segment", "customers", "share of customers", "total value", "share of value", "mean value", "mean P(alive)"},
		Numeric: []bool{false, true, true, true, true, true, true}}
	c := &report.Chart{ID: "segments", Title: "Segments: share of customers and of value",
		Desc:   "For each segment, its share of the customers and its share of the total " + valueName + ". A segment whose value bar is taller than its customer bar is worth more than its size.",
		XLabel: "segment", YLabel: "share (%)", Kind: report.Bars, Decimals: 2,
		Series: []report.Series{{Name: "customers (%)"}, {Name: "value (%)"}}}
	for _, s := range segs {
		t.Rows = append(t.Rows, []string{s.name, count(s.n), percent(float64(s.n), n), number(s.value, 2), percent(s.value, total),
			number(s.value/float64(s.n), 2), number(s.pAlive/float64(s.n), 3)})
		c.Categories = append(c.Categories, s.name)
		c.Series[0].Values = append(c.Series[0].Values, 100*float64(s.n)/n)
		share := math.NaN()
		if total != 0 {
			share = 100 * s.value / total
		}
		c.Series[1].Values = append(c.Series[1].Values, share)
	}
	return report.Section{ID: "segments", Title: "Segments", Blocks: []report.Block{
		{Text: fmt.Sprintf("%s segments; the share of value is of the total %s.", count(len(segs)), valueName)},
		{Chart: c}, {Table: t}}}
}

// topColumns are the scored file's columns the top-customer table shows,
// when present.
var topColumns = []string{"segment", "tier", "frequency", "recency", "T", "p_alive", "expected_purchases", "expected_spend", "clv"}

func topSection(res *score.Result, order []int, top, prec int, valueCol string) report.Section {
	k := min(top, len(order))
	t := &report.Table{Caption: fmt.Sprintf("The %d customers with the highest %s", k, valueCol), Head: []string{"rank", "customer_id"}, Numeric: []bool{true, false}}
	var cols []score.Column
	for _, name := range topColumns {
		if c, ok := res.Column(name); ok {
			cols = append(cols, c)
			t.Head = append(t.Head, name)
			t.Numeric = append(t.Numeric, c.Labels == nil)
		}
	}
	for r, i := range order[:k] {
		row := []string{strconv.Itoa(r + 1), res.IDs[i]}
		for _, c := range cols {
			switch {
			case c.Labels != nil:
				row = append(row, c.Labels[i])
			case c.Integer:
				row = append(row, strconv.FormatInt(int64(c.Floats[i]), 10))
			default:
				row = append(row, string(textenc.AppendFloat(nil, c.Floats[i], prec)))
			}
		}
		t.Rows = append(t.Rows, row)
	}
	return report.Section{ID: "top", Title: "Top customers", Blocks: []report.Block{
		{Text: fmt.Sprintf("The %d of %s customers with the highest %s (ties by customer id), with their numbers exactly as the scored file writes them (%d decimals).",
			k, count(len(order)), valueCol, prec)},
		{Table: t}}}
}

// count writes a whole number with thousands separated by commas.
func count(n int) string { return number(float64(n), 0) }

// number writes v with dec decimals and thousands separated by commas.
func number(v float64, dec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "–"
	}
	s := string(textenc.AppendFloat(nil, v, dec))
	sign := ""
	if s[0] == '-' {
		sign, s = "-", s[1:]
	}
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

// percent writes part/whole as a percentage with one decimal ("–" when
// whole is 0).
func percent(part, whole float64) string {
	if whole == 0 {
		return "–"
	}
	return number(100*part/whole, 1) + " %"
}
