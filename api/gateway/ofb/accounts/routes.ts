// OFB accounts 2.4.2 (`/open-banking/accounts/v2`): the consented accounts, their identification,
// balances, overdraft limits and transactions, read from the bank through `dataFetch`.
import type { Request, Response } from 'express';
import { badRequest, ofbDateTime, sendOfbError } from '../errors.js';
import {
  envelope,
  fetchOr404,
  ofbDataRouter,
  pagedEnvelope,
  paging,
  requirePermission,
  selfUrl,
  type OfbDataDeps,
} from '../data-api.js';
import {
  accountIdentification,
  accountListItem,
  balances,
  ofbAccountType,
  overdraftLimits,
  transaction,
} from './mappers.js';

export const ACCOUNTS_BASE = '/open-banking/accounts/v2';
export const ACCOUNTS_VERSION = '2.4.2';
const DAY = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `fromBookingDate`/`toBookingDate`: both or neither (today), within `maxDays` back and 1 year ahead. */
function bookingRange(req: Request, res: Response, maxDaysBack: number, defaultDaysBack: number) {
  const from = req.query.fromBookingDate;
  const to = req.query.toBookingDate;
  const today = new Date().toISOString().slice(0, 10);
  if ((from === undefined) !== (to === undefined)) {
    sendOfbError(
      res,
      400,
      badRequest('fromBookingDate and toBookingDate go together', 'PARAMETRO_NAO_INFORMADO'),
    );
    return undefined;
  }
  if (from === undefined)
    return { from: new Date(Date.now() - defaultDaysBack * DAY).toISOString().slice(0, 10), to: today };
  if (
    typeof from !== 'string' ||
    typeof to !== 'string' ||
    !DATE.test(from) ||
    !DATE.test(to) ||
    Number.isNaN(Date.parse(from)) ||
    Number.isNaN(Date.parse(to))
  ) {
    sendOfbError(res, 400, badRequest('booking dates must be YYYY-MM-DD'));
    return undefined;
  }
  const earliest = Date.parse(today) - maxDaysBack * DAY;
  if (
    Date.parse(from) > Date.parse(to) ||
    Date.parse(from) < earliest ||
    Date.parse(to) > Date.parse(today) + 365 * DAY
  ) {
    sendOfbError(res, 422, {
      code: 'DATA_INVALIDA',
      title: 'Período inválido',
      detail: `from must not be after to, nor more than ${maxDaysBack} days back`,
    });
    return undefined;
  }
  return { from, to };
}

export function ofbAccountsRouter(deps: OfbDataDeps) {
  const router = ofbDataRouter(deps, ACCOUNTS_VERSION, 'accounts');
  const bank = { brandName: deps.bank.brandName, cnpj: deps.bank.cnpj };

  router.get('/accounts', requirePermission('ACCOUNTS_READ'), async (req, res) => {
    const p = paging(req, res);
    if (!p) return;
    const type = req.query.accountType;
    const result = await fetchOr404(deps, res, { kind: 'accounts' }, 'accounts');
    if (!result) return;
    const accounts = result.accounts.filter((a) => type === undefined || ofbAccountType(a) === type);
    res.json(
      pagedEnvelope(
        accounts.map((a) => accountListItem(a, bank)),
        p,
        selfUrl(deps, req),
      ),
    );
  });

  router.get('/accounts/:accountId', requirePermission('ACCOUNTS_READ'), async (req, res) => {
    const result = await fetchOr404(deps, res, { kind: 'accounts' }, 'accounts');
    if (!result) return;
    const account = result.accounts.find((a) => a.accountId === req.params.accountId);
    if (!account)
      return sendOfbError(res, 404, {
        code: 'NOT_FOUND',
        title: 'Conta não encontrada',
        detail: 'no such account under this consent',
      });
    res.json(envelope(accountIdentification(account), selfUrl(deps, req)));
  });

  router.get(
    '/accounts/:accountId/balances',
    requirePermission('ACCOUNTS_BALANCES_READ'),
    async (req, res) => {
      const result = await fetchOr404(
        deps,
        res,
        { kind: 'balance', accountId: String(req.params.accountId) },
        'balance',
      );
      if (result) res.json(envelope(balances(result.balance), selfUrl(deps, req)));
    },
  );

  router.get(
    '/accounts/:accountId/overdraft-limits',
    requirePermission('ACCOUNTS_OVERDRAFT_LIMITS_READ'),
    async (req, res) => {
      const result = await fetchOr404(
        deps,
        res,
        { kind: 'balance', accountId: String(req.params.accountId) },
        'balance',
      );
      if (result) res.json(envelope(overdraftLimits(result.balance), selfUrl(deps, req)));
    },
  );

  const transactions =
    (maxDaysBack: number, defaultDaysBack: number) => async (req: Request, res: Response) => {
      const p = paging(req, res);
      if (!p) return;
      const range = bookingRange(req, res, maxDaysBack, defaultDaysBack);
      if (!range) return;
      const direction = req.query.creditDebitIndicator;
      if (direction !== undefined && direction !== 'CREDITO' && direction !== 'DEBITO')
        return sendOfbError(res, 400, badRequest('creditDebitIndicator must be CREDITO or DEBITO'));
      const cursor =
        typeof req.query['pagination-key'] === 'string' ? req.query['pagination-key'] : undefined;
      const result = await fetchOr404(
        deps,
        res,
        {
          kind: 'transactions',
          accountId: String(req.params.accountId),
          range: { from: range.from, to: `${range.to}T23:59:59.999Z` },
          page: { limit: p.pageSize, ...(cursor ? { cursor } : {}) },
        },
        'transactions',
      );
      if (!result) return;
      const data = result.page.items
        .map(transaction)
        .filter((t) => direction === undefined || t.creditDebitType === direction);
      // The next page is the bank's cursor, carried as OFB's `pagination-key`.
      const self = selfUrl(deps, req);
      const query = (extra: Record<string, string>) =>
        `${self}?${new URLSearchParams({ fromBookingDate: range.from, toBookingDate: range.to, 'page-size': String(p.pageSize), ...(typeof direction === 'string' ? { creditDebitIndicator: direction } : {}), ...extra })}`;
      res.json({
        data,
        links: {
          self: query({ page: String(p.page), ...(cursor ? { 'pagination-key': cursor } : {}) }),
          ...(p.page > 1 ? { first: query({ page: '1' }) } : {}),
          ...(result.page.nextCursor
            ? { next: query({ page: String(p.page + 1), 'pagination-key': result.page.nextCursor }) }
            : {}),
        },
        meta: { requestDateTime: ofbDateTime(new Date()) },
      });
    };
  router.get(
    '/accounts/:accountId/transactions',
    requirePermission('ACCOUNTS_TRANSACTIONS_READ'),
    transactions(365, 0),
  );
  // transactions-current: the last 7 days inclusive (D-6).
  router.get(
    '/accounts/:accountId/transactions-current',
    requirePermission('ACCOUNTS_TRANSACTIONS_READ'),
    transactions(6, 6),
  );

  return router;
}
