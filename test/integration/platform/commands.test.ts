// Operator commands, run as a person runs them.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { JSONWebKeySet } from 'jose';
import mongoose from 'mongoose';
import { verifySoftwareStatement } from '../../../auth/directory/software-statement.js';
import { testServers, uniqueNames } from '../../helpers/env.js';
import { cleanEnv, runEntry } from '../../helpers/spawn.js';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'obp-commands-'));
const names = uniqueNames(import.meta.url);
afterAll(async () => {
  const conn = await mongoose
    .createConnection(testServers().mongoUri, { dbName: names.database })
    .asPromise();
  await conn.dropDatabase();
  await conn.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('pki:issue-client', () => {
  it('issues a client certificate the dev CA vouches for, and says how to register it', async () => {
    const out = path.join(dataDir, 'certs');
    const run = await runEntry('scripts/issue-client-cert.ts', cleanEnv({ DATA_DIR: dataDir }));
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(
      'issue-client-cert: --subject must be a distinguished name, e.g. "CN=my-app,O=My Company,C=BR"',
    );

    const ok = await runEntryWithArgs([
      '--subject',
      'CN=recipient-app,O=Fintech Exemplo Ltda,C=BR',
      '--out',
      out,
    ]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(
      'register it with tls_client_auth_subject_dn: CN=recipient-app,O=Fintech Exemplo Ltda,C=BR',
    );
    const verify = execFileSync(
      'openssl',
      ['verify', '-CAfile', path.join(dataDir, 'pki', 'ca.crt'), path.join(out, 'recipient-app.crt')],
      {
        encoding: 'utf8',
      },
    );
    expect(verify.trim()).toMatch(/: OK$/);
    expect(readFileSync(path.join(out, 'recipient-app.key'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  });
});

describe('auth:rotate-keys', () => {
  it('adds a signing key and schedules the old one to retire', async () => {
    const env = cleanEnv({
      DATA_DIR: dataDir,
      MONGODB_URI: testServers().mongoUri,
      MONGODB_DATABASE: names.database,
    });
    const first = await runEntry('scripts/rotate-keys.ts', env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^new sig key sig-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}; the previous one retires in \d+ s/m,
    );

    const conn = await mongoose
      .createConnection(testServers().mongoUri, { dbName: names.database })
      .asPromise();
    const keys = await conn
      .collection<{ _id: string; retireAt?: Date; material: string }>('auth_keys')
      .find({ use: 'sig' })
      .toArray();
    await conn.close();
    expect(keys.map((k) => k._id).sort()).toEqual([expect.stringMatching(/^sig-\d{4}/), 'sig-initial']);
    expect(keys.find((k) => k._id === 'sig-initial')?.retireAt).toBeInstanceOf(Date);
    expect(keys.find((k) => k._id !== 'sig-initial')?.retireAt).toBeUndefined();
    // Private material is stored sealed, never as a JWK.
    for (const k of keys) expect(String(k.material)).not.toContain('"d"');
  });
});

describe('directory:issue-ssa', () => {
  it('prints a statement the development directory signed, which the authorization server will trust', async () => {
    const env = cleanEnv({ DATA_DIR: dataDir });
    const args = [
      '--org-id',
      'org-1',
      '--software-id',
      'sw-1',
      '--client-name',
      'My App',
      '--redirect-uri',
      'https://app.example/cb',
    ];
    const run = await runEntry('scripts/issue-software-statement.ts', env, 90_000, args);
    expect(run.code).toBe(0);
    const jwt = run.stdout.trim();
    const jwks = JSON.parse(
      readFileSync(path.join(dataDir, 'directory', 'jwks.json'), 'utf8'),
    ) as JSONWebKeySet;
    const claims = await verifySoftwareStatement(jwt, jwks);
    expect(claims).toMatchObject({
      org_id: 'org-1',
      software_id: 'sw-1',
      software_client_name: 'My App',
      software_redirect_uris: ['https://app.example/cb'],
    });

    const bad = await runEntry('scripts/issue-software-statement.ts', env, 90_000, [
      '--client-name',
      'x',
      '--redirect-uri',
      'http://app.example/cb',
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'issue-software-statement: --redirect-uri is required, once per URI, and each must be https',
    );
  });
});

function runEntryWithArgs(args: string[]) {
  return runEntry('scripts/issue-client-cert.ts', cleanEnv({ DATA_DIR: dataDir }), 90_000, args);
}
