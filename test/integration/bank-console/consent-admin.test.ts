// The bank's consent console against the real Temporal dev server and database: staff log-in and
// throttling, VIEW against ADMIN, hold / resume / revoke through the consent workflow with the staff
// member in its audit trail, the search filters and pagination, the CSV export, and revoking every
// consent of a customer.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import {
  lodgeFdxConsent,
  lodgeOfbConsent,
  type OfbConsentRequest,
} from '../../../workflows/consent-client.js';
import { DEMO_STAFF, seedDemoStaff } from '../../../api/bank-console/demo-staff.js';
import { saveStaffUser } from '../../../api/bank-console/staff-auth.js';
import { consentWorker } from '../../../workers/consent.js';
import {
  authoriseUpdate,
  revokeUpdate,
  stateQuery,
  type ConsentState,
} from '../../../workflows/consent-types.js';
import {
  HttpSession,
  hiddenField,
  pageText,
  startConsoles,
  TEST_TEMPORAL_UI,
} from '../../helpers/consoles.js';
import { testServers, uniqueNames } from '../../helpers/env.js';
import { eventually } from '../../helpers/eventually.js';
import { startTestWorker, testClient, testDatabase } from '../../helpers/platform.js';
import { cleanEnv, runEntry } from '../../helpers/spawn.js';

const names = uniqueNames(import.meta.url);
let db: Awaited<ReturnType<typeof testDatabase>>;
let temporal: Awaited<ReturnType<typeof testClient>>;
let client: Client;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let marketplace: Awaited<ReturnType<typeof startConsoles>>;

const [ADMIN, VIEWER] = DEMO_STAFF as [(typeof DEMO_STAFF)[0], (typeof DEMO_STAFF)[0]];
/** Long enough that consents lodged "in the past" can still be authorised. */
const WINDOW_MS = 20 * 365 * 86_400_000;

const lodge = (over: Partial<OfbConsentRequest> = {}, createdAt?: Date) =>
  lodgeOfbConsent(
    { client, taskQueue: names.taskQueue, bankId: 'bank', authorisationWindowMs: WINDOW_MS },
    {
      clientId: `${names.prefix}-tpp`,
      permissions: ['ACCOUNTS_READ', 'ACCOUNTS_BALANCES_READ', 'RESOURCES_READ'],
      loggedUserDocument: '52998224725',
      ...over,
    },
    createdAt,
  );

const lodgeFdx = (clientId: string, createdAt: Date) =>
  lodgeFdxConsent(
    { client, taskQueue: names.taskQueue, authorisationWindowMs: WINDOW_MS },
    {
      clientId,
      terms: {
        durationType: 'PERSISTENT',
        lookbackPeriod: 90,
        resources: [{ resourceType: 'ACCOUNT', dataClusters: ['ACCOUNT_DETAILED', 'TRANSACTIONS'] }],
      },
    },
    createdAt,
  );

const handle = (id: string) => client.workflow.getHandle(id);
const authorise = (s: ConsentState, customerId: string) =>
  handle(s.consentId).executeUpdate(authoriseUpdate, {
    args: [{ customerId, accountIds: ['acc-1'], actor: `customer:${customerId}` }],
  });
const record = (id: string) => db.models.Consent.findById(id).lean();

async function logIn(who: { email: string; password: string }): Promise<HttpSession> {
  const session = new HttpSession(marketplace.baseUrl);
  const form = await session.request('/admin/login');
  const res = await session.request('/admin/login', {
    form: {
      csrf: hiddenField(form.text, 'csrf'),
      next: '/admin/consents',
      email: who.email,
      password: who.password,
    },
  });
  expect(res.status).toBe(303);
  expect(res.location).toBe('/admin/consents');
  return session;
}

/** The CSRF token of the session's forms, from any console page. */
const csrfOf = async (session: HttpSession) =>
  hiddenField((await session.request('/admin/consents')).text, 'csrf');

