// The bank's console for the developer marketplace against the real Temporal dev server, database
// and authorization server: staff review enrolments through the `onboarding` workflow, decide on
// subscriptions, and suspend, enable and deprovision applications' clients through the Discovery
// Agent, which the client's own token requests confirm. Pages (forms with CSRF, 303 with a
// notice) and the JSON API; VIEW reads, only ADMIN acts.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { createProvisioningActivities } from '../../../activities/provisioning.js';
import { DEMO_STAFF, seedDemoStaff } from '../../../api/bank-console/demo-staff.js';
import { bankConsoleRouter } from '../../../api/bank-console/index.js';
import type { GeneratedSecrets } from '../../../api/marketplace/applications/credentials.js';
import { applicationService } from '../../../api/marketplace/applications/service.js';
import { organizationEnrolment } from '../../../api/marketplace/routes/organizations.js';
import { subscriptionService } from '../../../api/marketplace/subscriptions/service.js';
import { subscriptionId } from '../../../db/models/subscription.js';
import { problemErrorHandler, sendProblem } from '../../../lib/http/problem.js';
import { closeServer, createComponentApp } from '../../../lib/http/server.js';
import { onboardingWorker } from '../../../workers/onboarding.js';
import { provisioningWorkflowsPath } from '../../../workers/provisioning.js';
import { reviewUpdate } from '../../../workflows/onboarding-types.js';
import { startTestAuthServer, type TestAuthServer } from '../../helpers/auth-server.js';
import { clientCredentialsToken, tokenOutcome } from '../../helpers/client-credentials.js';
import {
  HttpSession,
  hiddenField,
  pageText,
  staffSession,
  TEST_TEMPORAL_UI,
} from '../../helpers/consoles.js';
import { uniqueNames } from '../../helpers/env.js';
import { quietLogger, startTestWorker, testClient, testDatabase } from '../../helpers/platform.js';
import { discoveryAgentDeps } from '../../helpers/provisioning.js';
import { validCnpj } from '../../helpers/tax-ids.js';

const names = uniqueNames(import.meta.url);
const ONBOARDING_QUEUE = `${names.taskQueue}-onboarding`;
const PROVISIONING_QUEUE = `${names.taskQueue}-provisioning`;
const SECRETS_KEY = Buffer.alloc(32, 9);
const [ADMIN, VIEWER] = DEMO_STAFF as [(typeof DEMO_STAFF)[0], (typeof DEMO_STAFF)[0]];
const STAFF_ADMIN = `staff:${ADMIN.email}`;

let dir: string;
let db: Awaited<ReturnType<typeof testDatabase>>;
let as: TestAuthServer;
let temporal: Awaited<ReturnType<typeof testClient>>;
let client: Client;
let workers: Awaited<ReturnType<typeof startTestWorker>>[] = [];
let server: Server;
let baseUrl: string;
let subscriptions: ReturnType<typeof subscriptionService>;
let applications: ReturnType<typeof applicationService>;
let admin: HttpSession;
let viewer: HttpSession;
let enrolment: ReturnType<typeof organizationEnrolment>;

const cnpj = validCnpj;

const formatCnpj = (d: string) => d.replace(/^(\d{2})(\d{3})(\d{3})(\d{4})(\d{2})$/, '$1.$2.$3/$4-$5');

/** An organization enrolled by a developer of its own (as the portal enrols), waiting for review. */
async function enrol(legalName: string) {
  const taxId = cnpj();
  const developer = await db.models.Developer.create({
    _id: randomUUID(),
    email: `admin-${taxId}@fintech.example`,
    name: 'Ana Souza',
    passwordHash: 'unused: this developer never logs in',
    emailVerifiedAt: new Date(),
  });
  const org = await enrolment(
    {
      legalName,
      taxIdType: 'CNPJ',
      taxId,
      website: 'https://fintech.example',
      contacts: [
        { name: 'Ana Souza', email: 'ana@fintech.example', role: 'technical' },
        { name: 'Bruno Lima', email: 'bruno@fintech.example', role: 'business' },
      ],
      standards: ['OFB', 'FDX'],
    },
    { id: developer._id },
  );
  return { id: org.organizationId, taxId, workflowId: `onboarding-cnpj-${taxId}` };
}

