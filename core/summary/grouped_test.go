package summary

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"
)

// TestGroupedLog checks the path for logs grouped by customer (Builder
// not scattered: entries left in position order, found through byPos)
// against the same rows shuffled (moved into rank order): the same
// Summary, Cohorts and Tracking, at 1 and 3 workers, also after rows are
// added to a grouped Builder, first keeping it grouped, then not.
func TestGroupedLog(t *testing.T) {
	defer func(c, r int) { parallelCustomers, parallelRows = c, r }(parallelCustomers, parallelRows)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	parallelCustomers, parallelRows = 100, 1000
	r := rand.New(rand.NewPCG(9, 10))
	var txs [][]Transaction // by customer
	for c := range 1500 {
		id := fmt.Sprint(c * 7919 % 10007)
		if c%3 == 0 {
			id = fmt.Sprintf("%08x", c*2654435761)
		}
		var rows []Transaction
		for range 1 + r.IntN(12) {
			amount := math.Round(r.Float64()*30000)/100 - 40 // some returns
			rows = append(rows, Transaction{Customer: id, Time: date("2024-01-01").AddDate(0, 0, r.IntN(40)), Amount: amount})
		}
		txs = append(txs, rows)
	}
	opt := Options{Grain: Week, Unit: Weeks, CalibrationEnd: date("2024-01-25"), ObservationEnd: date("2024-02-15")}
	type result struct {
		s  Summary
		c  []Cohort
		tr Tracking
	}
	results := func(b *Builder) result {
		s, err := b.Summary()
		if err != nil {
			t.Fatal(err)
		}
		c, err := b.Cohorts(CohortOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tr, err := b.Tracking(7)
		if err != nil {
			t.Fatal(err)
		}
		return result{s, c, tr}
	}
	add := func(b *Builder, rows []Transaction) {
		for _, x := range rows {
			if err := b.Add(x); err != nil {
				t.Fatal(err)
			}
		}
	}
	var first, all []Transaction
	for c, rows := range txs {
		if c < 1000 {
			first = append(first, rows...)
		}
		all = append(all, rows...)
	}
	shuffled := func(rows []Transaction) []Transaction {
		s := append([]Transaction(nil), rows...)
		r.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
		return s
	}
	for _, procs := range []int{1, 3} {
		runtime.GOMAXPROCS(procs)
		ref, _ := NewBuilder(opt)
		add(ref, shuffled(first))
		want1 := results(ref)
		add(ref, shuffled(all[len(first):]))
		want2 := results(ref)
		if !ref.scattered || ref.byPos {
			t.Fatal("a shuffled log should be scattered")
		}

		b, _ := NewBuilder(opt)
		add(b, first)
		if got := results(b); b.scattered || !b.byPos || !reflect.DeepEqual(got, want1) {
			t.Fatalf("GOMAXPROCS %d: grouped log (scattered %v): results differ from the shuffled log's", procs, b.scattered)
		}
		add(b, all[len(first):]) // new customers, grouped: still in position order
		if got := results(b); b.scattered || !reflect.DeepEqual(got, want2) {
			t.Fatalf("GOMAXPROCS %d: grouped log, more customers added (scattered %v): results differ", procs, b.scattered)
		}
		extra := Transaction{Customer: txs[0][0].Customer, Time: date("2024-02-01"), Amount: 5}
		add(b, []Transaction{extra})
		add(ref, []Transaction{extra})
		if got := results(b); !b.scattered || b.byPos || !reflect.DeepEqual(got, results(ref)) {
			t.Fatalf("GOMAXPROCS %d: an old customer again (scattered %v): results differ", procs, b.scattered)
		}
	}
}

// TestDateCache checks the CSV reader's date cache against the format's
// parser on cells drawn at random from a pool larger than the cache
// (slots are overwritten), bad cells included, in three formats.
func TestDateCache(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	for _, format := range []string{"YYYY-MM-DD", "YYYYMMDD", "DD/MM/YYYY", "ISO8601"} {
		df, err := ParseDateFormat(format)
		if err != nil {
			t.Fatal(err)
		}
		var pool []string
		for i := range 3 * dateCacheSize {
			d := date("2000-01-01").AddDate(0, 0, i)
			switch format {
			case "YYYY-MM-DD", "ISO8601":
				pool = append(pool, d.Format("2006-01-02"))
			case "YYYYMMDD":
				pool = append(pool, d.Format("20060102"))
			default:
				pool = append(pool, d.Format("02/01/2006"))
			}
		}
		pool = append(pool, "2021-02-29", "20210229", "31/04/2021", "", "x", "2021-13-01")
		p := &rowParser{df: df}
		for range 20 * len(pool) {
			cell := pool[r.IntN(len(pool))]
			got, gerr := p.day(cell)
			want, werr := df.days(cell)
			if got != want || (gerr == nil) != (werr == nil) {
				t.Fatalf("%s %q: day %d, %v; want %d, %v", format, cell, got, gerr, want, werr)
			}
		}
	}
}

// TestPackID checks packID against its definition: the id's bytes padded
// with zeros to 15 bytes and its length in a 16th, read as two
// little-endian words.
func TestPackID(t *testing.T) {
	for _, id := range []string{"a", "0a1b2c3d", "1234567", "12345678", "123456789", "abcdefghijklmno", "abcdefghijklmnop", "", "é", "\x00\x00", "2024-01-31"} {
		k0, k1, short := packID(id)
		var b [16]byte
		copy(b[:], id)
		b[15] = byte(len(id))
		w0, w1 := binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])
		if wantShort := len(id) >= 1 && len(id) <= 15; short != wantShort || short && (k0 != w0 || k1 != w1) {
			t.Errorf("packID(%q) = %#x %#x %v, want %#x %#x %v", id, k0, k1, short, w0, w1, wantShort)
		}
	}
}

// TestScatterRuns checks group's second pass through a scratch copy
// (scatterRun) against the in-place one (permute, used for runs above
// maxScatter entries) on a shuffled log, at 1 and 3 workers.
func TestScatterRuns(t *testing.T) {
	defer func(c, r, m int) { parallelCustomers, parallelRows, maxScatter = c, r, m }(parallelCustomers, parallelRows, maxScatter)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	parallelCustomers, parallelRows = 100, 1000
	r := rand.New(rand.NewPCG(13, 14))
	var txs []Transaction
	for range 3 * logChunk {
		c := r.IntN(4000)
		id := fmt.Sprint(c)
		if c%2 == 0 {
			id = fmt.Sprintf("%08x", c*2654435761)
		}
		txs = append(txs, Transaction{Customer: id, Time: date("2024-01-01").AddDate(0, 0, r.IntN(60)), Amount: math.Round(r.Float64()*20000)/100 - 20})
	}
	opt := Options{Unit: Weeks, ObservationEnd: date("2024-03-31")}
	summarize := func() Summary {
		b, _ := NewBuilder(opt)
		for _, x := range txs {
			if err := b.Add(x); err != nil {
				t.Fatal(err)
			}
		}
		s, err := b.Summary()
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for _, procs := range []int{1, 3} {
		runtime.GOMAXPROCS(procs)
		maxScatter = 1 << 20
		want := summarize()
		maxScatter = 50 // most runs (of 16 customers) in place
		if got := summarize(); !reflect.DeepEqual(got, want) {
			t.Fatalf("GOMAXPROCS %d: the in-place second pass gives another summary", procs)
		}
	}
}
