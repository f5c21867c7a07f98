package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/host/internal/table"
	"github.com/clvkit/clvkit/internal/quote"
	"github.com/clvkit/clvkit/internal/textenc"
)

// manifest records what a scoring run read and wrote, so `clv verify` can
// re-run it and prove the output reproduces. Paths are relative to the
// manifest's folder.
type manifest struct {
	Version   string                        `json:"clvkit_version"`
	Config    fileRecord                    `json:"config"`
	Inputs    []fileRecord                  `json:"inputs"`
	Plugins   []fileRecord                  `json:"plugins"`
	Models    map[string]map[string]float64 `json:"models"`
	Precision int                           `json:"precision"`
	// CSVFormulaGuard is the run's output.csv_formula_guard, which a flag
	// may have overridden.
	CSVFormulaGuard string       `json:"csv_formula_guard"`
	Output          outputRecord `json:"output"`
	// Formats are the date and amount formats the input was read with
	// ("auto" resolved), so a later run on new data can be pinned to them.
	// Verify detects them again on the same (hash-checked) input, which
	// gives the same formats, and compares.
	Formats *inputFormats `json:"input_formats,omitempty"`
	// ObservationEnd is the observation end a transaction log was scored
	// with (a flag may have overridden the config's); empty for a summary
	// input, which has no use for it.
	ObservationEnd string `json:"observation_end"`
	// Spend says how expected_spend was estimated; absent without the
	// spend model. models.gammagamma is recorded only when Spend.Method is
	// "gammagamma".
	Spend *spendRecord `json:"spend,omitempty"`
	// ModelFiles are the frozen model files the run scored with instead
	// of fitting (model.load, model.load_spend or their flags), named
	// "purchase" or "spend"; absent when the run fitted its models.
	ModelFiles []fileRecord `json:"model_files,omitempty"`
	// Choice says which model purchase = "auto" chose and by how much;
	// absent when the config names the model.
	Choice *choiceRecord `json:"model_choice,omitempty"`
	// Database is what the run read from a PostgreSQL database
	// (input.url; inputs is then empty), OutputTable the table it wrote
	// (output.url; output.sha256 is then the hash of the rows as CSV):
	// clv verify re-runs files only.
	Database    *databaseRecord `json:"database,omitempty"`
	OutputTable *tableRecord    `json:"output_table,omitempty"`
}

// choiceRecord is the manifest's record of compare.Choice.
type choiceRecord struct {
	// Model is the purchase model chosen; Criterion how
	// (holdout_log_likelihood, log_likelihood or bic) and Value the
	// winner's value of it.
	Model     string  `json:"model"`
	Criterion string  `json:"criterion"`
	Value     float64 `json:"value"`
	// RunnerUp is the second best model ("" when only one competed) and
	// Margin how much worse its value is.
	RunnerUp string  `json:"runner_up"`
	Margin   float64 `json:"margin"`
}

// spendRecord is the manifest's record of score.SpendEstimate.
type spendRecord struct {
	// Method is "gammagamma" or, when the fit could not be used, "own_mean".
	Method string `json:"method"`
	// Fallback says why the fit was not used: not_converged, q_at_most_1
	// or not_identified; "none" when it was used (never empty, so a field
	// deleted from the manifest is told from one the run left empty).
	Fallback string `json:"fallback"`
	// NonPositive counts the customers left out of the fit because their
	// repeat purchases have a mean value ≤ 0 (a pointer for the same
	// reason: a deleted count decodes as null, not 0).
	NonPositive *int `json:"nonpositive_mean_customers"`
}

type fileRecord struct {
	Name   string `json:"name,omitempty"`
	Path   string `json:"path"`
	SHA256 string `json:"sha256"`
}

type outputRecord struct {
	Path   string `json:"path"`
	Format string `json:"format"`
	Rows   int    `json:"rows"`
	SHA256 string `json:"sha256"`
}

// relTo returns path relative to dir when it can, so a manifest survives
// moving the whole folder.
func relTo(dir, path string) string {
	if path == "-" {
		return path
	}
	a, err1 := filepath.Abs(path)
	d, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return path
	}
	if r, err := filepath.Rel(d, a); err == nil {
		return filepath.ToSlash(r)
	}
	return path
}

