package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// channelsConfig is the example's config, relative to the repository root.
const channelsConfig = "examples/channels/clv.toml"

// exampleGolden compares got with the example's expected file, or rewrites
// it with -update.
func exampleGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	full := filepath.Join(repoRoot, path)
	if *update {
		if err := os.WriteFile(full, got, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("updated %s", path)
		return
	}
	want := readFile(t, full)
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs: %s\n(if the change is intended: go test ./host -run TestE2EGroups -update)", path, firstLineDiff(want, got))
	}
}

// groupsJSON is the part of clv groups --json the tests read.
type groupsJSON struct {
	Precision int `json:"precision"`
	Groups    []struct {
		Name              string      `json:"name"`
		Customers         int         `json:"customers"`
		TotalCLV          json.Number `json:"total_clv"`
		TotalPAlive       json.Number `json:"total_p_alive"`
		ExpectedPurchases json.Number `json:"expected_purchases"`
		TooSmall          bool        `json:"too_small"`
		Acquisition       *struct {
			CAC     json.Number `json:"cac"`
			LTVCAC  json.Number `json:"ltv_cac"`
			MaxCAC  json.Number `json:"max_cac"`
			Payback json.Number `json:"payback_months"`
		} `json:"acquisition"`
	} `json:"groups"`
	Total struct {
		Customers         int         `json:"customers"`
		TotalCLV          json.Number `json:"total_clv"`
		TotalPAlive       json.Number `json:"total_p_alive"`
		ExpectedPurchases json.Number `json:"expected_purchases"`
	} `json:"total"`
}

func parseGroups(t *testing.T, out string) groupsJSON {
	t.Helper()
	var g groupsJSON
	if err := json.Unmarshal([]byte(out), &g); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	return g
}

// decimalSum adds decimal texts exactly (math/big) and writes the sum at
// dec decimals: an independent check of core/group's sums.
func decimalSum(t *testing.T, texts []string, dec int) string {
	t.Helper()
	sum := new(big.Rat)
	for _, s := range texts {
		v, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatalf("not a decimal: %q", s)
		}
		sum.Add(sum, v)
	}
	return sum.FloatString(dec)
}

// column returns the cells of a CSV column.
func column(t *testing.T, tb csvTable, name string) []string {
	t.Helper()
	k := tb.col(t, name)
	out := make([]string, len(tb.rows))
	for i, r := range tb.rows {
		out[i] = r[k]
	}
	return out
}

// firstChannels reads the example's orders and returns each customer's
// channel at their first purchase (earliest date; the first row of that
// date in file order), counted independently of clv.
func firstChannels(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	first, date := map[string]string{}, map[string]string{}
	for _, r := range rows[1:] {
		id, day, ch := r[1], r[2], r[4]
		if d, ok := date[id]; !ok || day < d {
			date[id], first[id] = day, ch
		}
	}
	return first
}

