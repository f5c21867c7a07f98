package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/clvkit/clvkit/core/detect"
	"github.com/clvkit/clvkit/core/formula"
	"github.com/clvkit/clvkit/core/summary"
	"github.com/clvkit/clvkit/host/internal/config"
	"github.com/clvkit/clvkit/internal/quote"
)

// orderGuess is what `clv init --from` learned about an order export: what
// core/detect found in its first lines (the same as the page), and what a
// pass over every row found: the date range, guest checkouts, returns,
// cancelled and test orders.
type orderGuess struct {
	name string // the file, for messages
	res  *detect.Result

	dateFormat string // the format written: res.DateFormat, or its twin when only it reads the whole file
	dateNote   string // why, when the sample was ambiguous
	dateAmbig  *detect.AmbiguousError

	rows               int       // data rows
	first, last        time.Time // date range
	badDates           int       // rows whose date does not read
	badDateExample     string
	badDateLine        int
	missingIDs         int            // rows with an empty customer id
	placeholders       map[string]int // placeholder ids such as "(blank)" and their rows
	negative           int            // rows with a negative amount (or quantity)
	returnID           string         // the invoice column whose "C" ids are cancellations
	cPrefixed          int            // rows with such an id
	status             string         // the status column
	refunded           int            // rows whose status is refunded
	cancelled          map[string]int // status values of cancelled orders and their rows
	cancelledAt        string         // a "Cancelled at" column
	cancelledAtRows    int            // rows where it is set
	email              string         // the email column
	testEmails         int            // rows whose email contains "test"
	testStatus         int            // rows whose status is "test"
	observationEnd     string         // as written
	observationEndNote string
}

// Header names (compared as core/detect does: lower-cased, letters and
// digits only) of the columns clv init --from looks at beyond the roles.
func invoiceNames() []string {
	return []string{"invoiceno", "invoice", "invoiceid", "invoicenumber", "orderid", "orderno", "ordernumber",
		"order", "transactionid", "receiptno", "receiptnumber"}
}

func cancelledAtNames() []string {
	return []string{"cancelledat", "canceledat", "cancelleddate", "canceleddate", "cancelledon", "canceledon"}
}

// placeholderIDs are customer ids that stand for "no customer" (lower-cased).
func placeholderIDs() []string {
	return []string{"(blank)", "blank", "(null)", "null", "none", "n/a", "#n/a", "na", "nan", "-", "unknown", "guest", "(guest)"}
}

// cancelledStatuses are status values of orders that did not happen.
func cancelledStatuses() []string {
	return []string{"cancelled", "canceled", "voided", "void"}
}

func normalizeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// guessOrders detects how the export in r (named name) is written from its
// first lines with core/detect, then reads every row for the date range and
// the rows a config should treat specially. observationEnd, when not "", is
// the --observation-end given (YYYY-MM-DD).
func guessOrders(name string, r io.Reader, observationEnd string) (*orderGuess, error) {
	sample, all, err := detect.Head(r, detect.MaxLines)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	res, err := detect.Detect(bytes.NewReader(sample), detect.Options{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	g := &orderGuess{name: name, res: res, placeholders: map[string]int{}, cancelled: map[string]int{}}
	if len(res.Rows) == 0 {
		return nil, fmt.Errorf("%s: no data rows in the first %d lines", name, detect.MaxLines)
	}
	if res.Roles.Date == "" {
		return nil, fmt.Errorf("%s: no date column: no column of the first %d rows reads as dates (columns: %s); clv init --from needs the order dates; write a config with plain clv init and set input.columns.date and input.date_format",
			name, len(res.Rows), quote.List(res.Columns))
	}
	g.dateFormat = res.DateFormat
	errors.As(res.DateErr, &g.dateAmbig)
	if err := g.scan(all); err != nil {
		return nil, err
	}
	if observationEnd != "" {
		if _, err := parseDay("--observation-end", observationEnd); err != nil {
			return nil, err
		}
		g.observationEnd = observationEnd
		g.observationEndNote = "as given (--observation-end)"
		if g.last.Format(time.DateOnly) > observationEnd {
			g.observationEndNote += fmt.Sprintf("; the data goes on to %s, later rows are not used", g.last.Format(time.DateOnly))
		}
	} else {
		g.observationEnd = g.last.Format(time.DateOnly)
		g.observationEndNote = "the last date in the data; set it to when the data was exported if later"
	}
	return g, nil
}

// scan reads every data row of the whole input (sample included).
func (g *orderGuess) scan(all io.Reader) error {
	res := g.res
	col := func(name string) int { return res.Index(name) }
	dateCol, custCol, amtCol := col(res.Roles.Date), col(res.Roles.Customer), col(res.Roles.Amount)
	qtyCol := -1
	if qty, _ := res.LineItem(res.Roles); qty != "" {
		amtCol, qtyCol = -1, col(qty)
	}
	invCol, statusCol, cancelCol, emailCol := -1, -1, -1, -1
	for i, c := range res.Columns {
		n := normalizeName(c)
		switch {
		case invCol < 0 && slices.Contains(invoiceNames(), n) && i != custCol && i != dateCol:
			invCol = i
		case statusCol < 0 && strings.Contains(n, "status") && !strings.Contains(n, "fulfil"):
			statusCol = i
		case cancelCol < 0 && slices.Contains(cancelledAtNames(), n):
			cancelCol = i
		case emailCol < 0 && strings.Contains(n, "email"):
			emailCol = i
		}
	}
	// Date formats to try: the detected one, and, when the sample fits both,
	// its twin, to see whether the whole file tells them apart.
	formats := []string{g.dateFormat}
	if g.dateAmbig != nil {
		formats = append(formats, g.dateAmbig.Formats[1])
	}
	parsers := make([]summary.DateFormat, len(formats))
	for i, f := range formats {
		p, err := summary.ParseDateFormat(f)
		if err != nil {
			return fmt.Errorf("%s: date format %q: %w", g.name, f, err)
		}
		parsers[i] = p
	}
	bad := make([]int, len(formats))
	firsts, lasts := make([]time.Time, len(formats)), make([]time.Time, len(formats))
	amtFormat, _ := summary.ParseAmountFormat(res.AmountFormat)
	digitsIDs := 0
	line := 1
	if !res.Header {
		line = 0
	}
	each := func(rec []string) {
		line++
		g.rows++
		at := func(i int) string {
			if i < 0 || i >= len(rec) {
				return ""
			}
			return strings.TrimSpace(rec[i])
		}
		if d := at(dateCol); true {
			for i, p := range parsers {
				t, err := p.Parse(d)
				if err != nil {
					if bad[i] == 0 && i == 0 {
						g.badDateExample, g.badDateLine = d, line
					}
					bad[i]++
					continue
				}
				if firsts[i].IsZero() || t.Before(firsts[i]) {
					firsts[i] = t
				}
				if t.After(lasts[i]) {
					lasts[i] = t
				}
			}
		}
		if c := at(custCol); c == "" {
			g.missingIDs++
		} else if slices.Contains(placeholderIDs(), strings.ToLower(c)) {
			g.placeholders[c]++
		}
		if a := at(amtCol); a != "" {
			if v, _, err := amtFormat.Parse(a); err == nil && v < 0 {
				g.negative++
			}
		}
		if q := at(qtyCol); q != "" {
			if v, err := strconv.ParseFloat(q, 64); err == nil && v < 0 {
				g.negative++
			}
		}
		if id := at(invCol); id != "" {
			if len(id) > 1 && (id[0] == 'C' || id[0] == 'c') && id[1] >= '0' && id[1] <= '9' {
				g.cPrefixed++
			} else if strings.Trim(id, "0123456789") == "" {
				digitsIDs++
			}
		}
		switch s := strings.ToLower(at(statusCol)); {
		case s == "refunded":
			g.refunded++
		case s == "test":
			g.testStatus++
		case slices.Contains(cancelledStatuses(), s):
			g.cancelled[s]++
		}
		if at(cancelCol) != "" {
			g.cancelledAtRows++
		}
		if strings.Contains(strings.ToLower(at(emailCol)), "test") {
			g.testEmails++
		}
	}
	if err := detect.EachRecord(all, res.Delimiter, res.Header, each, nil); err != nil {
		return fmt.Errorf("%s: %w", g.name, err)
	}
	if invCol >= 0 && g.cPrefixed > 0 && digitsIDs > 0 {
		g.returnID = res.Columns[invCol]
	} else {
		g.cPrefixed = 0
	}
	if statusCol >= 0 {
		g.status = res.Columns[statusCol]
	}
	if cancelCol >= 0 {
		g.cancelledAt = res.Columns[cancelCol]
	}
	if emailCol >= 0 {
		g.email = res.Columns[emailCol]
	}
	pick := 0
	if g.dateAmbig != nil {
		switch {
		case bad[0] > 0 && bad[1] == 0:
			pick = 1
			g.dateNote = fmt.Sprintf("the first %d lines fit both %q and %q; the whole file reads only as %q", g.dateAmbig.Lines, formats[0], formats[1], formats[1])
			g.dateAmbig = nil
		case bad[1] > 0 && bad[0] == 0:
			g.dateNote = fmt.Sprintf("the first %d lines fit both %q and %q; the whole file reads only as %q", g.dateAmbig.Lines, formats[0], formats[1], formats[0])
			g.dateAmbig = nil
		}
	}
	g.dateFormat = formats[pick]
	g.first, g.last, g.badDates = firsts[pick], lasts[pick], bad[pick]
	if pick == 1 {
		g.badDateExample, g.badDateLine = "", 0
	}
	if g.last.IsZero() {
		return fmt.Errorf("%s: no date in column %q reads as %q (such as %q on line %d)", g.name, res.Roles.Date, g.dateFormat, g.badDateExample, g.badDateLine)
	}
	return nil
}

// tomlString writes s as a TOML string: "..." when nothing needs an
// escape, '...' (literal) when it holds double quotes or backslashes, which
// keeps expressions readable, else "..." with escapes.
func tomlString(s string) string {
	control := strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f })
	switch {
	case !control && !strings.ContainsAny(s, `"\`):
		return `"` + s + `"`
	case !control && !strings.Contains(s, "'"):
		return "'" + s + "'"
	}
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// textIs is the row-rule condition column == value (or !=).
func textIs(column, op, value string) string {
	return formula.QuoteName(column) + " " + op + " " + strconv.Quote(value)
}

// rowsOf says "N rows (P% of the file)".
func (g *orderGuess) rowsOf(n int) string {
	return fmt.Sprintf("%d rows (%.1f%% of %d)", n, 100*float64(n)/float64(max(g.rows, 1)), g.rows)
}

// whereRule returns the conditions of the where rule (joined with &&) and
// the notes saying why each is there.
func (g *orderGuess) whereRule() (conds, notes []string) {
	for _, p := range sortedKeys(g.placeholders) {
		conds = append(conds, textIs(g.res.Roles.Customer, "!=", p))
		notes = append(notes, fmt.Sprintf("%s have the customer id %q, a guest checkout: left out", g.rowsOf(g.placeholders[p]), p))
	}
	for _, s := range sortedKeys(g.cancelled) {
		conds = append(conds, "lower("+formula.QuoteName(g.status)+") != "+strconv.Quote(s))
		notes = append(notes, fmt.Sprintf("%s have %s %q, orders that did not happen: left out", g.rowsOf(g.cancelled[s]), g.status, s))
	}
	if g.cancelledAtRows > 0 {
		conds = append(conds, "is_empty("+formula.QuoteName(g.cancelledAt)+")")
		notes = append(notes, fmt.Sprintf("%s have a %s date, cancelled orders: left out", g.rowsOf(g.cancelledAtRows), g.cancelledAt))
	}
	return conds, notes
}

// writeConfig writes the clv.toml for the export, its input path written
// as inputPath. Every guess has a comment saying what it is based on.
func (g *orderGuess) writeConfig(w io.Writer, inputPath, outputPath string) error {
	res := g.res
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# clv.toml written by clv init --from %s\n", filepath.Base(g.name))
	p("# from what its first %d rows show (core/detect, as the calculator page does) and\n", len(res.Rows))
	p("# a pass over all %d rows. Each guess has a note (# guess: ...); check them, then run:\n", g.rows)
	p("#   clv score --config THIS_FILE\n")
	p("# Keys are case-sensitive. A key you delete takes its default; a value you give is\n")
	p("# used as given or is an error, never replaced. Run clv init for every setting explained.\n\n")

	p("[input]\npath = %s\n", tomlString(inputPath))
	p("kind = \"transactions\"\n")
	p("# guess: the separator of the first line\ndelimiter = %s\n", tomlString(res.Delimiter))
	if !res.Header {
		p("# guess: the first line holds values, not names; columns are 1-based positions\n")
	}
	p("no_header = %t\n", !res.Header)
	switch {
	case g.dateAmbig != nil:
		a := g.dateAmbig
		p("# AMBIGUOUS DATES: every sampled day is 12 or less, so the dates read both ways:\n")
		p("# %q is %s under %q but %s under %q. Month first is written;\n", a.Value, a.Readings[0], a.Formats[0], a.Readings[1], a.Formats[1])
		p("# if your dates are day first, use the other line instead.\n")
		p("date_format = %s\n# date_format = %s\n", tomlString(a.Formats[0]), tomlString(a.Formats[1]))
	case g.dateNote != "":
		p("# guess: %s\ndate_format = %s\n", g.dateNote, tomlString(g.dateFormat))
	default:
		p("# guess: every date of the first %d rows reads as %s\ndate_format = %s\n", len(res.Rows), g.dateFormat, tomlString(g.dateFormat))
	}
	var ambAmount *detect.AmbiguousError
	switch {
	case res.AmountExpr != "":
		p("# guess: the amount is computed (amount_expr), its columns read as plain numbers\n")
		p("amount_format = %s\n", tomlString(summary.AmountPlain))
	case errors.As(res.AmountErr, &ambAmount):
		a := ambAmount
		p("# AMBIGUOUS AMOUNTS: %q is %s under %q but %s under %q.\n", a.Value, a.Readings[0], a.Formats[0], a.Readings[1], a.Formats[1])
		p("# The first is written; if that is wrong, use the other line instead.\n")
		p("amount_format = %s\n# amount_format = %s\n", tomlString(a.Formats[0]), tomlString(a.Formats[1]))
	case res.Roles.Amount != "":
		p("# guess: how the amounts of the first %d rows are written\namount_format = %s\n", len(res.Rows), tomlString(res.AmountFormat))
	}
	if g.badDates > 0 {
		p("# guess: %s have a date that does not read as %s (such as %q on line %d):\n", g.rowsOf(g.badDates), g.dateFormat, g.badDateExample, g.badDateLine)
		p("# they are skipped and counted in the report\nskip_bad_rows = true\n")
	} else {
		p("skip_bad_rows = false\n")
	}
	// Returns.
	p("# Returns: net = refund the latest purchase periods on or before the return (a fully\n")
	p("# refunded order is no purchase) | drop = ignore them | purchase = an ordinary row.\n")
	if g.negative > 0 {
		p("# guess: %s have a negative amount or quantity: returns, netted without a rule\n", g.rowsOf(g.negative))
	}
	p("returns = \"net\"\n")
	var isReturn []string
	if g.returnID != "" {
		isReturn = append(isReturn, "starts_with("+formula.QuoteName(g.returnID)+", \"C\")")
		p("# guess: %s have %s starting with C, cancellations (returns)\n", g.rowsOf(g.cPrefixed), g.returnID)
	}
	if g.refunded > 0 {
		isReturn = append(isReturn, "lower("+formula.QuoteName(g.status)+") == \"refunded\"")
		p("# guess: %s have %s \"refunded\": returns (each refunds its amount)\n", g.rowsOf(g.refunded), g.status)
	}
	if len(isReturn) > 0 {
		p("is_return = %s\n", tomlString(strings.Join(isReturn, " || ")))
	}
	// Guests.
	if g.missingIDs > 0 {
		p("# guess: %s have no customer id (guest checkouts): left out and counted\n", g.rowsOf(g.missingIDs))
		p("missing_customer = \"skip\"\n")
	} else {
		p("# Rows without a customer id: error = stop at the first | skip = leave them out, counted.\n")
		p("missing_customer = \"error\"\n")
	}
	conds, notes := g.whereRule()
	for _, n := range notes {
		p("# guess: %s\n", n)
	}
	if len(conds) > 0 {
		p("where = %s\n", tomlString(strings.Join(conds, " && ")))
	}
	var tests []string
	if g.testEmails > 0 {
		tests = append(tests, "!contains(lower("+formula.QuoteName(g.email)+"), \"test\")")
		p("# guess: %s have \"test\" in %s: test orders? To leave them out, use this line instead:\n", g.rowsOf(g.testEmails), g.email)
	}
	if g.testStatus > 0 {
		tests = append(tests, "lower("+formula.QuoteName(g.status)+") != \"test\"")
		p("# guess: %s have %s \"test\": test orders? To leave them out, use this line instead:\n", g.rowsOf(g.testStatus), g.status)
	}
	if len(tests) > 0 {
		p("# where = %s\n", tomlString(strings.Join(append(conds, tests...), " && ")))
	}
	if res.AmountExpr != "" {
		p("# guess: no order total, but a quantity and a unit price: one row is one line item\n")
		p("amount_expr = %s\n", tomlString(res.AmountExpr))
	}

	p("\n[input.columns]\n")
	p("# guess: by the header names and the values of the first %d rows\n", len(res.Rows))
	p("customer = %s\n", tomlString(res.Roles.Customer))
	p("date = %s\n", tomlString(res.Roles.Date))
	if res.Roles.Amount != "" && res.AmountExpr == "" {
		p("amount = %s\n", tomlString(res.Roles.Amount))
	} else if res.AmountExpr == "" {
		p("# guess: no amount column found: no spend model (model.spend = \"none\" below)\n")
	}

	p("\n[time]\n")
	p("# What counts as one purchase period: several orders in one period count once.\n")
	p("grain = \"day\"           # day | week (ISO, from Monday) | month\n")
	p("# guess: the unit of recency, T and the model's rates; week suits most shops\n")
	p("unit = \"week\"           # day | week | month | Nd (N days)\n")
	p("# guess: %s\n", g.observationEndNote)
	p("# (the data runs from %s to %s)\n", g.first.Format(time.DateOnly), g.last.Format(time.DateOnly))
	p("observation_end = %s\n", tomlString(g.observationEnd))
	p("# Optional: hold out the time after this day to check the model's predictions.\n")
	p("# calibration_end = \"YYYY-MM-DD\"\n\n")

	rest, err := starterFrom("[model]", outputPath, res.Roles.Amount == "" && res.AmountExpr == "")
	if err != nil {
		return err
	}
	b.WriteString(rest)
	_, err = io.WriteString(w, b.String())
	return err
}

// starterFrom returns config.Starter from its section header on, with the
// output written to outputPath and, when noSpend, the spend model off.
// Sharing the starter's text keeps one explanation of each setting.
func starterFrom(section, outputPath string, noSpend bool) (string, error) {
	i := strings.Index(config.Starter, "\n"+section+"\n")
	if i < 0 {
		return "", fmt.Errorf("internal: no %s in the starter config", section)
	}
	rest := config.Starter[i+1:]
	edits := [][2]string{{`path = "scores.csv"`, "path = " + tomlString(outputPath)}}
	if noSpend {
		edits = append(edits, [2]string{`spend = "gammagamma"`, `spend = "none"        `})
	}
	for _, e := range edits {
		if strings.Count(rest, e[0]) != 1 {
			return "", fmt.Errorf("internal: the starter config has no single %s", e[0])
		}
		rest = strings.Replace(rest, e[0], e[1], 1)
	}
	return rest, nil
}

// summaryLine is what clv init --from tells on stderr.
func (g *orderGuess) summaryLine() string {
	res := g.res
	amount := res.Roles.Amount
	if res.AmountExpr != "" {
		amount = res.AmountExpr
	}
	if amount == "" {
		amount = "none"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d rows from %s to %s; customer %s, date %s (%s), amount %s",
		g.name, g.rows, g.first.Format(time.DateOnly), g.last.Format(time.DateOnly), res.Roles.Customer, res.Roles.Date, g.dateFormat, amount)
	if g.dateAmbig != nil {
		fmt.Fprintf(&b, "\nambiguous dates: %q fits both %q and %q; %q was written, the other is commented out beside it", g.dateAmbig.Value, g.dateAmbig.Formats[0], g.dateAmbig.Formats[1], g.dateAmbig.Formats[0])
	}
	guests := g.missingIDs
	for _, n := range g.placeholders {
		guests += n
	}
	if guests > 0 {
		fmt.Fprintf(&b, "\nguest checkouts: %s left out", g.rowsOf(guests))
	}
	if g.cPrefixed+g.refunded > 0 {
		fmt.Fprintf(&b, "\nreturns: %d rows marked by is_return", g.cPrefixed+g.refunded)
	}
	return b.String()
}
