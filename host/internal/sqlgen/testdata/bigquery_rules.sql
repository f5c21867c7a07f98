-- row rules: where, amount_expr, is_return (UCI Online Retail style)
WITH
tx AS (
  SELECT CAST(t.`customer_id` AS STRING) AS customer_id,
    CAST(t.`date` AS DATE) AS order_day,
    CASE WHEN ((STARTS_WITH(COALESCE(CAST(t.`InvoiceNo` AS STRING), ''), 'C') OR ENDS_WITH(LOWER(COALESCE(CAST(t.`StockCode` AS STRING), '')), 'post')) OR (STRPOS(COALESCE(CAST(t.`Description` AS STRING), ''), 'it\'s \\ "odd"') > 0)) THEN -ABS(CAST((CAST(t.`Quantity` AS FLOAT64) * CAST(t.`UnitPrice` AS FLOAT64)) AS NUMERIC)) ELSE CAST((CAST(t.`Quantity` AS FLOAT64) * CAST(t.`UnitPrice` AS FLOAT64)) AS NUMERIC) END AS amount,
    CASE WHEN (((STARTS_WITH(COALESCE(CAST(t.`InvoiceNo` AS STRING), ''), 'C') OR ENDS_WITH(LOWER(COALESCE(CAST(t.`StockCode` AS STRING), '')), 'post')) OR (STRPOS(COALESCE(CAST(t.`Description` AS STRING), ''), 'it\'s \\ "odd"') > 0)) OR (CAST((CAST(t.`Quantity` AS FLOAT64) * CAST(t.`UnitPrice` AS FLOAT64)) AS NUMERIC) < 0)) THEN 1 ELSE 0 END AS is_return
  FROM `sales`.`transactions` AS t
  WHERE t.`customer_id` IS NOT NULL
    AND t.`date` IS NOT NULL
    AND CAST((CAST(t.`Quantity` AS FLOAT64) * CAST(t.`UnitPrice` AS FLOAT64)) AS NUMERIC) IS NOT NULL
    AND (((COALESCE(CAST(t.`Country` AS STRING), '') = 'United Kingdom') AND (NOT (TRIM(COALESCE(CAST(t.`CustomerID` AS STRING), ''), ' \t\r') = ''))) AND (CASE WHEN CAST(t.`Quantity` AS FLOAT64) = CAST('0' AS FLOAT64) THEN 0 ELSE 1 END = 1))
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1998-06-30' AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    UNIX_DATE(order_day) AS period_index
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS NUMERIC)) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS NUMERIC) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS NUMERIC)) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS NUMERIC) END) AS repeat_value
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
    (CAST(c.last_period - c.first_period AS FLOAT64) * CAST('1' AS FLOAT64) / CAST('7' AS FLOAT64)) AS recency,
    (CAST(UNIX_DATE(CAST('1998-06-30' AS DATE)) - c.first_period AS FLOAT64) * CAST('1' AS FLOAT64) / CAST('7' AS FLOAT64)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS FLOAT64) / CAST(c.frequency AS FLOAT64) ELSE CAST(0 AS FLOAT64) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS FLOAT64) / CAST(h.frequency_holdout AS FLOAT64) ELSE CAST(0 AS FLOAT64) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
),
ordered AS (
  SELECT customers.*,
    MIN(CASE WHEN LTRIM(customer_id, '0123456789') = '' THEN 1 ELSE 0 END) OVER () AS all_digits
  FROM customers
)
SELECT customer_id AS `customer_id`,
  frequency AS `frequency`,
  recency AS `recency`,
  t_value AS `T`,
  monetary_value AS `monetary_value`
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN LENGTH(LTRIM(customer_id, '0')) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN LTRIM(customer_id, '0') ELSE '' END,
  customer_id
;