// TestE2EGroupsChannels runs the channel example: the expected group
// report (text and JSON), the scores carrying the channel after the id,
// the groups' counts against an independent first-purchase count, and the
// sums: over the groups, and over the scores file's column, equal to the
// total row digit for digit.
func TestE2EGroupsChannels(t *testing.T) {
	text := clv(t, "groups", "--config", channelsConfig, "--by", "channel", "--quiet").mustOK(t, "groups")
	exampleGolden(t, "examples/channels/groups.txt", []byte(text.stdout))
	js := clv(t, "groups", "--config", channelsConfig, "--by", "channel", "--json", "--quiet").mustOK(t, "groups --json")
	exampleGolden(t, "examples/channels/groups.json", []byte(js.stdout))
	g := parseGroups(t, js.stdout)

	tmp := t.TempDir()
	scores := filepath.Join(tmp, "scores.csv")
	sc := clv(t, "score", "--config", channelsConfig, "--out", scores).mustOK(t, "score")
	for _, want := range []string{"attributes channel from the transaction log", "channel changed later for ", "groups by channel: 2000 customers"} {
		if !strings.Contains(sc.stderr, want) {
			t.Errorf("score's report lacks %q:\n%s", want, sc.stderr)
		}
	}
	tb := readCSV(t, readFile(t, scores))
	if tb.header[0] != "customer_id" || tb.header[1] != "channel" || tb.header[2] != "frequency" {
		t.Errorf("scores header %v: want customer_id, channel, frequency, ...", tb.header)
	}

	// Customers per channel: the first purchase's channel, counted here.
	first := firstChannels(t, filepath.Join(repoRoot, "examples/channels/orders.csv"))
	count := map[string]int{}
	for _, ch := range first {
		count[ch]++
	}
	ids, chans := column(t, tb, "customer_id"), column(t, tb, "channel")
	for i, id := range ids {
		if chans[i] != first[id] {
			t.Fatalf("customer %s: channel %q in the scores, %q at the first purchase", id, chans[i], first[id])
		}
	}
	for _, gr := range g.Groups {
		if gr.Customers != count[gr.Name] {
			t.Errorf("group %s: %d customers, counted %d", gr.Name, gr.Customers, count[gr.Name])
		}
		if gr.TooSmall != (gr.Customers < 30) {
			t.Errorf("group %s of %d: too_small %v", gr.Name, gr.Customers, gr.TooSmall)
		}
	}

	// The sums add up at the output precision (2): groups → total → the
	// scores file, for clv, p_alive and expected_purchases.
	for _, c := range []struct {
		name  string
		total json.Number
		group func(i int) json.Number
	}{
		{"clv", g.Total.TotalCLV, func(i int) json.Number { return g.Groups[i].TotalCLV }},
		{"p_alive", g.Total.TotalPAlive, func(i int) json.Number { return g.Groups[i].TotalPAlive }},
		{"expected_purchases", g.Total.ExpectedPurchases, func(i int) json.Number { return g.Groups[i].ExpectedPurchases }},
	} {
		var parts []string
		byChannel := map[string][]string{}
		cells := column(t, tb, c.name)
		for i, v := range cells {
			byChannel[chans[i]] = append(byChannel[chans[i]], v)
		}
		for i := range g.Groups {
			parts = append(parts, string(c.group(i)))
			if got, want := string(c.group(i)), decimalSum(t, byChannel[g.Groups[i].Name], g.Precision); got != want {
				t.Errorf("%s of %s: %s, the scores' column sums to %s", c.name, g.Groups[i].Name, got, want)
			}
		}
		if got := decimalSum(t, parts, g.Precision); got != string(c.total) {
			t.Errorf("%s: groups add up to %s, total row %s", c.name, got, c.total)
		}
		if got := decimalSum(t, cells, g.Precision); got != string(c.total) {
			t.Errorf("%s: the scores file sums to %s, total row %s", c.name, got, c.total)
		}
	}
	if g.Total.Customers != len(ids) {
		t.Errorf("total %d customers, %d scored", g.Total.Customers, len(ids))
	}

	// LTV:CAC and max CAC from the printed figures (cac.csv: spend /
	// new_customers; target 3).
	for _, gr := range g.Groups {
		a := gr.Acquisition
		if a == nil {
			t.Fatalf("group %s has no acquisition figures", gr.Name)
		}
		mean := mustFloat(t, string(gr.TotalCLV)) / float64(gr.Customers)
		if got, want := mustFloat(t, string(a.LTVCAC)), mean/mustFloat(t, string(a.CAC)); abs(got-want) > 1e-4 {
			t.Errorf("%s: LTV:CAC %v, mean CLV / CAC = %v", gr.Name, got, want)
		}
		if got, want := mustFloat(t, string(a.MaxCAC)), mean/3; abs(got-want) > 0.005 {
			t.Errorf("%s: max CAC %v, mean CLV / 3 = %v", gr.Name, got, want)
		}
	}

	// clv report has the section.
	html := filepath.Join(tmp, "report.html")
	clv(t, "report", "--config", channelsConfig, "--out", html, "--quiet").mustOK(t, "report")
	page := string(readFile(t, html))
	for _, want := range []string{`id="groups-channel"`, "Value by channel", "Mean CLV and acquisition cost by channel", g.Total.TotalCLV.String()} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// channelsCopy copies the example into a temporary folder with extra
// config text and returns the config's path.
func channelsCopy(t *testing.T, config func(string) string) (dir, cfg string) {
	t.Helper()
	dir = t.TempDir()
	for _, f := range []string{"orders.csv", "cac.csv"} {
		writeFile(t, filepath.Join(dir, f), string(readFile(t, filepath.Join(repoRoot, "examples/channels", f))))
	}
	cfg = filepath.Join(dir, "clv.toml")
	writeFile(t, cfg, config(string(readFile(t, filepath.Join(repoRoot, channelsConfig)))))
	return dir, cfg
}

// TestE2EGroupsCustomerTable: attributes from a customer table. Customers
// missing from it are "unknown" and counted; ids that never bought are
// counted; a per-customer cost column gives each group's CAC as the mean;
// a duplicate id is an error naming the file, line and id.
func TestE2EGroupsCustomerTable(t *testing.T) {
	first := firstChannels(t, filepath.Join(repoRoot, "examples/channels/orders.csv"))
	ids := make([]string, 0, len(first))
	for id := range first {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	// Every 10th customer left out (200 of 2000); three ids never bought.
	// Costs: email 5, others 11, blank for every 7th (unknown).
	var b strings.Builder
	b.WriteString("customer_id,channel,acq_cost\n")
	missing, costs := 0, map[string][]float64{}
	for i, id := range ids {
		if i%10 == 0 {
			missing++
			continue
		}
		cost := "11"
		if first[id] == "email" {
			cost = "5"
		}
		if i%7 == 0 {
			cost = ""
		} else {
			costs[first[id]] = append(costs[first[id]], mustFloat(t, cost))
		}
		fmt.Fprintf(&b, "%s,%s,%s\n", id, first[id], cost)
	}
	b.WriteString("n1,email,3\nn2,social,3\nn3,social,\n")
	dir, cfg := channelsCopy(t, func(s string) string {
		s = strings.Replace(s, "[attributes]\ncolumns = [\"channel\"]", "[attributes]\ncolumns = [\"channel\"]\npath = \"customers.csv\"", 1)
		return strings.Replace(s, "path = \"cac.csv\"        # spend and new customers per channel in 2024-Q1", "cost_column = \"acq_cost\"", 1)
	})
	writeFile(t, filepath.Join(dir, "customers.csv"), b.String())
	r := clv(t, "groups", "--config", cfg, "--by", "channel", "--json").mustOK(t, "groups from a customer table")
	for _, want := range []string{"(1803 rows)", fmt.Sprintf("%d customers not in %s", missing, filepath.Join(dir, "customers.csv")), "3 ids of " + filepath.Join(dir, "customers.csv") + " never bought"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("report lacks %q:\n%s", want, r.stderr)
		}
	}
	g := parseGroups(t, r.stdout)
	seen := false
	for _, gr := range g.Groups {
		if gr.Name == "unknown" {
			seen = true
			if gr.Customers != missing || gr.Acquisition != nil {
				t.Errorf("unknown: %d customers (want %d), cost %+v (want none)", gr.Customers, missing, gr.Acquisition)
			}
			continue
		}
		var sum float64
		for _, c := range costs[gr.Name] {
			sum += c
		}
		want := sum / float64(len(costs[gr.Name]))
		if gr.Acquisition == nil || abs(mustFloat(t, string(gr.Acquisition.CAC))-want) > 0.005 {
			t.Errorf("%s: CAC %+v, want the mean of its customers' costs %.2f", gr.Name, gr.Acquisition, want)
		}
	}
	if !seen {
		t.Error("no unknown group")
	}

	// A duplicate id: the file, its line and the id.
	writeFile(t, filepath.Join(dir, "customers.csv"), "customer_id,channel,acq_cost\n1,email,3\n2,social,4\n1,social,5\n")
	r = clv(t, "groups", "--config", cfg, "--by", "channel")
	if want := filepath.Join(dir, "customers.csv") + `:4 (customer "1"): column "customer_id": customer id given twice, also on line 2`; r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("duplicate id: exit %d, stderr %q, want %q", r.code, r.stderr, want)
	}
	// A cost that is not a number: file, line, column and customer.
	writeFile(t, filepath.Join(dir, "customers.csv"), "customer_id,channel,acq_cost\n1,email,3\n2,social,$4\n")
	r = clv(t, "groups", "--config", cfg, "--by", "channel")
	if want := filepath.Join(dir, "customers.csv") + `:3: customer "2": column "acq_cost" (acquisition.cost_column): "$4" is not an amount`; r.code != 1 || !strings.Contains(r.stderr, want) {
		t.Errorf("bad cost: exit %d, stderr %q, want %q", r.code, r.stderr, want)
	}
}

