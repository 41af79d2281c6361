// The developer's JSON API, on the same session as the pages: their organization's subscriptions
// and applications. Writes take JSON only (a cross-site form cannot send it), answer problem+json
// on bad input, and never return stored secrets; generated private keys come back once, in the
// creating (or rotating) response.
import { Router, json } from 'express';
import type { Application } from '../../../db/models/application.js';
import { findProduct } from '../../../lib/products.js';
import { MarketplaceError } from '../errors.js';
import { requireOrgAdmin } from './access.js';
import { apiHandler, jsonOnly, organizationOf } from './api-handler.js';
import { ownApplication, type AppRouteDeps } from './apps/deps.js';
import { postmanFor } from './apps/postman.js';

type AppRecord = Application & { _id: string };

function applicationView(app: AppRecord) {
  return {
    applicationId: app._id,
    name: app.name,
    standard: app.standard,
    redirectUris: app.redirectUris,
    ...(app.logoUri ? { logoUri: app.logoUri } : {}),
    tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
    client: {
      status: app.client.status,
      ...(app.client.suspendedByBank ? { suspendedByBank: true } : {}),
      clientId: app.client.clientId,
      scopes: app.client.scopes ?? [],
      ...(app.client.expiresAt ? { expiresAt: app.client.expiresAt } : {}),
      ...(app.client.lastError ? { lastError: app.client.lastError } : {}),
    },
    credentials: app.credentials.map((c) => ({
      id: c.id,
      kind: [c.jwk ? 'jwk' : '', c.certificate ? 'certificate' : ''].filter(Boolean),
      ...(c.subjectDn ? { subjectDn: c.subjectDn } : {}),
      addedAt: c.addedAt,
      ...(c.retiresAt ? { retiresAt: c.retiresAt } : {}),
    })),
  };
}

export function developerApiRouter(deps: AppRouteDeps): Router {
  const router = Router();
  const { Subscription, Application } = deps.models;
  const body = json({ limit: '64kb' });

  router.get(
    '/api/me',
    deps.access.api,
    apiHandler(async (_req, res, d) => {
      res.json({
        developerId: d.id,
        email: d.email,
        name: d.name,
        organizationId: d.organizationId ?? null,
        role: d.role ?? null,
      });
    }),
  );

  router.get(
    '/api/subscriptions',
    deps.access.api,
    apiHandler(async (_req, res, d) => {
      const subs = await Subscription.find({ organizationId: organizationOf(d) }).lean();
      res.json({
        subscriptions: subs.map((s) => ({
          subscriptionId: s._id,
          productId: s.productId,
          product: findProduct(s.productId)?.name,
          planId: s.planId,
          status: s.status,
          requestedAt: s.requestedAt,
          ...(s.decision ? { decision: s.decision } : {}),
        })),
      });
    }),
  );

  router.post(
    '/api/subscriptions',
    deps.access.api,
    jsonOnly,
    body,
    apiHandler(async (req, res, d) => {
      const b = (req.body ?? {}) as { productId?: unknown; planId?: unknown };
      if (typeof b.productId !== 'string' || typeof b.planId !== 'string')
        throw new MarketplaceError(400, 'Invalid subscription', undefined, [
          ...(typeof b.productId !== 'string' ? [{ field: 'productId', message: 'is required' }] : []),
          ...(typeof b.planId !== 'string' ? [{ field: 'planId', message: 'is required' }] : []),
        ]);
      const organizationId = organizationOf(d);
      requireOrgAdmin(d, 'subscribe to products');
      const sub = await deps.subscriptions.request({
        organizationId,
        productId: b.productId,
        planId: b.planId,
        by: d.email,
      });
      res
        .status(201)
        .json({ subscriptionId: sub._id, productId: sub.productId, planId: sub.planId, status: sub.status });
    }),
  );

  router.get(
    '/api/applications',
    deps.access.api,
    apiHandler(async (_req, res, d) => {
      const apps = await Application.find({ organizationId: organizationOf(d) }).lean<AppRecord[]>();
      res.json({ applications: apps.map(applicationView) });
    }),
  );

  router.post(
    '/api/applications',
    deps.access.api,
    jsonOnly,
    body,
    apiHandler(async (req, res, d) => {
      const created = await deps.applications.create({
        organizationId: organizationOf(d),
        createdBy: d.email,
        body: req.body,
      });
      const app = created.application as AppRecord;
      res
        .status(201)
        .location(`/api/applications/${app._id}`)
        .json({ ...applicationView(app), ...(created.secrets ? { secrets: created.secrets } : {}) });
    }),
  );

  router.get(
    '/api/applications/:id',
    deps.access.api,
    apiHandler(async (req, res, d) => {
      res.json(applicationView(await ownApplication(deps.models, d, String(req.params.id))));
    }),
  );

  router.get(
    '/api/applications/:id/postman',
    deps.access.api,
    apiHandler(async (req, res, d) => {
      res.json(await postmanFor(deps, await ownApplication(deps.models, d, String(req.params.id))));
    }),
  );

  router.post(
    '/api/applications/:id/rotate',
    deps.access.api,
    jsonOnly,
    body,
    apiHandler(async (req, res, d) => {
      const app = await ownApplication(deps.models, d, String(req.params.id));
      const { secrets } = await deps.applications.rotate(app._id, req.body, { by: d.email });
      const fresh = await ownApplication(deps.models, d, app._id);
      res.json({ ...applicationView(fresh), ...(secrets ? { secrets } : {}) });
    }),
  );

  router.post(
    '/api/applications/:id/:action',
    deps.access.api,
    jsonOnly,
    apiHandler(async (req, res, d) => {
      const action = String(req.params.action);
      if (!['suspend', 'enable', 'deprovision', 'retry'].includes(action))
        throw new MarketplaceError(
          404,
          'No such action',
          'Actions: suspend, enable, rotate, deprovision, retry.',
        );
      const app = await ownApplication(deps.models, d, String(req.params.id));
      if (action === 'deprovision') requireOrgAdmin(d, 'deprovision a client');
      await deps.applications.act(app._id, action as 'suspend', { by: d.email });
      res.json(applicationView(await ownApplication(deps.models, d, app._id)));
    }),
  );

  return router;
}
