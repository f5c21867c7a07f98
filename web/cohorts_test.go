package web

import (
	"os/exec"
	"path/filepath"
	"testing"
)

// cohortsExpected runs clv cohorts on the CDNOW config of TestBrowser,
// monthly, quarterly with a 10 % discount and monthly to 1997-09-15 (an
// incomplete last month), for web/e2e/cohorts.mjs to
// compare the page's cohort view with: the CSV files' paths.
func cohortsExpected(t *testing.T, clv, cfg, cdnow, dir string) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, c := range []struct {
		key  string
		args []string
	}{
		{"month", nil},
		{"quarter", []string{"--period", "quarter", "--discount", "0.1"}},
		// Observation end mid-September: each cohort's last month is
		// incomplete.
		{"partial", []string{"--observation-end", "1997-09-15"}},
	} {
		path := filepath.Join(dir, "cohorts-"+c.key+".csv")
		args := append([]string{"cohorts", "--config", cfg, "--quiet", "--out", path}, c.args...)
		if b, err := exec.Command(clv, args...).CombinedOutput(); err != nil {
			t.Fatalf("clv %v: %v\n%s", args, err, b)
		}
		out[c.key] = path
	}
	out["cdnowPath"] = cdnow
	return out
}
