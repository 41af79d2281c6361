// Customers' self-service against the real Temporal dev server and database: log-in with password
// and one-time code, the customer's own consents grouped by recipient, revoking one through its
// workflow after a confirmation, another customer's consent out of reach, the pages on a phone's
// screen (Chromium), in pt-BR and en with plain statuses and local times, and the market switch
// SELF_SERVICE_ENABLED.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import type { Browser, Page } from 'playwright-core';
import { lodgeOfbConsent } from '../../../workflows/consent-client.js';
import { DEMO_CUSTOMERS, seedDemoCustomers } from '../../../auth/idp/demo-customers.js';
import { loadConfig } from '../../../lib/config.js';
import { localDate, localDateTime } from '../../../lib/i18n/local-time.js';
import { consentWorker } from '../../../workers/consent.js';
import { authoriseUpdate, stateQuery, type ConsentState } from '../../../workflows/consent-types.js';
import { launchBrowser } from '../../helpers/browser.js';
import { HttpSession, hiddenField, pageText, startConsoles } from '../../helpers/consoles.js';
import { uniqueNames } from '../../helpers/env.js';
import { startTestWorker, testClient, testDatabase } from '../../helpers/platform.js';
import { latestOneTimeCode } from '../../helpers/mailbox.js';

const names = uniqueNames(import.meta.url);
let db: Awaited<ReturnType<typeof testDatabase>>;
let temporal: Awaited<ReturnType<typeof testClient>>;
let client: Client;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let marketplace: Awaited<ReturnType<typeof startConsoles>>;

const [ana, bruno] = DEMO_CUSTOMERS as [(typeof DEMO_CUSTOMERS)[0], (typeof DEMO_CUSTOMERS)[0]];
const namedClient = `${names.prefix}-fintech-a`;
const unnamedClient = `${names.prefix}-no-name`;
const consents: Record<string, ConsentState> = {};

async function consentOf(
  customer: typeof ana | undefined,
  clientId: string,
  accountIds: string[] = ['acc-ana-checking'],
) {
  const lodged = await lodgeOfbConsent(
    { client, taskQueue: names.taskQueue, bankId: 'bank', authorisationWindowMs: 3_600_000 },
    {
      clientId,
      permissions: ['ACCOUNTS_READ', 'ACCOUNTS_BALANCES_READ', 'RESOURCES_READ'],
      loggedUserDocument: customer?.cpf ?? ana.cpf,
    },
  );
  if (!customer) return lodged;
  return client.workflow.getHandle(lodged.consentId).executeUpdate(authoriseUpdate, {
    args: [{ customerId: customer._id, accountIds, actor: `customer:${customer._id}` }],
  });
}

/** The latest one-time code sent to the customer (the development mailbox). */
const latestCode = (customer: typeof ana) => latestOneTimeCode(db.models, customer.email);

async function passwordStep(session: HttpSession, customer: typeof ana, password = customer.password) {
  const form = await session.request('/my/login');
  return session.request('/my/login', {
    form: { csrf: hiddenField(form.text, 'csrf'), username: customer.username, password },
  });
}

async function codeStep(session: HttpSession, code: string) {
  const form = await session.request('/my/login/code');
  return session.request('/my/login/code', { form: { csrf: hiddenField(form.text, 'csrf'), code } });
}

/** A visitor who chose English with the language switch (without a choice, pt-BR or Accept-Language). */
function englishSession(): HttpSession {
  const session = new HttpSession(marketplace.baseUrl);
  session.cookies.set('lang', 'en');
  return session;
}

async function logIn(customer: typeof ana): Promise<HttpSession> {
  const session = englishSession();
  expect((await passwordStep(session, customer)).status).toBe(303);
  const done = await codeStep(session, await latestCode(customer));
  expect(done.status).toBe(303);
  expect(done.location).toBe('/my/consents');
  return session;
}

const path = (c: ConsentState) => `/my/consents/${encodeURIComponent(c.consentId)}`;

/** The bank's time zone by default (BANK_TIME_ZONE), where the customers' times are shown. */
const BANK_TIME_ZONE = 'America/Sao_Paulo';
const authorisedAt = (c: ConsentState) => new Date(c.audit.find((a) => a.action === 'authorise')!.at);

