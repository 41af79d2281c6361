// The OFB `consent:{consentId}` scope. oidc-provider 9 has no dynamic scopes, so the resource
// server's scope list is computed per request: a consent scope is granted only for a consent of
// the same client, awaiting authorisation while the customer is sent to authorise it, and
// authorised when tokens are issued from the resulting grant.
import { errors, type KoaContextWithOIDC } from 'oidc-provider';
import type { Models } from '../db/models/index.js';
import { CONSENT_SCOPE_PREFIX as PREFIX, consentIdsIn } from './consent-scope-ids.js';

/** Routes where the customer has not decided yet. */
const BEFORE_DECISION = new Set(['pushed_authorization_request', 'authorization']);

function scopeOfRequest(ctx: KoaContextWithOIDC): unknown {
  if (BEFORE_DECISION.has(String(ctx.oidc.route))) return ctx.oidc.params?.scope;
  const entities = ctx.oidc.entities as {
    AuthorizationCode?: { scope?: string };
    RefreshToken?: { scope?: string };
  };
  return entities.AuthorizationCode?.scope ?? entities.RefreshToken?.scope ?? ctx.oidc.params?.scope;
}

export async function consentScopes(
  ctx: KoaContextWithOIDC,
  clientId: string,
  Consent: Models['Consent'],
): Promise<string[]> {
  const ids = consentIdsIn(scopeOfRequest(ctx));
  if (ids.length > 1) throw new errors.InvalidScope('only one consent scope may be requested', 'consent');
  // Resuming after login the customer has not decided yet; resuming after the consent page they have.
  const route = String(ctx.oidc.route);
  const expected = BEFORE_DECISION.has(route)
    ? ['AWAITING_AUTHORISATION']
    : route === 'resume'
      ? ['AWAITING_AUTHORISATION', 'AUTHORISED']
      : ['AUTHORISED'];
  for (const id of ids) {
    const consent = await Consent.findById(id).lean();
    if (!consent || consent.clientId !== clientId)
      throw new errors.InvalidScope(`consent ${id} is not a consent of this client`, `${PREFIX}${id}`);
    if (!expected.includes(consent.status))
      throw new errors.InvalidScope(`consent ${id} is ${consent.status}`, `${PREFIX}${id}`);
  }
  return ids.map((id) => `${PREFIX}${id}`);
}
