package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite ../orders.csv and ../cac.csv")

// TestFilesReproduce: the committed example files are what the generator
// writes (fixed seed), so anyone can regenerate them.
func TestFilesReproduce(t *testing.T) {
	for name, data := range Files() {
		path := filepath.Join("..", name)
		if *update {
			if err := os.WriteFile(path, data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(data, want) {
			t.Errorf("%s is not what the generator writes (go test ./examples/channels/gen -update)", name)
		}
	}
}

// TestChannelsDiffer: the channels' customers buy at genuinely different
// rates and spend (the example's point), checked on the generated orders:
// orders per customer and mean order value per channel of the first
// purchase.
func TestChannelsDiffer(t *testing.T) {
	orders, acquired := generate()
	first := map[int]string{}
	for _, o := range orders { // sorted by date: the first row is the first purchase
		if _, ok := first[o.customer]; !ok {
			first[o.customer] = o.channel
		}
	}
	n, value := map[string]float64{}, map[string]float64{}
	for _, o := range orders {
		n[first[o.customer]]++
		value[first[o.customer]] += o.amount
	}
	per := func(ch string) float64 { return n[ch] / float64(acquired[ch]) }
	mean := func(ch string) float64 { return value[ch] / n[ch] }
	if !(per("email") > 1.5*per("paid_search") && per("email") > 1.5*per("social")) {
		t.Errorf("orders per customer: email %.2f, paid_search %.2f, social %.2f: email should buy clearly more often", per("email"), per("paid_search"), per("social"))
	}
	if !(mean("referral") > mean("email") && mean("email") > mean("paid_search")) {
		t.Errorf("mean order: referral %.2f, email %.2f, paid_search %.2f", mean("referral"), mean("email"), mean("paid_search"))
	}
	if acquired["referral"] >= 30 {
		t.Errorf("referral has %d customers: the example wants a group below min_customers 30", acquired["referral"])
	}
}
