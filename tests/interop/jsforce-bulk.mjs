// Collections, paging, limits and errors: jsforce's array create (composite/sobjects), a query fetched over
// several pages with autoFetch, the limits resource, the Sforce-Limit-Info header and a SOQL syntax error.
import { connect, errorCodeOf, run } from './session.mjs';

const seedCount = Number(process.env.SEED_COUNT || 2100);

run(async () => {
  const { conn } = await connect();
  const batch = await conn.sobject('Lead').create(
    ['Ada', 'Grace', 'Edsger'].map((name) => ({ FirstName: name, LastName: 'Collection', Company: 'Batch' })),
  );
  const seeded = await conn.sobject('Lead').create(
    Array.from({ length: seedCount }, (_, i) => ({ LastName: `Paged ${i}`, Company: 'Paging' })),
    { allowRecursive: true },
  );
  let pages = 0;
  const query = conn.query("SELECT Id, Name FROM Lead WHERE Company = 'Paging'", { autoFetch: true, maxFetch: 100000 });
  query.on('fetch', () => {
    pages += 1;
  });
  const paged = await query;
  const limits = await conn.limits();
  return {
    collection: batch.map(({ id, success, errors }) => ({ id, success, errors })),
    seeded: { count: seeded.length, failures: seeded.filter((r) => !r.success).length },
    paged: { totalSize: paged.totalSize, fetched: paged.records.length, done: paged.done, pages },
    limits: { DailyApiRequests: limits.DailyApiRequests },
    limitInfo: conn.limitInfo,
    malformedQuery: await errorCodeOf(conn.query('SELECT Id FROM Lead WHERE')),
  };
});
