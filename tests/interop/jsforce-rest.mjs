// The resources of issue 20 through jsforce's own code: describeGlobal, sobject(...).updated/deleted, and the Apex REST
// client (conn.apex) against an echo service and a path no class maps.
import { connect, errorCodeOf, run } from './session.mjs';

run(async () => {
  const { conn } = await connect();
  const global = await conn.describeGlobal();
  const start = new Date(Date.now() - 5 * 60 * 1000);
  const kept = await conn.sobject('Lead').create({ LastName: 'Synced', Company: 'Acme' });
  const doomed = await conn.sobject('Lead').create({ LastName: 'Doomed', Company: 'Acme' });
  await conn.sobject('Lead').destroy(doomed.id);
  const end = new Date(Date.now() + 2 * 60 * 1000);
  const updated = await conn.sobject('Lead').updated(start, end);
  const deleted = await conn.sobject('Lead').deleted(start, end);
  const echoGet = await conn.apex.get('/LeadIntake/web?source=jsforce');
  const echoPost = await conn.apex.post('/LeadIntake/', { email: 'doe@example.com' });
  return {
    global: {
      maxBatchSize: global.maxBatchSize,
      lead: global.sobjects.find((o) => o.name === 'Lead'),
      names: global.sobjects.map((o) => o.name),
    },
    kept: kept.id,
    doomed: doomed.id,
    updated,
    deleted,
    echoGet,
    echoPost,
    unmapped: await errorCodeOf(conn.apex.get('/NoSuchService')),
  };
});
