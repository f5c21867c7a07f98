-- Loads the CDNOW sample (examples/cdnow/transactions.csv) into the table
-- cdnow_transactions of the current database. Run from this folder:
--   psql -X -v ON_ERROR_STOP=1 -f load.sql
DROP TABLE IF EXISTS cdnow_transactions;
CREATE TABLE cdnow_transactions (
  customer_id text NOT NULL,   -- kept as written: 0001
  date        date NOT NULL,
  cds         integer,
  amount      numeric(12, 2)
);
\copy cdnow_transactions FROM '../cdnow/transactions.csv' WITH (FORMAT csv, HEADER true)
ANALYZE cdnow_transactions;
