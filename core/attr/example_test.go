package attr_test

import (
	"fmt"
	"strings"

	"github.com/clvkit/clvkit/core/attr"
)

// Read a customer table and give each customer of a summary (ids in the
// summary's order) their channel; a customer missing from the table is
// "unknown".
func ExampleTable_Join() {
	table := `customer_id,channel
1,email
2,paid_search
4,email
`
	tab, err := attr.ReadTable(strings.NewReader(table), attr.TableOptions{Name: "customers.csv", ID: "customer_id", Columns: []string{"channel"}})
	if err != nil {
		panic(err)
	}
	s := tab.Join([]string{"1", "2", "3"})
	channel, _ := s.Column("channel")
	fmt.Println(channel)
	fmt.Println(s.Levels[0])
	for _, line := range s.Report.Lines(s.Names) {
		fmt.Println(line)
	}
	// Output:
	// [email paid_search unknown]
	// [email paid_search unknown]
	// attributes channel from customers.csv (3 rows)
	// 1 customer not in customers.csv (level "unknown")
	// 1 id of customers.csv never bought (not among the customers scored)
}