// TestE2EGroupsErrors: mistakes a user meets, each named with its file,
// line, field or flag, exit code 1.
func TestE2EGroupsErrors(t *testing.T) {
	dir, cfg := channelsCopy(t, func(s string) string { return s })
	tests := []struct {
		name  string
		args  []string
		setup func()
		want  string
	}{
		{"no --by", []string{"groups", "--config", cfg}, nil, `--by is required: the attribute to group by, one of ["channel"]`},
		{"unknown --by", []string{"groups", "--config", cfg, "--by", "country"}, nil, `--by "country": not an attribute of`},
		{"bad cac", []string{"groups", "--config", cfg, "--by", "channel"}, func() {
			writeFile(t, filepath.Join(dir, "cac.csv"), "channel,spend,new_customers\nemail,300,10\nsocial,$300,10\n")
		}, `cac.csv: acquisition table: line 3: group "social": field spend: "$300": not a number`},
		{"missing column", []string{"groups", "--config", cfg, "--by", "channel"}, func() {
			writeFile(t, filepath.Join(dir, "cac.csv"), "channel,spend,new_customers\nemail,300,10\n")
			orders := strings.ReplaceAll(string(readFile(t, filepath.Join(repoRoot, "examples/channels/orders.csv"))), ",channel\n", ",source\n")
			writeFile(t, filepath.Join(dir, "orders.csv"), orders)
		}, `attribute column "channel": not in the header`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			r := clv(t, tt.args...)
			if r.code != 1 || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr %q, want 1 and %q", r.code, r.stderr, tt.want)
			}
		})
	}
	// A config attribute named like a scored column is refused at its line.
	bad := filepath.Join(dir, "bad.toml")
	writeFile(t, bad, strings.Replace(string(readFile(t, cfg)), `columns = ["channel"]`, `columns = ["segment"]`, 1))
	r := clv(t, "groups", "--config", bad, "--by", "segment")
	if r.code != 1 || !strings.Contains(r.stderr, "bad.toml:") || !strings.Contains(r.stderr, "attributes.columns") {
		t.Errorf("attribute named segment: exit %d, %q", r.code, r.stderr)
	}
}

