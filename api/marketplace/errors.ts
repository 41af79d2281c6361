// Why a marketplace action was refused, in terms the developer or the bank can act on. Routes turn
// it into a problem+json answer (API) or the form again with the message (pages).
import type { Response } from 'express';
import { sendProblem, type FieldError } from '../../lib/http/problem.js';

export class MarketplaceError extends Error {
  override name = 'MarketplaceError';
  constructor(
    readonly status: 400 | 403 | 404 | 409 | 422 | 502,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldError[],
  ) {
    super(detail ?? title);
  }
}

export function sendMarketplaceError(res: Response, err: MarketplaceError): void {
  sendProblem(res, err.status, err.title, err.detail, err.errors);
}
