// The status a person sees: OFB consents show their own status; FDX ones the FDX names (an
// authorised consent is ACTIVE, an ended one EXPIRED when time ended it, else REVOKED).
import type { RejectionCode } from '../../workflows/consent.js';

export const EXPIRY_CODES: RejectionCode[] = ['CONSENT_MAX_DATE_REACHED', 'CONSENT_EXPIRED'];

export interface StatusFields {
  standard: string;
  status: string;
  rejection?: { code: string } | null;
}

export function displayStatus(consent: StatusFields): string {
  if (consent.standard !== 'FDX') return consent.status;
  if (consent.status === 'AUTHORISED') return 'ACTIVE';
  if (consent.status === 'REJECTED')
    return EXPIRY_CODES.includes(consent.rejection?.code as RejectionCode) ? 'EXPIRED' : 'REVOKED';
  return consent.status;
}
