package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/wasm/bind"
)

// TestHistoricValueColumn scores the CDNOW demo with output.historic_value
// = true: historic_plus_clv follows clv and is the margin to date plus
// clv (customer 0001 bought 29.33 + 29.73 + 14.96 = 74.02 by 1997-09-30,
// 22.206 at the demo's 30 % margin); every other column is the same as
// without the key, and historic_value = false changes nothing. With the
// spend model off the key is an error naming its line.
func TestHistoricValueColumn(t *testing.T) {
	dir := t.TempDir()
	cfg := copyCDNOW(t, dir)
	text := string(readFile(t, cfg))
	off := clv(t, "score", "--config", cfg, "--out", "-", "--quiet").mustOK(t, "score").stdout

	writeFile(t, cfg, text+"historic_value = false\n")
	if got := clv(t, "score", "--config", cfg, "--out", "-", "--quiet").mustOK(t, "score, historic_value = false").stdout; got != off {
		t.Errorf("historic_value = false changed the output:\n%s", firstLineDiff([]byte(off), []byte(got)))
	}

	writeFile(t, cfg, text+"historic_value = true\n")
	on := readCSV(t, []byte(clv(t, "score", "--config", cfg, "--out", "-", "--quiet").mustOK(t, "score, historic_value = true").stdout))
	base := readCSV(t, []byte(off))
	h, c := on.col(t, "historic_plus_clv"), on.col(t, "clv")
	if h != c+1 {
		t.Fatalf("historic_plus_clv is column %d, clv %d: want it right after clv", h, c)
	}
	if want := slices.Insert(slices.Clone(base.header), c+1, "historic_plus_clv"); !slices.Equal(on.header, want) {
		t.Fatalf("header %v, want %v", on.header, want)
	}
	for i, r := range on.rows {
		rest := slices.Delete(slices.Clone(r), h, h+1)
		if !slices.Equal(rest, base.rows[i]) {
			t.Fatalf("row %d: %v, without historic_value %v", i+1, rest, base.rows[i])
		}
		if r[0] == "0001" {
			if got, want := mustFloat(t, r[h]), 0.3*74.02+mustFloat(t, r[c]); math.Abs(got-want) > 1.5e-6 {
				t.Errorf("customer 0001: historic_plus_clv %v, want 22.206 + clv = %v", got, want)
			}
		}
	}

	writeFile(t, cfg, strings.Replace(text, `spend = "gammagamma"`, `spend = "none"`, 1)+"historic_value = true\n")
	r := clv(t, "score", "--config", cfg, "--out", filepath.Join(dir, "x.csv"))
	if r.code != 1 || !strings.Contains(r.stderr, "output.historic_value: historic_plus_clv adds the margin to date to clv") ||
		!strings.Contains(r.stderr, "clv.toml:") {
		t.Errorf("spend none: exit %d, stderr %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "x.csv")); err == nil {
		t.Error("x.csv written")
	}
}

// TestHistoricValuePage: the page's settings take the same key
// (historicValue, through core/settings), and its scored CSV with the
// column equals clv score's byte for byte on CDNOW.
func TestHistoricValuePage(t *testing.T) {
	dir := t.TempDir()
	copyCDNOW(t, dir)
	cfg := filepath.Join(dir, "plain.toml")
	writeFile(t, cfg, `[input]
path = "transactions.csv"
[input.columns]
amount = "amount"
[time]
observation_end = "1997-09-30"
[model]
annual_discount_rate = 0.10
margin = 0.30
[output]
historic_value = true
`)
	want := clv(t, "score", "--config", cfg, "--out", "-", "--quiet").mustOK(t, "score").stdout
	if !strings.Contains(strings.SplitN(want, "\n", 2)[0], ",clv,historic_plus_clv,") {
		t.Fatalf("header %q", strings.SplitN(want, "\n", 2)[0])
	}
	st, err := bind.DecodeSettings([]byte(`{"columns": {"amount": "amount"}, "observationEnd": "1997-09-30", "annualDiscountRate": 0.1, "margin": 0.3, "historicValue": true}`))
	if err != nil {
		t.Fatal(err)
	}
	var s bind.Session
	s.Load(readFile(t, filepath.Join(dir, "transactions.csv")))
	if _, err := s.Score(context.Background(), st, nil); err != nil {
		t.Fatal(err)
	}
	if got := string(s.CSV(-1)); got != want {
		t.Errorf("the page's CSV differs from clv score's:\n%s", firstLineDiff([]byte(want), []byte(got)))
	}
}
