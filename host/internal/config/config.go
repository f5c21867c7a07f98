// Package config decodes and checks clv.toml, the scoring configuration of
// the clv binary. Unknown keys and wrong types are errors that name the key
// and its line; relative paths are resolved against the config file's folder.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/internal/quote"
	"github.com/clvkit/clvkit/internal/suggest"
	"github.com/clvkit/clvkit/internal/textenc"
)

// Config is the whole of clv.toml. Every field has a TOML name, which a
// key must match exactly, case included; see Starter for a commented
// example of each. Parse fills in the default of every key left out, and
// only of those.
type Config struct {
	Input        Input        `toml:"input"`
	Time         Time         `toml:"time"`
	Model        Model        `toml:"model"`
	RFM          RFM          `toml:"rfm"`
	Formulas     []Formula    `toml:"formulas"`
	Segmentation Segmentation `toml:"segmentation"`
	Tiers        Tiers        `toml:"tiers"`
	Plugins      []Plugin     `toml:"plugins"`
	Output       Output       `toml:"output"`

	// Name is the config file's name, as given to Parse; Dir its folder,
	// against which relative paths are resolved (empty for stdin).
	Name string `toml:"-"`
	Dir  string `toml:"-"`

	text []byte // the file's text, to find keys' lines for errors
}

// KeyError reports a problem with the value of key (dotted, such as
// "model.margin" or "formulas[1]"), naming the file and, when the key is in
// the file, its line.
func (c *Config) KeyError(key string, err error) error {
	return &Error{File: c.Name, Line: findKeyLine(c.text, strings.Split(key, ".")), Key: key, Msg: err.Error()}
}

// Input says where the data comes from and how to read it.
type Input struct {
	Path        string `toml:"path"`          // file, or "-" for stdin
	Format      string `toml:"format"`        // csv | jsonl | parquet; default from the file name
	Kind        string `toml:"kind"`          // transactions (default) | summary
	Delimiter   string `toml:"delimiter"`     // "," (default), ";", "\t", "|" or "whitespace"
	NoHeader    bool   `toml:"no_header"`     // columns are then 1-based positions
	DateFormat  string `toml:"date_format"`   // YYYY-MM-DD (default) | auto | YYYYMMDD | ISO8601 | RFC3339 | unix | tokens (DD/MM/YYYY) | a Go layout
	SkipBadRows bool   `toml:"skip_bad_rows"` // skip and count bad rows instead of stopping
	Returns     string `toml:"returns"`       // net (default) | drop | purchase: what return rows do
	// Row rules over the input's columns, in the expression language of
	// core/formula (see formula.CompileRow); each is off when left out.
	Where           string  `toml:"where"`            // condition: rows for which it is false are left out and counted
	AmountExpr      string  `toml:"amount_expr"`      // the amount computed from columns, instead of columns.amount
	IsReturn        string  `toml:"is_return"`        // condition marking rows as returns (they refund |amount|)
	MissingCustomer string  `toml:"missing_customer"` // error (default) | skip: rows without a customer id
	Columns         Columns `toml:"columns"`
	// AmountFormat is auto (default) | plain | "1,234.56" | "1.234,56" | "1 234,56".
	AmountFormat string `toml:"amount_format"`
}

// Columns maps the data's columns by header name (or 1-based position when
// the file has no header).
type Columns struct {
	Customer  string `toml:"customer"`
	Date      string `toml:"date"`
	Amount    string `toml:"amount"`
	Frequency string `toml:"frequency"`
	Recency   string `toml:"recency"`
	T         string `toml:"T"`
	Monetary  string `toml:"monetary_value"`
}

// Time holds the time settings. There is no implicit "today": the
// observation end is required, so runs reproduce.
type Time struct {
	Grain          string `toml:"grain"`           // day (default) | week | month
	Unit           string `toml:"unit"`            // day | week (default) | month | Nd
	CalibrationEnd string `toml:"calibration_end"` // optional, YYYY-MM-DD
	ObservationEnd string `toml:"observation_end"` // YYYY-MM-DD, inclusive
}

