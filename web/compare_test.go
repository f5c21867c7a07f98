package web

import (
	"encoding/json"
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
)

// compareExpected runs clv compare --json on CDNOW split 39/39 weeks
// (calibration to 1997-09-30, observation to 1998-06-30) with the page's
// settings for the upload (the guessed columns, week unit, day grain,
// BG/NBD with Gamma-Gamma): web/e2e/compare.mjs checks the page's holdout
// test against it.
func compareExpected(t *testing.T, root, tmp, clv string) map[string]any {
	t.Helper()
	cdnow := filepath.Join(root, "examples", "cdnow", "transactions.csv")
	cfg := filepath.Join(tmp, "clv-holdout.toml")
	writeFile(t, cfg, fmt.Sprintf(`[input]
path = %q
date_format = "YYYY-MM-DD"
[input.columns]
customer = "customer_id"
date = "date"
amount = "amount"
[time]
grain = "day"
unit = "week"
calibration_end = "1997-09-30"
observation_end = "1998-06-30"
[model]
spend = "gammagamma"
`, cdnow))
	out, err := exec.Command(clv, "compare", "--config", cfg, "--json").Output()
	if err != nil {
		t.Fatalf("clv compare --json: %v", err)
	}
	var j map[string]any
	if err := json.Unmarshal(out, &j); err != nil {
		t.Fatal(err)
	}
	return map[string]any{"path": cdnow, "calibrationEnd": "1997-09-30", "observationEnd": "1998-06-30", "json": j}
}
