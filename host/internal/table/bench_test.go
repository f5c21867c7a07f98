package table

import (
	"io"
	"strconv"
	"testing"
)

// benchRows is the row count of BenchmarkWrite: a million customers.
const benchRows = 1_000_000

// benchColumns is a 12-column scored table: 2 strings, 2 ints, 8 floats.
var benchColumns = func() []Column {
	cols := []Column{{Name: "customer_id", Kind: String}, {Name: "segment", Kind: String}, {Name: "frequency", Kind: Int}, {Name: "recency_days", Kind: Int}}
	for i := range 8 {
		cols = append(cols, Column{Name: "score_" + strconv.Itoa(i), Kind: Float, Precision: 4})
	}
	return cols
}()

// BenchmarkWrite writes 1M rows × 12 columns per iteration and reports
// ns/row. Run with: go test -run '^$' -bench Write -benchtime 1x ./host/internal/table
func BenchmarkWrite(b *testing.B) {
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = "cust-" + strconv.Itoa(100000+i)
	}
	segments := []string{"Champions", "Loyal", "At Risk", "Hibernating"}
	for _, f := range []Format{CSV, JSONL, Parquet} {
		b.Run(f.String(), func(b *testing.B) {
			row := make([]Value, len(benchColumns))
			b.ReportAllocs()
			for b.Loop() {
				w, err := Create(io.Discard, f, benchColumns, WriteOptions{})
				if err != nil {
					b.Fatal(err)
				}
				for i := range benchRows {
					row[0] = StringValue(ids[i%len(ids)])
					row[1] = StringValue(segments[i%len(segments)])
					row[2] = IntValue(int64(i % 50))
					row[3] = IntValue(int64(i % 365))
					for k := range 8 {
						row[4+k] = FloatValue(float64(i%9973) * 1.0001 / float64(k+1))
					}
					if err := w.WriteRow(row); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchRows, "ns/row")
		})
	}
}
