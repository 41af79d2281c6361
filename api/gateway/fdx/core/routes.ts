// FDX Core Exchange 6.x (`/fdx/v6`): accounts, transactions (inside the consent's lookback),
// statements and their documents, account contact, payment networks and the current customer.
// The consent's data clusters decide what each call may read.
import { Router, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { DataFetcher, FetchOperation, FetchResult } from '../../../../connectors/reads.js';
import { fdxLookback, type FdxConsentTerms } from '../../../../workflows/consent-rules.js';
import { fetchInScope } from '../../data-fetch.js';
import { consentOf, requireAccess, type AccessDeps } from '../../security/access-token.js';
import { limited } from '../../traffic.js';
import { fdxRefusal, invalidInput, sendFdxError } from '../errors.js';
import { accountContact, depositAccount, depositTransaction, paymentNetworks, statement } from './mappers.js';
import { statementPdf } from './statement-pdf.js';

interface FdxCoreDeps {
  access: AccessDeps;
  fetchData: DataFetcher;
  baseUrl: string;
  /** ACH routing number of the bank, for payment networks. */
  routingNumber: string;
  /** The traffic limits, run once the caller is known (traffic.ts). */
  afterAccess?: RequestHandler;
}

const DAY = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function requireCluster(...anyOf: string[]) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const clusters = consentOf(res).permissions ?? [];
    if (anyOf.some((c) => clusters.includes(c))) return next();
    sendFdxError(
      res,
      403,
      602,
      'Customer not authorized',
      `the consent does not include ${anyOf.join(' or ')}`,
    );
  };
}

/** offset/limit (offset is the bank's cursor for long lists, a position for short ones). */
function pageParams(req: Request, res: Response) {
  const limit = req.query.limit === undefined ? 100 : Number(req.query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500) {
    invalidInput(res, 'limit must be a whole number from 1 to 500');
    return undefined;
  }
  const offset = req.query.offset ?? req.query.pageKey;
  if (offset !== undefined && (typeof offset !== 'string' || offset.length > 512)) {
    invalidInput(res, 'offset must be a value from a previous page');
    return undefined;
  }
  return { limit, ...(offset ? { offset } : {}) };
}

