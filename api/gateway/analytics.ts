// One analytics event per gateway call: when, who (client, consent), which endpoint template, the
// outcome, latency and size — ids only, never bodies or personal data. Recorded when the response
// finishes, into the bounded buffer, so analytics never holds up or fails a call.
//
// A refused call is its client's too: the access check leaves what it learned (res.locals.caller)
// — the introspected token, even when its consent or client no longer allows the call, and the
// certificate. A call whose token is missing or no longer active (after a revocation its tokens
// are gone) is named by its certificate, through the clients that earlier tokens bound to it.
// Nothing here reads the database.
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { EventBuffer } from '../../lib/analytics/event-buffer.js';
import { routeTemplate } from '../../lib/http/metrics.js';
import { productForPath } from '../../lib/products.js';
import { thumbprint, type Caller } from './security/access-token.js';

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
  /** The route template with its base path, e.g. `/open-banking/accounts/v2/accounts/:accountId/balances`. */
  endpoint: string;
  status: number;
  latencyMs: number;
  bytes: number;
  interactionId?: string;
}

interface Owner {
  clientId: string;
  applicationId?: string;
  organizationId?: string;
}

/**
 * The client each certificate belongs to, as the tokens bound to it say (RFC 8705 `cnf.x5t#S256`,
 * set by the authorization server): learned from the calls of this process, at most `max` of them.
 */
function certificateOwners(max = 10_000) {
  const owners = new Map<string, Owner>();
  /** `owner` adds nothing to `known`: the same client, and no other application or organization. */
  const adds = (known: Owner | undefined, owner: Owner) =>
    known?.clientId !== owner.clientId ||
    (owner.applicationId !== undefined && owner.applicationId !== known.applicationId) ||
    (owner.organizationId !== undefined && owner.organizationId !== known.organizationId);
  return {
    learn(certificateThumbprint: string, owner: Owner): void {
      const known = owners.get(certificateThumbprint);
      if (!adds(known, owner)) return;
      owners.delete(certificateThumbprint);
      if (owners.size >= max) owners.delete(owners.keys().next().value!);
      owners.set(certificateThumbprint, known?.clientId === owner.clientId ? { ...known, ...owner } : owner);
    },
    of: (certificateThumbprint: string): Owner | undefined => owners.get(certificateThumbprint),
  };
}

/** Who made the call: its token's client (with the marketplace's record of it), else its certificate's. */
function ownerOf(
  caller: Caller | undefined,
  owners: ReturnType<typeof certificateOwners>,
): Owner | undefined {
  if (!caller) return undefined;
  const { token, client } = caller;
  if (token) {
    const owner: Owner = {
      clientId: token.clientId,
      ...(client?.applicationId ? { applicationId: client.applicationId } : {}),
      ...(client?.organizationId ? { organizationId: client.organizationId } : {}),
    };
    if (!token.certificateThumbprint) return owner;
    owners.learn(token.certificateThumbprint, owner);
    const known = owners.of(token.certificateThumbprint);
    // Refused before the client's record was read (another audience, another certificate): the
    // record an earlier call read still names its application.
    return known?.clientId === owner.clientId ? known : owner;
  }
  return caller.certificate ? owners.of(thumbprint(caller.certificate.raw)) : undefined;
}

export function recordCalls(buffer: EventBuffer<GatewayCallEvent>, owners = certificateOwners()) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = performance.now();
    res.on('finish', () => {
      const caller = res.locals.caller as Caller | undefined;
      const owner = ownerOf(caller, owners);
      const consentId = caller?.token?.consentId;
      // req.path is relative to the router that handled the call; the original URL is not.
      const productId = productForPath(req.originalUrl.split('?')[0]!)?.id;
      buffer.record({
        _id: randomUUID(),
        type: 'gateway.call',
        at: new Date(),
        standard: req.originalUrl.startsWith('/fdx/') ? 'FDX' : 'OFB',
        ...owner,
        ...(productId ? { productId } : {}),
        ...(consentId ? { consentId } : {}),
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
