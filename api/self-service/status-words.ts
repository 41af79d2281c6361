// A consent's status in the words a customer understands: active, waiting for them, refused,
// expired, or ended — by whom and on which day (the bank's time zone).
import { EXPIRY_CODES } from '../../workflows/consent-status.js';
import type { RejectionCode } from '../../workflows/consent-types.js';
import type { MyContext } from './i18n.js';

export interface StatusFacts {
  status: string;
  onHold?: boolean | null;
  rejection?: { rejectedBy?: string | null; code: string } | null;
  statusUpdateDateTime?: string | Date | null;
  audit: { action: string; at: string | Date; to?: string | null }[];
}

const wasAuthorised = (c: StatusFacts) => c.audit.some((a) => a.action === 'authorise');

/** When the consent ended: its move to REJECTED, else its last status change. */
const endedAt = (c: StatusFacts) =>
  c.audit.findLast((a) => a.to === 'REJECTED')?.at ?? c.statusUpdateDateTime ?? undefined;

export function statusInWords(c: StatusFacts, recipient: string, l: Pick<MyContext, 't' | 'day'>): string {
  if (c.status === 'AUTHORISED') return l.t(c.onHold ? 'status.paused' : 'status.active');
  if (c.status === 'AWAITING_AUTHORISATION') return l.t('status.waiting');
  if (EXPIRY_CODES.includes(c.rejection?.code as RejectionCode)) return l.t('status.expired');
  // Rejected before the customer ever authorised it: refused, not ended.
  if (!wasAuthorised(c)) return l.t('status.refused');
  const at = endedAt(c);
  const date = at ? l.day(at) : '';
  const by = c.rejection?.rejectedBy;
  if (by === 'USER') return l.t('status.endedByYou', { date });
  if (by === 'TPP') return l.t('status.endedByRecipient', { recipient, date });
  return l.t('status.endedByBank', { date });
}

/** Whether a consent may still be stopped by its customer. */
export const stoppable = (c: Pick<StatusFacts, 'status'>) => c.status === 'AUTHORISED';

/** A short reference for a consent id (its last 8 characters), for the customer to quote. */
export const shortReference = (id: string) => id.slice(-8);
