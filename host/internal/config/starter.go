package config

// Starter is the commented clv.toml that `clv init` writes. Every key it
// shows is a real key; Parse accepts it as it is (a test checks).
const Starter = `# clv.toml: how clv scores your customers. Run: clv score --config clv.toml
# Every setting is explained below; delete what you do not need. Keys are
# case-sensitive. A key you delete takes its default; a value you give is used
# as given (margin = 0 gives CLV 0) or is an error, never replaced.

[input]
# The transaction log: one row per order. "-" reads stdin.
path = "transactions.csv"
# csv | jsonl | parquet. Omit to infer from the file name (.csv, .csv.gz, .jsonl, .parquet).
# format = "csv"
# transactions (one row per order) | summary (one row per customer: frequency, recency, T, monetary_value)
kind = "transactions"
# "," ";" "\t" "|" or "whitespace" for files whose columns are separated by runs of spaces.
delimiter = ","
# Set to true when the file has no header row; columns are then 1-based positions ("1", "2").
no_header = false
# YYYY-MM-DD | auto (detected from the first lines) | YYYYMMDD | ISO8601 (time and zone allowed)
# | RFC3339 | unix | tokens such as "DD/MM/YYYY" or "M/D/YYYY H:mm" | a Go layout ("2006-01-02").
date_format = "YYYY-MM-DD"
# auto (plain unless the first lines say otherwise) | plain (1234.56) | "1,234.56" | "1.234,56"
# | "1 234,56". All but plain accept $, €, USD, kr... and negatives as -81.27, (81.27), 81.27-.
amount_format = "auto"
# Skip rows that cannot be read (and report how many) instead of stopping at the first.
skip_bad_rows = false
# Returns (negative amounts): net = refund the latest purchase periods on or before the
# return (a fully refunded order is no purchase) | drop = ignore them | purchase = an
# ordinary row, as lifetimes does.
returns = "net"
# Rows without a customer id (guest checkouts): error = stop at the first | skip = leave
# them out and count them in the report.
missing_customer = "error"
# Row rules over the file's columns (header names; quote a name with spaces or symbols
# in backquotes, as ` + "`Unit Price`" + `), in the formula language plus text: "..." strings,
# == != on text, starts_with, ends_with, contains, lower, is_empty. Each is off when left out.
# Keep only the rows for which a condition holds (the report counts the others):
# where = 'Country == "United Kingdom"'
# Line-item exports: compute the amount instead of naming an amount column
# (remove columns.amount then):
# amount_expr = "Quantity * UnitPrice"
# Mark rows as returns (they refund |amount|), e.g. cancelled invoices:
# is_return = 'starts_with(InvoiceNo, "C")'
# Databases (clv sql): the zone in which a timestamp-with-zone column's date is taken.
# Files keep the date as written in its own offset.
# time_zone = "Europe/Berlin"
# A PostgreSQL database instead of path: url (password from the URL, PGPASSWORD or
# ~/.pgpass; "postgres://" alone takes everything from the PG* variables) and a
# table (kind = "transactions": summarized in the database, one row per customer
# read) or a read-only query (its rows read as a file's would be).
# url = "postgres://clv@localhost:5432/shop"
# table = "orders"
# query = "SELECT customer_id, ordered_at, total FROM orders WHERE total <> 0"

[input.columns]
customer = "customer_id"
date = "date"
amount = "amount"       # order value; omit if you have none (no spend model then)

[time]
# What counts as one purchase period: several orders in one period count once.
grain = "day"           # day | week (ISO, from Monday) | month
# The unit of recency, T and the model's rates.
unit = "week"           # day | week | month | Nd (N days)
# The last day of the data to use (inclusive). There is no implicit "today": runs reproduce.
observation_end = "2024-12-31"
# Optional: hold out the time after this day to check the model's predictions.
# calibration_end = "2024-06-30"

[model]
purchase = "bgnbd"      # bgnbd | paretonbd | mbgnbd | bgbb (bgbb needs grain = unit)
spend = "gammagamma"    # gammagamma | none
penalty = 0.0           # L2 penalty on the parameters (lifetimes' penalizer_coef); 0 = none
horizon_months = 12     # CLV counts purchases in the next N months
annual_discount_rate = 0.10
margin = 0.30           # gross margin as a fraction of revenue, 0..1 (left out: 1, CLV in revenue)
# Score with models fitted before (clv fit --config clv.toml --out bgnbd.json --spend-out gammagamma.json)
# instead of refitting; paths are relative to this file. Their time unit (and grain) must match time.unit.
# load = "bgnbd.json"
# load_spend = "gammagamma.json"
# An extra column of expected purchases over any span: "[count] unit", unit day | week | month | Nd.
# purchase_horizon = "39 week"   # adds expected_purchases_39_week

[rfm]
# The value RFM's M score ranks (after the returns rule; a purchase period counts
# as one order): average_order = value per purchase period, the first included
# (Revenue / (frequency + 1)) | repeat_mean = monetary_value, the mean of the
# repeat periods (0 for one-time buyers) | total = value of all purchase periods.
# A summary input (kind = "summary") has only repeat_mean and uses it.
monetary = "average_order"

# Extra columns, each a [[formulas]] table with a name (the output column) and
# either expr, an expression over columns:
# [[formulas]]
# name = "contribution"
# expr = "clv - 2.5 * expected_purchases"
#
# or builtin, a built-in formula ('clv formulas' lists them with their inputs),
# with inputs giving each input a number or a column's name. An input left out
# takes the example value 'clv formulas' shows. Shares are fractions: 0.3 is 30 %.
# [[formulas]]
# name = "simple_clv"
# builtin = "margin_clv"  # AOV × frequency × lifespan × gross margin
# inputs = { aov = "monetary_value", frequency = "expected_purchases", lifespan = 1, gross_margin = 0.30 }

[segmentation]
map = "default"         # default (the 11 RFM segments) | rules | plugin
# With map = "rules", the first rule that matches names the segment:
# [[segmentation.rules]]
# segment = "VIP"
# when = "clv > 500 && p_alive > 0.8"

[tiers]
column = "clv"          # "" for no tiers
cutoffs = [0.01, 0.10, 0.50]
labels = ["Top 1%", "Top 10%", "Top 50%", "Bottom 50%"]

[output]
path = "scores.csv"     # "-" writes stdout
precision = 6           # decimals of every number, 0..17 (0: whole numbers)
# Spreadsheets run a CSV cell that starts with = + - @ tab or CR as a formula.
# labels: such label cells (segment, tier, plugin labels) get a leading ' (ids unchanged)
# all_text: customer ids too | off: write every cell as it is. Numbers are never changed.
csv_formula_guard = "labels"
# explain = true        # adds a column with one sentence per customer, built from their numbers
# true adds historic_plus_clv after clv: margin to date (revenue so far after
# returns × margin) + clv, the customer's value so far and to come.
historic_value = false

# A PostgreSQL table instead of path: written whole (COPY into a staging table,
# swapped in one transaction). if_exists: fail (default) | replace.
# url = "postgres://clv@localhost:5432/shop"
# table = "clv_scores"
# if_exists = "replace"

# Customer attributes (acquisition channel, country...): written after customer_id in
# the scores, usable in segment rules, and what 'clv groups --by channel' groups by.
# [attributes]
# columns = ["channel"]       # columns of the transaction log: the value at each customer's first purchase
# path = "customers.csv"      # or a customer table, one row per customer (missing customers: "unknown")
# id = "customer_id"          # the table's id column (default: input.columns.customer)

# What acquiring a customer costs, per group, for clv groups (needs [attributes]):
# [acquisition]
# path = "cac.csv"            # columns: group (or the attribute's name), spend, new_customers
#                             # (or cac), optionally period
# cost_column = "acq_cost"    # or a per-customer cost column, read like an attribute
# target_ltv_cac = 3          # the LTV:CAC to keep: max CAC = mean CLV / 3
# min_customers = 30          # groups with fewer customers are flagged as too small to trust
`
