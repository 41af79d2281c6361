// Customers' self-service at /my: log in with the bank's two factors, see every consent given
// through the platform, grouped by recipient, and stop any of them — in pt-BR or en, in the bank's
// brand and time zone. Not cached anywhere.
import { Router } from 'express';
import { sessionStore } from '../../lib/web/sessions.js';
import { myAccess } from './access.js';
import type { SelfServiceDeps } from './config.js';
import { myConsentsRouter } from './consent-routes.js';
import { myLoginRouter } from './login-routes.js';

export type { SelfServiceDeps } from './config.js';

export function selfServiceRouter(deps: SelfServiceDeps): Router {
  const sessions = sessionStore({
    model: deps.models.CustomerSession,
    cookie: { name: 'obp_my_session', path: '/my', secure: deps.secureCookies },
    idleTtlMs: deps.sessionTtlMs,
  });
  const access = myAccess(deps.models, sessions);
  const router = Router();
  router.use('/my', (_req, res, next) => {
    res.set('cache-control', 'no-store');
    next();
  });
  router.use(myLoginRouter(deps, sessions, access));
  router.use(myConsentsRouter(deps, access));
  return router;
}