func (r *scoring) manifest(path, outputSum string) manifest {
	dir := filepath.Dir(path)
	f, _ := r.job.output.format()
	res := r.result
	m := manifest{
		Version:         clvVersion(),
		Config:          fileRecord{Path: relTo(dir, r.job.cfg.Name), SHA256: r.cfgSum},
		Inputs:          []fileRecord{},
		Plugins:         []fileRecord{},
		Models:          map[string]map[string]float64{},
		Precision:       r.job.output.Precision,
		CSVFormulaGuard: r.job.output.Guard.String(),
		Output:          outputRecord{Path: relTo(dir, r.job.output.Path), Format: f.String(), Rows: len(res.IDs), SHA256: outputSum},
	}
	if r.job.db == nil {
		m.Inputs = append(m.Inputs, fileRecord{Path: relTo(dir, r.job.input.Path), SHA256: r.inputSum})
	} else {
		m.Database = r.job.dbRecord
	}
	if r.job.cfg.Output.URL != "" {
		m.Output.Path, m.Output.Format = "", "postgresql"
	}
	for _, lp := range r.job.plugins {
		m.Plugins = append(m.Plugins, fileRecord{Name: lp.cfg.Name, Path: relTo(dir, lp.path), SHA256: lp.sha256})
	}
	params := func(names []string, values []float64) map[string]float64 {
		p := map[string]float64{}
		for i, n := range names {
			p[n] = values[i]
		}
		return p
	}
	for _, mf := range r.job.models {
		m.ModelFiles = append(m.ModelFiles, fileRecord{Name: mf.role, Path: relTo(dir, mf.path), SHA256: mf.sha256})
	}
	m.Formats = r.job.formats
	if r.job.cfg.Input.Kind == "transactions" {
		m.ObservationEnd = r.job.cfg.Time.ObservationEnd
	}
	m.Models[r.job.options.Purchase] = params(res.PurchaseFit.Names, res.PurchaseFit.Params)
	if c := r.choice; c != nil {
		m.Choice = &choiceRecord{Model: c.Model, Criterion: c.Criterion, Value: c.Value, RunnerUp: c.RunnerUp, Margin: c.Margin}
	}
	if r.job.options.Spend {
		est := res.SpendEstimate
		fallback := est.Fallback
		if fallback == "" {
			fallback = "none"
		}
		m.Spend = &spendRecord{Method: est.Method, Fallback: fallback, NonPositive: &est.NonPositive}
		if est.Method == score.EstimateGammaGamma {
			m.Models["gammagamma"] = params(res.SpendFit.Names, res.SpendFit.Params)
		}
	}
	return m
}

func verifyCommand() command {
	return command{
		name:    "verify",
		summary: "re-run a scoring from its manifest and fail if anything differs",
		usage: `Usage: clv verify [--allow-outside] MANIFEST

Checks that the config, input, plugin and model files (model_files: the
frozen models a run scored with, clv score --model-file) still have the
hashes the manifest recorded, re-runs the scoring, builds the manifest the re-run would
write and compares the two field by field: clvkit version, every file's path
and sha256, the fitted parameters (equal within 1e-12 relative: the last
bits of a fit may differ between CPUs, the output bytes may not), how
expected_spend was estimated (spend.method, spend.fallback), precision,
the output's format, row count and sha256, and for purchase = "auto" the
model chosen, its criterion, value, runner-up and margin (model_choice.*;
value and margin within the same 1e-12). Each difference is named by its
place in the manifest (models.bgnbd.r, output.rows, plugins, ...). The output
file must equal the re-run byte for byte; on a difference verify names the
first differing row and column.

A manifest with an unknown field, or an empty inputs list, is an error.
Paths in a manifest are relative to its folder (../data/orders.csv is
fine); an absolute path is refused unless --allow-outside is given, so a
manifest from somewhere else cannot make verify read any file it names. The
values of a differing row are printed only when the output file lies inside
the manifest's folder.

Exit code 0 when everything reproduces, 1 otherwise: this is what an
agency's CI runs.

Examples:
  clv score --config clv.toml          # writes scores.csv and scores.csv.manifest.json
  clv verify scores.csv.manifest.json
  clv verify --allow-outside run.manifest.json   # it names /data/orders.csv`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			allowOutside := fs.Bool("allow-outside", false, "accept absolute paths in the manifest")
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 1 {
					return errors.New("give exactly one manifest file (see clv verify --help)")
				}
				return verify(ctx, e, args[0], *allowOutside)
			}
		},
	}
}

