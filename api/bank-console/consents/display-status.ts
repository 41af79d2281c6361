// The status a person sees: OFB consents show their own status; FDX ones the FDX names (an
// authorised consent is ACTIVE, an ended one EXPIRED when time ended it, else REVOKED), as the
// Temporal UI's `ConsentStatus` search attribute has them.
import { statusInStandard } from '../../../workflows/consent-status.js';

export { EXPIRY_CODES } from '../../../workflows/consent-status.js';

export interface StatusFields {
  standard: string;
  status: string;
  rejection?: { code: string } | null;
}

export function displayStatus(consent: StatusFields): string {
  return statusInStandard(consent.standard, consent.status, consent.rejection?.code);
}
