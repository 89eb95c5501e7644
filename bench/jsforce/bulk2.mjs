// The Bulk API 2.0 ingest baseline: upsert N Leads by an external id with jsforce's bulk2.loadAndWaitForResults, which
// creates the job, uploads the records as CSV, closes it, polls until it finishes and reads all three result sets.
import { login, peakRssBytes } from './login.mjs';

const count = Number(process.argv[2] ?? 100000);
const prefix = process.argv[3] ?? 'js2-';
const started = performance.now();
const conn = await login();
const input = [];
for (let i = 0; i < count; i++) {
  input.push({ Ext_Id__c: `${prefix}${i}`, LastName: `Bulk ${i}`, Company: 'jsforce' });
}
// The default poll timeout (30 s) counts from the close; a large job on a busy machine may take longer to process.
const results = await conn.bulk2.loadAndWaitForResults({
  object: 'Lead', operation: 'upsert', externalIdFieldName: 'Ext_Id__c', input, pollTimeout: 600_000,
});
const rows = results.successfulResults.length + results.failedResults.length + results.unprocessedRecords.length;
const failed = rows - results.successfulResults.length;
console.log(JSON.stringify({ count: rows, failed, ms: performance.now() - started, peakRssBytes: peakRssBytes() }));
process.exitCode = failed === 0 ? 0 : 1;
