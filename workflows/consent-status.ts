// A consent's status in its standard's own words, for the Temporal UI's search (`ConsentStatus`),
// the bank's console and the customers' pages. The lifecycle (AWAITING_AUTHORISATION → AUTHORISED
// | REJECTED) is OFB's vocabulary and the workflow's own; FDX says ACTIVE for an authorised consent
// and, for an ended one, EXPIRED when time ended it, else REVOKED. Pure: runs in workflows too.
import type { ConsentStatusValue, RejectionCode } from './consent-types.js';

/** Rejections that time made: the authorisation window closed, or the consent reached its end. */
export const EXPIRY_CODES: readonly RejectionCode[] = ['CONSENT_MAX_DATE_REACHED', 'CONSENT_EXPIRED'];

export type FdxConsentStatusValue = 'ACTIVE' | 'EXPIRED' | 'REVOKED';

export function statusInStandard(
  standard: string,
  status: ConsentStatusValue | string,
  rejectionCode?: string | null,
): string {
  if (standard !== 'FDX') return status;
  if (status === 'AUTHORISED') return 'ACTIVE';
  if (status === 'REJECTED')
    return EXPIRY_CODES.includes(rejectionCode as RejectionCode) ? 'EXPIRED' : 'REVOKED';
  return status;
}
