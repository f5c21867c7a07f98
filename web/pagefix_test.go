package web

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clvkit/clvkit/wasm/bind"
)

// pagefixExpected writes the files web/e2e/pagefix.mjs uploads (an empty
// file, a real PNG, a log with a bad date on line 5, a header without
// rows, CDNOW with every amount 25 so that the Gamma-Gamma fit fails) and
// computes, through the page's own binding, what the page must show for
// them.
func pagefixExpected(t *testing.T, tmp, cdnow string) map[string]any {
	t.Helper()
	dir := filepath.Join(tmp, "pagefix")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	var img bytes.Buffer
	m := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range 40 {
		m.Set(i, i%30, color.RGBA{200, 30, 30, 255})
	}
	if err := png.Encode(&img, m); err != nil {
		t.Fatal(err)
	}
	badDate := "customer_id,date,amount\n1,2024-01-02,10.00\n2,2024-01-03,12.50\n3,2024-01-05,9.00\n4,2024-02-3O,7.00\n" +
		"1,2024-02-04,8.00\n2,2024-03-01,11.00\n3,2024-03-09,5.00\n5,2024-03-10,6.00\n1,2024-03-30,7.00\n"
	data, err := os.ReadFile(cdnow)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	for i := 1; i < len(lines); i++ {
		f := strings.Split(lines[i], ",")
		f[len(f)-1] = "25"
		lines[i] = strings.Join(f, ",")
	}
	same := strings.Join(lines, "\n") + "\n"
	files := map[string]string{"empty.csv": "", "image.png": img.String(), "baddate.csv": badDate,
		"header.csv": "customer_id,date,amount\n", "samespend.csv": same}
	paths := map[string]string{}
	for name, body := range files {
		p := filepath.Join(dir, name)
		writeFile(t, p, body)
		paths[name] = p
	}

	var s bind.Session
	ins := s.Load([]byte(badDate))
	if ins.BadDates == nil || ins.BadDates.Line != 5 {
		t.Fatalf("bad-date log: inspection %+v", ins)
	}
	st := marginSettings(ins, "2024-03-30", 0.3)
	st.Input.SkipBadRows = true
	res, err := s.Score(context.Background(), st, nil)
	if err != nil {
		t.Fatal(err)
	}
	ins = s.Load([]byte(same))
	fb, err := s.Score(context.Background(), marginSettings(ins, "1997-09-30", 0.3), nil)
	if err != nil {
		t.Fatal(err)
	}
	if fb.Spend == nil || fb.Spend.Method != "own_mean" {
		t.Fatalf("amounts all 25: spend %+v, want the own_mean fallback", fb.Spend)
	}
	params := map[string]float64{}
	for i, n := range fb.Purchase.Names {
		params[n] = float64(fb.Purchase.Params[i])
	}
	return map[string]any{
		"files":     paths,
		"badDate":   map[string]any{"line": 5, "value": "2024-02-3O", "customers": res.Customers, "observationEnd": "2024-03-30"},
		"fallback":  map[string]any{"fallback": fb.Spend.Fallback, "params": params, "customers": fb.Customers, "observationEnd": "1997-09-30"},
		"cdnowPath": cdnow,
		"defaults":  bind.DefaultInput(),
	}
}
