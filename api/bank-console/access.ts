// Who is asking: the staff member behind the session cookie, with their current role (read on
// every request, so a role change applies at once). Pages redirect to the log-in page; the JSON
// API answers 401. VIEW may read; only ADMIN may act (403).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Models } from '../../db/models/index.js';
import type { StaffRole } from '../../db/models/staff-user.js';
import { sendProblem } from '../../lib/http/problem.js';
import type { SessionStore } from '../../lib/web/sessions.js';
import { messagePage } from './frame-pages.js';
import type { Staff } from './staff.js';

export const staffOf = (res: Response) => res.locals.staff as Staff;
/** How the workflow audit trail names a staff member. */
export const actorOf = (staff: Staff) => `staff:${staff.email}`;

export function staffAccess(deps: { models: Pick<Models, 'StaffUser'>; sessions: SessionStore }) {
  const identify = async (req: Request, res: Response): Promise<Staff | undefined> => {
    const session = await deps.sessions.read(req, res);
    if (!session) return undefined;
    const user = await deps.models.StaffUser.findById(session.subject).lean();
    if (!user) return undefined;
    return { email: user._id, name: user.name, role: user.role as StaffRole, csrf: session.csrf };
  };

  const guard =
    (onMissing: (req: Request, res: Response) => void): RequestHandler =>
    async (req: Request, res: Response, next: NextFunction) => {
      const staff = await identify(req, res);
      if (!staff) return onMissing(req, res);
      res.locals.staff = staff;
      next();
    };

  const adminOnly =
    (refuse: (res: Response) => void): RequestHandler =>
    (_req, res, next) =>
      staffOf(res).role === 'ADMIN' ? next() : refuse(res);

  return {
    identify,
    /** What the next page says once, after a redirect: the server's words, never the URL's. */
    flash: (req: Request, notice: string) => deps.sessions.flash(req, notice),
    takeNotice: (req: Request) => deps.sessions.takeNotice(req),
    page: guard((req, res) => res.redirect(303, `/admin/login?next=${encodeURIComponent(req.originalUrl)}`)),
    api: guard((_req, res) =>
      sendProblem(res, 401, 'Log-in required', 'Log in at /admin/login; the API uses that session.'),
    ),
    adminPage: adminOnly((res) =>
      res
        .status(403)
        .type('html')
        .send(
          messagePage('Not allowed', 'Your role (VIEW) can read consents but not act on them.', staffOf(res)),
        ),
    ),
    adminApi: adminOnly((res) =>
      sendProblem(res, 403, 'Not allowed', 'Your role (VIEW) can read consents but not act on them.'),
    ),
  };
}

export type StaffAccess = ReturnType<typeof staffAccess>;