-- functions: every function of the rule language
WITH
tx AS (
  SELECT CAST(t.`customer_id` AS STRING) AS customer_id,
    CAST(t.`date` AS DATE) AS order_day,
    CAST(t.`amount` AS NUMERIC) AS amount,
    CASE WHEN (CAST(t.`amount` AS NUMERIC) < 0) THEN 1 ELSE 0 END AS is_return
  FROM `sales`.`transactions` AS t
  WHERE t.`customer_id` IS NOT NULL
    AND t.`date` IS NOT NULL
    AND t.`amount` IS NOT NULL
    AND ((((CASE WHEN ((((((((((((CASE WHEN (CASE WHEN CAST(t.`a` AS FLOAT64) > CAST('1' AS FLOAT64) THEN 1 ELSE 0 END = 1) THEN LEAST(LEAST(CAST(t.`a` AS FLOAT64), CAST(t.`b` AS FLOAT64)), CAST('3' AS FLOAT64)) ELSE GREATEST(CAST(t.`a` AS FLOAT64), CAST('2' AS FLOAT64)) END) + ABS(CAST(t.`a` AS FLOAT64))) + SQRT(CAST(t.`b` AS FLOAT64))) + EXP(CAST('0' AS FLOAT64))) + LN(CAST(t.`b` AS FLOAT64))) + POWER(CAST(t.`a` AS FLOAT64), CAST('2' AS FLOAT64))) + POWER(CAST(t.`a` AS FLOAT64), CAST('2' AS FLOAT64))) + ROUND(CAST(t.`a` AS FLOAT64))) + FLOOR(CAST(t.`a` AS FLOAT64))) + CEIL(CAST(t.`a` AS FLOAT64))) + LEAST(GREATEST(CAST(t.`a` AS FLOAT64), CAST('0' AS FLOAT64)), CAST('9' AS FLOAT64))) - ((-CAST(t.`a` AS FLOAT64)) / CAST('2' AS FLOAT64))) >= CAST('0' AS FLOAT64) THEN 1 ELSE 0 END = 1) OR (CASE WHEN CAST(t.`a` AS FLOAT64) <= CAST('1' AS FLOAT64) THEN 1 ELSE 0 END = 1)) OR (CASE WHEN CAST(t.`a` AS FLOAT64) < CAST('2' AS FLOAT64) THEN 1 ELSE 0 END = 1)) OR (CASE WHEN CAST(t.`a` AS FLOAT64) = CAST('3' AS FLOAT64) THEN 1 ELSE 0 END = 1))
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1998-06-30' AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    UNIX_DATE(order_day) AS period_index
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS NUMERIC)) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS NUMERIC) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS NUMERIC)) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS NUMERIC) END) AS repeat_value
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
    (CAST(c.last_period - c.first_period AS FLOAT64) * CAST('1' AS FLOAT64) / CAST('7' AS FLOAT64)) AS recency,
    (CAST(UNIX_DATE(CAST('1998-06-30' AS DATE)) - c.first_period AS FLOAT64) * CAST('1' AS FLOAT64) / CAST('7' AS FLOAT64)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS FLOAT64) / CAST(c.frequency AS FLOAT64) ELSE CAST(0 AS FLOAT64) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS FLOAT64) / CAST(h.frequency_holdout AS FLOAT64) ELSE CAST(0 AS FLOAT64) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
),
ordered AS (
  SELECT customers.*,
    MIN(CASE WHEN LTRIM(customer_id, '0123456789') = '' THEN 1 ELSE 0 END) OVER () AS all_digits
  FROM customers
)
SELECT customer_id AS `customer_id`,
  frequency AS `frequency`,
  recency AS `recency`,
  t_value AS `T`,
  monetary_value AS `monetary_value`
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN LENGTH(LTRIM(customer_id, '0')) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN LTRIM(customer_id, '0') ELSE '' END,
  customer_id
;

