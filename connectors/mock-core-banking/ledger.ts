// One account's history: everyday and monthly transactions from the start of the window to the
// as-of instant (plus scheduled ones after it), the balance they leave, and monthly statements.
// Amounts are integer cents until they leave as decimal strings.
import type { Balance, Statement, Transaction } from '../sdk/model.js';
import { DAY_MS, HOUR_MS, dayOfMonth, isoDate, monthKey, startOfDay, startOfMonth } from './calendar.js';
import type { Counterparty, DemoAccount } from './demo-bank.js';
import { Rng, formatCents } from './prng.js';

export interface Window {
  /** First instant of the history (a month start). */
  startMs: number;
  asOfMs: number;
  /** Scheduled (FUTURE) transactions go up to here. */
  futureEndMs: number;
}

export interface AccountLedger {
  balance: Balance;
  /** Newest first: bookedAt, then transactionId, descending. */
  transactions: Transaction[];
  /** Newest first; one per month that ended by the as-of instant. */
  statements: Statement[];
}

/** Card and ACH items this close to the as-of instant are still PENDING. */
export const PENDING_WINDOW_MS = 12 * HOUR_MS;

interface Entry {
  at: number;
  direction: Transaction['direction'];
  kind: Transaction['kind'];
  description: string;
  counterparty?: Counterparty;
  cents: number;
  rate?: number;
  scheduled: boolean;
}

export function generateLedger(profile: DemoAccount, seed: number, w: Window): AccountLedger {
  const { account } = profile;
  const rng = new Rng(seed, account.accountId);
  let booked = profile.openingCents;
  let blocked = 0;
  const ascending: Transaction[] = [];
  const opening = new Map<string, number>();

  for (let day = w.startMs; day < w.futureEndMs; day += DAY_MS) {
    if (dayOfMonth(day) === 1 || day === w.startMs) opening.set(monthKey(day), booked);
    const entries: Entry[] = [];
    for (const r of profile.monthly)
      if (r.day === dayOfMonth(day))
        entries.push({
          ...r,
          at: day + rng.int(6 * HOUR_MS, 9 * HOUR_MS),
          cents: rng.int(...r.cents),
          scheduled: true,
        });
    const count = day < w.asOfMs ? rng.int(...profile.perDay) : 0;
    for (let i = 0; i < count; i++) {
      const a = rng.weighted(profile.activities);
      const counterparty = a.counterparties ? rng.pick(a.counterparties) : undefined;
      entries.push({
        ...a,
        counterparty,
        at: day + rng.int(8 * HOUR_MS, DAY_MS - 1),
        cents: rng.int(...a.cents),
        scheduled: false,
      });
    }
    entries.sort((x, y) => x.at - y.at);

    for (const e of entries) {
      if (e.at >= w.futureEndMs || (e.at >= w.asOfMs && !e.scheduled)) continue;
      const cents = e.rate ? Math.round(booked * e.rate) : e.cents;
      if (cents <= 0) continue;
      const status: Transaction['status'] =
        e.at >= w.asOfMs
          ? 'FUTURE'
          : !e.scheduled && (e.kind === 'CARD' || e.kind === 'ACH') && e.at >= w.asOfMs - PENDING_WINDOW_MS
            ? 'PENDING'
            : 'BOOKED';
      // Nobody spends past what they have: a debit that would overdraw the account does not happen.
      if (e.direction === 'DEBIT' && status !== 'FUTURE' && booked - blocked - cents < 0) continue;
      if (status === 'BOOKED') booked += e.direction === 'CREDIT' ? cents : -cents;
      else if (status === 'PENDING' && e.direction === 'DEBIT') blocked += cents;
      ascending.push(
        Object.freeze({
          transactionId: `${account.accountId}-${String(ascending.length + 1).padStart(6, '0')}`,
          accountId: account.accountId,
          bookedAt: new Date(e.at).toISOString(),
          status,
          direction: e.direction,
          amount: formatCents(cents),
          currency: account.currency,
          description: e.description.replace('{name}', e.counterparty?.name ?? ''),
          kind: e.kind,
          ...(e.counterparty ? { counterparty: Object.freeze({ ...e.counterparty }) } : {}),
        }),
      );
    }
  }

  const statements: Statement[] = [];
  for (let m = w.startMs; startOfMonth(m, 1) <= w.asOfMs; m = startOfMonth(m, 1)) {
    const next = startOfMonth(m, 1);
    statements.unshift(
      Object.freeze({
        statementId: `${account.accountId}-${monthKey(m)}`,
        accountId: account.accountId,
        startDate: isoDate(m),
        endDate: isoDate(next - DAY_MS),
        openingBalance: formatCents(opening.get(monthKey(m))!),
        closingBalance: formatCents(opening.get(monthKey(next)) ?? booked),
        currency: account.currency,
      }),
    );
  }

  const available = booked - blocked;
  const balance: Balance = Object.freeze({
    accountId: account.accountId,
    currency: account.currency,
    available: formatCents(available),
    blocked: formatCents(blocked),
    automaticallyInvested: formatCents(profile.investedCents ?? 0),
    ...(profile.overdraftCents !== undefined
      ? {
          overdraftLimit: formatCents(profile.overdraftCents),
          overdraftUsed: formatCents(Math.max(0, -available)),
        }
      : {}),
    updatedAt: new Date(w.asOfMs).toISOString(),
  });
  return { balance, transactions: ascending.reverse(), statements };
}

/** The window of a dataset: `months` whole months before the as-of month, up to `futureDays` after. */
export function windowOf(asOfMs: number, months: number, futureDays: number): Window {
  return {
    startMs: startOfMonth(asOfMs, -months),
    asOfMs,
    futureEndMs: startOfDay(asOfMs) + (futureDays + 1) * DAY_MS,
  };
}
