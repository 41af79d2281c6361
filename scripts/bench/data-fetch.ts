// Benchmark: how the gateway should reach connectors through Temporal. It runs one Temporal dev
// server and an in-process worker, then times the same balance read four ways, in one run:
//   direct          the activity function called in-process (no Temporal: the baseline)
//   workflow        one short workflow per call, one local activity
//   eager           the same with eager workflow start (worker and client share a connection)
//   update-session  an update on a long-lived per-consent workflow, via update-with-start (the
//                   platform's design: `dataSession`)
// Usage: npm run bench:data-fetch [-- --calls 200 --concurrency 8]
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { Client, WithStartWorkflowOperation } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { createDataFetchActivities } from '../../activities/data-fetch.js';
import { createConnector } from '../../connectors/index.js';
import { freePort } from '../../runtime/ports.js';
import { startTemporalDevServer } from '../../runtime/temporal-dev-server.js';
import { resolveTool, TEMPORAL_CLI } from '../../runtime/tools.js';
import type { FetchRequest } from '../../workflows/data-fetch-types.js';
import { dataFetch, dataSession, fetchUpdate } from './workflows.js';

const { values } = parseArgs({
  options: { calls: { type: 'string', default: '200' }, concurrency: { type: 'string', default: '8' } },
});
const CALLS = Number(values.calls);
const CONCURRENCY = Number(values.concurrency);
const TASK_QUEUE = 'bench-data-fetch';

const request: FetchRequest = {
  consentId: 'urn:bank:bench',
  clientId: 'bench',
  customerId: 'c0a80001-0000-4000-8000-000000000001',
  accountIds: ['acc-ana-checking'],
  operation: { kind: 'balance', accountId: 'acc-ana-checking' },
};

async function time(call: () => Promise<unknown>) {
  // Sequential calls: latency. Then CONCURRENCY callers: throughput.
  const latencies: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await call();
    latencies.push(performance.now() - t);
  }
  latencies.sort((a, b) => a - b);
  const started = performance.now();
  let left = CALLS;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (left-- > 0) await call();
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;
  return { p50: pct(0.5), p95: pct(0.95), perSecond: CALLS / seconds };
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'obp-bench-'));
  const server = await startTemporalDevServer({
    binary: (await resolveTool(TEMPORAL_CLI, (l) => console.error(l))).path,
    port: await freePort(),
    namespace: 'default',
    logFile: path.join(dir, 'temporal.log'),
  });
  const connection = await NativeConnection.connect({ address: server.address });
  const activities = createDataFetchActivities({ connector: createConnector('mock-core-banking') });
  const worker = await Worker.create({
    connection,
    taskQueue: TASK_QUEUE,
    workflowsPath: fileURLToPath(new URL('./workflows.ts', import.meta.url)),
    activities,
  });
  const running = worker.run();
  const client = new Client({ connection });
  try {
    const workflow = (eager: boolean) => () =>
      client.workflow.execute(dataFetch, {
        taskQueue: TASK_QUEUE,
        workflowId: `fetch-${randomUUID()}`,
        args: [request],
        requestEagerStart: eager,
      });
    const session = () =>
      client.workflow.executeUpdateWithStart(fetchUpdate, {
        args: [request],
        startWorkflowOperation: new WithStartWorkflowOperation(dataSession, {
          workflowId: `session-${request.consentId}`,
          taskQueue: TASK_QUEUE,
          workflowIdConflictPolicy: 'USE_EXISTING',
          args: [{ consentId: request.consentId, idleMs: 60_000 }],
        }),
      });
    // Warm up every path (bundle load, caches) before timing.
    for (const call of [() => activities.fetchBankData(request), workflow(false), workflow(true), session])
      for (let i = 0; i < 10; i++) await call();

    const results = {
      direct: await time(() => activities.fetchBankData(request)),
      workflow: await time(workflow(false)),
      eager: await time(workflow(true)),
      'update-session': await time(session),
    };
    const base = results.direct;
    console.log(`data-fetch benchmark: ${CALLS} calls sequential, then ${CALLS} with ${CONCURRENCY} callers`);
    console.log('variant           p50 ms   p95 ms   calls/s   throughput vs direct   vs workflow');
    // The direct call has no Temporal at all; the ratios that decide the design are vs workflow.
    for (const [name, r] of Object.entries(results)) {
      console.log(
        `${name.padEnd(16)} ${r.p50.toFixed(2).padStart(7)} ${r.p95.toFixed(2).padStart(8)} ${r.perSecond.toFixed(0).padStart(9)}   ${(r.perSecond / base.perSecond).toFixed(3).padStart(20)}   ${(r.perSecond / results.workflow.perSecond).toFixed(2).padStart(11)}`,
      );
    }
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await server.stop(5000);
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
