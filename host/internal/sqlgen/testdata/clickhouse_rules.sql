-- row rules: where, amount_expr, is_return (UCI Online Retail style)
WITH
tx AS (
  SELECT CAST(t."customer_id" AS String) AS customer_id,
    toDate32(t."date") AS order_day,
    CASE WHEN ((startsWith(COALESCE(CAST(t."InvoiceNo" AS String), ''), 'C') OR endsWith(lowerUTF8(COALESCE(CAST(t."StockCode" AS String), '')), 'post')) OR (position(COALESCE(CAST(t."Description" AS String), ''), 'it\'s \\ "odd"') > 0)) THEN -ABS(CAST((CAST(t."Quantity" AS Float64) * CAST(t."UnitPrice" AS Float64)) AS Decimal(38, 9))) ELSE CAST((CAST(t."Quantity" AS Float64) * CAST(t."UnitPrice" AS Float64)) AS Decimal(38, 9)) END AS amount,
    CASE WHEN (((startsWith(COALESCE(CAST(t."InvoiceNo" AS String), ''), 'C') OR endsWith(lowerUTF8(COALESCE(CAST(t."StockCode" AS String), '')), 'post')) OR (position(COALESCE(CAST(t."Description" AS String), ''), 'it\'s \\ "odd"') > 0)) OR (CAST((CAST(t."Quantity" AS Float64) * CAST(t."UnitPrice" AS Float64)) AS Decimal(38, 9)) < 0)) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND CAST((CAST(t."Quantity" AS Float64) * CAST(t."UnitPrice" AS Float64)) AS Decimal(38, 9)) IS NOT NULL
    AND (((COALESCE(CAST(t."Country" AS String), '') = 'United Kingdom') AND (NOT (trim(BOTH ' \t\r' FROM COALESCE(CAST(t."CustomerID" AS String), '')) = ''))) AND (CASE WHEN CAST(t."Quantity" AS Float64) = CAST('0' AS Float64) THEN 0 ELSE 1 END = 1))
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1998-06-30' AS Date32) THEN 1 ELSE 0 END AS in_holdout,
    dateDiff('day', CAST('1970-01-01' AS Date32), order_day) AS period_index
  FROM tx
  WHERE customer_id <> '' AND order_day <= CAST('1998-06-30' AS Date32)
),
periods AS (
  SELECT customer_id, in_holdout, period_index, SUM(amount) AS period_value,
    SUM(1 - is_return) AS orders, MAX(is_return) AS has_return
  FROM kept
  GROUP BY customer_id, in_holdout, period_index
),
running AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    SUM(period_value) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_sum
  FROM periods
),
levels AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS Decimal(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS Decimal(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS Decimal(38, 9))) END AS kept_value
  FROM levels
),
purchases AS (
  SELECT customer_id, in_holdout, period_index, kept_value AS period_value
  FROM netted
  WHERE orders > 0 AND NOT ((has_return = 1 OR kept_value < period_value) AND kept_value <= 0)
),
ranked AS (
  SELECT customer_id, in_holdout, period_index, period_value,
    ROW_NUMBER() OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index) AS period_rank
  FROM purchases
),
calibration_window AS (
  SELECT customer_id, COUNT(*) - 1 AS frequency, MIN(period_index) AS first_period, MAX(period_index) AS last_period,
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS Decimal(38, 9)) END) AS repeat_value
  FROM ranked
  WHERE in_holdout = 0
  GROUP BY customer_id
),
holdout_window AS (
  SELECT customer_id, COUNT(*) AS frequency_holdout, SUM(period_value) AS holdout_value
  FROM ranked
  WHERE in_holdout = 1
  GROUP BY customer_id
),
customers AS (
  SELECT c.customer_id, c.frequency,
    (CAST(c.last_period - c.first_period AS Float64) * CAST('1' AS Float64) / CAST('7' AS Float64)) AS recency,
    (CAST(dateDiff('day', CAST('1970-01-01' AS Date32), CAST('1998-06-30' AS Date32)) - c.first_period AS Float64) * CAST('1' AS Float64) / CAST('7' AS Float64)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS Float64) / CAST(c.frequency AS Float64) ELSE CAST(0 AS Float64) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS Float64) / CAST(h.frequency_holdout AS Float64) ELSE CAST(0 AS Float64) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
),
ordered AS (
  SELECT customers.*,
    MIN(CASE WHEN trim(LEADING '0123456789' FROM customer_id) = '' THEN 1 ELSE 0 END) OVER () AS all_digits
  FROM customers
)
SELECT customer_id AS "customer_id",
  frequency AS "frequency",
  recency AS "recency",
  t_value AS "T",
  monetary_value AS "monetary_value"
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN length(trim(LEADING '0' FROM customer_id)) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN trim(LEADING '0' FROM customer_id) ELSE '' END,
  customer_id