beforeAll(async () => {
  db = await testDatabase(names.database);
  temporal = await testClient();
  client = temporal.client;
  worker = await startTestWorker(consentWorker({ models: db.models }, names.taskQueue));
  await seedDemoCustomers(db.models);
  // The authorization server's record of a registered client, with its name.
  await db.models.OidcRecord.create({
    _id: `Client:${namedClient}`,
    model: 'Client',
    payload: JSON.stringify({ client_id: namedClient, client_name: 'Fintech <A>' }),
  });
  marketplace = await startConsoles({ client, db, taskQueue: names.taskQueue });
  consents.anaA1 = await consentOf(ana, namedClient);
  consents.anaA2 = await consentOf(ana, namedClient, ['acc-ana-savings']);
  consents.anaB = await consentOf(ana, unnamedClient);
  consents.brunoA = await consentOf(bruno, namedClient, ['acc-bruno-business']);
  consents.waiting = await consentOf(undefined, namedClient);
});

afterAll(async () => {
  await marketplace?.stop();
  await worker?.stop();
  await temporal?.close();
  await db?.drop();
});

describe('self-service log-in', () => {
  it('sends a visitor without a session to the log-in page', async () => {
    const visitor = englishSession();
    for (const p of ['/my/consents', path(consents.anaA1!)]) {
      const res = await visitor.request(p);
      expect(res.status).toBe(303);
      expect(res.location).toBe('/my/login');
    }
    const login = await visitor.request('/my/login');
    expect(login.status).toBe(200);
    expect(login.text).toMatch(/<label for="username">CPF<\/label>\s*<input id="username"/);
    expect(login.text).toMatch(/<label for="password">Password<\/label>\s*<input id="password"/);
  });

  it("speaks Accept-Language's language, Portuguese without one, and remembers the switch's choice", async () => {
    const visitor = new HttpSession(marketplace.baseUrl);
    const english = await visitor.request('/my/login', { headers: { 'accept-language': 'en-US,en;q=0.9' } });
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toMatch(/<label for="password">Password<\/label>/);
    const portuguese = await visitor.request('/my/login', { headers: { 'accept-language': 'pt-BR' } });
    expect(portuguese.text).toContain('<html lang="pt-BR">');
    expect(portuguese.text).toMatch(/<label for="password">Senha<\/label>/);
    expect(pageText(portuguese.text)).toContain('Veja e gerencie os aplicativos');
    expect((await visitor.request('/my/login')).text).toContain('<html lang="pt-BR">');
    // The switch links to the same page in the other language; the choice outlasts the header.
    expect(portuguese.text).toContain('<a href="/my/login?lang=en" hreflang="en" lang="en">English</a>');
    await visitor.request('/my/login?lang=en', { headers: { 'accept-language': 'pt-BR' } });
    const chosen = await visitor.request('/my/login', { headers: { 'accept-language': 'pt-BR' } });
    expect(chosen.text).toContain('<html lang="en">');
  });

  it('needs the password and then the one-time code; neither alone opens a session', async () => {
    const session = englishSession();
    const wrong = await passwordStep(session, ana, 'not-her-password');
    expect(wrong.status).toBe(401);
    expect(pageText(wrong.text)).toContain('The CPF or password is not correct.');

    const right = await passwordStep(session, ana);
    expect(right.status).toBe(303);
    expect(right.location).toBe('/my/login/code');
    expect((await session.request('/my/consents')).location).toBe('/my/login');

    const badCode = await codeStep(session, (Number(await latestCode(ana)) ^ 1).toString().padStart(6, '0'));
    expect(badCode.status).toBe(401);
    expect(pageText(badCode.text)).toContain('That code is not correct.');
    expect((await session.request('/my/consents')).location).toBe('/my/login');

    const pending = session.cookies.get('obp_my_login')!;
    const code = await latestCode(ana);
    const ok = await codeStep(session, code);
    expect(ok.status).toBe(303);
    expect((await session.request('/my/consents')).status).toBe(200);
    // The code works once: replayed with the same pending log-in, it opens nothing.
    const replay = englishSession();
    replay.cookies.set('obp_my_login', pending);
    expect((await codeStep(replay, code)).status).toBe(401);
    expect(replay.cookies.has('obp_my_session')).toBe(false);

    const out = await session.request('/my/logout', {
      form: { csrf: hiddenField((await session.request('/my/consents')).text, 'csrf') },
    });
    expect(out.location).toBe('/my/login?done=out');
    expect((await session.request('/my/consents')).location).toBe('/my/login');
  });
});

