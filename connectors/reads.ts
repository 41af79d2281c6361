// The bank's data as the gateway and the consent page read it: what a read asks (standard-neutral),
// the consent scope it must stay in, and the reader that runs it in process — the configured
// connector behind the guard (sdk/guard.ts: breaker, timeouts, retries, one deadline), with data
// filtered to the consent's accounts before it leaves this module. Reads write nothing durable:
// no workflow, no history (docs/architecture.md, "Reading the bank's data").
import type { Registry } from 'prom-client';
import type { Logger } from '../lib/logger.js';
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
} from './sdk/model.js';
import {
  ConnectorRequestRefused,
  type BankConnector,
  type PageRequest,
  type TimeRange,
} from './sdk/connector.js';
import { ConnectorCircuitOpen, guardConnector, type BreakerOptions, type RetryBudget } from './sdk/guard.js';

interface ConsentedResource {
  resourceId: string;
  type: 'ACCOUNT' | 'CREDIT_CARD';
  /** UNAVAILABLE: closed, or gone from the core since the customer chose it. */
  status: 'AVAILABLE' | 'UNAVAILABLE';
}

export type FetchOperation =
  | { kind: 'customer' }
  /** Everything the customer could share (the consent page's choice); only the AS asks for it. */
  | { kind: 'customerResources' }
  | { kind: 'accounts' }
  /** The consented accounts and cards, and whether the core still has them open. */
  | { kind: 'resources' }
  | { kind: 'balance'; accountId: string }
  | { kind: 'transactions'; accountId: string; range: TimeRange; page: PageRequest }
  | { kind: 'statements'; accountId: string; range: TimeRange }
  | { kind: 'creditCards' }
  | { kind: 'bills'; creditCardAccountId: string; range: TimeRange }
  | { kind: 'cardTransactions'; creditCardAccountId: string; range: TimeRange; page: PageRequest };

export interface FetchRequest {
  consentId: string;
  clientId: string;
  customerId: string;
  /** The accounts (deposit or credit card) the customer selected: nothing else leaves the reader. */
  accountIds: string[];
  operation: FetchOperation;
}

/** `outOfScope`: the resource is not one the consent covers (or does not exist): the gateway's 404. */
export type FetchResult =
  | { kind: 'customer'; customer?: Customer }
  | { kind: 'customerResources'; accounts: Account[]; creditCards: CreditCardAccount[] }
  | { kind: 'accounts'; accounts: Account[] }
  | { kind: 'resources'; resources: ConsentedResource[] }
  | { kind: 'balance'; balance: Balance }
  | { kind: 'transactions'; page: Page<Transaction> }
  | { kind: 'statements'; statements: Statement[] }
  | { kind: 'creditCards'; creditCards: CreditCardAccount[] }
  | { kind: 'bills'; bills: Bill[] }
  | { kind: 'cardTransactions'; page: Page<CardTransaction> }
  | { kind: 'outOfScope' };

export type DataFetcher = (req: FetchRequest) => Promise<FetchResult>;

/** The core refused the request as malformed (e.g. a paging key it never issued): the caller's 400. */
export class BankDataRequestRefused extends Error {
  override name = 'BankDataRequestRefused';
}

/** The bank's core could not answer (connector down, circuit open, out of time): 503 upstream. */
export class BankDataUnavailable extends Error {
  override name = 'BankDataUnavailable';
}

export interface ReaderOptions {
  connector: BankConnector;
  breaker?: Partial<BreakerOptions>;
  retry?: Partial<RetryBudget>;
  /** ms one read may take, retries included: inside the component's request budget. */
  deadlineMs?: number;
  /** Where the connector's call counts go (the component's /metrics). */
  registry?: Registry;
  /** Why a read failed (ids only: connectors keep personal data out of their errors). */
  logger?: Logger;
}

/** A read's deadline inside a request budget: a tenth is left to write the standard's answer. */
export const readDeadlineWithin = (requestBudgetMs: number) => Math.round(requestBudgetMs * 0.9);

const DEFAULT_READ_DEADLINE_MS = readDeadlineWithin(10_000);

