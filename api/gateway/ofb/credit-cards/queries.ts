// The credit-card calls' query parameters: due dates, transaction filters, and the page links that
// carry them on.
import type { Request, Response } from 'express';
import { badRequest, sendOfbError } from '../errors.js';
import { invalidPeriod, isDate, isoDay } from '../data-api.js';
import { TRANSACTION_TYPES, type cardTransaction } from './mappers.js';

export const DAY = 86_400_000;
export const TRANSACTION_DATES = { from: 'fromTransactionDate', to: 'toTransactionDate' };

const today = () => isoDay(Date.now());

export /** `fromDueDate`/`toDueDate`, each optional (a year either side of the other, or of today). */
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

export /** `transactionType` and `payeeMCC`, as a predicate on the mapped transactions. */
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

export /** A page's links carry the request's filters on. */
function withQuery<T extends { links: Record<string, string> }>(body: T, query: Record<string, string>): T {
  const extra = new URLSearchParams(query).toString();
  if (!extra) return body;
  const links = Object.fromEntries(Object.entries(body.links).map(([k, v]) => [k, `${v}&${extra}`]));
  return { ...body, links };
}
