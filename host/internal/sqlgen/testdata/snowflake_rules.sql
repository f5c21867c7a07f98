-- row rules: where, amount_expr, is_return (UCI Online Retail style)
WITH
tx AS (
  SELECT CAST(t."customer_id" AS VARCHAR) AS customer_id,
    CAST(t."date" AS DATE) AS order_day,
    CASE WHEN ((STARTSWITH(COALESCE(CAST(t."InvoiceNo" AS VARCHAR), ''), 'C') OR ENDSWITH(LOWER(COALESCE(CAST(t."StockCode" AS VARCHAR), '')), 'post')) OR CONTAINS(COALESCE(CAST(t."Description" AS VARCHAR), ''), 'it\'s \\ "odd"')) THEN -ABS(CAST((CAST(t."Quantity" AS DOUBLE) * CAST(t."UnitPrice" AS DOUBLE)) AS NUMBER(38, 9))) ELSE CAST((CAST(t."Quantity" AS DOUBLE) * CAST(t."UnitPrice" AS DOUBLE)) AS NUMBER(38, 9)) END AS amount,
    CASE WHEN (((STARTSWITH(COALESCE(CAST(t."InvoiceNo" AS VARCHAR), ''), 'C') OR ENDSWITH(LOWER(COALESCE(CAST(t."StockCode" AS VARCHAR), '')), 'post')) OR CONTAINS(COALESCE(CAST(t."Description" AS VARCHAR), ''), 'it\'s \\ "odd"')) OR (CAST((CAST(t."Quantity" AS DOUBLE) * CAST(t."UnitPrice" AS DOUBLE)) AS NUMBER(38, 9)) < 0)) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND CAST((CAST(t."Quantity" AS DOUBLE) * CAST(t."UnitPrice" AS DOUBLE)) AS NUMBER(38, 9)) IS NOT NULL
    AND (((COALESCE(CAST(t."Country" AS VARCHAR), '') = 'United Kingdom') AND (NOT (TRIM(COALESCE(CAST(t."CustomerID" AS VARCHAR), ''), ' \t\r') = ''))) AND (CASE WHEN CAST(t."Quantity" AS DOUBLE) = CAST('0' AS DOUBLE) THEN 0 ELSE 1 END = 1))
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1998-06-30' AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    DATEDIFF(day, CAST('1970-01-01' AS DATE), order_day) AS period_index
  FROM tx
  WHERE customer_id <> '' AND order_day <= CAST('1998-06-30' AS DATE)
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS NUMBER(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS NUMBER(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS NUMBER(38, 9))) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS NUMBER(38, 9)) END) AS repeat_value
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
    (CAST(c.last_period - c.first_period AS DOUBLE) * CAST('1' AS DOUBLE) / CAST('7' AS DOUBLE)) AS recency,
    (CAST(DATEDIFF(day, CAST('1970-01-01' AS DATE), CAST('1998-06-30' AS DATE)) - c.first_period AS DOUBLE) * CAST('1' AS DOUBLE) / CAST('7' AS DOUBLE)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS DOUBLE) / CAST(c.frequency AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS DOUBLE) / CAST(h.frequency_holdout AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
),
ordered AS (
  SELECT customers.*,
    MIN(CASE WHEN LTRIM(customer_id, '0123456789') = '' THEN 1 ELSE 0 END) OVER () AS all_digits
  FROM customers
)
SELECT customer_id AS "customer_id",
  frequency AS "frequency",
  recency AS "recency",
  t_value AS "T",
  monetary_value AS "monetary_value"
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN LENGTH(LTRIM(customer_id, '0')) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN LTRIM(customer_id, '0') ELSE '' END,
  customer_id
;

