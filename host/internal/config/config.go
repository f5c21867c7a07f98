// Package config decodes and checks clv.toml, the scoring configuration of
// the clv binary. Unknown keys and wrong types are errors that name the key
// and its line; relative paths are resolved against the config file's folder.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/BurntSushi/toml"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/core/settings"
	"github.com/clvkit/clvkit/internal/quote"
)

// Config is the whole of clv.toml. Every field has a TOML name, which a
// key must match exactly, case included; see Starter for a commented
// example of each. Parse fills in the default of every key left out, and
// only of those.
//
// The scoring settings are core/settings' types, shared with the page:
// their keys, defaults and checks are defined there once (see
// settings.Settings, which says how to add one). Config adds what only the
// binary has: the input and output files, their formats, and plugins. A
// new section of settings.Settings is added here as a field, and in
// Settings and setSettings (TestSettingsRoundTrip checks).
type Config struct {
	Input        Input                 `toml:"input"`
	Time         settings.Time         `toml:"time"`
	Model        Model                 `toml:"model"`
	RFM          settings.RFM          `toml:"rfm"`
	Formulas     []settings.Formula    `toml:"formulas"`
	Segmentation settings.Segmentation `toml:"segmentation"`
	Tiers        settings.Tiers        `toml:"tiers"`
	Plugins      []Plugin              `toml:"plugins"`
	Output       Output                `toml:"output"`
	Attributes   Attributes            `toml:"attributes"`
	Acquisition  Acquisition           `toml:"acquisition"`

	// Name is the config file's name, as given to Parse; Dir its folder,
	// against which relative paths are resolved (empty for stdin).
	Name string `toml:"-"`
	Dir  string `toml:"-"`

	text []byte // the file's text, to find keys' lines for errors
}

// Settings returns the scoring settings of the config, the part of
// clv.toml the page shares.
func (c *Config) Settings() settings.Settings {
	return settings.Settings{Input: c.Input.Input, Time: c.Time, Model: c.Model.Model, RFM: c.RFM,
		Formulas: c.Formulas, Segmentation: c.Segmentation, Tiers: c.Tiers, Output: c.Output.Output}
}

// setSettings puts s back into the config, after settings.Complete.
func (c *Config) setSettings(s settings.Settings) {
	c.Input.Input, c.Time, c.Model.Model, c.RFM = s.Input, s.Time, s.Model, s.RFM
	c.Formulas, c.Segmentation, c.Tiers, c.Output.Output = s.Formulas, s.Segmentation, s.Tiers, s.Output
}

// KeyError reports a problem with the value of key (dotted, such as
// "model.margin" or "formulas[1]"), naming the file and, when the key is in
// the file, its line.
func (c *Config) KeyError(key string, err error) error {
	var ke *settings.KeyError
	if errors.As(err, &ke) && ke.Key != "" {
		key, err = ke.Key, errors.New(ke.Msg)
	}
	return &Error{File: c.Name, Line: keyLine(c.text, strings.Split(key, ".")), Key: key, Msg: err.Error()}
}

// The sections and tables clv.toml shares with the page, under the names
// the binary's code has always used.
type (
	// Columns maps the data's columns (settings.Columns).
	Columns = settings.Columns
	// Time holds the time settings (settings.Time).
	Time = settings.Time
	// RFM tunes the RFM scores (settings.RFM).
	RFM = settings.RFM
	// Formula is one extra output column (settings.Formula).
	Formula = settings.Formula
	// Segmentation chooses the segment map (settings.Segmentation).
	Segmentation = settings.Segmentation
	// Rule is one segment rule (settings.Rule).
	Rule = settings.Rule
	// Tiers assigns value tiers (settings.Tiers).
	Tiers = settings.Tiers
)

