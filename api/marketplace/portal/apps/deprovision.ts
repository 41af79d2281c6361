// GET /apps/:id/deprovision: the confirmation before an application's client is deleted at the
// authorization server; its form posts to the lifecycle action (lifecycle.ts), which wants it.
import type { RequestHandler } from 'express';
import { html } from '../../../../lib/http/html.js';
import { MarketplaceError } from '../../errors.js';
import { developerOf } from '../access.js';
import { sendAppNotFound } from '../frame-pages.js';
import { ACTIONS, appPage } from './app-page.js';
import { sendConfirmation } from './confirm.js';
import { ownApplication, type AppRecord, type AppRouteDeps } from './deps.js';

export const confirmDeprovision =
  (deps: AppRouteDeps): RequestHandler =>
  async (req, res) => {
    const developer = developerOf(res);
    let app: AppRecord;
    try {
      app = await ownApplication(deps.models, developer, String(req.params.id));
    } catch (err) {
      if (!(err instanceof MarketplaceError)) throw err;
      return sendAppNotFound(res, developer);
    }
    if (!ACTIONS.deprovision!.when.includes(app.client.status))
      return appPage(deps, res, 409, developer, app, {
        error: `A client that is ${app.client.status} cannot be deprovisioned.`,
      });
    sendConfirmation(res, 200, developer, {
      title: `Deprovision ${app.name}?`,
      message: html`Its client <code>${app.client.clientId ?? '—'}</code> is deleted at the authorization
        server: its tokens stop working at once, and this cannot be undone.`,
      action: `/apps/${app._id}/deprovision`,
      button: 'Deprovision the client',
      cancel: { href: `/apps/${app._id}`, text: 'No, keep it' },
    });
  };
