// Package config decodes and checks clv.toml, the scoring configuration of
// the clv binary. Unknown keys and wrong types are errors that name the key
// and its line; relative paths are resolved against the config file's folder.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
	"github.com/clvkit/clvkit/internal/quote"
)

// Config is the whole of clv.toml. Every field has a TOML name; see
// Starter for a commented example of each.
type Config struct {
	Input        Input        `toml:"input"`
	Time         Time         `toml:"time"`
	Model        Model        `toml:"model"`
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
	Path        string  `toml:"path"`          // file, or "-" for stdin
	Format      string  `toml:"format"`        // csv | jsonl | parquet; default from the file name
	Kind        string  `toml:"kind"`          // transactions (default) | summary
	Delimiter   string  `toml:"delimiter"`     // "," (default), ";", "\t", "|" or "whitespace"
	NoHeader    bool    `toml:"no_header"`     // columns are then 1-based positions
	DateFormat  string  `toml:"date_format"`   // RFC3339 | YYYY-MM-DD (default) | YYYYMMDD | a Go layout
	SkipBadRows bool    `toml:"skip_bad_rows"` // skip and count bad rows instead of stopping
	Columns     Columns `toml:"columns"`
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
	Purchase           string  `toml:"purchase"` // bgnbd (default) | paretonbd | mbgnbd | bgbb
	Spend              string  `toml:"spend"`    // gammagamma (default) | none
	Penalty            float64 `toml:"penalty"`
	HorizonMonths      int     `toml:"horizon_months"`
	AnnualDiscountRate float64 `toml:"annual_discount_rate"`
	Margin             float64 `toml:"margin"`
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

// Tiers assigns value tiers by quantile of a column.
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
	Path      string         `toml:"path"`
	SHA256    string         `toml:"sha256"`
	BatchSize int            `toml:"batch_size"`
	Timeout   string         `toml:"timeout"`
	MemoryMB  int            `toml:"memory_mb"`
	AllowDir  string         `toml:"allow_dir"`
	Clock     bool           `toml:"real_clock"`
	Params    map[string]any `toml:"params"`
}

// Output says where the scores go.
type Output struct {
	Path      string `toml:"path"`      // file, or "-" for stdout
	Format    string `toml:"format"`    // csv | jsonl | parquet; default from the file name
	Precision int    `toml:"precision"` // decimals of every float column (default 6)
	Manifest  string `toml:"manifest"`  // manifest path; default: output path + ".manifest.json"
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
// folder becomes Config.Dir. Defaults are filled in and the result is
// checked with Validate.
func Parse(name string, text []byte) (*Config, error) { return ParseWith(name, text, nil) }

// ParseWith is Parse with override, when not nil, applied to the decoded
// values before defaults and checks: command-line flags use it to override
// the file.
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
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		return nil, &Error{File: name, Line: findKeyLine(text, k), Key: k.String(),
			Msg: "unknown key (check its spelling and section; `clv init` writes an example with every key)"}
	}
	c.Name, c.text = name, text
	if name != "-" && name != "" {
		c.Dir = filepath.Dir(name)
	}
	if override != nil {
		override(&c)
	}
	c.applyDefaults()
	if err := c.Validate(); err != nil {
		var ce *Error
		if errors.As(err, &ce) {
			ce.File = name
			if ce.Line == 0 && ce.Key != "" {
				ce.Line = findKeyLine(text, strings.Split(ce.Key, "."))
			}
		}
		return nil, err
	}
	return &c, nil
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

func (c *Config) applyDefaults() {
	if c.Input.Kind == "" {
		c.Input.Kind = "transactions"
	}
	if c.Input.DateFormat == "" {
		c.Input.DateFormat = "YYYY-MM-DD"
	}
	if c.Input.Columns.Customer == "" {
		c.Input.Columns.Customer = "customer_id"
	}
	if c.Input.Kind == "transactions" && c.Input.Columns.Date == "" {
		c.Input.Columns.Date = "date"
	}
	if c.Input.Kind == "summary" {
		def(&c.Input.Columns.Frequency, "frequency")
		def(&c.Input.Columns.Recency, "recency")
		def(&c.Input.Columns.T, "T")
		def(&c.Input.Columns.Monetary, "monetary_value")
	}
	def(&c.Time.Grain, "day")
	def(&c.Time.Unit, "week")
	def(&c.Model.Purchase, "bgnbd")
	def(&c.Model.Spend, "gammagamma")
	if c.Model.HorizonMonths == 0 {
		c.Model.HorizonMonths = 12
	}
	def(&c.Segmentation.Map, "default")
	def(&c.Segmentation.Default, "Other")
	if c.Tiers.Column == "" && len(c.Tiers.Cutoffs) == 0 {
		c.Tiers.Column = "clv"
		c.Tiers.Cutoffs = []float64{0.01, 0.10, 0.50}
		c.Tiers.Labels = []string{"Top 1%", "Top 10%", "Top 50%", "Bottom 50%"}
	}
	def(&c.Output.Path, "-")
	if c.Output.Precision == 0 {
		c.Output.Precision = 6
	}
	for i := range c.Plugins {
		if c.Plugins[i].BatchSize == 0 {
			c.Plugins[i].BatchSize = 4096
		}
		def(&c.Plugins[i].Timeout, "10s")
		if c.Plugins[i].MemoryMB == 0 {
			c.Plugins[i].MemoryMB = 256
		}
	}
}

func def(s *string, v string) {
	if *s == "" {
		*s = v
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
		oneOf("time.grain", c.Time.Grain, "day", "week", "month"),
		oneOf("model.purchase", c.Model.Purchase, "bgnbd", "paretonbd", "mbgnbd", "bgbb"),
		oneOf("model.spend", c.Model.Spend, "gammagamma", "none"),
		oneOf("segmentation.map", c.Segmentation.Map, "default", "rules", "plugin"),
	}
	if c.Input.Format != "" {
		checks = append(checks, oneOf("input.format", c.Input.Format, "csv", "jsonl", "parquet"))
	}
	if c.Output.Format != "" {
		checks = append(checks, oneOf("output.format", c.Output.Format, "csv", "jsonl", "parquet"))
	}
	for _, err := range checks {
		if err != nil {
			return err
		}
	}
	switch {
	case c.Input.Path == "":
		return &Error{Key: "input.path", Msg: "missing: the transactions (or summary) file to score, or \"-\" for stdin"}
	case c.Input.Kind == "transactions" && c.Time.ObservationEnd == "":
		return &Error{Key: "time.observation_end", Msg: "missing: the last day of the observation period (YYYY-MM-DD); there is no implicit today, so runs reproduce"}
	case c.Model.HorizonMonths < 0 || c.Model.HorizonMonths > 1200:
		return &Error{Key: "model.horizon_months", Msg: fmt.Sprintf("%d is out of range 1..1200", c.Model.HorizonMonths)}
	case c.Model.AnnualDiscountRate < 0 || c.Model.AnnualDiscountRate >= 10:
		return &Error{Key: "model.annual_discount_rate", Msg: fmt.Sprintf("%v is out of range [0, 10): a fraction such as 0.1 for 10%% a year", c.Model.AnnualDiscountRate)}
	case c.Model.Penalty < 0:
		return &Error{Key: "model.penalty", Msg: "must be zero or positive"}
	case c.Output.Precision < 0 || c.Output.Precision > 17:
		return &Error{Key: "output.precision", Msg: fmt.Sprintf("%d is out of range 0..17", c.Output.Precision)}
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
