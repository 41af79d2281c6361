// The consented cards: the list, one card's identification, and its limits.
import type { Request, Response } from 'express';
import { envelope, fetchOr404, pagedEnvelope, paging, selfUrl, type OfbDataDeps } from '../data-api.js';
import { consentedCard } from './card.js';
import { cardIdentification, cardLimits, cardListItem } from './mappers.js';

/** GET /accounts */
export const listCards = (deps: OfbDataDeps) => {
  const bank = { brandName: deps.bank.brandName, cnpj: deps.bank.cnpj };
  return async (req: Request, res: Response) => {
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
  };
};

/** GET /accounts/:creditCardAccountId */
export const showCard = (deps: OfbDataDeps) => async (req: Request, res: Response) => {
  const found = await consentedCard(deps, req, res);
  if (found) res.json(envelope(cardIdentification(found), selfUrl(deps, req)));
};

/** GET /accounts/:creditCardAccountId/limits */
export const showLimits = (deps: OfbDataDeps) => async (req: Request, res: Response) => {
  const found = await consentedCard(deps, req, res);
  if (found) res.json(envelope(cardLimits(found), selfUrl(deps, req)));
};