/** The reads of one process: one breaker per connector, shared by every call. */
export function connectorReader(o: ReaderOptions): DataFetcher {
  const { connector } = o;
  const guard = guardConnector(connector, {
    ...(o.breaker ? { breaker: o.breaker } : {}),
    ...(o.retry ? { retry: o.retry } : {}),
    ...(o.registry ? { registry: o.registry } : {}),
  });
  const deadlineMs = o.deadlineMs ?? DEFAULT_READ_DEADLINE_MS;

  const read = async (req: FetchRequest): Promise<FetchResult> => {
    const deadline = Date.now() + deadlineMs;
    // The connector method names the guarded call (and its span).
    const guarded = <T>(operation: keyof BankConnector & string, call: () => Promise<T>) =>
      guard(call, deadline, operation);
    const { customerId, operation: op } = req;
    const allowed = new Set(req.accountIds);
    const outOfScope = { kind: 'outOfScope' } as const;
    switch (op.kind) {
      case 'customer':
        return {
          kind: 'customer',
          customer: await guarded('getCustomer', () => connector.getCustomer(customerId)),
        };
      case 'customerResources': {
        const [accounts, creditCards] = await Promise.all([
          guarded('listAccounts', () => connector.listAccounts(customerId)),
          guarded('listCreditCardAccounts', () => connector.listCreditCardAccounts(customerId)),
        ]);
        return { kind: 'customerResources', accounts, creditCards };
      }
      case 'resources': {
        const [accounts, cards] = await Promise.all([
          guarded('listAccounts', () => connector.listAccounts(customerId)),
          guarded('listCreditCardAccounts', () => connector.listCreditCardAccounts(customerId)),
        ]);
        const open = new Set(accounts.filter((a) => a.status === 'OPEN').map((a) => a.accountId));
        const cardIds = new Set(cards.map((c) => c.creditCardAccountId));
        return {
          kind: 'resources',
          resources: req.accountIds.map((id) => ({
            resourceId: id,
            type: cardIds.has(id) ? 'CREDIT_CARD' : 'ACCOUNT',
            status: open.has(id) || cardIds.has(id) ? 'AVAILABLE' : 'UNAVAILABLE',
          })),
        };
      }
      case 'accounts': {
        const accounts = await guarded('listAccounts', () => connector.listAccounts(customerId));
        return { kind: 'accounts', accounts: accounts.filter((a) => allowed.has(a.accountId)) };
      }
      case 'balance': {
        if (!allowed.has(op.accountId)) return outOfScope;
        const balance = await guarded('getBalance', () => connector.getBalance(customerId, op.accountId));
        return balance ? { kind: 'balance', balance } : outOfScope;
      }
      case 'transactions':
        if (!allowed.has(op.accountId)) return outOfScope;
        return {
          kind: 'transactions',
          page: await guarded('listTransactions', () =>
            connector.listTransactions(customerId, op.accountId, op.range, op.page),
          ),
        };
      case 'statements':
        if (!allowed.has(op.accountId)) return outOfScope;
        return {
          kind: 'statements',
          statements: await guarded('listStatements', () =>
            connector.listStatements(customerId, op.accountId, op.range),
          ),
        };
      case 'creditCards': {
        const cards = await guarded('listCreditCardAccounts', () =>
          connector.listCreditCardAccounts(customerId),
        );
        return { kind: 'creditCards', creditCards: cards.filter((c) => allowed.has(c.creditCardAccountId)) };
      }
      case 'bills':
        if (!allowed.has(op.creditCardAccountId)) return outOfScope;
        return {
          kind: 'bills',
          bills: await guarded('listBills', () =>
            connector.listBills(customerId, op.creditCardAccountId, op.range),
          ),
        };
      case 'cardTransactions':
        if (!allowed.has(op.creditCardAccountId)) return outOfScope;
        return {
          kind: 'cardTransactions',
          page: await guarded('listCardTransactions', () =>
            connector.listCardTransactions(customerId, op.creditCardAccountId, op.range, op.page),
          ),
        };
    }
  };

  return async (req) => {
    try {
      return await read(req);
    } catch (err) {
      if (err instanceof ConnectorRequestRefused) throw new BankDataRequestRefused(err.message);
      // An open circuit is logged once by its cause, not again for every call it refuses.
      if (!(err instanceof ConnectorCircuitOpen))
        o.logger?.warn(
          { err, connector: connector.name, operation: req.operation.kind, consentId: req.consentId },
          'bank data read failed',
        );
      throw new BankDataUnavailable(err instanceof Error ? err.message : String(err), { cause: err });
    }
  };
}
