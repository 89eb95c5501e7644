// Bulk API 2.0 through jsforce's conn.bulk2: loadAndWaitForResults (insert with a failing row and a #N/A null, update,
// delete), bulk2.query as a record stream, and the errors of an unknown object and of a job that fails on its header.
import { connect, errorCodeOf, run } from './session.mjs';

const readAll = (stream) =>
  new Promise((resolve, reject) => {
    const records = [];
    stream.on('record', (record) => records.push(record));
    stream.on('end', () => resolve(records));
    stream.on('error', reject);
  });

async function messageOf(promise) {
  try {
    await promise;
  } catch (error) {
    return error.message;
  }
  throw new Error('the call was expected to fail');
}

run(async () => {
  const { conn } = await connect();
  const bulk2 = conn.bulk2;
  bulk2.pollInterval = 100;

  const inserted = await bulk2.loadAndWaitForResults({
    object: 'Lead',
    operation: 'insert',
    input: [
      { LastName: 'Bulk 1', Company: 'Acme', Description: null },
      { LastName: 'Bulk 2', Company: 'Globex, Inc.', Description: 'said "hi"' },
      { LastName: '', Company: 'No name', Description: 'fails' },
    ],
  });

  const updated = await bulk2.loadAndWaitForResults({
    object: 'Lead',
    operation: 'update',
    input: inserted.successfulResults.map((r) => ({ Id: r.sf__Id, Company: `${r.Company} (updated)` })),
  });

  const queried = await readAll(await bulk2.query("SELECT Id, LastName, Company, Description FROM Lead ORDER BY LastName"));

  const deleted = await bulk2.loadAndWaitForResults({
    object: 'Lead',
    operation: 'delete',
    input: [{ Id: queried[0].Id }],
  });

  return {
    inserted,
    updated: { successful: updated.successfulResults.length, failed: updated.failedResults.length },
    queried,
    deleted: deleted.successfulResults.map((r) => r.sf__Id),
    unknownObject: await errorCodeOf(bulk2.loadAndWaitForResults({ object: 'Nope__c', operation: 'insert', input: [{ Name: 'x' }] })),
    failedJob: await messageOf(bulk2.loadAndWaitForResults({ object: 'Lead', operation: 'insert', input: [{ LastNmae: 'x', Company: 'y' }] })),
  };
});
