// Package formula holds the heuristic (closed-form) CLV formulas marketers
// use, one registry that lists and evaluates them, and a small expression
// language for custom formulas. The CLI (clv formulas, clv eval NAME
// key=value), the TOML config and the browser page all go through this
// package, so they give the same numbers.
//
// # Formulas
//
// Each has a typed function and a registry entry (Builtin) with a stable
// snake_case ID:
//
//	lifespan family
//	  aov_frequency_lifespan  AOV × frequency × lifespan                 HubSpot
//	  aov_frequency_churn     AOV × frequency × (1 ÷ churn)              HubSpot
//	  margin_clv              AOV × frequency × lifespan × gross margin  Omniconvert
//	  revenue_years_cac       revenue per year × years − acquisition cost  Qualtrics
//	historic family (per period)
//	  historic_plus_remaining value to date + m × Σ_{t=1..max(0, L−τ)} 1/(1+d)ᵗ  Tresl; Klaviyo
//	retention family (m margin, r retention, d discount, all per period)
//	  retention_a             m·r/(1+d−r)      Kotler & Keller; Farris et al.
//	  retention_b             m(1+d)/(1+d−r)   Blattberg et al.; HBS 511-029
//	  retention_c             m/(1+d−r)        Ofek; Davis
//	  retention_truncated     Σ_{t=0..H−1} m·rᵗ/(1+d)ᵗ   Fader & Hardie (2014)
//	subscription family (monthly)
//	  subscription_ltv        ARPA × gross margin ÷ churn   ChartMogul, Baremetrics, Finmark
//	  cac_payback_months      CAC ÷ (ARPA × gross margin)   Finmark
//	  ltv_cac_ratio           LTV ÷ CAC                     ChartMogul, HubSpot
//	  max_cac                 LTV ÷ target ratio            ChartMogul
//
// The three retention variants differ only in timing (Fader & Hardie,
// "Reconciling and Clarifying CLV Formulas", http://brucehardie.com/notes/024/):
// (a) leaves out the first payment and books each later one at the end of its
// period; (b) counts the first payment now, at the start of period 0; (c)
// counts it at the end of period 0. So (b) = (c)·(1+d) and (a) = (c)·r. For
// r = 0.8 and d = 0.1 the multipliers are 2.667, 3.667 and 3.333. Each
// registry entry states its variant.
//
// A formula some web articles copy, "(AOV × frequency) / (CAC + 1 −
// retention/100) × lifetime", adds money to a pure number and is not shipped;
// article_test.go shows what the formulas above give for its example.
//
// # Units
//
// Every rate and count is per the same period, a year or a month, stated by
// each input's Unit; the subscription formulas are monthly because ARPA is.
// Shares (gross margin, retention, churn, discount) are fractions, 0.7 for
// 70 %: the core never takes percents, and a value such as 70 for a
// retention is rejected by its range. Front ends that show percents convert.
//
// # Errors and special cases
//
// Inputs are checked against their ranges (retention in [0, 1], churn in
// (0, 1], discount ≥ 0, gross margin ≤ 1, ...) and an illegal one gives an
// *InputError naming it. A negative margin is legal and gives a negative CLV.
// Inputs that make a value infinite (zero churn, r = 1 with d = 0, CAC 0 in a
// ratio) return a flagged ±Inf with an error wrapping ErrUnbounded. No formula
// returns NaN.
//
// # Custom formulas
//
// NewCustom turns an expression such as "aov * frequency * lifespan * margin
// - cac" into a registry Formula; Compile turns one into a Program that
// evaluates a []float64 row without allocating, about 2.5× the time of the
// same formula written in Go (BenchmarkExprVsNative). The language (numbers,
// names, + − * / ^ **, comparisons, && || !, if(cond, a, b) and the functions
// min max abs sqrt exp log pow round floor ceil clamp) is described at Parse.
// Names that are not plain identifiers go in backquotes (`gross margin`).
// It is hand-written rather than expr-lang/expr, which would add about 1 MB
// gzipped to the browser's WASM. Sources are limited to MaxExprLen bytes and
// MaxExprDepth levels of nesting, there are no loops, so parsing and
// evaluation are bounded; errors are *ExprError with line and column. A
// non-finite result (division by zero, log of a negative) is returned with
// ErrNonFinite.
//
// # Row rules
//
// CompileRow compiles a row rule: an expression over the columns of one input
// row (a line of an order export), used by the binary's input.where,
// input.amount_expr and input.is_return and the page's matching settings.
// It is the formula language with text added, and nothing more, so that a
// rule can later be translated to SQL one to one. Grammar (EBNF; loosest
// binding first):
//
//	rule    = or
//	or      = and { "||" and }
//	and     = cmp { "&&" cmp }
//	cmp     = sum [ ("<" | "<=" | ">" | ">=" | "==" | "!=") sum ]
//	sum     = product { ("+" | "-") product }
//	product = unary { ("*" | "/") unary }
//	unary   = ("-" | "+" | "!") unary | power
//	power   = primary [ ("^" | "**") unary ]
//	primary = number | string | name | call | "(" or ")"
//	call    = function "(" [ or { "," or } ] ")"
//	name    = (letter | "_") { letter | digit | "_" } | "`" { any but "`" "{" "}" newline } "`"
//	string  = `"` { any but `"` "\" newline | "\" ( `"` | "\" | "n" | "t" | "r" ) } `"`
//
// Types: number, condition and text. A column's type comes from the data
// (ColumnType: a number column when its sampled cells parse as numbers,
// else text). The text additions:
//
//	"..."                 a string
//	a == b, a != b        text equality, exact (case and spaces count);
//	                      text has no < <= > >=
//	starts_with(s, p)     s begins with p           (condition)
//	ends_with(s, p)       s ends with p             (condition)
//	contains(s, p)        p occurs in s             (condition)
//	lower(s)              s in lower case (Unicode) (text)
//	is_empty(c)           the cell of column c, or the text c, is empty or
//	                      only blanks               (condition)
//
// A text column is never a number: comparing it with a number or using it
// in arithmetic is an *ExprError at the operator ("operator == compares
// text with a number (Country is text)"). A number column is read as text,
// its cell as written, where text is expected (compared with a string, an
// argument of a text function), so starts_with(InvoiceNo, "C") works when
// the sampled invoice numbers were all digits. An empty number cell is NaN
// as a number. A where or is_return rule must be a condition, an
// amount_expr a number. Unknown names are errors suggesting the closest
// column (by case first, then by edit distance ≤ 2). Formulas (Parse,
// Compile) accept backquoted names but have no text: strings and text
// functions are errors there, and their evaluation stays a closure tree
// over []float64 that allocates nothing. Row rules evaluate without
// allocating too, except lower, which allocates when it changes its text.
//
// SQL: "a" is 'a'; == and != are = and <>; starts_with(s, p) is s LIKE
// p || '%' with p escaped; ends_with and contains likewise; lower is LOWER;
// is_empty(c) is c IS NULL OR TRIM(c) equal to the empty string; a number
// column read as text is CAST(c AS VARCHAR).
//
// # Sources
//
//   - HubSpot, "How to calculate customer lifetime value" (customer value ×
//     lifespan; lifespan ≈ 1 ÷ churn).
//   - Omniconvert and churnmiser guides (× gross margin).
//   - Qualtrics, "Customer lifetime value" (revenue × years − CAC); Neil Bendle's
//     critique.
//   - Kotler & Keller, Marketing Management; Farris et al., Marketing Metrics
//     (variant a).
//   - Blattberg et al.; Steenburgh & Avery, HBS 511-029 "Marketing Analysis
//     Toolkit: Customer Lifetime Value Analysis" (variant b).
//   - Ofek; Davis (variant c).
//   - Fader & Hardie, "Reconciling and Clarifying CLV Formulas" and "What's
//     Wrong With This CLV Formula?" (2014) (variants, truncated CLV).
//   - ChartMogul, Baremetrics, Finmark help pages (subscription LTV, CAC
//     payback, LTV:CAC).
package formula