// Input says where the data comes from and how to read it: the shared
// settings.Input (kind, formats, row rules, columns) and the file.
type Input struct {
	settings.Input
	Path      string `toml:"path"`      // file, or "-" for stdin
	Format    string `toml:"format"`    // csv | jsonl | parquet; default from the file name
	Delimiter string `toml:"delimiter"` // "," (default), ";", "\t", "|" or "whitespace"
	NoHeader  bool   `toml:"no_header"` // columns are then 1-based positions
	// URL, instead of Path, reads a PostgreSQL database
	// (postgres://user@host:port/database; the password from the URL, the
	// PG* environment or ~/.pgpass). Table names the table (kind =
	// "transactions": the summary is computed in the database and only
	// its rows are read; kind = "summary": the summary's rows), or Query
	// is a read-only query whose result is read as the file would be.
	URL   string `toml:"url"`
	Table string `toml:"table"`
	Query string `toml:"query"`

	// TimeZone is the zone (IANA name, such as "Europe/Berlin") in which
	// a database's timestamp-with-zone date column gives its calendar
	// date (clv sql); files keep their rule, the date as written in its
	// own offset. Empty: the engine's own cast.
	TimeZone string `toml:"time_zone"`
}

// Model chooses and tunes the models: the shared settings.Model and the
// model files only the binary reads.
type Model struct {
	settings.Model
	// Load is a model file written by `clv fit --out` (relative to the
	// config's folder): the purchase model is scored with its parameters
	// instead of being fitted. LoadSpend is the same for the Gamma-Gamma
	// spend model (`clv fit --spend-out`). Left out: fit as usual.
	Load      string `toml:"load"`
	LoadSpend string `toml:"load_spend"`
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

// Output says where the scores go: the file, and the shared
// settings.Output (precision, CSV formula guard).
type Output struct {
	settings.Output
	Path     string `toml:"path"`     // file, or "-" for stdout
	Format   string `toml:"format"`   // csv | jsonl | parquet; default from the file name
	Manifest string `toml:"manifest"` // manifest path; default: output path + ".manifest.json"
	// URL, instead of Path, writes the scores into a PostgreSQL table,
	// Table (default "clv_scores"), swapped in whole; IfExists is "fail"
	// (default) or "replace" when the table exists.
	URL      string `toml:"url"`
	Table    string `toml:"table"`
	IfExists string `toml:"if_exists"`
}

// Attributes are customer attributes (acquisition channel, country...):
// columns of the transaction log, each customer's value taken at their
// first purchase, or, with Path, columns of a customer table keyed by
// customer id (see core/attr). They are carried into the scored output
// after customer_id, can be named in segment rules, and are what clv
// groups groups by. Binary-only: the page picks its attribute column on
// the page.
type Attributes struct {
	// Columns names the attribute columns; empty: no attributes.
	Columns []string `toml:"columns"`
	// Path is a customer table (CSV, relative to the config's folder);
	// empty: the columns are read from the transaction log.
	Path string `toml:"path"`
	// ID is the customer table's id column (default: the name of
	// input.columns.customer).
	ID string `toml:"id"`
	// Delimiter separates the customer table's fields: "," (default),
	// ";", "\t" or "|".
	Delimiter string `toml:"delimiter"`
}

// Acquisition is what acquiring customers cost, for clv groups: a table of
// spend and new customers (or a CAC) per group, or a per-customer cost
// column, and the targets the groups are judged against. Margin is
// model.margin; the horizon model.horizon_months.
type Acquisition struct {
	// Path is the acquisition table (CSV, relative to the config's
	// folder): a group column (or one column per attribute grouped by),
	// spend and new_customers, or cac, and optionally period.
	Path string `toml:"path"`
	// CostColumn is a per-customer acquisition cost column, read like an
	// attribute (the customer table's column, or the transaction log's at
	// the first purchase); a blank cell is an unknown cost. Not with Path.
	CostColumn string `toml:"cost_column"`
	// TargetLTVCAC is the LTV:CAC a group should keep (default 3): the
	// largest CAC that keeps it is mean CLV / target.
	TargetLTVCAC float64 `toml:"target_ltv_cac"`
	// MinCustomers flags groups with fewer customers as too small to
	// trust (default 30; 0: no flag).
	MinCustomers int `toml:"min_customers"`
}

// DefaultOutputTable is output.table when output.url is given without it.
const DefaultOutputTable = "clv_scores"

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
	if err := c.complete(set); err != nil {
		return nil, c.located(err)
	}
	if override != nil {
		override(&c)
	}
	if err := c.Validate(); err != nil {
		return nil, c.located(err)
	}
	return &c, nil
}