describe("the customer's consents", () => {
  let session: HttpSession;
  beforeAll(async () => {
    session = await logIn(ana);
  });

  it('lists only her own consents, grouped by recipient, in plain language', async () => {
    const res = await session.request('/my/consents');
    expect(res.status).toBe(200);
    const sections = res.text.split('<section').slice(1);
    const group = (heading: string) => sections.find((s) => s.includes(`>${heading}</h2>`)) ?? '';
    const fintech = group('Fintech &lt;A&gt;');
    expect(fintech).toContain(path(consents.anaA1!));
    expect(fintech).toContain(path(consents.anaA2!));
    expect(fintech).not.toContain(path(consents.anaB!));
    // Without a registered name, the client id stands for the recipient.
    expect(group(unnamedClient)).toContain(path(consents.anaB!));
    expect(sections).toHaveLength(2);

    expect(res.text).not.toContain(encodeURIComponent(consents.brunoA!.consentId));
    expect(res.text).not.toContain(encodeURIComponent(consents.waiting!.consentId));
    const text = pageText(res.text);
    expect(text).toContain('Your account balances');
    expect(text).toContain('Checking 0001 / ****-1234');
    expect(text).toContain('Savings 0001 / ****-5678');
    expect(text).toContain('Active');
    // A short reference, never the consent's URN, in view.
    expect(text).not.toContain('urn:');
    expect(text).toContain(`consent ${consents.anaA1!.consentId.slice(-8)}`);
  });

  it('revokes one of her consents: REJECTED, CUSTOMER_MANUALLY_REVOKED, by the USER', async () => {
    const consent = consents.anaA2!;
    const detail = await session.request(path(consent));
    expect(detail.status).toBe(200);
    expect(pageText(detail.text)).toContain('What Fintech <A> sees');
    // Stopping asks first: the consent's button leads to a confirmation, which changes nothing.
    expect(detail.text).toContain(`<form method="get" action="${path(consent)}/stop">`);
    const confirm = await session.request(`${path(consent)}/stop`);
    expect(confirm.status).toBe(200);
    expect(pageText(confirm.text)).toContain('Stop sharing with Fintech <A>?');
    expect(pageText(confirm.text)).toContain('No, keep sharing');
    expect((await client.workflow.getHandle(consent.consentId).query(stateQuery)).status).toBe('AUTHORISED');

    const forged = await session.request(`${path(consent)}/revoke`, { form: { csrf: 'forged' } });
    expect(forged.status).toBe(403);
    expect((await client.workflow.getHandle(consent.consentId).query(stateQuery)).status).toBe('AUTHORISED');

    const revoked = await session.request(`${path(consent)}/revoke`, {
      form: { csrf: hiddenField(confirm.text, 'csrf') },
    });
    expect(revoked.status).toBe(303);
    expect(revoked.location).toBe(path(consent));
    const after = pageText((await session.request(revoked.location!)).text);
    expect(after).toContain('Done: this app no longer receives your data.');
    // Said once, by the server: neither a reload nor a link can say it.
    expect(pageText((await session.request(path(consent))).text)).not.toContain('Done:');
    const forgedNotice = await session.request(`${path(consents.anaA1!)}?done=revoked`);
    expect(pageText(forgedNotice.text)).not.toContain('no longer receives your data');
    // The reason's code only for customer service, folded away.
    expect(after).toContain('CUSTOMER_MANUALLY_REVOKED');
    expect(after).not.toContain('Stop sharing with');
    // An ended consent has nothing to confirm: its page.
    expect((await session.request(`${path(consent)}/stop`)).location).toBe(path(consent));

    const state = (await client.workflow.getHandle(consent.consentId).result()) as ConsentState;
    expect(after).toContain(
      `Ended by you on ${localDate('en', new Date(state.audit.at(-1)!.at), BANK_TIME_ZONE)}`,
    );
    expect(state.rejection).toEqual({ rejectedBy: 'USER', code: 'CUSTOMER_MANUALLY_REVOKED' });
    expect(state.audit.at(-1)).toMatchObject({
      actor: `customer:${ana._id}`,
      from: 'AUTHORISED',
      to: 'REJECTED',
    });
    expect(await db.models.Consent.findById(consent.consentId).lean()).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'USER', code: 'CUSTOMER_MANUALLY_REVOKED' },
    });
    // Her other consents are untouched.
    expect((await client.workflow.getHandle(consents.anaA1!.consentId).query(stateQuery)).status).toBe(
      'AUTHORISED',
    );
  });

  it("answers 404 for another customer's consent, to read or to revoke, and leaves it alone", async () => {
    const theirs = consents.brunoA!;
    expect((await session.request(path(theirs))).status).toBe(404);
    const csrf = hiddenField((await session.request('/my/consents')).text, 'csrf');
    const revoke = await session.request(`${path(theirs)}/revoke`, { form: { csrf } });
    expect(revoke.status).toBe(404);
    expect((await session.request('/my/consents/urn:bank:unknown')).status).toBe(404);
    const state = await client.workflow.getHandle(theirs.consentId).query(stateQuery);
    expect(state).toMatchObject({ status: 'AUTHORISED', revision: 2 });
  });
});

