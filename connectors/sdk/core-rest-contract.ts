// The core banking JSON contract over HTTP (docs/connectors.md): paths, page limits, envelopes and
// error codes. The mock core serves it (mock-core-banking/app.ts) and the rest-core-banking
// connector speaks it; a bank whose core speaks it too can use that connector as it is. It lives
// in the SDK because both sides import it and a connector imports no other connector.
export const CORE_API = '/core/v1';

export const MAX_PAGE_LIMIT = 500;
export const DEFAULT_PAGE_LIMIT = 100;

/** Connectors serve at most MAX_PAGE_LIMIT items per page whatever the caller asks. */
export const clampLimit = (limit: number): number =>
  Math.min(MAX_PAGE_LIMIT, Math.max(1, Math.floor(limit) || DEFAULT_PAGE_LIMIT));

/** Path builders; every id is a path segment of its own, encoded. */
export const corePaths = {
  customer: (customerId: string) => `${CORE_API}/customers/${encodeURIComponent(customerId)}`,
  accounts: (customerId: string) => `${corePaths.customer(customerId)}/accounts`,
  account: (customerId: string, accountId: string) =>
    `${corePaths.accounts(customerId)}/${encodeURIComponent(accountId)}`,
  balance: (c: string, a: string) => `${corePaths.account(c, a)}/balance`,
  transactions: (c: string, a: string) => `${corePaths.account(c, a)}/transactions`,
  statements: (c: string, a: string) => `${corePaths.account(c, a)}/statements`,
  creditCards: (customerId: string) => `${corePaths.customer(customerId)}/credit-cards`,
  creditCard: (c: string, cardId: string) => `${corePaths.creditCards(c)}/${encodeURIComponent(cardId)}`,
  bills: (c: string, cardId: string) => `${corePaths.creditCard(c, cardId)}/bills`,
  cardTransactions: (c: string, cardId: string) => `${corePaths.creditCard(c, cardId)}/transactions`,
};

/** 404 codes that mean "no such thing for this customer": the connector answers undefined or empty. */
export const NOT_FOUND_CODES = ['CUSTOMER_NOT_FOUND', 'ACCOUNT_NOT_FOUND', 'CREDIT_CARD_NOT_FOUND'] as const;
type NotFoundCode = (typeof NOT_FOUND_CODES)[number];

export type ErrorCode = NotFoundCode | 'INVALID_PARAMETER' | 'NOT_FOUND' | 'INTERNAL_ERROR' | 'UNAVAILABLE';

export interface CoreError {
  error: { code: ErrorCode; message: string; parameter?: string };
}

export interface CoreItem<T> {
  data: T;
}

export interface CorePage<T> {
  data: T[];
  total: number;
  /** Absent on the last page. */
  nextCursor?: string;
}
