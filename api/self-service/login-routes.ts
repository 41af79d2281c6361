// Customer log-in to self-service with the bank's identity checks: CPF and password, then a
// one-time code sent to the customer (auth/idp/authenticate.ts, with its throttling). Between the two
// steps a short-lived cookie names the pending log-in; only the code step opens a session.
import { Router, type Request, type Response } from 'express';
import {
  checkOneTimeCode,
  checkPassword,
  ONE_TIME_CODE,
  sendOneTimeCode,
} from '../../auth/idp/authenticate.js';
import { auditWindow } from '../../auth/idp/throttle.js';
import {
  clearCookie,
  doubleSubmitCsrf,
  formBody,
  randomToken,
  readCookie,
  sameToken,
  setCookie,
} from '../../lib/http/forms.js';
import type { SessionStore } from '../../lib/web/sessions.js';
import type { SelfServiceDeps } from './config.js';
import type { MyAccess } from './access.js';
import { messagePage } from './frame-pages.js';
import { contextFor } from './i18n.js';
import { myCodePage, myLoginPage } from './login-pages.js';

export function myLoginRouter(deps: SelfServiceDeps, sessions: SessionStore, access: MyAccess): Router {
  const router = Router();
  const csrf = doubleSubmitCsrf({ name: 'obp_my_login_csrf', path: '/my', secure: deps.secureCookies });
  const pending = { name: 'obp_my_login', path: '/my', secure: deps.secureCookies };
  const contextOf = contextFor(deps);

  // `error` and `notice` are keys of the catalogue, said in the page's language.
  const login = (req: Request, res: Response, status = 200, error?: string, notice?: string) => {
    const c = contextOf(req, res);
    res
      .status(status)
      .type('html')
      .send(
        myLoginPage(c, {
          csrf: csrf.issue(req, res),
          ...(error ? { error: c.t(error) } : {}),
          ...(notice ? { notice: c.t(notice) } : {}),
        }),
      );
  };
  const code = (req: Request, res: Response, status = 200, error?: string) => {
    const c = contextOf(req, res);
    res
      .status(status)
      .type('html')
      .send(myCodePage(c, { csrf: csrf.issue(req, res), ...(error ? { error: c.t(error) } : {}) }));
  };

  router.get('/my/login', async (req, res) => {
    if (await access.identify(req, res)) return res.redirect(303, '/my/consents');
    login(req, res, 200, undefined, req.query.done === 'out' ? 'login.loggedOut' : undefined);
  });

  router.post('/my/login', formBody, async (req, res) => {
    if (!csrf.valid(req)) return login(req, res, 403, 'login.formExpired');
    const { username = '', password = '' } = req.body as Record<string, string>;
    const result = await checkPassword(deps.models, String(username).replace(/\D/g, ''), String(password));
    if (!result.ok) {
      req.log.info({ reason: result.reason }, 'self-service log-in refused');
      if (result.window) auditWindow(req.log, 'customer', result.window);
      // Throttled or wrong, known or unknown: one answer, so none of them can be told apart.
      return login(req, res, 401, 'login.notCorrect');
    }
    const uid = `self-service:${randomToken()}`;
    await sendOneTimeCode(deps.models, uid, result.customer);
    setCookie(req, res, pending, uid, ONE_TIME_CODE.ttlMs);
    res.redirect(303, '/my/login/code');
  });

  router.get('/my/login/code', (req, res) => {
    if (!readCookie(req, pending.name)) return res.redirect(303, '/my/login');
    code(req, res);
  });

  router.post('/my/login/code', formBody, async (req, res) => {
    const uid = readCookie(req, pending.name);
    if (!uid) return login(req, res, 401, 'login.codeExpired');
    if (!csrf.valid(req)) return code(req, res, 403, 'login.formExpired');
    const result = await checkOneTimeCode(
      deps.models,
      uid,
      String((req.body as Record<string, unknown>).code ?? '').trim(),
    );
    if (result.ok) {
      clearCookie(req, res, pending);
      await sessions.create(req, res, result.customerId);
      req.log.info({ customerId: result.customerId }, 'self-service log-in');
      return res.redirect(303, '/my/consents');
    }
    req.log.info({ reason: result.reason }, 'self-service one-time code refused');
    if (result.window) auditWindow(req.log, 'customer', result.window);
    if (result.reason === 'invalid') return code(req, res, 401, 'login.codeWrong');
    clearCookie(req, res, pending);
    login(req, res, 401, 'login.codeExpired');
  });

  router.post('/my/logout', formBody, async (req, res) => {
    const me = await access.identify(req, res);
    if (me && !sameToken((req.body as Record<string, unknown>)?.csrf, me.csrf)) {
      const c = contextOf(req, res);
      return res
        .status(403)
        .type('html')
        .send(messagePage(c, c.t('errors.refusedTitle'), c.t('errors.formInvalid'), me));
    }
    await sessions.destroy(req, res);
    res.redirect(303, '/my/login?done=out');
  });

  return router;
}
