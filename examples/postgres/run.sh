#!/bin/sh
# Loads the CDNOW sample into PostgreSQL, scores it with the summary
# computed in the database, and writes the scores back to the table
# clv_scores. The server and database come from the PG* environment
# (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD or ~/.pgpass), as psql
# takes them; CLV names the clv binary (default: clv in $PATH).
#
#   PGDATABASE=shop ./run.sh
set -eu
cd "$(dirname "$0")"
CLV=${CLV:-clv}

psql -X -q -v ON_ERROR_STOP=1 -f load.sql
"$CLV" score --config clv.toml --quiet
psql -X -q -v ON_ERROR_STOP=1 -c "SELECT segment, count(*) AS customers, round(sum(clv), 2) AS clv
  FROM clv_scores GROUP BY segment ORDER BY customers DESC, segment"
