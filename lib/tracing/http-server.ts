// A server span per HTTP request of a component, continuing the caller's W3C trace context when it
// sends one. Named and labelled by the route template once the response is done, like the request
// metrics: never the raw path or query (ids, codes), nor a header but the FAPI interaction id.
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Span,
} from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { routeTemplate } from '../http/metrics.js';
import { activeTracer } from './tracing.js';

/** The OFB/FDX interaction id the gateway answers with: it ties a trace to the recipient's call and its analytics event. */
const ATTR_FAPI_INTERACTION_ID = 'fapi.interaction_id';

function finish(span: Span, req: Request, res: Response): void {
  const route = routeTemplate(req);
  span.updateName(route === 'unmatched' ? req.method : `${req.method} ${route}`);
  if (route !== 'unmatched') span.setAttribute(ATTR_HTTP_ROUTE, route);
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
  const interaction = res.getHeader('x-fapi-interaction-id');
  if (typeof interaction === 'string') span.setAttribute(ATTR_FAPI_INTERACTION_ID, interaction);
  if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  else if (!res.writableFinished)
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'connection closed before the response ended' });
  span.end();
}

/**
 * The middleware that traces a component's requests, or undefined while tracing is off (then
 * nothing is mounted, so an untraced process pays nothing per request).
 */
export function requestTracing(): RequestHandler | undefined {
  const tracer = activeTracer();
  if (!tracer) return undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    const parent = propagation.extract(ROOT_CONTEXT, req.headers);
    const span = tracer.startSpan(
      req.method,
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: req.method, [ATTR_URL_SCHEME]: req.protocol },
      },
      parent,
    );
    const ctx = trace.setSpan(parent, span);
    // A body parser's listeners run where the socket's data arrives, outside the request's context:
    // bound, they run in it. Only requests with a body need it, and binding costs (measured).
    if (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined)
      context.bind(ctx, req);
    res.once('close', () => finish(span, req, res));
    context.with(ctx, next);
  };
}
