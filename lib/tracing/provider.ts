// The OpenTelemetry SDK of a process, built from its TracingConfig: a Node tracer provider (async
// context, W3C trace context and baggage propagation) whose spans leave through a batch span
// processor to the OTLP/HTTP exporter. Loaded only when tracing is on, so a process without it
// never pays for the SDK's modules.
import { envDetectorSync, Resource } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from './config.js';

export interface TracerSdk {
  resource: Resource;
  /** The batch processor every span of the process goes through (workflow spans included). */
  processor: SpanProcessor;
  /** Exports what is buffered, then stops. */
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

function exporterFor(cfg: TracingConfig): SpanExporter {
  if (cfg.exporter === 'console') return new ConsoleSpanExporter();
  return cfg.protocol === 'http/json'
    ? new OtlpJsonExporter({ url: cfg.url })
    : new OtlpProtobufExporter({ url: cfg.url });
}

/** Builds the SDK and registers it as the process's global tracer provider and propagator. */
export function startSdk(cfg: TracingConfig): TracerSdk {
  const resource = Resource.default()
    .merge(envDetectorSync.detect())
    .merge(new Resource({ [ATTR_SERVICE_NAME]: cfg.serviceName }));
  const processor = new BatchSpanProcessor(exporterFor(cfg));
  const provider = new NodeTracerProvider({
    resource,
    mergeResourceWithDefaults: false,
    spanProcessors: [processor],
  });
  provider.register();
  return {
    resource,
    processor,
    shutdown: () => provider.shutdown(),
    forceFlush: () => provider.forceFlush(),
  };
}
