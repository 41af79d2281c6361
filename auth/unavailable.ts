// The authorization server when its database (or Temporal) is away or silent, or a request ran out
// of its budget: OAuth's `temporarily_unavailable` (503) to clients, a short page to browsers;
// never oidc-provider's `server_error` 500, never a hang.
import type { ErrorRequestHandler, Request, Response } from 'express';
import type Provider from 'oidc-provider';
import { DEFAULT_BRANDING, type Branding } from '../lib/config.js';
import { budgetAnswered, isDependencyFailure, wantsHtml } from '../lib/http/deadline.js';
import { locale } from './i18n.js';
import { pageContext } from './interactions/frame.js';
import { chooseLanguage } from './interactions/language.js';
import { unavailablePage } from './interactions/views.js';

const DESCRIPTION = {
  503: 'the authorization server cannot reach a system it depends on; try again later',
  504: 'the request could not be completed in time; try again later',
} as const;

const oauthBody = (status: 503 | 504) => ({
  error: 'temporarily_unavailable',
  error_description: DESCRIPTION[status],
});

/**
 * For the express side (the login and consent pages, and the budget): a page for a browser, in
 * the customer's language and the bank's brand, the OAuth error otherwise. OAuth clients get 503
 * either way: `temporarily_unavailable` is its status.
 */
export function sendAuthUnavailable(
  req: Request,
  res: Response,
  status: 503 | 504,
  branding: Branding = DEFAULT_BRANDING,
): void {
  if (wantsHtml(req))
    return void res
      .status(status)
      .type('html')
      .send(unavailablePage(status, pageContext(req, res, { branding })));
  res.status(503).json(oauthBody(status));
}

export function authDependencyErrorHandler(branding: Branding): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (budgetAnswered(res)) return;
    if (res.headersSent || !isDependencyFailure(err)) return next(err);
    req.log?.warn({ err }, 'request failed: a dependency is unavailable');
    sendAuthUnavailable(req, res, 503, branding);
  };
}

const FAILED = Symbol('a dependency failed');
type KoaContext = {
  state: Record<symbol, unknown>;
  status: number;
  body: unknown;
  type: string;
  accepts(...types: string[]): string | false;
  get(field: string): string;
  response: { get(field: string): string };
  set(field: string, value: string): void;
};

/**
 * For oidc-provider's own endpoints (token, PAR, introspection, registration, authorization...):
 * its error handler turns any failure into `server_error` and emits it; a dependency failure is
 * answered as 503 `temporarily_unavailable` instead. Installed first, so it also covers the
 * platform's own provider middleware.
 */
export function answerUnavailable(provider: Provider): void {
  (provider as unknown as NodeJS.EventEmitter).on('server_error', (ctx: KoaContext, err: unknown) => {
    if (isDependencyFailure(err)) ctx.state[FAILED] = true;
  });
  provider.use(async (raw, next) => {
    const ctx = raw as unknown as KoaContext;
    try {
      await next();
    } catch (err) {
      if (!isDependencyFailure(err)) throw err;
      ctx.state[FAILED] = true;
    }
    if (!ctx.state[FAILED]) return;
    // The authorization endpoint sent the error back to the client's redirect URI: the same
    // redirect, with the error OAuth has for this (RFC 6749 §4.1.2.1).
    const location = ctx.response.get('location');
    if (ctx.status >= 300 && ctx.status < 400 && location.includes('error=server_error')) {
      ctx.set('location', location.replace('error=server_error', 'error=temporarily_unavailable'));
      return;
    }
    ctx.status = 503;
    if (ctx.accepts('json', 'html') === 'html') {
      ctx.type = 'html';
      // The provider knows no brand (it is built before the app): the default one, in the
      // customer's language.
      const language = chooseLanguage({
        cookieHeader: ctx.get('cookie'),
        acceptLanguage: ctx.get('accept-language'),
      });
      ctx.body = unavailablePage(503, { ...locale(language), branding: DEFAULT_BRANDING });
    } else {
      ctx.body = oauthBody(503);
    }
  });
}
