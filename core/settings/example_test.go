package settings_test

import (
	"fmt"
	"reflect"

	"github.com/clvkit/clvkit/core/settings"
)

// A front end decodes its document into Settings with its own decoder,
// then tells Complete which keys the document gave: keys left out take
// their defaults, keys given keep their values, zero included.
func Example() {
	var s settings.Settings
	s.Time.ObservationEnd = "1997-09-30"
	s.Input.Columns.Amount = "amount"
	s.Model.Margin = 0 // given as 0: CLV 0, not the default 1
	given := map[string]bool{"time.observation_end": true, "input.columns.amount": true, "model.margin": true}
	if err := s.Complete(func(key string) bool { return given[key] }); err != nil {
		fmt.Println(err)
		return
	}
	_, o, err := s.Options()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(o.Purchase, o.CLV.Months, o.CLV.Margin, o.CLV.DaysPerUnit, o.Tiers.Labels)

	s.Model.HorizonMonths = 0
	err = s.Validate()
	fmt.Println(err)
	// The page names the key by its JSON name.
	fmt.Println(settings.Rename(reflect.TypeFor[settings.Settings](), settings.TOML, settings.JSON, "model.horizon_months"))
	// Output:
	// bgnbd 12 0 7 [Top 1% Top 10% Top 50% Bottom 50%]
	// model.horizon_months: 0 is out of range 1..1200
	// months
}
