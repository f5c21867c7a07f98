package score

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/core/attr"
)

// TestScoreAttributes: attribute columns come right after the id, in the
// result's order (the customers are given shuffled), and the other columns
// are those of a run without attributes.
func TestScoreAttributes(t *testing.T) {
	cs := cdnow(t)
	// Reverse the customers; customer i (input order) gets level i%3.
	for i, j := 0, len(cs)-1; i < j; i, j = i+1, j-1 {
		cs[i], cs[j] = cs[j], cs[i]
	}
	tab := "id,channel\n"
	var b strings.Builder
	b.WriteString(tab)
	levels := []string{"ads", "email", "web"}
	want := map[string]string{}
	for i, c := range cs {
		b.WriteString(c.ID + "," + levels[i%3] + "\n")
		want[c.ID] = levels[i%3]
	}
	table, err := attr.ReadTable(strings.NewReader(b.String()), attr.TableOptions{Name: "t.csv", ID: "id", Columns: []string{"channel"}})
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	o := cdnowOptions()
	plain, err := Score(context.Background(), cs, o)
	if err != nil {
		t.Fatal(err)
	}
	o.Attributes = table.Join(ids)
	res, err := Score(context.Background(), cs, o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Columns[0].Name != "channel" || res.Columns[1].Name != "frequency" {
		t.Fatalf("columns start %s, %s; want channel, frequency", res.Columns[0].Name, res.Columns[1].Name)
	}
	for i, id := range res.IDs {
		if got := res.Columns[0].Labels[i]; got != want[id] {
			t.Fatalf("customer %s: channel %q, want %q", id, got, want[id])
		}
		if got := res.Attributes.Value(0, i); got != want[id] {
			t.Fatalf("Result.Attributes: customer %s: %q, want %q", id, got, want[id])
		}
	}
	if !reflect.DeepEqual(res.Columns[1:], plain.Columns) {
		t.Error("the other columns differ from a run without attributes")
	}

	// A name taken by a built-in column, and a Set of another length.
	bad := table.Join(ids)
	bad.Names = []string{"clv"}
	o.Attributes = bad
	if _, err := Score(context.Background(), cs, o); err == nil || !strings.Contains(err.Error(), "built-in column") {
		t.Errorf("attribute named clv: %v", err)
	}
	o.Attributes = table.Join(ids[:10])
	if _, err := Score(context.Background(), cs, o); err == nil || !strings.Contains(err.Error(), "10 values for 2357 customers") {
		t.Errorf("short attributes: %v", err)
	}
}
