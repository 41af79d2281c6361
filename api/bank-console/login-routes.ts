// Staff log-in and log-out of the bank console. The log-in form is protected by a
// double-submit token (there is no session yet); log-out by the session's CSRF token.
import { Router, type Request, type Response } from 'express';
import type { Models } from '../../db/models/index.js';
import { auditWindow } from '../../auth/idp/throttle.js';
import { doubleSubmitCsrf, formBody, formField, sameToken } from '../../lib/http/forms.js';
import { html } from '../../lib/http/html.js';
import { banner, emailLoginForm } from '../../lib/web/fragments.js';
import type { SessionStore } from '../../lib/web/sessions.js';
import type { StaffAccess } from './access.js';
import { consolePage, messagePage } from './frame-pages.js';
import { checkStaffPassword } from './staff-auth.js';

export interface LoginDeps {
  models: Pick<Models, 'StaffUser'>;
  sessions: SessionStore;
  access: StaffAccess;
  secureCookies: boolean;
}

const NOT_CORRECT =
  'The email or password is not correct. After several failed attempts, wait a few minutes before trying again.';

/** Where to go after log-in: only a console path, never another site. */
const safeNext = (next: unknown) =>
  typeof next === 'string' && /^\/admin(\/[\w\-./?=&%:+~]*)?$/.test(next) ? next : '/admin/consents';

function loginPage(o: { csrf: string; next: string; error?: string; email?: string }): string {
  return consolePage(
    'Log in',
    html`<h1>Staff log-in</h1>
      ${banner({ error: o.error })}
      ${emailLoginForm({ action: '/admin/login', csrf: o.csrf, next: o.next, email: o.email })}`,
  );
}

export function adminLoginRouter(deps: LoginDeps): Router {
  const router = Router();
  const csrf = doubleSubmitCsrf({ name: 'obp_admin_login', path: '/admin', secure: deps.secureCookies });

  const show = (req: Request, res: Response, status = 200, error?: string, email?: string) =>
    res
      .status(status)
      .type('html')
      .send(
        loginPage({
          csrf: csrf.issue(req, res),
          next: safeNext(req.body?.next ?? req.query.next),
          error,
          email,
        }),
      );

  router.get('/admin/login', async (req, res) => {
    if (await deps.access.identify(req, res)) return res.redirect(303, safeNext(req.query.next));
    show(req, res);
  });

  router.post('/admin/login', formBody, async (req, res) => {
    if (!csrf.valid(req)) return show(req, res, 403, 'The form expired. Try again.');
    const email = formField(req.body, 'email');
    const result = await checkStaffPassword(deps.models, email, formField(req.body, 'password'));
    if (!result.ok) {
      req.log.info({ reason: result.reason }, 'staff log-in refused');
      if (result.window) auditWindow(req.log, 'staff', result.window);
      // Throttled or wrong, known or unknown: one answer, so none of them can be told apart.
      return show(req, res, 401, NOT_CORRECT, email);
    }
    await deps.sessions.create(req, res, result.staff._id);
    req.log.info({ staff: result.staff._id }, 'staff logged in');
    res.redirect(303, safeNext(req.body.next));
  });

  router.get('/admin/logout', deps.access.page, (_req, res) => {
    const staff = res.locals.staff;
    res.type('html').send(
      consolePage(
        'Log out',
        html`<h1>Log out</h1>
          <form method="post" action="/admin/logout">
            <input type="hidden" name="csrf" value="${staff.csrf}" />
            <button type="submit">Log out</button>
          </form>`,
        staff,
      ),
    );
  });

  router.post('/admin/logout', formBody, async (req, res) => {
    const staff = await deps.access.identify(req, res);
    if (staff && !sameToken(req.body?.csrf, staff.csrf))
      return res
        .status(403)
        .type('html')
        .send(messagePage('Request refused', 'This form is no longer valid.', staff));
    await deps.sessions.destroy(req, res);
    res.redirect(303, '/admin/login');
  });

  return router;
}
