// Temporal's own OpenTelemetry interceptors (@temporalio/interceptors-opentelemetry), so a
// workflow started or updated from a traced request continues its trace: the client's span (e.g.
// `UpdateWithStartWorkflow:consent`) carries the context in the workflow's headers, the workflow's
// spans (`RunWorkflow`, `HandleUpdate`, `StartActivity`) leave the worker through a sink into the
// process's span processor, and each activity runs inside `RunActivity`. Nothing while tracing is off.
import { createRequire } from 'node:module';
import type { ClientOptions } from '@temporalio/client';
import { OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry/lib/client/index.js';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
} from '@temporalio/interceptors-opentelemetry/lib/worker/index.js';
import type { WorkerOptions } from '@temporalio/worker';
import { activeSdk, activeTracer } from './tracing.js';

/** The workflow-side interceptors, bundled into the workflow code when tracing is on. */
const workflowInterceptors = createRequire(import.meta.url).resolve(
  '@temporalio/interceptors-opentelemetry/lib/workflow-interceptors',
);

/** Spread into a Client's options: its workflow calls start spans and pass their context on. */
export function tracedClientOptions(): Pick<ClientOptions, 'interceptors'> {
  const tracer = activeTracer();
  if (!tracer) return {};
  return { interceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer })] } };
}

/** Spread into a Worker's options: workflows and activities continue the context their caller sent. */
export function tracedWorkerOptions(): Pick<WorkerOptions, 'interceptors' | 'sinks'> {
  const tracer = activeTracer();
  const sdk = activeSdk();
  if (!tracer || !sdk) return {};
  return {
    interceptors: {
      workflowModules: [workflowInterceptors],
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
    },
    sinks: { exporter: makeWorkflowExporter(sdk.processor, sdk.resource) },
  };
}
