package segment

import (
	"fmt"
	"strconv"
)

// Code is one customer's RFM code: the recency, frequency and monetary
// scores, each 1–5 (5 best). Its String form is the usual three digits,
// R then F then M, for example "545".
type Code struct {
	R, F, M uint8
}

// NumCodes is the number of distinct valid codes, 5 × 5 × 5.
const NumCodes = 125

// Valid reports whether all three scores are in 1..5.
func (c Code) Valid() bool {
	return c.R >= 1 && c.R <= 5 && c.F >= 1 && c.F <= 5 && c.M >= 1 && c.M <= 5
}

// String returns the three-digit form, for example "545". An invalid code
// prints its scores in a form that cannot be mistaken for a valid one, for
// example "R0F6M1".
func (c Code) String() string {
	if !c.Valid() {
		return fmt.Sprintf("R%dF%dM%d", c.R, c.F, c.M)
	}
	return string([]byte{'0' + c.R, '0' + c.F, '0' + c.M})
}

// Number returns the code as the integer 100·R + 10·F + M (545 for R=5,
// F=4, M=5). Rules can test it as the derived column "code".
func (c Code) Number() int {
	return 100*int(c.R) + 10*int(c.F) + int(c.M)
}

// FM returns the derived score (F + M) / 2 used by R-and-FM segment schemes;
// it takes the values 1, 1.5, 2, ..., 5. Rules can test it as "fm".
func (c Code) FM() float64 {
	return float64(int(c.F)+int(c.M)) / 2
}

// Index returns the position of a valid code in AllCodes (0 for 111, 124 for
// 555), handy for tables indexed by code. It panics on an invalid code.
func (c Code) Index() int {
	if !c.Valid() {
		panic("segment: Index of invalid code " + c.String())
	}
	return 25*int(c.R-1) + 5*int(c.F-1) + int(c.M-1)
}

// AllCodes returns the 125 valid codes in ascending order, 111 to 555.
func AllCodes() []Code {
	out := make([]Code, 0, NumCodes)
	for r := uint8(1); r <= 5; r++ {
		for f := uint8(1); f <= 5; f++ {
			for m := uint8(1); m <= 5; m++ {
				out = append(out, Code{r, f, m})
			}
		}
	}
	return out
}

// ParseCode parses the three-digit form ("545") of a code.
func ParseCode(s string) (Code, error) {
	if len(s) != 3 {
		return Code{}, fmt.Errorf("parse RFM code %q: want three digits 1-5, like \"545\"", s)
	}
	var c Code
	for i, p := range []*uint8{&c.R, &c.F, &c.M} {
		d := s[i]
		if d < '1' || d > '5' {
			return Code{}, fmt.Errorf("parse RFM code %q: %s score %s is not a digit 1-5", s, "RFM"[i:i+1], strconv.QuoteRune(rune(d)))
		}
		*p = d - '0'
	}
	return c, nil
}
