package bind

import (
	"context"
	"math"
	"os"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/score"
	"github.com/clvkit/clvkit/internal/textenc"
)

// guardResult is a scored table whose ids and labels start with each
// character a spreadsheet runs as a formula, with negative numbers.
func guardResult() *score.Result {
	return &score.Result{
		IDs: []string{"=1+1", "-2", "@3", "\t4", "\r5", "c6"},
		Columns: []score.Column{
			{Name: "clv", Floats: []float64{-1.5, -0.0000001, 2, math.NaN(), 0, -3}},
			{Name: "r", Floats: []float64{-1, 2, 3, 4, 5, 1}, Integer: true},
			{Name: "segment", Labels: []string{`=HYPERLINK("http://x","y")`, "+1", "-1", "@SUM(A1)", "\tTab", "\rCR"}},
			{Name: "tier", Labels: []string{"Top 1%", "Top 1%", "-Top", "-Top", "=x", "=x"}},
		},
	}
}

// encodeCSVTests: the page's CSV of guardResult under each guard, written
// out by hand: a guarded cell is ' + the text, quoted when the text has a
// comma, quote, CR or LF (as encoding/csv quotes "'"+text).
var encodeCSVTests = []struct {
	guard textenc.Guard
	want  string
}{
	{textenc.GuardLabels, "customer_id,clv,r,segment,tier\n" +
		"=1+1,-1.50,-1,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",Top 1%\n" +
		"-2,0.00,2,'+1,Top 1%\n" +
		"@3,2.00,3,'-1,'-Top\n" +
		"\"\t4\",,4,'@SUM(A1),'-Top\n" +
		"\"\r5\",0.00,5,'\tTab,'=x\n" +
		"c6,-3.00,1,\"'\rCR\",'=x\n"},
	{textenc.GuardAllText, "customer_id,clv,r,segment,tier\n" +
		"'=1+1,-1.50,-1,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",Top 1%\n" +
		"'-2,0.00,2,'+1,Top 1%\n" +
		"'@3,2.00,3,'-1,'-Top\n" +
		"'\t4,,4,'@SUM(A1),'-Top\n" +
		"\"'\r5\",0.00,5,'\tTab,'=x\n" +
		"c6,-3.00,1,\"'\rCR\",'=x\n"},
	{textenc.GuardOff, "customer_id,clv,r,segment,tier\n" +
		"=1+1,-1.50,-1,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",Top 1%\n" +
		"-2,0.00,2,+1,Top 1%\n" +
		"@3,2.00,3,-1,-Top\n" +
		"\"\t4\",,4,@SUM(A1),-Top\n" +
		"\"\r5\",0.00,5,\"\tTab\",=x\n" +
		"c6,-3.00,1,\"\rCR\",=x\n"},
}

func TestEncodeCSVGuard(t *testing.T) {
	for _, tc := range encodeCSVTests {
		if got := string(EncodeCSV(guardResult(), 2, tc.guard)); got != tc.want {
			t.Errorf("guard %v:\n got %q\nwant %q", tc.guard, got, tc.want)
		}
	}
}

// TestScoreCSVFormulaGuard scores CDNOW with two customers renamed "=1+1"
// and "-2" under the page's csvFormulaGuard setting: its default is
// "labels" (as clv.toml's), which keeps ids; "all_text" guards them; the
// plugin labels the page appends are guarded by the same setting; a wrong
// value is an error.
func TestScoreCSVFormulaGuard(t *testing.T) {
	data, err := os.ReadFile("../../examples/cdnow/transactions.csv")
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(data), "\n0001,", "\n=1+1,")
	text = strings.ReplaceAll(text, "\n0002,", "\n-2,")
	var s Session
	ins := s.Load([]byte(text))
	settings := settingsFor(ins, "1997-09-30", 0.3)

	plugin := []string{"=a", "+b", "-c", "@d", "\te", "\rf", "ok", "a,b", "-1"}
	tests := []struct {
		setting, echo string
		ids           []string // the renamed customers' id fields
		labels        []string // CSVLabels(plugin)
	}{
		{"", "labels", []string{"-2", "=1+1"}, []string{"'=a", "'+b", "'-c", "'@d", "'\te", "\"'\rf\"", "ok", `"a,b"`, "'-1"}},
		{"labels", "labels", []string{"-2", "=1+1"}, []string{"'=a", "'+b", "'-c", "'@d", "'\te", "\"'\rf\"", "ok", `"a,b"`, "'-1"}},
		{"all_text", "all_text", []string{"'-2", "'=1+1"}, []string{"'=a", "'+b", "'-c", "'@d", "'\te", "\"'\rf\"", "ok", `"a,b"`, "'-1"}},
		{"off", "off", []string{"-2", "=1+1"}, []string{"=a", "+b", "-c", "@d", "\"\te\"", "\"\rf\"", "ok", `"a,b"`, "-1"}},
	}
	var offRows []string
	for _, tc := range tests {
		st := settings
		if tc.setting != "" { // "": left out, the default
			st.CSVFormulaGuard = tc.setting
		}
		res, err := s.Score(context.Background(), st, nil)
		if err != nil {
			t.Fatalf("%q: %v", tc.setting, err)
		}
		if res.Settings.CSVFormulaGuard != tc.echo {
			t.Errorf("%q: settings echo csvFormulaGuard %q, want %q", tc.setting, res.Settings.CSVFormulaGuard, tc.echo)
		}
		lines := strings.Split(string(s.CSV(6)), "\n")
		for _, want := range tc.ids {
			n := 0
			for _, l := range lines {
				if strings.HasPrefix(l, want+",") {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%q: %d rows start with the id field %q, want 1", tc.setting, n, want)
			}
		}
		// Only the id field changes: numbers and CDNOW's labels (none
		// formula-like) are the same in every mode.
		rows := make([]string, len(lines))
		for i, l := range lines {
			_, rows[i], _ = strings.Cut(l, ",")
		}
		if offRows == nil {
			offRows = rows
		} else if strings.Join(rows, "\n") != strings.Join(offRows, "\n") {
			t.Errorf("%q: fields other than the id differ between guards", tc.setting)
		}
		if got := s.CSVLabels(plugin); strings.Join(got, "|") != strings.Join(tc.labels, "|") {
			t.Errorf("%q: CSVLabels = %q, want %q", tc.setting, got, tc.labels)
		}
	}

	st := settings
	st.CSVFormulaGuard = "none"
	if _, err := s.Score(context.Background(), st, nil); err == nil || err.Error() != `csvFormulaGuard: "none" is not one of labels, all_text, off` {
		t.Errorf("csvFormulaGuard none: error %v", err)
	}
}
