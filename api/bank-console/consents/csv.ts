// CSV export of consents (RFC 4180: CRLF, quotes doubled). A cell a spreadsheet would run as a
// formula (=, +, -, @, or a tab or carriage return first) is prefixed with ' so it stays text:
// client ids, customer ids and revocation reasons come from outside the bank.
import type { Consent } from '../../../db/models/consent.js';
import { displayStatus } from './display-status.js';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: unknown): string {
  let text =
    value === undefined || value === null ? '' : value instanceof Date ? value.toISOString() : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: unknown[]) => `${cells.map(csvCell).join(',')}\r\n`;

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
