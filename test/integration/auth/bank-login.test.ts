// The bank's login at the authorization server: a recipient starts a FAPI authorization (PAR with a
// signed request object), the customer logs in with password and one-time code, and guesses are
// throttled. Driven over real HTTPS against the real server and database.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { THROTTLE } from '../../../auth/idp/throttle.js';
import { DEMO_CUSTOMERS, seedDemoCustomers } from '../../../auth/idp/demo-customers.js';
import { startTestAuthServer, type TestAuthServer } from '../../helpers/auth-server.js';
import { hiddenField, UserAgent } from '../../helpers/browser-agent.js';
import { uniqueNames } from '../../helpers/env.js';
import { registerRecipient, type Recipient } from '../../helpers/ofb-journey.js';
import { testDatabase } from '../../helpers/platform.js';

const names = uniqueNames(import.meta.url);
const dir = mkdtempSync(path.join(os.tmpdir(), 'obp-login-'));
const [ana] = DEMO_CUSTOMERS;
let db: Awaited<ReturnType<typeof testDatabase>>;
let as: TestAuthServer;
let config: oidc.Configuration;
let rp: Recipient;

beforeAll(async () => {
  db = await testDatabase(names.database);
  as = await startTestAuthServer(db, dir);
  await seedDemoCustomers(db.models);
  rp = await registerRecipient(as, 'Recipient App');
  config = rp.config;
});

afterAll(async () => {
  await as.stop();
  await db.drop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await db.models.Customer.updateMany({}, { $set: { failedAttempts: 0 }, $unset: { lockedUntil: 1 } });
});

/** PAR with a signed request object, then the authorization endpoint: returns the login page URL. */
async function startAuthorization(agent: UserAgent): Promise<string> {
  const { searchParams } = await oidc.buildAuthorizationUrlWithJAR(
    config,
    {
      redirect_uri: 'https://recipient.example/cb',
      scope: 'openid accounts',
      nonce: oidc.randomNonce(),
      state: oidc.randomState(),
      code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    },
    rp.key,
  );
  const url = await oidc.buildAuthorizationUrlWithPAR(config, searchParams);
  const res = await agent.request(url.href);
  expect(res.status).toBe(303);
  expect(res.location).toMatch(new RegExp(`^${as.issuer}/interaction/[\\w-]+$`));
  return res.location!;
}

async function latestCode(): Promise<string> {
  const note = await db.models.Notification.findOne({ to: ana!.email, template: 'one-time-code' })
    .sort({ sentAt: -1 })
    .lean();
  return /code to log in is (\d{6})/.exec(note!.body)![1]!;
}

