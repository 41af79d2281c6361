// The process's tracing: started once from its TracingConfig (lib/main.ts does it for every
// process), or not at all. While it is off, nothing below costs more than a boolean test: the SDK is
// never loaded, no middleware is mounted, no span object is made and no header is written.
import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import type { TracingConfig } from './config.js';
import type { TracerSdk } from './provider.js';

/** The instrumentation scope of the platform's own spans. */
const TRACER_NAME = 'open-banking-platform';

let active: { sdk: TracerSdk; tracer: Tracer } | undefined;

/** Starts the SDK for `cfg` (nothing when undefined: tracing off). Once per process. */
export async function startTracing(cfg: TracingConfig | undefined): Promise<void> {
  if (!cfg || active) return;
  const { startSdk } = await import('./provider.js');
  const sdk = startSdk(cfg);
  active = { sdk, tracer: trace.getTracer(TRACER_NAME) };
}

/** Sends what is buffered and stops, within `timeoutMs` so a collector that is away never holds up an exit. */
export async function stopTracing(timeoutMs = 3000): Promise<void> {
  const stopping = active;
  if (!stopping) return;
  active = undefined;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    stopping.sdk.shutdown().catch(() => undefined),
    new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs).unref())),
  ]);
  clearTimeout(timer);
  trace.disable();
  propagation.disable();
  context.disable();
}

/** The tracer of the platform's spans, or undefined while tracing is off. */
export const activeTracer = (): Tracer | undefined => active?.tracer;

/** The SDK, for what must feed its processor directly (Temporal's workflow spans). */
export const activeSdk = (): TracerSdk | undefined => active?.sdk;
