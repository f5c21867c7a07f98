package detect

import (
	"strings"
	"testing"
)

func TestMostlyDates(t *testing.T) {
	for _, tt := range []struct {
		name, data     string
		column, format string
		ok             bool
	}{
		{"bad date on line 5", "customer_id,date,amount\n1,2024-01-02,10\n2,2024-01-03,12\n3,2024-01-05,9\n4,2024-02-3O,7\n5,2024-02-04,8\n",
			"date", "YYYY-MM-DD", true},
		{"US dates with one text value", "client,order date,total\na,1/2/2024,5.00\nb,1/13/2024,6.00\nc,n/a,7.00\nd,2/1/2024,1.00\n",
			"order date", "M/D/YYYY", true},
		{"a date-named column of text", "customer,date,amount\na,soon,1.00\nb,later,2.00\n", "", "", false},
		{"no header: nine in ten needed", "a,2024-01-02,1.00\nb,2024-01-03,2.00\nc,x,3.00\n", "", "", false},
		{"no header, one bad in ten", "a,2024-01-02,1.00\nb,2024-01-03,2.00\nc,2024-01-04,3.00\nd,2024-01-05,3.00\ne,2024-01-06,3.00\n" +
			"f,2024-01-07,1.00\ng,2024-01-08,2.00\nh,2024-01-09,3.00\ni,2024-01-10,3.00\nj,2024-01-11,3.00\nk,2024-01-1x,3.00\n", "2", "YYYY-MM-DD", true},
	} {
		tab, err := ReadSample(strings.NewReader(tt.data), Options{})
		if err != nil {
			t.Fatal(err)
		}
		col, f, share, ok := tab.MostlyDates()
		if col != tt.column || f != tt.format || ok != tt.ok || ok && !(share > 0.5 && share < 1) {
			t.Errorf("%s: %q %q %v %v, want %q %q %v", tt.name, col, f, share, ok, tt.column, tt.format, tt.ok)
		}
	}
}

func TestEachRecordLine(t *testing.T) {
	data := "\ufeffid,date\n1,2024-01-01\n\n2,\"a\nb\"\n3,2024-01-03\n"
	var got []string
	err := EachRecordLine(strings.NewReader(data), ",", true, func(rec []string, line int) {
		got = append(got, strings.Join(rec, "|")+"@"+string(rune('0'+line)))
	}, nil)
	if want := "1|2024-01-01@2 2|a\nb@4 3|2024-01-03@6"; err != nil || strings.Join(got, " ") != want {
		t.Errorf("%q (%v), want %q", strings.Join(got, " "), err, want)
	}
	got = nil
	_ = EachRecordLine(strings.NewReader("a b\n\n c  d\n"), "whitespace", false, func(rec []string, line int) {
		got = append(got, strings.Join(rec, "|")+"@"+string(rune('0'+line)))
	}, nil)
	if want := "a|b@1 c|d@3"; strings.Join(got, " ") != want {
		t.Errorf("whitespace: %q, want %q", strings.Join(got, " "), want)
	}
}
