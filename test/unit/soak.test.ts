// The soak's judgement (scripts/soak): a request unanswered at its deadline counts as a hang, a
// 5xx keeps its body for the report, endpoint kinds group ids under one template, and memory is
// called flat or not from the first and last thirds of the samples.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { endpointKind, metered } from '../../scripts/soak/http.js';
import { MemorySampler } from '../../scripts/soak/memory.js';
import { Meter } from '../../scripts/soak/meter.js';

let server: http.Server;
let base: string;
const components = () => new Map([[base, 'gateway']]);

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/never') return; // holds the request open: a hang
    if (req.url === '/broken') {
      res.writeHead(500, { 'content-type': 'application/json' });
      return res.end('{"errors":[{"code":"INTERNAL"}]}');
    }
    res.writeHead(200).end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

describe('the soak', () => {
  it('names endpoints by component, method and path template', () => {
    const kind = (path: string) => endpointKind(components(), 'get', new URL(`${base}${path}`));
    expect(kind('/open-banking/consents/v3/consents/urn:bank:5b1c2f')).toBe(
      'gateway GET /open-banking/consents/v3/consents/:id',
    );
    expect(kind('/fdx/v6/accounts/acc-ana-checking/transactions?limit=25')).toBe(
      'gateway GET /fdx/v6/accounts/:id/transactions',
    );
    expect(kind('/interaction/Zq3xVb0kL9sYtW2pQmR7a/login')).toBe('gateway GET /interaction/:id/login');
    expect(kind('/assets/insights/app.js')).toBe('gateway GET /assets/insights/*.js');
    expect(endpointKind(new Map(), 'POST', new URL('http://elsewhere:81/token'))).toBe(
      'elsewhere:81 POST /token',
    );
  });

  it('counts a request unanswered at its deadline as a hang, and keeps a 5xx body', async () => {
    const meter = new Meter();
    const f = metered(fetch, meter, components(), 300, undefined, 'a note');
    await expect(f(`${base}/never`)).rejects.toThrow();
    const broken = await f(`${base}/broken`);
    expect(broken.status).toBe(500);
    expect(await broken.json()).toEqual({ errors: [{ code: 'INTERNAL' }] });
    expect(await (await f(`${base}/fine`)).text()).toBe('ok');

    expect(meter.totals()).toMatchObject({ requests: 3, '2xx': 1, '5xx': 1, hangs: 1, errors: 0 });
    expect(meter.problems.map((p) => [p.kind, p.outcome])).toEqual([
      ['gateway GET /never', 'hang'],
      ['gateway GET /broken', 500],
    ]);
    expect(meter.problems[0]!.ms).toBeGreaterThanOrEqual(290);
    expect(meter.problems[1]!.detail).toBe('[a note] {"errors":[{"code":"INTERNAL"}]}');
  });

  it('reports percentiles of the answered requests', () => {
    const meter = new Meter();
    for (let ms = 1; ms <= 100; ms++) meter.record('k', 'u', 200, ms);
    expect(meter.summary()).toEqual([
      expect.objectContaining({ kind: 'k', requests: 100, '2xx': 100, p50: 50, p95: 95, p99: 99 }),
    ]);
  });

  it('calls memory flat within 10 % or 16 MiB, and growing otherwise', () => {
    const sampler = new MemorySampler(process.pid, Date.now());
    const rss = (worker: number, gateway: number) => ({ at: '', t: 0, rss: { worker, gateway } });
    // The worker settles 12 MiB higher; the gateway grows by half.
    sampler.samples.push(
      rss(500, 100),
      rss(500, 110),
      rss(512, 130),
      rss(512, 150),
      rss(512, 150),
      rss(512, 160),
    );
    expect(sampler.growth()).toEqual([
      expect.objectContaining({ process: 'gateway', firstThirdMiB: 105, lastThirdMiB: 155, flat: false }),
      expect.objectContaining({ process: 'worker', firstThirdMiB: 500, lastThirdMiB: 512, flat: true }),
    ]);
  });

  it('finds this process itself by pid when sampling', () => {
    const sampler = new MemorySampler(process.pid, Date.now());
    expect(sampler.sample().rss.supervisor).toBeGreaterThan(10);
  });
});
