package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/clvkit/clvkit/core/group"
	"github.com/clvkit/clvkit/host/internal/atomicfile"
	"github.com/clvkit/clvkit/internal/quote"
)

func groupsCommand() command {
	return command{
		name:    "groups",
		summary: "CLV and LTV:CAC per group of an attribute (acquisition channel, country): which channel is worth it",
		usage: `Usage: clv groups [--config FILE] --by ATTRIBUTE [--by ATTRIBUTE] [--json] [flags]

Scores the customers as clv score does (the same config, models and
numbers; no scores file is written) and sums them per group of the
attributes named by --by, from [attributes] in the config: a column of the
transaction log (each customer's value at their first purchase) or of a
customer table (--by channel --by country groups by both). Per group,
highest total CLV first (ties by name), and a total row:
  customers           customers in the group, and their share of all
  total_clv           the sum of the group's clv, and its share of the total
  mean_clv            total_clv / customers, with the standard error of the
                      mean (s/sqrt(n)); a group with fewer customers than
                      acquisition.min_customers (default 30) is flagged *
  mean_p_alive        the mean probability the customers are still active
  expected_purchases  expected purchase periods over model.horizon_months
  expected_spend      expected spend over the horizon (expected_purchases x
                      expected_spend per purchase), before margin
  revenue             revenue to date (after input.returns)
Every figure is summed from the per-customer values rounded to
output.precision as clv score writes them, so the groups add up to the
total row, and the total row to the sum of the scores file's column, digit
for digit.

With [acquisition] path = "cac.csv" (a group column or one per attribute,
spend and new_customers, or cac, and optionally period) or cost_column (a
per-customer cost, read like an attribute; the group's CAC is its mean):
  cac                 spend / new_customers: what one customer cost
  ltv_cac             mean_clv / cac
  max_cac             mean_clv / acquisition.target_ltv_cac (default 3):
                      the most a customer may cost to keep that ratio
  payback_months      cac / (model.margin x expected_spend / horizon
                      months): months until the margin on the expected spend
                      covers the CAC, spread evenly (an upper bound for the
                      models' slowing purchases); "-" when not within the
                      horizon
mean_clv is that of the group's current customers, the models' best guess
for the next customers the channel brings.

Text goes to stdout (or --out); --json prints one JSON object with the same
figures, stable keys and fixed decimals. A short report of the data goes to
stderr unless --quiet.

Examples:
  clv groups --config clv.toml --by channel
  clv groups --config clv.toml --by channel --json > groups.json
  clv groups --config clv.toml --by channel --out groups.txt --quiet
`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			var o groupsFlags
			o.register(fs)
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) > 0 {
					return fmt.Errorf("unexpected arguments %s", quote.List(args))
				}
				return o.run(ctx, e)
			}
		},
	}
}

