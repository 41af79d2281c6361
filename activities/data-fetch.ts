// The connector behind `dataFetch`: the configured bank connector, called through a circuit
// breaker, with data filtered at source to the consent's accounts before it leaves the worker.
import { ApplicationFailure } from '@temporalio/common';
import CircuitBreaker from 'opossum';
import { Counter, type Registry } from 'prom-client';
import { ConnectorRequestRefused, type BankConnector } from '../connectors/sdk/connector.js';
import type { FetchRequest, FetchResult } from '../workflows/data-fetch-types.js';

export interface BreakerOptions {
  /** ms before a call counts as failed. */
  timeout: number;
  /** Failure percentage (over the rolling window) that opens the circuit. */
  errorThresholdPercentage: number;
  /** ms the circuit stays open before one trial call. */
  resetTimeout: number;
  /** Calls in the window before the percentage counts. */
  volumeThreshold: number;
}

export const DEFAULT_BREAKER: BreakerOptions = {
  timeout: 4000,
  errorThresholdPercentage: 50,
  resetTimeout: 10_000,
  volumeThreshold: 5,
};

export function createDataFetchActivities(deps: {
  connector: BankConnector;
  breaker?: Partial<BreakerOptions>;
  /** Where the connector's call counts go (the worker's /metrics). */
  registry?: Registry;
}) {
  const { connector } = deps;
  const calls = new Counter({
    name: 'connector_calls_total',
    help: 'Calls to the bank connector by outcome: ok, refused (malformed), unavailable, circuit_open',
    labelNames: ['connector', 'outcome'],
    registers: deps.registry ? [deps.registry] : [],
  });
  const count = (outcome: string) => calls.inc({ connector: connector.name, outcome });
  const breaker = new CircuitBreaker(<T>(call: () => Promise<T>) => call(), {
    ...DEFAULT_BREAKER,
    ...deps.breaker,
    // A malformed request says nothing about the core's health.
    errorFilter: (err: unknown) => err instanceof ConnectorRequestRefused,
  });
  const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      const result = (await breaker.fire(call)) as T;
      count('ok');
      return result;
    } catch (err) {
      if (err instanceof ConnectorRequestRefused) {
        count('refused');
        throw ApplicationFailure.create({ type: 'RequestRefused', message: err.message, nonRetryable: true });
      }
      count(breaker.opened ? 'circuit_open' : 'unavailable');
      if (breaker.opened)
        throw ApplicationFailure.create({
          type: 'CircuitOpen',
          message: `connector ${connector.name} is failing; calls are paused`,
          nonRetryable: true,
        });
      throw err;
    }
  };

  return {
    async fetchBankData(req: FetchRequest): Promise<FetchResult> {
      const { customerId, operation: op } = req;
      const allowed = new Set(req.accountIds);
      const outOfScope = { kind: 'outOfScope' } as const;
      switch (op.kind) {
        case 'customer':
          return { kind: 'customer', customer: await guarded(() => connector.getCustomer(customerId)) };
        case 'customerResources': {
          const [accounts, creditCards] = await Promise.all([
            guarded(() => connector.listAccounts(customerId)),
            guarded(() => connector.listCreditCardAccounts(customerId)),
          ]);
          return { kind: 'customerResources', accounts, creditCards };
        }
        case 'resources': {
          const [accounts, cards] = await Promise.all([
            guarded(() => connector.listAccounts(customerId)),
            guarded(() => connector.listCreditCardAccounts(customerId)),
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
          const accounts = await guarded(() => connector.listAccounts(customerId));
          return { kind: 'accounts', accounts: accounts.filter((a) => allowed.has(a.accountId)) };
        }
        case 'balance': {
          if (!allowed.has(op.accountId)) return outOfScope;
          const balance = await guarded(() => connector.getBalance(customerId, op.accountId));
          return balance ? { kind: 'balance', balance } : outOfScope;
        }
        case 'transactions':
          if (!allowed.has(op.accountId)) return outOfScope;
          return {
            kind: 'transactions',
            page: await guarded(() =>
              connector.listTransactions(customerId, op.accountId, op.range, op.page),
            ),
          };
        case 'statements':
          if (!allowed.has(op.accountId)) return outOfScope;
          return {
            kind: 'statements',
            statements: await guarded(() => connector.listStatements(customerId, op.accountId, op.range)),
          };
        case 'creditCards': {
          const cards = await guarded(() => connector.listCreditCardAccounts(customerId));
          return {
            kind: 'creditCards',
            creditCards: cards.filter((c) => allowed.has(c.creditCardAccountId)),
          };
        }
        case 'bills':
          if (!allowed.has(op.creditCardAccountId)) return outOfScope;
          return {
            kind: 'bills',
            bills: await guarded(() => connector.listBills(customerId, op.creditCardAccountId, op.range)),
          };
        case 'cardTransactions':
          if (!allowed.has(op.creditCardAccountId)) return outOfScope;
          return {
            kind: 'cardTransactions',
            page: await guarded(() =>
              connector.listCardTransactions(customerId, op.creditCardAccountId, op.range, op.page),
            ),
          };
      }
    },
  };
}

export type DataFetchActivities = ReturnType<typeof createDataFetchActivities>;