describe('on a phone', () => {
  let browser: Browser;
  let session: HttpSession;
  beforeAll(async () => {
    browser = await launchBrowser();
    session = await logIn(ana);
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A phone-sized page with her session. */
  async function phone(width: number): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height: 800 }, locale: 'en-US' });
    const { hostname } = new URL(marketplace.baseUrl);
    await context.addCookies([
      {
        name: 'obp_my_session',
        value: session.cookies.get('obp_my_session')!,
        domain: hostname,
        path: '/my',
      },
    ]);
    return context.newPage();
  }

  /** Nothing is wider than the screen, and each of `actions` lies wholly on it. */
  async function fitsTheScreen(page: Page, width: number, actions: ReturnType<Page['getByRole']>) {
    const { scrollWidth, innerWidth } = await page.evaluate(() => {
      const g = globalThis as unknown as {
        document: { documentElement: { scrollWidth: number } };
        innerWidth: number;
      };
      return { scrollWidth: g.document.documentElement.scrollWidth, innerWidth: g.innerWidth };
    });
    expect(innerWidth).toBe(width);
    expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
    const count = await actions.count();
    expect(count).toBeGreaterThan(0);
    for (let i = 0; i < count; i++) {
      const action = actions.nth(i);
      await expect(action.isVisible()).resolves.toBe(true);
      const box = (await action.boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(innerWidth);
    }
  }

  for (const width of [390, 360])
    it(`fits her consents and their actions on a ${width} px screen`, async () => {
      const page = await phone(width);
      await page.goto(`${marketplace.baseUrl}/my/consents`);
      await page.getByRole('heading', { name: 'Apps you share data with' }).waitFor();
      await fitsTheScreen(page, width, page.getByRole('link', { name: /^View/ }));
      // Each consent's facts keep their labels when the table becomes a list of cards.
      const first = page.locator('tbody tr').first();
      for (const label of ['Status', 'What they see', 'Accounts', 'Given', 'Expires'])
        await expect(first.locator(`td[data-label="${label}"]`).count()).resolves.toBe(1);

      await page.goto(`${marketplace.baseUrl}${path(consents.anaA1!)}`);
      await fitsTheScreen(page, width, page.getByRole('button', { name: /^Stop sharing with/ }));
      await page.context().close();
    });
});

