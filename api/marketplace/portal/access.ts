// Who is asking: the developer behind the marketplace session cookie, with their organization and
// role read on every request (an invitation accepted or a role changed applies at once). Pages
// redirect to the log-in page; the JSON API answers 401.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Models } from '../../../db/models/index.js';
import { sendProblem } from '../../../lib/http/problem.js';
import type { SessionStore } from '../../../lib/web/sessions.js';
import { MarketplaceError } from '../errors.js';

export interface DeveloperIdentity {
  id: string;
  email: string;
  name: string;
  organizationId?: string;
  role?: 'ORG_ADMIN' | 'DEVELOPER';
  csrf: string;
}

export const developerOf = (res: Response) => res.locals.developer as DeveloperIdentity;

export function developerAccess(deps: { models: Pick<Models, 'Developer'>; sessions: SessionStore }) {
  const identify = async (req: Request, res: Response): Promise<DeveloperIdentity | undefined> => {
    const session = await deps.sessions.read(req, res);
    if (!session) return undefined;
    const d = await deps.models.Developer.findById(session.subject).lean();
    if (!d?.emailVerifiedAt) return undefined;
    return {
      id: d._id,
      email: d.email,
      name: d.name,
      ...(d.organizationId
        ? { organizationId: d.organizationId, role: d.role as 'ORG_ADMIN' | 'DEVELOPER' }
        : {}),
      csrf: session.csrf,
    };
  };
  const guard =
    (onMissing: (req: Request, res: Response) => void): RequestHandler =>
    async (req: Request, res: Response, next: NextFunction) => {
      const developer = await identify(req, res);
      if (!developer) return onMissing(req, res);
      res.locals.developer = developer;
      next();
    };
  return {
    identify,
    /** The notice the next page shows after a redirect: the server's words, never the URL's. */
    flash: (req: Request, notice: string) => deps.sessions.flash(req, notice),
    takeNotice: (req: Request) => deps.sessions.takeNotice(req),
    /** Secrets for one view of one page (generated keys), sealed in the session until then. */
    keepSecret: (req: Request, forId: string, plain: string) => deps.sessions.keepSecret(req, forId, plain),
    takeSecret: (req: Request, forId: string) => deps.sessions.takeSecret(req, forId),
    page: guard((req, res) => res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`)),
    api: guard((_req, res) =>
      sendProblem(res, 401, 'Log-in required', 'Log in at /login; the API uses that session.'),
    ),
  };
}

export type DeveloperAccess = ReturnType<typeof developerAccess>;

/** What commits the organization (subscriptions, deleting a client) is its admin's to do. */
export function requireOrgAdmin(developer: DeveloperIdentity, what: string): void {
  if (developer.role !== 'ORG_ADMIN')
    throw new MarketplaceError(403, 'Organization admin only', `Only your organization's admin can ${what}.`);
}
