// run.mjs runs SQL in an in-memory DuckDB and prints each statement's
// result of the last statement as CSV on stdout, numbers in full (a
// double's shortest round-trip text), for sqlgen's tests
// (duckdb_test.go): node run.mjs FILE.sql. Statements are separated by a
// line holding only ";". Test-only: the clv binary has no DuckDB in it.
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const text = readFileSync(process.argv[2], 'utf8');
const statements = text.split(/^;\s*$/m).map((s) => s.trim()).filter((s) => s !== '');
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
let reader;
for (const sql of statements) {
  reader = await conn.runAndReadAll(sql);
}
const cell = (v) => {
  if (v === null) return '';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'string') return /[",\n]/.test(v) ? '"' + v.replaceAll('"', '""') + '"' : v;
  return String(v);
};
const out = [reader.columnNames().map(cell).join(',')];
for (const row of reader.getRows()) out.push(row.map(cell).join(','));
process.stdout.write(out.join('\n') + '\n');
