// The guard around every call to a bank connector, wherever it is made: a circuit breaker per
// connector, a timeout per attempt, a small retry budget, one deadline for the whole read, and a
// count of each outcome. The gateway and the authorization server call connectors through it in
// process; a connector itself stays plain code against the contract (connector.ts).
import CircuitBreaker from 'opossum';
import { Counter, type Registry } from 'prom-client';
import { inSpan, NOT_RECORDING, SpanKind, tracingOn, type Span } from '../../lib/tracing/spans.js';
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

const DEFAULT_BREAKER: BreakerOptions = {
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

const DEFAULT_RETRY: RetryBudget = { attempts: 3, firstDelayMs: 100, maxDelayMs: 1000 };

/** The circuit is open: the core has been failing, and calls are refused without trying it. */
export class ConnectorCircuitOpen extends Error {
  override name = 'ConnectorCircuitOpen';
}

interface GuardOptions {
  breaker?: Partial<BreakerOptions>;
  retry?: Partial<RetryBudget>;
  /** Where the call counts go (the component's /metrics). */
  registry?: Registry;
}

/**
 * Runs `call` against the connector before `deadline` (epoch ms). Throws ConnectorRequestRefused
 * (malformed: never retried, not counted by the breaker), ConnectorCircuitOpen (not retried: the
 * circuit will not close a few ms later) or ConnectorUnavailable (attempts or time exhausted).
 * `operation` (the connector method, e.g. `listAccounts`) names the call's span when tracing is on.
 */
type Guard = <T>(call: () => Promise<T>, deadline: number, operation?: string) => Promise<T>;

export function guardConnector(connector: BankConnector, o: GuardOptions = {}): Guard {
  const retry = { ...DEFAULT_RETRY, ...o.retry };
  const calls = new Counter({
    name: 'connector_calls_total',
    help: 'Calls to the bank connector by outcome: ok, refused (malformed), unavailable, circuit_open',
    labelNames: ['connector', 'outcome'],
    registers: o.registry ? [o.registry] : [],
  });
  // The span keeps the last attempt's outcome: the call's own.
  const count = (outcome: string, span: Span) => {
    calls.inc({ connector: connector.name, outcome });
    span.setAttribute('connector.outcome', outcome);
  };
  const breaker = new CircuitBreaker(<T>(call: () => Promise<T>) => call(), {
    ...DEFAULT_BREAKER,
    ...o.breaker,
    // A malformed request says nothing about the core's health.
    errorFilter: (err: unknown) => err instanceof ConnectorRequestRefused,
  });

  const attempt = async <T>(call: () => Promise<T>, deadline: number, span: Span): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ConnectorUnavailable(`connector ${connector.name} did not answer in time`)),
        Math.max(0, deadline - Date.now()),
      );
    });
    try {
      const result = await Promise.race([breaker.fire(call) as Promise<T>, late]);
      count('ok', span);
      return result;
    } catch (err) {
      if (err instanceof ConnectorRequestRefused) {
        count('refused', span);
        throw err;
      }
      if (breaker.opened) {
        count('circuit_open', span);
        throw new ConnectorCircuitOpen(`connector ${connector.name} is failing; calls are paused`);
      }
      count('unavailable', span);
      throw err instanceof ConnectorUnavailable
        ? err
        : new ConnectorUnavailable(`connector ${connector.name} failed`, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  };

  const run = async <T>(call: () => Promise<T>, deadline: number, span: Span): Promise<T> => {
    for (let n = 1, delay = retry.firstDelayMs; ; n++, delay = Math.min(delay * 2, retry.maxDelayMs)) {
      span.setAttribute('connector.attempts', n);
      try {
        return await attempt(call, deadline, span);
      } catch (err) {
        if (err instanceof ConnectorRequestRefused || err instanceof ConnectorCircuitOpen) throw err;
        if (n >= retry.attempts || Date.now() + delay >= deadline) throw err;
        await new Promise((r) => setTimeout(r, delay));
      }
    }
  };

  // Untraced, a call makes no span, name or attributes: this runs on every read.
  return (call, deadline, operation = 'call') =>
    tracingOn()
      ? inSpan(
          `connector ${operation}`,
          {
            kind: SpanKind.INTERNAL,
            attributes: { 'connector.name': connector.name, 'connector.operation': operation },
          },
          (span) => run(call, deadline, span),
        )
      : run(call, deadline, NOT_RECORDING);
}
