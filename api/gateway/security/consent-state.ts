// The consent's state as the gateway checks it on every consent-bound call: read from the
// projection the consent workflow writes, so an ended consent stops its tokens at once.
import type { Models } from '../../../db/models/index.js';

export function consentStateReader(models: Pick<Models, 'Consent'>) {
  return async (consentId: string) => (await models.Consent.findById(consentId).lean()) ?? undefined;
}
