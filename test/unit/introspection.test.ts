import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIntrospector } from '../../api/gateway/security/introspection.js';

// A stand-in AS introspection endpoint that counts its requests and answers each after a delay,
// so concurrent calls overlap with one answer on the way.
let server: Server;
let endpoint: string;
const asked: string[] = [];
/** Tokens the stand-in AS now answers as inactive. */
const revoked = new Set<string>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const token = new URLSearchParams(body).get('token') ?? '';
      asked.push(token);
      setTimeout(() => {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify(
            token.startsWith('good') && !revoked.has(token)
              ? { active: true, client_id: 'c1', exp: Math.floor(Date.now() / 1000) + 300, aud: 'gw' }
              : { active: false },
          ),
        );
      }, 50);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token/introspection`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** An introspector with an empty cache, and the request log cleared. */
function freshIntrospector(o: { cacheMs?: number; random?: () => number } = {}) {
  asked.length = 0;
  return createIntrospector({
    endpoint,
    clientId: 'gateway',
    tls: { cert: '', key: '' },
    cacheMs: o.cacheMs ?? 60_000,
    ...(o.random ? { random: o.random } : {}),
  });
}

/** Wait for a condition, polling, with a generous ceiling. */
async function until(condition: () => boolean, what: string) {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the gateway introspector', () => {
  it('sends one introspection for concurrent calls with one token, and reuses the active answer', async () => {
    const introspector = freshIntrospector();
    const answers = await Promise.all(Array.from({ length: 64 }, () => introspector.introspect('good-1')));
    expect(answers.every((a) => a?.clientId === 'c1')).toBe(true);
    expect(asked).toEqual(['good-1']);
    expect((await introspector.introspect('good-1'))?.clientId).toBe('c1');
    expect(asked).toEqual(['good-1']);
    await introspector.close();
  });

  it('does not keep inactive answers: each new call with an unknown token asks again', async () => {
    const introspector = freshIntrospector();
    const concurrent = await Promise.all([introspector.introspect('bad'), introspector.introspect('bad')]);
    expect(concurrent).toEqual([undefined, undefined]);
    expect(await introspector.introspect('bad')).toBeUndefined();
    expect(asked).toEqual(['bad', 'bad']);
    await introspector.close();
  });

  it('renews an answer in the background in the second half of its life, and drops it when the AS says inactive', async () => {
    // Renewal from half the cache's life (random() = 0), so the test waits half a second, not 15 s.
    const introspector = freshIntrospector({ cacheMs: 1000, random: () => 0 });
    expect((await introspector.introspect('good-3'))?.clientId).toBe('c1');
    const firstAnswered = Date.now();
    expect(asked).toEqual(['good-3']);
    await until(() => Date.now() - firstAnswered >= 520, "the second half of the answer's life");
    revoked.add('good-3');
    // Within the cache's life the call is answered at once from the cache…
    expect((await introspector.introspect('good-3'))?.clientId).toBe('c1');
    // …and one renewal goes out behind it; its inactive answer drops the entry, so calls are refused.
    await until(() => asked.length === 2, 'the background renewal');
    let answer: unknown = 'cached';
    while (answer !== undefined) {
      answer = await introspector.introspect('good-3');
      if (answer !== undefined) await new Promise((r) => setTimeout(r, 10));
    }
    expect(asked).toEqual(['good-3', 'good-3', 'good-3']);
    await introspector.close();
  });
});
