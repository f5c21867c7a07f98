package web

import (
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// pluginsExpected builds the example plugins (contribution, valuematrix) and
// the test plugin web/testdata/stuck (it hangs, panics or answers NaN on
// request) as WASI reactors, scores CDNOW with
// `clv score --config examples/plugins/clv.toml` (its paths pointed into
// tmp) and returns what the page must show after loading the same files:
// contribution_clv for a few customers and the count of each segment.
func pluginsExpected(t *testing.T, root, tmp, clv string) map[string]any {
	t.Helper()
	dir := filepath.Join(tmp, "plugins")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	build := func(name, pkg string) string {
		out := filepath.Join(dir, name+".wasm")
		cmd := exec.Command("go", "build", "-trimpath", "-buildmode=c-shared", "-o", out, pkg)
		cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
		cmd.Env = append(os.Environ(), "GOOS=wasip1", "GOARCH=wasm")
		if err := cmd.Run(); err != nil {
			t.Fatalf("building plugin %s: %v", name, err)
		}
		return out
	}
	contribution := build("contribution", "./examples/plugins/contribution/cmd/wasm")
	valuematrix := build("valuematrix", "./examples/plugins/valuematrix/cmd/wasm")
	stuck := build("stuck", "./web/testdata/stuck")

	src, err := os.ReadFile(filepath.Join(root, "examples", "plugins", "clv.toml"))
	if err != nil {
		t.Fatal(err)
	}
	scores := filepath.Join(tmp, "plugin-scores.csv")
	cfg := strings.NewReplacer(
		`"../cdnow/transactions.csv"`, strconv.Quote(filepath.Join(root, "examples", "cdnow", "transactions.csv")),
		`"../../bin/plugins/`, `"`+dir+"/",
		`"../../bin/plugin-scores.csv"`, strconv.Quote(scores),
	).Replace(string(src))
	cfgPath := filepath.Join(tmp, "plugins.toml")
	writeFile(t, cfgPath, cfg)
	cmd := exec.Command(clv, "score", "--config", cfgPath, "--quiet")
	cmd.Dir, cmd.Stdout, cmd.Stderr = root, os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("clv score --config examples/plugins/clv.toml: %v", err)
	}

	f, err := os.Open(scores)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for _, h := range []string{"customer_id", "contribution_clv", "predicted_revenue", "segment"} {
		if _, ok := col[h]; !ok {
			t.Fatalf("%s has no column %s: %v", scores, h, rows[0])
		}
	}
	rows = rows[1:]
	counts := map[string]int{}
	type cust struct {
		id       string
		clv, rev float64
	}
	var cs []cust
	for _, r := range rows {
		counts[r[col["segment"]]]++
		c, err1 := strconv.ParseFloat(r[col["contribution_clv"]], 64)
		v, err2 := strconv.ParseFloat(r[col["predicted_revenue"]], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("customer %s: contribution_clv %q, predicted_revenue %q", r[0], r[col["contribution_clv"]], r[col["predicted_revenue"]])
		}
		cs = append(cs, cust{r[col["customer_id"]], c, v})
	}
	// A few customers: the first, one from the middle, the last (in the
	// file's order) and the three with the largest contribution.
	pick := []cust{cs[0], cs[len(cs)/2], cs[len(cs)-1]}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].clv > cs[j].clv })
	pick = append(pick, cs[:3]...)
	clvs, revs := map[string]float64{}, map[string]float64{}
	for _, c := range pick {
		clvs[c.id], revs[c.id] = c.clv, c.rev
	}
	return map[string]any{
		"contribution": contribution, "valuematrix": valuematrix, "stuck": stuck,
		"scoresCsv": scores, "contributionClv": clvs, "predictedRevenue": revs, "segments": counts,
		"customers": len(rows),
	}
}
