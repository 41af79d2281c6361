// GET /apps/:id: the organization's application, with the keys just generated for it (once).
import type { RequestHandler } from 'express';
import { MarketplaceError } from '../../errors.js';
import { developerOf } from '../access.js';
import { sendAppNotFound } from '../frame-pages.js';
import { appPage } from './app-page.js';
import { ownApplication, type AppRouteDeps } from './deps.js';
import { takeSecrets } from './secrets.js';

export const showApp =
  (deps: AppRouteDeps): RequestHandler =>
  async (req, res) => {
    const developer = developerOf(res);
    try {
      const app = await ownApplication(deps.models, developer, String(req.params.id));
      const notice = await deps.access.takeNotice(req);
      const secrets = await takeSecrets(deps, req, app._id);
      appPage(deps, res, 200, developer, app, {
        ...(notice ? { notice } : {}),
        ...(secrets ? { secrets } : {}),
      });
    } catch (err) {
      if (!(err instanceof MarketplaceError)) throw err;
      sendAppNotFound(res, developer);
    }
  };
