package model

import (
	"strings"
	"testing"
)

// FuzzEncodeCovariates: any attribute values (one attribute from the
// first line of the input, a second from the second, values separated by
// commas, cut to the shorter length) give either an error or columns whose
// values are 0/1 indicators with at most one 1 per customer and attribute
// (categorical) or the parsed numbers, row-major, never a panic.
func FuzzEncodeCovariates(f *testing.F) {
	f.Add("email,search,search,ads\n1,2.5,-3,4")
	f.Add("a,a\nx,y")
	f.Add("1e400,2\n ,  ")
	f.Add("NaN,1\nInf,-Inf")
	f.Fuzz(func(t *testing.T, s string) {
		first, second, _ := strings.Cut(s, "\n")
		a, b := strings.Split(first, ","), strings.Split(second, ",")
		n := min(len(a), len(b))
		attrs := []Attribute{{Name: "a", Values: a[:n]}, {Name: "b", Values: b[:n]}}
		cols, values, err := EncodeCovariates(attrs)
		if err != nil {
			return
		}
		k := len(cols)
		if len(values) != n*k {
			t.Fatalf("%d values for %d customers × %d columns", len(values), n, k)
		}
		for i := range n {
			ones := map[string]int{}
			for j, c := range cols {
				v := values[i*k+j]
				if c.Numeric {
					if c.Reference != "" || c.Level != "" {
						t.Fatalf("numeric column %q with reference %q", c.Name, c.Reference)
					}
					continue
				}
				if v != 0 && v != 1 {
					t.Fatalf("indicator %q = %v", c.Name, v)
				}
				ones[c.Attribute] += int(v)
				if ones[c.Attribute] > 1 {
					t.Fatalf("customer %d has two levels of %q", i, c.Attribute)
				}
			}
		}
	})
}