// readManifest decodes a manifest strictly: an unknown field or anything
// after the JSON object is an error.
func readManifest(path string) (manifest, error) {
	var m manifest
	text, err := os.ReadFile(path)
	if err != nil {
		return m, fmt.Errorf("manifest: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, fmt.Errorf("manifest %s: %w", path, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return m, fmt.Errorf("manifest %s: unexpected data after the manifest's JSON object", path)
	}
	if m.Database != nil || m.OutputTable != nil {
		return m, fmt.Errorf("manifest %s: the run read or wrote a PostgreSQL database; clv verify re-runs runs on files only (the manifest's database and output_table record what was read and written)", path)
	}
	if len(m.Inputs) == 0 {
		return m, fmt.Errorf("manifest %s: inputs is empty: a scoring reads one input, so the manifest must record it", path)
	}
	return m, nil
}

// manifestPaths returns every "path" field of a manifest, keyed by its
// JSON path (config.path, inputs[0].path, ...), found generically so a path
// field added later is covered too.
func manifestPaths(m manifest) (map[string]string, error) {
	tree, err := jsonTree(m)
	if err != nil {
		return nil, err
	}
	paths := map[string]string{}
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if s, ok := x.(string); ok && k == "path" {
					paths[joinPath(at, k)] = s
					continue
				}
				walk(joinPath(at, k), x)
			}
		case []any:
			for i, x := range v {
				walk(fmt.Sprintf("%s[%d]", at, i), x)
			}
		}
	}
	walk("", tree)
	return paths, nil
}

// jsonTree is v marshalled to JSON and decoded into maps, slices, strings,
// float64s, bools and nils.
func jsonTree(v any) (any, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, &internalError{err}
	}
	var tree any
	if err := json.Unmarshal(b, &tree); err != nil {
		return nil, &internalError{err}
	}
	return tree, nil
}

func joinPath(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

// modelTolerance is the relative difference allowed between a fitted
// parameter in the manifest and the re-run's: the last bits of a fit may
// differ between CPUs (FMA, assembly kernels) while the output, rounded to
// its precision, does not.
const modelTolerance = 1e-12

// diffManifests compares two manifests field by field, generically (as
// JSON trees), and returns one line per difference, each starting with the
// field's JSON path. Numbers under "models" and "model_choice" (fitted
// parameters, and the criterion values computed from them) may differ by modelTolerance
// (relative); everything else must be equal. Paths listed in skip were
// already reported.
func diffManifests(recorded, rerun manifest, skip map[string]bool) ([]string, error) {
	a, err := jsonTree(recorded)
	if err != nil {
		return nil, err
	}
	b, err := jsonTree(rerun)
	if err != nil {
		return nil, err
	}
	var out []string
	diffTree("", a, b, skip, &out)
	return out, nil
}

func diffTree(at string, a, b any, skip map[string]bool, out *[]string) {
	if skip[at] {
		return
	}
	name := at
	if name == "" {
		name = "manifest"
	}
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(a)+len(bm))
		for k := range a {
			keys = append(keys, k)
		}
		for k := range bm {
			if _, ok := a[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			x, inA := a[k]
			y, inB := bm[k]
			switch {
			case !inA:
				*out = append(*out, fmt.Sprintf("%s: missing from the manifest; the re-run gives %s", joinPath(at, k), jsonText(y)))
			case !inB:
				*out = append(*out, fmt.Sprintf("%s: the manifest has %s; the re-run has no such field", joinPath(at, k), jsonText(x)))
			default:
				diffTree(joinPath(at, k), x, y, skip, out)
			}
		}
		return
	case []any:
		bs, ok := b.([]any)
		if !ok {
			break
		}
		if len(a) != len(bs) {
			*out = append(*out, fmt.Sprintf("%s: the manifest lists %d, the re-run %d", name, len(a), len(bs)))
		}
		for i := range min(len(a), len(bs)) {
			diffTree(fmt.Sprintf("%s[%d]", at, i), a[i], bs[i], skip, out)
		}
		return
	case float64:
		y, ok := b.(float64)
		if !ok {
			break
		}
		if a == y || ((strings.HasPrefix(at, "models.") || strings.HasPrefix(at, "model_choice.")) && math.Abs(a-y) <= modelTolerance*math.Max(math.Abs(a), math.Abs(y))) {
			return
		}
		*out = append(*out, fmt.Sprintf("%s: the manifest has %s, the re-run gives %s", name, jsonText(a), jsonText(b)))
		return
	default:
		if a == b {
			return
		}
	}
	*out = append(*out, fmt.Sprintf("%s: the manifest has %s, the re-run gives %s", name, jsonText(a), jsonText(b)))
}

