// The consented credit card a path names: read through the guarded reader, within the consent.
import type { Request, Response } from 'express';
import type { CreditCardAccount } from '../../../../connectors/sdk/model.js';
import { fetchOr404, type OfbDataDeps } from '../data-api.js';
import { sendOfbError } from '../errors.js';

const cardNotFound = (res: Response) =>
  sendOfbError(res, 404, {
    code: 'NOT_FOUND',
    title: 'Cartão não encontrado',
    detail: 'no such credit card account under this consent',
  });

/** The consented card the path names, or a 404 already sent. */
export async function consentedCard(
  deps: OfbDataDeps,
  req: Request,
  res: Response,
): Promise<CreditCardAccount | undefined> {
  const result = await fetchOr404(deps, res, { kind: 'creditCards' }, 'creditCards');
  if (!result) return undefined;
  const found = result.creditCards.find((c) => c.creditCardAccountId === req.params.creditCardAccountId);
  if (!found) cardNotFound(res);
  return found;
}
