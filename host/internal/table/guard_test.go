package table

import (
	"testing"

	"github.com/clvkit/clvkit/internal/textenc"
)

// TestWriteFormulaGuard: CSV label cells that start with = + - @ tab or CR
// get a leading single quote; the ID column only under all_text; numbers
// (a negative float, a negative int) and JSON Lines never.
func TestWriteFormulaGuard(t *testing.T) {
	cols := []Column{{Name: "customer_id", Kind: String, ID: true}, {Name: "v", Kind: Float, Precision: 2},
		{Name: "n", Kind: Int}, {Name: "segment", Kind: String}}
	rows := [][]Value{
		{StringValue("=id"), FloatValue(-1.5), IntValue(-2), StringValue("=cmd|' /C calc'!A0")},
		{StringValue("-7"), FloatValue(2), IntValue(3), StringValue("\rx,y")},
		{StringValue("c3"), Null(), Null(), StringValue("Champions")},
	}
	tests := []struct {
		f     Format
		guard textenc.Guard
		want  string
	}{
		{CSV, textenc.GuardLabels, "customer_id,v,n,segment\n=id,-1.50,-2,'=cmd|' /C calc'!A0\n-7,2.00,3,\"'\rx,y\"\nc3,,,Champions\n"},
		{CSV, textenc.GuardAllText, "customer_id,v,n,segment\n'=id,-1.50,-2,'=cmd|' /C calc'!A0\n'-7,2.00,3,\"'\rx,y\"\nc3,,,Champions\n"},
		{CSV, textenc.GuardOff, "customer_id,v,n,segment\n=id,-1.50,-2,=cmd|' /C calc'!A0\n-7,2.00,3,\"\rx,y\"\nc3,,,Champions\n"},
		{JSONL, textenc.GuardAllText, `{"customer_id":"=id","v":-1.50,"n":-2,"segment":"=cmd|' /C calc'!A0"}` + "\n" +
			`{"customer_id":"-7","v":2.00,"n":3,"segment":"\rx,y"}` + "\n" + `{"customer_id":"c3","v":null,"n":null,"segment":"Champions"}` + "\n"},
	}
	for _, tt := range tests {
		if got := string(writeTable(t, tt.f, WriteOptions{FormulaGuard: tt.guard}, cols, rows)); got != tt.want {
			t.Errorf("%v, guard %v:\n got %q\nwant %q", tt.f, tt.guard, got, tt.want)
		}
	}
}
