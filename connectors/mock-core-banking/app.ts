// The mock core's HTTP service: the JSON contract of contract.ts over any BankConnector (the
// dataset in memory, or MongoDB). Every route names the customer, and an account or card that is
// not theirs is as unknown as one that does not exist.
import type { Express, NextFunction, Request, Response } from 'express';
import type { Logger } from '../../lib/logger.js';
import { createMetrics } from '../../lib/http/metrics.js';
import { budgetAnswered, isDependencyFailure } from '../../lib/http/deadline.js';
import { createComponentApp } from '../../lib/http/server.js';
import type { ReadinessCheck } from '../../lib/http/health.js';
import type { BankConnector, PageRequest, TimeRange } from '../sdk/connector.js';
import type { Page } from '../sdk/model.js';
import {
  CORE_API,
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  type CoreError,
  type ErrorCode,
} from '../sdk/core-rest-contract.js';
import { InvalidParameter, decodeCursor, parseRange } from './paging.js';

class NotFound extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function param(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new InvalidParameter(name, `${name} must be given once`);
}

function rangeOf(req: Request): TimeRange {
  const range = { from: param(req, 'from'), to: param(req, 'to') };
  parseRange(range);
  return range as TimeRange;
}

function pageOf(req: Request): PageRequest {
  const limit = param(req, 'limit') ?? String(DEFAULT_PAGE_LIMIT);
  if (!/^\d{1,4}$/.test(limit) || Number(limit) < 1 || Number(limit) > MAX_PAGE_LIMIT)
    throw new InvalidParameter('limit', `limit must be a whole number from 1 to ${MAX_PAGE_LIMIT}`);
  const cursor = param(req, 'cursor');
  if (cursor !== undefined) decodeCursor(cursor);
  return { limit: Number(limit), ...(cursor !== undefined ? { cursor } : {}) };
}

const pageBody = <T>(page: Page<T>) => ({
  data: page.items,
  total: page.total,
  ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
});

function sendError(res: Response, status: number, error: CoreError['error']): void {
  res.status(status).json({ error } satisfies CoreError);
}

export function createCoreBankingApp(opts: {
  logger: Logger;
  core: BankConnector;
  readiness?: ReadinessCheck[];
  /** How long a request may take before the core answers 504 itself (HTTP_REQUEST_BUDGET). */
  requestBudgetMs?: number;
}): Express {
  const { core } = opts;
  const app = createComponentApp({
    logger: opts.logger,
    readiness: opts.readiness ?? [],
    metrics: createMetrics('core-banking'),
    budget: {
      budgetMs: opts.requestBudgetMs ?? 10_000,
      onExpired: (_req, res) =>
        sendError(res, 504, { code: 'UNAVAILABLE', message: 'no answer within the request budget' }),
    },
  });
  app.use((_req, res, next) => {
    res.setHeader('cache-control', 'no-store');
    next();
  });
  const get = (path: string, handler: (req: Request<Record<string, string>>) => Promise<unknown>) =>
    app.get(`${CORE_API}${path}`, async (req: Request<Record<string, string>>, res) => {
      res.json(await handler(req));
    });

  const customer = async (customerId: string) => {
    const found = await core.getCustomer(customerId);
    if (!found) throw new NotFound('CUSTOMER_NOT_FOUND', 'no such customer');
    return found;
  };
  const account = async (customerId: string, accountId: string) => {
    await customer(customerId);
    if (!(await core.listAccounts(customerId)).some((a) => a.accountId === accountId))
      throw new NotFound('ACCOUNT_NOT_FOUND', 'no such account for this customer');
  };
  const card = async (customerId: string, cardId: string) => {
    await customer(customerId);
    if (!(await core.listCreditCardAccounts(customerId)).some((c) => c.creditCardAccountId === cardId))
      throw new NotFound('CREDIT_CARD_NOT_FOUND', 'no such credit card for this customer');
  };

  app.get(['/', CORE_API], (_req, res) => {
    res.json({ service: 'mock core banking', contract: 'docs/connectors.md', base: CORE_API });
  });
  // The connector answers empty (or undefined) for an unknown customer, account or card, so the
  // checks that tell which one is unknown run only on an empty answer: a call that finds its data
  // costs the core no lookup beyond the read itself.
  get('/customers/:customerId', async (req) => ({ data: await customer(req.params.customerId!) }));
  get('/customers/:customerId/accounts', async ({ params: { customerId } }) => {
    const accounts = await core.listAccounts(customerId!);
    if (!accounts.length) await customer(customerId!);
    return { data: accounts };
  });
  get('/customers/:customerId/accounts/:accountId/balance', async ({ params: { customerId, accountId } }) => {
    const balance = await core.getBalance(customerId!, accountId!);
    if (!balance) await account(customerId!, accountId!);
    return { data: balance };
  });
  get('/customers/:customerId/accounts/:accountId/transactions', async (req) => {
    const { customerId, accountId } = req.params;
    const [range, page] = [rangeOf(req), pageOf(req)];
    const found = await core.listTransactions(customerId!, accountId!, range, page);
    if (!found.items.length) await account(customerId!, accountId!);
    return pageBody(found);
  });
  get('/customers/:customerId/accounts/:accountId/statements', async (req) => {
    const { customerId, accountId } = req.params;
    const range = rangeOf(req);
    const statements = await core.listStatements(customerId!, accountId!, range);
    if (!statements.length) await account(customerId!, accountId!);
    return { data: statements };
  });
  get('/customers/:customerId/credit-cards', async ({ params: { customerId } }) => {
    const cards = await core.listCreditCardAccounts(customerId!);
    if (!cards.length) await customer(customerId!);
    return { data: cards };
  });
  get('/customers/:customerId/credit-cards/:cardId/bills', async (req) => {
    const { customerId, cardId } = req.params;
    const range = rangeOf(req);
    const bills = await core.listBills(customerId!, cardId!, range);
    if (!bills.length) await card(customerId!, cardId!);
    return { data: bills };
  });
  get('/customers/:customerId/credit-cards/:cardId/transactions', async (req) => {
    const { customerId, cardId } = req.params;
    const [range, page] = [rangeOf(req), pageOf(req)];
    const found = await core.listCardTransactions(customerId!, cardId!, range, page);
    if (!found.items.length) await card(customerId!, cardId!);
    return pageBody(found);
  });

  app.use((_req, res) => sendError(res, 404, { code: 'NOT_FOUND', message: 'no such route' }));
  // Express needs the four-argument signature to treat this as the error handler.
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (budgetAnswered(res)) return;
    if (err instanceof InvalidParameter)
      return sendError(res, 400, {
        code: 'INVALID_PARAMETER',
        message: err.message,
        parameter: err.parameter,
      });
    if (err instanceof NotFound) return sendError(res, 404, { code: err.code, message: err.message });
    if (isDependencyFailure(err)) {
      req.log.warn({ err }, 'core banking request failed: its database is unavailable');
      return sendError(res, 503, {
        code: 'UNAVAILABLE',
        message: 'the core banking database is unavailable',
      });
    }
    // The error, not the request: paths and queries carry customer and account ids.
    req.log.error({ err }, 'core banking request failed');
    sendError(res, 500, { code: 'INTERNAL_ERROR', message: 'internal error' });
  });
  return app;
}
