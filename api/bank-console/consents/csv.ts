// CSV export of consents, in lib/web/csv.ts's cells: client ids, customer ids, recipients' names
// and revocation reasons come from outside the bank. The parties' names and masked documents come
// after the original columns, so a sheet that reads those by position still does.
import type { Consent } from '../../../db/models/consent.js';
import { csvLine } from '../../../lib/web/csv.js';
import { displayStatus } from './display-status.js';
import type { Parties } from './parties.js';

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
  'recipientName',
  'organizationId',
  'applicationId',
  'customerName',
  'customerDocuments',
];

export function consentCsvLine(c: Consent & { _id: string }, { recipient, customer }: Parties): string {
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
    recipient.name,
    recipient.organization?.id,
    recipient.application?.id,
    customer.name,
    customer.documents.join(' '),
  ]);
}
