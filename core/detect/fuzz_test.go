package detect

import (
	"bytes"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/summary"
)

// FuzzDateFormats feeds arbitrary columns (values separated by newlines)
// to the date detector: never a panic, and a format chosen without an
// error reads every non-empty value as a date in the plausible years.
func FuzzDateFormats(f *testing.F) {
	for _, s := range []string{"12/1/2010 8:26\n12/13/2010 9:02", "3/4/2024\n5/6/2024", "2024-03-15 14:22:01-05:00", "1710512521", "15.03.2024", "", "\n\n", "19970101\n1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, col string) {
		values := strings.Split(col, "\n")
		best, fitting, err := DateFormats(values)
		if err != nil {
			return
		}
		if best == "" || len(fitting) == 0 || fitting[0] != best {
			t.Fatalf("%q: best %q, fitting %v", values, best, fitting)
		}
		df, perr := summary.ParseDateFormat(best)
		if perr != nil {
			t.Fatal(perr)
		}
		for _, v := range values {
			if v == "" {
				continue
			}
			if d, err := df.Parse(v); err != nil || d.Year() < minYear || d.Year() > maxYear {
				t.Fatalf("%q chosen for %q, which it reads as %v, %v", best, v, d, err)
			}
		}
	})
}

// FuzzAmountDetect: the amount detector never panics, and a format it
// chooses without an error reads at least as many values as plain.
func FuzzAmountDetect(f *testing.F) {
	for _, s := range []string{"$1,234.50\n$5", "1,234\n5,000", "12,50\n1.234,50", "29.33", "N/A"} {
		f.Add(s)
	}
	plain, _ := summary.ParseAmountFormat("plain")
	f.Fuzz(func(t *testing.T, col string) {
		values := strings.Split(col, "\n")
		name, err := AmountFormat(values)
		if err != nil {
			return
		}
		af, perr := summary.ParseAmountFormat(name)
		if perr != nil {
			t.Fatal(perr)
		}
		n, p := 0, 0
		for _, v := range values {
			if _, _, err := af.Parse(v); err == nil && v != "" {
				n++
			}
			if _, _, err := plain.Parse(v); err == nil && v != "" {
				p++
			}
		}
		if n < p {
			t.Fatalf("%q: %s reads %d values, plain %d", values, name, n, p)
		}
	})
}

// FuzzDetect runs the whole detector on arbitrary files: it must not panic
// and its roles must be columns of the table.
func FuzzDetect(f *testing.F) {
	f.Add([]byte("id,date,amount\n1,2024-01-01,\"$1,234.50\"\n"))
	f.Add([]byte("\ufeff\"a\";\"b\"\n1;2\n"))
	f.Add([]byte(" 00001 19970101 1 11.77\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Detect(bytes.NewReader(data), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{r.Roles.Customer, r.Roles.Date, r.Roles.Amount} {
			if c != "" && r.Index(c) < 0 {
				t.Fatalf("role column %q is not in %q", c, r.Columns)
			}
		}
	})
}
