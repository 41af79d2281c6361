// The bank's login: password, then a one-time code (which the customer may ask again, within
// limits, or cancel), then back to oidc-provider with the customer logged in at LoA3 (two
// factors). Each form carries a CSRF token bound to its interaction; each page speaks the
// customer's language (./language.ts).
import { Router, type Request, type Response } from 'express';
import type Provider from 'oidc-provider';
import type { Models } from '../../db/models/index.js';
import type { Branding } from '../../lib/config.js';
import type { Logger } from '../../lib/logger.js';
import type { RecordAuthEvent } from '../analytics.js';
import { checkOneTimeCode, checkPassword, resendOneTimeCode, sendOneTimeCode } from '../idp/authenticate.js';
import { auditWindow } from '../idp/throttle.js';
import { formField } from '../../lib/http/forms.js';
import { csrfTokens, formBody, interactionOrExpired, refuseForm } from './forms.js';
import { pageContext } from './frame.js';
import { journeyOf } from './language.js';
import { CANCELLED } from './returning.js';
import { codePage, loginPage } from './views.js';

const ACR_TWO_FACTORS = 'urn:brasil:openbanking:loa3';

interface InteractionDeps {
  provider: Provider;
  models: Pick<Models, 'Customer' | 'LoginChallenge' | 'Notification'>;
  csrfSecret: string;
  branding: Branding;
  logger: Logger;
  /** Analytics: logins that succeeded or failed, by client and reason. */
  recordEvent?: RecordAuthEvent;
}

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