// Model chooses and tunes the probabilistic models and the CLV horizon.
type Model struct {
	Purchase           string  `toml:"purchase"`             // bgnbd (default) | paretonbd | mbgnbd | bgbb
	Spend              string  `toml:"spend"`                // gammagamma (default) | none
	Penalty            float64 `toml:"penalty"`              // ≥ 0 (default 0)
	HorizonMonths      int     `toml:"horizon_months"`       // 1..1200 (default 12)
	AnnualDiscountRate float64 `toml:"annual_discount_rate"` // [0, 10) (default 0)
	Margin             float64 `toml:"margin"`               // [0, 1] (default 1: CLV in revenue)
}

// RFM tunes the RFM scores.
type RFM struct {
	// Monetary is the value M ranks: average_order (default: value per
	// purchase period, the first included) | repeat_mean (monetary_value)
	// | total (all purchase periods). A summary input has only
	// repeat_mean, and uses it whatever this says.
	Monetary string `toml:"monetary"`
}

// Formula is one extra output column: a built-in formula whose inputs are
// numbers or column names, or a custom expression over columns.
type Formula struct {
	Name    string         `toml:"name"`
	Builtin string         `toml:"builtin"`
	Expr    string         `toml:"expr"`
	Inputs  map[string]any `toml:"inputs"`
}

// Segmentation chooses the segment map: the default RFM map, ordered user
// rules, or a plugin.
type Segmentation struct {
	Map     string `toml:"map"`     // default (default) | rules | plugin
	Default string `toml:"default"` // label when no rule matches
	Plugin  string `toml:"plugin"`  // name of a configured segmentation plugin
	Rules   []Rule `toml:"rules"`
}

// Rule is one segment rule; the first that matches wins.
type Rule struct {
	Segment string `toml:"segment"`
	When    string `toml:"when"`
}

// Tiers assigns value tiers by quantile of a column. Column left out is
// clv (expected_purchases without the spend model); "" means no tiers.
type Tiers struct {
	Column  string    `toml:"column"`
	Cutoffs []float64 `toml:"cutoffs"`
	Labels  []string  `toml:"labels"`
}

// Plugin is one configured plugin (see the plugins documentation).
type Plugin struct {
	Name      string         `toml:"name"`
	Kind      string         `toml:"kind"`      // formula | segmentation
	Transport string         `toml:"transport"` // wasm | grpc
	Path      string         `toml:"path"`      // relative to the config's folder; never looked up in $PATH
	SHA256    string         `toml:"sha256"`
	BatchSize int            `toml:"batch_size"` // ≥ 1 (default 4096)
	Timeout   string         `toml:"timeout"`    // > 0 (default "10s"), per call, sleeps and host calls included
	MemoryMB  int            `toml:"memory_mb"`  // 1..4096 (default 256)
	AllowDir  string         `toml:"allow_dir"`  // wasm: read-only at /data; links out of it are refused
	Clock     bool           `toml:"real_clock"` // wasm: the host's clocks and sleep
	Params    map[string]any `toml:"params"`
}

// Output says where the scores go.
type Output struct {
	Path      string `toml:"path"`      // file, or "-" for stdout
	Format    string `toml:"format"`    // csv | jsonl | parquet; default from the file name
	Precision int    `toml:"precision"` // decimals of every float column (default 6)
	Manifest  string `toml:"manifest"`  // manifest path; default: output path + ".manifest.json"
	// CSVFormulaGuard says which CSV text cells that start with =, +, -, @,
	// tab or CR get a leading ' so spreadsheets do not run them as
	// formulas: labels (default: segment, tier, rfm and plugin labels;
	// customer ids stay as they are) | all_text (ids too) | off.
	CSVFormulaGuard string `toml:"csv_formula_guard"`
	// HistoricValue adds the column historic_plus_clv after clv: each
	// customer's margin to date (revenue after returns × model.margin)
	// plus their CLV. Default false; needs model.spend = "gammagamma" and
	// a transaction log.
	HistoricValue bool `toml:"historic_value"`
}