;

-- functions: every function of the rule language
WITH
tx AS (
  SELECT CAST(t."customer_id" AS String) AS customer_id,
    toDate32(t."date") AS order_day,
    CAST(t."amount" AS Decimal(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS Decimal(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND t."amount" IS NOT NULL
    AND ((((CASE WHEN ((((((((((((CASE WHEN (CASE WHEN CAST(t."a" AS Float64) > CAST('1' AS Float64) THEN 1 ELSE 0 END = 1) THEN LEAST(LEAST(CAST(t."a" AS Float64), CAST(t."b" AS Float64)), CAST('3' AS Float64)) ELSE GREATEST(CAST(t."a" AS Float64), CAST('2' AS Float64)) END) + ABS(CAST(t."a" AS Float64))) + SQRT(CAST(t."b" AS Float64))) + EXP(CAST('0' AS Float64))) + log(CAST(t."b" AS Float64))) + POWER(CAST(t."a" AS Float64), CAST('2' AS Float64))) + POWER(CAST(t."a" AS Float64), CAST('2' AS Float64))) + (SIGN(CAST(t."a" AS Float64)) * FLOOR(ABS(CAST(t."a" AS Float64)) + 0.5))) + FLOOR(CAST(t."a" AS Float64))) + CEIL(CAST(t."a" AS Float64))) + LEAST(GREATEST(CAST(t."a" AS Float64), CAST('0' AS Float64)), CAST('9' AS Float64))) - ((-CAST(t."a" AS Float64)) / CAST('2' AS Float64))) >= CAST('0' AS Float64) THEN 1 ELSE 0 END = 1) OR (CASE WHEN CAST(t."a" AS Float64) <= CAST('1' AS Float64) THEN 1 ELSE 0 END = 1)) OR (CASE WHEN CAST(t."a" AS Float64) < CAST('2' AS Float64) THEN 1 ELSE 0 END = 1)) OR (CASE WHEN CAST(t."a" AS Float64) = CAST('3' AS Float64) THEN 1 ELSE 0 END = 1))
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1998-06-30' AS Date32) THEN 1 ELSE 0 END AS in_holdout,
    dateDiff('day', CAST('1970-01-01' AS Date32), order_day) AS period_index
  FROM tx
  WHERE customer_id <> '' AND order_day <= CAST('1998-06-30' AS Date32)
),
periods AS (
  SELECT customer_id, in_holdout, period_index, SUM(amount) AS period_value,
    SUM(1 - is_return) AS orders, MAX(is_return) AS has_return
  FROM kept
  GROUP BY customer_id, in_holdout, period_index
),
running AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    SUM(period_value) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_sum
  FROM periods
),
levels AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS Decimal(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS Decimal(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS Decimal(38, 9))) END AS kept_value
  FROM levels
),
purchases AS (
  SELECT customer_id, in_holdout, period_index, kept_value AS period_value
  FROM netted
  WHERE orders > 0 AND NOT ((has_return = 1 OR kept_value < period_value) AND kept_value <= 0)
),
ranked AS (
  SELECT customer_id, in_holdout, period_index, period_value,
    ROW_NUMBER() OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index) AS period_rank
  FROM purchases
),
calibration_window AS (
  SELECT customer_id, COUNT(*) - 1 AS frequency, MIN(period_index) AS first_period, MAX(period_index) AS last_period,
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS Decimal(38, 9)) END) AS repeat_value
  FROM ranked
  WHERE in_holdout = 0
  GROUP BY customer_id
),
holdout_window AS (
  SELECT customer_id, COUNT(*) AS frequency_holdout, SUM(period_value) AS holdout_value
  FROM ranked
  WHERE in_holdout = 1
  GROUP BY customer_id
),
customers AS (
  SELECT c.customer_id, c.frequency,
    (CAST(c.last_period - c.first_period AS Float64) * CAST('1' AS Float64) / CAST('7' AS Float64)) AS recency,
    (CAST(dateDiff('day', CAST('1970-01-01' AS Date32), CAST('1998-06-30' AS Date32)) - c.first_period AS Float64) * CAST('1' AS Float64) / CAST('7' AS Float64)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS Float64) / CAST(c.frequency AS Float64) ELSE CAST(0 AS Float64) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS Float64) / CAST(h.frequency_holdout AS Float64) ELSE CAST(0 AS Float64) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
),
ordered AS (
  SELECT customers.*,
    MIN(CASE WHEN trim(LEADING '0123456789' FROM customer_id) = '' THEN 1 ELSE 0 END) OVER () AS all_digits
  FROM customers
)
SELECT customer_id AS "customer_id",
  frequency AS "frequency",
  recency AS "recency",
  t_value AS "T",
  monetary_value AS "monetary_value"
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN length(trim(LEADING '0' FROM customer_id)) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN trim(LEADING '0' FROM customer_id) ELSE '' END,
  customer_id
