import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createIntrospector } from '../../api/gateway/security/introspection.js';

// A stand-in AS introspection endpoint that counts its requests and answers each after a delay,
// so concurrent calls overlap with one answer on the way.
let server: Server;
let endpoint: string;
const asked: string[] = [];

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
            token.startsWith('good')
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
function freshIntrospector() {
  asked.length = 0;
  return createIntrospector({ endpoint, clientId: 'gateway', tls: { cert: '', key: '' }, cacheMs: 60_000 });
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
});