describe("in the customer's language, with a confirmation before stopping (Chromium)", () => {
  let browser: Browser;
  let session: HttpSession;
  let consent: ConsentState;
  beforeAll(async () => {
    browser = await launchBrowser();
    session = await logIn(ana);
    consent = await consentOf(ana, namedClient, ['acc-ana-savings']);
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** A browser in `locale` (its Accept-Language) with her session. */
  async function browse(locale: string): Promise<Page> {
    const context = await browser.newContext({ locale, viewport: { width: 390, height: 800 } });
    const { hostname } = new URL(marketplace.baseUrl);
    await context.addCookies([
      {
        name: 'obp_my_session',
        value: session.cookies.get('obp_my_session')!,
        domain: hostname,
        path: '/my',
      },
    ]);
    return context.newPage();
  }

  it('speaks Portuguese to a pt-BR browser with plain statuses and local times; cancel keeps, confirm ends', async () => {
    const page = await browse('pt-BR');
    await page.goto(`${marketplace.baseUrl}/my/consents`);
    await page.getByRole('heading', { name: 'Aplicativos com os quais você compartilha dados' }).waitFor();
    await expect(page.locator('html').getAttribute('lang')).resolves.toBe('pt-BR');
    const row = page.locator('tbody tr', { has: page.locator(`a[href="${path(consent)}"]`) });
    await expect(row.locator('td[data-label="Situação"]').innerText()).resolves.toBe('Ativo');
    const given = localDateTime('pt-BR', authorisedAt(consent), BANK_TIME_ZONE);
    expect(given).toMatch(/^\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}$/);
    await expect(row.locator('td[data-label="Dado em"]').innerText()).resolves.toBe(given);
    await expect(page.locator('main').innerText()).resolves.not.toContain('urn:');

    const handle = client.workflow.getHandle(consent.consentId);
    await row.getByRole('link', { name: /^Ver ou encerrar/ }).click();
    await page.getByRole('heading', { name: 'Seu consentimento para Fintech <A>', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Parar de compartilhar com Fintech <A>', exact: true }).click();
    await page
      .getByRole('heading', { name: 'Parar de compartilhar com Fintech <A>?', exact: true })
      .waitFor();
    // Cancel: back to the consent, still shared.
    await page.getByRole('button', { name: 'Não, continuar compartilhando' }).click();
    await page.getByRole('heading', { name: 'Seu consentimento para Fintech <A>', exact: true }).waitFor();
    expect((await handle.query(stateQuery)).status).toBe('AUTHORISED');

    // Confirm: ended, by her, today.
    await page.getByRole('button', { name: 'Parar de compartilhar com Fintech <A>', exact: true }).click();
    await page.getByRole('button', { name: 'Sim, parar de compartilhar' }).click();
    await page.getByText('Pronto: este aplicativo não recebe mais os seus dados.').waitFor();
    const state = (await handle.result()) as ConsentState;
    expect(state.rejection).toEqual({ rejectedBy: 'USER', code: 'CUSTOMER_MANUALLY_REVOKED' });
    const endedOn = localDate('pt-BR', new Date(state.audit.at(-1)!.at), BANK_TIME_ZONE);
    await expect(page.locator('main').innerText()).resolves.toContain(`Encerrado por você em ${endedOn}`);
    await expect(page.getByRole('button', { name: /^Parar de compartilhar/ }).count()).resolves.toBe(0);
    await page.context().close();
  });

  it('speaks English to an en browser, and the switch turns the pages to Portuguese', async () => {
    const page = await browse('en-US');
    await page.goto(`${marketplace.baseUrl}${path(consents.anaA1!)}`);
    await page.getByRole('heading', { name: 'Your consent for Fintech <A>', exact: true }).waitFor();
    const main = await page.locator('main').innerText();
    expect(main).toContain('Active');
    expect(main).toContain(localDateTime('en', authorisedAt(consents.anaA1!), BANK_TIME_ZONE));
    expect(main).not.toContain('urn:');
    await page.getByRole('link', { name: 'Português' }).click();
    await page.getByRole('heading', { name: 'Seu consentimento para Fintech <A>', exact: true }).waitFor();
    await page.goto(`${marketplace.baseUrl}/my/consents`);
    await page.getByRole('heading', { name: 'Aplicativos com os quais você compartilha dados' }).waitFor();
    await page.context().close();
  });
});

describe('SELF_SERVICE_ENABLED', () => {
  it('defaults to on; set to false, every /my route answers 404 and the console stays', async () => {
    expect(loadConfig({}).consoles.selfServiceEnabled).toBe(true);
    expect(() => loadConfig({ SELF_SERVICE_ENABLED: 'maybe' })).toThrow(
      'SELF_SERVICE_ENABLED must be true or false, got "maybe"',
    );
    const cfg = loadConfig({ SELF_SERVICE_ENABLED: 'false' });
    expect(cfg.consoles.selfServiceEnabled).toBe(false);

    const off = await startConsoles({ client, db, taskQueue: names.taskQueue }, cfg.consoles);
    try {
      const visitor = new HttpSession(off.baseUrl);
      for (const p of ['/my', '/my/login', '/my/consents', path(consents.anaA1!)])
        expect({ p, status: (await visitor.request(p)).status }).toEqual({ p, status: 404 });
      const post = await visitor.request('/my/login', {
        form: { username: ana.username, password: ana.password },
      });
      expect(post.status).toBe(404);
      expect((await visitor.request('/admin/login')).status).toBe(200);
    } finally {
      await off.stop();
    }
  });
});