// located fills in the file and, when the key is in the file, the line of
// an *Error from Validate or complete, or of a *settings.KeyError.
func (c *Config) located(err error) error {
	var ke *settings.KeyError
	if errors.As(err, &ke) {
		return c.KeyError(ke.Key, err)
	}
	var ce *Error
	if errors.As(err, &ce) {
		ce.File = c.Name
		if ce.Line == 0 && ce.Key != "" {
			ce.Line = keyLine(c.text, strings.Split(ce.Key, "."))
		}
	}
	return err
}

// checkKeys reports the first key, in the file's order, that is not a key
// of Config spelled exactly as its toml tag (settings.Lookup):
// BurntSushi/toml matches keys to fields ignoring case, so without this
// check `Margin = 0.9` would be taken for margin, and a file with both
// would keep either, by map order. Keys under a map field (formula inputs,
// plugin params) are free.
func checkKeys(name string, text []byte, keys []toml.Key) error {
	tables := map[string]int{} // [[array]] tables seen so far, by path
	for _, k := range keys {
		t := reflect.TypeFor[Config]()
		var addr []string // the key with array-table indices, for its line
	parts:
		for i, part := range k {
			f, ok := settings.Lookup(t, settings.TOML, part)
			if !ok {
				addr = append(addr, part)
				key := strings.Join(addr, ".")
				return &Error{File: name, Line: keyLine(text, addr), Key: key,
					Msg: settings.UnknownKey(key, part, settings.Keys(t, settings.TOML)).Msg}
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

// typeError turns a decoding error into an *Error at the key's line; a
// value of the wrong type is told as settings.WrongType tells it, as the
// page does.
func typeError(name string, err error) error {
	m := typeLine.FindStringSubmatch(err.Error())
	if m == nil {
		return &Error{File: name, Msg: strings.TrimPrefix(err.Error(), "toml: ")}
	}
	line := 0
	fmt.Sscan(m[1], &line)
	msg := m[3]
	if strings.HasPrefix(msg, "incompatible types:") {
		if f, ok := settings.FieldAt(reflect.TypeFor[Config](), settings.TOML, m[2]); ok {
			msg = settings.WrongType(f.Type)
		}
	}
	return &Error{File: name, Line: line, Key: m[2], Msg: msg}
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

// complete gives the defaults of the keys the file leaves out, and only
// of those, after rejecting an empty string given for a key that has a
// default or is inferred when left out: the default never replaces a value
// given. The shared settings do it in settings.Complete; the keys only
// the binary has are done here.
func (c *Config) complete(set givenFunc) error {
	st := c.Settings()
	if err := st.Complete(func(key string) bool { return set(keyPath(key)...) }); err != nil {
		return err
	}
	c.setSettings(st)
	type str struct {
		key  string
		v    string
		hint string
	}
	keys := []str{
		{"input.format", c.Input.Format, "omit the key to infer the format from the file name"},
		{"input.delimiter", c.Input.Delimiter, `omit the key for the default, ","`},
		{"output.path", c.Output.Path, `omit the key for the default, "-" (stdout)`},
		{"output.format", c.Output.Format, "omit the key to infer the format from the file name"},
		{"output.manifest", c.Output.Manifest, "omit the key for the default, the output path + \".manifest.json\""},
		{"model.load", c.Model.Load, "omit the key to fit the purchase model"},
		{"model.load_spend", c.Model.LoadSpend, "omit the key to fit the spend model"},
		{"input.url", c.Input.URL, "omit the key to read input.path"},
		{"input.table", c.Input.Table, "give the table to read, or omit the key and give input.query"},
		{"input.query", c.Input.Query, "give the query to read, or omit the key and give input.table"},
		{"output.url", c.Output.URL, "omit the key to write output.path"},
		{"output.table", c.Output.Table, `omit the key for the default, "clv_scores"`},
		{"output.if_exists", c.Output.IfExists, `omit the key for the default, "fail"`},
	}
	for i, p := range c.Plugins {
		keys = append(keys, str{fmt.Sprintf("plugins[%d].timeout", i), p.Timeout, `omit the key for the default, "10s"`})
	}
	for _, k := range keys {
		if k.v == "" && set(keyPath(k.key)...) {
			return &Error{Key: k.key, Msg: "empty: " + k.hint}
		}
	}
	if !set("output", "path") && !set("output", "url") {
		c.Output.Path = "-"
	}
	for _, k := range []str{
		{"attributes.path", c.Attributes.Path, "omit the key to read the attributes from the transaction log"},
		{"attributes.id", c.Attributes.ID, "omit the key for the default, the customer column's name"},
		{"attributes.delimiter", c.Attributes.Delimiter, `omit the key for the default, ","`},
		{"acquisition.path", c.Acquisition.Path, "omit the key when there is no acquisition table"},
		{"acquisition.cost_column", c.Acquisition.CostColumn, "omit the key when there is no cost column"},
	} {
		if k.v == "" && set(keyPath(k.key)...) {
			return &Error{Key: k.key, Msg: "empty: " + k.hint}
		}
	}
	if !set("attributes", "id") {
		c.Attributes.ID = c.Input.Columns.Customer
	}
	if !set("attributes", "delimiter") {
		c.Attributes.Delimiter = ","
	}
	if !set("acquisition", "target_ltv_cac") {
		c.Acquisition.TargetLTVCAC = DefaultTargetLTVCAC
	}
	if !set("acquisition", "min_customers") {
		c.Acquisition.MinCustomers = DefaultMinCustomers
	}
	if set("output", "url") && !set("output", "table") {
		c.Output.Table = DefaultOutputTable
	}
	if set("output", "url") && !set("output", "if_exists") {
		c.Output.IfExists = "fail"
	}
	for i := range c.Plugins {
		p, n := &c.Plugins[i], strconv.Itoa(i)
		if !set("plugins", n, "batch_size") {
			p.BatchSize = 4096
		}
		if !set("plugins", n, "timeout") {
			p.Timeout = "10s"
		}
		if !set("plugins", n, "memory_mb") {
			p.MemoryMB = 256
		}
	}
	return nil
}

// The defaults of the acquisition targets.
const (
	DefaultTargetLTVCAC = 3
	DefaultMinCustomers = 30
)

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
// required keys (settings.Validate for the shared settings, then the
// binary's own keys). Errors name the key.
func (c *Config) Validate() error {
	st := c.Settings()
	if err := st.Validate(); err != nil {
		var ke *settings.KeyError
		if errors.As(err, &ke) {
			return &Error{Key: ke.Key, Msg: ke.Msg}
		}
		return err
	}
	var checks []error
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
	if err := c.validateDatabase(); err != nil {
		return err
	}
	if c.Input.Path == "" && c.Input.URL == "" {
		return &Error{Key: "input.path", Msg: "missing: the transactions (or summary) file to score, or \"-\" for stdin (or input.url, a PostgreSQL database)"}
	}
	if c.Model.LoadSpend != "" && c.Model.Spend != score.SpendGammaGamma {
		return &Error{Key: "model.load_spend", Msg: fmt.Sprintf("a Gamma-Gamma model file needs model.spend = %q (it is %q)", score.SpendGammaGamma, c.Model.Spend)}
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
	if err := c.validateAttributes(); err != nil {
		return err
	}
	if c.Segmentation.Map == "plugin" && !plugins[c.Segmentation.Plugin] {
		return &Error{Key: "segmentation.plugin", Msg: fmt.Sprintf("%s is not a configured plugin", quote.Value(c.Segmentation.Plugin))}
	}
	return nil
}

// validateAttributes checks [attributes] and [acquisition].
func (c *Config) validateAttributes() error {
	a, q := c.Attributes, c.Acquisition
	seen := map[string]bool{}
	for i, name := range a.Columns {
		key := "attributes.columns"
		switch {
		case strings.TrimSpace(name) == "":
			return &Error{Key: key, Msg: fmt.Sprintf("column %d is empty", i+1)}
		case seen[name]:
			return &Error{Key: key, Msg: fmt.Sprintf("%s is listed twice", quote.Value(name))}
		case slices.Contains(score.ReservedColumns(), name):
			return &Error{Key: key, Msg: fmt.Sprintf("%s is the name of a scored column; rename the column in the data (attributes keep their column names in the output)", quote.Value(name))}
		case name == q.CostColumn:
			return &Error{Key: key, Msg: fmt.Sprintf("%s is also acquisition.cost_column", quote.Value(name))}
		}
		for _, f := range c.Formulas {
			if f.Name == name {
				return &Error{Key: key, Msg: fmt.Sprintf("%s is also the name of a [[formulas]] column", quote.Value(name))}
			}
		}
		seen[name] = true
	}
	if len(a.Columns) == 0 && a.Path != "" {
		return &Error{Key: "attributes.path", Msg: "a customer table needs attributes.columns, its attribute columns, such as [\"channel\"]"}
	}
	if a.Path == "" && c.Input.Kind == "summary" && len(a.Columns) > 0 {
		return &Error{Key: "attributes.path", Msg: "missing: a per-customer summary input has no first purchase to read attributes from; give a customer table"}
	}
	if err := oneOf("attributes.delimiter", a.Delimiter, ",", ";", "\t", "tab", "|"); err != nil {
		return err
	}
	if q.Path != "" && q.CostColumn != "" {
		return &Error{Key: "acquisition.cost_column", Msg: "give an acquisition table (acquisition.path) or a cost column, not both"}
	}
	if (q.Path != "" || q.CostColumn != "") && len(a.Columns) == 0 {
		return &Error{Key: "attributes.columns", Msg: "missing: acquisition costs are per group of an attribute, and no attribute is configured"}
	}
	if !(q.TargetLTVCAC > 0) || math.IsInf(q.TargetLTVCAC, 0) {
		return &Error{Key: "acquisition.target_ltv_cac", Msg: fmt.Sprintf("%v: want a ratio above 0, such as 3", q.TargetLTVCAC)}
	}
	if q.MinCustomers < 0 {
		return &Error{Key: "acquisition.min_customers", Msg: fmt.Sprintf("%d: want 0 (no flag) or more customers", q.MinCustomers)}
	}
	return nil
}

// AttributeDelimiter returns attributes.delimiter as a rune.
func (c *Config) AttributeDelimiter() rune {
	switch c.Attributes.Delimiter {
	case ";":
		return ';'
	case "\t", "tab":
		return '\t'
	case "|":
		return '|'
	}
	return ','
}

// isDatabaseURL reports whether s is a postgres:// or postgresql:// URL.
func isDatabaseURL(s string) bool {
	l := strings.ToLower(s)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// validateDatabase checks the PostgreSQL keys of [input] and [output]:
// a URL instead of a path, and with it a table or a query. Messages never
// quote a URL, which may hold a password.
func (c *Config) validateDatabase() error {
	in, out := c.Input, c.Output
	switch {
	case in.URL != "" && in.Path != "":
		return &Error{Key: "input.url", Msg: "give input.path (a file) or input.url (a database), not both"}
	case in.URL != "" && !isDatabaseURL(in.URL):
		return &Error{Key: "input.url", Msg: "not a PostgreSQL URL: want postgres://user@host:port/database"}
	case in.URL == "" && in.Table != "":
		return &Error{Key: "input.table", Msg: "a table is read from a database: give input.url too"}
	case in.URL == "" && in.Query != "":
		return &Error{Key: "input.query", Msg: "a query is run in a database: give input.url too"}
	case in.URL != "" && in.Table != "" && in.Query != "":
		return &Error{Key: "input.query", Msg: "give input.table or input.query, not both"}
	case in.URL != "" && in.Table == "" && in.Query == "":
		return &Error{Key: "input.table", Msg: "missing: the table to read from input.url (or input.query, a read-only query)"}
	case in.URL != "" && (in.Format != "" || in.Delimiter != "" || in.NoHeader):
		return &Error{Key: "input.url", Msg: "input.format, input.delimiter and input.no_header are for files, not a database"}
	}
	if out.URL == "" {
		for _, k := range []struct{ key, v string }{{"output.table", out.Table}, {"output.if_exists", out.IfExists}} {
			if k.v != "" {
				return &Error{Key: k.key, Msg: "a table is written to a database: give output.url too"}
			}
		}
		return nil
	}
	switch {
	case !isDatabaseURL(out.URL):
		return &Error{Key: "output.url", Msg: "not a PostgreSQL URL: want postgres://user@host:port/database"}
	case out.Path != "":
		return &Error{Key: "output.url", Msg: "give output.path (a file) or output.url (a database table), not both"}
	case out.Format != "":
		return &Error{Key: "output.format", Msg: "output.format is for files; a database table has its own column types"}
	}
	return oneOf("output.if_exists", out.IfExists, "fail", "replace")
}
