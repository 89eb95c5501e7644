// The bulk-write baseline: upsert N Leads by an external id with jsforce (collections of 200 where jsforce uses them).
import { login, peakRssBytes } from './login.mjs';

const count = Number(process.argv[2] ?? 10000);
const prefix = process.argv[3] ?? 'js-';
const started = performance.now();
const conn = await login();
const records = [];
for (let i = 0; i < count; i++) {
  records.push({ Ext_Id__c: `${prefix}${i}`, LastName: `Bulk ${i}`, Company: 'jsforce' });
}
// jsforce sends an upsert array as one collections call, which Salesforce caps at 200 records: chunk as its users do.
let failed = 0;
for (let i = 0; i < records.length; i += 200) {
  const results = await conn.sobject('Lead').upsert(records.slice(i, i + 200), 'Ext_Id__c', { allOrNone: false });
  failed += results.filter((r) => !r.success).length;
}
console.log(JSON.stringify({ count, failed, ms: performance.now() - started, peakRssBytes: peakRssBytes() }));
