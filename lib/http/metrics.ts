// Prometheus metrics of one component (prom-client): the process's own, HTTP request rates and
// latencies by route template, and whatever the component adds. `/metrics` answers scrapers on the
// allowed addresses only (loopback by default): it is not for the public port's callers.
import type { NextFunction, Request, Response, Router } from 'express';
import { Router as createRouter } from 'express';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  /** Extra exposition text appended to /metrics (e.g. the Temporal SDK's own metrics). */
  extra?: () => Promise<string>;
}

const LOOPBACK = ['127.0.0.1', '::1', '::ffff:127.0.0.1'];

export function createMetrics(component: string): Metrics {
  const registry = new Registry();
  registry.setDefaultLabels({ component });
  collectDefaultMetrics({ register: registry });
  return { registry };
}

/**
 * The route a request matched, as its template with its router's base path
 * (`/open-banking/accounts/v2/accounts/:accountId`): never the raw path, which may carry anything.
 * Read once the response is finished.
 */
export function routeTemplate(req: Request): string {
  const route = (req.route as { path?: unknown } | undefined)?.path;
  if (route === undefined) return 'unmatched';
  return `${mountPath(req, route)}${String(route)}`;
}

/**
 * The base path of the router whose route matched: the original path's leading segments that the
 * route's own do not cover. Not `req.baseUrl` alone, which an error leaving that router (a body
 * that does not parse, a failed dependency) resets on its way to the app's error handler.
 */
function mountPath(req: Request, route: unknown): string {
  if (typeof route !== 'string' || /[*{}()?+]/.test(route)) return req.baseUrl;
  const own = route.split('/').filter(Boolean).length;
  const segments = (req.originalUrl.split('?')[0] ?? '').replace(/\/$/, '').split('/').slice(1);
  return segments.length > own ? `/${segments.slice(0, segments.length - own).join('/')}` : '';
}

/** Time every request by method, route template and status. */
export function httpMetrics(metrics: Metrics) {
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status, and how long they took',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [metrics.registry],
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      end({ method: req.method, route: routeTemplate(req), status: res.statusCode });
    });
    next();
  };
}

export function metricsRouter(metrics: Metrics, allowed: string[] = LOOPBACK): Router {
  const router = createRouter();
  router.get('/metrics', async (req, res) => {
    if (!allowed.includes(req.socket.remoteAddress ?? '')) return res.status(404).end();
    const own = await metrics.registry.metrics();
    const extra = metrics.extra ? await metrics.extra().catch(() => '') : '';
    res.type(metrics.registry.contentType).send(extra ? `${own}\n${extra}` : own);
  });
  return router;
}
