// The guard around every call to a bank connector, wherever it is made: a circuit breaker per
// connector, a timeout per attempt, a small retry budget, one deadline for the whole read, and a
// count of each outcome. The gateway and the authorization server call connectors through it in
// process; a connector itself stays plain code against the contract (connector.ts).
import CircuitBreaker from 'opossum';
import { Counter, type Registry } from 'prom-client';
import { ConnectorRequestRefused, ConnectorUnavailable, type BankConnector } from './connector.js';

export interface BreakerOptions {
  /** ms before one attempt counts as failed. */
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

/** Attempts of one call, and the waits between them (doubling from first to max). */
export interface RetryBudget {
  attempts: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryBudget = { attempts: 3, firstDelayMs: 100, maxDelayMs: 1000 };

/** The circuit is open: the core has been failing, and calls are refused without trying it. */
export class ConnectorCircuitOpen extends Error {
  override name = 'ConnectorCircuitOpen';
}

export interface GuardOptions {
  breaker?: Partial<BreakerOptions>;
  retry?: Partial<RetryBudget>;
  /** Where the call counts go (the component's /metrics). */
  registry?: Registry;
}

/**
 * Runs `call` against the connector before `deadline` (epoch ms). Throws ConnectorRequestRefused
 * (malformed: never retried, not counted by the breaker), ConnectorCircuitOpen (not retried: the
 * circuit will not close a few ms later) or ConnectorUnavailable (attempts or time exhausted).
 */
export type Guard = <T>(call: () => Promise<T>, deadline: number) => Promise<T>;

export function guardConnector(connector: BankConnector, o: GuardOptions = {}): Guard {
  const retry = { ...DEFAULT_RETRY, ...o.retry };
  const calls = new Counter({
    name: 'connector_calls_total',
    help: 'Calls to the bank connector by outcome: ok, refused (malformed), unavailable, circuit_open',
    labelNames: ['connector', 'outcome'],
    registers: o.registry ? [o.registry] : [],
  });
  const count = (outcome: string) => calls.inc({ connector: connector.name, outcome });
  const breaker = new CircuitBreaker(<T>(call: () => Promise<T>) => call(), {
    ...DEFAULT_BREAKER,
    ...o.breaker,
    // A malformed request says nothing about the core's health.
    errorFilter: (err: unknown) => err instanceof ConnectorRequestRefused,
  });

  const attempt = async <T>(call: () => Promise<T>, deadline: number): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ConnectorUnavailable(`connector ${connector.name} did not answer in time`)),
        Math.max(0, deadline - Date.now()),
      );
    });
    try {
      const result = await Promise.race([breaker.fire(call) as Promise<T>, late]);
      count('ok');
      return result;
    } catch (err) {
      if (err instanceof ConnectorRequestRefused) {
        count('refused');
        throw err;
      }
      if (breaker.opened) {
        count('circuit_open');
        throw new ConnectorCircuitOpen(`connector ${connector.name} is failing; calls are paused`);
      }
      count('unavailable');
      throw err instanceof ConnectorUnavailable
        ? err
        : new ConnectorUnavailable(`connector ${connector.name} failed`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  };

  return async (call, deadline) => {
    for (let n = 1, delay = retry.firstDelayMs; ; n++, delay = Math.min(delay * 2, retry.maxDelayMs)) {
      try {
        return await attempt(call, deadline);
      } catch (err) {
        if (err instanceof ConnectorRequestRefused || err instanceof ConnectorCircuitOpen) throw err;
        if (n >= retry.attempts || Date.now() + delay >= deadline) throw err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  };
}
