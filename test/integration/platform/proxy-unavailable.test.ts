// When no replica behind the proxy can be reached, a caller still gets an answer it can parse: a
// 503 in its own standard's format (OFB errors[], FDX {code, message}), from Debian's nginx.
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ensureDevPki } from '../../../lib/pki/dev-pki.js';
import { spawnNginx } from '../../../runtime/nginx.js';
import { freePort } from '../../../runtime/ports.js';
import type { ManagedProcess } from '../../../runtime/process.js';

let dir: string;
let nginx: ManagedProcess;
let port: number;
let ca: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'obp-proxy-unavailable-'));
  const pki = await ensureDevPki(path.join(dir, 'pki'));
  ca = pki.ca.cert;
  port = await freePort();
  // Replicas on ports nothing listens on: every connection is refused.
  const down = [`127.0.0.1:${await freePort()}`, `127.0.0.1:${await freePort()}`];
  nginx = await spawnNginx({
    runDir: path.join(dir, 'nginx'),
    clientCertHeader: 'x-ssl-client-cert',
    tls: {
      certPath: path.join(dir, 'pki', 'server.crt'),
      keyPath: path.join(dir, 'pki', 'server.key'),
      clientCaPath: path.join(dir, 'pki', 'ca.crt'),
    },
    listeners: [
      {
        name: 'gateway',
        host: '127.0.0.1',
        port,
        tls: 'mtls',
        upstream: { scheme: 'https', servers: down },
        unavailable: {
          default: JSON.stringify({
            errors: [{ code: 'SERVICE_UNAVAILABLE', title: 'Serviço indisponível', detail: 'no replica' }],
          }),
          byPrefix: { '/fdx/v6': JSON.stringify({ code: 501, message: 'Subsystem unavailable' }) },
        },
      },
    ],
  });
});

afterAll(async () => {
  await nginx?.stop(5000);
  rmSync(dir, { recursive: true, force: true });
});

function get(pathname: string): Promise<{ status: number; type: string; retryAfter?: string; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get({ host: 'localhost', port, path: pathname, ca }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () =>
          resolve({
            status: res.statusCode!,
            type: String(res.headers['content-type']),
            retryAfter: res.headers['retry-after'] as string | undefined,
            body,
          }),
        );
      })
      .on('error', reject);
  });
}

describe('the proxy with no replica to reach', () => {
  it("answers an OFB path with a 503 in OFB's errors[] format, not nginx's HTML", async () => {
    const res = await get('/open-banking/accounts/v2/accounts');
    expect(res.status).toBe(503);
    expect(res.type).toMatch(/^application\/json/);
    expect(res.retryAfter).toBe('5');
    expect(JSON.parse(res.body)).toEqual({
      errors: [{ code: 'SERVICE_UNAVAILABLE', title: 'Serviço indisponível', detail: 'no replica' }],
    });
  });

  it("answers an FDX path in FDX's {code, message} format", async () => {
    const res = await get('/fdx/v6/accounts');
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toEqual({ code: 501, message: 'Subsystem unavailable' });
  });
});