-- functions: every function of the rule language
WITH
tx AS (
  SELECT CAST(t."customer_id" AS VARCHAR) AS customer_id,
    CAST(t."date" AS DATE) AS order_day,
    CAST(t."amount" AS NUMBER(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS NUMBER(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND t."amount" IS NOT NULL
    AND ((((CASE WHEN ((((((((((((CASE WHEN (CASE WHEN CAST(t."a" AS DOUBLE) > CAST('1' AS DOUBLE) THEN 1 ELSE 0 END = 1) THEN LEAST(LEAST(CAST(t."a" AS DOUBLE), CAST(t."b" AS DOUBLE)), CAST('3' AS DOUBLE)) ELSE GREATEST(CAST(t."a" AS DOUBLE), CAST('2' AS DOUBLE)) END) + ABS(CAST(t."a" AS DOUBLE))) + SQRT(CAST(t."b" AS DOUBLE))) + EXP(CAST('0' AS DOUBLE))) + LN(CAST(t."b" AS DOUBLE))) + POWER(CAST(t."a" AS DOUBLE), CAST('2' AS DOUBLE))) + POWER(CAST(t."a" AS DOUBLE), CAST('2' AS DOUBLE))) + ROUND(CAST(t."a" AS DOUBLE))) + FLOOR(CAST(t."a" AS DOUBLE))) + CEIL(CAST(t."a" AS DOUBLE))) + LEAST(GREATEST(CAST(t."a" AS DOUBLE), CAST('0' AS DOUBLE)), CAST('9' AS DOUBLE))) - ((-CAST(t."a" AS DOUBLE)) / CAST('2' AS DOUBLE))) >= CAST('0' AS DOUBLE) THEN 1 ELSE 0 END = 1) OR (CASE WHEN CAST(t."a" AS DOUBLE) <= CAST('1' AS DOUBLE) THEN 1 ELSE 0 END = 1)) OR (CASE WHEN CAST(t."a" AS DOUBLE) < CAST('2' AS DOUBLE) THEN 1 ELSE 0 END = 1)) OR (CASE WHEN CAST(t."a" AS DOUBLE) = CAST('3' AS DOUBLE) THEN 1 ELSE 0 END = 1))
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1998-06-30' AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    DATEDIFF(day, CAST('1970-01-01' AS DATE), order_day) AS period_index
  FROM tx
  WHERE customer_id <> '' AND order_day <= CAST('1998-06-30' AS DATE)
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS NUMBER(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS NUMBER(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS NUMBER(38, 9))) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS NUMBER(38, 9)) END) AS repeat_value
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
    (CAST(c.last_period - c.first_period AS DOUBLE) * CAST('1' AS DOUBLE) / CAST('7' AS DOUBLE)) AS recency,
    (CAST(DATEDIFF(day, CAST('1970-01-01' AS DATE), CAST('1998-06-30' AS DATE)) - c.first_period AS DOUBLE) * CAST('1' AS DOUBLE) / CAST('7' AS DOUBLE)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS DOUBLE) / CAST(c.frequency AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS DOUBLE) / CAST(h.frequency_holdout AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
),
ordered AS (
  SELECT customers.*,
    MIN(CASE WHEN LTRIM(customer_id, '0123456789') = '' THEN 1 ELSE 0 END) OVER () AS all_digits
  FROM customers
)
SELECT customer_id AS "customer_id",
  frequency AS "frequency",
  recency AS "recency",
  t_value AS "T",
  monetary_value AS "monetary_value"
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN LENGTH(LTRIM(customer_id, '0')) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN LTRIM(customer_id, '0') ELSE '' END,
  customer_id
;

-- time zone, month grain, 14-day unit, calibration
WITH
tx AS (
  SELECT CAST(t."customer_id" AS VARCHAR) AS customer_id,
    CAST(CONVERT_TIMEZONE('Europe/Berlin', t."date") AS DATE) AS order_day,
    CAST(t."amount" AS NUMBER(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS NUMBER(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND t."amount" IS NOT NULL
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1997-09-30' AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    (year(order_day) * 12 + month(order_day) - 1) AS period_index
  FROM tx
  WHERE customer_id <> '' AND order_day <= CAST('1998-06-30' AS DATE)
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS NUMBER(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS NUMBER(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS NUMBER(38, 9))) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS NUMBER(38, 9)) END) AS repeat_value
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
    (CAST(c.last_period - c.first_period AS DOUBLE) * CAST('30.4375' AS DOUBLE) / CAST('14' AS DOUBLE)) AS recency,
    (CAST((year(CAST('1997-09-30' AS DATE)) * 12 + month(CAST('1997-09-30' AS DATE)) - 1) - c.first_period AS DOUBLE) * CAST('30.4375' AS DOUBLE) / CAST('14' AS DOUBLE)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS DOUBLE) / CAST(c.frequency AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS DOUBLE) / CAST(h.frequency_holdout AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
),
ordered AS (
  SELECT customers.*,
    MIN(CASE WHEN LTRIM(customer_id, '0123456789') = '' THEN 1 ELSE 0 END) OVER () AS all_digits
  FROM customers
)
SELECT customer_id AS "customer_id",
  frequency AS "frequency",
  recency AS "recency",
  t_value AS "T",
  monetary_value AS "monetary_value",
  frequency_holdout AS "frequency_holdout",
  monetary_value_holdout AS "monetary_value_holdout",
  (CAST((year(CAST('1998-06-30' AS DATE)) * 12 + month(CAST('1998-06-30' AS DATE)) - 1) - (year(CAST('1997-09-30' AS DATE)) * 12 + month(CAST('1997-09-30' AS DATE)) - 1) AS DOUBLE) * CAST('30.4375' AS DOUBLE) / CAST('14' AS DOUBLE)) AS "duration_holdout"
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN LENGTH(LTRIM(customer_id, '0')) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN LTRIM(customer_id, '0') ELSE '' END,
  customer_id
;

-- bind parameters: dates, unit, zone and rule values as placeholders
WITH
tx AS (
  SELECT CAST(t."customer_id" AS VARCHAR) AS customer_id,
    CAST(CONVERT_TIMEZONE(CAST(:4 AS VARCHAR), t."date") AS DATE) AS order_day,
    CAST(t."amount" AS NUMBER(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS NUMBER(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND t."amount" IS NOT NULL
    AND ((COALESCE(CAST(t."Country" AS VARCHAR), '') <> CAST(:5 AS VARCHAR)) AND (CASE WHEN CAST(t."Quantity" AS DOUBLE) > CAST(:6 AS DOUBLE) THEN 1 ELSE 0 END = 1))
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST(:2 AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    DATEDIFF(day, CAST('1970-01-01' AS DATE), order_day) AS period_index
  FROM tx
  WHERE customer_id <> '' AND order_day <= CAST(:1 AS DATE)
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS NUMBER(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS NUMBER(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS NUMBER(38, 9))) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS NUMBER(38, 9)) END) AS repeat_value
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
    (CAST(c.last_period - c.first_period AS DOUBLE) * CAST('1' AS DOUBLE) / CAST(:3 AS DOUBLE)) AS recency,
    (CAST(DATEDIFF(day, CAST('1970-01-01' AS DATE), CAST(:2 AS DATE)) - c.first_period AS DOUBLE) * CAST('1' AS DOUBLE) / CAST(:3 AS DOUBLE)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS DOUBLE) / CAST(c.frequency AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS DOUBLE) / CAST(h.frequency_holdout AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
),
ordered AS (
  SELECT customers.*,
    MIN(CASE WHEN LTRIM(customer_id, '0123456789') = '' THEN 1 ELSE 0 END) OVER () AS all_digits
  FROM customers
)
SELECT customer_id AS "customer_id",
  frequency AS "frequency",
  recency AS "recency",
  t_value AS "T",
  monetary_value AS "monetary_value",
  frequency_holdout AS "frequency_holdout",
  monetary_value_holdout AS "monetary_value_holdout",
  (CAST(DATEDIFF(day, CAST('1970-01-01' AS DATE), CAST(:1 AS DATE)) - DATEDIFF(day, CAST('1970-01-01' AS DATE), CAST(:2 AS DATE)) AS DOUBLE) * CAST('1' AS DOUBLE) / CAST(:3 AS DOUBLE)) AS "duration_holdout"
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN LENGTH(LTRIM(customer_id, '0')) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN LTRIM(customer_id, '0') ELSE '' END,
  customer_id
;
-- args: []interface {}{"1998-06-30", "1997-09-30", 7, "UTC", "DE", 1.5}

-- histogram: week grain, calibration
WITH
tx AS (
  SELECT CAST(t."customer_id" AS VARCHAR) AS customer_id,
    CAST(t."date" AS DATE) AS order_day,
    CAST(t."amount" AS NUMBER(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS NUMBER(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND t."amount" IS NOT NULL
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1997-09-30' AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    CAST((DATEDIFF(day, CAST('1970-01-01' AS DATE), DATEADD(day, 1 - DAYOFWEEKISO(order_day), order_day)) + 3) / 7 AS BIGINT) AS period_index
  FROM tx
  WHERE customer_id <> '' AND order_day <= CAST('1998-06-30' AS DATE)
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS NUMBER(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS NUMBER(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS NUMBER(38, 9))) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS NUMBER(38, 9)) END) AS repeat_value
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
    (CAST(c.last_period - c.first_period AS DOUBLE) * CAST('7' AS DOUBLE) / CAST('7' AS DOUBLE)) AS recency,
    (CAST(CAST((DATEDIFF(day, CAST('1970-01-01' AS DATE), DATEADD(day, 1 - DAYOFWEEKISO(CAST('1997-09-30' AS DATE)), CAST('1997-09-30' AS DATE))) + 3) / 7 AS BIGINT) - c.first_period AS DOUBLE) * CAST('7' AS DOUBLE) / CAST('7' AS DOUBLE)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS DOUBLE) / CAST(c.frequency AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS DOUBLE) / CAST(h.frequency_holdout AS DOUBLE) ELSE CAST(0 AS DOUBLE) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
)
SELECT CAST('purchase' AS VARCHAR) AS "kind", frequency AS "frequency", recency AS "recency", t_value AS "T", CAST(NULL AS DOUBLE) AS "monetary_value", COUNT(*) AS "customers"
FROM customers
GROUP BY frequency, recency, t_value
UNION ALL
SELECT CAST('spend' AS VARCHAR), frequency, CAST(NULL AS DOUBLE), CAST(NULL AS DOUBLE), monetary_value, COUNT(*)
FROM customers
WHERE frequency > 0
GROUP BY frequency, monetary_value
ORDER BY 1, 2, 3, 4, 5
;

