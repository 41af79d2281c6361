// The guarded reader the gateway and the AS call in process: consent scope at source, a retry
// budget for a failing core, a circuit breaker that opens on an unavailable core but not on
// malformed requests, one deadline per read, and no partial answers. (A unit test: the connector
// is a stand-in; test/integration/gateway/gateway-connector-faults.test.ts drives the same faults over HTTP.)
import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import {
  BankDataRequestRefused,
  BankDataUnavailable,
  connectorReader,
  type FetchRequest,
} from '../../connectors/reads.js';
import {
  ConnectorRequestRefused,
  ConnectorUnavailable,
  type BankConnector,
} from '../../connectors/sdk/connector.js';
import { isDependencyFailure } from '../../lib/http/deadline.js';

const request = (accountId: string): FetchRequest => ({
  consentId: 'urn:bank:c1',
  clientId: 'client',
  customerId: 'customer',
  accountIds: ['acc-1', 'card-1'],
  operation: { kind: 'balance', accountId },
});

/** A stand-in core: each balance call asks `failure` what goes wrong this time. */
function connector(failure: (call: number) => Error | 'hang' | undefined) {
  let calls = 0;
  const c = {
    name: 'stand-in',
    getBalance: async (_customerId: string, accountId: string) => {
      const err = failure(++calls);
      if (err === 'hang') return new Promise(() => undefined);
      if (err) throw err;
      return {
        accountId,
        currency: 'BRL',
        available: '1.00',
        blocked: '0.00',
        automaticallyInvested: '0.00',
        updatedAt: '2026-11-01T00:00:00Z',
      };
    },
    listAccounts: async () => [{ accountId: 'acc-1', status: 'OPEN' }],
    listCreditCardAccounts: async () => {
      throw new ConnectorUnavailable('cards are down');
    },
  } as unknown as BankConnector;
  return { c, calls: () => calls };
}

const BREAKER = { volumeThreshold: 4, errorThresholdPercentage: 50, resetTimeout: 60_000, timeout: 1000 };
const FAST_RETRY = { firstDelayMs: 1, maxDelayMs: 5 };

async function counts(registry: Registry) {
  const counted = (await registry.getSingleMetric('connector_calls_total')!.get()).values;
  return Object.fromEntries(counted.map((v) => [v.labels.outcome, v.value]));
}

describe('connectorReader', () => {
  it('never reaches the core for an account outside the consent', async () => {
    const { c, calls } = connector(() => undefined);
    const read = connectorReader({ connector: c, breaker: BREAKER });
    expect(await read(request('acc-2'))).toEqual({ kind: 'outOfScope' });
    expect(calls()).toBe(0);
    expect(await read(request('acc-1'))).toMatchObject({ kind: 'balance' });
  });

  it('retries a failing core up to three attempts, and answers when one succeeds', async () => {
    const registry = new Registry();
    const { c, calls } = connector((n) => (n < 3 ? new ConnectorUnavailable('blip') : undefined));
    const read = connectorReader({ connector: c, breaker: BREAKER, retry: FAST_RETRY, registry });
    expect(await read(request('acc-1'))).toMatchObject({ kind: 'balance' });
    expect(calls()).toBe(3);
    expect(await counts(registry)).toEqual({ unavailable: 2, ok: 1 });
  });

  it('opens the circuit on an unavailable core, then fails fast without calling it', async () => {
    const { c, calls } = connector(() => new ConnectorUnavailable('core down'));
    const read = connectorReader({ connector: c, breaker: BREAKER, retry: FAST_RETRY });
    await expect(read(request('acc-1'))).rejects.toBeInstanceOf(BankDataUnavailable);
    // Three attempts, then the fourth failure of the next read opens the circuit: no more attempts.
    expect(calls()).toBe(3);
    await expect(read(request('acc-1'))).rejects.toBeInstanceOf(BankDataUnavailable);
    expect(calls()).toBe(4);
    await expect(read(request('acc-1'))).rejects.toThrow(/calls are paused/);
    expect(calls()).toBe(4);
  });

  it('answers malformed requests as refused, once, without opening the circuit, and counts each outcome', async () => {
    const registry = new Registry();
    let refuse = true;
    const { c, calls } = connector(() =>
      refuse ? new ConnectorRequestRefused('cursor is not one this service issued') : undefined,
    );
    const read = connectorReader({ connector: c, breaker: BREAKER, retry: FAST_RETRY, registry });
    for (let i = 0; i < 5; i++)
      await expect(read(request('acc-1'))).rejects.toBeInstanceOf(BankDataRequestRefused);
    expect(calls()).toBe(5);
    refuse = false;
    expect(await read(request('acc-1'))).toMatchObject({ kind: 'balance' });
    expect(await counts(registry)).toEqual({ refused: 5, ok: 1 });
  });

  it('gives up at its deadline on a core that never answers', async () => {
    const { c } = connector(() => 'hang');
    const read = connectorReader({
      connector: c,
      breaker: { ...BREAKER, timeout: 2000 },
      retry: FAST_RETRY,
      deadlineMs: 300,
    });
    await expect(read(request('acc-1'))).rejects.toThrow(/did not answer in time/);
  });

  it('answers nothing rather than part of a read when one of its calls fails', async () => {
    const { c } = connector(() => undefined);
    const read = connectorReader({ connector: c, breaker: BREAKER, retry: FAST_RETRY });
    const failed = await read({ ...request('acc-1'), operation: { kind: 'resources' } }).catch((e) => e);
    expect(failed).toBeInstanceOf(BankDataUnavailable);
    // What an error handler sees (the AS's consent page has no route of its own for it): a 503.
    expect(isDependencyFailure(failed)).toBe(true);
  });
});
