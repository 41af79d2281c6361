// The bank's login: password, then a one-time code, then back to oidc-provider with the customer
// logged in at LoA3 (two factors). Each form carries a CSRF token bound to its interaction.
import { Router, type Request, type Response } from 'express';
import type Provider from 'oidc-provider';
import type { Models } from '../../db/models/index.js';
import type { Logger } from '../../lib/logger.js';
import type { RecordAuthEvent } from '../analytics.js';
import { checkOneTimeCode, checkPassword, sendOneTimeCode } from '../idp/authenticate.js';
import { auditWindow } from '../idp/throttle.js';
import { formField } from '../../lib/http/forms.js';
import { csrfTokens, formBody, interactionOrExpired, refuseForm } from './forms.js';
import { codePage, loginPage } from './views.js';

export const ACR_TWO_FACTORS = 'urn:brasil:openbanking:loa3';

export interface InteractionDeps {
  provider: Provider;
  models: Pick<Models, 'Customer' | 'LoginChallenge' | 'Notification'>;
  csrfSecret: string;
  logger: Logger;
  /** Analytics: logins that succeeded or failed, by client and reason. */
  recordEvent?: RecordAuthEvent;
}

// Also what a throttled customer reads: after repeated failures the bank takes fewer attempts.
const NOT_CORRECT =
  'The CPF or password is not correct. After several failed attempts, wait a few minutes before trying again.';

export function loginRouter(deps: InteractionDeps): Router {
  const router = Router();
  const csrf = csrfTokens(deps.csrfSecret, 'interaction');
  const csrfFor = csrf.token;
  const interaction = (req: Request, res: Response) => interactionOrExpired(deps.provider, req, res);

  const clientName = async (clientId: unknown) => {
    const client = await deps.provider.Client.find(String(clientId));
    return String(client?.clientName ?? client?.clientId ?? 'An application');
  };

  const renderLogin = async (
    res: Response,
    uid: string,
    clientId: unknown,
    status = 200,
    error?: string,
    username?: string,
  ) =>
    res
      .status(status)
      .type('html')
      .send(
        loginPage({
          action: `/interaction/${uid}/login`,
          csrf: csrfFor(uid),
          client: await clientName(clientId),
          error,
          username,
        }),
      );

  router.use('/interaction', (_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });

  router.get('/interaction/:uid', async (req, res, next) => {
    const details = await interaction(req, res);
    if (!details) return;
    if (details.prompt.name !== 'login') return next();
    await renderLogin(res, details.uid, details.params.client_id);
  });

  router.post('/interaction/:uid/login', formBody, async (req, res) => {
    const details = await interaction(req, res);
    if (!details) return;
    if (details.prompt.name !== 'login' || !csrf.valid(req, details.uid)) {
      return refuseForm(res);
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
      // Throttled or wrong, known or unknown: one answer, so none of them can be told apart.
      return renderLogin(res, details.uid, details.params.client_id, 401, NOT_CORRECT, username);
    }
    await sendOneTimeCode(deps.models, details.uid, result.customer);
    res.redirect(303, `/interaction/${details.uid}/code`);
  });

  router.get('/interaction/:uid/code', async (req, res) => {
    const details = await interaction(req, res);
    if (!details) return;
    res
      .type('html')
      .send(codePage({ action: `/interaction/${details.uid}/code`, csrf: csrfFor(details.uid) }));
  });

  router.post('/interaction/:uid/code', formBody, async (req, res) => {
    const details = await interaction(req, res);
    if (!details) return;
    if (details.prompt.name !== 'login' || !csrf.valid(req, details.uid)) {
      return refuseForm(res);
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
    if (result.reason === 'invalid') {
      return res
        .status(401)
        .type('html')
        .send(
          codePage({
            action: `/interaction/${details.uid}/code`,
            csrf: csrfFor(details.uid),
            error: 'That code is not correct.',
          }),
        );
    }
    return renderLogin(
      res,
      details.uid,
      details.params.client_id,
      401,
      'The code expired or was used up. Log in again to get a new one.',
    );
  });

  return router;
}
