// Traffic limits at the authorization server (lib/traffic/limits.ts has the numbers), counted
// before any work is done:
// - the endpoints recipients call (token, PAR, registration) per minute, by their OFB class, per
//   origin: the organization a trusted client certificate names (OFB certificates carry it as
//   organizationIdentifier), else the certificate's subject, else the caller's address; 429 with
//   OAuth's `temporarily_unavailable` (RFC 6749's "temporary overloading");
// - the bank's log-in and one-time-code pages per minute per address (password spraying across
//   accounts; each account is also throttled on its own, auth/idp/throttle.ts), and requests for a
//   new code; 429 with a page in the customer's language.
// The gateway's introspection (`/token/introspection`) is not limited: it is the platform's own.
import type { Request, RequestHandler } from 'express';
import { DEFAULT_BRANDING, type Branding } from '../lib/config.js';
import { presentedCertificate, type ClientCertificateSource } from '../lib/http/client-certificate.js';
import type { CounterStore } from '../lib/traffic/counters.js';
import { clientAddress, limitRequests, type RequestLimit } from '../lib/traffic/http.js';
import { AUTH_ENDPOINT_CLASSES, type TrafficLimits } from '../lib/traffic/limits.js';
import { pageContext } from './interactions/frame.js';
import { tooManyPage } from './interactions/views.js';

export interface AuthTrafficDeps {
  store: CounterStore;
  limits: TrafficLimits;
  certificates: ClientCertificateSource;
  /** The brand of the 429 page (in the customer's language); the default without it. */
  branding?: Branding;
}

const pattern = (template: string) =>
  new RegExp(`^${template.replace(/:[A-Za-z]+/g, '[^/]+').replace(/\//g, '\\/')}$`);

/** Who calls an endpoint: the organization or client its trusted certificate names, else its address. */
function originOf(req: Request, certificates: ClientCertificateSource): string {
  const presented = presentedCertificate(req.socket, req.headers, certificates);
  if (!presented?.authorized) return `ip:${clientAddress(req, certificates.trustedProxies)}`;
  const subject = presented.certificate.subject;
  const organization = /^(?:organizationIdentifier|2\.5\.4\.97)=(.+)$/m.exec(subject)?.[1];
  return organization ? `org:${organization}` : `cert:${subject.replace(/\n/g, ',')}`;
}

export function authTraffic(deps: AuthTrafficDeps): RequestHandler[] {
  const { store, limits, certificates, branding } = deps;
  const endpoints: RequestLimit[] = Object.entries(AUTH_ENDPOINT_CLASSES).map(([endpoint, cls]) => {
    const [method, template] = endpoint.split(' ') as [string, string];
    return {
      name: `auth ${endpoint}`,
      method,
      path: pattern(template),
      points: limits.classes[cls],
      window: 'minute',
    };
  });
  const pages: RequestLimit[] = [
    {
      name: 'login',
      method: 'POST',
      path: pattern('/interaction/:uid/login'),
      points: limits.perAddress.loginsPerMinute,
      window: 'minute',
    },
    {
      name: 'code',
      method: 'POST',
      path: pattern('/interaction/:uid/code'),
      points: limits.perAddress.codesPerMinute,
      window: 'minute',
    },
    {
      // Each new code is an email: the address's count too, beside the login's own limit.
      name: 'code resend',
      method: 'POST',
      path: pattern('/interaction/:uid/code/resend'),
      points: limits.perAddress.codesPerMinute,
      window: 'minute',
    },
  ];
  return [
    limitRequests(store, endpoints, {
      origin: (req) => originOf(req, certificates),
      refuse: (_req, res, retryAfterS) =>
        res.status(429).json({
          error: 'temporarily_unavailable',
          error_description: `too many requests to this endpoint from this client; retry after ${retryAfterS} s`,
        }),
    }),
    limitRequests(store, pages, {
      origin: (req) => clientAddress(req, certificates.trustedProxies),
      refuse: (req, res, retryAfterS) =>
        res
          .status(429)
          .type('html')
          .send(tooManyPage(retryAfterS, pageContext(req, res, { branding: branding ?? DEFAULT_BRANDING }))),
    }),
  ];
}
