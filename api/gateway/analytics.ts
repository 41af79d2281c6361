// One analytics event per gateway call: when, who (client, consent), which endpoint template, the
// outcome, latency and size — ids only, never bodies or personal data. Recorded when the response
// finishes, into the bounded buffer, so analytics never holds up or fails a call.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { EventBuffer } from '../../lib/analytics/event-buffer.js';
import { routeTemplate } from '../../lib/http/metrics.js';
import { productForPath } from '../marketplace/catalog/products.js';
import type { MarketplaceClient } from './security/consent-state.js';
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

export function recordCalls(buffer: EventBuffer<GatewayCallEvent>) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.on('finish', () => {
      const token = res.locals.token as TokenInfo | undefined;
      // The access check read the marketplace client's record; its owner comes with it.
      const owner = res.locals.client as MarketplaceClient | undefined;
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
        latencyMs: Math.round((performance.now() - started) * 10) / 10,
        bytes: Number(res.getHeader('content-length') ?? 0),
        ...(typeof res.getHeader('x-fapi-interaction-id') === 'string'
          ? { interactionId: res.getHeader('x-fapi-interaction-id') as string }
          : {}),
      });
    });
    next();
  };
}
