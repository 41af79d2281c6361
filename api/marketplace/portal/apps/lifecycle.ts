// POST /apps/:id/:action: rotate the client's key (the new one shown once, the previous one kept for
// the overlap), or suspend, enable, retry or deprovision its client; then back to its page. A
// deprovision not confirmed on its page (deprovision.ts) goes there first.
import type { RequestHandler } from 'express';
import { sameToken } from '../../../../lib/http/forms.js';
import { MarketplaceError } from '../../errors.js';
import { developerOf, requireOrgAdmin } from '../access.js';
import { sendAppNotFound } from '../frame-pages.js';
import { ACTIONS, appPage } from './app-page.js';
import { confirmed } from './confirm.js';
import { ownApplication, type AppRecord, type AppRouteDeps } from './deps.js';
import { keepSecrets } from './secrets.js';

export const actOnApp =
  (deps: AppRouteDeps): RequestHandler =>
  async (req, res) => {
    const developer = developerOf(res);
    const action = String(req.params.action);
    let app: AppRecord;
    try {
      app = await ownApplication(deps.models, developer, String(req.params.id));
    } catch {
      return sendAppNotFound(res, developer);
    }
    if (!sameToken(req.body?.csrf, developer.csrf))
      return appPage(deps, res, 403, developer, app, { error: 'This form is no longer valid.' });
    try {
      const actor = { by: developer.email };
      if (action === 'rotate') {
        const { secrets } = await deps.applications.rotate(
          app._id,
          { credential: { source: 'generate' } },
          actor,
        );
        if (secrets) await keepSecrets(deps, req, app._id, secrets);
        await deps.access.flash(req, 'New key added; the previous one keeps working until the overlap ends.');
        return res.redirect(303, `/apps/${app._id}`);
      }
      if (!(action in ACTIONS)) return appPage(deps, res, 404, developer, app, { error: 'No such action.' });
      if (action === 'deprovision') {
        if (!confirmed(req.body)) return res.redirect(303, `/apps/${app._id}/deprovision`);
        requireOrgAdmin(developer, 'deprovision a client');
      }
      await deps.applications.act(app._id, action as 'suspend', actor);
      await deps.access.flash(req, `${ACTIONS[action]!.label}: done.`);
      res.redirect(303, `/apps/${app._id}`);
    } catch (err) {
      if (!(err instanceof MarketplaceError)) throw err;
      appPage(deps, res, err.status, developer, await ownApplication(deps.models, developer, app._id), {
        error: err.detail ?? err.title,
      });
    }
  };