;

-- time zone, month grain, 14-day unit, calibration
WITH
tx AS (
  SELECT CAST(t."customer_id" AS String) AS customer_id,
    toDate32(t."date", 'Europe/Berlin') AS order_day,
    CAST(t."amount" AS Decimal(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS Decimal(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND t."amount" IS NOT NULL
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1997-09-30' AS Date32) THEN 1 ELSE 0 END AS in_holdout,
    (toInt64(toYear(order_day)) * 12 + toMonth(order_day) - 1) AS period_index
  FROM tx
  WHERE customer_id <> '' AND order_day <= CAST('1998-06-30' AS Date32)
),
periods AS (
  SELECT customer_id, in_holdout, period_index, SUM(amount) AS period_value,
    SUM(1 - is_return) AS orders, MAX(is_return) AS has_return
  FROM kept
  GROUP BY customer_id, in_holdout, period_index
),
running AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    SUM(period_value) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_sum
  FROM periods
),
levels AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS Decimal(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS Decimal(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS Decimal(38, 9))) END AS kept_value
  FROM levels
),
purchases AS (
  SELECT customer_id, in_holdout, period_index, kept_value AS period_value
  FROM netted
  WHERE orders > 0 AND NOT ((has_return = 1 OR kept_value < period_value) AND kept_value <= 0)
),
ranked AS (
  SELECT customer_id, in_holdout, period_index, period_value,
    ROW_NUMBER() OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index) AS period_rank
  FROM purchases
),
calibration_window AS (
  SELECT customer_id, COUNT(*) - 1 AS frequency, MIN(period_index) AS first_period, MAX(period_index) AS last_period,
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS Decimal(38, 9)) END) AS repeat_value
  FROM ranked
  WHERE in_holdout = 0
  GROUP BY customer_id
),
holdout_window AS (
  SELECT customer_id, COUNT(*) AS frequency_holdout, SUM(period_value) AS holdout_value
  FROM ranked
  WHERE in_holdout = 1
  GROUP BY customer_id
),
customers AS (
  SELECT c.customer_id, c.frequency,
    (CAST(c.last_period - c.first_period AS Float64) * CAST('30.4375' AS Float64) / CAST('14' AS Float64)) AS recency,
    (CAST((toInt64(toYear(CAST('1997-09-30' AS Date32))) * 12 + toMonth(CAST('1997-09-30' AS Date32)) - 1) - c.first_period AS Float64) * CAST('30.4375' AS Float64) / CAST('14' AS Float64)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS Float64) / CAST(c.frequency AS Float64) ELSE CAST(0 AS Float64) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS Float64) / CAST(h.frequency_holdout AS Float64) ELSE CAST(0 AS Float64) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
),
ordered AS (
  SELECT customers.*,
    MIN(CASE WHEN trim(LEADING '0123456789' FROM customer_id) = '' THEN 1 ELSE 0 END) OVER () AS all_digits
  FROM customers
)
SELECT customer_id AS "customer_id",
  frequency AS "frequency",
  recency AS "recency",
  t_value AS "T",
  monetary_value AS "monetary_value",
  frequency_holdout AS "frequency_holdout",
  monetary_value_holdout AS "monetary_value_holdout",
  (CAST((toInt64(toYear(CAST('1998-06-30' AS Date32))) * 12 + toMonth(CAST('1998-06-30' AS Date32)) - 1) - (toInt64(toYear(CAST('1997-09-30' AS Date32))) * 12 + toMonth(CAST('1997-09-30' AS Date32)) - 1) AS Float64) * CAST('30.4375' AS Float64) / CAST('14' AS Float64)) AS "duration_holdout"
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN length(trim(LEADING '0' FROM customer_id)) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN trim(LEADING '0' FROM customer_id) ELSE '' END,
  customer_id
