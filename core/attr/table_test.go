package attr

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

var tableOpt = TableOptions{Name: "customers.csv", ID: "customer_id", Columns: []string{"channel", "country"}}

func TestReadTableJoin(t *testing.T) {
	text := "\uFEFFcustomer_id,signup,channel,country\n" +
		"7,2024-01-01,email,UK\n" +
		"3,2024-01-02, ads ,FR\n" +
		"\n" +
		"9,2024-01-03,,DE\n" +
		"42,2024-01-04,email,DE\n"
	tab, err := ReadTable(strings.NewReader(text), tableOpt)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Len() != 4 {
		t.Fatalf("rows = %d, want 4", tab.Len())
	}
	// Customers 3, 7, 9 and 11: 11 is not in the table (unknown), 42 never
	// bought; 9's channel is blank (unknown).
	s := tab.Join([]string{"3", "7", "9", "11"})
	ch, _ := s.Column("channel")
	co, _ := s.Column("country")
	if want := []string{"ads", "email", "unknown", "unknown"}; !reflect.DeepEqual(ch, want) {
		t.Errorf("channel = %q, want %q", ch, want)
	}
	if want := []string{"FR", "UK", "DE", "unknown"}; !reflect.DeepEqual(co, want) {
		t.Errorf("country = %q, want %q", co, want)
	}
	r := s.Report
	if r.Missing != 1 || r.NotCustomers != 1 || !reflect.DeepEqual(r.Blank, []int{1, 0}) || r.TableRows != 4 || r.Customers != 4 {
		t.Errorf("report = %+v", r)
	}
	if want := []string{"ads", "email", "unknown"}; !reflect.DeepEqual(s.Levels[0], want) {
		t.Errorf("levels = %q, want %q", s.Levels[0], want)
	}
	n, _ := s.Counts("channel")
	if want := []int{1, 1, 2}; !reflect.DeepEqual(n, want) {
		t.Errorf("counts = %v, want %v", n, want)
	}
	p := s.Permute([]int32{3, 0})
	if got := []string{p.Value(0, 0), p.Value(0, 1)}; !reflect.DeepEqual(got, []string{"unknown", "ads"}) {
		t.Errorf("permuted = %q", got)
	}
	lines := strings.Join(r.Lines(s.Names), "\n")
	for _, want := range []string{"customers.csv (4 rows)", `1 customer not in customers.csv (level "unknown")`, "1 id of customers.csv never bought", `channel is blank for 1 customer`} {
		if !strings.Contains(lines, want) {
			t.Errorf("report lines %q lack %q", lines, want)
		}
	}
}

var tableErrorTests = []struct {
	name, text string
	line       int
	column, id string
	msg        string
}{
	{"duplicate id", "customer_id,channel,country\n1,a,UK\n2,b,UK\n1,c,FR\n", 4, "customer_id", "1", "given twice, also on line 2"},
	{"empty id", "customer_id,channel,country\n,a,UK\n", 2, "customer_id", "", "empty customer id"},
	{"short row", "customer_id,channel,country\n5,a\n", 2, "country", "5", "the row has 2 fields"},
	{"missing column", "customer_id,channel\n5,a\n", 1, "country", "", `not in the header`},
	{"missing id column", "id,channel,country\n5,a,b\n", 1, "customer_id", "", `not in the header`},
	{"twice in header", "customer_id,channel,country,channel\n5,a,b,c\n", 1, "channel", "", "appears twice"},
	{"bad utf-8", "customer_id,channel,country\n5,\xff,b\n", 2, "channel", "5", "not valid UTF-8"},
	{"bad quote", "customer_id,channel,country\n5,\"a,b\n", 2, "", "", "quote"},
	{"empty", "", 0, "", "", "empty"},
}

func TestReadTableErrors(t *testing.T) {
	for _, tt := range tableErrorTests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadTable(strings.NewReader(tt.text), tableOpt)
			var te *TableError
			if !errors.As(err, &te) {
				t.Fatalf("err = %v, want a *TableError", err)
			}
			if te.Line != tt.line || te.Column != tt.column || te.Customer != tt.id || !strings.Contains(err.Error(), tt.msg) || te.Name != "customers.csv" {
				t.Errorf("err = %v (line %d, column %q, id %q), want line %d, column %q, id %q, %q", err, te.Line, te.Column, te.Customer, tt.line, tt.column, tt.id, tt.msg)
			}
		})
	}
}

func TestLevelsUnknown(t *testing.T) {
	var l Levels
	codes := []int32{l.Code("b"), l.Code(" "), l.Code("a"), l.Code("b ")}
	levels := l.Finish(codes)
	if !reflect.DeepEqual(levels, []string{"a", "b", "unknown"}) || !reflect.DeepEqual(codes, []int32{1, 2, 0, 1}) {
		t.Errorf("levels %q codes %v", levels, codes)
	}
}
