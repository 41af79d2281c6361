// OFB credit-cards-accounts 2.3.1 (`/open-banking/credit-cards-accounts/v2`): the consented credit
// cards, their identification, limits, settled transactions, bills and each bill's transactions,
// read from the bank through `fetchData`.
import type { Request, Response } from 'express';
import type { CardTransaction, CreditCardAccount } from '../../../../connectors/sdk/model.js';
import { badRequest, sendOfbError } from '../errors.js';
import {
  cursorEnvelope,
  dateRange,
  envelope,
  fetchOr404,
  invalidPeriod,
  isDate,
  isoDay,
  paginationKey,
  ofbDataRouter,
  pagedEnvelope,
  paging,
  requirePermission,
  selfUrl,
  type OfbDataDeps,
} from '../data-api.js';
import {
  TRANSACTION_TYPES,
  bill,
  cardIdentification,
  cardLimits,
  cardListItem,
  cardTransaction,
} from './mappers.js';

export const CREDIT_CARDS_BASE = '/open-banking/credit-cards-accounts/v2';
export const CREDIT_CARDS_VERSION = '2.3.1';
const DAY = 86_400_000;
/** A connector reads at most this many card transactions a page. */
const CORE_PAGE = 500;
const TRANSACTION_DATES = { from: 'fromTransactionDate', to: 'toTransactionDate' };

const today = () => isoDay(Date.now());

/** `fromDueDate`/`toDueDate`, each optional (a year either side of the other, or of today). */
function dueRange(req: Request, res: Response) {
  const { fromDueDate, toDueDate } = req.query;
  if (
    (fromDueDate !== undefined && !isDate(fromDueDate)) ||
    (toDueDate !== undefined && !isDate(toDueDate))
  ) {
    sendOfbError(res, 400, badRequest('due dates must be YYYY-MM-DD'));
    return undefined;
  }
  const from = fromDueDate ?? isoDay(Date.parse(toDueDate ?? today()) - 365 * DAY);
  const to = toDueDate ?? isoDay(Date.parse(fromDueDate ?? today()) + 365 * DAY);
  if (from > to) {
    invalidPeriod(res, 'fromDueDate must not be after toDueDate');
    return undefined;
  }
  return {
    from,
    to,
    query: { ...(fromDueDate ? { fromDueDate } : {}), ...(toDueDate ? { toDueDate } : {}) },
  };
}

/** `transactionType` and `payeeMCC`, as a predicate on the mapped transactions. */
function transactionFilters(req: Request, res: Response) {
  const { transactionType, payeeMCC } = req.query;
  if (transactionType !== undefined && !(TRANSACTION_TYPES as readonly unknown[]).includes(transactionType)) {
    sendOfbError(res, 400, badRequest(`transactionType must be one of ${TRANSACTION_TYPES.join(', ')}`));
    return undefined;
  }
  const mcc = payeeMCC === undefined ? undefined : Number(payeeMCC);
  if (mcc !== undefined && (typeof payeeMCC !== 'string' || !/^\d{1,4}$/.test(payeeMCC))) {
    sendOfbError(res, 400, badRequest('payeeMCC must be a whole number up to 9999'));
    return undefined;
  }
  return {
    keep: (t: ReturnType<typeof cardTransaction>) =>
      (transactionType === undefined || t.transactionType === transactionType) &&
      (mcc === undefined || t.payeeMCC === mcc),
    query: {
      ...(typeof transactionType === 'string' ? { transactionType } : {}),
      ...(typeof payeeMCC === 'string' ? { payeeMCC } : {}),
    },
  };
}

/** A page's links carry the request's filters on. */
function withQuery<T extends { links: Record<string, string> }>(body: T, query: Record<string, string>): T {
  const extra = new URLSearchParams(query).toString();
  if (!extra) return body;
  const links = Object.fromEntries(Object.entries(body.links).map(([k, v]) => [k, `${v}&${extra}`]));
  return { ...body, links };
}

const cardNotFound = (res: Response) =>
  sendOfbError(res, 404, {
    code: 'NOT_FOUND',
    title: 'Cartão não encontrado',
    detail: 'no such credit card account under this consent',
  });

