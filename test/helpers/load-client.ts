// A recipient's traffic from a process of its own: sends the requests of LOAD_PLAN (JSON, see
// traffic.ts) over mTLS with the given concurrency and pacing, and prints every answer as JSON.
import { Agent, request } from 'undici';
import type { LoadAnswer, LoadPlan } from './traffic.js';

const plan = JSON.parse(process.env.LOAD_PLAN ?? '{}') as LoadPlan;
const agent = new Agent({
  connect: { ca: plan.tls.ca, ...(plan.tls.cert ? { cert: plan.tls.cert, key: plan.tls.key } : {}) },
  connections: Math.max(1, plan.concurrency ?? 1),
});
const answers: LoadAnswer[] = new Array<LoadAnswer>(plan.requests.length);
let next = 0;

async function worker(): Promise<void> {
  while (next < plan.requests.length) {
    const i = next++;
    const r = plan.requests[i]!;
    const sentAt = Date.now();
    const res = await request(r.url, {
      method: (r.method ?? 'GET') as 'GET',
      headers: r.headers ?? {},
      ...(r.body !== undefined ? { body: r.body } : {}),
      dispatcher: agent,
      headersTimeout: 30_000,
      bodyTimeout: 30_000,
    });
    const body = await res.body.text();
    const header = (name: string) => {
      const v = res.headers[name];
      return Array.isArray(v) ? v.join(',') : v;
    };
    answers[i] = {
      status: res.statusCode,
      ...(header('retry-after') ? { retryAfter: header('retry-after') } : {}),
      ...(header('content-type') ? { contentType: header('content-type') } : {}),
      body,
      sentAt,
      answeredAt: Date.now(),
    };
    if (plan.gapMs) await new Promise((resolve) => setTimeout(resolve, plan.gapMs));
  }
}

await Promise.all(Array.from({ length: Math.max(1, plan.concurrency ?? 1) }, () => worker()));
await agent.close();
process.stdout.write(JSON.stringify(answers));
