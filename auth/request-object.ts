// Checks on request objects beyond the JWT signature, replacing oidc-provider's default: FAPI 1.0
// Advanced's exp/nbf/aud rules, one use per `jti` (a replayed request object is refused), and no
// `id_token_hint` (OFB 5.2.2-21: the id_token it would carry back may hold personal data).
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import { insertOnce } from '../db/insert-once.js';
import type { Models } from '../db/models/index.js';

const MAX_LIFETIME_S = 3600;

export function requestObjectChecks(OidcRecords: Models['OidcRecord']) {
  return async (
    ctx: KoaContextWithOIDC,
    claims: Record<string, unknown>,
    _header: unknown,
    client: { clientId: string },
  ) => {
    // Outside the request object (PAR's form, the authorization URL) oidc-provider would drop it
    // silently under FAPI: refused there too.
    const body = (ctx.oidc as { body?: Record<string, unknown> }).body;
    if ([claims, body, ctx.query].some((params) => params?.id_token_hint !== undefined))
      throw new errors.InvalidRequest('id_token_hint is not accepted');
    for (const claim of ['exp', 'nbf', 'aud', 'jti']) {
      if (claims[claim] === undefined)
        throw new errors.InvalidRequestObject(`Request Object is missing the '${claim}' claim`);
    }
    const exp = Number(claims.exp);
    const nbf = Number(claims.nbf);
    const now = Math.floor(Date.now() / 1000);
    if (!(exp - nbf > 0) || exp - nbf > MAX_LIFETIME_S)
      throw new errors.InvalidRequestObject("Request Object 'exp' claim too far from 'nbf' claim");
    if (nbf < now - MAX_LIFETIME_S)
      throw new errors.InvalidRequestObject("Request Object 'nbf' claim is more than 60 minutes in the past");
    // The pushed request is checked again when the authorization endpoint loads it: count uses at PAR only.
    if (ctx.oidc.route !== 'pushed_authorization_request') return;
    const first = await insertOnce(OidcRecords, {
      _id: `RequestObjectJti:${client.clientId}:${String(claims.jti)}`,
      model: 'RequestObjectJti',
      payload: '{}',
      expiresAt: new Date(exp * 1000),
    });
    if (!first) throw new errors.InvalidRequestObject('Request Object jti was already used');
  };
}
