// The soak's HTTP: every request goes through `metered`, which gives it a client-side deadline,
// reads the whole answer within it, and records the outcome under its endpoint kind. A request
// still unanswered at the deadline is a hang. Also a small cookie-keeping agent for the customer's
// steps at the bank, which follows no redirect by itself.
import type { Meter } from './meter.js';

/** Names the platform's component by origin, and turns a path into a template (ids become `:id`). */
export function endpointKind(components: Map<string, string>, method: string, url: URL): string {
  const component = components.get(url.origin) ?? url.host;
  const parts = url.pathname.split('/');
  const segments = parts.map((s, i) => {
    const decoded = safeDecode(s);
    const last = i === parts.length - 1;
    if (last && /\.(css|js|mjs|png|svg|ico|woff2?|map)$/.test(decoded))
      return `*${decoded.slice(decoded.lastIndexOf('.'))}`;
    // Ids: URNs, hex object ids, UUIDs, client ids, interaction uids, anything long or digit-laden.
    if (/^urn:|^mkt-|^acc-|^card-|^[0-9a-f]{24}$/i.test(decoded)) return ':id';
    if (decoded.length >= 16 || (/\d/.test(decoded) && decoded.length >= 5)) return ':id';
    return decoded;
  });
  return `${component} ${method.toUpperCase()} ${segments.join('/') || '/'}`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * `base` with a deadline on every request (combined with the caller's own signal), the body read
 * before returning, and the outcome recorded. Returns a standard Response over the read body.
 */
export function metered(
  base: typeof fetch,
  meter: Meter,
  components: Map<string, string>,
  deadlineMs: number,
  /** Sets these requests apart in the counts, e.g. `malformed`. */
  prefix?: string,
  /** Said with each 5xx or hang of these requests: what was sent. */
  note?: string,
): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const kind = `${prefix ? `${prefix} ` : ''}${endpointKind(components, method, url)}`;
    const deadline = AbortSignal.timeout(deadlineMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const started = performance.now();
    try {
      const res = await base(input, { ...init, signal });
      const body = await res.arrayBuffer();
      const ms = performance.now() - started;
      const detail =
        res.status >= 500
          ? `${note ? `[${note}] ` : ''}${Buffer.from(body).toString('utf8').replace(/\s+/g, ' ').slice(0, 400)}`
          : '';
      meter.record(kind, url.origin + url.pathname, res.status, ms, detail);
      const rebuilt = new Response(NULL_BODY.has(res.status) ? null : body, {
        status: res.status,
        statusText: res.statusText,
        headers: res.headers as unknown as Headers,
      });
      Object.defineProperty(rebuilt, 'url', { value: res.url });
      return rebuilt;
    } catch (err) {
      const ms = performance.now() - started;
      const e = err as Error & { cause?: Error };
      // The caller's own deadline (e.g. the sample app's 15 s) counts as a hang too.
      const hang = deadline.aborted || e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError';
      meter.record(
        kind,
        url.origin + url.pathname,
        hang ? 'hang' : 'error',
        ms,
        `${note ? `[${note}] ` : ''}${e.name}: ${e.message}${e.cause ? ` (${e.cause.message})` : ''}`,
      );
      throw err;
    }
  }) as typeof fetch;
}

export interface AgentResponse {
  status: number;
  location?: string;
  text: string;
}

/** Keeps cookies; follows no redirect, so each step is seen. */
export class CookieAgent {
  private cookies = new Map<string, string>();

  constructor(private readonly fetcher: typeof fetch) {}

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string | string[]> } = {},
  ): Promise<AgentResponse> {
    let body: string | undefined;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(init.form)) for (const one of [v].flat()) params.append(k, one);
      body = params.toString();
    }
    const res = await this.fetcher(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(body !== undefined ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      if (/expires=Thu, 01 Jan 1970/i.test(c) || /max-age=0\b/i.test(c)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    const location = res.headers.get('location');
    return {
      status: res.status,
      ...(location ? { location: new URL(location, url).href } : {}),
      text: await res.text(),
    };
  }
}

/** The value of a hidden input in an HTML form. */
export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no hidden field ${name} in the page`);
  return match[1]!;
}
