// The function baseline: a Node custom runtime doing what the Forcelink bootstrap does, against the same fake Runtime
// API. A direct event {operation:"create"} creates one record (the cold-start scenario); {operation:"get"} reads one
// record (the warm-function scenario); an SQS batch of upserts is written 200 per collections call, failures reported
// per message. AWS_LAMBDA_DOTNET_DEBUG_RUN_ONCE=true answers one event and exits, as the bootstrap does.
import http from 'node:http';
import { login } from './login.mjs';

// The Runtime API through node:http, as AWS's Node runtime talks to it (node:http for answers, a native client for
// /next). Node's fetch, used here before, cost a warm invocation more than any jsforce function on Lambda pays: an
// empty loop took 0.48 to 0.57 ms with fetch, 0.20 to 0.29 ms with node:http; the warm get 0.93 ms with node:http
// against 1.01 ms with fetch (medians of five runs each, alternating). Cold start and the SQS batch did not move.
const api = new URL(`http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/`);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const runtimeApi = (method, path, body) => new Promise((resolve, reject) => {
  const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
  const request = http.request(new URL(path, api), { method, agent, headers }, (response) => {
    const chunks = [];
    response.on('data', (chunk) => chunks.push(chunk));
    response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
    response.on('error', reject);
  });
  request.on('error', reject);
  request.end(body);
});

const once = process.env.AWS_LAMBDA_DOTNET_DEBUG_RUN_ONCE === 'true';
let conn;
for (;;) {
  const next = await runtimeApi('GET', 'next');
  const requestId = next.headers['lambda-runtime-aws-request-id'];
  const event = JSON.parse(next.body.toString('utf8'));
  conn ??= await login();
  let answer;
  if (Array.isArray(event.Records)) {
    const messages = event.Records.map((r) => ({ id: r.messageId, op: JSON.parse(r.body) }));
    const batchItemFailures = [];
    for (let i = 0; i < messages.length; i += 200) {
      const chunk = messages.slice(i, i + 200);
      const { object, externalIdField } = chunk[0].op;
      const records = chunk.map(({ op }) => ({ ...op.fields, [op.externalIdField]: op.externalId }));
      const results = await conn.sobject(object).upsert(records, externalIdField, { allOrNone: false });
      results.forEach((r, j) => { if (!r.success) batchItemFailures.push({ itemIdentifier: chunk[j].id }); });
    }
    answer = { batchItemFailures };
  } else if (event.operation === 'get') {
    // jsforce's retrieve of one id is GET /sobjects/{type}/{id}?fields=..., the request the Forcelink function sends.
    // The answer is shaped as the function's ({ok, statusCode, id, record}, the record without its `attributes`). What
    // the function does and this does not: it validates the event (object and field names, id format) and checks it
    // against its policy, writes two log lines and three metric records (CloudWatch EMF) to stdout per invocation, and
    // maps a failure to a coded answer; here a failed read throws and ends the process, which the bench reports.
    const { attributes, ...record } = await conn.sobject(event.object).retrieve(event.id, { fields: event.fields });
    answer = { ok: true, statusCode: 200, id: record.Id ?? event.id, record };
  } else {
    const result = await conn.sobject(event.object).create(event.fields);
    answer = result.success
      ? { ok: true, statusCode: 201, id: result.id }
      : { ok: false, statusCode: 400, error: result.errors[0] };
  }
  await runtimeApi('POST', `${requestId}/response`, JSON.stringify(answer));
  if (once) break;
}
