import { createHash, createPublicKey, createSign, createVerify, generateKeyPair, randomInt } from 'node:crypto';

// The OAuth "service application" of the emulator: an app id (JWT `iss`), a key id (JWT header
// `kid`, the public key fingerprint in the Coze UI) and an RSA key pair. Clients sign an RS256 JWT
// with the private key and exchange it at POST /api/permission/oauth2/token.

export interface JwtApp {
  appId: string;
  keyId: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

// RSA key generation costs ~100 ms; tests start many emulators, so one key pair is made per
// process and shared (app ids and key ids still differ per emulator).
let sharedKeyPair: Promise<{ privateKeyPem: string; publicKeyPem: string }> | undefined;

function keyPair(): Promise<{ privateKeyPem: string; publicKeyPem: string }> {
  sharedKeyPair ??= new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (error, publicKeyPem, privateKeyPem) => (error ? reject(error) : resolve({ privateKeyPem, publicKeyPem })),
    );
  });
  return sharedKeyPair;
}

export async function createJwtApp(): Promise<JwtApp> {
  const { privateKeyPem, publicKeyPem } = await keyPair();
  let appId = String(randomInt(1, 10));
  while (appId.length < 13) appId += String(randomInt(0, 10));
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  const fingerprint = createHash('sha256').update(der).update(appId).digest('base64url');
  return { appId, keyId: fingerprint.slice(0, 43), privateKeyPem, publicKeyPem };
}

/** Sign a JWT with RS256 (what Coze's SDKs do; exported for tests). */
export function signJwt(header: Record<string, unknown>, payload: Record<string, unknown>, privateKeyPem: string): string {
  const signingInput =
    Buffer.from(JSON.stringify(header)).toString('base64url') + '.' + Buffer.from(JSON.stringify(payload)).toString('base64url');
  const signature = createSign('RSA-SHA256').update(signingInput).sign(privateKeyPem).toString('base64url');
  return signingInput + '.' + signature;
}

export interface JwtClaims {
  iss: string;
  aud: string;
  iat: number;
  exp: number;
  jti: string;
  sessionName: string | undefined;
}

export type JwtVerdict =
  | { ok: true; claims: JwtClaims }
  | { ok: false; status: number; errorCode: 'invalid_client' | 'invalid_request'; message: string };

export interface JwtCheckContext {
  app: JwtApp;
  /** Accepted `aud` values (API hosts the client may know the emulator by). */
  audiences: string[];
  nowSeconds: number;
  /** jtis already exchanged; a JWT is single-use. */
  usedJtis: Set<string>;
}

const CLOCK_SKEW_SECONDS = 60;
const MIN_JTI_LENGTH = 16;

function invalidClient(message: string): JwtVerdict {
  return { ok: false, status: 401, errorCode: 'invalid_client', message };
}
function invalidRequest(message: string): JwtVerdict {
  return { ok: false, status: 400, errorCode: 'invalid_request', message };
}

function decodeJsonSegment(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Check a JWT presented for the token exchange. Identity problems (signature, kid, iss) are
 * `invalid_client`; problems with an otherwise genuine JWT (aud, time, jti) are `invalid_request`.
 * Every message names the claim at fault. A jti is only marked used when the JWT is accepted.
 */
export function verifyExchangeJwt(jwt: string, ctx: JwtCheckContext): JwtVerdict {
  const segments = jwt.split('.');
  const [headerPart, payloadPart, signaturePart] = segments;
  if (segments.length !== 3 || headerPart === undefined || payloadPart === undefined || signaturePart === undefined) {
    return invalidClient('The JWT is malformed: expected three base64url segments.');
  }
  const header = decodeJsonSegment(headerPart);
  const payload = decodeJsonSegment(payloadPart);
  if (!header || !payload) return invalidClient('The JWT is malformed: header or payload is not base64url JSON.');
  if (header['alg'] !== 'RS256') return invalidClient(`The JWT header alg must be RS256, got ${JSON.stringify(header['alg'])}.`);
  if (header['kid'] !== ctx.app.keyId) return invalidClient(`The JWT header kid ${JSON.stringify(header['kid'])} does not match any public key of this app.`);

  const signatureOk = createVerify('RSA-SHA256')
    .update(headerPart + '.' + payloadPart)
    .verify(ctx.app.publicKeyPem, Buffer.from(signaturePart, 'base64url'));
  if (!signatureOk) return invalidClient('The JWT signature verification failed for the public key named by kid.');

  const { iss, aud, iat, exp, jti } = payload;
  if (iss !== ctx.app.appId) return invalidClient(`The JWT claim iss ${JSON.stringify(iss)} is not the OAuth app id.`);
  if (typeof aud !== 'string' || !ctx.audiences.includes(aud)) {
    return invalidRequest(`The JWT claim aud ${JSON.stringify(aud)} is not accepted; expected one of ${ctx.audiences.join(', ')}.`);
  }
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return invalidRequest('The JWT claim iat is missing or not a number.');
  if (iat > ctx.nowSeconds + CLOCK_SKEW_SECONDS) return invalidRequest('The JWT claim iat is in the future.');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return invalidRequest('The JWT claim exp is missing or not a number.');
  if (exp <= ctx.nowSeconds) return invalidRequest('The JWT has expired (claim exp is in the past).');
  if (typeof jti !== 'string' || jti.length === 0) return invalidRequest('The JWT claim jti is missing.');
  if (jti.length < MIN_JTI_LENGTH) return invalidRequest(`The JWT claim jti is too short (at least ${MIN_JTI_LENGTH} characters).`);
  if (ctx.usedJtis.has(jti)) return invalidRequest('The JWT claim jti has already been used; sign a new JWT for every exchange.');

  ctx.usedJtis.add(jti);
  const sessionName = typeof payload['session_name'] === 'string' ? payload['session_name'] : undefined;
  return { ok: true, claims: { iss, aud, iat, exp, jti, sessionName } };
}
