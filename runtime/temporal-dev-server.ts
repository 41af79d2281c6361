// The embedded Temporal: `temporal server start-dev` with the settings the platform relies on.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { startProcess, waitUntilReady, type ManagedProcess } from './process.js';

interface TemporalDevServerOptions {
  binary: string;
  port: number;
  /** Omit for a headless server (tests). */
  uiPort?: number;
  /** Where the UI decodes encrypted payloads (Temporal's codec server protocol). */
  uiCodecEndpoint?: string;
  /** Omit for an in-memory database (tests). */
  dbFile?: string;
  namespace: string;
  logFile: string;
  /** See startProcess: lets a later start stop this server if the supervisor was killed. */
  pidFile?: string;
  readyTimeoutMs?: number;
}

/** Dynamic config the platform needs: update-with-start, eager start, and no calls home. */
export const DEV_SERVER_DYNAMIC_CONFIG: Record<string, unknown> = {
  'frontend.enableExecuteMultiOperation': true,
  'system.enableEagerWorkflowStart': true,
  'frontend.enableUpdateWorkflowExecution': true,
  'frontend.enableUpdateWorkflowExecutionAsyncAccepted': true,
  'frontend.enableServerVersionCheck': false,
};

function devServerArgs(o: TemporalDevServerOptions): string[] {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(o.port),
    '--namespace',
    o.namespace,
  ];
  args.push('--log-format', 'json', '--log-level', 'warn');
  if (o.uiPort === undefined) args.push('--headless');
  else args.push('--ui-port', String(o.uiPort));
  if (o.uiPort !== undefined && o.uiCodecEndpoint) args.push('--ui-codec-endpoint', o.uiCodecEndpoint);
  if (o.dbFile) args.push('--db-filename', o.dbFile);
  // WAL keeps the file database responsive under concurrent workflow starts.
  args.push('--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal');
  for (const [key, value] of Object.entries(DEV_SERVER_DYNAMIC_CONFIG)) {
    args.push('--dynamic-config-value', `${key}=${JSON.stringify(value)}`);
  }
  return args;
}

/** Start the dev server without waiting for it (the supervisor probes it itself). */
export function spawnTemporalDevServer(o: TemporalDevServerOptions): ManagedProcess {
  if (o.dbFile) mkdirSync(path.dirname(o.dbFile), { recursive: true });
  return startProcess({
    name: 'temporal',
    command: o.binary,
    args: devServerArgs(o),
    logFile: o.logFile,
    pidFile: o.pidFile,
  });
}

export async function startTemporalDevServer(
  o: TemporalDevServerOptions,
): Promise<ManagedProcess & { address: string }> {
  const proc = spawnTemporalDevServer(o);
  const address = `127.0.0.1:${o.port}`;
  try {
    await waitUntilReady(
      proc,
      () => temporalAnswers(address, o.namespace),
      o.readyTimeoutMs ?? 60_000,
      `Temporal dev server (log: ${o.logFile})`,
    );
  } catch (err) {
    await proc.stop(2000);
    throw err;
  }
  return Object.assign(proc, { address });
}

/** True once the frontend accepts connections and knows the namespace. */
async function temporalAnswers(address: string, namespace: string): Promise<boolean> {
  const connection = await Connection.connect({ address, connectTimeout: 1000 });
  try {
    await connection.workflowService.describeNamespace({ namespace });
    return true;
  } finally {
    await connection.close();
  }
}
