// The request budget answers for a handler that has not answered in time and silences its late
// answer; dependency failures are told apart from bugs.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { isDependencyFailure, requestBudget } from '../../lib/http/deadline.js';
import { closeServer } from '../../lib/http/server.js';

describe('isDependencyFailure', () => {
  const named = (name: string, extra: Record<string, unknown> = {}) =>
    Object.assign(new Error('x'), { name, ...extra });

  it('recognises a database or Temporal that is away or silent, also as a cause', () => {
    expect(isDependencyFailure(named('MongoServerSelectionError'))).toBe(true);
    expect(isDependencyFailure(named('MongoNetworkTimeoutError'))).toBe(true);
    expect(isDependencyFailure(named('MongoServerError', { code: 50 }))).toBe(true);
    expect(isDependencyFailure(new Error('wrapped', { cause: named('MongoPoolClearedError') }))).toBe(true);
    expect(isDependencyFailure(named('ServiceError', { code: 14, metadata: {} }))).toBe(true);
  });

  it("recognises FerretDB passing on PostgreSQL's refusals while it restarts, as the chaos run saw them", () => {
    const ferret = (message: string) =>
      Object.assign(new Error(message), { name: 'MongoServerError', code: 1 });
    expect(
      isDependencyFailure(
        ferret(
          '[msg_insert.go:168 handler.(*Handler).MsgInsert] FATAL: terminating connection due to administrator command (SQLSTATE 57P01)',
        ),
      ),
    ).toBe(true);
    expect(
      isDependencyFailure(
        ferret(
          'failed to connect to `user=postgres database=obp_ferretdb`: server error: FATAL: the database system is shutting down (SQLSTATE 57P03)',
        ),
      ),
    ).toBe(true);
    expect(
      isDependencyFailure(
        ferret(
          'failed to connect to `user=postgres database=obp_ferretdb`:\n\t127.0.0.1:5432 (127.0.0.1): dial error: dial tcp 127.0.0.1:5432: connect: connection refused',
        ),
      ),
    ).toBe(true);
    // A query PostgreSQL refused on its merits is a bug or a bad request, not an outage.
    expect(isDependencyFailure(ferret('ERROR: invalid input syntax for type json (SQLSTATE 22P02)'))).toBe(
      false,
    );
  });

  it('leaves bugs and refusals alone', () => {
    expect(isDependencyFailure(new TypeError('undefined is not a function'))).toBe(false);
    expect(isDependencyFailure(named('MongoServerError', { code: 11000 }))).toBe(false);
    expect(isDependencyFailure(undefined)).toBe(false);
  });
});

describe('requestBudget', () => {
  let server: Server;
  let base: string;
  const late: Promise<unknown>[] = [];

  beforeAll(async () => {
    const app = express();
    app.use(
      requestBudget({
        budgetMs: 200,
        onExpired: (_req, res) => void res.status(504).json({ error: 'budget' }),
      }),
    );
    app.get('/slow', (_req, res) => {
      // Answers long after the budget: the write must go nowhere and throw nothing.
      late.push(
        new Promise((resolve) => setTimeout(() => resolve(res.status(200).json({ late: true })), 600)),
      );
    });
    app.get('/fast', (_req, res) => void res.json({ ok: true }));
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.all(late);
    await closeServer(server);
  });

  it('answers for a handler that did not answer in time, once', async () => {
    const res = await fetch(`${base}/slow`);
    expect(res.status).toBe(504);
    expect(await res.json()).toEqual({ error: 'budget' });
    await Promise.all(late);
    // The connection still serves the next request: the late answer did not corrupt it.
    const next = await fetch(`${base}/fast`);
    expect(await next.json()).toEqual({ ok: true });
  });

  it('leaves an answer in time alone', async () => {
    const res = await fetch(`${base}/fast`);
    expect(res.status).toBe(200);
  });
});
