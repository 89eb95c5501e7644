// The Bulk API 2.0 query baseline: run a query job with jsforce's bulk2.query and count the records of its record
// stream without keeping them. jsforce 3.10 pipes every page into one CSV parser, and Salesforce starts every page
// with the header row, so from the second page on the header comes out as a record ({ Id: 'Id', ... }): those are
// counted apart, as headerRows, not as records.
import { login, peakRssBytes } from './login.mjs';

const soql = process.argv[2];
const started = performance.now();
const conn = await login();
const records = await conn.bulk2.query(soql, { pollTimeout: 600_000 });
let count = 0;
let headerRows = 0;
await new Promise((resolve, reject) => {
  records
    .on('record', (record) => {
      if (record.Id === 'Id') headerRows++; else count++;
    })
    .on('end', resolve)
    .on('error', reject);
});
const ended = performance.now();
console.log(JSON.stringify({ count, headerRows, failed: 0, ms: ended - started, peakRssBytes: peakRssBytes() }));
