-- clv sql --dialect duckdb --returns net --grain day --unit week --observation-end 1998-06-30
WITH
tx AS (
  SELECT CAST(t."customer_id" AS VARCHAR) AS customer_id,
    CAST(t."date" AS DATE) AS order_day,
    CAST(t."amount" AS DECIMAL(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS DECIMAL(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND t."amount" IS NOT NULL
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1998-06-30' AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    date_diff('day', CAST('1970-01-01' AS DATE), order_day) AS period_index
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS DECIMAL(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS DECIMAL(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS DECIMAL(38, 9))) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS DECIMAL(38, 9)) END) AS repeat_value
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
    (CAST(date_diff('day', CAST('1970-01-01' AS DATE), CAST('1998-06-30' AS DATE)) - c.first_period AS DOUBLE) * CAST('1' AS DOUBLE) / CAST('7' AS DOUBLE)) AS t_value,
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

-- clv sql --dialect duckdb --returns net --grain day --unit week --observation-end 1998-06-30 --calibration-end 1997-09-30
WITH
tx AS (
  SELECT CAST(t."customer_id" AS VARCHAR) AS customer_id,
    CAST(t."date" AS DATE) AS order_day,
    CAST(t."amount" AS DECIMAL(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS DECIMAL(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND t."amount" IS NOT NULL
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1997-09-30' AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    date_diff('day', CAST('1970-01-01' AS DATE), order_day) AS period_index
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS DECIMAL(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS DECIMAL(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS DECIMAL(38, 9))) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS DECIMAL(38, 9)) END) AS repeat_value
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
    (CAST(date_diff('day', CAST('1970-01-01' AS DATE), CAST('1997-09-30' AS DATE)) - c.first_period AS DOUBLE) * CAST('1' AS DOUBLE) / CAST('7' AS DOUBLE)) AS t_value,
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
  (CAST(date_diff('day', CAST('1970-01-01' AS DATE), CAST('1998-06-30' AS DATE)) - date_diff('day', CAST('1970-01-01' AS DATE), CAST('1997-09-30' AS DATE)) AS DOUBLE) * CAST('1' AS DOUBLE) / CAST('7' AS DOUBLE)) AS "duration_holdout"
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN LENGTH(LTRIM(customer_id, '0')) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN LTRIM(customer_id, '0') ELSE '' END,
  customer_id
;

-- clv sql --dialect duckdb --returns net --grain week --unit week --observation-end 1998-06-30
WITH
tx AS (
  SELECT CAST(t."customer_id" AS VARCHAR) AS customer_id,
    CAST(t."date" AS DATE) AS order_day,
    CAST(t."amount" AS DECIMAL(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS DECIMAL(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND t."amount" IS NOT NULL
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1998-06-30' AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    CAST((date_diff('day', CAST('1970-01-01' AS DATE), CAST(date_trunc('week', order_day) AS DATE)) + 3) / 7 AS BIGINT) AS period_index
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS DECIMAL(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS DECIMAL(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS DECIMAL(38, 9))) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS DECIMAL(38, 9)) END) AS repeat_value
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
    (CAST(CAST((date_diff('day', CAST('1970-01-01' AS DATE), CAST(date_trunc('week', CAST('1998-06-30' AS DATE)) AS DATE)) + 3) / 7 AS BIGINT) - c.first_period AS DOUBLE) * CAST('7' AS DOUBLE) / CAST('7' AS DOUBLE)) AS t_value,
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

-- clv sql --dialect duckdb --returns net --grain week --unit week --observation-end 1998-06-30 --calibration-end 1997-09-30
WITH
tx AS (
  SELECT CAST(t."customer_id" AS VARCHAR) AS customer_id,
    CAST(t."date" AS DATE) AS order_day,
    CAST(t."amount" AS DECIMAL(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS DECIMAL(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND t."amount" IS NOT NULL
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1997-09-30' AS DATE) THEN 1 ELSE 0 END AS in_holdout,
    CAST((date_diff('day', CAST('1970-01-01' AS DATE), CAST(date_trunc('week', order_day) AS DATE)) + 3) / 7 AS BIGINT) AS period_index
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS DECIMAL(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS DECIMAL(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS DECIMAL(38, 9))) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS DECIMAL(38, 9)) END) AS repeat_value
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
    (CAST(CAST((date_diff('day', CAST('1970-01-01' AS DATE), CAST(date_trunc('week', CAST('1997-09-30' AS DATE)) AS DATE)) + 3) / 7 AS BIGINT) - c.first_period AS DOUBLE) * CAST('7' AS DOUBLE) / CAST('7' AS DOUBLE)) AS t_value,
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
  (CAST(CAST((date_diff('day', CAST('1970-01-01' AS DATE), CAST(date_trunc('week', CAST('1998-06-30' AS DATE)) AS DATE)) + 3) / 7 AS BIGINT) - CAST((date_diff('day', CAST('1970-01-01' AS DATE), CAST(date_trunc('week', CAST('1997-09-30' AS DATE)) AS DATE)) + 3) / 7 AS BIGINT) AS DOUBLE) * CAST('7' AS DOUBLE) / CAST('7' AS DOUBLE)) AS "duration_holdout"
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN LENGTH(LTRIM(customer_id, '0')) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN LTRIM(customer_id, '0') ELSE '' END,
  customer_id
;

-- clv sql --dialect duckdb --returns net --grain month --unit week --observation-end 1998-06-30
WITH
tx AS (
  SELECT CAST(t."customer_id" AS VARCHAR) AS customer_id,
    CAST(t."date" AS DATE) AS order_day,
    CAST(t."amount" AS DECIMAL(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS DECIMAL(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
  FROM "sales"."transactions" AS t
  WHERE t."customer_id" IS NOT NULL
    AND t."date" IS NOT NULL
    AND t."amount" IS NOT NULL
),
kept AS (
  SELECT customer_id, amount, is_return,
    CASE WHEN order_day > CAST('1998-06-30' AS DATE) THEN 1 ELSE 0 END AS in_holdout,
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS DECIMAL(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS DECIMAL(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS DECIMAL(38, 9))) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS DECIMAL(38, 9)) END) AS repeat_value
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
    (CAST(c.last_period - c.first_period AS DOUBLE) * CAST('30.4375' AS DOUBLE) / CAST('7' AS DOUBLE)) AS recency,
    (CAST((year(CAST('1998-06-30' AS DATE)) * 12 + month(CAST('1998-06-30' AS DATE)) - 1) - c.first_period AS DOUBLE) * CAST('30.4375' AS DOUBLE) / CAST('7' AS DOUBLE)) AS t_value,
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

-- clv sql --dialect duckdb --returns net --grain month --unit week --observation-end 1998-06-30 --calibration-end 1997-09-30
WITH
tx AS (
  SELECT CAST(t."customer_id" AS VARCHAR) AS customer_id,
    CAST(t."date" AS DATE) AS order_day,
    CAST(t."amount" AS DECIMAL(38, 9)) AS amount,
    CASE WHEN (CAST(t."amount" AS DECIMAL(38, 9)) < 0) THEN 1 ELSE 0 END AS is_return
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
    running_sum - LEAST(MIN(running_sum) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW), CAST(0 AS DECIMAL(38, 9))) AS stock_level
  FROM running
),
netted AS (
  SELECT customer_id, in_holdout, period_index, period_value, orders, has_return,
    CASE WHEN period_value < 0 THEN CAST(0 AS DECIMAL(38, 9)) ELSE GREATEST(MIN(stock_level) OVER (PARTITION BY customer_id, in_holdout ORDER BY period_index ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING) - (stock_level - period_value), CAST(0 AS DECIMAL(38, 9))) END AS kept_value
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
    SUM(CASE WHEN period_rank > 1 THEN period_value ELSE CAST(0 AS DECIMAL(38, 9)) END) AS repeat_value
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
    (CAST(c.last_period - c.first_period AS DOUBLE) * CAST('30.4375' AS DOUBLE) / CAST('7' AS DOUBLE)) AS recency,
    (CAST((year(CAST('1997-09-30' AS DATE)) * 12 + month(CAST('1997-09-30' AS DATE)) - 1) - c.first_period AS DOUBLE) * CAST('30.4375' AS DOUBLE) / CAST('7' AS DOUBLE)) AS t_value,
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
  (CAST((year(CAST('1998-06-30' AS DATE)) * 12 + month(CAST('1998-06-30' AS DATE)) - 1) - (year(CAST('1997-09-30' AS DATE)) * 12 + month(CAST('1997-09-30' AS DATE)) - 1) AS DOUBLE) * CAST('30.4375' AS DOUBLE) / CAST('7' AS DOUBLE)) AS "duration_holdout"
FROM ordered
ORDER BY CASE WHEN all_digits = 1 THEN LENGTH(LTRIM(customer_id, '0')) ELSE 0 END,
  CASE WHEN all_digits = 1 THEN LTRIM(customer_id, '0') ELSE '' END,
  customer_id
;