;

-- bind parameters: dates, unit, zone and rule values as placeholders
WITH
tx AS (
  SELECT CAST(t."customer_id" AS String) AS customer_id,
    toDate32(t."date", {p4:String}) AS order_day,
    CAST(t."amount" AS Decimal(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS Decimal(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND t."amount" IS NOT NULL
    AND ((COALESCE(CAST(t."Country" AS String), '') <> {p5:String}) AND (CASE WHEN CAST(t."Quantity" AS Float64) > {p6:Float64} THEN 1 ELSE 0 END = 1))
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > {p2:Date32} THEN 1 ELSE 0 END AS in_holdout,
    dateDiff('day', CAST('1970-01-01' AS Date32), order_day) AS period_index
  FROM tx
  WHERE customer_id <> '' AND order_day <= {p1:Date32}
),
periods AS (
  SELECT customer_id, in_holdout, period_index, SUM(amount) AS period_value,
    SUM(1 - is_return) AS orders, MAX(is_return) AS has_return
  FROM kept
  GROUP BY customer_id, in_holdout, period_index
),
running AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    SUM(period_value) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_sum
  FROM periods
),
levels AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS Decimal(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS Decimal(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS Decimal(38, 9))) END AS kept_value
  FROM levels
),
purchases AS (
  SELECT customer_id, in_holdout, period_index, kept_value AS period_value
  FROM netted
  WHERE orders > 0 AND NOT ((has_return = 1 OR kept_value < period_value) AND kept_value <= 0)
),
ranked AS (
  SELECT customer_id, in_holdout, period_index, period_value,
    ROW_NUMBER() OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index) AS period_rank
  FROM purchases
),
calibration_window AS (
  SELECT customer_id, COUNT(*) - 1 AS frequency, MIN(period_index) AS first_period, MAX(period_index) AS last_period,
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS Decimal(38, 9)) END) AS repeat_value
  FROM ranked
  WHERE in_holdout = 0
  GROUP BY customer_id
),
holdout_window AS (
  SELECT customer_id, COUNT(*) AS frequency_holdout, SUM(period_value) AS holdout_value
  FROM ranked
  WHERE in_holdout = 1
  GROUP BY customer_id
),
customers AS (
  SELECT c.customer_id, c.frequency,
    (CAST(c.last_period - c.first_period AS Float64) * CAST('1' AS Float64) / {p3:Float64}) AS recency,
    (CAST(dateDiff('day', CAST('1970-01-01' AS Date32), {p2:Date32}) - c.first_period AS Float64) * CAST('1' AS Float64) / {p3:Float64}) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS Float64) / CAST(c.frequency AS Float64) ELSE CAST(0 AS Float64) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS Float64) / CAST(h.frequency_holdout AS Float64) ELSE CAST(0 AS Float64) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
),
ordered AS (
  SELECT customers.*,
    MIN(CASE WHEN trim(LEADING '0123456789' FROM customer_id) = '' THEN 1 ELSE 0 END) OVER () AS all_digits
  FROM customers
)
SELECT customer_id AS "customer_id",
  frequency AS "frequency",
  recency AS "recency",
  t_value AS "T",
  monetary_value AS "monetary_value",
  frequency_holdout AS "frequency_holdout",
  monetary_value_holdout AS "monetary_value_holdout",
  (CAST(dateDiff('day', CAST('1970-01-01' AS Date32), {p1:Date32}) - dateDiff('day', CAST('1970-01-01' AS Date32), {p2:Date32}) AS Float64) * CAST('1' AS Float64) / {p3:Float64}) AS "duration_holdout"
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN length(trim(LEADING '0' FROM customer_id)) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN trim(LEADING '0' FROM customer_id) ELSE '' END,
  customer_id
