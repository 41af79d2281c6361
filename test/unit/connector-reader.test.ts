// The data-fetch activity: consent scope at source, and a circuit breaker that opens on an
// unavailable core but not on malformed requests. (A unit test: the connector is a stand-in.)
import { describe, expect, it } from '@jest/globals';
import { Registry } from 'prom-client';
import { createDataFetchActivities } from '../../activities/data-fetch.js';
import {
  ConnectorRequestRefused,
  ConnectorUnavailable,
  type BankConnector,
} from '../../connectors/sdk/connector.js';
import type { FetchRequest } from '../../workflows/data-fetch-types.js';

const request = (accountId: string): FetchRequest => ({
  consentId: 'urn:bank:c1',
  clientId: 'client',
  customerId: 'customer',
  accountIds: ['acc-1'],
  operation: { kind: 'balance', accountId },
});

function connector(failure: () => Error | undefined) {
  let calls = 0;
  const c = {
    name: 'stand-in',
    getBalance: async (_customerId: string, accountId: string) => {
      calls++;
      const err = failure();
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
  } as unknown as BankConnector;
  return { c, calls: () => calls };
}

const BREAKER = { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeout: 60_000, timeout: 1000 };

describe('fetchBankData', () => {
  it('never reaches the core for an account outside the consent', async () => {
    const { c, calls } = connector(() => undefined);
    const { fetchBankData } = createDataFetchActivities({ connector: c, breaker: BREAKER });
    expect(await fetchBankData(request('acc-2'))).toEqual({ kind: 'outOfScope' });
    expect(calls()).toBe(0);
    expect(await fetchBankData(request('acc-1'))).toMatchObject({ kind: 'balance' });
  });

  it('opens the circuit on an unavailable core, failing fast without calling it', async () => {
    const { c, calls } = connector(() => new ConnectorUnavailable('core down'));
    const { fetchBankData } = createDataFetchActivities({ connector: c, breaker: BREAKER });
    for (let i = 0; i < 3; i++) await expect(fetchBankData(request('acc-1'))).rejects.toThrow();
    const before = calls();
    await expect(fetchBankData(request('acc-1'))).rejects.toMatchObject({
      type: 'CircuitOpen',
      nonRetryable: true,
    });
    expect(calls()).toBe(before);
  });

  it('answers malformed requests as refused, without opening the circuit, and counts each outcome', async () => {
    const registry = new Registry();
    let refuse = true;
    const { c } = connector(() =>
      refuse ? new ConnectorRequestRefused('cursor is not one this service issued') : undefined,
    );
    const { fetchBankData } = createDataFetchActivities({ connector: c, breaker: BREAKER, registry });
    for (let i = 0; i < 5; i++)
      await expect(fetchBankData(request('acc-1'))).rejects.toMatchObject({
        type: 'RequestRefused',
        nonRetryable: true,
      });
    refuse = false;
    expect(await fetchBankData(request('acc-1'))).toMatchObject({ kind: 'balance' });
    const counted = (await registry.getSingleMetric('connector_calls_total')!.get()).values;
    expect(counted.map((v) => [v.labels.outcome, v.value])).toEqual([
      ['refused', 5],
      ['ok', 1],
    ]);
  });
});
