// The last step of the customer's journey at the bank: "you are being returned to <recipient>",
// then on to the recipient. When oidc-provider ends an interaction (its resume endpoint) with a
// redirect to the recipient and the request is a person's browser, the redirect becomes a short
// page saying where they are going and why, which sends the browser there by itself (a Refresh)
// or through its link. Other user agents get the plain redirect; form_post answers are left alone.
import type Provider from 'oidc-provider';
import type { Branding } from '../../lib/config.js';
import { locale } from '../i18n.js';
import { chooseLanguage, journeyOf } from './language.js';
import { returningPage } from './views.js';

/** What a customer's cancelled log-in says to the recipient (and how the page tells it apart). */
export const CANCELLED = 'the customer cancelled the log-in';

type KoaContext = {
  status: number;
  body: unknown;
  type: string;
  accepts(...types: string[]): string | false;
  get(field: string): string;
  set(field: string, value: string): void;
  remove(field: string): void;
  response: { get(field: string): string };
  oidc?: {
    route?: string;
    params?: Record<string, unknown>;
    client?: { clientId: string; clientName?: string };
  };
};

/** The authorization response's parameters, from the query, the fragment or a JARM response. */
function responseParams(location: URL): URLSearchParams {
  const params = new URLSearchParams(location.hash.slice(1) || location.search);
  const jarm = params.get('response');
  if (!jarm) return params;
  try {
    // The bank signed it moments ago: only what it says is read, to word the page.
    const claims = JSON.parse(Buffer.from(jarm.split('.')[1] ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >;
    return new URLSearchParams(
      Object.entries(claims).flatMap(([k, v]): [string, string][] => (typeof v === 'string' ? [[k, v]] : [])),
    );
  } catch {
    return new URLSearchParams();
  }
}

export function showReturning(provider: Provider, branding: Branding, issuer: string): void {
  provider.use(async (raw, next) => {
    await next();
    const ctx = raw as unknown as KoaContext;
    if (ctx.oidc?.route !== 'resume' || ctx.status < 300 || ctx.status >= 400) return;
    if (ctx.accepts('json', 'html') !== 'html') return;
    const location = ctx.response.get('location');
    if (!location) return;
    const target = new URL(location, issuer);
    // Back to the bank's own pages (the next step of the interaction): no page in between.
    if (target.origin === new URL(issuer).origin) return;
    const params = responseParams(target);
    const outcome = params.get('error')
      ? params.get('error_description') === CANCELLED
        ? 'cancelled'
        : 'rejected'
      : params.get('code')
        ? 'authorised'
        : undefined;
    const c = {
      ...locale(
        chooseLanguage({
          cookieHeader: ctx.get('cookie'),
          acceptLanguage: ctx.get('accept-language'),
          journey: journeyOf(ctx.oidc.params),
        }),
      ),
      branding,
    };
    const client = String(ctx.oidc.client?.clientName ?? ctx.oidc.client?.clientId ?? '');
    ctx.remove('location');
    ctx.status = 200;
    ctx.set('cache-control', 'no-store');
    // A short pause to read where they are going, then the browser goes on by itself.
    ctx.set('refresh', `2;url=${target.href}`);
    ctx.type = 'html';
    ctx.body = returningPage({ client, returnTo: target.href, ...(outcome ? { outcome } : {}) }, c);
  });
}
