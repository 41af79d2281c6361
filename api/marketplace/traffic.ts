// Traffic limits on the marketplace's pages that anyone can post to, per caller address
// (lib/traffic/limits.ts has the numbers): developer sign-ups and organization enrolments per hour,
// and the log-ins and one-time codes of developers, the bank's staff (/admin) and customers (/my)
// per minute. Accounts are also throttled one by one (auth/idp/throttle.ts); these limits stop one
// network spraying many accounts or filling the bank's review queue. Past a limit: 429 with
// Retry-After, as problem+json on the JSON APIs and as a short page on the forms.
import type { RequestHandler } from 'express';
import { wantsHtml } from '../../lib/http/deadline.js';
import { sendProblem } from '../../lib/http/problem.js';
import type { CounterStore } from '../../lib/traffic/counters.js';
import { clientAddress, limitRequests, tooManyPage, type RequestLimit } from '../../lib/traffic/http.js';
import type { TrafficLimits } from '../../lib/traffic/limits.js';

export interface MarketplaceTrafficDeps {
  store: CounterStore;
  limits: TrafficLimits;
  /** Proxies whose X-Forwarded-For names the caller (MTLS_TRUSTED_PROXIES). */
  trustedProxies: string[];
}

export function marketplaceTraffic(deps: MarketplaceTrafficDeps): RequestHandler {
  const { perAddress } = deps.limits;
  const post = (name: string, path: RegExp, points: number, window: 'minute' | 'hour'): RequestLimit => ({
    name: `marketplace ${name}`,
    method: 'POST',
    path,
    points,
    window,
  });
  return limitRequests(
    deps.store,
    [
      post('signup', /^\/signup$/, perAddress.signupsPerHour, 'hour'),
      post('enrolment', /^\/(api\/organizations|organization)$/, perAddress.enrolmentsPerHour, 'hour'),
      post('login', /^\/(admin\/|my\/)?login$/, perAddress.loginsPerMinute, 'minute'),
      post('code', /^\/my\/login\/code$/, perAddress.codesPerMinute, 'minute'),
    ],
    {
      origin: (req) => clientAddress(req, deps.trustedProxies),
      refuse: (req, res, retryAfterS) => {
        if (!req.path.startsWith('/api/') && wantsHtml(req))
          return void res.status(429).type('html').send(tooManyPage(retryAfterS));
        sendProblem(
          res,
          429,
          'Too many requests',
          `Too many requests from this address: retry after ${retryAfterS} s.`,
        );
      },
    },
  );
}