-- time zone, month grain, 14-day unit, calibration
WITH
tx AS (
  SELECT CAST(t.`customer_id` AS STRING) AS customer_id,
    DATE(t.`date`, 'Europe/Berlin') AS order_day,
    CAST(t.`amount` AS NUMERIC) AS amount,
    CASE WHEN (CAST(t.`amount` AS NUMERIC) < 0) THEN 1 ELSE 0 END AS is_return
  FROM `sales`.`transactions` AS t
  WHERE t.`customer_id` IS NOT NULL
    AND t.`date` IS NOT NULL
    AND t.`amount` IS NOT NULL
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1997-09-30' AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    (EXTRACT(YEAR FROM order_day) * 12 + EXTRACT(MONTH FROM order_day) - 1) AS period_index
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS NUMERIC)) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS NUMERIC) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS NUMERIC)) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS NUMERIC) END) AS repeat_value
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
    (CAST(c.last_period - c.first_period AS FLOAT64) * CAST('30.4375' AS FLOAT64) / CAST('14' AS FLOAT64)) AS recency,
    (CAST((EXTRACT(YEAR FROM CAST('1997-09-30' AS DATE)) * 12 + EXTRACT(MONTH FROM CAST('1997-09-30' AS DATE)) - 1) - c.first_period AS FLOAT64) * CAST('30.4375' AS FLOAT64) / CAST('14' AS FLOAT64)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS FLOAT64) / CAST(c.frequency AS FLOAT64) ELSE CAST(0 AS FLOAT64) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS FLOAT64) / CAST(h.frequency_holdout AS FLOAT64) ELSE CAST(0 AS FLOAT64) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
),
ordered AS (
  SELECT customers.*,
    MIN(CASE WHEN LTRIM(customer_id, '0123456789') = '' THEN 1 ELSE 0 END) OVER () AS all_digits
  FROM customers
)
SELECT customer_id AS `customer_id`,
  frequency AS `frequency`,
  recency AS `recency`,
  t_value AS `T`,
  monetary_value AS `monetary_value`,
  frequency_holdout AS `frequency_holdout`,
  monetary_value_holdout AS `monetary_value_holdout`,
  (CAST((EXTRACT(YEAR FROM CAST('1998-06-30' AS DATE)) * 12 + EXTRACT(MONTH FROM CAST('1998-06-30' AS DATE)) - 1) - (EXTRACT(YEAR FROM CAST('1997-09-30' AS DATE)) * 12 + EXTRACT(MONTH FROM CAST('1997-09-30' AS DATE)) - 1) AS FLOAT64) * CAST('30.4375' AS FLOAT64) / CAST('14' AS FLOAT64)) AS `duration_holdout`
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN LENGTH(LTRIM(customer_id, '0')) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN LTRIM(customer_id, '0') ELSE '' END,
  customer_id
;

-- bind parameters: dates, unit, zone and rule values as placeholders
WITH
tx AS (
  SELECT CAST(t.`customer_id` AS STRING) AS customer_id,
    DATE(t.`date`, CAST(@p4 AS STRING)) AS order_day,
    CAST(t.`amount` AS NUMERIC) AS amount,
    CASE WHEN (CAST(t.`amount` AS NUMERIC) < 0) THEN 1 ELSE 0 END AS is_return
  FROM `sales`.`transactions` AS t
  WHERE t.`customer_id` IS NOT NULL
    AND t.`date` IS NOT NULL
    AND t.`amount` IS NOT NULL
    AND ((COALESCE(CAST(t.`Country` AS STRING), '') <> CAST(@p5 AS STRING)) AND (CASE WHEN CAST(t.`Quantity` AS FLOAT64) > CAST(@p6 AS FLOAT64) THEN 1 ELSE 0 END = 1))
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST(@p2 AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    UNIX_DATE(order_day) AS period_index
  FROM tx
  WHERE customer_id <> '' AND order_day <= CAST(@p1 AS DATE)
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS NUMERIC)) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS NUMERIC) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS NUMERIC)) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS NUMERIC) END) AS repeat_value
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
    (CAST(c.last_period - c.first_period AS FLOAT64) * CAST('1' AS FLOAT64) / CAST(@p3 AS FLOAT64)) AS recency,
    (CAST(UNIX_DATE(CAST(@p2 AS DATE)) - c.first_period AS FLOAT64) * CAST('1' AS FLOAT64) / CAST(@p3 AS FLOAT64)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS FLOAT64) / CAST(c.frequency AS FLOAT64) ELSE CAST(0 AS FLOAT64) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS FLOAT64) / CAST(h.frequency_holdout AS FLOAT64) ELSE CAST(0 AS FLOAT64) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
),
ordered AS (
  SELECT customers.*,
    MIN(CASE WHEN LTRIM(customer_id, '0123456789') = '' THEN 1 ELSE 0 END) OVER () AS all_digits
  FROM customers
)
SELECT customer_id AS `customer_id`,
  frequency AS `frequency`,
  recency AS `recency`,
  t_value AS `T`,
  monetary_value AS `monetary_value`,
  frequency_holdout AS `frequency_holdout`,
  monetary_value_holdout AS `monetary_value_holdout`,
  (CAST(UNIX_DATE(CAST(@p1 AS DATE)) - UNIX_DATE(CAST(@p2 AS DATE)) AS FLOAT64) * CAST('1' AS FLOAT64) / CAST(@p3 AS FLOAT64)) AS `duration_holdout`
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN LENGTH(LTRIM(customer_id, '0')) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN LTRIM(customer_id, '0') ELSE '' END,
  customer_id
