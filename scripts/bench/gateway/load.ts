// The load generator: a process of its own (forked by the benchmark, never the process under
// test) driving autocannon over keep-alive HTTPS connections that present the recipient's client
// certificate. Each request is drawn at random from the run's list, with a fresh
// x-fapi-interaction-id and, for the token endpoint, a fresh private_key_jwt client assertion
// (the authorization server refuses a replayed one). It answers each run over IPC with its
// throughput, latency percentiles, status counts and the first distinct non-2xx answers.
import { constants, createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import autocannon from 'autocannon';

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Append `&client_assertion=<a fresh PS256 JWT>` to the form body. */
  assertion?: { clientId: string; kid: string; keyPem: string; audience: string };
}

/** Connections of one client certificate (a recipient) and the requests they draw from. */
export interface LoadGroup {
  connections: number;
  cert: string;
  key: string;
  requests: LoadRequest[];
}

export interface LoadSpec {
  /** https://host:port */
  origin: string;
  seconds: number;
  /** Run together, one autocannon instance each: tokens are bound to their recipient's certificate. */
  groups: LoadGroup[];
}

export interface LoadResult {
  seconds: number;
  /** Responses received (any status). */
  responses: number;
  rps: number;
  status: Record<string, number>;
  non2xx: number;
  /** Connection errors and timeouts (no answer at all). */
  errors: number;
  timeouts: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  /** The first few distinct non-2xx answers: status, path and the start of the body. */
  samples: { status: number; path: string; body: string }[];
  errorSamples: string[];
  /** Every response's latency (ms), for percentiles over several runs. */
  latencies: number[];
}

const b64url = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function assertionSigner(keyPem: string) {
  const key: KeyObject = createPrivateKey(keyPem);
  return (a: NonNullable<LoadRequest['assertion']>) => {
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64url({ alg: 'PS256', kid: a.kid, typ: 'JWT' })}.${b64url({
      iss: a.clientId,
      sub: a.clientId,
      aud: a.audience,
      jti: randomUUID(),
      iat: now,
      exp: now + 60,
    })}`;
    const signature = sign('sha256', Buffer.from(input), {
      key,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 32,
    });
    return `${input}.${signature.toString('base64url')}`;
  };
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const signers = new Map<string, ReturnType<typeof assertionSigner>>();
  for (const r of spec.groups.flatMap((g) => g.requests))
    if (r.assertion && !signers.has(r.assertion.keyPem))
      signers.set(r.assertion.keyPem, assertionSigner(r.assertion.keyPem));

  let latencies = new Float64Array(1 << 14);
  let responses = 0;
  const status: Record<string, number> = {};
  const samples: LoadResult['samples'] = [];
  const seen = new Set<string>();
  const errorSamples: string[] = [];

  const instance = (group: LoadGroup) => {
    const pick = () => group.requests[Math.floor(Math.random() * group.requests.length)]!;
    let done!: (r: autocannon.Result) => void;
    let failed!: (err: unknown) => void;
    const finished = new Promise<autocannon.Result>((resolve, reject) => {
      done = resolve;
      failed = reject;
    });
    const options: autocannon.Options = {
      url: spec.origin,
      connections: group.connections,
      duration: spec.seconds,
      timeout: 30,
      tlsOptions: { cert: group.cert, key: group.key },
      requests: [
        {
          setupRequest: (req, context) => {
            const chosen = pick();
            (context as { path?: string }).path = chosen.path;
            const body = chosen.assertion
              ? `${chosen.body ?? ''}&client_assertion=${signers.get(chosen.assertion.keyPem)!(chosen.assertion)}`
              : chosen.body;
            return {
              ...req,
              method: chosen.method,
              path: chosen.path,
              headers: { ...chosen.headers, 'x-fapi-interaction-id': randomUUID() },
              ...(body !== undefined ? { body } : {}),
            };
          },
          onResponse: (code, body, context) => {
            if (code >= 200 && code < 300) return;
            const path = (context as { path?: string }).path ?? '?';
            const text = String(body).slice(0, 400);
            const key = `${code} ${text.replace(/[0-9a-f-]{36}|\d{4}-\d\d-\d\dT[\d:.]+Z?/gi, '…')}`;
            if (samples.length < 5 && !seen.has(key)) {
              seen.add(key);
              samples.push({ status: code, path: path.split('?')[0]!, body: text });
            }
          },
        },
      ],
    };
    const cannon = autocannon(options, (err: unknown, result) => (err ? failed(err) : done(result)));
    cannon.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (responses === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[responses++] = responseTime;
      status[statusCode] = (status[statusCode] ?? 0) + 1;
    });
    cannon.on('reqError', (err: Error) => {
      if (errorSamples.length < 5 && !errorSamples.includes(err.message)) errorSamples.push(err.message);
    });
    return finished;
  };
  const results = await Promise.all(spec.groups.map(instance));
  const seconds = Math.max(...results.map((r) => r.duration));
  const all = Array.from(latencies.subarray(0, responses), (v) => Math.round(v * 10) / 10);
  const s = summarise(all);
  const non2xx = Object.entries(status)
    .filter(([code]) => !code.startsWith('2'))
    .reduce((a, [, n]) => a + n, 0);
  return {
    seconds,
    responses,
    rps: responses / seconds,
    status,
    non2xx,
    errors: results.reduce((a, r) => a + r.errors, 0),
    timeouts: results.reduce((a, r) => a + r.timeouts, 0),
    latencyMs: s,
    samples,
    errorSamples,
    latencies: all,
  };
}

/** Mean and percentiles (nearest rank) of latencies in ms. */
export function summarise(latencies: number[]): LoadResult['latencyMs'] {
  const sorted = Float64Array.from(latencies).sort();
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    mean: sorted.length ? sum / sorted.length : 0,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length ? sorted[sorted.length - 1]! : 0,
  };
}

// Forked by the benchmark: one run per message, answered with its result.
if (process.send) {
  process.on('message', (message: { id: number; spec: LoadSpec }) => {
    runLoad(message.spec).then(
      (result) => process.send!({ id: message.id, result }),
      (err: unknown) => process.send!({ id: message.id, error: String(err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}