export function fdxCoreRouter(deps: FdxCoreDeps): Router {
  const router = Router();
  // Per route, so unknown paths under /fdx/v6 stay 404s and the consent API keeps its own rule.
  const access = limited(requireAccess(deps.access, { grant: 'consent' }, fdxRefusal), deps.afterAccess);
  const fetch = <K extends FetchResult['kind']>(res: Response, op: FetchOperation, kind: K) =>
    fetchInScope(deps.fetchData, res, op, kind, {
      notFound: (r) => sendFdxError(r, 404, 701, 'Account not found', 'no such account under this consent'),
      unavailable: (r) =>
        sendFdxError(r, 503, 501, 'Subsystem unavailable', 'the bank system is unavailable'),
      refused: (r, detail) => invalidInput(r, detail),
    });
  const accountOf = async (req: Request, res: Response) => {
    const result = await fetch(res, { kind: 'accounts' }, 'accounts');
    const account = result?.accounts.find((a) => a.accountId === req.params.accountId);
    if (result && !account)
      sendFdxError(res, 404, 701, 'Account not found', 'no such account under this consent');
    return account;
  };

  router.get('/accounts', access, requireCluster('ACCOUNT_BASIC', 'ACCOUNT_DETAILED'), async (req, res) => {
    const page = pageParams(req, res);
    if (!page) return;
    const start = page.offset ? Number(page.offset) : 0;
    if (!Number.isInteger(start) || start < 0)
      return invalidInput(res, 'offset must come from a previous page');
    const result = await fetch(res, { kind: 'accounts' }, 'accounts');
    if (!result) return;
    const accounts = result.accounts.slice(start, start + page.limit);
    const next = start + page.limit < result.accounts.length ? String(start + page.limit) : undefined;
    res.json({
      page: { totalElements: result.accounts.length, ...(next ? { nextOffset: next } : {}) },
      ...(next
        ? { links: { next: { href: `${deps.baseUrl}/fdx/v6/accounts?offset=${next}&limit=${page.limit}` } } }
        : {}),
      accounts: accounts.map((a) => depositAccount(a)),
    });
  });

  router.get(
    '/accounts/:accountId',
    access,
    // An account's details are its balances: ACCOUNT_DETAILED (the list serves ACCOUNT_BASIC).
    requireCluster('ACCOUNT_DETAILED'),
    async (req, res) => {
      const account = await accountOf(req, res);
      if (!account) return;
      const balance = await fetch(res, { kind: 'balance', accountId: account.accountId }, 'balance');
      if (balance) res.json(depositAccount(account, balance.balance));
    },
  );

  router.get(
    '/accounts/:accountId/transactions',
    access,
    requireCluster('TRANSACTIONS'),
    async (req, res) => {
      const page = pageParams(req, res);
      if (!page) return;
      // The consent's lookback bounds how far back the recipient may read, counted from now.
      const { days: lookbackDays, earliest } = fdxLookback(
        consentOf(res).fdx as FdxConsentTerms | undefined,
        Date.now(),
      );
      const start = req.query.startTime ?? req.query.startDate;
      const end = req.query.endTime ?? req.query.endDate;
      const today = new Date().toISOString().slice(0, 10);
      for (const [name, v] of [
        ['startTime', start],
        ['endTime', end],
      ] as const)
        if (v !== undefined && (typeof v !== 'string' || !DATE.test(v) || Number.isNaN(Date.parse(v))))
          return sendFdxError(res, 400, 702, 'Invalid start or end date', `${name} must be YYYY-MM-DD`);
      const from = (start as string | undefined) ?? earliest;
      const to = (end as string | undefined) ?? today;
      if (from > to) return sendFdxError(res, 400, 703, 'Invalid date range', 'startTime is after endTime');
      if (from < earliest)
        return sendFdxError(
          res,
          400,
          703,
          'Invalid date range',
          `the consent allows ${lookbackDays} days back, from ${earliest}`,
        );
      const result = await fetch(
        res,
        {
          kind: 'transactions',
          accountId: String(req.params.accountId),
          range: { from, to: `${to}T23:59:59.999Z` },
          page: { limit: page.limit, ...(page.offset ? { cursor: page.offset } : {}) },
        },
        'transactions',
      );
      if (!result) return;
      const next = result.page.nextCursor;
      res.json({
        page: { totalElements: result.page.total, ...(next ? { nextOffset: next } : {}) },
        ...(next
          ? {
              links: {
                next: {
                  href: `${deps.baseUrl}/fdx/v6/accounts/${encodeURIComponent(String(req.params.accountId))}/transactions?${new URLSearchParams({ startTime: from, endTime: to, limit: String(page.limit), offset: next })}`,
                },
              },
            }
          : {}),
        transactions: result.page.items.map(depositTransaction),
      });
    },
  );

  const statementRange = () => ({
    from: new Date(Date.now() - 2 * 365 * DAY).toISOString().slice(0, 10),
    to: new Date().toISOString().slice(0, 10),
  });

  router.get('/accounts/:accountId/statements', access, requireCluster('STATEMENTS'), async (req, res) => {
    const result = await fetch(
      res,
      { kind: 'statements', accountId: String(req.params.accountId), range: statementRange() },
      'statements',
    );
    if (!result) return;
    const href = (id: string) =>
      `${deps.baseUrl}/fdx/v6/accounts/${encodeURIComponent(String(req.params.accountId))}/statements/${encodeURIComponent(id)}`;
    res.json({
      page: { totalElements: result.statements.length },
      statements: result.statements.map((s) => statement(s, href(s.statementId))),
    });
  });

  router.get(
    '/accounts/:accountId/statements/:statementId',
    access,
    requireCluster('STATEMENTS'),
    async (req, res) => {
      const result = await fetch(
        res,
        { kind: 'statements', accountId: String(req.params.accountId), range: statementRange() },
        'statements',
      );
      if (!result) return;
      const found = result.statements.find((s) => s.statementId === req.params.statementId);
      if (!found) return sendFdxError(res, 404, 1104, 'Statement id not found for Account');
      res.type('application/pdf').send(statementPdf(found));
    },
  );

  router.get('/accounts/:accountId/contact', access, requireCluster('CUSTOMER_CONTACT'), async (req, res) => {
    if (!(await accountOf(req, res))) return;
    const result = await fetch(res, { kind: 'customer' }, 'customer');
    if (!result) return;
    if (!result.customer) return sendFdxError(res, 404, 601, 'Customer not found');
    res.json(accountContact(result.customer));
  });

  router.get(
    '/accounts/:accountId/payment-networks',
    access,
    requireCluster('PAYMENT_SUPPORT', 'ACCOUNT_PAYMENTS'),
    async (req, res) => {
      const account = await accountOf(req, res);
      if (!account) return;
      res.json({ page: { totalElements: 1 }, paymentNetworks: paymentNetworks(account, deps.routingNumber) });
    },
  );

  router.get(
    '/customers/current',
    access,
    requireCluster('CUSTOMER_CONTACT', 'CUSTOMER_PERSONAL'),
    (_req, res) => {
      res.json({ customerId: consentOf(res).customerId });
    },
  );

  return router;
}