// jsonText shows a value of a JSON tree as JSON.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// within reports whether path, with symbolic links resolved, lies inside
// dir.
func within(dir, path string) bool {
	resolve := func(p string) (string, bool) {
		a, err := filepath.Abs(p)
		if err != nil {
			return "", false
		}
		if r, err := filepath.EvalSymlinks(a); err == nil {
			a = r
		}
		return a, true
	}
	d, ok1 := resolve(dir)
	p, ok2 := resolve(path)
	if !ok1 || !ok2 {
		return false
	}
	r, err := filepath.Rel(d, p)
	return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) && !filepath.IsAbs(r)
}

// sameFile reports whether two manifest paths name the same location,
// relative to the manifest's folder dir.
func sameFile(dir, a, b string) bool {
	abs := func(p string) string {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, filepath.FromSlash(p))
		}
		return filepath.Clean(p)
	}
	return a == b || abs(a) == abs(b)
}

// sniffFormat tells a table file's format from its first bytes: Parquet's
// magic "PAR1", a JSON object for JSON Lines, CSV otherwise; gzip is looked
// through.
func sniffFormat(b []byte) table.Format {
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		if zr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
			head := make([]byte, 512)
			n, _ := io.ReadFull(zr, head)
			b = head[:n]
		}
	}
	switch t := bytes.TrimLeft(b, " \t\r\n"); {
	case bytes.HasPrefix(b, []byte("PAR1")):
		return table.Parquet
	case len(t) > 0 && t[0] == '{':
		return table.JSONL
	}
	return table.CSV
}

// verify checks the manifest at path: its paths (absolute ones only with
// allowOutside), the hashes of the files it names, then a re-run compared
// with it field by field and with the output byte for byte. Every problem
// found is listed in the returned error.
func verify(ctx context.Context, e *env, path string, allowOutside bool) error {
	m, err := readManifest(path)
	if err != nil {
		return err
	}
	dir := filepath.Dir(path)
	paths, err := manifestPaths(m)
	if err != nil {
		return err
	}
	var refused []string
	for field, p := range paths {
		if filepath.IsAbs(p) && !allowOutside {
			refused = append(refused, fmt.Sprintf("%s: %s is an absolute path; paths are relative to the manifest's folder (give --allow-outside to accept it)", field, p))
		}
	}
	if len(refused) > 0 {
		sort.Strings(refused)
		return fmt.Errorf("verify %s: refused:\n  - %s", path, strings.Join(refused, "\n  - "))
	}
	at := func(p string) string {
		if filepath.IsAbs(p) || p == "-" {
			return p
		}
		return filepath.Join(dir, filepath.FromSlash(p))
	}

	// reported holds the JSON paths already named by a problem, so the
	// field-by-field comparison does not name them twice.
	var problems []string
	reported := map[string]bool{}
	report := func(field, format string, args ...any) {
		reported[field] = true
		problems = append(problems, field+": "+fmt.Sprintf(format, args...))
	}
	// Files the run read: a changed one means the re-run would not be the
	// same run, so it is not attempted (and a changed plugin is not run).
	rerun := true
	check := func(field, what string, r fileRecord) {
		if r.Path == "-" {
			report(field+".path", "%s was read from stdin and cannot be re-read", what)
			rerun = false
			return
		}
		sum, err := fileSHA256(at(r.Path))
		switch {
		case err != nil:
			report(field+".path", "%s %v", what, err)
			rerun = false
		case sum != r.SHA256:
			report(field+".sha256", "%s %s changed since the run (sha256 %.12s… in the manifest, %.12s… now)", what, r.Path, r.SHA256, sum)
			rerun = false
		}
	}
	check("config", "config", m.Config)
	for i, in := range m.Inputs {
		check(fmt.Sprintf("inputs[%d]", i), "input", in)
	}
	for i, p := range m.Plugins {
		check(fmt.Sprintf("plugins[%d]", i), "plugin "+p.Name, p)
	}
	seenRole := map[string]bool{}
	for i, mf := range m.ModelFiles {
		field := fmt.Sprintf("model_files[%d]", i)
		if (mf.Name != rolePurchase && mf.Name != roleSpend) || seenRole[mf.Name] {
			report(field+".name", "%s: want %q or %q, each at most once", quote.Value(mf.Name), rolePurchase, roleSpend)
			rerun = false
			continue
		}
		seenRole[mf.Name] = true
		check(field, mf.Name+" model file", mf)
	}
	if m.Output.Path == "-" {
		return fmt.Errorf("verify %s: output.path is -: the scores went to stdout and cannot be re-read", path)
	}
	out := at(m.Output.Path)
	onDisk, err := os.ReadFile(out)
	if err != nil {
		report("output.path", "%v", err)
		rerun = false
	} else if sum := sha256Hex(onDisk); sum != m.Output.SHA256 {
		report("output.sha256", "output %s was modified after the run (sha256 %.12s… in the manifest, %.12s… now)", m.Output.Path, m.Output.SHA256, sum)
	}

	if rerun {
		more, err := verifyRerun(ctx, e, path, m, onDisk, reported)
		if err != nil {
			return err
		}
		problems = append(problems, more...)
	} else {
		problems = append(problems, "not re-run: a file the run read or wrote is missing or changed (above)")
	}
	if len(problems) > 0 {
		return fmt.Errorf("verify %s failed:\n  - %s", path, strings.Join(problems, "\n  - "))
	}
	fmt.Fprintf(e.stderr, "verified: %s reproduces (%d rows, sha256 %.12s…)\n", m.Output.Path, m.Output.Rows, m.Output.SHA256)
	return nil
}

