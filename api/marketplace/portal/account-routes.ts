// Sign-up, email verification, log-in and log-out of developers, and the development mailbox that
// stands in for SMTP (off in production).
import { Router, type Request, type Response } from 'express';
import type { Models } from '../../../db/models/index.js';
import { auditWindow } from '../../../auth/idp/throttle.js';
import { doubleSubmitCsrf, formBody, formField, sameToken } from '../../../lib/http/forms.js';
import { html } from '../../../lib/http/html.js';
import { emailLoginForm, fmt } from '../../../lib/web/fragments.js';
import type { SessionStore } from '../../../lib/web/sessions.js';
import { MarketplaceError } from '../errors.js';
import type { DeveloperAccess } from './access.js';
import { MIN_DEVELOPER_PASSWORD, type DeveloperAccounts } from './accounts.js';
import { formProblems, sendMessage, sendPage, type FormProblems } from './frame-pages.js';

export interface AccountRouteDeps {
  accounts: DeveloperAccounts;
  access: DeveloperAccess;
  sessions: SessionStore;
  models: Pick<Models, 'Notification'>;
  secureCookies: boolean;
  /** The mailbox page, for development only. */
  devMailbox: boolean;
}

/** Where to go after log-in: only a path of this site. */
const safeNext = (next: unknown) =>
  typeof next === 'string' && /^\/(?!\/)[\w\-./?=&%:+~]*$/.test(next) ? next : '/apps';

export function accountRouter(deps: AccountRouteDeps): Router {
  const router = Router();
  const csrf = doubleSubmitCsrf({ name: 'obp_dev_form', path: '/', secure: deps.secureCookies });

  const signUpPage = (
    req: Request,
    res: Response,
    status: number,
    o: FormProblems & { name?: string; email?: string } = {},
  ) =>
    sendPage(
      res,
      status,
      'Sign up',
      html`<h1>Create a developer account</h1>
        ${formProblems(o)}
        <form method="post" action="/signup" novalidate>
          <input type="hidden" name="csrf" value="${csrf.issue(req, res)}" />
          <label for="name">Your name</label>
          <input id="name" name="name" autocomplete="name" required value="${o.name ?? ''}" />
          <label for="email">Email</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="email"
            required
            value="${o.email ?? ''}"
          />
          <label for="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="new-password"
            required
            aria-describedby="password-hint"
          />
          <p class="hint" id="password-hint">At least ${MIN_DEVELOPER_PASSWORD} characters.</p>
          <button type="submit">Sign up</button>
        </form>
        <p>Already have an account? <a href="/login">Log in</a>.</p>`,
    );

  const loginPage = (
    req: Request,
    res: Response,
    status: number,
    o: FormProblems & { email?: string } = {},
  ) =>
    sendPage(
      res,
      status,
      'Log in',
      html`<h1>Developer log-in</h1>
        ${formProblems(o)}
        ${emailLoginForm({
          action: '/login',
          csrf: csrf.issue(req, res),
          next: safeNext(req.body?.next ?? req.query.next),
          email: o.email,
        })}
        <p>New here? <a href="/signup">Create an account</a>.</p>`,
    );

  router.get('/signup', (req, res) => signUpPage(req, res, 200));
  router.post('/signup', formBody, async (req, res) => {
    const body = req.body as Record<string, string>;
    if (!csrf.valid(req))
      return signUpPage(req, res, 403, {
        error: 'The form expired. Try again.',
        name: body.name,
        email: body.email,
      });
    try {
      const { email } = await deps.accounts.signUp({
        name: body.name,
        email: body.email,
        password: body.password,
      });
      sendPage(
        res,
        201,
        'Check your email',
        html`<h1>Check your email</h1>
          <p role="status">
            We sent a confirmation link to <strong>${email}</strong>. Open it to activate your account.
          </p>
          ${deps.devMailbox ? html`<p>Development: the mail is in the <a href="/dev/mailbox?to=${email}">mailbox</a>.</p>` : ''}`,
      );
    } catch (err) {
      if (!(err instanceof MarketplaceError)) throw err;
      signUpPage(req, res, err.status, {
        error: err.title,
        errors: err.errors,
        name: body.name,
        email: body.email,
      });
    }
  });

  router.get('/verify', async (req, res) => {
    const verified = await deps.accounts.verify(req.query.token);
    if (!verified)
      return sendMessage(res, 400, {
        title: 'Link not valid',
        heading: 'This link is not valid',
        message: html`The confirmation link is wrong, used or older than 24 hours.
          <a href="/signup">Sign up again</a> to get a new one.`,
      });
    loginPage(req, res, 200, {
      notice: 'Your email address is confirmed. Log in to continue.',
      email: verified.email,
    });
  });

  router.get('/login', async (req, res) => {
    if (await deps.access.identify(req, res)) return res.redirect(303, safeNext(req.query.next));
    loginPage(req, res, 200);
  });
  router.post('/login', formBody, async (req, res) => {
    const email = formField(req.body, 'email');
    if (!csrf.valid(req)) return loginPage(req, res, 403, { error: 'The form expired. Try again.', email });
    const result = await deps.accounts.logIn(email, formField(req.body, 'password'));
    if (!result.ok) {
      req.log.info({ reason: result.reason }, 'developer log-in refused');
      if ('window' in result && result.window) auditWindow(req.log, 'developer', result.window);
      // Throttled or wrong, known or unknown: one answer. Only the right password learns that the
      // address is not confirmed yet.
      const message =
        result.reason === 'unverified'
          ? 'Confirm your email address first: open the link we sent you.'
          : 'The email or password is not correct. After several failed attempts, wait a few minutes before trying again.';
      return loginPage(req, res, 401, { error: message, email });
    }
    await deps.sessions.create(req, res, result.developer._id);
    res.redirect(303, safeNext(req.body.next));
  });

  router.post('/logout', formBody, async (req, res) => {
    const developer = await deps.access.identify(req, res);
    if (developer && !sameToken(req.body?.csrf, developer.csrf))
      return sendMessage(
        res,
        403,
        { title: 'Request refused', message: 'This form is no longer valid.' },
        developer,
      );
    await deps.sessions.destroy(req, res);
    res.redirect(303, '/login');
  });

  if (deps.devMailbox)
    router.get('/dev/mailbox', async (req, res) => {
      const to = typeof req.query.to === 'string' ? req.query.to.trim().toLowerCase() : '';
      const mails = to
        ? await deps.models.Notification.find({ to }).sort({ sentAt: -1 }).limit(50).lean()
        : [];
      sendPage(
        res,
        200,
        'Development mailbox',
        html`<h1>Development mailbox</h1>
          <p class="hint">Stands in for SMTP in development: every mail the platform sends is here.</p>
          <form method="get" action="/dev/mailbox">
            <label for="to">Address</label>
            <input id="to" name="to" type="email" value="${to}" required />
            <button type="submit">Show mail</button>
          </form>
          ${
            to
              ? mails.length
                ? mails.map(
                    (m) =>
                      html`<article>
                        <h2>${m.subject}</h2>
                        <p class="hint">To ${m.to}, ${fmt(m.sentAt)}</p>
                        <p>${linkify(m.body)}</p>
                      </article>`,
                  )
                : html`<p role="status">No mail for ${to}.</p>`
              : ''
          }`,
      );
    });

  return router;
}

/** Mail bodies are text; their links become anchors (escaped, http(s) only). */
function linkify(text: string) {
  const parts = text.split(/(https?:\/\/[^\s)]+)/g);
  return parts.map((p, i) => (i % 2 === 1 ? html`<a href="${p}">${p}</a>` : p));
}
