// The cold-start baseline: a Node custom runtime that answers one invocation (JWT login plus one Lead create) the way
// the Forcelink bootstrap does, against the same fake Runtime API.
import { login } from './login.mjs';

const api = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation`;
const next = await fetch(`${api}/next`);
const requestId = next.headers.get('lambda-runtime-aws-request-id');
const event = await next.json();
const conn = await login();
const result = await conn.sobject(event.object).create(event.fields);
const answer = result.success
  ? { ok: true, statusCode: 201, id: result.id }
  : { ok: false, statusCode: 400, error: result.errors[0] };
await fetch(`${api}/${requestId}/response`, { method: 'POST', body: JSON.stringify(answer) });
