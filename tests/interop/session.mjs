// Shared by the jsforce-*.mjs scripts: configuration from the environment, a self-signed JWT bearer login
// (jsforce has no JWT signer) and a runner that prints one JSON document and sets the exit code.
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jsforce from 'jsforce';

export function config() {
  const required = (name) => {
    const value = process.env[name];
    if (!value) {
      throw new Error(`environment variable ${name} is required`);
    }
    return value;
  };
  const loginUrl = required('SF_LOGIN_URL');
  return {
    loginUrl,
    clientId: required('SF_CLIENT_ID'),
    username: required('SF_USERNAME'),
    keyFile: required('SF_KEY_FILE'),
    // My Domain (the login URL) is an accepted audience for every org kind.
    audience: process.env.SF_AUDIENCE || loginUrl,
    version: process.env.SF_API_VERSION || '62.0',
  };
}

const base64Url = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function signAssertion({ clientId, username, audience, keyFile }) {
  // Salesforce reads exp in seconds; three minutes is the documented maximum useful lifetime.
  const exp = Math.floor(Date.now() / 1000) + 180;
  const unsigned = `${base64Url({ alg: 'RS256' })}.${base64Url({ iss: clientId, sub: username, aud: audience, exp })}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(readFileSync(keyFile), 'base64url');
  return `${unsigned}.${signature}`;
}

export async function connect(settings = config()) {
  const conn = new jsforce.Connection({ loginUrl: settings.loginUrl, version: settings.version });
  const userInfo = await conn.authorize({
    grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
    assertion: signAssertion(settings),
  });
  return { conn, userInfo };
}

/** Resolves to the errorCode of the rejected promise; fails when the call succeeds. */
export async function errorCodeOf(promise) {
  try {
    await promise;
  } catch (error) {
    return error.errorCode ?? error.name;
  }
  throw new Error('the call was expected to fail');
}

export function expect(condition, message) {
  if (!condition) {
    throw new Error(message);
  }
}

export async function run(main) {
  try {
    process.stdout.write(`${JSON.stringify(await main(), null, 2)}\n`);
  } catch (error) {
    // Never echo a token: errors carry only their code and message.
    process.stdout.write(`${JSON.stringify({ error: { name: error.name, errorCode: error.errorCode, message: error.message } })}\n`);
    process.exitCode = 1;
  }
}