// Error is a configuration mistake, with the file and line when known.
type Error struct {
	File string
	Line int // 0 when unknown
	Key  string
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, ": %s", clip(e.Key, quote.MaxBytes))
	}
	b.WriteString(": ")
	b.WriteString(clip(e.Msg, maxMsgBytes))
	return b.String()
}

// maxMsgBytes bounds the message of an Error: the TOML decoder's messages
// can quote the text they reject, which may be any length.
const maxMsgBytes = 1000

// clip cuts s to at most n bytes (not inside a UTF-8 sequence) and says
// how long it was, so a 100 MB key or value is never echoed whole.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > n-utf8.UTFMax && cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…(" + strconv.Itoa(len(s)) + " bytes)"
}

// Parse decodes a config from its text. name is used in errors and its
// folder becomes Config.Dir. Keys must be spelled exactly as documented
// (case included); a key left out takes its default, a key given keeps its
// value or is an error. The result is checked with Validate.
func Parse(name string, text []byte) (*Config, error) { return ParseWith(name, text, nil) }

// ParseWith is Parse with override, when not nil, applied to the decoded
// values after defaults and before checks: command-line flags use it to
// override the file, and what they set is checked like the file's values.
func ParseWith(name string, text []byte, override func(*Config)) (*Config, error) {
	var c Config
	md, err := toml.NewDecoder(bytes.NewReader(text)).Decode(&c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, &Error{File: name, Line: pe.Position.Line, Key: pe.LastKey, Msg: pe.Message}
		}
		return nil, typeError(name, err)
	}
	// BurntSushi/toml matches keys to fields ignoring case, so check every
	// key as written against the struct tags first.
	if err := checkKeys(name, text, md.Keys()); err != nil {
		return nil, err
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return nil, &Error{File: name, Line: findKeyLine(text, k), Key: k.String(),
			Msg: "unknown key (check its spelling and section; `clv init` writes an example with every key)"}
	}
	// The document as a tree, to tell a key given as zero or "" from a key
	// left out (MetaData.IsDefined does not look into arrays of tables).
	var doc map[string]any
	if _, err := toml.NewDecoder(bytes.NewReader(text)).Decode(&doc); err != nil {
		return nil, typeError(name, err)
	}
	set := given(doc)
	c.Name, c.text = name, text
	if name != "-" && name != "" {
		c.Dir = filepath.Dir(name)
	}
	if err := c.checkEmpty(set); err != nil {
		return nil, c.located(err)
	}
	c.applyDefaults(set)
	if override != nil {
		override(&c)
	}
	if err := c.Validate(); err != nil {
		return nil, c.located(err)
	}
	return &c, nil
}

// located fills in the file and, when the key is in the file, the line of
// an *Error from Validate or checkEmpty.
func (c *Config) located(err error) error {
	var ce *Error
	if errors.As(err, &ce) {
		ce.File = c.Name
		if ce.Line == 0 && ce.Key != "" {
			ce.Line = findKeyLine(c.text, strings.Split(ce.Key, "."))
		}
	}
	return err
}

// checkKeys reports the first key, in the file's order, that is not a key
// of Config spelled exactly as its toml tag: BurntSushi/toml matches keys to
// fields ignoring case, so without this check `Margin = 0.9` would be taken
// for margin, and a file with both would keep either, by map order. Keys
// under a map field (formula inputs, plugin params) are free.
func checkKeys(name string, text []byte, keys []toml.Key) error {
	tables := map[string]int{} // [[array]] tables seen so far, by path
	for _, k := range keys {
		t := reflect.TypeFor[Config]()
		var addr []string // the key with array-table indices, for its line
	parts:
		for i, part := range k {
			f, ok := fieldByTag(t, part)
			if !ok {
				addr = append(addr, part)
				return &Error{File: name, Line: keyLine(text, addr), Key: strings.Join(addr, "."),
					Msg: unknownKeyMsg(part, tagsOf(t))}
			}
			ft := f.Type
			switch {
			case ft.Kind() == reflect.Struct:
				addr, t = append(addr, part), ft
			case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
				path := strings.Join(k[:i+1], ".")
				if i == len(k)-1 {
					tables[path]++ // the [[path]] header
				}
				addr, t = append(addr, fmt.Sprintf("%s[%d]", part, max(tables[path]-1, 0))), ft.Elem()
			default:
				break parts // a value or a map: nothing below it to check
			}
		}
	}
	return nil
}

