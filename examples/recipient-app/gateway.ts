// Calls to the bank's API gateway: over mTLS with the client certificate the token is bound to,
// the access token as a Bearer, and an `x-fapi-interaction-id` per call (the bank echoes it; quote
// it to the bank when asking about a call).
import { randomUUID } from 'node:crypto';

export interface ApiCall<T = unknown> {
  method: string;
  path: string;
  status: number;
  interactionId: string;
  body: T | undefined;
}

export function gatewayCaller(gatewayUrl: string, mtls: typeof fetch) {
  return async function call<T = unknown>(
    method: string,
    path: string,
    accessToken: string,
    body?: unknown,
  ): Promise<ApiCall<T>> {
    const interactionId = randomUUID();
    const res = await mtls(`${gatewayUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${accessToken}`,
        accept: 'application/json',
        'x-fapi-interaction-id': interactionId,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let parsed: T | undefined;
    try {
      parsed = text ? (JSON.parse(text) as T) : undefined;
    } catch {
      parsed = undefined;
    }
    return { method, path, status: res.status, interactionId, body: parsed };
  };
}

export type GatewayCaller = ReturnType<typeof gatewayCaller>;
