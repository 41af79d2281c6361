// The Temporal UI (github.com/temporalio/ui-server) in front of a Temporal server: the web app
// operations staff use to find and inspect the platform's workflows. The dev server embeds it; with
// the server it runs on its own, configured by a YAML file like the server.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { startProcess, waitUntilReady, type ManagedProcess } from './process.js';

interface TemporalUiOptions {
  /** The temporal-ui-server binary (runtime/tools.ts TEMPORAL_UI_SERVER). */
  binary: string;
  /** The frontend's gRPC address, host:port. */
  temporalAddress: string;
  port: number;
  /** The namespace the UI opens on. */
  namespace: string;
  /** Where the UI decodes encrypted payloads (Temporal's codec server protocol). */
  codecEndpoint?: string;
  configDir: string;
  logFile: string;
  pidFile?: string;
}

const ENV_NAME = 'ui';

function temporalUiConfig(o: TemporalUiOptions): string {
  return stringify({
    temporalGrpcAddress: o.temporalAddress,
    host: '127.0.0.1',
    port: o.port,
    enableUi: true,
    defaultNamespace: o.namespace,
    // The dev server's settings: plain HTTP on this host, so the session cookie cannot be Secure.
    cors: { cookieInsecure: true },
    codec: { endpoint: o.codecEndpoint ?? '' },
    notifyOnNewVersion: false,
    hideLogs: true,
  });
}

export function spawnTemporalUi(o: TemporalUiOptions): ManagedProcess {
  mkdirSync(o.configDir, { recursive: true });
  writeFileSync(path.join(o.configDir, `${ENV_NAME}.yaml`), temporalUiConfig(o));
  return startProcess({
    name: 'temporal-ui',
    command: o.binary,
    args: ['--root', o.configDir, '--config', '.', '--env', ENV_NAME, 'start'],
    logFile: o.logFile,
    pidFile: o.pidFile,
  });
}

export function temporalUiUrl(o: Pick<TemporalUiOptions, 'port'>): string {
  return `http://127.0.0.1:${o.port}`;
}

/** True once the UI serves its web app. */
export async function temporalUiAnswers(url: string): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.body?.cancel();
  return res.status === 200;
}

export async function startTemporalUi(
  o: TemporalUiOptions & { readyTimeoutMs?: number },
): Promise<ManagedProcess & { url: string }> {
  const proc = spawnTemporalUi(o);
  const url = temporalUiUrl(o);
  try {
    await waitUntilReady(
      proc,
      () => temporalUiAnswers(url),
      o.readyTimeoutMs ?? 30_000,
      `Temporal UI (log: ${o.logFile})`,
    );
  } catch (err) {
    await proc.stop(2000);
    throw err;
  }
  return Object.assign(proc, { url });
}
