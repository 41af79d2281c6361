// Traffic limits as Express middleware, for the pages and endpoints limited per origin: each
// component says which requests count, what their origin is, and how it writes a 429 in its own
// format. The counting is lib/traffic/counters.ts.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { html, page } from '../http/html.js';
import type { CounterStore, Window } from './counters.js';

/** The caller's address: the socket's, or — from a trusted proxy — the last hop the proxy saw. */
export function clientAddress(req: Request, trustedProxies: readonly string[] = []): string {
  const remote = req.socket.remoteAddress ?? 'unknown';
  if (!trustedProxies.includes(remote)) return remote;
  const forwarded = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? ''))
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  // The rightmost address no trusted proxy claims is the one that connected to the first proxy.
  return hops.reverse().find((h) => !trustedProxies.includes(h)) ?? remote;
}

export interface RequestLimit {
  /** The counter's name: its keys' prefix and the label of its refusals. */
  name: string;
  points: number;
  window: Window;
  /** Which requests count: the method and a path pattern. */
  method: string;
  path: RegExp;
}

/** Writes the component's 429; `retryAfterS` is already in the `Retry-After` header. */
type TooManyWriter = (req: Request, res: Response, retryAfterS: number) => void;

/** Counts each matching request under `origin(req)` and answers 429 with `Retry-After` past a limit. */
export function limitRequests(
  store: CounterStore,
  limits: RequestLimit[],
  o: { origin: (req: Request) => string; refuse: TooManyWriter },
): RequestHandler {
  const counters = limits.map((l) => ({ ...l, counter: store.counter(l.name, l.points, l.window) }));
  return async (req: Request, res: Response, next: NextFunction) => {
    const limit = counters.find((l) => l.method === req.method && l.path.test(req.path));
    if (!limit) return next();
    const verdict = await limit.counter.hit(o.origin(req));
    if (verdict.allowed) return next();
    res.setHeader('Retry-After', String(verdict.retryAfterS));
    o.refuse(req, res, verdict.retryAfterS);
  };
}

/** The short page a person gets past a limit on a page: how long to wait, nothing else. */
export function tooManyPage(retryAfterS: number): string {
  const wait = retryAfterS >= 120 ? `${Math.ceil(retryAfterS / 60)} minutes` : `${retryAfterS} seconds`;
  return page(
    'Too many attempts',
    html`<h1>Too many attempts</h1>
      <p>Too many requests came from your network in a short time. Please try again in ${wait}.</p>`,
  );
}
