// Fail fast, never hang: every request is answered within its component's budget, and a dependency
// that is away (database, Temporal) is a 503 rather than a 500 or a wait. Each component writes
// these answers in its own standard's format (OFB, FDX, OAuth, problem+json, a short page); this
// module only decides when, and what kind of failure it was.
import type { Request, RequestHandler, Response } from 'express';
import { html, page } from './html.js';

export interface RequestBudgetOptions {
  budgetMs: number;
  /** Writes the component's own "took too long" answer (504 or its standard's equivalent). */
  onExpired: (req: Request, res: Response) => void;
}

/**
 * Answers a request that has not begun its response within the budget, and discards whatever the
 * handler writes later (a response that has begun, e.g. a stream, is left alone).
 */
export function requestBudget(o: RequestBudgetOptions): RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent || res.writableEnded || res.destroyed) return;
      req.log?.warn({ budgetMs: o.budgetMs }, 'request budget exceeded: answering for the handler');
      try {
        o.onExpired(req, res);
      } catch (err) {
        req.log?.error({ err }, 'could not write the budget answer');
        res.destroy();
      }
      discardLateWrites(req, res);
    }, o.budgetMs);
    const clear = () => clearTimeout(timer);
    res.once('finish', clear);
    res.once('close', clear);
    next();
  };
}

const ANSWERED = Symbol('answered by the request budget');

/** True once the budget answered: an error handler then has nothing left to write or to end. */
export function budgetAnswered(res: Response): boolean {
  return (res as unknown as Record<symbol, boolean>)[ANSWERED] === true;
}

/** After the budget answer: the handler's own, late answer goes nowhere (and throws nothing). */
function discardLateWrites(req: Request, res: Response): void {
  (res as unknown as Record<symbol, boolean>)[ANSWERED] = true;
  let logged = false;
  const discard = () => {
    if (!logged) req.log?.info('late answer discarded: the request budget had already answered');
    logged = true;
  };
  res.setHeader = (() => (discard(), res)) as Response['setHeader'];
  res.writeHead = (() => (discard(), res)) as Response['writeHead'];
  res.write = (() => (discard(), true)) as Response['write'];
  res.end = (() => (discard(), res)) as Response['end'];
}

// Errors that mean "a dependency is away or silent", by name: the classes live in the driver (the
// database) or in connectors/ (the bank's core), which lib/ need not import to recognise them.
const UNAVAILABLE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoPoolClearedError',
  'MongoWaitQueueTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoOperationTimeoutError',
  // The bank's core, read through the guarded connector (connectors/reads.ts): down, or out of time.
  'BankDataUnavailable',
]);
// Server errors of the same kind: MaxTimeMSExpired, and a server shutting down or not primary.
const UNAVAILABLE_CODES = new Set([50, 91, 189, 10107, 11600, 11602, 13435, 13436]);
// FerretDB on PostgreSQL passes PostgreSQL's own refusal on as a server error: a connection
// exception (08…), a server shutting down or starting (57P01–57P03), out of connections (53300),
// or no server to connect to at all (pgx's "failed to connect to `user=…`: dial error").
const POSTGRES_UNAVAILABLE = /SQLSTATE (08[0-9A-Z]{3}|57P0[123]|53300)\b|failed to connect to `/;
// gRPC UNAVAILABLE and DEADLINE_EXCEEDED (Temporal's frontend away or silent).
const GRPC_UNAVAILABLE = new Set([4, 14]);

/**
 * True when the error (or one of its causes) means a dependency could not answer: the request may
 * succeed later, so it is a 503, not a 500.
 */
export function isDependencyFailure(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 6; depth++) {
    const { name, code, message, metadata } = e as {
      name?: string;
      code?: unknown;
      message?: string;
      metadata?: unknown;
    };
    if (name && UNAVAILABLE_ERRORS.has(name)) return true;
    if (name?.startsWith('Mongo') && typeof code === 'number' && UNAVAILABLE_CODES.has(code)) return true;
    if (name?.startsWith('Mongo') && POSTGRES_UNAVAILABLE.test(message ?? '')) return true;
    // mongoose: a command issued while the connection is not (yet) open.
    if (name === 'MongooseError' && /buffering timed out|before initial connection/.test(message ?? ''))
      return true;
    if (metadata !== undefined && typeof code === 'number' && GRPC_UNAVAILABLE.has(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** True when the caller is a browser asking for a page rather than an API client. */
export function wantsHtml(req: Request): boolean {
  return req.accepts(['json', 'html']) === 'html';
}

const PAGE_TEXT = {
  503: ['Temporarily unavailable', 'A system this page needs is not answering right now.'],
  504: ['This took too long', 'The page could not be prepared in time.'],
} as const;

/** The short human page for a 503 (a dependency is away) or a 504 (the budget ran out). */
function unavailablePage(status: 503 | 504): string {
  const [title, why] = PAGE_TEXT[status];
  return page(
    title,
    html`<h1>${title}</h1>
      <p>${why} Nothing was lost: please try again in a minute.</p>`,
  );
}

export function sendUnavailablePage(res: Response, status: 503 | 504): void {
  res.status(status).type('html').send(unavailablePage(status));
}
