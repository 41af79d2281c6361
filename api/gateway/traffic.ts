// Traffic control at the gateway (lib/traffic/limits.ts has the numbers):
// - the global ceiling, ahead of everything: calls per second across every replica, beyond which
//   OFB's 529 (FDX: 503), so an overload is refused before any token is checked;
// - after a route's access check, when the caller is known: calls per minute per endpoint from the
//   recipient's organization (a client the marketplace did not provision counts as its own
//   origin), and per application under the plan its organization subscribed to for the product;
//   both 429. Then, when on, OFB's operational limits: calls per month per endpoint, object,
//   customer and recipient, counted only for calls the limits above let through, 429 beyond.
// Every refusal carries Retry-After: the seconds until its window ends.
import { createHash } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Registry } from 'prom-client';
import type { Config } from '../../lib/config.js';
import { routeTemplate } from '../../lib/http/metrics.js';
import type { Logger } from '../../lib/logger.js';
import { trafficCounters, type CounterStore, type Verdict } from '../../lib/traffic/counters.js';
import { gatewayEndpointClass, operationalLimit, type TrafficLimits } from '../../lib/traffic/limits.js';
import type { Models } from '../../db/models/index.js';
import { subscriptionId } from '../../db/models/subscription.js';
import { PRODUCTS, productForPath } from '../../lib/products.js';
import { sendFdxError } from './fdx/errors.js';
import { echoInteractionId } from './interaction-id.js';
import { sendOfbError } from './ofb/errors.js';
import type { ConsentRecord } from './security/access-token.js';
import type { MarketplaceClient } from './security/consent-state.js';
import { stateCache } from './security/state-cache.js';
import type { TokenInfo } from './security/introspection.js';

/** The calls per minute of the plan an application's organization holds for a product, if any. */
export type PlanLimit = (client: MarketplaceClient, productId: string) => Promise<number | undefined>;

interface GatewayTrafficDeps {
  store: CounterStore;
  limits: TrafficLimits;
  planLimit: PlanLimit;
}

export interface GatewayTraffic {
  /** Ahead of the routes: the global ceiling. */
  ceiling: RequestHandler;
  /** After a route's access check: the origin's, the plan's and the operational limits. */
  afterAccess: RequestHandler;
}

const isFdx = (req: Request) => req.originalUrl.startsWith('/fdx/');

function tooMany(req: Request, res: Response, retryAfterS: number, detail: string): void {
  res.setHeader('Retry-After', String(retryAfterS));
  if (isFdx(req)) return sendFdxError(res, 429, 1207, 'Too Many Requests', detail);
  sendOfbError(res, 429, { code: 'TOO_MANY_REQUESTS', title: 'Muitas requisições', detail });
}

function overloaded(req: Request, res: Response, retryAfterS: number): void {
  echoInteractionId(req, res);
  res.setHeader('Retry-After', String(retryAfterS));
  const detail = 'the platform is at its limit of calls per second; try again shortly';
  if (isFdx(req)) return sendFdxError(res, 503, 501, 'Subsystem unavailable', detail);
  sendOfbError(res, 529, { code: 'SITE_IS_OVERLOADED', title: 'Site sobrecarregado', detail });
}

/** `GET /open-banking/accounts/v2/accounts/:accountId`: the route the call matched, with its base path. */
const endpointOf = (req: Request) => `${req.method} ${routeTemplate(req)}`;

/** Customers are counted by a digest: a counter's key never carries a tax id. */
const digest = (value: string) => createHash('sha256').update(value).digest('base64url').slice(0, 22);

function customerOf(consent: ConsentRecord | undefined, token: TokenInfo): string | undefined {
  const id =
    consent?.businessEntityDocument ?? consent?.loggedUserDocument ?? consent?.customerId ?? token.sub;
  return id ? digest(id) : undefined;
}