// TestE2EGroupsRetailCountry groups the whole Online Retail sample
// (testdata/online_retail, CC BY 4.0, see its README) by Country, each
// customer's country at their first purchase; guest checkouts ("(blank)")
// left out, cancellations as returns. The countries' customers add up to
// the customers scored, and their CLV to the total.
func TestE2EGroupsRetailCountry(t *testing.T) {
	dir := t.TempDir()
	in, err := filepath.Abs(filepath.Join("testdata", "online_retail", "online_retail_invoices.csv.gz"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "clv.toml")
	writeFile(t, cfg, `[input]
path = "`+in+`"
date_format = "1/2/2006 15:04"
where = 'CustomerID != "(blank)"'
amount_expr = "Quantity * UnitPrice"
is_return = 'starts_with(InvoiceNo, "C")'

[input.columns]
customer = "CustomerID"
date = "InvoiceDate"

[time]
grain = "day"
unit = "week"
observation_end = "2011-12-09"

[model]
margin = 0.3

[attributes]
columns = ["Country"]

[output]
precision = 2
`)
	r := clv(t, "groups", "--config", cfg, "--by", "Country", "--json").mustOK(t, "groups by Country")
	g := parseGroups(t, r.stdout)
	if len(g.Groups) < 10 || g.Groups[0].Name != "United Kingdom" {
		t.Fatalf("%d countries, first %q: want the UK first of many", len(g.Groups), g.Groups[0].Name)
	}
	n := 0
	var parts []string
	for _, gr := range g.Groups {
		n += gr.Customers
		parts = append(parts, string(gr.TotalCLV))
	}
	if n != g.Total.Customers || decimalSum(t, parts, 2) != string(g.Total.TotalCLV) {
		t.Errorf("countries: %d customers, CLV %s; total %d, %s", n, decimalSum(t, parts, 2), g.Total.Customers, g.Total.TotalCLV)
	}
	if !strings.Contains(r.stderr, "Country (") {
		t.Errorf("report lacks the Country levels:\n%s", r.stderr)
	}
	text := clv(t, "groups", "--config", cfg, "--by", "Country", "--quiet").mustOK(t, "groups text")
	if !strings.Contains(text.stdout, "United Kingdom") || !strings.Contains(text.stdout, "* fewer than 30 customers") {
		t.Errorf("text table:\n%s", text.stdout)
	}
}

// TestE2EGroupsSegmentRules: an attribute in segment rules (text
// comparisons), and a rule on a text column that is not an attribute
// refused at its config line before the data is read.
func TestE2EGroupsSegmentRules(t *testing.T) {
	rules := `
[segmentation]
map = "rules"
default = "Other"

[[segmentation.rules]]
segment = "Email regulars"
when = 'channel == "email" && p_alive > 0.8'

[[segmentation.rules]]
segment = "Paid or social"
when = 'channel in {"paid_search", "social"}'
`
	dir, cfg := channelsCopy(t, func(s string) string { return s + rules })
	out := filepath.Join(dir, "scores.csv")
	clv(t, "score", "--config", cfg, "--out", out, "--quiet", "--precision", "17").mustOK(t, "score with channel rules")
	tb := readCSV(t, readFile(t, out))
	chans, segs, palive := column(t, tb, "channel"), column(t, tb, "segment"), column(t, tb, "p_alive")
	for i := range chans {
		want := "Other"
		switch {
		case chans[i] == "email" && mustFloat(t, palive[i]) > 0.8:
			want = "Email regulars"
		case chans[i] == "paid_search" || chans[i] == "social":
			want = "Paid or social"
		}
		if segs[i] != want {
			t.Fatalf("row %d: channel %s, p_alive %s: segment %q, want %q", i+2, chans[i], palive[i], segs[i], want)
		}
	}
	bad := filepath.Join(dir, "bad.toml")
	text := strings.Replace(string(readFile(t, cfg)), `channel == "email"`, `country == "UK"`, 1)
	writeFile(t, bad, text)
	r := clv(t, "score", "--config", bad, "--out", out)
	if want := "bad.toml:" + fmt.Sprint(strings.Count(text[:strings.Index(text, `country == "UK"`)], "\n")+1); r.code != 1 || !strings.Contains(r.stderr, want) || !strings.Contains(r.stderr, `the rule compares "country" with text, and it is not a customer attribute`) {
		t.Errorf("rule on a non-attribute: exit %d, %q (want %s)", r.code, r.stderr, want)
	}
}

// TestE2EGroupsJSONL: the same orders as JSON Lines give the same groups
// (attributes read through the table layer, Builder.Add), and an output
// over the acquisition table is refused before anything is read.
func TestE2EGroupsJSONL(t *testing.T) {
	dir, cfg := channelsCopy(t, func(s string) string { return strings.Replace(s, `path = "orders.csv"`, `path = "orders.jsonl"`, 1) })
	tb := readCSV(t, readFile(t, filepath.Join(dir, "orders.csv")))
	var b strings.Builder
	for _, r := range tb.rows {
		obj := map[string]string{}
		for k, h := range tb.header {
			obj[h] = r[k]
		}
		line, err := json.Marshal(obj)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	writeFile(t, filepath.Join(dir, "orders.jsonl"), b.String())
	r := clv(t, "groups", "--config", cfg, "--by", "channel", "--json", "--quiet").mustOK(t, "groups from JSON Lines")
	if want := string(readFile(t, filepath.Join(repoRoot, "examples/channels/groups.json"))); r.stdout != want {
		t.Errorf("JSON Lines input gives other groups: %s", firstLineDiff([]byte(want), []byte(r.stdout)))
	}
	r = clv(t, "groups", "--config", cfg, "--by", "channel", "--out", filepath.Join(dir, "cac.csv"))
	if r.code != 1 || !strings.Contains(r.stderr, "acquisition.path") {
		t.Errorf("--out over cac.csv: exit %d, %q", r.code, r.stderr)
	}
}
