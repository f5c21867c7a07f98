package detect

import (
	"slices"
	"strings"

	"github.com/clvkit/clvkit/core/formula"
)

// Header names of line-item exports' quantity and unit price columns,
// compared as in GuessRoles (lower-cased, letters and digits only).
func quantityNames() []string {
	return []string{"quantity", "qty", "units", "itemquantity", "lineitemquantity", "quantityordered"}
}

func unitPriceNames() []string {
	return []string{"unitprice", "price", "itemprice", "lineitemprice", "priceperunit", "priceeach", "unitcost"}
}

// LineAmount returns the expression computing each row's amount in a
// line-item export, such as "Quantity * UnitPrice" (see LineItem), or ""
// when it is not one. Names that are not plain identifiers are written in
// backquotes.
func (t *Table) LineAmount(roles Roles) string {
	qty, price := t.LineItem(roles)
	if qty == "" {
		return ""
	}
	return formula.QuoteName(qty) + " * " + formula.QuoteName(price)
}

// LineItem returns the quantity and unit price columns of a line-item
// export: a quantity column and a unit price column whose sampled values
// are all numbers, and no other amount column (roles.Amount is "" or the
// unit price itself: GuessRoles takes a "UnitPrice" column for the amount,
// as its name contains "price"). Both are "" when there are none.
func (t *Table) LineItem(roles Roles) (quantity, unitPrice string) {
	if !t.Header {
		return "", ""
	}
	find := func(names []string, skip string) string {
		for _, n := range names {
			for i, c := range t.Columns {
				if c != skip && c != roles.Customer && c != roles.Date && normalize(c) == n && t.allNumbers(i) {
					return c
				}
			}
		}
		return ""
	}
	price := find(unitPriceNames(), "")
	if price == "" || (roles.Amount != "" && roles.Amount != price) {
		return "", ""
	}
	qty := find(quantityNames(), price)
	if qty == "" {
		return "", ""
	}
	return qty, price
}

// allNumbers reports whether column i has a sampled value and every
// non-empty one is a number in some amount format.
func (t *Table) allNumbers(i int) bool {
	vs := t.column(i)
	return slices.ContainsFunc(vs, func(v string) bool { return v != "" }) &&
		!slices.ContainsFunc(vs, func(v string) bool { return v != "" && !isAmount(strings.TrimSpace(v)) })
}
