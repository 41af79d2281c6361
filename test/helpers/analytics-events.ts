// What the analytics tests (roll-ups, developer insights) build their data and expectations from:
// gateway calls as the gateway records them, and a summary's numbers.

/** An analytics summary's numbers, in the order the expectations list them. */
export const stats = (
  calls: number,
  errors: number,
  errorRate: number,
  bytes: number,
  avgLatencyMs: number | null,
  p50Ms: number | null,
  p95Ms: number | null,
) => ({ calls, errors, errorRate, bytes, avgLatencyMs, p50Ms, p95Ms });

/**
 * A maker of GET calls as api/gateway/analytics.ts records them, with ids unique to the test's
 * `prefix`; `organizationOf` names the organization of a client the gateway knows one of.
 */
export function gatewayCalls(
  prefix: string,
  organizationOf: (clientId: string) => string | undefined = () => undefined,
) {
  let seq = 0;
  return (
    at: Date,
    clientId: string | undefined,
    endpoint: string,
    status: number,
    latencyMs: number,
    bytes: number,
  ) => {
    const n = ++seq;
    const organizationId = clientId ? organizationOf(clientId) : undefined;
    return {
      _id: `${prefix}-call-${n}`,
      type: 'gateway.call',
      at,
      standard: endpoint.startsWith('/fdx/') ? 'FDX' : 'OFB',
      ...(clientId ? { clientId } : {}),
      ...(organizationId ? { organizationId } : {}),
      method: 'GET',
      endpoint,
      status,
      latencyMs,
      bytes,
      interactionId: `${prefix}-fapi-${n}`,
    };
  };
}