export function gatewayTraffic(deps: GatewayTrafficDeps): GatewayTraffic {
  const { store, limits } = deps;
  const global = store.counter('global', limits.globalTps, 'second');
  const products = new Map<string, string | undefined>();
  const productOf = (endpoint: string) => {
    if (!products.has(endpoint))
      products.set(endpoint, productForPath(endpoint.slice(endpoint.indexOf(' ') + 1))?.id);
    return products.get(endpoint);
  };

  const ceiling: RequestHandler = async (req, res, next) => {
    const verdict = await global.hit('all');
    if (verdict.allowed) return next();
    overloaded(req, res, verdict.retryAfterS);
  };

  const afterAccess = async (req: Request, res: Response, next: NextFunction) => {
    const token = res.locals.token as TokenInfo;
    const client = res.locals.client as MarketplaceClient | undefined;
    const consent = res.locals.consent as ConsentRecord | undefined;
    const endpoint = endpointOf(req);
    const origin = client?.organizationId ? `org:${client.organizationId}` : `client:${token.clientId}`;
    const productId = productOf(endpoint);
    const plan = client && productId ? await deps.planLimit(client, productId) : undefined;

    const [byOrigin, byPlan] = await Promise.all([
      store
        .counter('origin', limits.classes[gatewayEndpointClass(endpoint)], 'minute')
        .hit(`${endpoint}|${origin}`),
      plan && client
        ? store.counter('plan', plan, 'minute').hit(`${client.applicationId}|${productId}`)
        : ({ allowed: true } as Verdict),
    ]);
    if (!byOrigin.allowed)
      return tooMany(
        req,
        res,
        byOrigin.retryAfterS,
        "the organization's calls per minute to this endpoint are at their limit",
      );
    if (!byPlan.allowed)
      return tooMany(
        req,
        res,
        byPlan.retryAfterS,
        `the application's plan allows ${plan} calls per minute to this product`,
      );

    const monthly = limits.operationalLimits ? operationalLimit(endpoint) : undefined;
    const customer = customerOf(consent, token);
    if (monthly && customer) {
      const params = Object.values(req.params as Record<string, string>);
      const object = params.length > 0 ? params.join('/') : (consent?._id ?? token.consentId ?? '');
      const verdict = await store
        .counter('operational', monthly, 'month')
        .hit(`${endpoint}|${object}|${customer}|${origin}`);
      if (!verdict.allowed)
        return tooMany(
          req,
          res,
          verdict.retryAfterS,
          `this endpoint's operational limit of ${monthly} calls a month for this customer is reached`,
        );
    }
    next();
  };
  return { ceiling, afterAccess };
}

/** A route's access check followed by the traffic limits, when there are any, as one handler. */
export function limited(access: RequestHandler, afterAccess?: RequestHandler): RequestHandler {
  if (!afterAccess) return access;
  return (req, res, next) =>
    access(req, res, (err?: unknown) => {
      if (err) return next(err);
      Promise.resolve(afterAccess(req, res, next)).catch(next);
    });
}

/**
 * The plan of each organization's subscription to a product, read by `_id` and kept `ttlMs` per
 * replica: a plan the bank or the developer changes applies within that time, and calls read no
 * subscription. A subscription that cannot be read leaves the call to the origin's limit alone.
 */
export function subscriptionPlans(models: Pick<Models, 'Subscription'>, o: { ttlMs: number }): PlanLimit {
  const plans = stateCache(
    async (id: string) => (await models.Subscription.findById(id, { planId: 1 }).lean())?.planId,
    { ttlMs: o.ttlMs, maxEntries: 10_000 },
  );
  return async (client, productId) => {
    if (!client.organizationId) return undefined;
    const planId = await plans.read(subscriptionId(client.organizationId, productId)).catch(() => undefined);
    return PRODUCTS.find((p) => p.id === productId)?.plans.find((p) => p.id === planId)?.callsPerMinute;
  };
}

/** How long a replica keeps a subscription's plan before reading it again. */
export const PLAN_CACHE_MS = 60_000;

/** The gateway's traffic control as configured, with the counters it owns (close them at shutdown). */
export function gatewayTrafficFromConfig(
  cfg: Pick<Config, 'traffic'>,
  models: Pick<Models, 'Subscription'>,
  logger: Logger,
  registry: Registry,
): GatewayTraffic & { close(): Promise<void> } {
  const store = trafficCounters(cfg, logger, registry);
  const traffic = gatewayTraffic({
    store,
    limits: cfg.traffic.limits,
    planLimit: subscriptionPlans(models, { ttlMs: PLAN_CACHE_MS }),
  });
  return { ...traffic, close: () => store.close() };
}