/** An organization the bank has approved (through its workflow, as the console does). */
async function approvedOrganization(legalName: string) {
  const org = await enrol(legalName);
  await client.workflow
    .getHandle(org.workflowId)
    .executeUpdate(reviewUpdate, { args: [{ decision: 'APPROVED', reviewer: 'staff:setup@bank.example' }] });
  return org;
}

const organization = (id: string) => db.models.Organization.findById(id).lean();
const subscription = (id: string) => db.models.Subscription.findById(id).lean();
const application = (id: string) => db.models.Application.findById(id).lean();

const logIn = (who: { email: string; password: string }) => staffSession(baseUrl, who);

/** The CSRF token of the session's forms, from any console page. */
const csrfOf = async (session: HttpSession) =>
  hiddenField((await session.request('/admin/organizations')).text, 'csrf');

const SUSPENDED_CLIENT = 'invalid_request: requested grant type is not allowed for this client';

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'obp-marketplace-admin-'));
  db = await testDatabase(names.database);
  as = await startTestAuthServer(db, dir);
  temporal = await testClient();
  client = temporal.client;
  workers = await Promise.all([
    startTestWorker(onboardingWorker({ models: db.models }, ONBOARDING_QUEUE)),
    startTestWorker({
      taskQueue: PROVISIONING_QUEUE,
      workflowsPath: provisioningWorkflowsPath,
      activities: createProvisioningActivities(discoveryAgentDeps(db.models, as, SECRETS_KEY)),
    }),
  ]);
  subscriptions = subscriptionService({ client, models: db.models });
  applications = applicationService({
    client,
    models: db.models,
    taskQueue: PROVISIONING_QUEUE,
    issuingCa: as.pki.ca,
    workflow: { rotationOverlapMs: 3000, stepTimeoutMs: 10000, stepAttempts: 3 },
  });

  enrolment = organizationEnrolment({
    client,
    models: db.models,
    taskQueue: ONBOARDING_QUEUE,
    onboarding: {
      bankAdminsEmail: 'admins@bank.example',
      reminderIntervalMs: 3_600_000,
      reviewTimeoutMs: 86_400_000,
    },
  });
  const app = createComponentApp({ logger: quietLogger, readiness: [] });
  app.use(
    bankConsoleRouter({
      client,
      models: db.models,
      consentTaskQueue: names.taskQueue,
      temporalUiUrl: TEST_TEMPORAL_UI,
      secureCookies: false,
      sessionTtlMs: 30 * 60_000,
      marketplace: { subscriptions, applications, onboardingTaskQueue: ONBOARDING_QUEUE },
    }),
  );
  app.use((_req, res) => sendProblem(res, 404, 'Not found'));
  app.use(problemErrorHandler);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  await seedDemoStaff(db.models);
  admin = await logIn(ADMIN);
  viewer = await logIn(VIEWER);
}, 300_000);

