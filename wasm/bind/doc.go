// Package bind is the logic behind the browser page's JavaScript API, in
// plain Go so that it is tested natively: the syscall/js glue in wasm/ only
// converts JSON text and typed arrays and calls these functions.
//
// Every function takes a whole batch (the calculator's full state, a whole
// CSV file, all scored customers), because each call from JavaScript into
// Go costs about 11 µs.
//
//   - Formulas lists core/formula's registry (inputs, units, defaults,
//     explanations, where to find each number).
//   - Calculate evaluates every heuristic formula for one calculator state,
//     with the formulas written out with the user's numbers (Formula.Render),
//     LTV:CAC, payback, the largest affordable CAC, a custom expression, and
//     the series behind the page's charts.
//   - Session holds one uploaded transaction log: Inspect guesses the
//     delimiter, the column mapping and the date format; Score summarizes
//     it (core/summary) and scores it with core/score.Score under Settings,
//     which are core/settings' Settings, the type clv.toml decodes into
//     (same defaults, checks and core options); CSV writes the scored rows
//     with the same columns and fixed precision as clv score's CSV.
//
// Shares are fractions (0.3 = 30 %) as everywhere in the core; the page
// converts percents.
package bind
