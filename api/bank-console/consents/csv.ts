// CSV export of consents, in lib/web/csv.ts's cells: client ids, customer ids and revocation
// reasons come from outside the bank.
import type { Consent } from '../../../db/models/consent.js';
import { csvLine } from '../../../lib/web/csv.js';
import { displayStatus } from './display-status.js';

export const CSV_HEADER = [
  'consentId',
  'standard',
  'status',
  'displayStatus',
  'onHold',
  'clientId',
  'customerId',
  'permissions',
  'accountIds',
  'creationDateTime',
  'statusUpdateDateTime',
  'expirationDateTime',
  'rejectedBy',
  'rejectionCode',
  'rejectionInformation',
];

export function consentCsvLine(c: Consent & { _id: string }): string {
  return csvLine([
    c._id,
    c.standard,
    c.status,
    displayStatus(c),
    c.onHold ? 'true' : 'false',
    c.clientId,
    c.customerId,
    c.permissions.join(' '),
    (c.accountIds ?? []).join(' '),
    c.creationDateTime,
    c.statusUpdateDateTime,
    c.expirationDateTime,
    c.rejection?.rejectedBy,
    c.rejection?.code,
    c.rejection?.additionalInformation,
  ]);
}
