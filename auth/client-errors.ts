// The authorization server's own answers to what goes wrong outside oidc-provider's handlers: an
// unreadable request (a bad path, a form too large or in an unknown charset), a route or method
// that does not exist, headers over Node's limit, and the unexpected. OAuth's `{error,
// error_description}` to clients, a short page to browsers and on the bank's pages; never
// Express's or Koa's default bodies, with their stack traces, paths or plain text.
import type { Server } from 'node:http';
import type { ErrorRequestHandler, Request, Response } from 'express';
import type Provider from 'oidc-provider';
import type { Branding } from '../lib/config.js';
import { answerUnparsableRequests, clientError, type ClientError } from '../lib/http/client-errors.js';
import { budgetAnswered, wantsHtml } from '../lib/http/deadline.js';
import { ENDPOINTS } from './endpoints.js';
import { locale, negotiateLanguage } from './i18n.js';
import { pageContext, type PageContext } from './interactions/frame.js';
import { messagePage } from './interactions/views.js';

const oauthError = (error: string, description: string) => ({ error, error_description: description });

// Catalogue keys of the pages' titles.
const PAGE_TITLES: Record<number, string> = {
  400: 'message.notUnderstoodTitle',
  404: 'message.notFoundTitle',
  413: 'message.tooLargeTitle',
  415: 'message.unsupportedTitle',
};

/** The bank's pages (login, consent) answer with pages; everything else as an OAuth endpoint. */
const isPage = (req: Request) => req.path.startsWith('/interaction/') || wantsHtml(req);

function sendClientError(c: PageContext, req: Request, res: Response, error: ClientError): void {
  if (isPage(req))
    res
      .status(error.status)
      .type('html')
      .send(messagePage(c.t(PAGE_TITLES[error.status] ?? PAGE_TITLES[400]!), c.t('message.unreadable'), c));
  else res.status(error.status).json(oauthError('invalid_request', error.reason));
}

/** Last Express handler: after the dependency handler (auth/unavailable.ts). */
export function authErrorHandler(branding: Branding): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (budgetAnswered(res)) return;
    if (res.headersSent) return next(err);
    const c = pageContext(req, res, { branding });
    const unreadable = clientError(err);
    if (unreadable) return sendClientError(c, req, res, unreadable);
    req.log?.error({ err }, 'request failed');
    if (isPage(req))
      res
        .status(500)
        .type('html')
        .send(messagePage(c.t('message.failedTitle'), c.t('message.failed'), c));
    else res.status(500).json(oauthError('server_error', 'the request could not be completed; try again'));
  };
}

// The methods of each OAuth endpoint (auth/configuration.ts enables them): another method is a 405.
const METHODS: [RegExp, string[]][] = [
  [/^\/auth\/?$/, ['GET', 'POST']],
  [/^\/auth\/[^/]+\/?$/, ['GET']],
  [new RegExp(`^${ENDPOINTS.token_endpoint}/?$`), ['POST', 'OPTIONS']],
  [new RegExp(`^${ENDPOINTS.introspection_endpoint}/?$`), ['POST', 'OPTIONS']],
  [new RegExp(`^${ENDPOINTS.revocation_endpoint}/?$`), ['POST', 'OPTIONS']],
  [new RegExp(`^${ENDPOINTS.pushed_authorization_request_endpoint}/?$`), ['POST', 'OPTIONS']],
  [new RegExp(`^${ENDPOINTS.userinfo_endpoint}/?$`), ['GET', 'POST', 'OPTIONS']],
  [new RegExp(`^${ENDPOINTS.registration_endpoint}/?$`), ['POST']],
  [new RegExp(`^${ENDPOINTS.registration_endpoint}/[^/]+/?$`), ['GET', 'PUT', 'DELETE']],
  [/^\/jwks\/?$/, ['GET', 'OPTIONS']],
  [/^\/\.well-known\/openid-configuration\/?$/, ['GET', 'OPTIONS']],
];

type KoaContext = {
  status: number;
  body: unknown;
  type: string;
  method: string;
  path: string;
  accepts(...types: string[]): string | false;
  get(field: string): string;
  set(field: string, value: string): void;
};

/**
 * For oidc-provider's side: a path it has no route for, or a method an endpoint does not take,
 * answered as OAuth errors (404, or 405 with `Allow`) instead of Koa's plain-text "Not Found".
 */
export function answerUnknownRoutes(provider: Provider, branding: Branding): void {
  provider.use(async (raw, next) => {
    await next();
    const ctx = raw as unknown as KoaContext;
    if (ctx.status !== 404 || ctx.body !== undefined) return;
    const allowed = METHODS.find(([path]) => path.test(ctx.path))?.[1];
    if (allowed) {
      ctx.status = 405;
      ctx.set('allow', allowed.join(', '));
      ctx.body = oauthError('invalid_request', `${ctx.path} does not accept ${ctx.method}`);
      return;
    }
    ctx.status = 404;
    if (ctx.accepts('json', 'html') === 'html') {
      ctx.type = 'html';
      const c = { ...locale(negotiateLanguage(ctx.get('accept-language'), 'pt-BR')), branding };
      ctx.body = messagePage(c.t(PAGE_TITLES[404]!), c.t('message.notFound'), c);
    } else ctx.body = oauthError('invalid_request', 'no such endpoint');
  });
}

/** Requests Node refuses before the app (headers over 16 kB…), answered with an OAuth error. */
export function answerAuthUnparsable(server: Server): void {
  answerUnparsableRequests(server, (error) => ({
    type: 'application/json; charset=utf-8',
    body: JSON.stringify(oauthError('invalid_request', error.reason)),
  }));
}
