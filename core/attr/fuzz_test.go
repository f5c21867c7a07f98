package attr

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzReadTable: any input gives a table or a *TableError, never a
// panic; a table's ids are unique and its values valid UTF-8 without
// surrounding blanks, and joining it on its own ids finds every one.
func FuzzReadTable(f *testing.F) {
	f.Add("customer_id,channel,country\n1,a,UK\n2,b,FR\n")
	f.Add("customer_id,channel,country\n1,a,UK\n1,b,FR\n")
	f.Add("\uFEFFcustomer_id;channel;country\n\"1\";\"a;b\";\n")
	f.Add("customer_id,channel\n")
	f.Add("x\n\"")
	f.Fuzz(func(t *testing.T, text string) {
		tab, err := ReadTable(strings.NewReader(text), tableOpt)
		if err != nil {
			var te *TableError
			if !errors.As(err, &te) {
				t.Fatalf("err %v is not a *TableError", err)
			}
			return
		}
		ids := make([]string, 0, tab.Len())
		for id, r := range tab.rows {
			ids = append(ids, id)
			for _, v := range tab.vals[r] {
				if !utf8.ValidString(v) || v != Trim(v) {
					t.Fatalf("value %q", v)
				}
			}
		}
		s := tab.Join(ids)
		if s.Report.Missing != 0 || s.Report.NotCustomers != 0 || s.Len() != len(ids) {
			t.Fatalf("join on its own ids: %+v", s.Report)
		}
	})
}
