// Whether and where a process sends its traces, read once from the standard OpenTelemetry
// variables into plain data. Off unless an exporter is asked for: OTEL_EXPORTER_OTLP_ENDPOINT (or
// its traces-only form) or OTEL_TRACES_EXPORTER. The SDK itself still reads its own tuning variables
// (OTEL_TRACES_SAMPLER, OTEL_BSP_*, OTEL_EXPORTER_OTLP_HEADERS, OTEL_RESOURCE_ATTRIBUTES).
import { ConfigError } from '../config.js';

type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TracingConfig {
  /** `service.name` of every span of this process. */
  serviceName: string;
  /** `otlp`: OTLP over HTTP to `url`; `console`: spans printed on stdout (development). */
  exporter: 'otlp' | 'console';
  /** Where OTLP/HTTP export requests go (the full traces URL, `/v1/traces` included). */
  url: string;
  protocol: OtlpProtocol;
}

const DEFAULT_ENDPOINT = 'http://localhost:4318';
const PROTOCOLS: readonly string[] = ['http/protobuf', 'http/json'] satisfies OtlpProtocol[];

const set = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

function httpUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`${variable} must be an http(s) URL, e.g. http://collector:4318`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ConfigError(`${variable} must be an http(s) URL, e.g. http://collector:4318`);
  return url.href;
}

/**
 * The tracing of a process named `component` (its service name unless OTEL_SERVICE_NAME says
 * otherwise), or undefined when tracing is off. A value it cannot use is a ConfigError.
 */
export function tracingConfig(
  env: Record<string, string | undefined>,
  component: string,
): TracingConfig | undefined {
  if (set(env.OTEL_SDK_DISABLED)?.toLowerCase() === 'true') return undefined;
  const tracesEndpoint = set(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const endpoint = set(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  const chosen = set(env.OTEL_TRACES_EXPORTER)?.toLowerCase();
  if (chosen === 'none') return undefined;
  if (chosen !== undefined && chosen !== 'otlp' && chosen !== 'console')
    throw new ConfigError('OTEL_TRACES_EXPORTER must be otlp, console or none');
  if (chosen === undefined && !tracesEndpoint && !endpoint) return undefined;

  const protocol =
    set(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ?? set(env.OTEL_EXPORTER_OTLP_PROTOCOL) ?? 'http/protobuf';
  if (!PROTOCOLS.includes(protocol))
    throw new ConfigError(
      `OTEL_EXPORTER_OTLP_PROTOCOL must be http/protobuf or http/json (OTLP over HTTP, port 4318)${protocol === 'grpc' ? ': gRPC export is not built in' : ''}`,
    );
  // The signal-specific endpoint is used as it is; the general one is a base the path is added to.
  const url = tracesEndpoint
    ? httpUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesEndpoint)
    : `${httpUrl('OTEL_EXPORTER_OTLP_ENDPOINT', endpoint ?? DEFAULT_ENDPOINT).replace(/\/$/, '')}/v1/traces`;
  return {
    serviceName: set(env.OTEL_SERVICE_NAME) ?? component,
    exporter: chosen === 'console' ? 'console' : 'otlp',
    url,
    protocol: protocol as OtlpProtocol,
  };
}
