// One analytics event per gateway call: when, who (client, consent), which endpoint template, the
// outcome, latency and size — ids only, never bodies or personal data. Recorded when the response
// finishes, into the bounded buffer, so analytics never holds up or fails a call.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { EventBuffer } from '../../lib/analytics/event-buffer.js';
import { routeTemplate } from '../../lib/http/metrics.js';
import { applicationIdOfClient } from '../../db/models/application.js';
import type { Models } from '../../db/models/index.js';
import { productForPath } from '../marketplace/catalog/products.js';
import type { TokenInfo } from './security/introspection.js';

export interface GatewayCallEvent {
  _id: string;
  type: 'gateway.call';
  at: Date;
  standard: 'OFB' | 'FDX';
  clientId?: string;
  /** For clients the marketplace provisioned: their application and organization. */
  applicationId?: string;
  organizationId?: string;
  /** The catalog's product the endpoint belongs to. */
  productId?: string;
  consentId?: string;
  method: string;
  /** The route template, e.g. `/open-banking/accounts/v2/accounts/:accountId/balances`. */
  endpoint: string;
  status: number;
  latencyMs: number;
  bytes: number;
  interactionId?: string;
}

/** Which application and organization a client is, from the marketplace's records, cached. */
export interface ClientDirectory {
  lookup(clientId: string): Promise<{ applicationId: string; organizationId?: string } | undefined>;
}

const DIRECTORY_TTL_MS = 5 * 60_000;
const DIRECTORY_MAX = 10_000;

export function clientDirectory(models: Pick<Models, 'Application'>): ClientDirectory {
  const cache = new Map<string, { at: number; organizationId?: string }>();
  return {
    async lookup(clientId) {
      const applicationId = applicationIdOfClient(clientId);
      if (!applicationId) return undefined;
      const hit = cache.get(applicationId);
      if (hit && Date.now() - hit.at < DIRECTORY_TTL_MS)
        return { applicationId, organizationId: hit.organizationId };
      const app = await models.Application.findById(applicationId, { organizationId: 1 }).lean();
      if (cache.size >= DIRECTORY_MAX) cache.delete(cache.keys().next().value!);
      cache.set(applicationId, { at: Date.now(), ...(app ? { organizationId: app.organizationId } : {}) });
      return { applicationId, ...(app ? { organizationId: app.organizationId } : {}) };
    },
  };
}

export function recordCalls(buffer: EventBuffer<GatewayCallEvent>, directory?: ClientDirectory) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.on('finish', async () => {
      const token = res.locals.token as TokenInfo | undefined;
      const latencyMs = Math.round((performance.now() - started) * 10) / 10;
      // The directory never fails a call: without it the event keeps the client id only.
      const owner =
        token && directory ? await directory.lookup(token.clientId).catch(() => undefined) : undefined;
      // req.path is relative to the router that handled the call; the original URL is not.
      const productId = productForPath(req.originalUrl.split('?')[0]!)?.id;
      buffer.record({
        _id: randomUUID(),
        type: 'gateway.call',
        at: new Date(),
        standard: req.originalUrl.startsWith('/fdx/') ? 'FDX' : 'OFB',
        ...(token ? { clientId: token.clientId } : {}),
        ...(owner?.applicationId ? { applicationId: owner.applicationId } : {}),
        ...(owner?.organizationId ? { organizationId: owner.organizationId } : {}),
        ...(productId ? { productId } : {}),
        ...(token?.consentId ? { consentId: token.consentId } : {}),
        method: req.method,
        endpoint: routeTemplate(req),
        status: res.statusCode,
        latencyMs,
        bytes: Number(res.getHeader('content-length') ?? 0),
        ...(typeof res.getHeader('x-fapi-interaction-id') === 'string'
          ? { interactionId: res.getHeader('x-fapi-interaction-id') as string }
          : {}),
      });
    });
    next();
  };
}
