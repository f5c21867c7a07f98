// run.mjs runs SQL statements in one in-memory DuckDB and prints the
// results of those that begin with a line "-- result" as CSV on stdout,
// each followed by a line "-- end", numbers in full (a double as its
// shortest round-trip text), for sqlgen's tests (duckdb_test.go):
//
//	node run.mjs FILE.sql
//
// Statements are separated by a line holding only ";". Test-only: the clv
// binary has no DuckDB in it.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const text = readFileSync(process.argv[2], 'utf8');
const statements = text.split(/^;\s*$/m).map((s) => s.trim()).filter((s) => s !== '');
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
const cell = (v) => {
  if (v === null) return '';
  if (typeof v === 'string') return /[",\n\r]/.test(v) ? '"' + v.replaceAll('"', '""') + '"' : v;
  return String(v); // numbers: shortest round-trip text; bigint: digits
};
const out = [];
for (const sql of statements) {
  const reader = await conn.runAndReadAll(sql);
  if (!sql.startsWith('-- result')) continue;
  out.push(reader.columnNames().map(cell).join(','));
  for (const row of reader.getRows()) out.push(row.map(cell).join(','));
  out.push('-- end');
}
process.stdout.write(out.join('\n') + '\n');
