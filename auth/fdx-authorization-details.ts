// The FDX `fdx_v1.0` authorization-details type (RAR): the ConsentRequest a recipient pushes at
// PAR. Checked strictly here; the consent it describes is lodged when the PAR succeeds.
import { errors } from 'oidc-provider';
import { parseFdxTerms, type FdxConsentTerms } from '../workflows/consent-rules.js';

export const FDX_RAR_TYPE = 'fdx_v1.0';

/** The consent terms of a detail, or InvalidAuthorizationDetails saying what is wrong. */
export function fdxTerms(detail: Record<string, unknown>): FdxConsentTerms {
  const parsed = parseFdxTerms(detail.consentRequest);
  if ('error' in parsed)
    throw new errors.InvalidAuthorizationDetails(`fdx_v1.0 consentRequest: ${parsed.error}`);
  return parsed.terms;
}

/** The fdx_v1.0 detail of a request's authorization_details parameter, if any. */
export function fdxDetailIn(authorizationDetails: unknown): Record<string, unknown> | undefined {
  if (typeof authorizationDetails !== 'string') return undefined;
  try {
    const list = JSON.parse(authorizationDetails) as Record<string, unknown>[];
    return Array.isArray(list) ? list.find((d) => d?.type === FDX_RAR_TYPE) : undefined;
  } catch {
    return undefined;
  }
}
