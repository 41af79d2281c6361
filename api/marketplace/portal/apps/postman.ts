// An application's Postman collection and environment: its client, the products its organization
// subscribes to, and where the authorization server and the gateway are.
import type { RequestHandler } from 'express';
import { findProduct } from '../../../../lib/products.js';
import { MarketplaceError } from '../../errors.js';
import { postmanCollection, postmanEnvironment } from '../../postman/collection.js';
import { developerOf } from '../access.js';
import { sendAppNotFound } from '../frame-pages.js';
import { ownApplication, type AppRecord, type AppRouteDeps } from './deps.js';

/** The Postman collection and environment for one application's client. */
export async function postmanFor(deps: AppRouteDeps, app: AppRecord) {
  const subs = await deps.models.Subscription.find({
    organizationId: app.organizationId,
    status: 'ACTIVE',
  }).lean();
  const input = {
    appName: app.name,
    standard: app.standard as 'OFB' | 'FDX',
    clientId: app.client.clientId ?? '',
    tokenEndpointAuthMethod: app.tokenEndpointAuthMethod as 'private_key_jwt' | 'tls_client_auth',
    scopes: app.client.scopes ?? [],
    authIssuer: deps.authIssuer,
    gatewayUrl: deps.gatewayUrl,
    products: subs.map((s) => findProduct(s.productId)).filter((p) => p !== undefined),
  };
  return { collection: postmanCollection(input), environment: postmanEnvironment(input) };
}

/** GET /apps/:id/postman/{collection,environment}.json, downloaded. */
export const postmanFile =
  (deps: AppRouteDeps, part: 'collection' | 'environment'): RequestHandler =>
  async (req, res) => {
    const developer = developerOf(res);
    try {
      const app = await ownApplication(deps.models, developer, String(req.params.id));
      const files = await postmanFor(deps, app);
      res.attachment(`${app.name.replace(/[^\w-]+/g, '-')}.postman_${part}.json`).json(files[part]);
    } catch (err) {
      if (!(err instanceof MarketplaceError)) throw err;
      sendAppNotFound(res, developer);
    }
  };
