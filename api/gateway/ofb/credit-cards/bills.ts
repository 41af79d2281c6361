// A card's bills, and one bill's transactions.
import type { Request, Response } from 'express';
import type { CardTransaction } from '../../../../connectors/sdk/model.js';
import {
  dateRange,
  fetchOr404,
  isoDay,
  pagedEnvelope,
  paging,
  selfUrl,
  type OfbDataDeps,
} from '../data-api.js';
import { sendOfbError } from '../errors.js';
import { consentedCard } from './card.js';
import { bill, cardTransaction } from './mappers.js';
import { DAY, TRANSACTION_DATES, dueRange, transactionFilters, withQuery } from './queries.js';

/** A connector reads at most this many card transactions a page. */
const CORE_PAGE = 500;

/** GET /accounts/:creditCardAccountId/bills, due in a period (a year either side by default). */
export const listBills = (deps: OfbDataDeps) => async (req: Request, res: Response) => {
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
};

/**
 * GET /accounts/:creditCardAccountId/bills/:billId/transactions. A closed bill does not change, so
 * its transactions are read whole and paged by number.
 */
export const billTransactions = (deps: OfbDataDeps) => async (req: Request, res: Response) => {
  const p = paging(req, res);
  if (!p) return;
  let asked: { from: string; to: string } | undefined;
  if (req.query.fromTransactionDate !== undefined || req.query.toTransactionDate !== undefined) {
    asked = dateRange(req, res, TRANSACTION_DATES, 3 * 365, 0);
    if (!asked) return;
  }
  const filters = transactionFilters(req, res);
  if (!filters) return;
  const found = await consentedCard(deps, req, res);
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
};