describe('bank login', () => {
  it('logs the customer in with password and one-time code at LoA3, then asks for consent', async () => {
    const agent = new UserAgent(as.pki.ca.cert, { language: 'en' });
    const loginUrl = await startAuthorization(agent);
    const page = await agent.request(loginUrl);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<strong>Recipient App</strong> asks to access your data');
    expect(page.text).toMatch(/<label for="username">CPF<\/label>/);
    const csrf = hiddenField(page.text, 'csrf');

    const wrong = await agent.request(`${loginUrl}/login`, {
      form: { csrf, username: ana!.username, password: 'not-it' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('The CPF or password is not correct.');

    const ok = await agent.request(`${loginUrl}/login`, {
      form: { csrf, username: '529.982.247-25', password: ana!.password },
    });
    expect(ok).toMatchObject({ status: 303, location: `${loginUrl}/code` });
    const codePage = await agent.request(ok.location!);
    expect(codePage.text).toContain('One-time code');

    const badCode = await agent.request(`${loginUrl}/code`, {
      form: { csrf, code: '000000' === (await latestCode()) ? '111111' : '000000' },
    });
    expect(badCode.status).toBe(401);

    const done = await agent.request(`${loginUrl}/code`, { form: { csrf, code: await latestCode() } });
    expect(done.status).toBe(303);

    // Each attempt is an analytics event with its reason, and no trace of who or what was typed.
    await as.events.flush();
    const logins = await db.models.AnalyticsEvent.find({ type: /^auth\.login/ })
      .sort({ at: 1 })
      .lean();
    expect(logins.map((e) => `${e.type} ${e.code ?? ''}`.trim())).toEqual(
      expect.arrayContaining([
        'auth.login_failed invalid',
        'auth.login_failed code_invalid',
        'auth.login_succeeded',
      ]),
    );
    expect(JSON.stringify(logins)).not.toMatch(/not-it|52998224725|529\.982/);
    expect(done.location).toMatch(new RegExp(`^${as.issuer}/auth/`));

    // Back at the provider: the login holds, and the next prompt is consent.
    const resumed = await agent.request(done.location!);
    expect(resumed.status).toBe(303);
    expect(resumed.location).toMatch(new RegExp(`^${as.issuer}/interaction/`));
    const uid = resumed.location!.split('/').pop()!;
    const record = await db.models.OidcRecord.findOne({
      model: 'Interaction',
      _id: `Interaction:${uid}`,
    }).lean();
    const interaction = JSON.parse(record!.payload) as {
      prompt: { name: string };
      session: { accountId: string };
      lastSubmission?: unknown;
    };
    expect(interaction.prompt.name).toBe('consent');
    expect(interaction.session.accountId).toBe(ana!._id);
    const session = await db.models.OidcRecord.findOne({ model: 'Session' }).sort({ _id: 1 }).lean();
    expect(JSON.parse(session!.payload)).toMatchObject({
      accountId: ana!._id,
      acr: 'urn:brasil:openbanking:loa3',
      amr: ['pwd', 'otp'],
    });
  });

  /** A login page of a fresh authorization, and a password attempt on it. */
  async function loginForm() {
    const agent = new UserAgent(as.pki.ca.cert, { language: 'en' });
    const loginUrl = await startAuthorization(agent);
    const csrf = hiddenField((await agent.request(loginUrl)).text, 'csrf');
    return (password: string, username = ana!.username) =>
      agent.request(`${loginUrl}/login`, { form: { csrf, username, password } });
  }

  /** The page without what the attempt itself put there (the username typed). */
  const answer = (res: { status: number; text: string }, username: string) => ({
    status: res.status,
    page: res.text.replaceAll(username, '<username>'),
  });

  it('throttles guesses after five failures, answering exactly like a wrong password, even the right one', async () => {
    const attempt = await loginForm();
    const wrong = await attempt('wrong-1');
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('The CPF or password is not correct.');
    // Past the free five, windows of 1, 2, 4… s: after the tenth, 16 s without a checked attempt.
    for (let i = 2; i <= 10; i++) expect((await attempt(`wrong-${i}`)).status).toBe(401);
    const throttled = await attempt(ana!.password);
    expect(answer(throttled, ana!.username)).toEqual(answer(wrong, ana!.username));
    const customer = await db.models.Customer.findById(ana!._id).lean();
    expect(customer!.failedAttempts).toBe(11);
    expect(customer!.lockedUntil!.getTime()).toBeGreaterThan(Date.now());
    // Not a lockout: once the window is over, the right password works again.
    await db.models.Customer.updateOne(
      { _id: ana!._id },
      { $set: { lockedUntil: new Date(Date.now() - 1) } },
    );
    expect((await attempt(ana!.password)).status).toBe(303);
  });

  it('counts every one of 30 wrong passwords sent at once, and then refuses the right one', async () => {
    const attempt = await loginForm();
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(`parallel-wrong-${i}`)));
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([401]));
    const customer = await db.models.Customer.findById(ana!._id).lean();
    expect(customer!.failedAttempts).toBe(30);
    // As long as 30 guesses in a row would have made it: the longest window.
    expect(customer!.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + THROTTLE.maxWindowMs - 120_000);
    const right = await attempt(ana!.password);
    expect(right.status).toBe(401);
    expect(right.text).toContain('The CPF or password is not correct.');
  });

  it('answers an unknown CPF exactly as a known one, throttled or not', async () => {
    const attempt = await loginForm();
    const unknown = '00000000191';
    const answers = [answer(await attempt('x', unknown), unknown)];
    for (let i = 0; i < 8; i++) answers.push(answer(await attempt(`wrong-${i}`), ana!.username));
    for (let i = 0; i < 8; i++) answers.push(answer(await attempt(`wrong-${i}`, unknown), unknown));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect((await db.models.Customer.findById(ana!._id).lean())!.lockedUntil).toBeDefined();
  });

  it('compares at most five of 40 one-time codes sent at once on one login', async () => {
    const agent = new UserAgent(as.pki.ca.cert, { language: 'en' });
    const loginUrl = await startAuthorization(agent);
    const csrf = hiddenField((await agent.request(loginUrl)).text, 'csrf');
    const ok = await agent.request(`${loginUrl}/login`, {
      form: { csrf, username: ana!.username, password: ana!.password },
    });
    expect(ok.status).toBe(303);
    const code = await latestCode();
    const before = (await db.models.Customer.findById(ana!._id).lean())!.failedAttempts;
    const wrongCode = (i: number) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        agent.request(`${loginUrl}/code`, { form: { csrf, code: wrongCode(i) } }),
      ),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([401]));
    // Each compared code counts against the customer; the others found the challenge used up.
    const compared = (await db.models.Customer.findById(ana!._id).lean())!.failedAttempts - before;
    expect(compared).toBeLessThanOrEqual(5);
    expect(answers.filter((a) => a.text.includes('That code is not correct.')).length).toBeLessThan(5);
    const right = await agent.request(`${loginUrl}/code`, { form: { csrf, code } });
    expect(right.status).toBe(401);
    expect(right.text).toContain('Log in again to get a new one.');
  });

  it('refuses a form without its CSRF token, and an unknown CPF the same way as a wrong password', async () => {
    const agent = new UserAgent(as.pki.ca.cert, { language: 'en' });
    const loginUrl = await startAuthorization(agent);
    const csrf = hiddenField((await agent.request(loginUrl)).text, 'csrf');
    expect(
      (
        await agent.request(`${loginUrl}/login`, {
          form: { username: ana!.username, password: ana!.password },
        })
      ).status,
    ).toBe(403);
    const unknown = await agent.request(`${loginUrl}/login`, {
      form: { csrf, username: '00000000191', password: 'x' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.text).toContain('The CPF or password is not correct.');
  });

  it('refuses an authorization request that skips PAR', async () => {
    const agent = new UserAgent(as.pki.ca.cert, { language: 'en' });
    const direct = new URL(`${as.issuer}/auth`);
    direct.search = new URLSearchParams({
      client_id: config.clientMetadata().client_id,
      response_type: 'code id_token',
      scope: 'openid',
      redirect_uri: 'https://recipient.example/cb',
      nonce: 'n',
      state: 's',
    }).toString();
    const res = await agent.request(direct.href);
    expect(res.status).toBe(303);
    const back = new URL(res.location!);
    expect(back.origin + back.pathname).toBe('https://recipient.example/cb');
    expect(new URLSearchParams(back.hash.slice(1) || back.search).get('error')).toBe('invalid_request');
  });
});
