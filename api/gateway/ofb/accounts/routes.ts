// OFB accounts 2.4.2 (`/open-banking/accounts/v2`): the consented accounts, their identification,
// balances, overdraft limits and transactions, read from the bank through `fetchData`.
import type { Request, Response } from 'express';
import { badRequest, sendOfbError } from '../errors.js';
import {
  cursorEnvelope,
  dateRange,
  envelope,
  fetchOr404,
  paginationKey,
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
const ACCOUNTS_VERSION = '2.4.2';
const BOOKING_DATES = { from: 'fromBookingDate', to: 'toBookingDate' };
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
      const range = dateRange(req, res, BOOKING_DATES, maxDaysBack, defaultDaysBack);
      if (!range) return;
      const direction = req.query.creditDebitIndicator;
      if (direction !== undefined && direction !== 'CREDITO' && direction !== 'DEBITO')
        return sendOfbError(res, 400, badRequest('creditDebitIndicator must be CREDITO or DEBITO'));
      const cursor = paginationKey(req);
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
      res.json(
        cursorEnvelope(
          data,
          p,
          selfUrl(deps, req),
          {
            fromBookingDate: range.from,
            toBookingDate: range.to,
            ...(typeof direction === 'string' ? { creditDebitIndicator: direction } : {}),
          },
          { cursor, nextCursor: result.page.nextCursor },
        ),
      );
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
