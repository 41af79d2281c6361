// The recipient app's routes: the home page, the start of each journey, the callback, the data
// read through the gateway, and revocation. `createRecipientApp` is the Express app;
// `startRecipientApp` serves it over HTTPS (the bank accepts https redirect URIs only).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import https from 'node:https';
import express, { type NextFunction, type Request, type Response } from 'express';
import * as oidc from 'openid-client';
import type { RecipientConfig } from './config.js';
import { fdxJourney } from './fdx-journey.js';
import { JourneyError, type Journey } from './journey.js';
import { lazyClient } from './oidc-client.js';
import { ofbJourney } from './ofb-journey.js';
import { SessionStore, type Session } from './sessions.js';
import * as views from './views.js';

export interface AppOptions {
  /** Where problems are reported: one line, never a token or key. Default: stderr. */
  log?: (line: string) => void;
}

const sameToken = (a: unknown, b: string) =>
  typeof a === 'string' && a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function createRecipientApp(cfg: RecipientConfig, opts: AppOptions = {}) {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const client = lazyClient(cfg);
  const journey: Journey = cfg.standard === 'OFB' ? ofbJourney(cfg, client) : fdxJourney(cfg, client);
  const sessions = new SessionStore();
  const issuerOrigin = new URL(cfg.issuer).origin;

  const app = express();
  app.disable('x-powered-by');
  app.use((_req, res, next) => {
    const nonce = randomBytes(16).toString('base64');
    res.locals.nonce = nonce;
    res.set({
      'content-security-policy': `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; form-action 'self' ${issuerOrigin}; base-uri 'none'; frame-ancestors 'none'`,
      'referrer-policy': 'no-referrer',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    next();
  });
  // One origin, the redirect URI's: the session cookie set when the journey starts must come back
  // with the bank's answer.
  const home = new URL(cfg.redirectUri);
  app.use((req, res, next) => {
    if (req.method === 'GET' && req.headers.host !== home.host)
      // Always this app's origin: a path like `//evil.example/` must not become another host.
      return res.redirect(302, `${home.origin}/${req.originalUrl.replace(/^\/+/, '')}`);
    next();
  });
  app.use(express.urlencoded({ extended: false, limit: '32kb' }));

  const render = (res: Response, status: number, title: string, body: views.Html) =>
    res
      .status(status)
      .type('html')
      .send(views.page(title, body, String(res.locals.nonce)));

  const checkedSession = (req: Request, res: Response): Session => {
    const session = sessions.of(req, res);
    if (!sameToken((req.body as Record<string, unknown> | undefined)?.csrf, session.csrf))
      throw new JourneyError('This form is no longer valid: start again from the home page.', 403);
    return session;
  };

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/', (req, res) => {
    render(res, 200, 'Connect your bank', views.home(cfg, sessions.of(req, res)));
  });

  const start = (standard: RecipientConfig['standard']) => async (req: Request, res: Response) => {
    const session = checkedSession(req, res);
    if (cfg.standard !== standard)
      throw new JourneyError(
        `This app runs with ${cfg.standard} credentials; set RECIPIENT_STANDARD=${standard} and use ${standard} credentials.`,
        409,
      );
    const { url, pending } = await journey.start({ cpf: String((req.body as { cpf?: string }).cpf ?? '') });
    session.pending = pending;
    session.grant = undefined;
    res.redirect(303, url.href);
  };
  app.post('/ofb/start', start('OFB'));
  app.post('/fdx/start', start('FDX'));

  const finish = async (req: Request, res: Response, callback: URL) => {
    const session = sessions.of(req, res);
    const pending = session.pending;
    // Each authorization request is answered once.
    session.pending = undefined;
    if (!pending)
      throw new JourneyError(
        'This app was not waiting for an answer from the bank in this browser: start again.',
        400,
      );
    session.grant = await journey.finish(callback, pending);
    res.redirect(303, '/data');
  };

  app.get('/callback', async (req, res) => {
    const callback = new URL(cfg.redirectUri);
    callback.search = new URL(req.originalUrl, cfg.redirectUri).search;
    // FDX (JARM): the answer is the `response` JWT in the query. OFB (hybrid): it is in the
    // fragment, which the browser passes on through the relay page.
    if (cfg.standard === 'FDX') return finish(req, res, callback);
    const error = callback.searchParams.get('error');
    if (error) {
      sessions.of(req, res).pending = undefined;
      const description = callback.searchParams.get('error_description');
      throw new JourneyError(`The bank answered ${error}${description ? `: ${description}` : ''}.`, 400);
    }
    render(res, 200, 'Finishing', views.fragmentRelay(sessions.of(req, res), String(res.locals.nonce)));
  });

  app.post('/callback', async (req, res) => {
    checkedSession(req, res);
    const callback = new URL(cfg.redirectUri);
    callback.hash = String((req.body as { response?: string }).response ?? '');
    await finish(req, res, callback);
  });

  app.get('/data', async (req, res) => {
    const session = sessions.of(req, res);
    if (!session.grant) return res.redirect(303, '/');
    render(res, 200, 'Your data', views.data(await journey.read(session.grant), session));
  });

  app.post('/revoke', async (req, res) => {
    const session = checkedSession(req, res);
    const grant = session.grant;
    if (!grant) return res.redirect(303, '/');
    const result = await journey.revoke(grant);
    if (result.revocation.status < 300) session.grant = undefined;
    render(res, result.revocation.status < 300 ? 200 : 502, 'Revocation', views.revoked(result));
  });

  app.use((_req: Request, res: Response) => {
    render(res, 404, 'Not found', views.problem('Not found', 'There is no such page.'));
  });

  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (err instanceof JourneyError)
      return render(res, err.status, 'Problem', views.problem('Not done', err.message));
    if (err instanceof oidc.AuthorizationResponseError)
      return render(
        res,
        400,
        'Not authorised',
        views.problem(
          'The bank did not authorise the access',
          `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`,
        ),
      );
    if (err instanceof oidc.ResponseBodyError) {
      log(`the authorization server refused a request: ${err.status} ${err.error}`);
      return render(
        res,
        502,
        'Refused',
        views.problem(
          'The bank refused the request',
          `${err.error}${err.error_description ? `: ${err.error_description}` : ''}`,
        ),
      );
    }
    // `fetch failed` says little by itself: its cause names the address (the bank down, a TLS problem).
    const cause = err instanceof Error && err.cause instanceof Error ? ` (${err.cause.message})` : '';
    const message = err instanceof Error ? `${err.name}: ${err.message}${cause}` : String(err);
    log(`request failed: ${message}`);
    render(res, 500, 'Problem', views.problem('Something went wrong', message));
  });

  return app;
}

/** Serve the app over HTTPS with its certificate; `url` is where the browser finds it. */
export async function startRecipientApp(cfg: RecipientConfig, opts: AppOptions = {}) {
  const server = https.createServer({ cert: cfg.tls.cert, key: cfg.tls.key }, createRecipientApp(cfg, opts));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(cfg.port, cfg.host, () => resolve());
  });
  return {
    /** Where the browser finds the app: the redirect URI's origin. */
    url: new URL(cfg.redirectUri).origin,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
