// The contract every bank connector implements. The platform calls a connector only through the
// guard (guard.ts: timeouts, retries, circuit breaker) in connectors/reads.ts. Every call names the
// customer: a connector returns only that customer's data, and the reader filters further to the
// consented accounts before anything leaves it.
import type {
  Account,
  Balance,
  Bill,
  CardTransaction,
  CreditCardAccount,
  Customer,
  Page,
  Statement,
  Transaction,
} from './model.js';

export interface TimeRange {
  /** Inclusive ISO dates (YYYY-MM-DD) or date-times. */
  from: string;
  to: string;
}

export interface PageRequest {
  /** Opaque cursor from the previous page; absent for the first page. */
  cursor?: string;
  limit: number;
}

export interface BankConnector {
  /** Registry name, e.g. `mock-core-banking`, `rest-core-banking`. */
  readonly name: string;
  getCustomer(customerId: string): Promise<Customer | undefined>;
  listAccounts(customerId: string): Promise<Account[]>;
  getBalance(customerId: string, accountId: string): Promise<Balance | undefined>;
  listTransactions(
    customerId: string,
    accountId: string,
    range: TimeRange,
    page: PageRequest,
  ): Promise<Page<Transaction>>;
  listStatements(customerId: string, accountId: string, range: TimeRange): Promise<Statement[]>;
  listCreditCardAccounts(customerId: string): Promise<CreditCardAccount[]>;
  listBills(customerId: string, creditCardAccountId: string, range: TimeRange): Promise<Bill[]>;
  listCardTransactions(
    customerId: string,
    creditCardAccountId: string,
    range: TimeRange,
    page: PageRequest,
  ): Promise<Page<CardTransaction>>;
}

/**
 * The core refused the request as malformed (a cursor it never issued, a bad range): the caller's
 * mistake, answered as a 400 — never retried, and not counted by the circuit breaker.
 */
export class ConnectorRequestRefused extends Error {
  override name = 'ConnectorRequestRefused';
}

/** A connector that cannot answer now (core down, timeout): retried, and counted by the breaker. */
export class ConnectorUnavailable extends Error {
  override name = 'ConnectorUnavailable';
}