/** RFC 4180 rows, for checking the export's quoting. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted && ch === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
    } else if (!quoted && ch === ',') {
      row.push(cell);
      cell = '';
    } else if (!quoted && ch === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else {
      cell += ch;
    }
  }
  return rows;
}

let admin: HttpSession;
let viewer: HttpSession;

beforeAll(async () => {
  db = await testDatabase(names.database);
  temporal = await testClient();
  client = temporal.client;
  worker = await startTestWorker(consentWorker({ models: db.models }, names.taskQueue));
  await seedDemoStaff(db.models);
  marketplace = await startConsoles({ client, db, taskQueue: names.taskQueue });
  admin = await logIn(ADMIN);
  viewer = await logIn(VIEWER);
});

afterAll(async () => {
  await marketplace?.stop();
  await worker?.stop();
  await temporal?.close();
  await db?.drop();
});

describe('staff log-in', () => {
  it('sends pages to the log-in form and answers the API with 401 without a session', async () => {
    const anonymous = new HttpSession(marketplace.baseUrl);
    const page = await anonymous.request('/admin/consents?status=AUTHORISED');
    expect(page.status).toBe(303);
    expect(page.location).toBe(
      `/admin/login?next=${encodeURIComponent('/admin/consents?status=AUTHORISED')}`,
    );
    const api = await anonymous.request('/admin/api/consents');
    expect(api.status).toBe(401);
    expect(api.contentType).toMatch(/^application\/problem\+json/);
    expect((await anonymous.request('/admin/consents.csv')).status).toBe(303);

    // A self-contained page: labelled fields, nothing loaded from elsewhere, forms that post here
    // over plain http in development.
    const login = await anonymous.request('/admin/login');
    expect(login.text).toMatch(/<label for="email">Email<\/label>\s*<input\s+id="email"/);
    expect(login.text).toMatch(/<label for="password">Password<\/label>\s*<input id="password"/);
    expect(login.text).not.toMatch(/<script|<link|src=/);
    const csp = login.headers.get('content-security-policy')!;
    expect(csp).toContain("form-action 'self'");
    expect(csp).not.toContain('upgrade-insecure-requests');
    expect(login.headers.get('cache-control')).toBe('no-store');
    expect((await anonymous.request('/admin/api/consents/x/hold', { json: { reason: 'r' } })).status).toBe(
      401,
    );
  });

  it('throttles guesses, 30 at once as 30 in a row, answering like an unknown email even for the right password', async () => {
    const who = {
      email: `throttled-${names.prefix}@bank.example`,
      name: 'Throttled',
      role: 'ADMIN' as const,
      password: 'right-password-2026',
    };
    await saveStaffUser(db.models, who);
    const session = new HttpSession(marketplace.baseUrl);
    const csrf = hiddenField((await session.request('/admin/login')).text, 'csrf');
    const attempt = (password: string, email = who.email) =>
      session.request('/admin/login', { form: { csrf, email, password } });
    /** What the page says, without the address typed. */
    const answer = (res: { status: number; text: string }, email: string) => ({
      status: res.status,
      page: pageText(res.text).replaceAll(email, '<email>'),
    });

    const refused = await attempt('wrong-password');
    expect(refused.status).toBe(401);
    expect(pageText(refused.text)).toContain('The email or password is not correct.');
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(`wrong-${i}`)));
    expect(new Set(burst.map((r) => r.status))).toEqual(new Set([401]));
    const account = await db.models.StaffUser.findById(who.email).lean();
    expect(account!.failedAttempts).toBe(31);
    expect(account!.lockedUntil!.getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);

    const unknownEmail = `nobody-${names.prefix}@bank.example`;
    const unknown = answer(await attempt(who.password, unknownEmail), unknownEmail);
    expect(answer(await attempt(who.password), who.email)).toEqual(unknown);
    expect(answer(await attempt('wrong-password'), who.email)).toEqual(unknown);
    expect(session.cookies.has('obp_admin_session')).toBe(false);
    expect((await session.request('/admin/api/consents')).status).toBe(401);

    // A window, not a lockout: once it is over, the right password works.
    await db.models.StaffUser.updateOne({ _id: who.email }, { $set: { lockedUntil: new Date(0) } });
    expect((await attempt(who.password)).status).toBe(303);
  });

  it('refuses a log-in form without its CSRF token, and an unknown email like a wrong password', async () => {
    const session = new HttpSession(marketplace.baseUrl);
    await session.request('/admin/login');
    const noToken = await session.request('/admin/login', {
      form: { email: ADMIN.email, password: ADMIN.password },
    });
    expect(noToken.status).toBe(403);
    expect(session.cookies.has('obp_admin_session')).toBe(false);
    const form = await session.request('/admin/login');
    const unknown = await session.request('/admin/login', {
      form: { csrf: hiddenField(form.text, 'csrf'), email: 'nobody@bank.example', password: ADMIN.password },
    });
    expect(unknown.status).toBe(401);
    expect(pageText(unknown.text)).toContain('The email or password is not correct.');
  });

  it('sets an HttpOnly, SameSite=Strict session cookie, and log-out ends the session on the server', async () => {
    const session = new HttpSession(marketplace.baseUrl);
    const form = await session.request('/admin/login');
    const res = await session.request('/admin/login', {
      form: { csrf: hiddenField(form.text, 'csrf'), email: ADMIN.email, password: ADMIN.password },
    });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('obp_admin_session='))!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/admin/i);
    const token = session.cookies.get('obp_admin_session')!;
    // Only a hash of the token is stored.
    expect(await db.models.StaffSession.findById(token).lean()).toBeNull();

    const out = await session.request('/admin/logout', { form: { csrf: await csrfOf(session) } });
    expect(out.status).toBe(303);
    const replay = new HttpSession(marketplace.baseUrl);
    replay.cookies.set('obp_admin_session', token);
    expect((await replay.request('/admin/api/consents')).status).toBe(401);
  });

  it('npm run admin:create-staff creates a user who logs in with the password it prints once', async () => {
    const env = cleanEnv({
      MONGODB_URI: testServers().mongoUri,
      MONGODB_DATABASE: names.database,
      LOG_LEVEL: 'warn',
    });
    const email = `Ops-${names.prefix}@Bank.example`;
    const run = await runEntry('scripts/create-staff-user.ts', env, 60_000, [
      '--email',
      email,
      '--role',
      'VIEW',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`created VIEW staff user ${email.toLowerCase()}`);
    const password = /password \(shown once[^)]*\): (\S+)/.exec(run.stdout)![1]!;
    const session = await logIn({ email, password });
    expect(pageText((await session.request('/admin/consents')).text)).toContain(
      `${email.toLowerCase()}, VIEW`,
    );

    const again = await runEntry('scripts/create-staff-user.ts', env, 60_000, [
      '--email',
      email,
      '--role',
      'ADMIN',
    ]);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe(
      `create-staff-user: ${email.toLowerCase()} already exists; add --reset to replace its role and password`,
    );
    const badRole = await runEntry('scripts/create-staff-user.ts', env, 60_000, [
      '--email',
      email,
      '--role',
      'ROOT',
    ]);
    expect(badRole.stderr.trim()).toBe('create-staff-user: --role must be VIEW or ADMIN');
  });
});

