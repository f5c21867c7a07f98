package segment

import "strings"

// The names of the eleven default segments.
const (
	Champions          = "Champions"
	Loyal              = "Loyal"
	PotentialLoyalists = "Potential Loyalists"
	New                = "New"
	Promising          = "Promising"
	NeedAttention      = "Need Attention"
	AboutToSleep       = "About to Sleep"
	AtRisk             = "At Risk"
	CantLoseThem       = "Can't Lose Them"
	Hibernating        = "Hibernating"
	Lost               = "Lost"
)

// SegmentInfo describes a segment for the people who act on it.
type SegmentInfo struct {
	// Name is the segment label, as assigned by the map.
	Name string
	// Description says in one plain line who is in the segment.
	Description string
	// Action suggests what marketing should do with them.
	Action string
	// Codes are the RFM codes the default map puts in the segment, best
	// first.
	Codes []Code
}

// defaultTable is the default map's lookup list: each segment with its
// three-digit codes. It follows the explicit 3-digit code list used by the
// Squeezely RFM app (RESEARCH.md §1.2, Table C); every one of the 125 codes
// appears exactly once (TestDefaultMapIsPartition).
func defaultTable() []SegmentInfo {
	row := func(name, desc, action, codes string) SegmentInfo {
		var cs []Code
		for _, f := range strings.Fields(codes) {
			c, err := ParseCode(f)
			if err != nil {
				panic("segment: bad default code: " + err.Error()) // a typo in this table; caught by tests
			}
			cs = append(cs, c)
		}
		return SegmentInfo{Name: name, Description: desc, Action: action, Codes: cs}
	}
	return []SegmentInfo{
		row(Champions,
			"Bought recently, buy often and spend the most.",
			"Reward them: early access, loyalty perks, ask for reviews and referrals; no discounts needed.",
			"555 554 545 544 455 454 445"),
		row(Loyal,
			"Buy regularly and spend well; they respond to your messages.",
			"Upsell higher-value products, invite to the loyalty programme, ask for reviews.",
			"543 444 435 355 354 345 344 335"),
		row(PotentialLoyalists,
			"Recent customers who have bought more than once or spent a fair amount.",
			"Offer membership or a loyalty programme and recommend related products to build the habit.",
			"553 552 551 542 541 533 532 531 453 452 451 442 441 433 432 431 423 353 352 351 342 341 333 323"),
		row(New,
			"Bought very recently, but only once or twice and for little.",
			"Onboard them: a welcome series, help with the first use, a reason for a second order.",
			"512 511 422 421 412 411 311"),
		row(Promising,
			"Recent buyers with few orders, some of them with a large basket.",
			"Build the relationship: brand awareness, samples, a time-limited offer on a second purchase.",
			"525 524 523 522 521 515 514 513 425 424 415 414 413 315 314 313"),
		row(NeedAttention,
			"Good frequency and spend, but they have not bought for a while.",
			"Reactivate with personalised recommendations and a limited-time offer before they slip.",
			"535 534 443 434 343 334 325 324"),
		row(AboutToSleep,
			"Below-average recency, frequency and spend; drifting away.",
			"Share popular products and a discount to win them back; keep the contact cheap.",
			"331 321 312 251 241 231 221 213"),
		row(AtRisk,
			"Bought often and spent well, but long ago.",
			"Send personalised win-back emails, renewal offers and reminders of what they liked.",
			"255 254 253 252 245 244 243 242 235 234 225 224 153 152 145 143 142 135 134 133 125 124"),
		row(CantLoseThem,
			"Were among the biggest spenders but have not come back for a long time.",
			"Win them back with your best offer or a personal call; find out why they left.",
			"215 214 155 154 144 115 114 113"),
		row(Hibernating,
			"Last bought long ago, with few orders and low spend.",
			"Offer relevant products and special discounts; do not spend much on them.",
			"332 322 233 232 223 222 212 211 132 123 122"),
		row(Lost,
			"Lowest recency, frequency and spend: most likely gone.",
			"Try one reactivation campaign at most; otherwise exclude them from paid outreach.",
			"151 141 131 121 112 111"),
	}
}

// DefaultSegments returns the eleven default segments, best first, each with
// its description, suggested action and RFM codes. The result is a fresh
// value the caller may modify.
func DefaultSegments() []SegmentInfo { return defaultTable() }

// DefaultRules returns the default map as rules, one per segment, each a
// code list such as `code in {555, 554, 545, 544, 455, 454, 445}`. Together
// they cover all 125 codes exactly once, so order does not matter and Lint
// finds nothing. Edit the result to customise the default.
func DefaultRules() []Rule {
	var rules []Rule
	for _, s := range defaultTable() {
		nums := make([]string, len(s.Codes))
		for i, c := range s.Codes {
			nums[i] = c.String()
		}
		rules = append(rules, Rule{Segment: s.Name, When: "code in {" + strings.Join(nums, ", ") + "}"})
	}
	return rules
}

// DefaultMap returns the map of DefaultRules, with an empty default label
// (no customer can need it).
func DefaultMap() *Map {
	m, err := NewMap(DefaultRules(), "")
	if err != nil {
		panic("segment: default rules do not compile: " + err.Error()) // a bug in this file; caught by tests
	}
	return m
}
