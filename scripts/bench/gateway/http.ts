// A person's browser, reduced to what the set-up needs: cookies kept per session, redirects not
// followed (each step reads its own Location), forms with repeated fields (the consent page's
// account checkboxes), JSON bodies, and the platform's development CA trusted for https.
import { Agent, fetch } from 'undici';

export interface Reply {
  status: number;
  /** Absolute URL of the Location header, when there is one. */
  location?: string;
  text: string;
  json<T>(): T;
}

export class Session {
  private readonly cookies = new Map<string, string>();
  private readonly dispatcher: Agent;

  constructor(
    private readonly base: string,
    ca: string,
    private readonly timeoutMs = 60_000,
  ) {
    this.dispatcher = new Agent({ connect: { ca } });
  }

  async request(
    url: string,
    init: { form?: URLSearchParams | Record<string, string>; json?: unknown } = {},
  ): Promise<Reply> {
    const target = new URL(url, this.base);
    const body = init.form
      ? new URLSearchParams(init.form).toString()
      : init.json !== undefined
        ? JSON.stringify(init.json)
        : undefined;
    const res = await fetch(target, {
      method: body === undefined ? 'GET' : 'POST',
      redirect: 'manual',
      dispatcher: this.dispatcher,
      signal: AbortSignal.timeout(this.timeoutMs),
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const pair = c.split(';')[0]!;
      const name = pair.slice(0, pair.indexOf('=')).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(pair.indexOf('=') + 1));
    }
    const location = res.headers.get('location');
    const text = await res.text();
    return {
      status: res.status,
      ...(location ? { location: new URL(location, target).href } : {}),
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/** The value of a hidden input in an HTML form. */
export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no hidden field ${name} in the page`);
  return match[1]!;
}

/** Throw with the step's name, status and the start of the answer unless `ok` holds. */
export function expectStatus(step: string, reply: Reply, ...ok: number[]): Reply {
  if (!ok.includes(reply.status))
    throw new Error(`${step}: answered ${reply.status}: ${reply.text.slice(0, 300).replace(/\s+/g, ' ')}`);
  return reply;
}
