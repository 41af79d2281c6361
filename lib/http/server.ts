// Common shape of every HTTP component: security headers, request ids in logs, health routes, a
// budget for every request, and a listen() that turns "port busy" into a one-line cause.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import express, { type Express } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import { PortInUseError, StartupError } from '../errors.js';
import type { Logger } from '../logger.js';
import { requestBudget, type RequestBudgetOptions } from './deadline.js';
import { healthRouter, type ReadinessCheck } from './health.js';
import { httpMetrics, metricsRouter, type Metrics } from './metrics.js';
import { requestTracing } from '../tracing/http-server.js';

export const REQUEST_ID_HEADER = 'x-request-id';

export interface ComponentAppOptions {
  logger: Logger;
  readiness: ReadinessCheck[];
  /** The component's metrics; `/metrics` and request timing are added when given. */
  metrics?: Metrics;
  /** Content-Security-Policy directives to add or replace (helmet's defaults otherwise). */
  csp?: Record<string, string[]>;
  /** Every request answered within this budget, in the component's own format (see deadline.ts). */
  budget?: RequestBudgetOptions;
}

export function createComponentApp(opts: ComponentAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  app.use(helmet(opts.csp ? { contentSecurityPolicy: { directives: opts.csp } } : {}));
  app.use(healthRouter(opts.readiness));
  if (opts.metrics) {
    app.use(metricsRouter(opts.metrics));
    app.use(httpMetrics(opts.metrics));
  }
  // A span per request (health and metrics scrapes aside), when tracing is on.
  const tracing = requestTracing();
  if (tracing) app.use(tracing);
  app.use(
    pinoHttp({
      logger: opts.logger,
      genReqId: (req, res) => {
        const given = req.headers[REQUEST_ID_HEADER];
        const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader(REQUEST_ID_HEADER, id);
        return id;
      },
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      // Log the route, not the query string: queries may carry personal data or codes.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  if (opts.budget) app.use(requestBudget(opts.budget));
  return app;
}

/** Listen on host:port; a busy port becomes PortInUseError naming the variable that sets it. */
export function listen<S extends Server>(
  target: Express | S,
  port: number,
  host: string,
  variable: string,
): Promise<S | Server> {
  const server: Server = typeof target === 'function' ? createServer(target) : target;
  return new Promise((resolve, reject) => {
    server.once('listening', () => resolve(server));
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new PortInUseError(port, variable));
      else if (err.code === 'EACCES')
        reject(
          new StartupError(
            `Port ${port} (${variable}) needs privileges this process lacks: choose a port above 1023`,
          ),
        );
      else if (err.code === 'EADDRNOTAVAIL')
        reject(new StartupError(`Cannot bind ${host}:${port}: HOST is not an address of this machine`));
      else reject(err);
    });
    server.listen(port, host);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}
