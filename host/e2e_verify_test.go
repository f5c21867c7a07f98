package main

// End-to-end tests of clv verify against tampered manifests: every field a
// manifest has is edited in turn and verify must fail naming it.

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"
)

// tamper is one edit of a manifest and what verify must say about it.
type tamper struct {
	name  string         // what was done, for the test's messages
	field string         // the JSON path verify must name ("inputs[0].sha256")
	edit  func(root any) // edits the decoded manifest in place
	want  string         // when set, verify's error may say this instead of naming field
}

// step is one step of a JSON path: an object key, or an array index when
// key is "".
type step struct {
	key   string
	index int
}

func pathString(steps []step) string {
	var b strings.Builder
	for _, s := range steps {
		if s.key == "" {
			fmt.Fprintf(&b, "[%d]", s.index)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(s.key)
	}
	return b.String()
}

// at returns a function that applies f to the parent of the value the path
// names, with the last step.
func at(steps []step, f func(parent any, last step)) func(any) {
	return func(root any) {
		v := root
		for _, s := range steps[:len(steps)-1] {
			if s.key == "" {
				v = v.([]any)[s.index]
			} else {
				v = v.(map[string]any)[s.key]
			}
		}
		f(v, steps[len(steps)-1])
	}
}

func set(parent any, s step, x any) {
	if s.key == "" {
		parent.([]any)[s.index] = x
	} else {
		parent.(map[string]any)[s.key] = x
	}
}

// tampersOf lists, from the decoded manifest itself (so a field added
// later is covered without editing this test), one tamper per value:
// strings are changed (a sha256 stays 64 hex digits), numbers changed
// (precision lowered by 2, the rest increased), every field deleted, every
// array emptied and grown, and an unknown field added to every object.
// keep selects the paths to tamper.
func tampersOf(root any, keep func(path string) bool) []tamper {
	var out []tamper
	var walk func(steps []step, v any)
	walk = func(steps []step, v any) {
		p := pathString(steps)
		if len(steps) > 0 && keep(p) {
			switch x := v.(type) {
			case string:
				changed := x + "x"
				if len(x) == 64 && strings.HasSuffix(p, "sha256") {
					changed = strings.Repeat("0", 64)
				}
				out = append(out, tamper{name: "change " + p, field: p, edit: at(steps, func(parent any, s step) { set(parent, s, changed) })})
			case float64:
				changed := x + 1
				if p == "precision" {
					changed = x - 2
				}
				if strings.HasPrefix(p, "models.") {
					changed = x * (1 + 1e-9) // far more than the 1e-12 allowed
				}
				out = append(out, tamper{name: "change " + p, field: p, edit: at(steps, func(parent any, s step) { set(parent, s, changed) })})
			case []any:
				if len(x) > 0 {
					out = append(out, tamper{name: "empty " + p, field: p, edit: at(steps, func(parent any, s step) { set(parent, s, []any{}) })})
				}
				out = append(out, tamper{name: "grow " + p, field: p, edit: at(steps, func(parent any, s step) {
					// A copy of the config's record: a file that exists,
					// with its right hash.
					cfg := root.(map[string]any)["config"].(map[string]any)
					arr := parent.(map[string]any)[s.key].([]any)
					set(parent, s, append(slices.Clone(arr), map[string]any{"name": "extra", "path": cfg["path"], "sha256": cfg["sha256"]}))
				})})
			}
			if last := steps[len(steps)-1]; last.key != "" {
				out = append(out, tamper{name: "delete " + p, field: p, edit: at(steps, func(parent any, s step) { delete(parent.(map[string]any), s.key) })})
			}
		}
		switch x := v.(type) {
		case map[string]any:
			if keep(p) || p == "" {
				// The new field's value is a copy of a sibling's, so in a
				// map (models, a model's parameters) it is a well-formed
				// extra entry that verify must name, and in a struct an
				// unknown field.
				var sibling any
				for _, y := range x {
					sibling = y
					break
				}
				out = append(out, tamper{name: "unknown field in " + p, field: joinPath(p, "unexpected"), want: `unknown field "unexpected"`,
					edit: func(root any) {
						v := root
						for _, s := range steps {
							if s.key == "" {
								v = v.([]any)[s.index]
							} else {
								v = v.(map[string]any)[s.key]
							}
						}
						v.(map[string]any)["unexpected"] = sibling
					}})
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(append(slices.Clone(steps), step{key: k}), x[k])
			}
		case []any:
			for i, e := range x {
				walk(append(slices.Clone(steps), step{index: i}), e)
			}
		}
	}
	walk(nil, root)
	return out
}

// names reports whether verify's error names field: one of its problem
// lines starts with the field's path followed by ':', '.' or '['.
func names(stderr, field string) bool {
	for _, line := range strings.Split(stderr, "\n") {
		rest, ok := strings.CutPrefix(strings.TrimSpace(line), "- "+field)
		if ok && rest != "" && strings.ContainsRune(":.[", rune(rest[0])) {
			return true
		}
	}
	return false
}

// runTampers applies each tamper to a fresh copy of the manifest at man,
// runs clv verify on the result (written beside it, so relative paths still
// hold) and requires exit code 1 naming the field. It returns the JSON
// paths it tampered.
func runTampers(t *testing.T, man string, keep func(string) bool) []string {
	t.Helper()
	orig := readFile(t, man)
	var root any
	if err := json.Unmarshal(orig, &root); err != nil {
		t.Fatal(err)
	}
	edited := filepath.Join(filepath.Dir(man), "tampered.manifest.json")
	var done []string
	for _, tt := range tampersOf(root, keep) {
		var m any
		if err := json.Unmarshal(orig, &m); err != nil {
			t.Fatal(err)
		}
		tt.edit(m)
		b, err := json.MarshalIndent(m, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, edited, string(b))
		r := clv(t, "verify", edited)
		switch {
		case r.code != 1:
			t.Errorf("%s: verify exit code %d, want 1\nmanifest:\n%s\nstderr:\n%s", tt.name, r.code, b, r.stderr)
		case strings.Contains(r.stderr, "goroutine "):
			t.Errorf("%s: verify printed a stack trace:\n%s", tt.name, r.stderr)
		case names(r.stderr, tt.field):
		case tt.want != "" && strings.Contains(r.stderr, tt.want):
		case strings.HasPrefix(tt.field, "inputs") && strings.Contains(r.stderr, "inputs is empty"):
		default:
			t.Errorf("%s: verify's error does not name %s:\n%s", tt.name, tt.field, r.stderr)
		}
		done = append(done, tt.field)
	}
	return done
}

// jsonFieldNames lists the JSON names of every field of the manifest type
// and the types inside it, by reflection.
func jsonFieldNames(t reflect.Type, into map[string]bool) {
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			into[name] = true
			jsonFieldNames(f.Type, into)
		}
	case reflect.Slice, reflect.Map, reflect.Pointer:
		jsonFieldNames(t.Elem(), into)
	}
}

