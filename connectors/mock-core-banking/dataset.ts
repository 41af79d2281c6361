// The mock core's demo dataset: a pure function of its options, so every machine, test and
// process sees the same customers, accounts and transactions. Histories are generated per account
// on first use and kept (each account has its own random stream, so the order does not matter).
import type { Account, CreditCardAccount, Customer } from '../sdk/model.js';
import { generateCardLedger, type CardLedger } from './card-ledger.js';
import { ACCOUNTS, CARDS, CUSTOMERS } from './demo-bank.js';
import { generateLedger, windowOf, type AccountLedger } from './ledger.js';

/**
 * The default "now" of the demo bank: the start of the current UTC day, so its history always
 * reaches today (the same data all day long; pass `asOf` for data that never moves).
 */
function defaultAsOf(now = Date.now()): Date {
  return new Date(Math.floor(now / 86_400_000) * 86_400_000);
}
const DEFAULT_SEED = 20261101;

/**
 * What identifies a generated dataset. Bump `version` whenever the generator or the catalogue
 * changes, so a seeded database is reloaded.
 */
const DATASET_VERSION = 2;

interface DatasetOptions {
  /** The dataset's "now": history ends here; PENDING items are just before, FUTURE ones after. */
  asOf?: Date;
  seed?: number;
  /** Whole months of history before the as-of month. */
  months?: number;
  /** How far ahead scheduled (FUTURE) transactions go. */
  futureDays?: number;
}

export interface Dataset {
  readonly version: number;
  readonly asOf: string;
  readonly seed: number;
  readonly months: number;
  readonly customers: readonly Customer[];
  readonly accounts: readonly Account[];
  readonly creditCards: readonly CreditCardAccount[];
  ledger(accountId: string): AccountLedger | undefined;
  cardLedger(creditCardAccountId: string): CardLedger | undefined;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

function memo<K, V>(make: (key: K) => V): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, make(key));
    return cache.get(key)!;
  };
}

export function generateDataset(options: DatasetOptions = {}): Dataset {
  const asOfMs = (options.asOf ?? defaultAsOf()).getTime();
  if (Number.isNaN(asOfMs)) throw new RangeError('asOf must be a valid date');
  const seed = options.seed ?? DEFAULT_SEED;
  const months = options.months ?? 12;
  const window = windowOf(asOfMs, months, options.futureDays ?? 30);
  const ledger = memo((id: string) => {
    const profile = ACCOUNTS.find((a) => a.account.accountId === id);
    return profile && generateLedger(profile, seed, window);
  });
  const cardLedger = memo((id: string) => {
    const profile = CARDS.find((c) => c.card.creditCardAccountId === id);
    return profile && generateCardLedger(profile, seed, window);
  });
  let creditCards: CreditCardAccount[] | undefined;
  return {
    version: DATASET_VERSION,
    asOf: new Date(asOfMs).toISOString(),
    seed,
    months,
    customers: CUSTOMERS.map((c) => deepFreeze(structuredClone(c))),
    accounts: ACCOUNTS.map((a) => Object.freeze({ ...a.account })),
    // Usage of the limit needs the card's history: computed on first use.
    get creditCards() {
      return (creditCards ??= CARDS.map((c) => cardLedger(c.card.creditCardAccountId)!.card));
    },
    ledger,
    cardLedger,
  };
}

let standard: Dataset | undefined;

/** The dataset of the default options, shared by everything in this process. */
export function defaultDataset(): Dataset {
  return (standard ??= generateDataset());
}