// groupsFlags are the flags of clv groups.
type groupsFlags struct {
	fs                                 *flag.FlagSet
	config, input, observationEnd, out string
	by                                 stringList
	asJSON, quiet                      bool
	lockWait                           time.Duration
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func (o *groupsFlags) register(fs *flag.FlagSet) {
	o.fs = fs
	fs.StringVar(&o.config, "config", "", "the clv.toml to run, - for stdin (default: ./clv.toml, when it exists)")
	fs.Var(&o.by, "by", "an attribute of [attributes] to group by; repeat for groups of two or more (--by channel --by country)")
	fs.BoolVar(&o.asJSON, "json", false, "print one JSON object instead of a text table")
	fs.StringVar(&o.input, "input", "", "override input.path")
	fs.StringVar(&o.observationEnd, "observation-end", "", "override time.observation_end (YYYY-MM-DD)")
	fs.StringVar(&o.out, "out", "-", "write the table (or JSON) to this file instead of stdout, whole or not at all")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress bar or report on stderr")
	fs.DurationVar(&o.lockWait, "lock-wait", defaultLockWait, lockWaitUsage)
}

func (o *groupsFlags) run(ctx context.Context, e *env) error {
	set := map[string]bool{}
	o.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := emptyFlag(set, "", flagValue{"config", o.config}, flagValue{"input", o.input}, flagValue{"observation-end", o.observationEnd}, flagValue{"out", o.out}); err != nil {
		return err
	}
	if o.config == "" {
		p, err := defaultConfig()
		if err != nil {
			return err
		}
		o.config = p
	}
	cfg, err := loadDataConfig(e, o.config, set, o.input, o.observationEnd, nil)
	if err != nil {
		return err
	}
	if len(cfg.Attributes.Columns) == 0 {
		return fmt.Errorf("%s: clv groups needs customer attributes: add an [attributes] section, e.g. columns = [\"channel\"] (a column of the transaction log) or path = \"customers.csv\" with columns", cfg.Name)
	}
	if len(o.by) == 0 {
		return fmt.Errorf("--by is required: the attribute to group by, one of %s", quote.List(cfg.Attributes.Columns))
	}
	seen := map[string]bool{}
	for _, b := range o.by {
		if !contains(cfg.Attributes.Columns, b) {
			return fmt.Errorf("--by %s: not an attribute of %s (attributes.columns: %s)", quote.Value(b), cfg.Name, quote.List(cfg.Attributes.Columns))
		}
		if seen[b] {
			return fmt.Errorf("--by %s is given twice", quote.Value(b))
		}
		seen[b] = true
	}
	j, err := prepare(cfg)
	if err != nil {
		return err
	}
	if !j.options.Spend {
		return fmt.Errorf("%s: clv groups sums CLV, which needs the spend model: set model.spend = \"gammagamma\" (it is %q)", cfg.Name, cfg.Model.Spend)
	}
	out := absPath(o.out)
	if o.out != "-" {
		inputs := append([]atomicfile.Named{{What: "--config", Path: cfg.Name}, {What: "input.path", Path: j.input.Path}}, j.attributeFiles()...)
		if err := guardOutputs(ctx, e, o.lockWait, []atomicfile.Named{{What: "--out", Path: out}}, inputs); err != nil {
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
	run, err := j.run(ctx, e, newProgress(e, o.quiet), newLapTimer(e, false))
	if err != nil {
		return err
	}
	rep, err := run.groups(o.by)
	if err != nil {
		return err
	}
	if !o.quiet {
		if run.summary != nil {
			reportSummary(e.stderr, j.input.displayName(), *run.summary, *j.formats)
		}
		reportAttributes(e.stderr, run.attributes)
	}
	var buf bytes.Buffer
	if o.asJSON {
		err = writeGroupsJSON(&buf, rep, run.groupSettings())
	} else {
		writeGroupsText(&buf, rep, run.groupSettings())
	}
	if err != nil {
		return err
	}
	return writeAtomic(e, out, func(w io.Writer) error { _, err := w.Write(buf.Bytes()); return err })
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// groupSettings are the settings a group report was computed with, for
// its header.
type groupSettings struct {
	HorizonMonths int
	Margin        float64
	TargetLTVCAC  float64
	MinCustomers  int
	Acquisition   string // the acquisition table's path, "cost_column X" or ""
}

func (r *scoring) groupSettings() groupSettings {
	c := r.job.cfg
	s := groupSettings{HorizonMonths: r.job.options.CLV.Months, Margin: r.job.options.CLV.Margin,
		TargetLTVCAC: c.Acquisition.TargetLTVCAC, MinCustomers: c.Acquisition.MinCustomers}
	switch {
	case c.Acquisition.Path != "":
		s.Acquisition = c.Resolve(c.Acquisition.Path)
	case c.Acquisition.CostColumn != "":
		s.Acquisition = "cost_column " + c.Acquisition.CostColumn
	}
	return s
}

// groups sums the run's scores by the attributes by (core/group), with the
// acquisition costs of the config.
func (r *scoring) groups(by []string) (*group.Report, error) {
	res := r.result
	if res.Attributes == nil {
		return nil, &internalError{errors.New("groups: the scores carry no attributes")}
	}
	cols := make([]int, len(by))
	for k, b := range by {
		if cols[k] = res.Attributes.Index(b); cols[k] < 0 {
			return nil, fmt.Errorf("--by %s: not an attribute (have %s)", quote.Value(b), quote.List(res.Attributes.Names))
		}
	}
	values := make(map[string][]string, len(res.IDs))
	for i, id := range res.IDs {
		v := make([]string, len(by))
		for k, a := range cols {
			v[k] = res.Attributes.Value(a, i)
		}
		values[id] = v
	}
	cs, err := group.FromScores(res, r.customers, values, len(by))
	if err != nil {
		return nil, err
	}
	c := r.job.cfg
	o := group.Options{By: by, Precision: r.job.output.Precision, MinCustomers: c.Acquisition.MinCustomers,
		HorizonMonths: r.job.options.CLV.Months, Margin: r.job.options.CLV.Margin, TargetRatio: c.Acquisition.TargetLTVCAC}
	if r.costs != nil {
		cost := make(map[string]float64, len(r.customers))
		for i, cu := range r.customers {
			cost[cu.ID] = r.costs[i]
		}
		for i := range cs {
			cs[i].Cost = cost[cs[i].ID]
		}
		o.CustomerCost = true
	}
	if c.Acquisition.Path != "" {
		path := c.Resolve(c.Acquisition.Path)
		f, err := os.Open(path)
		if err != nil {
			return nil, configErr(c, "acquisition.path", err)
		}
		defer f.Close()
		if o.Acquisition, err = group.ParseAcquisition(f, by); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	rep, err := group.Compute(cs, o)
	if err != nil {
		return nil, fmt.Errorf("groups: %w", err)
	}
	return rep, nil
}

// groupFigures are one group's figures as printed: money at the output
// precision, shares and means of P(alive) at 4 decimals (at least the
// output precision), ratios at 2 and months at 1.
type groupFigures struct {
	name                                          string
	customers                                     int
	share, clvShare, meanPAlive                   string
	clv, mean, se, pAlive, purchases, spend, rev  string
	small                                         bool
	cac, ratio, maxCAC, payback, costN, costSpend string
	hasCost                                       bool
}

func figures(g group.Group, prec int) groupFigures {
	money := func(v float64) string { return fixed(v, prec) }
	frac := func(v float64) string { return fixed(v, max(4, prec)) }
	f := groupFigures{name: g.Name(), customers: g.Customers, share: frac(g.CustomerShare), clvShare: frac(g.CLVShare),
		meanPAlive: frac(g.MeanPAlive), clv: g.CLV.String(), mean: money(g.MeanCLV), se: money(g.MeanCLVStdErr),
		pAlive: g.PAlive.String(), purchases: g.ExpectedPurchases.String(), spend: g.ExpectedSpend.String(), rev: g.Revenue.String(), small: g.TooSmall}
	if c := g.Cost; c != nil {
		f.hasCost = true
		f.cac, f.ratio, f.maxCAC, f.payback = money(c.CAC), fixed(c.LTVToCAC, 2), money(c.MaxCAC), fixed(c.PaybackMonths, 1)
	}
	return f
}

// fixed formats v at dec decimals, "-" for NaN or an infinity, never "-0".
func fixed(v float64, dec int) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "-"
	}
	b, _ := num{v, dec}.MarshalJSON()
	return string(b)
}

// writeGroupsText prints the report as a table: one row per group, then
// the total, then what the marks mean.
func writeGroupsText(w io.Writer, rep *group.Report, s groupSettings) {
	fmt.Fprintf(w, "groups by %s: %d customers; CLV, expected purchases and spend over %d months, margin %s\n",
		strings.Join(rep.By, " / "), rep.Total.Customers, s.HorizonMonths, fixed(s.Margin, 2))
	hasCost := rep.Total.Cost != nil
	for _, g := range rep.Groups {
		hasCost = hasCost || g.Cost != nil
	}
	if hasCost {
		fmt.Fprintf(w, "acquisition cost from %s; max_cac keeps LTV:CAC at %s\n", s.Acquisition, fixed(s.TargetLTVCAC, 2))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := []string{"group", "customers", "share", "total_clv", "clv_share", "mean_clv", "± se", "mean_p_alive", "expected_purchases", "expected_spend", "revenue"}
	if hasCost {
		head = append(head, "cac", "ltv_cac", "max_cac", "payback_months")
	}
	small := false
	width := len("total")
	for _, g := range rep.Groups {
		width = max(width, len([]rune(g.Name()))+2)
	}
	head[0] += strings.Repeat(" ", width-len(head[0]))
	fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
	row := func(g group.Group) {
		f := figures(g, rep.Precision)
		name := f.name
		if f.small {
			name += " *"
			small = true
		}
		// Names left-aligned, numbers right-aligned.
		name += strings.Repeat(" ", max(0, width-len([]rune(name))))
		cells := []string{name, fmt.Sprint(f.customers), pct(g.CustomerShare), f.clv, pct(g.CLVShare), f.mean, f.se, f.meanPAlive, f.purchases, f.spend, f.rev}
		if hasCost {
			if f.hasCost {
				cells = append(cells, f.cac, f.ratio, f.maxCAC, f.payback)
			} else {
				cells = append(cells, "-", "-", "-", "-")
			}
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
	}
	for _, g := range rep.Groups {
		row(g)
	}
	row(rep.Total)
	tw.Flush()
	if small {
		fmt.Fprintf(w, "\n* fewer than %d customers (acquisition.min_customers): too small to trust; ± se is the standard error of the mean CLV\n", s.MinCustomers)
	}
	if hasCost {
		fmt.Fprintln(w, "payback_months \"-\": the margin on the expected spend does not cover the CAC within the horizon")
	}
	if len(rep.CostOnly) > 0 {
		fmt.Fprintf(w, "in the acquisition table but without customers: %s\n", strings.Join(rep.CostOnly, ", "))
	}
}

// pct is a share as a percentage at one decimal.
func pct(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return fixed(100*v, 1) + "%"
}

// writeGroupsJSON prints the report as one JSON object with stable keys:
// the settings, the groups in the report's order and the total. Sums are
// JSON numbers written exactly as the decimal sums; NaN and infinities
// (a standard error of one customer, a payback beyond the horizon) are
// null.
func writeGroupsJSON(w io.Writer, rep *group.Report, s groupSettings) error {
	type obj = map[string]any
	prec := rep.Precision
	raw := func(text string) json.RawMessage { return json.RawMessage(text) }
	frac := func(v float64) num { return num{v, max(4, prec)} }
	money := func(v float64) num { return num{v, prec} }
	one := func(g group.Group) obj {
		o := obj{
			"customers": g.Customers, "customer_share": frac(g.CustomerShare),
			"total_clv": raw(g.CLV.String()), "clv_share": frac(g.CLVShare),
			"mean_clv": money(g.MeanCLV), "mean_clv_se": money(g.MeanCLVStdErr),
			"total_p_alive": raw(g.PAlive.String()), "mean_p_alive": frac(g.MeanPAlive),
			"expected_purchases": raw(g.ExpectedPurchases.String()), "expected_spend": raw(g.ExpectedSpend.String()),
			"revenue": raw(g.Revenue.String()), "too_small": g.TooSmall,
		}
		if g.Values != nil {
			vals := obj{}
			for k, b := range rep.By {
				vals[b] = g.Values[k]
			}
			o["values"], o["name"] = vals, g.Name()
		}
		if c := g.Cost; c != nil {
			co := obj{"cac": money(c.CAC), "ltv_cac": num{c.LTVToCAC, 4}, "max_cac": money(c.MaxCAC),
				"payback_months": num{c.PaybackMonths, 2}, "payback_within_horizon": !math.IsInf(c.PaybackMonths, 0)}
			if !math.IsNaN(c.Spend) {
				co["spend"], co["new_customers"] = money(c.Spend), c.NewCustomers
			}
			if c.Period != "" {
				co["period"] = c.Period
			}
			if c.CostCustomers > 0 {
				co["customers_with_cost"] = c.CostCustomers
			}
			o["acquisition"] = co
		}
		return o
	}
	groups := make([]obj, len(rep.Groups))
	for i, g := range rep.Groups {
		groups[i] = one(g)
	}
	costOnly := rep.CostOnly
	if costOnly == nil {
		costOnly = []string{}
	}
	doc := obj{
		"by": rep.By, "precision": prec, "horizon_months": s.HorizonMonths, "margin": num{s.Margin, 4},
		"target_ltv_cac": num{s.TargetLTVCAC, 4}, "min_customers": s.MinCustomers,
		"groups": groups, "total": one(rep.Total), "cost_only_groups": costOnly,
	}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return &internalError{err}
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
