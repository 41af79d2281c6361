// Run the platform's own entry points as a user would, with a clean environment.
import { spawnGuarded } from '../../runtime/process.js';
import { projectRoot } from './env.js';

/** The parent environment without jest's and the test servers' variables. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(TEST_|TEMPORAL_|MONGODB_|FERRETDB_|NODE_OPTIONS$|JEST_|LOG_)/.test(k)) continue;
    env[k] = v;
  }
  return { ...env, LOG_FORMAT: 'json', ...extra };
}

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run `node --import tsx <entry>` to completion (or until timeoutMs, then SIGKILL of its process
 * group). Guarded: it ends with the test process however that ends.
 */
export function runEntry(
  entry: string,
  env: NodeJS.ProcessEnv,
  timeoutMs = 90_000,
  args: string[] = [],
): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawnGuarded(process.execPath, ['--import', 'tsx', entry, ...args], {
      cwd: projectRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // ended meanwhile
      }
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
