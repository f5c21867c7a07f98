package detect

import (
	"strings"
	"unicode"
)

// Roles names the columns holding the customer, the date and the amount
// ("" where nothing fits).
type Roles struct {
	Customer string `json:"customer"`
	Date     string `json:"date"`
	Amount   string `json:"amount"`
}

// Header name heuristics, best first; names are compared lower-cased with
// everything but letters and digits removed.
func customerNames() []string {
	return []string{"customerid", "customer", "custid", "clientid", "client", "userid", "user", "buyerid",
		"buyer", "memberid", "accountid", "account", "email", "customeremail", "contactid", "shopperid", "householdid", "id"}
}

func dateNames() []string {
	return []string{"date", "orderdate", "transactiondate", "purchasedate", "invoicedate", "saledate", "createdat",
		"orderedat", "processedat", "paidat", "timestamp", "datetime", "time", "day", "created", "ordertime"}
}

func amountNames() []string {
	return []string{"amount", "revenue", "total", "ordertotal", "totalprice", "sales", "netsales", "value",
		"ordervalue", "spend", "price", "gmv", "subtotal", "totalamount", "payment", "paid", "net", "gross"}
}

// GuessRoles matches header names against lists of usual names (exact
// match first, then containment) where the column's values fit the role,
// and without a header falls back on content: the first column whose
// values are all dates, the last whose values are all amounts with
// decimals, and the first other column for the customer.
func (t *Table) GuessRoles() Roles {
	var m Roles
	cols := t.Columns
	taken := make([]bool, len(cols))
	norm := make([]string, len(cols))
	for i, c := range cols {
		norm[i] = normalize(c)
	}
	pick := func(names []string, ok func(int) bool) string {
		if !t.Header {
			return ""
		}
		for _, n := range names {
			for i, c := range norm {
				if c == n && !taken[i] && ok(i) {
					taken[i] = true
					return cols[i]
				}
			}
		}
		for _, n := range names {
			if len(n) < 4 {
				continue
			}
			for i, c := range norm {
				if strings.Contains(c, n) && !taken[i] && ok(i) {
					taken[i] = true
					return cols[i]
				}
			}
		}
		return ""
	}
	isDates := func(unix bool) func(int) bool {
		return func(i int) bool { return len(fittingDates(t.column(i), unix)) > 0 }
	}
	isAmounts := func(i int) bool {
		for _, v := range t.column(i) {
			if v != "" && !isAmount(v) {
				return false
			}
		}
		return true
	}
	anyColumn := func(int) bool { return true }
	m.Date = pick(dateNames(), isDates(true))
	m.Amount = pick(amountNames(), isAmounts)
	m.Customer = pick(customerNames(), anyColumn)
	if m.Date == "" {
		for i := range cols {
			if !taken[i] && isDates(false)(i) {
				m.Date, taken[i] = cols[i], true
				break
			}
		}
	}
	if m.Amount == "" {
		for i := len(cols) - 1; i >= 0; i-- {
			if !taken[i] && isAmounts(i) && hasDecimals(t.column(i)) {
				m.Amount, taken[i] = cols[i], true
				break
			}
		}
	}
	if m.Customer == "" {
		for i := range cols {
			if !taken[i] {
				m.Customer, taken[i] = cols[i], true
				break
			}
		}
	}
	return m
}

func normalize(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// hasDecimals reports whether some value has a decimal mark.
func hasDecimals(vs []string) bool {
	for _, v := range vs {
		if strings.ContainsAny(v, ".,") {
			return true
		}
	}
	return false
}
