// The streaming-read baseline: read every record of a query, page after page, without keeping them.
import { login, peakRssBytes } from './login.mjs';

const soql = process.argv[2];
const conn = await login();
const started = performance.now();
let count = 0;
await new Promise((resolve, reject) => {
  conn.query(soql)
    .on('record', () => { count++; })
    .on('end', resolve)
    .on('error', reject)
    .run({ autoFetch: true, maxFetch: 10_000_000 });
});
console.log(JSON.stringify({ count, ms: performance.now() - started, peakRssBytes: peakRssBytes() }));
