// Subscriptions and applications, as the developer sees them: request access to products, create
// an application (generated keys shown once, or an uploaded JWKS or certificate), follow its
// client's provisioning, act on its lifecycle (deprovisioning and unsubscribing after a confirmation
// page), read its request log, and download its Postman collection.
// Every form posts, then redirects to a page (POST/redirect/GET): a reload repeats nothing, what
// happened is a notice kept in the session, and generated keys are kept there for one view.
// The handlers live in apps/, one step each; this is the table of their routes.
import { Router } from 'express';
import { formBody } from '../../../lib/http/forms.js';
import { actOnApp } from './apps/lifecycle.js';
import { createApp } from './apps/create.js';
import { confirmDeprovision } from './apps/deprovision.js';
import type { AppRouteDeps } from './apps/deps.js';
import { listApps } from './apps/list.js';
import { newAppForm } from './apps/new.js';
import { postmanFile } from './apps/postman.js';
import { requestLog, requestLogCsv } from './apps/request-log.js';
import { showApp } from './apps/show.js';
import { showSubscriptions, subscribe } from './apps/subscriptions.js';
import { confirmUnsubscribe, unsubscribe } from './apps/unsubscribe.js';

export function appRouter(deps: AppRouteDeps): Router {
  const { page } = deps.access;
  const router = Router();
  router.get('/subscriptions', page, showSubscriptions(deps));
  router.post('/subscriptions', page, formBody, subscribe(deps));
  router.get('/subscriptions/:productId/unsubscribe', page, confirmUnsubscribe(deps));
  router.post('/subscriptions/:productId/unsubscribe', page, formBody, unsubscribe(deps));
  router.get('/apps', page, listApps(deps));
  router.get('/apps/new', page, newAppForm(deps));
  router.post('/apps', page, formBody, createApp(deps));
  router.get('/apps/:id', page, showApp(deps));
  router.get('/apps/:id/deprovision', page, confirmDeprovision(deps));
  router.get('/apps/:id/requests', page, requestLog(deps));
  router.get('/apps/:id/requests.csv', page, requestLogCsv(deps));
  router.post('/apps/:id/:action', page, formBody, actOnApp(deps));
  for (const part of ['collection', 'environment'] as const)
    router.get(`/apps/:id/postman/${part}.json`, page, postmanFile(deps, part));
  return router;
}
