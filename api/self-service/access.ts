// The customer behind the self-service session cookie; pages without one redirect to log-in.
import type { Request, RequestHandler, Response } from 'express';
import type { SessionStore } from '../../lib/web/sessions.js';
import type { SelfServiceDeps } from './config.js';
import type { Me } from './frame-pages.js';

export const meOf = (res: Response) => res.locals.me as Me;

export function myAccess(models: SelfServiceDeps['models'], sessions: SessionStore) {
  const identify = async (req: Request, res: Response): Promise<Me | undefined> => {
    const session = await sessions.read(req, res);
    if (!session) return undefined;
    const customer = await models.Customer.findById(session.subject).lean();
    return customer ? { customerId: customer._id, name: customer.name, csrf: session.csrf } : undefined;
  };
  const page: RequestHandler = async (req, res, next) => {
    const me = await identify(req, res);
    if (!me) return res.redirect(303, '/my/login');
    res.locals.me = me;
    next();
  };
  return {
    identify,
    page,
    /** What the next page says once, after a redirect: the server's words, never the URL's. */
    flash: (req: Request, notice: string) => sessions.flash(req, notice),
    takeNotice: (req: Request) => sessions.takeNotice(req),
  };
}

export type MyAccess = ReturnType<typeof myAccess>;