// verifyRerun re-runs the scoring a manifest records and compares: the
// output bytes with onDisk, then the manifest the re-run would write with
// the recorded one, field by field.
func verifyRerun(ctx context.Context, e *env, path string, m manifest, onDisk []byte, reported map[string]bool) ([]string, error) {
	dir := filepath.Dir(path)
	at := func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, filepath.FromSlash(p))
	}
	out := at(m.Output.Path)
	cfg, err := loadConfig(e, at(m.Config.Path), nil)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	cfg.Input.Path, _ = filepath.Abs(at(m.Inputs[0].Path))
	// The output file says what format it is in; a manifest claiming
	// another is caught by the comparison below.
	format := sniffFormat(onDisk)
	var problems []string
	cfg.Output.Path, cfg.Output.Format = out, format.String()
	if m.Precision >= 0 && m.Precision <= table.MaxPrecision {
		cfg.Output.Precision = m.Precision
	} else {
		reported["precision"] = true
		problems = append(problems, fmt.Sprintf("precision: %d is out of range 0..%d", m.Precision, table.MaxPrecision))
	}
	// clv score --observation-end overrides the config's: re-run with the
	// date the manifest records.
	if cfg.Input.Kind == "transactions" && m.ObservationEnd != "" {
		if _, err := time.Parse(time.DateOnly, m.ObservationEnd); err == nil {
			cfg.Time.ObservationEnd = m.ObservationEnd
		} else {
			reported["observation_end"] = true
			problems = append(problems, fmt.Sprintf("observation_end: %s is not a date (YYYY-MM-DD)", quote.Value(m.ObservationEnd)))
		}
	}
	// The guard may have come from a flag: re-run with the manifest's. A
	// guard that changes nothing in this output (no cell starts with a
	// formula character) is a true statement about it, whichever it is.
	if g, err := textenc.ParseGuard(m.CSVFormulaGuard); err == nil {
		cfg.Output.CSVFormulaGuard = g.String() // "" (a field deleted) is the default, as clv score took it
	} else {
		reported["csv_formula_guard"] = true
		problems = append(problems, fmt.Sprintf("csv_formula_guard: %v", err))
	}
	// The model files the run scored with may have come from flags:
	// re-run with the ones the manifest records (their hashes were
	// checked).
	cfg.Model.Load, cfg.Model.LoadSpend = "", ""
	for _, mf := range m.ModelFiles {
		p, _ := filepath.Abs(at(mf.Path))
		switch mf.Name {
		case rolePurchase:
			cfg.Model.Load = p
		case roleSpend:
			cfg.Model.LoadSpend = p
		default:
			return nil, fmt.Errorf("verify: model_files: name %s: want %q or %q", quote.Value(mf.Name), rolePurchase, roleSpend)
		}
	}
	j, err := prepare(cfg)
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	closePlugins, err := j.loadPlugins(ctx, e)
	defer closePlugins()
	if err != nil {
		return nil, fmt.Errorf("verify: %w", err)
	}
	run, err := j.run(ctx, e, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("verify: re-run: %w", err)
	}
	again, err := encodeBytes(run.result, j.output)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(again, onDisk) {
		// An intact output that the re-run gives at another precision
		// means the manifest's precision is wrong, not the scores.
		found := false
		if sha256Hex(onDisk) == m.Output.SHA256 {
			for p := 0; p <= table.MaxPrecision && !found; p++ {
				if p == j.output.Precision {
					continue
				}
				s := j.output
				s.Precision = p
				b, err := encodeBytes(run.result, s)
				if err == nil && bytes.Equal(b, onDisk) {
					j.output, again, found = s, b, true
				}
			}
		}
		if !found {
			show := within(dir, out)
			problems = append(problems, firstDifference(m.Output.Path, format, onDisk, again, show))
		}
	}
	fresh := run.manifest(path, sha256Hex(again))
	// Paths the re-run took from the manifest, or that name the same file,
	// keep the manifest's spelling.
	fresh.Config.Path, fresh.Output.Path = m.Config.Path, m.Output.Path
	fresh.Inputs[0].Path = m.Inputs[0].Path
	for i := range min(len(fresh.Plugins), len(m.Plugins)) {
		if sameFile(dir, fresh.Plugins[i].Path, m.Plugins[i].Path) {
			fresh.Plugins[i].Path = m.Plugins[i].Path
		}
	}
	for i := range min(len(fresh.ModelFiles), len(m.ModelFiles)) {
		if sameFile(dir, fresh.ModelFiles[i].Path, m.ModelFiles[i].Path) {
			fresh.ModelFiles[i].Path = m.ModelFiles[i].Path
		}
	}
	diffs, err := diffManifests(m, fresh, reported)
	if err != nil {
		return nil, err
	}
	return append(diffs, problems...), nil
}

