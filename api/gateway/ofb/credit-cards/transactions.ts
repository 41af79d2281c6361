// A card's settled transactions over a period (at most `maxDaysBack` days back, `defaultDaysBack`
// when not asked), paged by the core's cursor.
import type { Request, Response } from 'express';
import {
  cursorEnvelope,
  dateRange,
  fetchOr404,
  paginationKey,
  paging,
  selfUrl,
  type OfbDataDeps,
} from '../data-api.js';
import { consentedCard } from './card.js';
import { cardTransaction } from './mappers.js';
import { TRANSACTION_DATES, transactionFilters } from './queries.js';

export const cardTransactions =
  (deps: OfbDataDeps, maxDaysBack: number, defaultDaysBack: number) =>
  async (req: Request, res: Response) => {
    const p = paging(req, res);
    if (!p) return;
    const range = dateRange(req, res, TRANSACTION_DATES, maxDaysBack, defaultDaysBack);
    if (!range) return;
    const filters = transactionFilters(req, res);
    if (!filters) return;
    const found = await consentedCard(deps, req, res);
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
