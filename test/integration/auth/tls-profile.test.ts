// The TLS the authorization server and the gateway offer, as a recipient's TLS stack sees it with
// `openssl s_client`: FAPI 1.0 Advanced §8.5 and OFB's security profile — at TLS 1.2 only the
// (EC)DHE-RSA AES-GCM suites, the development certificate able to use them, TLS 1.3 allowed, no
// session resumption and no client-initiated renegotiation.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnGuarded } from '../../../runtime/process.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { startOfbStack, type OfbStack } from '../../helpers/ofb-journey.js';
import { tracked } from '../../helpers/teardown.js';

/** Ceiling for one s_client run: a handshake and one HTTP answer on a loaded machine. */
const RUN_CEILING_MS = 30_000;
const FAPI_SUITES = [
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
];
/** Suites a TLS 1.2 client commonly offers that FAPI does not permit: CBC, no forward secrecy, ECDSA. */
const NON_FAPI_SUITES = [
  'ECDHE-ECDSA-AES128-SHA',
  'ECDHE-RSA-AES128-SHA',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-SHA256',
  'AES128-GCM-SHA256',
  'AES256-SHA',
];
// The server closes an HTTP/1.0 exchange after its answer, so s_client ends on its own once it has
// read everything the server sent after the handshake (TLS 1.3 tickets among it).
const HTTP_REQUEST = 'GET / HTTP/1.0\r\nHost: localhost\r\n\r\n';

let stack: OfbStack;
let gw: TestGateway;
let dir: string;
let caFile: string;
let servers: [string, string][];

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'tls-profile');
  gw = await startTestGateway(stack);
  dir = mkdtempSync(path.join(os.tmpdir(), 'obp-tls-'));
  tracked(() => rmSync(dir, { recursive: true, force: true }));
  caFile = path.join(dir, 'ca.crt');
  writeFileSync(caFile, stack.as.pki.ca.cert);
  servers = [
    ['authorization server', new URL(stack.as.issuer).host],
    ['gateway', new URL(gw.url).host],
  ];
});

afterAll(async () => {
  await gw?.stop();
  await stack?.stop();
});

/**
 * A running `openssl s_client`: what it printed so far, waits on its output, and its end. With
 * `commands`, a line starting with R asks it to renegotiate, and the end of input ends the
 * connection; without, the end of input is ignored and the run ends when the server closes.
 */
function sClient(hostPort: string, args: string[], { commands = false } = {}) {
  const child = spawnGuarded(
    'openssl',
    [
      's_client',
      '-connect',
      hostPort,
      '-servername',
      'localhost',
      '-CAfile',
      caFile,
      ...(commands ? [] : ['-ign_eof']),
      ...args,
    ],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    output += d.toString();
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const timer = setTimeout(() => child.kill('SIGKILL'), RUN_CEILING_MS);
  const ended = new Promise<string>((resolve) =>
    child.on('close', () => {
      clearTimeout(timer);
      resolve(output);
    }),
  );
  return {
    write: (text: string) => child.stdin!.write(text),
    /** Resolves once the output matches, or rejects when the run ends first. */
    waitFor(pattern: RegExp): Promise<void> {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (!pattern.test(output)) return;
          listeners.delete(check);
          resolve();
        };
        listeners.add(check);
        check();
        void ended.then(() => {
          if (listeners.delete(check)) reject(new Error(`s_client ended before ${pattern}:\n${output}`));
        });
      });
    },
    /** Send one HTTP request and the end of input, then wait for the run to end. */
    exchange(): Promise<string> {
      child.stdin!.end(HTTP_REQUEST);
      return ended;
    },
    ended,
  };
}

/** One connection sending one request; its whole output. */
const connect = (hostPort: string, args: string[]) => sClient(hostPort, args).exchange();

describe.each([['authorization server'], ['gateway']])('the %s', (name) => {
  const hostPort = () => servers.find(([n]) => n === name)![1];

  it('accepts each FAPI cipher suite at TLS 1.2, with a certificate that chains to the CA', async () => {
    for (const suite of FAPI_SUITES) {
      const out = await connect(hostPort(), ['-tls1_2', '-cipher', suite]);
      expect(out).toContain(`New, TLSv1.2, Cipher is ${suite}`);
      expect(out).toContain('Verify return code: 0 (ok)');
      expect(out).toMatch(/^HTTP\/1\.1 \d{3}/m);
    }
  });

  it('prefers an ECDHE suite when a TLS 1.2 client offers them all', async () => {
    const out = await connect(hostPort(), ['-tls1_2', '-cipher', 'ALL:@SECLEVEL=0']);
    expect(out).toMatch(/New, TLSv1\.2, Cipher is ECDHE-RSA-AES(128-GCM-SHA256|256-GCM-SHA384)/);
  });

  it('refuses every other cipher suite at TLS 1.2', async () => {
    for (const suite of NON_FAPI_SUITES) {
      const out = await connect(hostPort(), ['-tls1_2', '-cipher', `${suite}:@SECLEVEL=0`]);
      expect(out).toContain('New, (NONE), Cipher is (NONE)');
      expect(out).toMatch(/alert handshake failure/);
      expect(out).not.toMatch(/^HTTP\//m);
    }
  });

  it('speaks TLS 1.3', async () => {
    const out = await connect(hostPort(), ['-tls1_3']);
    expect(out).toMatch(/New, TLSv1\.3, Cipher is TLS_AES_(128|256)_GCM_SHA(256|384)/);
    expect(out).toMatch(/^HTTP\/1\.1 \d{3}/m);
  });

  it.each([['-tls1_2'], ['-tls1_3']])('does not resume a session (%s)', async (version) => {
    const session = path.join(dir, `${name.replace(/ /g, '-')}${version}.pem`);
    const first = await connect(hostPort(), [version, '-sess_out', session]);
    expect(first).toMatch(/^New, TLSv1\.[23]/m);
    // The client kept a session to offer (an id at 1.2, a ticket at 1.3): the refusal is the server's.
    expect(existsSync(session)).toBe(true);
    const second = await connect(hostPort(), [version, '-sess_in', session]);
    expect(second).toMatch(/^New, TLSv1\.[23]/m);
    expect(second).not.toMatch(/^Reused,/m);
    expect(second).toMatch(/^HTTP\/1\.1 \d{3}/m);
  });

  it('refuses a renegotiation the client starts', async () => {
    const run = sClient(hostPort(), ['-tls1_2'], { commands: true });
    await run.waitFor(/Verify return code: 0 \(ok\)[\s\S]*?\n---\n/);
    run.write('R\n');
    await run.waitFor(/RENEGOTIATING/);
    // Renegotiated, the connection would still carry this request and the server close it after
    // answering; refused, it is gone already.
    run.write(HTTP_REQUEST);
    const out = await run.ended;
    expect(out).toMatch(/no renegotiation/);
    expect(out).not.toMatch(/^HTTP\//m);
  });
});
