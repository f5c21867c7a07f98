// Command csvbaseline reads every record of a CSV file with encoding/csv
// (ReuseRecord) and does nothing else. It is the baseline of the host
// benchmarks: the cost of merely reading the input the way most Go
// programs would, so clv's own figures are reported as ratios to it on
// the same machine in the same run.
//
// Usage: csvbaseline FILE
package main

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: csvbaseline FILE")
		os.Exit(2)
	}
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReaderSize(f, 1<<20))
	r.ReuseRecord = true
	n := 0
	for {
		_, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		n++
	}
	fmt.Println(n)
}
