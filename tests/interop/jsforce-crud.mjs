// Create, query, update and delete a Lead and a Case through jsforce's sobject API, read the identity URL, then
// log out (jsforce revokes the token).
import { connect, errorCodeOf, expect, run } from './session.mjs';

async function lifecycle(conn, type, fields, changes) {
  const created = await conn.sobject(type).create(fields);
  expect(created.success, `${type} create failed: ${JSON.stringify(created.errors)}`);
  const updated = await conn.sobject(type).update({ Id: created.id, ...changes });
  expect(updated.success, `${type} update failed: ${JSON.stringify(updated.errors)}`);
  const retrieved = await conn.sobject(type).retrieve(created.id);
  const queried = await conn.query(`SELECT Id FROM ${type} WHERE Id = '${created.id}'`);
  const deleted = await conn.sobject(type).destroy(created.id);
  expect(deleted.success, `${type} delete failed: ${JSON.stringify(deleted.errors)}`);
  return {
    id: created.id,
    retrieved,
    queriedTotalSize: queried.totalSize,
    retrieveAfterDelete: await errorCodeOf(conn.sobject(type).retrieve(created.id)),
    queriedAfterDelete: (await conn.query(`SELECT Id FROM ${type} WHERE Id = '${created.id}'`)).totalSize,
  };
}

run(async () => {
  const { conn, userInfo } = await connect();
  const identity = await conn.identity();
  const result = {
    organizationId: userInfo.organizationId,
    userId: userInfo.id,
    instanceUrl: conn.instanceUrl,
    identity: { username: identity.username, user_id: identity.user_id, organization_id: identity.organization_id, display_name: identity.display_name },
    lead: await lifecycle(conn, 'Lead', { LastName: 'Doe', Company: 'Acme' }, { Company: 'Globex', Status: 'Working - Contacted' }),
    case: await lifecycle(conn, 'Case', { Subject: 'Printer on fire', Origin: 'Web' }, { Status: 'Closed' }),
  };
  await conn.logout();
  return { ...result, loggedOut: conn.accessToken == null };
});
