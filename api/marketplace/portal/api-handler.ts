// What the developer's JSON routes (applications, subscriptions, insights) share: a handler is given
// the session's developer, and a refused action (MarketplaceError) becomes its problem+json answer.
import type { NextFunction, Request, Response } from 'express';
import { sendProblem } from '../../../lib/http/problem.js';
import { MarketplaceError, sendMarketplaceError } from '../errors.js';
import { developerOf, type DeveloperIdentity } from './access.js';

export const apiHandler =
  (fn: (req: Request, res: Response, developer: DeveloperIdentity) => Promise<void>) =>
  async (req: Request, res: Response) => {
    try {
      await fn(req, res, developerOf(res));
    } catch (err) {
      if (err instanceof MarketplaceError) return sendMarketplaceError(res, err);
      throw err;
    }
  };

/** The developer's organization, or a 409 until they enrol or accept an invitation. */
export const organizationOf = (developer: DeveloperIdentity) => {
  if (!developer.organizationId)
    throw new MarketplaceError(
      409,
      'No organization',
      'Enrol your organization or accept an invitation first.',
    );
  return developer.organizationId;
};

/** Writes take JSON only: on a cookie session, a cross-site form cannot send it. */
export const jsonOnly = (req: Request, res: Response, next: NextFunction) =>
  req.is('application/json')
    ? next()
    : sendProblem(res, 415, 'JSON required', 'Send Content-Type: application/json.');
