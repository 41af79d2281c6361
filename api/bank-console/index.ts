// The bank console at /admin: staff log-in, the consent pages, forms and JSON API (consents/), the
// marketplace administration (marketplace/), the business insights (insights/) and the Temporal
// UI's codec endpoint. Nothing here is cached by browsers or proxies.
import { Router } from 'express';
import { sessionStore } from '../../lib/web/sessions.js';
import { staffAccess } from './access.js';
import type { BankConsoleDeps } from './config.js';
import { consentActionsRouter } from './consents/consent-action-routes.js';
import { consentApiRouter } from './consents/consent-api-routes.js';
import { consentPagesRouter } from './consents/consent-routes.js';
import { insightsRouter } from './insights/insights-routes.js';
import { adminLoginRouter } from './login-routes.js';
import { marketplaceAdminRouter } from './marketplace/marketplace-routes.js';
import { temporalCodecRouter } from './temporal-codec-routes.js';

export type { BankConsoleDeps } from './config.js';

export function bankConsoleRouter(deps: BankConsoleDeps): Router {
  const sessions = sessionStore({
    model: deps.models.StaffSession,
    cookie: { name: 'obp_admin_session', path: '/admin', secure: deps.secureCookies },
    idleTtlMs: deps.sessionTtlMs,
  });
  const access = staffAccess({ models: deps.models, sessions });
  const router = Router();
  router.use('/admin', (_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });
  router.use(adminLoginRouter({ models: deps.models, sessions, access, secureCookies: deps.secureCookies }));
  router.use(temporalCodecRouter(deps, access));
  // Before the consent API: its catch-all answers 404 for the rest of /admin/api.
  router.use(insightsRouter(deps, access));
  // The marketplace pages and their API, when the platform gives their services.
  if (deps.marketplace) router.use(marketplaceAdminRouter(deps, deps.marketplace, access));
  router.use(consentApiRouter(deps, access));
  router.use(consentPagesRouter(deps, access));
  router.use(consentActionsRouter(deps, access));
  return router;
}