afterAll(async () => {
  if (server) await closeServer(server);
  await Promise.all(workers.map((w) => w.stop()));
  await temporal?.close();
  await as?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('access', () => {
  it('sends pages to the log-in form and answers the API with 401 without a session', async () => {
    const anonymous = new HttpSession(baseUrl);
    for (const page of ['/admin/organizations', '/admin/subscriptions', '/admin/applications/x']) {
      const res = await anonymous.request(page);
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/admin/login?next=${encodeURIComponent(page)}`);
    }
    for (const api of ['/admin/api/organizations', '/admin/api/subscriptions', '/admin/api/applications']) {
      const res = await anonymous.request(api);
      expect(res.status).toBe(401);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
    }
    const act = await anonymous.request('/admin/api/subscriptions/a:b/decision', {
      json: { decision: 'APPROVE' },
    });
    expect(act.status).toBe(401);
    const form = await anonymous.request('/admin/organizations/x/approve', { form: { csrf: 'x' } });
    expect(form.status).toBe(303);
  });

  it('links the marketplace pages from the console navigation, with landmarks and no outside assets', async () => {
    const page = await viewer.request('/admin/organizations');
    expect(page.status).toBe(200);
    for (const href of ['/admin/organizations', '/admin/subscriptions', '/admin/applications'])
      expect(page.text).toContain(`<a href="${href}">`);
    expect(page.text).toContain('<nav aria-label="Console">');
    expect(page.text).toMatch(/<main id="main"/);
    expect(page.text).toContain('<label for="f-status">Status</label>');
    expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\/(?!fintech\.example)/);
    expect(page.headers.get('cache-control')).toBe('no-store');
  });
});

describe('organizations', () => {
  it('lists enrolments waiting for review first, with what a reviewer needs', async () => {
    await approvedOrganization('Aprovada Pagamentos Ltda');
    const waiting = await enrol('Espera Finanças Ltda');
    const page = await viewer.request('/admin/organizations');
    expect(page.status).toBe(200);
    const text = pageText(page.text);
    expect(text).toContain(
      `Espera Finanças Ltda pending review CNPJ ${formatCnpj(waiting.taxId)} OFB, FDX https://fintech.example 2`,
    );
    expect(text.indexOf('Espera Finanças Ltda')).toBeLessThan(text.indexOf('Aprovada Pagamentos Ltda'));
    expect(page.text).toContain(`href="/admin/organizations/${waiting.id}"`);

    const onlyApproved = pageText((await viewer.request('/admin/organizations?status=APPROVED')).text);
    expect(onlyApproved).toContain('Aprovada Pagamentos Ltda');
    expect(onlyApproved).not.toContain('Espera Finanças Ltda');
    const bad = await viewer.request('/admin/organizations?status=LOST');
    expect(bad.status).toBe(400);
    expect(pageText(bad.text)).toContain(
      'Check the filters: status must be one of PENDING_REVIEW, APPROVED, REJECTED, EXPIRED, ALL.',
    );
  });

  it('approves an enrolment through the onboarding workflow; a second decision is refused (409)', async () => {
    const org = await enrol('Aprova Aqui Ltda');
    const detail = await admin.request(`/admin/organizations/${org.id}`);
    expect(detail.status).toBe(200);
    const text = pageText(detail.text);
    expect(text).toContain('Ana Souza ana@fintech.example technical');
    expect(text).toContain('Not decided yet.');
    expect(detail.text).toContain(
      `href="${TEST_TEMPORAL_UI}/namespaces/default/workflows/${encodeURIComponent(org.workflowId)}"`,
    );
    expect(detail.text).toContain(`action="/admin/organizations/${org.id}/approve"`);
    expect(detail.text).toContain('<label for="reject-reason">');

    const csrf = hiddenField(detail.text, 'csrf');
    const done = await admin.request(`/admin/organizations/${org.id}/approve`, {
      form: { csrf, reason: '' },
    });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/admin/organizations/${org.id}`);
    expect(await organization(org.id)).toMatchObject({
      status: 'APPROVED',
      review: { decision: 'APPROVED', reviewer: STAFF_ADMIN },
    });
    const after = pageText((await admin.request(done.location!)).text);
    expect(after).toContain('The organization is approved');
    expect(after).toContain(`Reviewer ${STAFF_ADMIN}`);

    const again = await admin.request(`/admin/organizations/${org.id}/reject`, {
      form: { csrf, reason: 'changed my mind' },
    });
    expect(again.status).toBe(409);
    expect(pageText(again.text)).toContain('Not done: the enrolment is already APPROVED.');

    // The record saying otherwise (a stale read): the workflow itself refuses.
    await db.models.Organization.updateOne({ _id: org.id }, { $set: { status: 'PENDING_REVIEW' } });
    const stale = await admin.request(`/admin/organizations/${org.id}/reject`, {
      form: { csrf, reason: 'changed my mind' },
    });
    await db.models.Organization.updateOne({ _id: org.id }, { $set: { status: 'APPROVED' } });
    expect(stale.status).toBe(409);
    expect(pageText(stale.text)).toMatch(/Not done: the enrolment (is already APPROVED|has ended)/);
    expect((await organization(org.id))?.review?.decision).toBe('APPROVED');
  });

  it('rejects only with a reason (400 and the form again without one); VIEW and stale forms are refused', async () => {
    const org = await enrol('Rejeita Ltda');
    const csrf = await csrfOf(admin);
    const noReason = await admin.request(`/admin/organizations/${org.id}/reject`, {
      form: { csrf, reason: '   ' },
    });
    expect(noReason.status).toBe(400);
    expect(pageText(noReason.text)).toContain('Not done: a reason is required.');
    expect(noReason.text).toContain(`action="/admin/organizations/${org.id}/reject"`);
    expect((await organization(org.id))?.status).toBe('PENDING_REVIEW');

    const forged = await admin.request(`/admin/organizations/${org.id}/reject`, {
      form: { csrf: 'forged', reason: 'x' },
    });
    expect(forged.status).toBe(403);
    const byViewer = await viewer.request(`/admin/organizations/${org.id}/reject`, {
      form: { csrf: await csrfOf(viewer), reason: 'x' },
    });
    expect(byViewer.status).toBe(403);
    const viewerPage = await viewer.request(`/admin/organizations/${org.id}`);
    expect(viewerPage.text).not.toContain('/reject"');
    expect(pageText(viewerPage.text)).toContain('Your role (VIEW) can read these pages but not act on them.');
    expect((await organization(org.id))?.status).toBe('PENDING_REVIEW');

    const rejected = await admin.request(`/admin/organizations/${org.id}/reject`, {
      form: { csrf, reason: 'website does not match the CNPJ' },
    });
    expect(rejected.status).toBe(303);
    expect(await organization(org.id)).toMatchObject({
      status: 'REJECTED',
      review: { decision: 'REJECTED', reason: 'website does not match the CNPJ', reviewer: STAFF_ADMIN },
    });
    expect((await admin.request(`/admin/organizations/${org.id}/approve`, { form: { csrf } })).status).toBe(
      409,
    );
    expect((await admin.request('/admin/organizations/nobody/approve', { form: { csrf } })).status).toBe(404);
  });

  it('the JSON API lists, reads and reviews; bad input is a 400 problem, a second decision a 409', async () => {
    const org = await enrol('Api Review Ltda');
    const list = await viewer.request('/admin/api/organizations?status=PENDING_REVIEW&pageSize=100');
    expect(list.status).toBe(200);
    const body = list.json<{ data: { organizationId: string }[]; meta: Record<string, number> }>();
    expect(body.data.map((o) => o.organizationId)).toContain(org.id);
    expect(body.meta).toMatchObject({ page: 1, pageSize: 100 });
    expect((await viewer.request('/admin/api/organizations?page=0')).status).toBe(400);

    const one = await viewer.request(`/admin/api/organizations/${org.id}`);
    expect(one.json()).toMatchObject({
      organizationId: org.id,
      status: 'PENDING_REVIEW',
      contacts: [{ name: 'Ana Souza' }, { name: 'Bruno Lima' }],
      links: { temporalUi: `${TEST_TEMPORAL_UI}/namespaces/default/workflows/${org.workflowId}` },
    });

    const path = `/admin/api/organizations/${org.id}/review`;
    expect((await viewer.request(path, { json: { decision: 'APPROVED' } })).status).toBe(403);
    const noReason = await admin.request(path, { json: { decision: 'REJECTED', reason: ' ' } });
    expect(noReason.status).toBe(400);
    expect(noReason.contentType).toMatch(/^application\/problem\+json/);
    expect(noReason.json()).toMatchObject({ errors: [{ field: 'reason', message: 'a reason is required' }] });
    const badDecision = await admin.request(path, { json: { decision: 'MAYBE' } });
    expect(badDecision.status).toBe(400);
    expect(badDecision.json()).toMatchObject({ errors: [{ field: 'decision' }] });
    expect((await admin.request(path, { form: { decision: 'APPROVED' } })).status).toBe(415);
    expect((await organization(org.id))?.status).toBe('PENDING_REVIEW');

    const approved = await admin.request(path, {
      json: { decision: 'APPROVED', reason: 'documents checked' },
    });
    expect(approved.status).toBe(200);
    expect(approved.json()).toMatchObject({
      status: 'APPROVED',
      review: { decision: 'APPROVED', reason: 'documents checked', reviewer: STAFF_ADMIN },
    });
    const twice = await admin.request(path, { json: { decision: 'REJECTED', reason: 'no' } });
    expect(twice.status).toBe(409);
    expect(twice.json()).toMatchObject({ status: 409, detail: 'the enrolment is already APPROVED' });
    expect(
      (await admin.request('/admin/api/organizations/nobody/review', { json: { decision: 'APPROVED' } }))
        .status,
    ).toBe(404);
  });
});

describe('subscriptions', () => {
  let org: Awaited<ReturnType<typeof approvedOrganization>>;
  const by = 'dev@fintech.example';
  const sub = (productId: string) => subscriptionId(org.id, productId);
  const form = (id: string, action: string) => `/admin/subscriptions/${encodeURIComponent(id)}/${action}`;

  beforeAll(async () => {
    org = await approvedOrganization('Assinaturas Ltda');
    for (const [productId, planId] of [
      ['ofb-accounts', 'sandbox'],
      ['ofb-credit-cards', 'production'],
      ['ofb-consents', 'sandbox'],
      ['ofb-customers', 'sandbox'],
    ] as const)
      await subscriptions.request({ organizationId: org.id, productId, planId, by });
  });

  it('lists those waiting for approval by default, with organization, product, plan and requester', async () => {
    const page = await viewer.request(`/admin/subscriptions?organizationId=${org.id}`);
    expect(page.status).toBe(200);
    const text = pageText(page.text);
    expect(text).toContain(
      'Assinaturas Ltda OFB Accounts ofb-accounts Sandbox pending approval dev@fintech.example',
    );
    expect(text).toContain('OFB Credit Cards');
    expect(text).not.toContain('OFB Consents'); // automatic: already active
    expect(page.text).not.toContain('/approve"'); // VIEW: no forms
    const all = pageText(
      (await viewer.request(`/admin/subscriptions?status=ALL&organizationId=${org.id}`)).text,
    );
    expect(all).toMatch(/OFB Consents ofb-consents Sandbox active dev@fintech\.example .* automatic/);
    expect((await viewer.request('/admin/subscriptions?status=MAYBE')).status).toBe(400);
  });

  it('approves, rejects (with a reason), suspends and resumes through the forms; the wrong state is a 409', async () => {
    const csrf = await csrfOf(admin);
    const back = `?status=PENDING_APPROVAL&organizationId=${org.id}`;
    const approved = await admin.request(form(sub('ofb-accounts'), 'approve'), { form: { csrf, back } });
    expect(approved.status).toBe(303);
    expect(approved.location).toBe(`/admin/subscriptions?status=PENDING_APPROVAL&organizationId=${org.id}`);
    expect(pageText((await admin.request(approved.location!)).text)).toContain(
      'The subscription is approved',
    );
    expect(await subscription(sub('ofb-accounts'))).toMatchObject({
      status: 'ACTIVE',
      decision: { by: STAFF_ADMIN },
    });

    const noReason = await admin.request(form(sub('ofb-credit-cards'), 'reject'), { form: { csrf, back } });
    expect(noReason.status).toBe(400);
    expect(pageText(noReason.text)).toContain('Not done: a reason is required.');
    expect((await subscription(sub('ofb-credit-cards')))?.status).toBe('PENDING_APPROVAL');
    const rejected = await admin.request(form(sub('ofb-credit-cards'), 'reject'), {
      form: { csrf, back, reason: 'no card data for sandbox organizations' },
    });
    expect(rejected.status).toBe(303);
    expect(await subscription(sub('ofb-credit-cards'))).toMatchObject({
      status: 'REJECTED',
      decision: { by: STAFF_ADMIN, reason: 'no card data for sandbox organizations' },
    });

    const wrong = await admin.request(form(sub('ofb-credit-cards'), 'approve'), { form: { csrf, back } });
    expect(wrong.status).toBe(409);
    expect(pageText(wrong.text)).toContain('Not done: Cannot approve a subscription that is REJECTED.');
    expect((await admin.request(form(`${org.id}:nothing`, 'approve'), { form: { csrf } })).status).toBe(404);

    const suspended = await admin.request(form(sub('ofb-accounts'), 'suspend'), {
      form: { csrf, back: '?status=ACTIVE', reason: 'unpaid invoice' },
    });
    expect(suspended.status).toBe(303);
    expect(suspended.location).toBe('/admin/subscriptions?status=ACTIVE');
    expect((await subscription(sub('ofb-accounts')))?.status).toBe('SUSPENDED');
    const resumed = await admin.request(form(sub('ofb-accounts'), 'resume'), { form: { csrf } });
    expect(resumed.status).toBe(303);
    expect((await subscription(sub('ofb-accounts')))?.status).toBe('ACTIVE');
    const resumeActive = await admin.request(form(sub('ofb-accounts'), 'resume'), { form: { csrf } });
    expect(resumeActive.status).toBe(409);
  });

  it('refuses VIEW (403) in the pages and the API', async () => {
    const page = await viewer.request(form(sub('ofb-customers'), 'approve'), {
      form: { csrf: await csrfOf(viewer) },
    });
    expect(page.status).toBe(403);
    const api = await viewer.request(
      `/admin/api/subscriptions/${encodeURIComponent(sub('ofb-customers'))}/decision`,
      {
        json: { decision: 'APPROVE' },
      },
    );
    expect(api.status).toBe(403);
    expect((await subscription(sub('ofb-customers')))?.status).toBe('PENDING_APPROVAL');
  });

  it('the JSON API lists and decides; bad input is a 400 problem, the wrong state a 409', async () => {
    const list = await viewer.request(`/admin/api/subscriptions?organizationId=${org.id}`);
    expect(list.status).toBe(200);
    expect(list.json<{ data: unknown[] }>().data).toEqual([
      expect.objectContaining({
        subscriptionId: sub('ofb-customers'),
        organizationName: 'Assinaturas Ltda',
        productName: 'OFB Customers',
        planName: 'Sandbox',
        status: 'PENDING_APPROVAL',
        requestedBy: by,
      }),
    ]);
    const path = `/admin/api/subscriptions/${encodeURIComponent(sub('ofb-customers'))}/decision`;
    const noReason = await admin.request(path, { json: { decision: 'REJECT' } });
    expect(noReason.status).toBe(400);
    expect(noReason.json()).toMatchObject({ errors: [{ field: 'reason' }] });
    expect((await admin.request(path, { json: { decision: 'DELETE' } })).status).toBe(400);

    const approved = await admin.request(path, { json: { decision: 'APPROVE' } });
    expect(approved.status).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'ACTIVE', decision: { by: STAFF_ADMIN } });
    const suspended = await admin.request(path, { json: { decision: 'SUSPEND', reason: 'abuse report' } });
    expect(suspended.json()).toMatchObject({ status: 'SUSPENDED', decision: { reason: 'abuse report' } });
    expect((await admin.request(path, { json: { decision: 'RESUME' } })).json()).toMatchObject({
      status: 'ACTIVE',
    });
    const wrong = await admin.request(path, { json: { decision: 'APPROVE' } });
    expect(wrong.status).toBe(409);
    expect(wrong.contentType).toMatch(/^application\/problem\+json/);
    expect(wrong.json()).toMatchObject({
      title: 'Not possible now',
      detail: 'Cannot approve a subscription that is ACTIVE.',
    });
    const missing = await admin.request(`/admin/api/subscriptions/${org.id}:nothing/decision`, {
      json: { decision: 'APPROVE' },
    });
    expect(missing.status).toBe(404);
  });
});

describe('applications', () => {
  let org: Awaited<ReturnType<typeof approvedOrganization>>;
  let appId: string;
  let clientId: string;
  let secrets: GeneratedSecrets;
  let sealedToken: string;

  beforeAll(async () => {
    org = await approvedOrganization('Aplicativos Ltda');
    await subscriptions.request({
      organizationId: org.id,
      productId: 'ofb-consents',
      planId: 'sandbox',
      by: 'dev@fintech.example',
    });
    const created = await applications.create({
      organizationId: org.id,
      createdBy: 'dev@fintech.example',
      body: {
        name: 'Budget app',
        standard: 'OFB',
        redirectUris: ['https://fintech.example/callback'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        credential: { source: 'generate' },
      },
    });
    expect(created.state.status).toBe('ACTIVE');
    appId = created.application._id;
    clientId = created.state.clientId!;
    secrets = created.secrets!;
    sealedToken = (await application(appId))!.client.registrationAccessToken!;
    expect(sealedToken).toBeTruthy();
    await expect(tokenOutcome(clientCredentialsToken(as, clientId, secrets))).resolves.toBe('issued');
  }, 120_000);

  it('lists applications with their client, credentials and organization, and never a registration token', async () => {
    const record = (await application(appId))!;
    const credential = record.credentials[0]!;
    const page = await viewer.request(`/admin/applications?organizationId=${org.id}`);
    expect(page.status).toBe(200);
    const text = pageText(page.text);
    expect(text).toContain(
      `Budget app Aplicativos Ltda OFB ${clientId} active private_key_jwt ${credential.id}`,
    );
    expect(text).toContain(credential.subjectDn!);
    expect(page.text).not.toContain(sealedToken);
    expect(page.text).not.toContain(record.client.registrationClientUri!);

    const api = await viewer.request(`/admin/api/applications?organizationId=${org.id}&status=ACTIVE`);
    expect(api.status).toBe(200);
    expect(api.text).not.toContain(sealedToken);
    expect(api.text).not.toMatch(/registration/i);
    expect(api.json<{ data: unknown[] }>().data).toEqual([
      expect.objectContaining({
        applicationId: appId,
        organizationName: 'Aplicativos Ltda',
        tokenEndpointAuthMethod: 'private_key_jwt',
        client: expect.objectContaining({ status: 'ACTIVE', clientId, scopes: ['consents'] }),
        credentials: [expect.objectContaining({ id: credential.id, subjectDn: credential.subjectDn })],
      }),
    ]);
    expect((await viewer.request('/admin/api/applications?status=GONE')).status).toBe(400);

    const detail = await viewer.request(`/admin/applications/${appId}`);
    expect(detail.status).toBe(200);
    expect(pageText(detail.text)).toMatch(
      /Discovery Agent steps At Step By Outcome Detail .* register marketplace done/,
    );
    expect(detail.text).toContain(
      `href="${TEST_TEMPORAL_UI}/namespaces/default/workflows/${encodeURIComponent(`provisioning-${appId}`)}"`,
    );
    expect(detail.text).not.toContain(sealedToken);
  });

  it('suspends the client through the console: its token requests fail until it is enabled again', async () => {
    const csrf = await csrfOf(admin);
    const path = `/admin/applications/${appId}`;
    expect(
      (await viewer.request(`${path}/suspend`, { form: { csrf: await csrfOf(viewer), reason: 'x' } })).status,
    ).toBe(403);
    const noReason = await admin.request(`${path}/suspend`, { form: { csrf } });
    expect(noReason.status).toBe(400);
    expect(pageText(noReason.text)).toContain('Not done: a reason is required.');
    expect((await application(appId))?.client.status).toBe('ACTIVE');

    const suspended = await admin.request(`${path}/suspend`, {
      form: { csrf, reason: 'leaked key reported' },
    });
    expect(suspended.status).toBe(303);
    expect(suspended.location).toBe(path);
    expect((await application(appId))?.client.status).toBe('SUSPENDED');
    await expect(tokenOutcome(clientCredentialsToken(as, clientId, secrets))).resolves.toBe(SUSPENDED_CLIENT);
    const page = pageText((await admin.request(suspended.location!)).text);
    expect(page).toContain('The client is suspended');
    expect(page).toContain(`suspend ${STAFF_ADMIN} done`);

    const twice = await admin.request(`${path}/suspend`, { form: { csrf, reason: 'again' } });
    expect(twice.status).toBe(409);
    expect(pageText(twice.text)).toContain('Not done: cannot suspend a client that is SUSPENDED.');

    const enabled = await admin.request(`${path}/enable`, { form: { csrf } });
    expect(enabled.status).toBe(303);
    expect((await application(appId))?.client.status).toBe('ACTIVE');
    await expect(tokenOutcome(clientCredentialsToken(as, clientId, secrets))).resolves.toBe('issued');
  });

  it('the JSON API suspends and enables (ADMIN only, a reason to suspend)', async () => {
    const path = `/admin/api/applications/${appId}`;
    expect((await viewer.request(`${path}/suspend`, { json: { reason: 'x' } })).status).toBe(403);
    const noReason = await admin.request(`${path}/suspend`, { json: {} });
    expect(noReason.status).toBe(400);
    expect(noReason.json()).toMatchObject({ errors: [{ field: 'reason', message: 'a reason is required' }] });
    expect((await admin.request(`${path}/explode`, { json: {} })).status).toBe(404);

    const suspended = await admin.request(`${path}/suspend`, { json: { reason: 'fraud check' } });
    expect(suspended.status).toBe(200);
    expect(suspended.json()).toMatchObject({ client: { status: 'SUSPENDED' } });
    expect(suspended.text).not.toContain(sealedToken);
    await expect(tokenOutcome(clientCredentialsToken(as, clientId, secrets))).resolves.toBe(SUSPENDED_CLIENT);

    const twice = await admin.request(`${path}/suspend`, { json: { reason: 'again' } });
    expect(twice.status).toBe(409);
    expect(twice.json()).toMatchObject({
      title: 'Cannot suspend',
      detail: 'cannot suspend a client that is SUSPENDED',
    });

    const enabled = await admin.request(`${path}/enable`, { json: {} });
    expect(enabled.status).toBe(200);
    expect(enabled.json()).toMatchObject({ client: { status: 'ACTIVE' } });
    await expect(tokenOutcome(clientCredentialsToken(as, clientId, secrets))).resolves.toBe('issued');

    const read = await viewer.request(path);
    expect(read.json()).toMatchObject({
      applicationId: appId,
      provisioning: { source: 'running' },
      links: { temporalUi: `${TEST_TEMPORAL_UI}/namespaces/default/workflows/provisioning-${appId}` },
    });
    const steps = read.json<{ provisioning: { history: { step: string; by: string }[] } }>().provisioning
      .history;
    expect(steps.map((s) => s.step)).toEqual(['register', 'suspend', 'enable', 'suspend', 'enable']);
    expect(steps[3]).toMatchObject({ by: STAFF_ADMIN });
    expect((await admin.request('/admin/api/applications/nobody/enable', { json: {} })).status).toBe(404);
  });

  it('deprovisions the client; its page still shows the ended workflow’s history', async () => {
    const csrf = await csrfOf(admin);
    const path = `/admin/applications/${appId}`;
    expect((await admin.request(`${path}/deprovision`, { form: { csrf } })).status).toBe(400);
    const done = await admin.request(`${path}/deprovision`, {
      form: { csrf, reason: 'organization closed' },
    });
    expect(done.status).toBe(303);
    expect((await application(appId))?.client.status).toBe('DEPROVISIONED');
    await expect(tokenOutcome(clientCredentialsToken(as, clientId, secrets))).resolves.toMatch(
      /^invalid_client/,
    );

    const handle = client.workflow.getHandle(`provisioning-${appId}`);
    await handle.result();
    const page = await admin.request(path);
    expect(page.status).toBe(200);
    const text = pageText(page.text);
    expect(text).toContain('The workflow has ended; this is its final state.');
    expect(text).toContain(`deprovision ${STAFF_ADMIN} done`);
    expect(text).toContain('No action applies to a client that is deprovisioned.');
  });
});
