// The marketplace with its consoles (/admin, /my) on the test servers, and a cookie-keeping HTTP
// client for its pages and JSON API: forms, JSON bodies, no redirects followed (each step is
// asserted).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import { fetch } from 'undici';
import { createMarketplaceApp, type ConsolesOptions } from '../../api/marketplace/app.js';
import { createConnector } from '../../connectors/index.js';
import { connectorReader } from '../../connectors/reads.js';
import type { Database } from '../../db/connection.js';
import { closeServer } from '../../lib/http/server.js';
import { quietLogger } from './platform.js';
import { tracked } from './teardown.js';

export const TEST_TEMPORAL_UI = 'http://temporal-ui.test:8233';

/** The bank's data read from the mock core in process, guarded, as the platform's marketplace reads it. */
export const inProcessBankData = () => connectorReader({ connector: createConnector('mock-core-banking') });

/** The marketplace app with both consoles on a free port; its consent work goes to `taskQueue`. */
export async function startConsoles(
  deps: { client: Client; db: Database; taskQueue: string },
  over: Partial<ConsolesOptions> = {},
) {
  const app = createMarketplaceApp({
    logger: quietLogger,
    client: deps.client,
    db: deps.db,
    taskQueues: { onboarding: deps.taskQueue },
    onboarding: {
      bankAdminsEmail: 'admins@bank.example',
      reminderIntervalMs: 3_600_000,
      reviewTimeoutMs: 86_400_000,
    },
    consoles: {
      consentTaskQueue: deps.taskQueue,
      temporalUiUrl: TEST_TEMPORAL_UI,
      selfServiceEnabled: true,
      readBankData: inProcessBankData(),
      secureCookies: false,
      adminSessionTtlMs: 30 * 60_000,
      selfServiceSessionTtlMs: 10 * 60_000,
      ...over,
    },
  });
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: tracked(() => closeServer(server)),
  };
}

export interface Reply {
  status: number;
  location?: string;
  contentType: string;
  headers: Headers;
  text: string;
  json<T = Record<string, unknown>>(): T;
}

export class HttpSession {
  readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  async request(
    path: string,
    init: {
      method?: string;
      form?: Record<string, string>;
      json?: unknown;
      headers?: Record<string, string>;
    } = {},
  ): Promise<Reply> {
    const body = init.form
      ? new URLSearchParams(init.form).toString()
      : init.json !== undefined
        ? JSON.stringify(init.json)
        : undefined;
    const res = await fetch(new URL(path, this.baseUrl), {
      method: init.method ?? (body !== undefined ? 'POST' : 'GET'),
      redirect: 'manual',
      headers: {
        cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
        ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(init.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      ...(body !== undefined ? { body } : {}),
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, pair!.slice(eq + 1));
    }
    const text = await res.text();
    const location = res.headers.get('location');
    return {
      status: res.status,
      ...(location
        ? { location: new URL(location, this.baseUrl).pathname + new URL(location, this.baseUrl).search }
        : {}),
      contentType: res.headers.get('content-type') ?? '',
      headers: res.headers as unknown as Headers,
      text,
      json: <T>() => JSON.parse(text) as T,
    };
  }
}

/** The value of a hidden input in an HTML form. */
export function hiddenField(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match) throw new Error(`no hidden field ${name} in page`);
  return match[1]!;
}

/** A staff member's console session, logged in through the log-in form (going on to `next`). */
export async function staffSession(
  baseUrl: string,
  who: { email: string; password: string },
  next?: string,
): Promise<HttpSession> {
  const session = new HttpSession(baseUrl);
  const form = await session.request('/admin/login');
  const res = await session.request('/admin/login', {
    form: {
      csrf: hiddenField(form.text, 'csrf'),
      ...(next ? { next } : {}),
      email: who.email,
      password: who.password,
    },
  });
  if (res.status !== 303) throw new Error(`staff log-in of ${who.email} refused: ${res.status}`);
  return session;
}

/** An HTML page's text without tags and with whitespace collapsed, for assertions on what people read. */
export const pageText = (html: string) =>
  html
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
