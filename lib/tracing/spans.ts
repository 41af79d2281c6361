// The platform's own spans: one around a piece of work, and the W3C trace context handed to the next
// hop. Attributes are route templates, ids and outcomes: never tokens, bodies, paths with ids in
// them, error messages or anything about a customer.
import {
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
} from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';
import { activeTracer } from './tracing.js';

export { SpanKind, type Span };

/** Whether this process traces: for work done only to describe a span. */
export const tracingOn = (): boolean => activeTracer() !== undefined;

/** What `inSpan` hands its work while tracing is off: a span that records nothing. */
export const NOT_RECORDING: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** Marks a span failed by the error's class name (its message may say more than a trace should). */
function markFailed(span: Span, err: unknown): void {
  const type = err instanceof Error ? err.name : 'Error';
  span.setAttribute(ATTR_ERROR_TYPE, type);
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/**
 * Runs `work` inside a span that is the current one for everything it calls, ended when it
 * settles, failed when it throws. While tracing is off it only calls `work`.
 */
export function inSpan<T>(
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const tracer = activeTracer();
  if (!tracer) return work(NOT_RECORDING);
  return tracer.startActiveSpan(name, options, async (span) => {
    try {
      return await work(span);
    } catch (err) {
      markFailed(span, err);
      throw err;
    } finally {
      span.end();
    }
  });
}

/** `headers` plus the current trace context (`traceparent`, `tracestate`) while tracing is on. */
export function withTraceContext<H extends Record<string, string>>(headers: H): H {
  if (activeTracer()) propagation.inject(context.active(), headers);
  return headers;
}
