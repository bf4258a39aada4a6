import { isRecord, type RequestContext, type Route } from './context';
import { verifyExchangeJwt } from './jwt';

// POST /api/permission/oauth2/token with a signed JWT (OAuth "service application", the JWT grant).
// Answers OAuth-style bodies: `{access_token, expires_in}` (expires_in is an ABSOLUTE unix time)
// or `{error_code, error_message}` with a 4xx status; never a Coze `code` envelope.

const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const DEFAULT_DURATION_SECONDS = 900;
const MAX_DURATION_SECONDS = 86_399;
const REGION_HOSTS = { cn: 'api.coze.cn', com: 'api.coze.com' } as const;

function oauthError(ctx: RequestContext, status: number, errorCode: string, message: string): void {
  ctx.reply.oauth(status, { error_code: errorCode, error_message: message });
}

function exchangeJwt(ctx: RequestContext): void {
  const body = ctx.json;
  if (!isRecord(body)) return oauthError(ctx, 400, 'invalid_request', 'The request body must be a JSON object.');
  if (body['grant_type'] !== JWT_GRANT) {
    return oauthError(ctx, 400, 'unsupported_grant_type', `grant_type must be ${JWT_GRANT}, got ${JSON.stringify(body['grant_type'])}.`);
  }
  const duration = body['duration_seconds'] ?? DEFAULT_DURATION_SECONDS;
  if (typeof duration !== 'number' || !Number.isInteger(duration) || duration < 1 || duration > MAX_DURATION_SECONDS) {
    return oauthError(ctx, 400, 'invalid_request', `duration_seconds must be an integer from 1 to ${MAX_DURATION_SECONDS}.`);
  }

  const match = /^Bearer\s+(\S+)\s*$/i.exec(ctx.req.headers.authorization ?? '');
  const jwt = match?.[1];
  if (jwt === undefined) return oauthError(ctx, 401, 'invalid_client', 'The Authorization header must carry the signed JWT as a Bearer token.');

  const { state } = ctx;
  const nowSeconds = Math.floor(Date.now() / 1000);
  const verdict = verifyExchangeJwt(jwt, {
    app: state.jwtApp,
    // The aud is the API host as the client knows it: the region's host, or the emulator itself.
    audiences: [REGION_HOSTS[state.region], `127.0.0.1:${state.port}`, `localhost:${state.port}`],
    nowSeconds,
    usedJtis: state.usedJtis,
  });
  if (!verdict.ok) return oauthError(ctx, verdict.status, verdict.errorCode, verdict.message);

  const expiresAt = nowSeconds + Math.min(duration, state.tokenTtlSeconds);
  ctx.reply.oauth(200, { access_token: state.tokens.issue(expiresAt), expires_in: expiresAt });
}

export const OAUTH_ROUTES: Route[] = [
  { method: 'POST', pattern: '/api/permission/oauth2/token', permission: 'none', flavors: ['cloud'], handler: exchangeJwt },
];
