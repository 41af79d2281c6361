// Entry-point wrapper shared by every process: one-line causes for known start-up failures,
// ordered shutdown on SIGINT/SIGTERM, and exit when the parent supervisor goes away.
import { ConfigError } from './config.js';
import { StartupError, errorMessage } from './errors.js';
import { tracingConfig } from './tracing/config.js';
import { startTracing, stopTracing } from './tracing/tracing.js';

export type Shutdown = () => Promise<void>;

/**
 * Run `start`, which returns the function that stops what it started. Known start-up failures
 * print `component: cause` on one line and exit 1; anything else prints its stack and exits 1.
 */
export function runMain(component: string, start: () => Promise<Shutdown>): void {
  let stopping = false;
  let shutdown: Shutdown | undefined;

  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    try {
      await shutdown?.();
    } catch (err) {
      process.stderr.write(`${component}: error while stopping: ${errorMessage(err)}\n`);
      code = 1;
    }
    await stopTracing();
    process.exit(code);
  };

  // `on`, not `once`: Ctrl-C reaches us both from the terminal and relayed by npm/tsx, and a second
  // SIGINT must not kill this process before it has stopped its children.
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));
  // Started by the supervisor with an IPC channel: when it dies, so do we.
  if (process.send) process.once('disconnect', () => void stop(0));

  // Tracing (off unless OTEL_* asks for it) is in place before the component builds anything.
  const traced = async () => {
    await startTracing(tracingConfig(process.env, component));
    return start();
  };
  traced().then(
    (s) => {
      shutdown = s;
    },
    (err: unknown) => {
      if (err instanceof ConfigError || err instanceof StartupError) {
        process.stderr.write(`${component}: ${err.message}\n`);
      } else {
        process.stderr.write(
          `${component}: failed to start: ${err instanceof Error ? err.stack : String(err)}\n`,
        );
      }
      process.exit(1);
    },
  );
}
