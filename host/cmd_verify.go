package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/clvkit/clvkit/host/internal/table"
	"github.com/clvkit/clvkit/internal/quote"
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
	Output    outputRecord                  `json:"output"`
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
		Version:   clvVersion(),
		Config:    fileRecord{Path: relTo(dir, r.job.cfg.Name), SHA256: r.cfgSum},
		Inputs:    []fileRecord{{Path: relTo(dir, r.job.input.Path), SHA256: r.inputSum}},
		Plugins:   []fileRecord{},
		Models:    map[string]map[string]float64{},
		Precision: r.job.output.Precision,
		Output:    outputRecord{Path: relTo(dir, r.job.output.Path), Format: f.String(), Rows: len(res.IDs), SHA256: outputSum},
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
	m.Models[r.job.options.Purchase] = params(res.PurchaseFit.Names, res.PurchaseFit.Params)
	if r.job.options.Spend {
		m.Models["gammagamma"] = params(res.SpendFit.Names, res.SpendFit.Params)
	}
	return m
}

func verifyCommand() command {
	return command{
		name:    "verify",
		summary: "re-run a scoring from its manifest and fail if anything differs",
		usage: `Usage: clv verify MANIFEST

Checks that the config and input files still have the hashes the manifest
recorded, re-runs the scoring, and compares the result with the output file
byte for byte. On a difference it names the first differing row and column.
Exit code 0 when everything reproduces, 1 otherwise: this is what an
agency's CI runs.

Example:
  clv score --config clv.toml          # writes scores.csv and scores.csv.manifest.json
  clv verify scores.csv.manifest.json`,
		flags: func(fs *flag.FlagSet) func(context.Context, *env, []string) error {
			return func(ctx context.Context, e *env, args []string) error {
				if len(args) != 1 {
					return errors.New("give exactly one manifest file (see clv verify --help)")
				}
				return verify(ctx, e, args[0])
			}
		},
	}
}

func verify(ctx context.Context, e *env, path string) error {
	text, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	var m manifest
	dec := json.NewDecoder(bytes.NewReader(text))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return fmt.Errorf("manifest %s: %w", path, err)
	}
	dir := filepath.Dir(path)
	at := func(p string) string {
		if filepath.IsAbs(p) || p == "-" {
			return p
		}
		return filepath.Join(dir, filepath.FromSlash(p))
	}
	var problems []string
	check := func(what string, r fileRecord) {
		if r.Path == "-" {
			problems = append(problems, fmt.Sprintf("%s was read from stdin and cannot be re-read", what))
			return
		}
		sum, err := fileSHA256(at(r.Path))
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("%s %s: %v", what, r.Path, err))
		case sum != r.SHA256:
			problems = append(problems, fmt.Sprintf("%s %s changed since the run (sha256 %.12s… in the manifest, %.12s… now)", what, r.Path, r.SHA256, sum))
		}
	}
	check("config", m.Config)
	for _, in := range m.Inputs {
		check("input", in)
	}
	for _, p := range m.Plugins {
		check("plugin "+p.Name, p)
	}
	if m.Version != clvVersion() {
		problems = append(problems, fmt.Sprintf("the run used clvkit %s; this is %s", m.Version, clvVersion()))
	}
	out := at(m.Output.Path)
	onDisk, err := os.ReadFile(out)
	if err != nil {
		return fmt.Errorf("verify: output: %w", err)
	}
	if sum := sha256Hex(onDisk); sum != m.Output.SHA256 {
		problems = append(problems, fmt.Sprintf("output %s was modified after the run (sha256 %.12s… in the manifest, %.12s… now)", m.Output.Path, m.Output.SHA256, sum))
	}

	// Re-run with the manifest's config and inputs.
	if m.Config.Path != "-" {
		cfg, err := loadConfig(e, at(m.Config.Path), nil)
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		if len(m.Inputs) == 1 && m.Inputs[0].Path != "-" {
			cfg.Input.Path, _ = filepath.Abs(at(m.Inputs[0].Path))
		}
		cfg.Output.Path, cfg.Output.Precision = out, m.Precision
		j, err := prepare(cfg)
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		closePlugins, err := j.loadPlugins(ctx, e)
		defer closePlugins()
		if err != nil {
			return fmt.Errorf("verify: %w", err)
		}
		run, err := j.run(ctx, e, nil)
		if err != nil {
			return fmt.Errorf("verify: re-run: %w", err)
		}
		var again bytes.Buffer
		if err := encodeResult(&again, run.result, j.output); err != nil {
			return err
		}
		if !bytes.Equal(again.Bytes(), onDisk) {
			f, _ := j.output.format()
			problems = append(problems, firstDifference(m.Output.Path, f, onDisk, again.Bytes()))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("verify %s failed:\n  - %s", path, strings.Join(problems, "\n  - "))
	}
	fmt.Fprintf(e.stderr, "verified: %s reproduces (%d rows, sha256 %.12s…)\n", m.Output.Path, m.Output.Rows, m.Output.SHA256)
	return nil
}

// firstDifference names the first row and column where two encodings of a
// table differ.
func firstDifference(name string, f table.Format, old, new []byte) string {
	a, errA := table.Open(bytes.NewReader(old), name, f, table.ReadOptions{})
	b, errB := table.Open(bytes.NewReader(new), "re-run", f, table.ReadOptions{})
	if errA != nil || errB != nil {
		return fmt.Sprintf("output %s differs from the re-run (and cannot be read as a table: %v)", name, errors.Join(errA, errB))
	}
	ca, cb := a.Columns(), b.Columns()
	if strings.Join(ca, ",") != strings.Join(cb, ",") {
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
			return fmt.Sprintf("output %s: row %d cannot be read: %v", name, row, errors.Join(ea, eb))
		}
		for k := range ca {
			if ra.Field(k) != rb.Field(k) {
				return fmt.Sprintf("row %d (customer %s), column %s: %s has %s, the re-run gives %s",
					row, quote.Prefix(ra.Field(0)), quote.Prefix(ca[k]), name, quote.Value(ra.Field(k)), quote.Value(rb.Field(k)))
			}
		}
	}
}
