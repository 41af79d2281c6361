// HTTPS requests with nothing normalised: the path, headers and body bytes go out as given, so a
// test can send what a careless or hostile client would (bad percent-encoding, repeated fields,
// wrong encodings). Each request has a deadline: a hang is reported, not waited out.
import https from 'node:https';

export interface RawRequest {
  method?: string;
  /** Sent as is, after the origin: `/x/%E0%A4%A?y`. */
  path: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** The client certificate, for mTLS. */
  cert?: { cert: string; key: string };
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export class HangError extends Error {}

/** A client for one server, trusting its CA, with kept-alive connections. */
export function rawClient(origin: string, ca: string) {
  const { hostname, port } = new URL(origin);
  const agents = new Map<string, https.Agent>();
  const agentFor = (cert?: RawRequest['cert']) => {
    const key = cert?.cert ?? '';
    let agent = agents.get(key);
    if (!agent) {
      agent = new https.Agent({ ca, keepAlive: true, maxSockets: 16, ...(cert ?? {}) });
      agents.set(key, agent);
    }
    return agent;
  };
  return {
    request(req: RawRequest): Promise<RawResponse> {
      return new Promise((resolve, reject) => {
        const body = req.body === undefined ? undefined : Buffer.from(req.body);
        const outgoing = https.request(
          {
            hostname,
            port,
            method: req.method ?? (body ? 'POST' : 'GET'),
            path: req.path,
            agent: agentFor(req.cert),
            headers: {
              ...(body ? { 'content-length': String(body.length) } : {}),
              ...req.headers,
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                text: Buffer.concat(chunks).toString('utf8'),
              }),
            );
            res.on('error', reject);
          },
        );
        outgoing.setTimeout(req.timeoutMs ?? 30_000, () =>
          outgoing.destroy(new HangError(`${req.method ?? 'GET'} ${req.path} got no answer in time`)),
        );
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    },
    close() {
      for (const agent of agents.values()) agent.destroy();
    },
  };
}

export type RawClient = ReturnType<typeof rawClient>;

/** What no error body may show: a stack frame or an absolute path of the server's files. */
export const INTERNALS = /\bat [\w.<>]+ \(|node_modules|\/(?:work|home|root|usr|tmp|app)\/|[A-Z]:\\/;