describe('VIEW and ADMIN', () => {
  it('lets VIEW read consents but not hold or revoke them (403), in the API and the pages', async () => {
    const consent = await lodge();
    await authorise(consent, 'cust-view');
    const id = encodeURIComponent(consent.consentId);

    const list = await viewer.request(`/admin/api/consents?consentId=${id}`);
    expect(list.status).toBe(200);
    expect(list.json<{ data: { consentId: string }[] }>().data.map((c) => c.consentId)).toEqual([
      consent.consentId,
    ]);
    const detail = await viewer.request(`/admin/consents/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.text).not.toContain('Put on hold');

    for (const action of ['hold', 'revoke']) {
      const api = await viewer.request(`/admin/api/consents/${id}/${action}`, {
        json: { reason: 'looks odd' },
      });
      expect(api.status).toBe(403);
      const form = await viewer.request(`/admin/consents/${id}/${action}`, {
        form: { csrf: await csrfOf(viewer), reason: 'looks odd' },
      });
      expect(form.status).toBe(403);
    }
    const customer = await viewer.request('/admin/api/customers/cust-view/revoke-consents', {
      json: { reason: 'x' },
    });
    expect(customer.status).toBe(403);

    const state = await handle(consent.consentId).query(stateQuery);
    expect(state).toMatchObject({ status: 'AUTHORISED', revision: 2 });
    expect(state.onHold).toBeUndefined();
  });
});

describe('hold, resume and revoke', () => {
  it('ADMIN holds, resumes and revokes through the API, attributed to the staff member', async () => {
    const consent = await lodge();
    await authorise(consent, 'cust-act');
    const path = `/admin/api/consents/${encodeURIComponent(consent.consentId)}`;

    const held = await admin.request(`${path}/hold`, { json: { reason: 'fraud check' } });
    expect(held.status).toBe(200);
    expect(held.json()).toMatchObject({ status: 'AUTHORISED', onHold: true });
    const state = await handle(consent.consentId).query(stateQuery);
    expect(state.onHold).toBe(true);
    expect(state.audit.at(-1)).toMatchObject({
      actor: `staff:${ADMIN.email}`,
      action: 'hold',
      reason: 'fraud check',
    });

    // The workflow's validator refuses, and says why.
    const twice = await admin.request(`${path}/hold`, { json: { reason: 'again' } });
    expect(twice.status).toBe(409);
    expect(twice.json()).toMatchObject({ detail: 'the consent is already on hold' });
    const noReason = await admin.request(`${path}/resume`, { json: { reason: '  ' } });
    expect(noReason.status).toBe(400);
    expect(noReason.json()).toMatchObject({ errors: [{ field: 'reason', message: 'a reason is required' }] });
    const notJson = await admin.request(`${path}/resume`, { form: { reason: 'x' } });
    expect(notJson.status).toBe(415);

    const resumed = await admin.request(`${path}/resume`, { json: { reason: 'cleared' } });
    expect(resumed.status).toBe(200);
    expect((await handle(consent.consentId).query(stateQuery)).onHold).toBe(false);

    const revoked = await admin.request(`${path}/revoke`, { json: { reason: 'device stolen' } });
    expect(revoked.status).toBe(200);
    expect(revoked.json()).toMatchObject({
      status: 'REJECTED',
      rejection: {
        rejectedBy: 'ASPSP',
        code: 'INTERNAL_SECURITY_REASON',
        additionalInformation: 'device stolen',
      },
    });
    const final = (await handle(consent.consentId).result()) as ConsentState;
    expect(final.audit.slice(-3).map((a) => `${a.action}:${a.actor}:${a.reason}`)).toEqual([
      `hold:staff:${ADMIN.email}:fraud check`,
      `release:staff:${ADMIN.email}:cleared`,
      `reject:staff:${ADMIN.email}:INTERNAL_SECURITY_REASON`,
    ]);
    expect(await record(consent.consentId)).toMatchObject({ status: 'REJECTED' });

    const afterEnd = await admin.request(`${path}/revoke`, { json: { reason: 'again' } });
    expect(afterEnd.status).toBe(409);
    expect(
      (await admin.request('/admin/api/consents/urn:bank:nope/hold', { json: { reason: 'r' } })).status,
    ).toBe(404);
  });

  it('the pages show the consent with its Temporal link, act through CSRF-protected forms, and show refusals', async () => {
    const consent = await lodge();
    await authorise(consent, 'cust-page');
    const path = `/admin/consents/${encodeURIComponent(consent.consentId)}`;

    const detail = await admin.request(path);
    expect(detail.status).toBe(200);
    expect(detail.text).toContain(
      `href="${TEST_TEMPORAL_UI}/namespaces/default/workflows/${encodeURIComponent(consent.consentId)}"`,
    );
    expect(pageText(detail.text)).toContain('ACCOUNTS_BALANCES_READ Your account balances');

    const forged = await admin.request(`${path}/hold`, { form: { csrf: 'forged', reason: 'x' } });
    expect(forged.status).toBe(403);

    const held = await admin.request(`${path}/hold`, {
      form: { csrf: await csrfOf(admin), reason: 'chargeback spike' },
    });
    expect(held.status).toBe(303);
    expect(held.location).toBe(path);
    const after = pageText((await admin.request(held.location!)).text);
    expect(after).toContain('The consent is on hold');
    // Said once, by the server: neither a reload nor a link (`?done=`) can say it.
    expect(pageText((await admin.request(path)).text)).not.toContain('The consent is on hold');
    expect(pageText((await admin.request(`${path}?done=revoke`)).text)).not.toContain(
      'The consent is revoked',
    );
    expect(after).toMatch(new RegExp(`staff:${ADMIN.email} hold AUTHORISED AUTHORISED chargeback spike`));

    const awaiting = await lodge();
    const refused = await admin.request(`/admin/consents/${encodeURIComponent(awaiting.consentId)}/hold`, {
      form: { csrf: await csrfOf(admin), reason: 'x' },
    });
    expect(refused.status).toBe(409);
    expect(refused.text).toMatch(
      /role="alert"[^>]*>Not done: only an AUTHORISED consent can be held or released; it is AWAITING_AUTHORISATION\./,
    );
  });
});

describe('search, pagination and export', () => {
  // Lodged in 2020, a year no other test uses, so the date filter isolates them.
  const day = (d: string) => new Date(`2020-${d}T12:00:00Z`);
  const clientA = `${names.prefix}-search-a`;
  const clientB = `${names.prefix}-search-b`;
  const clientF = `${names.prefix}-search-fdx`;
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    const a1 = await lodge({ clientId: clientA }, day('01-05'));
    const a2 = await lodge({ clientId: clientA }, day('01-15'));
    const a3 = await lodge({ clientId: clientA }, day('02-01'));
    const b1 = await lodge({ clientId: clientB }, day('01-10'));
    const f1 = await lodgeFdx(clientF, day('01-20'));
    const f2 = await lodgeFdx(clientF, day('01-25'));
    await authorise(a1, 'cust-s1');
    await authorise(a2, 'cust-s2');
    await authorise(b1, 'cust-s1');
    await handle(b1.consentId).executeUpdate(revokeUpdate, {
      args: [{ rejectedBy: 'USER', actor: 'customer:cust-s1' }],
    });
    await authorise(f1, 'cust-s1');
    await authorise(f2, 'cust-s3');
    await handle(f2.consentId).executeUpdate(revokeUpdate, { args: [{ rejectedBy: 'TPP', actor: clientF }] });
    Object.assign(ids, {
      a1: a1.consentId,
      a2: a2.consentId,
      a3: a3.consentId,
      b1: b1.consentId,
      f1: f1.consentId,
      f2: f2.consentId,
    });
  });

  const in2020 = 'from=2020-01-01&to=2020-12-31';
  const find = async (query: string) => {
    const res = await viewer.request(`/admin/api/consents?${in2020}&${query}`);
    expect(res.status).toBe(200);
    const body = res.json<{
      data: { consentId: string; displayStatus: string }[];
      meta: Record<string, number>;
    }>();
    const byId = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
    return {
      names: body.data.map((c) => byId[c.consentId] ?? c.consentId),
      data: body.data,
      meta: body.meta,
    };
  };

  it('filters by status (OFB and FDX names), standard, recipient, customer, dates and id, newest first', async () => {
    expect((await find('')).names).toEqual(['a3', 'f2', 'f1', 'a2', 'b1', 'a1']);
    expect((await find('status=AUTHORISED')).names).toEqual(['f1', 'a2', 'a1']);
    expect((await find('status=REJECTED')).names).toEqual(['f2', 'b1']);
    expect((await find('status=AWAITING_AUTHORISATION')).names).toEqual(['a3']);
    const active = await find('status=ACTIVE');
    expect(active.names).toEqual(['f1']);
    expect(active.data[0]!.displayStatus).toBe('ACTIVE');
    expect((await find('status=REVOKED')).names).toEqual(['f2']);
    expect((await find('status=EXPIRED')).names).toEqual([]);
    expect((await find('standard=FDX')).names).toEqual(['f2', 'f1']);
    expect((await find('standard=OFB')).names).toEqual(['a3', 'a2', 'b1', 'a1']);
    expect((await find(`clientId=${clientA}`)).names).toEqual(['a3', 'a2', 'a1']);
    expect((await find('customerId=cust-s1')).names).toEqual(['f1', 'b1', 'a1']);
    expect((await find('customerId=cust-s1&status=AUTHORISED&standard=OFB')).names).toEqual(['a1']);
    // A date "to" includes that whole day.
    const range = await viewer.request(`/admin/api/consents?from=2020-01-10&to=2020-01-20`);
    expect(range.json<{ data: { consentId: string }[] }>().data.map((c) => c.consentId)).toEqual([
      ids.f1,
      ids.a2,
      ids.b1,
    ]);
    const part = ids.a1!.slice(-12).toUpperCase();
    expect((await find(`consentId=${part}`)).names).toEqual(['a1']);
    expect((await find(`consentId=${encodeURIComponent(ids.b1!)}`)).names).toEqual(['b1']);
  });

  it('pages through the results without overlap, and the page shows the same rows', async () => {
    const all = (await find('')).names;
    const first = await find('pageSize=4&page=1');
    const second = await find('pageSize=4&page=2');
    expect(first.meta).toEqual({ page: 1, pageSize: 4, totalRecords: 6, totalPages: 2 });
    expect([...first.names, ...second.names]).toEqual(all);
    expect((await find('pageSize=4&page=3')).names).toEqual([]);

    const html = await viewer.request(`/admin/consents?${in2020}&status=ACTIVE`);
    expect(html.status).toBe(200);
    expect(html.text).toContain(`href="/admin/consents/${encodeURIComponent(ids.f1!)}"`);
    expect(html.text).not.toContain(encodeURIComponent(ids.f2!));
    expect(pageText(html.text)).toContain('1 consent, page 1 of 1');
    const paged = await viewer.request(`/admin/consents?${in2020}&pageSize=4`);
    expect(paged.text).toContain('rel="next"');
    expect(paged.text).toContain(
      `href="/admin/consents?from=2020-01-01&amp;to=2020-12-31&amp;page=2&amp;pageSize=4"`,
    );
  });

  it('refuses bad query values with 400 naming the field', async () => {
    const cases: [string, string][] = [
      ['status=PAUSED', 'status'],
      ['standard=XYZ', 'standard'],
      ['from=2020-02-30', 'from'],
      ['from=yesterday', 'from'],
      ['from=2020-03-01&to=2020-02-01', 'to'],
      ['pageSize=101', 'pageSize'],
      ['pageSize=abc', 'pageSize'],
      ['page=0', 'page'],
      ['status=AUTHORISED&status=REJECTED', 'status'],
    ];
    for (const [query, field] of cases) {
      const res = await viewer.request(`/admin/api/consents?${query}`);
      expect({ query, status: res.status, type: res.contentType }).toMatchObject({
        status: 400,
        type: expect.stringMatching(/^application\/problem\+json/),
      });
      const body = res.json<{ detail: string; errors: { field: string }[] }>();
      expect(body.errors.map((e) => e.field)).toEqual([field]);
      expect(body.detail).toMatch(new RegExp(`^${field} must be `));
      expect((await viewer.request(`/admin/consents.csv?${query}`)).status).toBe(400);
    }
    const page = await viewer.request('/admin/consents?pageSize=500');
    expect(page.status).toBe(400);
    expect(pageText(page.text)).toContain(
      'Check the filters: pageSize must be a whole number from 1 to 100.',
    );
  });

  it('exports the filtered rows as CSV and neutralises formula-like cells', async () => {
    const res = await viewer.request(`/admin/consents.csv?${in2020}&clientId=${clientA}`);
    expect(res.status).toBe(200);
    expect(res.contentType).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="?consents-\d{4}-\d{2}-\d{2}\.csv"?$/,
    );
    const rows = parseCsv(res.text);
    expect(rows[0]).toEqual([
      'consentId',
      'standard',
      'status',
      'displayStatus',
      'onHold',
      'clientId',
      'customerId',
      'permissions',
      'accountIds',
      'creationDateTime',
      'statusUpdateDateTime',
      'expirationDateTime',
      'rejectedBy',
      'rejectionCode',
      'rejectionInformation',
      'recipientName',
      'organizationId',
      'applicationId',
      'customerName',
      'customerDocuments',
    ]);
    expect(rows.slice(1).map((r) => r[0])).toEqual([ids.a3, ids.a2, ids.a1]);
    expect(rows[3]).toMatchObject({
      1: 'OFB',
      2: 'AUTHORISED',
      5: clientA,
      6: 'cust-s1',
      9: '2020-01-05T12:00:00.000Z',
    });

    // A recipient and a reason that a spreadsheet would run as formulas.
    const evilClient = '=HYPERLINK("http://evil.example","x")';
    const evil = await lodge({ clientId: evilClient }, new Date('2019-06-01T00:00:00Z'));
    await authorise(evil, '-cust');
    const revoked = await admin.request(`/admin/api/consents/${encodeURIComponent(evil.consentId)}/revoke`, {
      json: { reason: '@SUM(1+1)' },
    });
    expect(revoked.status).toBe(200);
    const csv = await viewer.request(`/admin/consents.csv?clientId=${encodeURIComponent(evilClient)}`);
    const lines = csv.text.split('\r\n');
    expect(lines).toHaveLength(3); // header, one row, and the final line break
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(lines[1]).toContain(`,"'-cust",`);
    expect(lines[1]).toContain(`,"'@SUM(1+1)",`);
    const [row] = parseCsv(csv.text).slice(1);
    expect(row![5]).toBe(`'${evilClient}`);
    expect(row![14]).toBe("'@SUM(1+1)");
  });
});

describe('revoke every consent of a customer', () => {
  it("ends all of the customer's authorised consents, attributed to the staff member, and no others", async () => {
    const customer = `${names.prefix}-cust-r`;
    const other = `${names.prefix}-cust-o`;
    const r1 = await lodge({ clientId: `${names.prefix}-r-a` });
    const r2 = await lodge({ clientId: `${names.prefix}-r-b` });
    const r3 = await lodge({ clientId: `${names.prefix}-r-a` });
    const o1 = await lodge({ clientId: `${names.prefix}-r-a` });
    const waiting = await lodge({ clientId: `${names.prefix}-r-a` });
    await authorise(r1, customer);
    await authorise(r2, customer);
    await authorise(r3, customer);
    await handle(r3.consentId).executeUpdate(revokeUpdate, {
      args: [{ rejectedBy: 'USER', actor: `customer:${customer}` }],
    });
    await authorise(o1, other);

    expect(
      (await admin.request('/admin/api/customers/nobody/revoke-consents', { json: { reason: 'x' } })).status,
    ).toBe(404);
    const started = await admin.request(`/admin/api/customers/${customer}/revoke-consents`, {
      json: { reason: 'reported deceased' },
    });
    expect(started.status).toBe(202);
    const { workflowId } = started.json<{ workflowId: string }>();
    expect(await handle(workflowId).result()).toEqual({ revoked: [r1.consentId, r2.consentId].sort() });

    for (const id of [r1.consentId, r2.consentId]) {
      await eventually(async () => {
        const c = await record(id);
        expect(c).toMatchObject({
          status: 'REJECTED',
          rejection: {
            rejectedBy: 'ASPSP',
            code: 'INTERNAL_SECURITY_REASON',
            additionalInformation: 'reported deceased',
          },
        });
        expect(c!.audit.at(-1)).toMatchObject({
          actor: `staff:${ADMIN.email}`,
          from: 'AUTHORISED',
          to: 'REJECTED',
        });
      });
    }
    expect(await record(r3.consentId)).toMatchObject({
      status: 'REJECTED',
      rejection: { rejectedBy: 'USER', code: 'CUSTOMER_MANUALLY_REVOKED' },
    });
    expect(await record(o1.consentId)).toMatchObject({ status: 'AUTHORISED' });
    expect(await record(waiting.consentId)).toMatchObject({ status: 'AWAITING_AUTHORISATION' });

    // The page's form starts the same workflow and says so.
    const page = await admin.request(`/admin/customers/${other}/revoke-consents`, {
      form: { csrf: await csrfOf(admin), reason: 'fraud ring', consentId: o1.consentId },
    });
    expect(page.status).toBe(303);
    expect(page.location).toBe(`/admin/consents?customerId=${other}`);
    expect(pageText((await admin.request(page.location!)).text)).toContain(
      'Revocation of every authorised consent of this customer has started',
    );
    await eventually(async () => expect(await record(o1.consentId)).toMatchObject({ status: 'REJECTED' }));
  });
});