// encodeBytes encodes a result as the sink would write it.
func encodeBytes(res *score.Result, s sink) ([]byte, error) {
	var b bytes.Buffer
	if err := encodeResult(&b, res, s); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// firstDifference names the first row and column where two encodings of a
// table differ. The cells' values and the customer id are shown only when
// show is set: verify never prints rows of a file outside the manifest's
// folder.
func firstDifference(name string, f table.Format, old, new []byte, show bool) string {
	hidden := ""
	if !show {
		hidden = fmt.Sprintf(" (values not shown: %s is outside the manifest's folder)", name)
	}
	a, errA := table.Open(bytes.NewReader(old), name, f, table.ReadOptions{})
	b, errB := table.Open(bytes.NewReader(new), "re-run", f, table.ReadOptions{})
	if errA != nil || errB != nil {
		if !show {
			return fmt.Sprintf("output %s differs from the re-run and cannot be read as a %s table%s", name, f, hidden)
		}
		return fmt.Sprintf("output %s differs from the re-run (and cannot be read as a table: %v)", name, errors.Join(errA, errB))
	}
	ca, cb := a.Columns(), b.Columns()
	if strings.Join(ca, ",") != strings.Join(cb, ",") {
		if !show {
			return fmt.Sprintf("output %s has other columns than the re-run%s", name, hidden)
		}
		return fmt.Sprintf("output %s has columns %v; the re-run gives %v", name, ca, cb)
	}
	for row := 1; ; row++ {
		ra, ea := a.Next()
		rb, eb := b.Next()
		if errors.Is(ea, io.EOF) || errors.Is(eb, io.EOF) {
			if errors.Is(ea, io.EOF) && errors.Is(eb, io.EOF) {
				return fmt.Sprintf("output %s differs from the re-run in its bytes but not in its values", name)
			}
			return fmt.Sprintf("output %s has a different number of rows from the re-run (they differ from row %d)", name, row)
		}
		if ea != nil || eb != nil {
			if !show {
				return fmt.Sprintf("output %s: row %d cannot be read%s", name, row, hidden)
			}
			return fmt.Sprintf("output %s: row %d cannot be read: %v", name, row, errors.Join(ea, eb))
		}
		for k := range ca {
			if ra.Field(k) != rb.Field(k) {
				if !show {
					return fmt.Sprintf("row %d, column %s: %s differs from the re-run%s", row, quote.Prefix(ca[k]), name, hidden)
				}
				return fmt.Sprintf("row %d (customer %s), column %s: %s has %s, the re-run gives %s",
					row, quote.Prefix(ra.Field(0)), quote.Prefix(ca[k]), name, quote.Value(ra.Field(k)), quote.Value(rb.Field(k)))
			}
		}
	}
}
