// One credit card's history: purchases (some split in installments, one per monthly bill),
// subscriptions and the odd refund; the bills of the cycles that closed by the as-of instant; and
// how much of the limit is in use.
import type { Bill, CardTransaction, CreditCardAccount } from '../sdk/model.js';
import {
  DAY_MS,
  HOUR_MS,
  addMonths,
  dayInMonth,
  dayOfMonth,
  isoDate,
  monthKey,
  startOfDay,
} from './calendar.js';
import { MERCHANT_MCC, type DemoCard } from './demo-bank.js';
import { PENDING_WINDOW_MS, type Window } from './ledger.js';
import { Rng, formatCents } from './prng.js';

export interface CardLedger {
  card: CreditCardAccount;
  /** Newest first. */
  bills: Bill[];
  /** Newest first: bookedAt, then transactionId, descending. */
  transactions: CardTransaction[];
}

interface Charge {
  id: string;
  at: number;
  merchant: string;
  cents: number;
  direction: CardTransaction['direction'];
  installments?: { number: number; of: number };
}

export function generateCardLedger(profile: DemoCard, seed: number, w: Window): CardLedger {
  const { card } = profile;
  const rng = new Rng(seed, card.creditCardAccountId);
  const charges: Charge[] = [];
  let seq = 0;
  const nextId = () => `${card.creditCardAccountId}-${String(++seq).padStart(6, '0')}`;

  for (let day = w.startMs; day < w.asOfMs; day += DAY_MS) {
    for (const m of profile.monthly)
      if (m.day === dayOfMonth(day))
        charges.push({
          id: nextId(),
          at: day + rng.int(2 * HOUR_MS, 6 * HOUR_MS),
          merchant: m.merchant,
          cents: m.cents,
          direction: 'DEBIT',
        });
    const count = rng.int(...profile.perDay);
    for (let i = 0; i < count; i++) {
      const p = rng.weighted(profile.purchases);
      const at = day + rng.int(8 * HOUR_MS, DAY_MS - 1);
      if (at >= w.asOfMs) continue;
      const merchant = rng.pick(p.merchants);
      const total = rng.int(...p.cents);
      const of = p.installments ? rng.int(...p.installments) : 1;
      const id = nextId();
      if (of === 1) charges.push({ id, at, merchant, cents: total, direction: 'DEBIT' });
      // Installment k is charged k-1 months after the purchase; the first carries the remainder.
      else
        for (let k = 1; k <= of; k++)
          charges.push({
            id: `${id}-${String(k).padStart(2, '0')}`,
            at: addMonths(at, k - 1),
            merchant,
            cents: Math.floor(total / of) + (k === 1 ? total % of : 0),
            direction: 'DEBIT',
            installments: { number: k, of },
          });
      const refundAt = at + rng.int(1, 3) * DAY_MS;
      if (rng.chance(0.01) && refundAt < w.asOfMs)
        charges.push({
          id: nextId(),
          at: refundAt,
          merchant,
          cents: Math.min(total, rng.int(1_000, 5_000)),
          direction: 'CREDIT',
        });
    }
  }

  // A charge belongs to the first bill closing on or after its day.
  const closingOf = (at: number) => {
    const thisMonth = dayInMonth(at, 0, profile.closingDay);
    return startOfDay(at) <= thisMonth ? thisMonth : dayInMonth(at, 1, profile.closingDay);
  };
  const billIdOf = (closing: number) => `${card.creditCardAccountId}-${monthKey(closing)}`;
  const isClosed = (closing: number) => closing + DAY_MS <= w.asOfMs;

  const totals = new Map<number, number>();
  let openCycle = 0;
  let futureInstallments = 0;
  const ascending = charges
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1))
    .map((c): CardTransaction => {
      const closing = closingOf(c.at);
      const signed = c.direction === 'DEBIT' ? c.cents : -c.cents;
      const status =
        c.at >= w.asOfMs
          ? 'FUTURE'
          : !isClosed(closing) && c.at >= w.asOfMs - PENDING_WINDOW_MS
            ? 'PENDING'
            : 'BOOKED';
      if (status === 'FUTURE') futureInstallments += signed;
      else if (isClosed(closing)) totals.set(closing, (totals.get(closing) ?? 0) + signed);
      else openCycle += signed;
      return Object.freeze({
        transactionId: c.id,
        creditCardAccountId: card.creditCardAccountId,
        bookedAt: new Date(c.at).toISOString(),
        status,
        direction: c.direction,
        amount: formatCents(c.cents),
        currency: card.currency,
        description:
          (c.direction === 'CREDIT' ? `Estorno ${c.merchant}` : c.merchant) +
          (c.installments ? ` ${c.installments.number}/${c.installments.of}` : ''),
        merchant: c.merchant,
        ...(isClosed(closing) && status === 'BOOKED' ? { billId: billIdOf(closing) } : {}),
        ...(c.installments ? { installments: Object.freeze({ ...c.installments }) } : {}),
        category: c.direction === 'DEBIT' ? 'PURCHASE' : 'REFUND',
        ...(MERCHANT_MCC[c.merchant] ? { mcc: MERCHANT_MCC[c.merchant] } : {}),
      });
    });

  let unpaid = 0;
  const bills: Bill[] = [...totals.entries()]
    .sort(([a], [b]) => b - a)
    .map(([closing, cents]) => {
      const total = Math.max(0, cents);
      const dueDate = dayInMonth(closing, 1, profile.dueDay);
      const paid = dueDate < w.asOfMs;
      if (!paid) unpaid += total;
      // Paid in full by debit from the customer's account on the due date.
      const payments =
        paid && total > 0
          ? [
              Object.freeze({
                date: isoDate(dueDate),
                amount: formatCents(total),
                method: 'ACCOUNT_DEBIT' as const,
              }),
            ]
          : [];
      return Object.freeze({
        billId: billIdOf(closing),
        creditCardAccountId: card.creditCardAccountId,
        dueDate: isoDate(dueDate),
        closingDate: isoDate(closing),
        total: formatCents(total),
        minimumPayment: formatCents(Math.round(total * 0.15)),
        currency: card.currency,
        paid,
        payments: Object.freeze(payments) as Bill['payments'],
      });
    });

  const used = Math.max(0, unpaid + openCycle + futureInstallments);
  const limit = Math.round(Number(card.limit) * 100);
  return {
    card: Object.freeze({
      ...card,
      used: formatCents(used),
      available: formatCents(Math.max(0, limit - used)),
    }),
    bills,
    transactions: ascending.reverse(),
  };
}
