// A minimal user agent for HTTP-level tests of redirects and forms: keeps cookies, follows
// nothing by itself, so each step can be asserted.
import { Agent, fetch as undiciFetch } from 'undici';

export class UserAgent {
  private cookies = new Map<string, string>();
  private dispatcher: Agent;

  /** `language`: the Accept-Language sent (the bank's pages speak pt-BR or en; none: its default). */
  constructor(
    ca: string,
    private readonly options: { language?: string } = {},
  ) {
    this.dispatcher = new Agent({ connect: { ca } });
  }

  async request(url: string, init: { method?: string; form?: Record<string, string> } = {}) {
    const res = await undiciFetch(url, {
      method: init.method ?? (init.form ? 'POST' : 'GET'),
      redirect: 'manual',
      dispatcher: this.dispatcher,
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(this.options.language ? { 'accept-language': this.options.language } : {}),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [name, ...value] = pair!.split('=');
      if (/expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name!.trim());
      else this.cookies.set(name!.trim(), value.join('='));
    }
    const location = res.headers.get('location');
    return {
      status: res.status,
      location: location ? new URL(location, url).href : undefined,
      text: await res.text(),
    };
  }
}

/** The value of a hidden input in an HTML form. */
export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no hidden field ${name} in page`);
  return match[1]!;
}
