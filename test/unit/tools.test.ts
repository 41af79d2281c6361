// How the platform finds its Go servers: env variable, then PATH, then cache, then a build.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { cachedBinaryPath, FERRETDB, resolveTool, TEMPORAL_CLI, type ToolSpec } from '../../runtime/tools.js';

function executable(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  writeFileSync(file, '#!/bin/sh\necho fake\n');
  chmodSync(file, 0o755);
  return file;
}

const roots: string[] = [];
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

function sandbox() {
  const root = mkdtempSync(path.join(os.tmpdir(), 'obp-tools-'));
  roots.push(root);
  return {
    root,
    env: {
      PATH: path.join(root, 'empty-bin'),
      XDG_CACHE_HOME: path.join(root, 'cache'),
    } as NodeJS.ProcessEnv,
  };
}

const noGo = () => undefined;
const progress = () => undefined;

describe('tool resolution', () => {
  it('prefers the binary the env variable names over PATH and cache', async () => {
    const { root, env } = sandbox();
    const named = executable(path.join(root, 'named'), 'temporal');
    env.PATH = path.dirname(executable(path.join(root, 'bin'), 'temporal'));
    executable(path.dirname(cachedBinaryPath(TEMPORAL_CLI, env)), 'temporal');
    await expect(
      resolveTool(TEMPORAL_CLI, progress, { ...env, TEMPORAL_CLI_PATH: named }, noGo),
    ).resolves.toEqual({ path: named, source: 'env' });
  });

  it('then PATH, then the per-user cache keyed by version', async () => {
    const { root, env } = sandbox();
    const cached = executable(path.dirname(cachedBinaryPath(FERRETDB, env)), 'ferretdb');
    expect(cached).toContain(path.join('open-banking-platform', 'tools', 'ferretdb-v1.24.2', 'bin'));
    await expect(resolveTool(FERRETDB, progress, env, noGo)).resolves.toEqual({
      path: cached,
      source: 'cache',
    });
    const onPath = executable(path.join(root, 'bin'), 'ferretdb');
    await expect(
      resolveTool(FERRETDB, progress, { ...env, PATH: path.dirname(onPath) }, noGo),
    ).resolves.toEqual({ path: onPath, source: 'path' });
  });

  it('says clearly when the named binary is not there', async () => {
    const { env } = sandbox();
    await expect(
      resolveTool(FERRETDB, progress, { ...env, FERRETDB_PATH: '/nonexistent/ferretdb' }, noGo),
    ).rejects.toThrow('FERRETDB_PATH names /nonexistent/ferretdb, which is not an executable file');
  });

  it('says what to install when the tool must be built and Go is missing', async () => {
    const { env } = sandbox();
    await expect(resolveTool(TEMPORAL_CLI, progress, env, noGo)).rejects.toThrow(
      /^Temporal CLI v1\.5\.1 is not installed and Go is missing to build it: install Go 1\.24 or newer .* or set TEMPORAL_CLI_PATH/,
    );
  });

  it('builds into the cache with progress, once', async () => {
    const { env } = sandbox();
    const builds: string[] = [];
    const spec: ToolSpec = {
      ...FERRETDB,
      build: async (go, version, out, report) => {
        builds.push(`${go} ${version}`);
        report('compiling');
        writeFileSync(out, '#!/bin/sh\n');
        chmodSync(out, 0o755);
      },
    };
    const lines: string[] = [];
    const first = await resolveTool(
      spec,
      (l) => lines.push(l),
      env,
      () => '/opt/go/bin/go',
    );
    expect(first).toEqual({ path: cachedBinaryPath(FERRETDB, env), source: 'built' });
    expect(lines[0]).toMatch(/^building FerretDB v1\.24\.2 with \/opt\/go\/bin\/go/);
    expect(lines).toContain('compiling');
    expect(lines.at(-1)).toMatch(/^built FerretDB v1\.24\.2 in \d+ s$/);
    await expect(resolveTool(spec, progress, env, () => '/opt/go/bin/go')).resolves.toMatchObject({
      source: 'cache',
    });
    expect(builds).toEqual(['/opt/go/bin/go v1.24.2']);
  });
});