export function loginRouter(deps: InteractionDeps): Router {
  const router = Router();
  const csrf = csrfTokens(deps.csrfSecret, 'interaction');
  const csrfFor = csrf.token;
  const interaction = (req: Request, res: Response) =>
    interactionOrExpired(deps.provider, req, res, deps.branding);
  /** The page context of a step of this interaction; `step` is the path that shows it again. */
  const context = (req: Request, res: Response, details: Details, step = '') =>
    pageContext(req, res, {
      branding: deps.branding,
      journey: journeyOf(details.params),
      here: `/interaction/${details.uid}${step}`,
    });

  const clientName = async (clientId: unknown) => {
    const client = await deps.provider.Client.find(String(clientId));
    return String(client?.clientName ?? client?.clientId ?? 'An application');
  };

  /** The login page; `error` is a catalogue key. */
  const renderLogin = async (
    req: Request,
    res: Response,
    details: Details,
    status = 200,
    error?: string,
    username?: string,
  ) => {
    const c = context(req, res, details);
    res
      .status(status)
      .type('html')
      .send(
        loginPage(
          {
            action: `/interaction/${details.uid}/login`,
            csrf: csrfFor(details.uid),
            client: await clientName(details.params.client_id),
            error: error && c.t(error),
            username,
          },
          c,
        ),
      );
  };

  /** The one-time-code page; `error` and `notice` are catalogue keys (with their values). */
  const renderCode = (
    req: Request,
    res: Response,
    details: Details,
    status = 200,
    message: { error?: string; notice?: string; count?: number } = {},
  ) => {
    const c = context(req, res, details, '/code');
    const words = (key?: string) => (key ? c.t(key, { count: message.count ?? 0 }) : undefined);
    res
      .status(status)
      .type('html')
      .send(
        codePage(
          {
            action: `/interaction/${details.uid}/code`,
            csrf: csrfFor(details.uid),
            error: words(message.error),
            notice: words(message.notice),
          },
          c,
        ),
      );
  };

  router.use('/interaction', (_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });

  router.get('/interaction/:uid', async (req, res, next) => {
    const details = await interaction(req, res);
    if (!details) return;
    if (details.prompt.name !== 'login') return next();
    await renderLogin(req, res, details);
  });

  router.post('/interaction/:uid/login', formBody, async (req, res) => {
    const details = await interaction(req, res);
    if (!details) return;
    if (details.prompt.name !== 'login' || !csrf.valid(req, details.uid)) {
      return refuseForm(req, res, deps.branding);
    }
    const username = formField(req.body, 'username');
    const result = await checkPassword(
      deps.models,
      username.replace(/\D/g, ''),
      formField(req.body, 'password'),
    );
    if (!result.ok) {
      deps.logger.info({ interaction: details.uid, reason: result.reason }, 'login refused');
      if (result.window) auditWindow(deps.logger, 'customer', result.window);
      deps.recordEvent?.('auth.login_failed', {
        clientId: String(details.params.client_id),
        code: result.reason,
      });
      // Throttled or wrong, known or unknown: one answer, so none of them can be told apart (it
      // also tells a throttled customer that the bank takes fewer attempts after repeated failures).
      return renderLogin(req, res, details, 401, 'login.notCorrect', username);
    }
    await sendOneTimeCode(deps.models, details.uid, result.customer);
    res.redirect(303, `/interaction/${details.uid}/code`);
  });

  router.get('/interaction/:uid/code', async (req, res) => {
    const details = await interaction(req, res);
    if (!details) return;
    renderCode(req, res, details);
  });

  // A new code, not sooner than RESEND allows; past its limit the customer cancels or starts again.
  router.post('/interaction/:uid/code/resend', formBody, async (req, res) => {
    const details = await interaction(req, res);
    if (!details) return;
    if (details.prompt.name !== 'login' || !csrf.valid(req, details.uid)) {
      return refuseForm(req, res, deps.branding);
    }
    const result = await resendOneTimeCode(deps.models, details.uid);
    deps.logger.info(
      { interaction: details.uid, resent: result.ok, ...(result.ok ? {} : { reason: result.reason }) },
      'one-time code asked again',
    );
    if (result.ok) return renderCode(req, res, details, 200, { notice: 'code.resent' });
    if (result.reason === 'expired') return renderLogin(req, res, details, 401, 'login.codeExpired');
    if (result.reason === 'too_soon') {
      res.set('retry-after', String(result.retryAfterSeconds));
      return renderCode(req, res, details, 429, { error: 'code.tooSoon', count: result.retryAfterSeconds });
    }
    return renderCode(req, res, details, 429, { error: 'code.noMore' });
  });

  // The customer gives up: the recipient hears access_denied, as for a consent not given.
  router.post('/interaction/:uid/cancel', formBody, async (req, res) => {
    const details = await interaction(req, res);
    if (!details) return;
    if (details.prompt.name !== 'login' || !csrf.valid(req, details.uid)) {
      return refuseForm(req, res, deps.branding);
    }
    await deps.models.LoginChallenge.deleteOne({ _id: details.uid });
    deps.logger.info({ interaction: details.uid }, 'login cancelled by the customer');
    return deps.provider.interactionFinished(
      req,
      res,
      { error: 'access_denied', error_description: CANCELLED },
      { mergeWithLastSubmission: false },
    );
  });

  router.post('/interaction/:uid/code', formBody, async (req, res) => {
    const details = await interaction(req, res);
    if (!details) return;
    if (details.prompt.name !== 'login' || !csrf.valid(req, details.uid)) {
      return refuseForm(req, res, deps.branding);
    }
    const result = await checkOneTimeCode(deps.models, details.uid, formField(req.body, 'code').trim());
    if (result.ok) {
      deps.logger.info({ interaction: details.uid }, 'login succeeded');
      deps.recordEvent?.('auth.login_succeeded', { clientId: String(details.params.client_id) });
      return deps.provider.interactionFinished(
        req,
        res,
        {
          login: { accountId: result.customerId, acr: ACR_TWO_FACTORS, amr: ['pwd', 'otp'], remember: false },
        },
        { mergeWithLastSubmission: false },
      );
    }
    deps.logger.info({ interaction: details.uid, reason: result.reason }, 'one-time code refused');
    if (result.window) auditWindow(deps.logger, 'customer', result.window);
    deps.recordEvent?.('auth.login_failed', {
      clientId: String(details.params.client_id),
      code: `code_${result.reason}`,
    });
    if (result.reason === 'invalid') return renderCode(req, res, details, 401, { error: 'code.invalid' });
    return renderLogin(req, res, details, 401, 'login.codeExpired');
  });

  return router;
}
