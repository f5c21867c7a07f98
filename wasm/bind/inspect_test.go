package bind

import (
	"context"
	"strings"
	"testing"
)

// A PNG's first bytes: signature, then the IHDR chunk of a 1×1 image.
const pngHead = "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"

// badDateLog has a bad date on line 5 (row 4) and a quoted two-line
// note on lines 6-7, so line numbers are file lines, not row counts.
const badDateLog = "customer_id,date,amount,note\n" +
	"1,2024-01-02,10,\n2,2024-01-03,12,\n3,2024-01-05,9,\n4,2024-02-3O,7,\n" +
	"5,2024-02-04,8,\"two\nlines\"\n1,2024-02-05,11,\n2,not a date,5,\n"

func TestInspectProblems(t *testing.T) {
	for _, tt := range []struct {
		name, data, want string
	}{
		{"empty", "", "The file is empty."},
		{"blank lines", " \n\r\n\n", "The file is empty."},
		{"PNG", pngHead + strings.Repeat("\x00\x12\x80", 300), "it looks like a PNG image"},
		{"xlsx", "PK\x03\x04\x14\x00\x06\x00", "Excel workbook (.xlsx)"},
		{"UTF-16", "\xff\xfec\x00u\x00s\x00", "UTF-16"},
		{"NUL bytes", "customer,date\x00,amount\n1,2,3\n", "NUL bytes"},
		{"control characters", strings.Repeat("\x01\x02\x03ab", 100), "control characters"},
		{"header only", "customer_id,date,amount\n", "a header line but no rows"},
		{"a CSV", "customer_id,date,amount\n1,2024-01-02,10\n", ""},
	} {
		ins := Inspect([]byte(tt.data))
		if tt.want == "" && ins.Problem != "" || !strings.Contains(ins.Problem, tt.want) {
			t.Errorf("%s: problem %q, want %q", tt.name, ins.Problem, tt.want)
		}
		if tt.want != "" && ins.Columns != nil {
			t.Errorf("%s: columns %q for a file with a problem", tt.name, ins.Columns)
		}
		if _, err := EncodeJSON(ins); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

// TestInspectBadDates: a date column with bad values is still found
// (before, one bad value left the date column undetected and the page
// then said "observation end is required"); the first bad value's line is
// given, scoring without skipping fails on that line, and skipBadRows
// skips the bad rows and reports them, as clv score's skip_bad_rows.
func TestInspectBadDates(t *testing.T) {
	var s Session
	ins := s.Load([]byte(badDateLog))
	want := BadDates{Column: "date", Format: "YYYY-MM-DD", Rows: 2, Line: 5, Value: "2024-02-3O"}
	if ins.Problem != "" || ins.Guess.Date != "date" || ins.DateFormat != "YYYY-MM-DD" || ins.BadDates == nil || *ins.BadDates != want {
		t.Fatalf("inspection %+v, bad dates %+v, want %+v", ins, ins.BadDates, want)
	}
	if r := s.Dates(ins.Guess, ins.DateFormat); r.Last != "2024-02-05" || r.Bad != 2 || r.FirstBadLine != 5 || r.FirstBad != "2024-02-3O" {
		t.Errorf("dates %+v", r)
	}
	st := NewSettings(ins, "2024-02-05")
	if _, err := s.Score(context.Background(), st, nil); err == nil || !strings.HasPrefix(err.Error(), `line 5 (customer "4"): field "date"`) {
		t.Errorf("score without skipping: %v, want the error of line 5", err)
	}
	st.Input.SkipBadRows = true
	res, err := s.Score(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Report.Skipped["bad date"] != 2 || len(res.Report.SkippedLines) != 2 || res.Report.SkippedLines[0] != 5 || res.Report.SkippedLines[1] != 9 || res.Customers != 4 {
		t.Errorf("report %+v, %d customers; want 2 bad dates skipped on lines 5 and 9, 4 customers (customer 4 had only the bad row)", res.Report, res.Customers)
	}
}

func TestInspectNoDates(t *testing.T) {
	ins := Inspect([]byte("customer,city\na,Paris\nb,Rome\n"))
	if ins.Problem != "" || !ins.NoDates || ins.Guess.Date != "" || ins.BadDates != nil {
		t.Errorf("inspection %+v, want no date column and NoDates", ins)
	}
	ins = Inspect([]byte(badDateLog))
	if ins.NoDates {
		t.Errorf("NoDates set for a file with a date column")
	}
}
