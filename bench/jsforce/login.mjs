// jsforce has no JWT signer (it was removed in v3): sign RS256 with Node's crypto and authorize with the assertion,
// as jsforce's maintainers recommend. Configuration comes from the same FORCELINK_* variables as the Forcelink function.
import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import jsforce from 'jsforce';

const b64url = (value) => Buffer.from(value).toString('base64url');

export async function login() {
  const loginUrl = process.env.FORCELINK_LOGIN_URL;
  const key = process.env.FORCELINK_PRIVATE_KEY ?? readFileSync(process.env.FORCELINK_PRIVATE_KEY_FILE, 'utf8');
  const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const claims = b64url(JSON.stringify({
    iss: process.env.FORCELINK_CONSUMER_KEY,
    sub: process.env.FORCELINK_USERNAME,
    aud: process.env.FORCELINK_AUDIENCE ?? loginUrl.replace(/\/$/, ''),
    exp: Math.floor(Date.now() / 1000) + 180,
  }));
  const signer = createSign('RSA-SHA256');
  signer.update(`${header}.${claims}`);
  const assertion = `${header}.${claims}.${signer.sign(key).toString('base64url')}`;
  const conn = new jsforce.Connection({ loginUrl, version: process.env.FORCELINK_API_VERSION ?? '62.0' });
  await conn.authorize({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion });
  return conn;
}

export const peakRssBytes = () => process.resourceUsage().maxRSS * 1024;
