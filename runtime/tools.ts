// Finds or builds the Go programs the platform runs: the Temporal CLI (dev server) and FerretDB
// for the embedded profile; the Temporal server, its SQL schema tool and the Temporal UI server for
// the cluster profile. None ships as a binary in a package registry we can reach, so they are
// built from their Go modules, once, into a per-user cache keyed by version.
//
// Order for each tool: an env variable naming a binary, then PATH, then the cache, then a build.
import { spawn, spawnSync } from 'node:child_process';
import {
  accessSync,
  chmodSync,
  constants,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { StartupError } from '../lib/errors.js';

export interface ToolSpec {
  /** Binary name on PATH and in the cache. */
  name: 'temporal' | 'ferretdb' | 'temporal-server' | 'temporal-sql-tool' | 'temporal-ui-server';
  /** Human name for messages. */
  title: string;
  module: string;
  version: string;
  /** The env variable that names a binary to use instead. */
  envVar:
    | 'TEMPORAL_CLI_PATH'
    | 'FERRETDB_PATH'
    | 'TEMPORAL_SERVER_PATH'
    | 'TEMPORAL_SQL_TOOL_PATH'
    | 'TEMPORAL_UI_SERVER_PATH';
  build: (go: string, version: string, outFile: string, progress: Progress) => Promise<void>;
}

export type Progress = (line: string) => void;

export const TEMPORAL_CLI: ToolSpec = {
  name: 'temporal',
  title: 'Temporal CLI',
  module: 'github.com/temporalio/cli',
  version: 'v1.5.1',
  envVar: 'TEMPORAL_CLI_PATH',
  // v1.5.1 has no replace directives, so a plain `go install` works (later tags do not).
  build: (go, version, outFile, progress) =>
    goInstall(go, `github.com/temporalio/cli/cmd/temporal@${version}`, 'temporal', outFile, progress),
};

/** The server the CLI v1.5.1 embeds (same version), run on its own with SQL persistence. */
export const TEMPORAL_SERVER: ToolSpec = {
  name: 'temporal-server',
  title: 'Temporal server',
  module: 'go.temporal.io/server',
  version: 'v1.29.1',
  envVar: 'TEMPORAL_SERVER_PATH',
  // v1.29.1's module has no replace directives either.
  build: (go, version, outFile, progress) =>
    goInstall(go, `go.temporal.io/server/cmd/server@${version}`, 'server', outFile, progress),
};

/** Creates and upgrades the server's SQL schemas; the schema files are embedded in the binary. */
export const TEMPORAL_SQL_TOOL: ToolSpec = {
  name: 'temporal-sql-tool',
  title: 'Temporal SQL tool',
  module: 'go.temporal.io/server',
  version: 'v1.29.1',
  envVar: 'TEMPORAL_SQL_TOOL_PATH',
  build: (go, version, outFile, progress) =>
    goInstall(go, `go.temporal.io/server/cmd/tools/sql@${version}`, 'sql', outFile, progress),
};

/** The Temporal UI, in the version the CLI v1.5.1 embeds. */
export const TEMPORAL_UI_SERVER: ToolSpec = {
  name: 'temporal-ui-server',
  title: 'Temporal UI server',
  module: 'github.com/temporalio/ui-server/v2',
  version: 'v2.42.1',
  envVar: 'TEMPORAL_UI_SERVER_PATH',
  build: (go, version, outFile, progress) =>
    goInstall(go, `github.com/temporalio/ui-server/v2/cmd/server@${version}`, 'server', outFile, progress),
};

export const FERRETDB: ToolSpec = {
  name: 'ferretdb',
  title: 'FerretDB',
  module: 'github.com/FerretDB/FerretDB',
  version: 'v1.24.2',
  envVar: 'FERRETDB_PATH',
  // A plain `go install` builds a binary that panics at start: build/version/version.txt is
  // generated upstream and missing from the module (FerretDB issue #2982). Build from a writable
  // copy of the module with that one-line file added.
  build: async (go, version, outFile, progress) => {
    progress(`downloading module github.com/FerretDB/FerretDB@${version}`);
    const dl = spawnSync(go, ['mod', 'download', '-json', `github.com/FerretDB/FerretDB@${version}`], {
      encoding: 'utf8',
      env: goEnv(),
    });
    if (dl.status !== 0)
      throw new StartupError(
        `go mod download of FerretDB ${version} failed: ${lastLine(dl.stdout + dl.stderr)}`,
      );
    const moduleDir = (JSON.parse(dl.stdout) as { Dir: string }).Dir;
    const work = mkdtempSync(path.join(os.tmpdir(), 'ferretdb-src-'));
    try {
      cpSync(moduleDir, work, { recursive: true });
      makeWritable(work); // the module cache is read-only, and so is its copy
      writeFileSync(path.join(work, 'build', 'version', 'version.txt'), `${version}\n`);
      const tmpOut = `${outFile}.tmp-${process.pid}`;
      await runGo(go, ['build', '-v', '-o', tmpOut, './cmd/ferretdb'], {}, work, progress);
      renameSync(tmpOut, outFile);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  },
};

function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'open-banking-platform', 'tools');
}