// TestVerifyTamperEveryField scores the demo and the plugin example, then
// edits every field of their manifests in turn: verify must fail naming the
// field. The plugin run covers the plugin records (the demo has none), a
// run with purchase = "auto" the model choice; a
// check by reflection makes sure every field of the manifest type was
// tampered with in one of the two.
func TestVerifyTamperEveryField(t *testing.T) {
	tmp := t.TempDir()
	cfg := copyCDNOW(t, tmp)
	out := filepath.Join(tmp, "scores.csv")
	clv(t, "score", "--config", cfg, "--out", out, "--quiet").mustOK(t, "score")
	clv(t, "verify", out+".manifest.json").mustOK(t, "verify the untouched manifest")
	done := runTampers(t, out+".manifest.json", func(string) bool { return true })

	examplePlugins(t)
	pdir := t.TempDir()
	pout := filepath.Join(pdir, "scores.csv")
	clv(t, "score", "--config", "examples/plugins/clv.toml", "--out", pout, "--quiet").mustOK(t, "score with plugins")
	clv(t, "verify", pout+".manifest.json").mustOK(t, "verify the untouched plugin manifest")
	done = append(done, runTampers(t, pout+".manifest.json", func(p string) bool { return strings.HasPrefix(p, "plugins") })...)
	// purchase = "auto" records model_choice.
	adir := t.TempDir()
	aout := filepath.Join(adir, "auto.csv")
	clv(t, "score", "--config", copyCDNOWHoldout(t, adir), "--out", aout, "--quiet").mustOK(t, "score with purchase = auto")
	done = append(done, runTampers(t, aout+".manifest.json", func(p string) bool { return strings.HasPrefix(p, "model_choice") })...)

	// A run with frozen model files covers model_files. Its entries are
	// tampered one field at a time; the list itself is not emptied or
	// deleted: a manifest without model files describes a run that fits
	// its models, and refitting the same data reproduces the same bytes.
	fdir := t.TempDir()
	fcfg := copyCDNOW(t, fdir)
	fp, fg := filepath.Join(fdir, "p.json"), filepath.Join(fdir, "g.json")
	clv(t, "fit", "--config", fcfg, "--out", fp, "--spend-out", fg).mustOK(t, "fit --out")
	fout := filepath.Join(fdir, "scores.csv")
	clv(t, "score", "--config", fcfg, "--out", fout, "--model-file", fp, "--spend-model-file", fg, "--quiet").mustOK(t, "score with model files")
	done = append(done, runTampers(t, fout+".manifest.json", func(p string) bool { return strings.HasPrefix(p, "model_files[") })...)

	tampered := map[string]bool{}
	for _, p := range done {
		for _, part := range strings.FieldsFunc(p, func(r rune) bool { return r == '.' || r == '[' || r == ']' }) {
			tampered[part] = true
		}
	}
	// A run that read or wrote a PostgreSQL database is refused by verify
	// as a whole (it re-runs files only), so the database records' fields
	// are checked by that refusal instead of one by one.
	dmpath := filepath.Join(tmp, "db.manifest.json")
	var m map[string]any
	if err := json.Unmarshal([]byte(readFile(t, out+".manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"database", "output_table"} {
		dm := maps.Clone(m)
		dm[key] = map[string]any{"host": "db.example", "database": "shop"}
		text, err := json.Marshal(dm)
		if err != nil {
			t.Fatal(err)
		}
		writeFile(t, dmpath, string(text))
		r := clv(t, "verify", dmpath)
		if r.code == 0 || !strings.Contains(r.stderr, "PostgreSQL database") {
			t.Errorf("verify of a manifest with %s: exit %d, want a refusal naming the database:\n%s", key, r.code, r.stderr)
		}
	}
	dbOnly := map[string]bool{"database": true, "output_table": true}
	jsonFieldNames(reflect.TypeOf(databaseRecord{}), dbOnly)
	jsonFieldNames(reflect.TypeOf(tableRecord{}), dbOnly)
	fields := map[string]bool{}
	jsonFieldNames(reflect.TypeOf(manifest{}), fields)
	for f := range fields {
		if dbOnly[f] && !tampered[f] {
			continue
		}
		if !tampered[f] {
			t.Errorf("manifest field %q was never tampered with: give it a value in the demo or plugin run", f)
		}
	}
}

// issueTamperTests are the edits issue 13 reported as passing verify.
var issueTamperTests = []struct {
	name  string
	edit  func(m map[string]any)
	field string
}{
	{"r = 99", func(m map[string]any) { m["models"].(map[string]any)["bgnbd"].(map[string]any)["r"] = 99.0 }, "models.bgnbd.r"},
	{"rows", func(m map[string]any) { m["output"].(map[string]any)["rows"] = 10.0 }, "output.rows"},
	{"format", func(m map[string]any) { m["output"].(map[string]any)["format"] = "jsonl" }, "output.format"},
	{"tiny parameter change", func(m map[string]any) {
		p := m["models"].(map[string]any)["gammagamma"].(map[string]any)
		p["q"] = p["q"].(float64) * (1 + 1e-10)
	}, "models.gammagamma.q"},
}

func TestVerifyIssueTampers(t *testing.T) {
	tmp := t.TempDir()
	cfg := copyCDNOW(t, tmp)
	out := filepath.Join(tmp, "scores.csv")
	clv(t, "score", "--config", cfg, "--out", out, "--quiet").mustOK(t, "score")
	orig := readFile(t, out+".manifest.json")
	for _, tt := range issueTamperTests {
		var m map[string]any
		if err := json.Unmarshal(orig, &m); err != nil {
			t.Fatal(err)
		}
		tt.edit(m)
		b, _ := json.Marshal(m)
		man := filepath.Join(tmp, "edited.json")
		writeFile(t, man, string(b))
		r := clv(t, "verify", man)
		if r.code != 1 || !names(r.stderr, tt.field) {
			t.Errorf("%s: exit %d, want 1 naming %s:\n%s", tt.name, r.code, tt.field, r.stderr)
		}
	}
	// A parameter within 1e-12 relative passes: the last bits of a fit may
	// differ between CPUs.
	var m map[string]any
	if err := json.Unmarshal(orig, &m); err != nil {
		t.Fatal(err)
	}
	p := m["models"].(map[string]any)["bgnbd"].(map[string]any)
	p["r"] = p["r"].(float64) * (1 + 1e-14)
	b, _ := json.Marshal(m)
	writeFile(t, filepath.Join(tmp, "close.json"), string(b))
	clv(t, "verify", filepath.Join(tmp, "close.json")).mustOK(t, "verify with r changed by 1e-14 relative")
}

// TestVerifyPaths: relative paths out of the manifest's folder are fine
// (make demo writes ../examples/cdnow/clv.toml); absolute ones are refused
// unless --allow-outside.
func TestVerifyPaths(t *testing.T) {
	tmp := t.TempDir()
	demo := filepath.Join(tmp, "examples", "cdnow")
	if err := os.MkdirAll(demo, 0o755); err != nil {
		t.Fatal(err)
	}
	copyCDNOW(t, demo)
	out := filepath.Join(tmp, "bin", "demo-scores.csv")
	if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	invocation{args: []string{"score", "--config", "examples/cdnow/clv.toml", "--out", "bin/demo-scores.csv", "--quiet"}, dir: tmp}.exec(t).mustOK(t, "score as make demo does")
	man := out + ".manifest.json"
	if text := string(readFile(t, man)); !strings.Contains(text, `"path": "../examples/cdnow/clv.toml"`) {
		t.Fatalf("the manifest does not record the config as ../examples/cdnow/clv.toml:\n%s", text)
	}
	clv(t, "verify", man).mustOK(t, "verify a manifest with ../ paths")

	var m map[string]any
	if err := json.Unmarshal(readFile(t, man), &m); err != nil {
		t.Fatal(err)
	}
	m["config"].(map[string]any)["path"] = filepath.Join(demo, "clv.toml")
	m["inputs"].([]any)[0].(map[string]any)["path"] = filepath.Join(demo, "transactions.csv")
	m["output"].(map[string]any)["path"] = out
	b, _ := json.MarshalIndent(m, "", "  ")
	abs := filepath.Join(tmp, "bin", "absolute.manifest.json")
	writeFile(t, abs, string(b))
	r := clv(t, "verify", abs)
	if r.code != 1 {
		t.Fatalf("verify of absolute paths: exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, f := range []string{"config.path", "inputs[0].path", "output.path"} {
		if !names(r.stderr, f) {
			t.Errorf("verify of absolute paths does not name %s:\n%s", f, r.stderr)
		}
	}
	if !strings.Contains(r.stderr, "--allow-outside") {
		t.Errorf("verify of absolute paths does not say how to allow them:\n%s", r.stderr)
	}
	r = clv(t, "verify", "--allow-outside", abs).mustOK(t, "verify --allow-outside of absolute paths")
	if !strings.Contains(r.stderr, "verified") {
		t.Errorf("verify --allow-outside: %q, want verified", r.stderr)
	}
}

// editCell changes the clv of row 3 (customer 0003) of a scores CSV to
// 999.000000 and returns the original text of that row.
func editCell(t *testing.T, path string) string {
	t.Helper()
	lines := strings.Split(string(readFile(t, path)), "\n")
	header := strings.Split(lines[0], ",")
	row := lines[3]
	fields := strings.Split(row, ",")
	fields[slices.Index(header, "clv")] = "999.000000"
	lines[3] = strings.Join(fields, ",")
	writeFile(t, path, strings.Join(lines, "\n"))
	return row
}

// TestVerifyHidesRowsOutsideFolder: when the output lies outside the
// manifest's folder (by a ../ path, or a symbolic link), a difference is
// located by row and column without printing the file's values.
func TestVerifyHidesRowsOutsideFolder(t *testing.T) {
	t.Run("../ path", func(t *testing.T) {
		tmp := t.TempDir()
		cfg := copyCDNOW(t, tmp)
		writeFile(t, cfg, strings.Replace(string(readFile(t, cfg)), "precision = 6", "precision = 6\nmanifest = \"manifests/scores.manifest.json\"", 1))
		if err := os.Mkdir(filepath.Join(tmp, "manifests"), 0o755); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(tmp, "out", "scores.csv")
		if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		clv(t, "score", "--config", cfg, "--out", out, "--quiet").mustOK(t, "score")
		man := filepath.Join(tmp, "manifests", "scores.manifest.json")
		if !strings.Contains(string(readFile(t, man)), `"../out/scores.csv"`) {
			t.Fatalf("manifest does not record ../out/scores.csv:\n%s", readFile(t, man))
		}
		checkHidden(t, man, out)
	})
	t.Run("symbolic link", func(t *testing.T) {
		tmp, elsewhere := t.TempDir(), t.TempDir()
		cfg := copyCDNOW(t, tmp)
		out := filepath.Join(tmp, "scores.csv")
		clv(t, "score", "--config", cfg, "--out", out, "--quiet").mustOK(t, "score")
		target := filepath.Join(elsewhere, "scores.csv")
		if err := os.Rename(out, target); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, out); err != nil {
			t.Fatal(err)
		}
		clv(t, "verify", out+".manifest.json").mustOK(t, "verify through the link")
		checkHidden(t, out+".manifest.json", target)
	})
}

// checkHidden edits a cell of out and requires verify to fail locating it
// without printing the row.
func checkHidden(t *testing.T, man, out string) {
	t.Helper()
	row := editCell(t, out)
	r := clv(t, "verify", man)
	if r.code != 1 {
		t.Fatalf("verify after editing the output: exit %d, want 1\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"row 3", "column clv", "outside the manifest's folder"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	fields := strings.Split(row, ",")
	for _, leak := range []string{"999.000000", fields[0], fields[len(fields)-1]} {
		if strings.Contains(r.stderr, leak) {
			t.Errorf("stderr shows %q from a row of a file outside the manifest's folder:\n%s", leak, r.stderr)
		}
	}
}

// TestVerifyManifestSyntax: trailing data after the manifest is an error.
func TestVerifyManifestSyntax(t *testing.T) {
	tmp := t.TempDir()
	cfg := copyCDNOW(t, tmp)
	out := filepath.Join(tmp, "scores.csv")
	clv(t, "score", "--config", cfg, "--out", out, "--quiet").mustOK(t, "score")
	man := out + ".manifest.json"
	writeFile(t, man, string(readFile(t, man))+`{"clvkit_version": "x"}`)
	r := clv(t, "verify", man)
	if r.code != 1 || !strings.Contains(r.stderr, "unexpected data after") {
		t.Errorf("verify of a manifest with trailing data: exit %d\n%s", r.code, r.stderr)
	}
}

// TestVerifyObservationEndFlag: a run whose observation end came from
// --observation-end (the score --help example) verifies, because the
// manifest records the date used; an edited date fails.
func TestVerifyObservationEndFlag(t *testing.T) {
	dir := t.TempDir()
	cfg := copyCDNOW(t, dir)
	out := filepath.Join(dir, "scores.csv")
	clv(t, "score", "--config", cfg, "--out", out, "--observation-end", "1997-08-31", "--quiet").mustOK(t, "score --observation-end")
	man := out + ".manifest.json"
	if !strings.Contains(string(readFile(t, man)), `"observation_end": "1997-08-31"`) {
		t.Fatalf("the manifest does not record the observation end used:\n%s", readFile(t, man))
	}
	clv(t, "verify", man).mustOK(t, "verify a run with --observation-end")
	writeFile(t, man, strings.Replace(string(readFile(t, man)), `"observation_end": "1997-08-31"`, `"observation_end": "1997-09-30"`, 1))
	if r := clv(t, "verify", man); r.code != 1 {
		t.Errorf("verify with an edited observation_end: exit %d, want 1\n%s", r.code, r.stderr)
	}
}