;
-- args: []interface {}{"1998-06-30", "1997-09-30", 7, "UTC", "DE", 1.5}

-- histogram: week grain, calibration
WITH
tx AS (
  SELECT CAST(t.`customer_id` AS STRING) AS customer_id,
    CAST(t.`date` AS DATE) AS order_day,
    CAST(t.`amount` AS NUMERIC) AS amount,
    CASE WHEN (CAST(t.`amount` AS NUMERIC) < 0) THEN 1 ELSE 0 END AS is_return
  FROM `sales`.`transactions` AS t
  WHERE t.`customer_id` IS NOT NULL
    AND t.`date` IS NOT NULL
    AND t.`amount` IS NOT NULL
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1997-09-30' AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    CAST((UNIX_DATE(DATE_TRUNC(order_day, ISOWEEK)) + 3) / 7 AS INT64) AS period_index
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS NUMERIC)) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS NUMERIC) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS NUMERIC)) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS NUMERIC) END) AS repeat_value
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
    (CAST(c.last_period - c.first_period AS FLOAT64) * CAST('7' AS FLOAT64) / CAST('7' AS FLOAT64)) AS recency,
    (CAST(CAST((UNIX_DATE(DATE_TRUNC(CAST('1997-09-30' AS DATE), ISOWEEK)) + 3) / 7 AS INT64) - c.first_period AS FLOAT64) * CAST('7' AS FLOAT64) / CAST('7' AS FLOAT64)) AS t_value,
    CASE WHEN c.frequency > 0 THEN CAST(c.repeat_value AS FLOAT64) / CAST(c.frequency AS FLOAT64) ELSE CAST(0 AS FLOAT64) END AS monetary_value,
    COALESCE(h.frequency_holdout, 0) AS frequency_holdout,
    CASE WHEN COALESCE(h.frequency_holdout, 0) > 0 THEN CAST(h.holdout_value AS FLOAT64) / CAST(h.frequency_holdout AS FLOAT64) ELSE CAST(0 AS FLOAT64) END AS monetary_value_holdout
  FROM calibration_window AS c
  LEFT JOIN holdout_window AS h ON h.customer_id = c.customer_id
)
SELECT CAST('purchase' AS STRING) AS `kind`, frequency AS `frequency`, recency AS `recency`, t_value AS `T`, CAST(NULL AS FLOAT64) AS `monetary_value`, COUNT(*) AS `customers`
FROM customers
GROUP BY frequency, recency, t_value
UNION ALL
SELECT CAST('spend' AS STRING), frequency, CAST(NULL AS FLOAT64), CAST(NULL AS FLOAT64), monetary_value, COUNT(*)
FROM customers
WHERE frequency > 0
GROUP BY frequency, monetary_value
ORDER BY 1, 2, 3, 4, 5
;

