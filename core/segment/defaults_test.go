package segment

import "testing"

func TestDefaultMapIsPartition(t *testing.T) {
	segs := DefaultSegments()
	names := []string{Champions, Loyal, PotentialLoyalists, New, Promising, NeedAttention,
		AboutToSleep, AtRisk, CantLoseThem, Hibernating, Lost}
	if len(segs) != len(names) {
		t.Fatalf("%d segments, want %d", len(segs), len(names))
	}
	owner := map[Code]string{}
	for i, s := range segs {
		if s.Name != names[i] {
			t.Errorf("segment %d is %q, want %q", i, s.Name, names[i])
		}
		if s.Description == "" || s.Action == "" || len(s.Codes) == 0 {
			t.Errorf("segment %q lacks a description, action or codes", s.Name)
		}
		for _, c := range s.Codes {
			if prev, dup := owner[c]; dup {
				t.Errorf("code %s is in both %q and %q", c, prev, s.Name)
			}
			owner[c] = s.Name
		}
	}
	for _, c := range AllCodes() {
		if _, ok := owner[c]; !ok {
			t.Errorf("code %s is in no segment", c)
		}
	}
	// The map agrees with the table on every code.
	m := DefaultMap()
	for c, want := range owner {
		if got, err := m.Segment(c, nil); err != nil || got != want {
			t.Errorf("DefaultMap().Segment(%s) = %q, %v; want %q", c, got, err, want)
		}
	}
}

func TestDefaultMapSpotChecks(t *testing.T) {
	m := DefaultMap()
	for _, tt := range []struct{ code, want string }{
		{"555", Champions}, {"545", Champions}, {"445", Champions},
		{"444", Loyal}, {"355", Loyal},
		{"551", PotentialLoyalists}, {"333", PotentialLoyalists},
		{"511", New}, {"411", New}, {"311", New},
		{"525", Promising}, {"413", Promising},
		{"535", NeedAttention}, {"343", NeedAttention},
		{"331", AboutToSleep}, {"221", AboutToSleep},
		{"255", AtRisk}, {"124", AtRisk},
		{"155", CantLoseThem}, {"115", CantLoseThem},
		{"222", Hibernating}, {"332", Hibernating},
		{"111", Lost}, {"151", Lost},
	} {
		c, err := ParseCode(tt.code)
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := m.Segment(c, nil); got != tt.want {
			t.Errorf("default segment of %s = %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestDefaultMapLintClean(t *testing.T) {
	if f := DefaultMap().Lint(); len(f) != 0 {
		t.Errorf("Lint(DefaultMap()) = %v, want no findings", f)
	}
	// Order does not matter for a partition: reversed, still clean.
	rules := DefaultRules()
	for i, j := 0, len(rules)-1; i < j; i, j = i+1, j-1 {
		rules[i], rules[j] = rules[j], rules[i]
	}
	m, err := NewMap(rules, "")
	if err != nil {
		t.Fatal(err)
	}
	if f := m.Lint(); len(f) != 0 {
		t.Errorf("Lint(reversed default) = %v, want no findings", f)
	}
}

func TestDefaultSegmentsFresh(t *testing.T) {
	a := DefaultSegments()
	a[0].Name = "changed"
	a[0].Codes[0] = Code{1, 1, 1}
	if b := DefaultSegments(); b[0].Name != Champions || b[0].Codes[0] != (Code{5, 5, 5}) {
		t.Error("DefaultSegments shares state between calls")
	}
}
