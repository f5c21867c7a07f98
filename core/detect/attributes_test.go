package detect

import (
	"fmt"
	"strings"
	"testing"
)

func TestAttributes(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,date,amount,channel,country,store,note\n")
	chans := []string{"email", "paid_search", "social"}
	for i := range 120 {
		country := []string{"DE", "FR", ""}[i%3]
		// note: a different text each row, too many levels.
		fmt.Fprintf(&b, "%d,2024-01-%02d,%d.50,%s,%s,%d,note %d\n", i, 1+i%28, i, chans[i%3], country, i%4, i)
	}
	got, err := Attributes(strings.NewReader(b.String()), ",", true,
		[]string{"id", "date", "amount", "channel", "country", "store", "note"}, []string{"id", "date", "amount"}, DefaultMaxLevels)
	if err != nil {
		t.Fatal(err)
	}
	// store has 4 levels but only numbers; note has 120 levels.
	want := []Attribute{{"channel", 3, 0}, {"country", 2, 40}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("Attributes = %v, want %v", got, want)
	}
}