export function cachedBinaryPath(spec: ToolSpec, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), `${spec.name}-${spec.version}`, 'bin', spec.name);
}

type Resolution = { path: string; source: 'env' | 'path' | 'cache' | 'built' };

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/** `go` from PATH, or from the standard install location when PATH lacks it. */
function findGo(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return (
    findOnPath('go', env) ??
    ['/usr/local/go/bin/go', path.join(os.homedir(), 'go', 'bin', 'go')].find(isExecutable)
  );
}

/** Resolve a tool without building it; undefined means it has to be built. */
function locateTool(spec: ToolSpec, env: NodeJS.ProcessEnv = process.env): Resolution | undefined {
  const named = env[spec.envVar];
  if (named) {
    if (!isExecutable(named))
      throw new StartupError(`${spec.envVar} names ${named}, which is not an executable file`);
    return { path: path.resolve(named), source: 'env' };
  }
  const onPath = findOnPath(spec.name, env);
  if (onPath) return { path: onPath, source: 'path' };
  const cached = cachedBinaryPath(spec, env);
  if (isExecutable(cached)) return { path: cached, source: 'cache' };
  return undefined;
}

/** Resolve a tool, building it into the cache when it is nowhere to be found. */
export async function resolveTool(
  spec: ToolSpec,
  progress: Progress,
  env: NodeJS.ProcessEnv = process.env,
  goFinder: (env: NodeJS.ProcessEnv) => string | undefined = findGo,
): Promise<Resolution> {
  const found = locateTool(spec, env);
  if (found) return found;
  const go = goFinder(env);
  if (!go) {
    throw new StartupError(
      `${spec.title} ${spec.version} is not installed and Go is missing to build it: install Go 1.24 or newer (https://go.dev/doc/install) and put it on PATH, or set ${spec.envVar} to an existing binary`,
    );
  }
  const out = cachedBinaryPath(spec, env);
  mkdirSync(path.dirname(out), { recursive: true });
  progress(
    `building ${spec.title} ${spec.version} with ${go} into ${path.dirname(out)} (first time only; takes a few minutes)`,
  );
  const started = Date.now();
  await spec.build(go, spec.version, out, progress);
  progress(`built ${spec.title} ${spec.version} in ${Math.round((Date.now() - started) / 1000)} s`);
  return { path: out, source: 'built' };
}

/**
 * `go install` a package into a GOBIN of its own, then move the binary to `outFile`: go names a
 * binary after its package directory, and two of ours are both `cmd/server`.
 */
async function goInstall(
  go: string,
  pkgAtVersion: string,
  builtName: string,
  outFile: string,
  progress: Progress,
): Promise<void> {
  const gobin = mkdtempSync(path.join(path.dirname(outFile), '.build-'));
  try {
    await runGo(go, ['install', '-v', pkgAtVersion], { GOBIN: gobin }, undefined, progress);
    renameSync(path.join(gobin, builtName), outFile);
  } finally {
    rmSync(gobin, { recursive: true, force: true });
  }
}

function goEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // CGO is not needed by any of the tools; turning it off avoids depending on a C compiler.
  return { ...process.env, CGO_ENABLED: '0', ...extra };
}

/** Run go, reporting how many packages it has downloaded and compiled so far. */
function runGo(
  go: string,
  args: string[],
  extraEnv: Record<string, string>,
  cwd: string | undefined,
  progress: Progress,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(go, args, { cwd, env: goEnv(extraEnv), stdio: ['ignore', 'pipe', 'pipe'] });
    let downloaded = 0;
    let compiled = 0;
    let tail: string[] = [];
    let lastReport = 0;
    const report = (force = false) => {
      if (!force && Date.now() - lastReport < 5000) return;
      lastReport = Date.now();
      progress(`  go ${args[0]}: ${downloaded} modules downloaded, ${compiled} packages compiled`);
    };
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        if (line.startsWith('go: downloading')) downloaded++;
        else if (!line.includes(' ') && !line.startsWith('#')) compiled++;
        tail = [...tail.slice(-19), line];
        report();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (err) => reject(new StartupError(`cannot run ${go}: ${err.message}`)));
    child.on('close', (code) => {
      report(true);
      if (code === 0) resolve();
      else reject(new StartupError(`go ${args.join(' ')} failed (exit ${code}):\n${tail.join('\n')}`));
    });
  });
}

function makeWritable(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) makeWritable(full);
    else chmodSync(full, 0o644);
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop() ?? '';
}
