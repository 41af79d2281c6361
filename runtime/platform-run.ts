// What `npm start` and `npm run start:cluster` share: a supervisor that keeps the children running,
// a bring-up that may be interrupted at any moment by Ctrl-C, and one way to give up — stop
// everything in reverse order and exit 1 so the service manager or the person sees it.
import type { Config } from '../lib/config.js';
import { errorMessage } from '../lib/errors.js';
import type { Logger } from '../lib/logger.js';
import type { Shutdown } from '../lib/main.js';
import { Supervisor } from './supervisor.js';

interface PlatformRun {
  cfg: Config;
  logger: Logger;
  /** Starts the children in order; runs after the stop function is handed to runMain. */
  bringUp: (supervisor: Supervisor) => Promise<void>;
  /** Closes what the bring-up opened beside the children (readiness probes' connections). */
  close: () => Promise<unknown>;
}

export function superviseUntilStopped(run: PlatformRun): Shutdown {
  const { cfg, logger } = run;
  let exiting = false;
  const fail = async (message: string) => {
    if (exiting) return;
    exiting = true;
    process.stderr.write(`platform: ${message}\n`);
    await stopAll();
    process.exit(1);
  };
  const supervisor = new Supervisor({
    logger,
    ...cfg.supervisor,
    graceMs: cfg.shutdownGraceMs,
    // A child that never came up, or keeps failing past the cap, will not heal by restarts.
    onFailure: (_name, message) => void fail(`${message}; stopping the platform`),
  });
  let stopped: Promise<void> | undefined;
  const stopAll = () =>
    (stopped ??= (async () => {
      // The probes' connections go first: a server waits for its clients before it exits.
      const probes = run.close().catch(() => undefined);
      await supervisor.stop();
      await probes;
      logger.info('platform stopped');
    })());
  void run.bringUp(supervisor).catch((err: unknown) => {
    if (!supervisor.isStopping) void fail(errorMessage(err));
  });
  return stopAll;
}

/** The lines printed once everything is ready: what to open, aligned. */
export function readyBanner(startedAt: number, title: string, rows: [string, string][]): string {
  return [
    '',
    `${title} ready in ${((Date.now() - startedAt) / 1000).toFixed(1)} s`,
    ...rows.map(([label, value]) => `  ${label.padEnd(36)} ${value}`),
    'Press Ctrl-C to stop.',
    '',
  ].join('\n');
}