// fieldByTag returns the field of struct t whose toml tag is exactly name.
func fieldByTag(t reflect.Type, name string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if tag, _, _ := strings.Cut(f.Tag.Get("toml"), ","); tag == name && tag != "-" {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// tagsOf lists the toml tags of struct t: the keys its table accepts.
func tagsOf(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		if tag, _, _ := strings.Cut(t.Field(i).Tag.Get("toml"), ","); tag != "" && tag != "-" {
			out = append(out, tag)
		}
	}
	return out
}

// unknownKeyMsg explains an unknown key, suggesting the known key it
// differs from only by case or by one or two letters.
func unknownKeyMsg(key string, known []string) string {
	name, caseOnly, ok := suggest.Closest(key, known)
	switch {
	case caseOnly:
		return fmt.Sprintf("unknown key: did you mean %s? (keys are case-sensitive)", name)
	case ok:
		return fmt.Sprintf("unknown key: did you mean %s?", name)
	}
	return "unknown key (check its spelling and section; `clv init` writes an example with every key)"
}

// keyLine is findKeyLine, falling back to the first line where the key's
// last part is assigned (`Key =`, also inside an inline table) when the
// key is not found in its table.
func keyLine(text []byte, key []string) int {
	if n := findKeyLine(text, key); n > 0 {
		return n
	}
	last := key[len(key)-1]
	if i := strings.IndexByte(last, '['); i > 0 {
		last = last[:i]
	}
	re := regexp.MustCompile(`(^|[{,\s])["']?` + regexp.QuoteMeta(last) + `["']?\s*=`)
	for i, line := range strings.Split(string(text), "\n") {
		if re.MatchString(strings.SplitN(line, "#", 2)[0]) {
			return i + 1
		}
	}
	return 0
}

// typeLine matches the decoder's "toml: line 5 (last key "model.margin"): msg".
var typeLine = regexp.MustCompile(`^toml: (?:line (\d+) )?\(last key "([^"]*)"\): (.*)$`)

func typeError(name string, err error) error {
	m := typeLine.FindStringSubmatch(err.Error())
	if m == nil {
		return &Error{File: name, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
	}
	line := 0
	fmt.Sscan(m[1], &line)
	return &Error{File: name, Line: line, Key: m[2], Msg: m[3]}
}

// findKeyLine finds the line of a key in the TOML text: the line
// `last = ...` inside the table named by the key's prefix, or the table
// header itself. Array tables are addressed as name[i] (the i-th [[name]]).
// It returns 0 when the key cannot be found; the decoder gives no positions
// for undecoded keys or for values it decoded but we rejected, so this reads
// the text.
func findKeyLine(text []byte, key []string) int {
	if len(key) == 0 {
		return 0
	}
	// Split "formulas[0]" into table "formulas" and index 0.
	want := make([]string, len(key))
	index := -1
	for i, k := range key {
		if j := strings.IndexByte(k, '['); j > 0 && strings.HasSuffix(k, "]") {
			fmt.Sscan(k[j+1:len(k)-1], &index)
			k = k[:j]
		}
		want[i] = k
	}
	full := strings.Join(want, ".")
	table := strings.Join(want[:len(want)-1], ".")
	last := want[len(want)-1]
	current, seen := "", map[string]int{}
	for i, line := range strings.Split(string(text), "\n") {
		s := strings.TrimSpace(strings.SplitN(line, "#", 2)[0])
		if strings.HasPrefix(s, "[") {
			current = strings.Trim(s, "[] ")
			n := seen[current]
			seen[current]++
			if current == full && (index < 0 || n == index) {
				return i + 1
			}
			continue
		}
		eq := strings.IndexByte(s, '=')
		if eq < 0 {
			continue
		}
		k := strings.Trim(strings.TrimSpace(s[:eq]), `"'`)
		inTable := current == table && (index < 0 || seen[current]-1 == index)
		if (current == "" && k == full) || (inTable && k == last) {
			return i + 1
		}
	}
	return 0
}

// given reports whether the document sets a key: given("model",
// "margin"), or a key of the i-th [[plugins]] table as given("plugins",
// "2", "memory_mb").
type givenFunc func(path ...string) bool

// given returns the givenFunc of a decoded TOML document.
func given(doc map[string]any) givenFunc {
	return func(path ...string) bool {
		var v any = doc
		for _, k := range path {
			switch t := v.(type) {
			case map[string]any:
				var ok bool
				if v, ok = t[k]; !ok {
					return false
				}
			case []map[string]any:
				i, err := strconv.Atoi(k)
				if err != nil || i < 0 || i >= len(t) {
					return false
				}
				v = t[i]
			case []any:
				i, err := strconv.Atoi(k)
				if err != nil || i < 0 || i >= len(t) {
					return false
				}
				v = t[i]
			default:
				return false
			}
		}
		return true
	}
}

// checkEmpty rejects an empty string given for a key that has a default or
// is inferred when left out: the default never replaces a value given.
func (c *Config) checkEmpty(set givenFunc) error {
	type str struct {
		key  string
		v    string
		hint string
	}
	omit := func(def string) string { return "omit the key for the default, " + def }
	keys := []str{
		{"input.kind", c.Input.Kind, omit(`"transactions"`)},
		{"input.format", c.Input.Format, "omit the key to infer the format from the file name"},
		{"input.delimiter", c.Input.Delimiter, omit(`","`)},
		{"input.returns", c.Input.Returns, omit(`"net"`)},
		{"input.amount_format", c.Input.AmountFormat, omit(`"auto"`)},
		{"input.missing_customer", c.Input.MissingCustomer, omit(`"error"`)},
		{"input.date_format", c.Input.DateFormat, omit(strconv.Quote(score.DefaultDateFormat))},
		{"input.columns.customer", c.Input.Columns.Customer, omit(`"customer_id"`)},
		{"input.columns.date", c.Input.Columns.Date, omit(`"date"`)},
		{"input.columns.frequency", c.Input.Columns.Frequency, omit(`"frequency"`)},
		{"input.columns.recency", c.Input.Columns.Recency, omit(`"recency"`)},
		{"input.columns.T", c.Input.Columns.T, omit(`"T"`)},
		{"input.columns.monetary_value", c.Input.Columns.Monetary, omit(`"monetary_value"`)},
		{"time.grain", c.Time.Grain, omit(strconv.Quote(score.DefaultGrain))},
		{"time.unit", c.Time.Unit, omit(strconv.Quote(score.DefaultUnit))},
		{"time.calibration_end", c.Time.CalibrationEnd, "omit the key for no holdout period"},
		{"time.observation_end", c.Time.ObservationEnd, "give the last day of the data, YYYY-MM-DD"},
		{"model.purchase", c.Model.Purchase, omit(strconv.Quote(score.DefaultPurchase))},
		{"model.spend", c.Model.Spend, omit(strconv.Quote(score.DefaultSpend)) + `, or "none"`},
		{"rfm.monetary", c.RFM.Monetary, omit(strconv.Quote(score.DefaultRFMMonetary))},
		{"segmentation.map", c.Segmentation.Map, omit(`"default"`)},
		{"segmentation.default", c.Segmentation.Default, omit(`"Other"`)},
		{"output.path", c.Output.Path, omit(`"-" (stdout)`)},
		{"output.format", c.Output.Format, "omit the key to infer the format from the file name"},
		{"output.csv_formula_guard", c.Output.CSVFormulaGuard, omit(`"labels"`)},
		{"output.manifest", c.Output.Manifest, "omit the key for the default, the output path + \".manifest.json\""},
	}
	for i, p := range c.Plugins {
		keys = append(keys, str{fmt.Sprintf("plugins[%d].timeout", i), p.Timeout, omit(`"10s"`)})
	}
	for _, k := range keys {
		if k.v == "" && set(keyPath(k.key)...) {
			return &Error{Key: k.key, Msg: "empty: " + k.hint}
		}
	}
	return nil
}

// keyPath splits a dotted key with array indices ("plugins[1].timeout")
// into the path givenFunc takes ("plugins", "1", "timeout").
func keyPath(key string) []string {
	var out []string
	for _, part := range strings.Split(key, ".") {
		if i := strings.IndexByte(part, '['); i > 0 && strings.HasSuffix(part, "]") {
			out = append(out, part[:i], part[i+1:len(part)-1])
			continue
		}
		out = append(out, part)
	}
	return out
}

// applyDefaults fills in every key the file leaves out, and only those: a
// value given, zero or empty included, is kept for Validate to accept or
// reject.
func (c *Config) applyDefaults(set givenFunc) {
	str := func(p *string, v string, key ...string) {
		if !set(key...) {
			*p = v
		}
	}
	str(&c.Input.Kind, "transactions", "input", "kind")
	str(&c.Input.DateFormat, score.DefaultDateFormat, "input", "date_format")
	str(&c.Input.AmountFormat, "auto", "input", "amount_format")
	str(&c.Input.MissingCustomer, "error", "input", "missing_customer")
	str(&c.Input.Columns.Customer, "customer_id", "input", "columns", "customer")
	if c.Input.Kind == "transactions" {
		str(&c.Input.Columns.Date, "date", "input", "columns", "date")
	}
	if c.Input.Kind == "summary" {
		str(&c.Input.Columns.Frequency, "frequency", "input", "columns", "frequency")
		str(&c.Input.Columns.Recency, "recency", "input", "columns", "recency")
		str(&c.Input.Columns.T, "T", "input", "columns", "T")
		str(&c.Input.Columns.Monetary, "monetary_value", "input", "columns", "monetary_value")
	}
	str(&c.Time.Grain, score.DefaultGrain, "time", "grain")
	str(&c.Time.Unit, score.DefaultUnit, "time", "unit")
	str(&c.Model.Purchase, score.DefaultPurchase, "model", "purchase")
	str(&c.Model.Spend, score.DefaultSpend, "model", "spend")
	if !set("model", "horizon_months") {
		c.Model.HorizonMonths = score.DefaultHorizonMonths
	}
	if !set("model", "annual_discount_rate") {
		c.Model.AnnualDiscountRate = score.DefaultAnnualDiscountRate
	}
	if !set("model", "margin") {
		c.Model.Margin = score.DefaultMargin
	}
	str(&c.RFM.Monetary, score.DefaultRFMMonetary, "rfm", "monetary")
	str(&c.Segmentation.Map, "default", "segmentation", "map")
	str(&c.Segmentation.Default, "Other", "segmentation", "default")
	// Tiers: each key left out takes its default (the column is clv, or
	// expected_purchases without the spend model); the default labels go
	// with the default cutoffs only. column = "" turns tiers off.
	if c.Model.Spend == score.SpendNone {
		str(&c.Tiers.Column, "expected_purchases", "tiers", "column")
	} else {
		str(&c.Tiers.Column, score.DefaultTierColumn, "tiers", "column")
	}
	if !set("tiers", "cutoffs") {
		d := score.DefaultTiers()
		c.Tiers.Cutoffs = d.Cutoffs
		if !set("tiers", "labels") {
			c.Tiers.Labels = d.Labels
		}
	}
	str(&c.Output.Path, "-", "output", "path")
	str(&c.Output.CSVFormulaGuard, textenc.GuardLabels.String(), "output", "csv_formula_guard")
	if !set("output", "precision") {
		c.Output.Precision = score.DefaultPrecision
	}
	for i := range c.Plugins {
		p, n := &c.Plugins[i], strconv.Itoa(i)
		if !set("plugins", n, "batch_size") {
			p.BatchSize = 4096
		}
		str(&p.Timeout, "10s", "plugins", n, "timeout")
		if !set("plugins", n, "memory_mb") {
			p.MemoryMB = 256
		}
	}
}

// Resolve returns path relative to the config's folder, unless it is
// absolute, empty or "-".
func (c *Config) Resolve(path string) string {
	if path == "" || path == "-" || filepath.IsAbs(path) || c.Dir == "" {
		return path
	}
	return filepath.Join(c.Dir, path)
}

func oneOf(key, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return &Error{Key: key, Msg: fmt.Sprintf("%s is not one of %s", quote.Value(v), strings.Join(allowed, ", "))}
}

// Validate checks values that the decoder cannot: enumerations, ranges and
// required keys. Errors name the key.
func (c *Config) Validate() error {
	checks := []error{
		oneOf("input.kind", c.Input.Kind, "transactions", "summary"),
		oneOf("input.missing_customer", c.Input.MissingCustomer, "error", "skip"),
		oneOf("time.grain", c.Time.Grain, "day", "week", "month"),
		oneOf("model.purchase", c.Model.Purchase, "bgnbd", "paretonbd", "mbgnbd", "bgbb"),
		oneOf("model.spend", c.Model.Spend, "gammagamma", "none"),
		oneOf("rfm.monetary", c.RFM.Monetary, score.RFMMonetaryModes()...),
		oneOf("segmentation.map", c.Segmentation.Map, "default", "rules", "plugin"),
	}
	if c.Input.Format != "" {
		checks = append(checks, oneOf("input.format", c.Input.Format, "csv", "jsonl", "parquet"))
	}
	if c.Output.Format != "" {
		checks = append(checks, oneOf("output.format", c.Output.Format, "csv", "jsonl", "parquet"))
	}
	checks = append(checks, oneOf("output.csv_formula_guard", c.Output.CSVFormulaGuard, textenc.GuardNames()...))
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	switch {
	case c.Input.Path == "":
		return &Error{Key: "input.path", Msg: "missing: the transactions (or summary) file to score, or \"-\" for stdin"}
	case c.Input.AmountExpr != "" && c.Input.Columns.Amount != "":
		return &Error{Key: "input.amount_expr", Msg: "give amount_expr or input.columns.amount, not both"}
	case c.Input.Kind == "summary" && (c.Input.Where != "" || c.Input.AmountExpr != "" || c.Input.IsReturn != ""):
		return &Error{Key: "input.kind", Msg: "where, amount_expr and is_return are rules over transaction rows; a summary input has none"}
	case c.Input.Kind == "transactions" && c.Time.ObservationEnd == "":
		return &Error{Key: "time.observation_end", Msg: "missing: the last day of the observation period (YYYY-MM-DD); there is no implicit today, so runs reproduce"}
	case score.CheckHorizonMonths(c.Model.HorizonMonths) != nil:
		return &Error{Key: "model.horizon_months", Msg: score.CheckHorizonMonths(c.Model.HorizonMonths).Error()}
	case score.CheckAnnualDiscountRate(c.Model.AnnualDiscountRate) != nil:
		return &Error{Key: "model.annual_discount_rate", Msg: score.CheckAnnualDiscountRate(c.Model.AnnualDiscountRate).Error()}
	case score.CheckPenalty(c.Model.Penalty) != nil:
		return &Error{Key: "model.penalty", Msg: score.CheckPenalty(c.Model.Penalty).Error()}
	case score.CheckMargin(c.Model.Margin) != nil:
		return &Error{Key: "model.margin", Msg: score.CheckMargin(c.Model.Margin).Error()}
	case score.CheckPrecision(c.Output.Precision) != nil:
		return &Error{Key: "output.precision", Msg: score.CheckPrecision(c.Output.Precision).Error()}
	case c.Segmentation.Map == "rules" && len(c.Segmentation.Rules) == 0:
		return &Error{Key: "segmentation.map", Msg: "\"rules\" needs at least one [[segmentation.rules]] table"}
	case c.Segmentation.Map == "plugin" && c.Segmentation.Plugin == "":
		return &Error{Key: "segmentation.plugin", Msg: "missing: the name of a configured segmentation plugin"}
	}
	if c.Tiers.Column != "" && len(c.Tiers.Labels) != len(c.Tiers.Cutoffs)+1 {
		return &Error{Key: "tiers.labels", Msg: fmt.Sprintf("%d labels for %d cutoffs: give one label per cutoff plus one for the rest", len(c.Tiers.Labels), len(c.Tiers.Cutoffs))}
	}
	names := map[string]bool{}
	for i, f := range c.Formulas {
		key := fmt.Sprintf("formulas[%d]", i)
		switch {
		case f.Name == "":
			return &Error{Key: key + ".name", Msg: "missing: the output column name"}
		case names[f.Name]:
			return &Error{Key: key + ".name", Msg: fmt.Sprintf("%s is used twice", quote.Value(f.Name))}
		case textenc.FormulaLike(f.Name):
			return &Error{Key: key + ".name", Msg: fmt.Sprintf("%s starts with %q: spreadsheets would run the CSV header cell as a formula; start the column name with a letter", quote.Value(f.Name), f.Name[:1])}
		case score.CheckColumnName(f.Name) != nil:
			return &Error{Key: key + ".name", Msg: score.CheckColumnName(f.Name).Error()}
		case (f.Builtin == "") == (f.Expr == ""):
			return &Error{Key: key, Msg: fmt.Sprintf("formula %s: give exactly one of builtin or expr", quote.Value(f.Name))}
		}
		names[f.Name] = true
		for k, v := range f.Inputs {
			switch v.(type) {
			case string, int64, float64:
			default:
				return &Error{Key: key + ".inputs." + k, Msg: fmt.Sprintf("formula %s: an input is a number or a column name, not %T", quote.Value(f.Name), v)}
			}
		}
	}
	plugins := map[string]bool{}
	for i, p := range c.Plugins {
		key := fmt.Sprintf("plugins[%d]", i)
		switch {
		case p.Name == "":
			return &Error{Key: key + ".name", Msg: "missing"}
		case plugins[p.Name]:
			return &Error{Key: key + ".name", Msg: fmt.Sprintf("%s is used twice", quote.Value(p.Name))}
		case p.Path == "":
			return &Error{Key: key + ".path", Msg: fmt.Sprintf("plugin %s: missing path", quote.Value(p.Name))}
		case p.BatchSize < 1:
			return &Error{Key: key + ".batch_size", Msg: fmt.Sprintf("plugin %s: %d: want at least 1 customer per batch", quote.Value(p.Name), p.BatchSize)}
		case p.MemoryMB < 1 || p.MemoryMB > 4096:
			return &Error{Key: key + ".memory_mb", Msg: fmt.Sprintf("plugin %s: %d is out of range 1..4096 (MiB)", quote.Value(p.Name), p.MemoryMB)}
		}
		if d, err := time.ParseDuration(p.Timeout); err != nil || d <= 0 {
			return &Error{Key: key + ".timeout", Msg: fmt.Sprintf("plugin %s: %s: want a positive duration such as \"10s\"", quote.Value(p.Name), quote.Value(p.Timeout))}
		}
		if err := oneOf(key+".kind", p.Kind, "formula", "segmentation"); err != nil {
			return err
		}
		if err := oneOf(key+".transport", p.Transport, "wasm", "grpc"); err != nil {
			return err
		}
		plugins[p.Name] = true
	}
	if c.Segmentation.Map == "plugin" && !plugins[c.Segmentation.Plugin] {
		return &Error{Key: "segmentation.plugin", Msg: fmt.Sprintf("%s is not a configured plugin", quote.Value(c.Segmentation.Plugin))}
	}
	return nil
}
