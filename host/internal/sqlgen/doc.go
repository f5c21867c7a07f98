// Package sqlgen writes the transaction → summary step of clv as one SQL
// query, for PostgreSQL, DuckDB, BigQuery, Snowflake, Spark SQL and
// ClickHouse, so that a warehouse computes the per-customer summary (or
// its histogram) and only that leaves it: the query's result has the
// columns and values `clv summarize` writes with the same settings.
package sqlgen
