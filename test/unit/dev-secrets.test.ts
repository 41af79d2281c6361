// The development secrets under DATA_DIR when several replicas start together on a fresh one.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { devSecretKey } from '../../auth/dev-secrets.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'obp-dev-secrets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// One replica's start, as a process of its own: at the agreed instant (each spins until then, so
// they reach the file together), prints the key it would use.
const replica = `
  const { devSecretKey } = await import(${JSON.stringify(new URL('../../auth/dev-secrets.ts', import.meta.url).href)});
  const startAt = Number(process.argv.at(-2));
  while (Date.now() < startAt);
  console.log(devSecretKey(process.argv.at(-1), 'key-encryption-key').toString('base64'));
`;

function startReplica(startAt: number): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', replica, String(startAt), dir],
      (err, stdout, stderr) =>
        err ? reject(new Error(`replica failed: ${stderr}`)) : resolve(stdout.trim()),
    ),
  );
}

describe('development secrets', () => {
  it('six replicas starting at once on a fresh DATA_DIR all read the same key', async () => {
    const startAt = Date.now() + 5000;
    const keys = await Promise.all(Array.from({ length: 6 }, () => startReplica(startAt)));
    expect(new Set(keys).size).toBe(1);
    expect(Buffer.from(keys[0]!, 'base64')).toHaveLength(32);
    expect(devSecretKey(dir, 'key-encryption-key').toString('base64')).toBe(keys[0]);
    // No draft left behind.
    expect(readdirSync(dir)).toEqual(['key-encryption-key']);
  });
});
