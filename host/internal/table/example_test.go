package table_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/clvkit/clvkit/host/internal/table"
)

func ExampleOpen() {
	input := "customer_id,date,amount\nc1,2024-01-05,19.99\nc2,2024-01-06,oops\n"
	r, err := table.Open(strings.NewReader(input), "orders.csv", table.CSV, table.ReadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	idx, err := r.Require("customer_id", "amount")
	if err != nil {
		fmt.Println(err)
		return
	}
	for {
		row, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		amount, err := row.Float(idx[1])
		if err != nil {
			fmt.Println(err) // names the file, line and column
			continue
		}
		fmt.Println(row.Field(idx[0]), amount)
	}
	// Output:
	// c1 19.99
	// orders.csv:3: column "amount": "oops" is not a number
}

func ExampleCreate() {
	cols := []table.Column{
		{Name: "customer_id", Kind: table.String},
		{Name: "frequency", Kind: table.Int},
		{Name: "clv", Kind: table.Float, Precision: 2},
	}
	for _, f := range []table.Format{table.CSV, table.JSONL} {
		var buf bytes.Buffer
		w, err := table.Create(&buf, f, cols, table.WriteOptions{})
		if err != nil {
			fmt.Println(err)
			return
		}
		w.WriteRow([]table.Value{table.StringValue("c1"), table.IntValue(4), table.FloatValue(152.456)})
		w.WriteRow([]table.Value{table.StringValue("c2"), table.IntValue(0), table.Null()})
		if err := w.Close(); err != nil {
			fmt.Println(err)
			return
		}
		os.Stdout.Write(buf.Bytes())
	}
	// Output:
	// customer_id,frequency,clv
	// c1,4,152.46
	// c2,0,
	// {"customer_id":"c1","frequency":4,"clv":152.46}
	// {"customer_id":"c2","frequency":0,"clv":null}
}