export function ofbCreditCardsRouter(deps: OfbDataDeps) {
  const router = ofbDataRouter(deps, CREDIT_CARDS_VERSION, 'credit-cards-accounts');
  const bank = { brandName: deps.bank.brandName, cnpj: deps.bank.cnpj };

  /** The consented card the path names, or a 404 already sent. */
  async function card(req: Request, res: Response): Promise<CreditCardAccount | undefined> {
    const result = await fetchOr404(deps, res, { kind: 'creditCards' }, 'creditCards');
    if (!result) return undefined;
    const found = result.creditCards.find((c) => c.creditCardAccountId === req.params.creditCardAccountId);
    if (!found) cardNotFound(res);
    return found;
  }

  router.get('/accounts', requirePermission('CREDIT_CARDS_ACCOUNTS_READ'), async (req, res) => {
    const p = paging(req, res);
    if (!p) return;
    const result = await fetchOr404(deps, res, { kind: 'creditCards' }, 'creditCards');
    if (!result) return;
    res.json(
      pagedEnvelope(
        result.creditCards.map((c) => cardListItem(c, bank)),
        p,
        selfUrl(deps, req),
      ),
    );
  });

  router.get(
    '/accounts/:creditCardAccountId',
    requirePermission('CREDIT_CARDS_ACCOUNTS_READ'),
    async (req, res) => {
      const found = await card(req, res);
      if (found) res.json(envelope(cardIdentification(found), selfUrl(deps, req)));
    },
  );

  router.get(
    '/accounts/:creditCardAccountId/limits',
    requirePermission('CREDIT_CARDS_ACCOUNTS_LIMITS_READ'),
    async (req, res) => {
      const found = await card(req, res);
      if (found) res.json(envelope(cardLimits(found), selfUrl(deps, req)));
    },
  );

  const transactions =
    (maxDaysBack: number, defaultDaysBack: number) => async (req: Request, res: Response) => {
      const p = paging(req, res);
      if (!p) return;
      const range = dateRange(req, res, TRANSACTION_DATES, maxDaysBack, defaultDaysBack);
      if (!range) return;
      const filters = transactionFilters(req, res);
      if (!filters) return;
      const found = await card(req, res);
      if (!found) return;
      const cursor = paginationKey(req);
      const result = await fetchOr404(
        deps,
        res,
        {
          kind: 'cardTransactions',
          creditCardAccountId: found.creditCardAccountId,
          range: { from: range.from, to: `${range.to}T23:59:59.999Z` },
          page: { limit: p.pageSize, ...(cursor ? { cursor } : {}) },
        },
        'cardTransactions',
      );
      if (!result) return;
      // The file lists reconciled transactions only: nothing pending, no future instalment.
      const data = result.page.items
        .filter((t) => t.status === 'BOOKED')
        .map((t) => cardTransaction(t, found))
        .filter(filters.keep);
      res.json(
        cursorEnvelope(
          data,
          p,
          selfUrl(deps, req),
          { fromTransactionDate: range.from, toTransactionDate: range.to, ...filters.query },
          { cursor, nextCursor: result.page.nextCursor },
        ),
      );
    };
  router.get(
    '/accounts/:creditCardAccountId/transactions',
    requirePermission('CREDIT_CARDS_ACCOUNTS_TRANSACTIONS_READ'),
    transactions(365, 0),
  );
  // transactions-current: the last 7 days inclusive (D-6).
  router.get(
    '/accounts/:creditCardAccountId/transactions-current',
    requirePermission('CREDIT_CARDS_ACCOUNTS_TRANSACTIONS_READ'),
    transactions(6, 6),
  );

  router.get(
    '/accounts/:creditCardAccountId/bills',
    requirePermission('CREDIT_CARDS_ACCOUNTS_BILLS_READ'),
    async (req, res) => {
      const p = paging(req, res);
      if (!p) return;
      const range = dueRange(req, res);
      if (!range) return;
      const result = await fetchOr404(
        deps,
        res,
        {
          kind: 'bills',
          creditCardAccountId: String(req.params.creditCardAccountId),
          range: { from: range.from, to: range.to },
        },
        'bills',
      );
      if (!result) return;
      res.json(withQuery(pagedEnvelope(result.bills.map(bill), p, selfUrl(deps, req)), range.query));
    },
  );

  // A closed bill does not change, so its transactions are read whole and paged by number.
  router.get(
    '/accounts/:creditCardAccountId/bills/:billId/transactions',
    requirePermission('CREDIT_CARDS_ACCOUNTS_BILLS_TRANSACTIONS_READ'),
    async (req, res) => {
      const p = paging(req, res);
      if (!p) return;
      let asked: { from: string; to: string } | undefined;
      if (req.query.fromTransactionDate !== undefined || req.query.toTransactionDate !== undefined) {
        asked = dateRange(req, res, TRANSACTION_DATES, 3 * 365, 0);
        if (!asked) return;
      }
      const filters = transactionFilters(req, res);
      if (!filters) return;
      const found = await card(req, res);
      if (!found) return;
      const now = Date.now();
      const bills = await fetchOr404(
        deps,
        res,
        {
          kind: 'bills',
          creditCardAccountId: found.creditCardAccountId,
          range: { from: isoDay(now - 3 * 365 * DAY), to: isoDay(now + 365 * DAY) },
        },
        'bills',
      );
      if (!bills) return;
      const wanted = bills.bills.find((b) => b.billId === req.params.billId);
      if (!wanted)
        return sendOfbError(res, 404, {
          code: 'NOT_FOUND',
          title: 'Fatura não encontrada',
          detail: 'no such bill of this credit card account',
        });
      // The bill's cycle: from the previous bill's closing (or two months back) to its own.
      const previous = bills.bills
        .filter((b) => b.closingDate < wanted.closingDate)
        .sort((a, b) => (a.closingDate < b.closingDate ? 1 : -1))[0];
      const cycleFrom = previous?.closingDate ?? isoDay(Date.parse(wanted.closingDate) - 62 * DAY);
      const from = asked && asked.from > cycleFrom ? asked.from : cycleFrom;
      const to = asked && asked.to < wanted.closingDate ? asked.to : wanted.closingDate;
      const items: CardTransaction[] = [];
      let cursor: string | undefined;
      for (let pages = 0; from <= to && pages < 20; pages++) {
        const page = await fetchOr404(
          deps,
          res,
          {
            kind: 'cardTransactions',
            creditCardAccountId: found.creditCardAccountId,
            range: { from, to: `${to}T23:59:59.999Z` },
            page: { limit: CORE_PAGE, ...(cursor ? { cursor } : {}) },
          },
          'cardTransactions',
        );
        if (!page) return;
        items.push(...page.page.items);
        cursor = page.page.nextCursor;
        if (!cursor) break;
      }
      const data = items
        .filter((t) => t.billId === wanted.billId)
        .map((t) => cardTransaction(t, found))
        .filter(filters.keep);
      res.json(
        withQuery(pagedEnvelope(data, p, selfUrl(deps, req)), {
          ...(asked ? { fromTransactionDate: asked.from, toTransactionDate: asked.to } : {}),
          ...filters.query,
        }),
      );
    },
  );

  return router;
}