;
-- args: []interface {}{"1998-06-30", "1997-09-30", 7, "UTC", "DE", 1.5}

-- histogram: week grain, calibration
WITH
tx AS (
  SELECT CAST(t."customer_id" AS String) AS customer_id,
    toDate32(t."date") AS order_day,
    CAST(t."amount" AS Decimal(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS Decimal(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND t."amount" IS NOT NULL
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1997-09-30' AS Date32) THEN 1 ELSE 0 END AS in_holdout,
    CAST((dateDiff('day', CAST('1970-01-01' AS Date32), toMonday(order_day)) + 3) / 7 AS Int64) AS period_index
  FROM tx
  WHERE customer_id <> '' AND order_day <= CAST('1998-06-30' AS Date32)
),
periods AS (
  SELECT customer_id, in_holdout, period_index, SUM(amount) AS period_value,
    SUM(1 - is_return) AS orders, MAX(is_return) AS has_return
  FROM kept
  GROUP BY customer_id, in_holdout, period_index
),
running AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    SUM(period_value) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS running_sum
  FROM periods
),
levels AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS Decimal(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS Decimal(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS Decimal(38, 9))) END AS kept_value
  FROM levels
),
purchases AS (
  SELECT customer_id, in_holdout, period_index, kept_value AS period_value
  FROM netted
  WHERE orders > 0 AND NOT ((has_return = 1 OR kept_value < period_value) AND kept_value <= 0)
),
ranked AS (
  SELECT customer_id, in_holdout, period_index, period_value,
    ROW_NUMBER() OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index) AS period_rank
  FROM purchases
),
calibration_window AS (
  SELECT customer_id, COUNT(*) - 1 AS frequency, MIN(period_index) AS first_period, MAX(period_index) AS last_period,
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS Decimal(38, 9)) END) AS repeat_value
  FROM ranked
  WHERE in_holdout = 0
  GROUP BY customer_id
),
holdout_window AS (
  SELECT customer_id, COUNT(*) AS frequency_holdout, SUM(period_value) AS holdout_value
  FROM ranked
  WHERE in_holdout = 1
  GROUP BY customer_id
),
customers AS (
  SELECT c.customer_id, c.frequency,
    (CAST(c.last_period - c.first_period AS Float64) * CAST('7' AS Float64) / CAST('7' AS Float64)) AS recency,
    (CAST(CAST((dateDiff('day', CAST('1970-01-01' AS Date32), toMonday(CAST('1997-09-30' AS Date32))) + 3) / 7 AS Int64) - c.first_period AS Float64) * CAST('7' AS Float64) / CAST('7' AS Float64)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS Float64) / CAST(c.frequency AS Float64) ELSE CAST(0 AS Float64) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS Float64) / CAST(h.frequency_holdout AS Float64) ELSE CAST(0 AS Float64) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
)
SELECT CAST('purchase' AS String) AS "kind", frequency AS "frequency", recency AS "recency", t_value AS "T", CAST(NULL AS Float64) AS "monetary_value", COUNT(*) AS "customers"
FROM customers
GROUP BY frequency, recency, t_value
UNION ALL
SELECT CAST('spend' AS String), frequency, CAST(NULL AS Float64), CAST(NULL AS Float64), monetary_value, COUNT(*)
FROM customers
WHERE frequency > 0
GROUP BY frequency, monetary_value
ORDER BY 1, 2, 3, 4, 5
;

