// The `onboarding` workflow end to end: enrolment over real HTTP by logged-in developers (the
// marketplace's JSON API), a real worker on the real Temporal dev server, the record in a real
// MongoDB-wire database.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { createMarketplaceApp } from '../../../api/marketplace/app.js';
import { closeServer } from '../../../lib/http/server.js';
import { onboardingWorker } from '../../../workers/onboarding.js';
import {
  reviewSignal,
  reviewUpdate,
  stateQuery,
  type OnboardingState,
} from '../../../workflows/onboarding-types.js';
import { uniqueNames } from '../../helpers/env.js';
import { HttpSession } from '../../helpers/consoles.js';
import { eventually } from '../../helpers/eventually.js';
import { developer } from '../../helpers/marketplace.js';
import { quietLogger, startTestWorker, testClient, testDatabase } from '../../helpers/platform.js';
import { recordHistory } from '../../helpers/histories.js';
import { testDataConverter } from '../../helpers/payload-codec.js';
import { validCnpj } from '../../helpers/tax-ids.js';

const names = uniqueNames(import.meta.url);
let db: Awaited<ReturnType<typeof testDatabase>>;
let temporal: Awaited<ReturnType<typeof testClient>>;
let client: Client;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let server: Server;
let baseUrl: string;

// Each test enrols its own organization, with a generated CNPJ.
const cnpj = validCnpj;

function enrolment(overrides: Record<string, unknown> = {}) {
  return {
    legalName: 'Fintech Exemplo Ltda',
    taxIdType: 'CNPJ',
    taxId: cnpj(),
    website: 'https://fintech.example',
    contacts: [
      { name: 'Ana Souza', email: 'ana@fintech.example', role: 'technical' },
      { name: 'Bruno Lima', email: 'bruno@fintech.example', role: 'business' },
    ],
    standards: ['OFB', 'FDX'],
    ...overrides,
  };
}

let developers = 0;
/** A new developer of the marketplace at `url`, signed up, confirmed and logged in. */
const newDeveloper = (url = baseUrl) =>
  developer({ baseUrl: url }, `dev-${++developers}-${process.pid}@fintech.example`);

/** Enrolment through the API, by `web` (by default a developer of no organization yet). */
async function enrol(body: unknown, web?: HttpSession) {
  const by = web ?? (await newDeveloper());
  const res = await by.request('/api/organizations', { json: body });
  return {
    status: res.status,
    location: res.location,
    body: res.json(),
    web: by,
  };
}

function startMarketplace(durations: { reminderIntervalMs: number; reviewTimeoutMs: number }) {
  const app = createMarketplaceApp({
    logger: quietLogger,
    client,
    db,
    taskQueues: { onboarding: names.taskQueue },
    onboarding: { bankAdminsEmail: 'admins@bank.example', ...durations },
    // The portal only for its developers' accounts: nothing here reaches the other URLs.
    portal: {
      marketplaceUrl: 'http://marketplace.test',
      authIssuer: 'https://auth.test',
      gatewayUrl: 'https://gateway.test',
      support: { name: 'Support', email: 'developers@bank.example', phone: '', hours: '', website: '' },
      provisioning: { rotationOverlapMs: 1000, stepTimeoutMs: 1000, stepAttempts: 1 },
      secureCookies: false,
      sessionTtlMs: 30 * 60_000,
      devMailbox: true,
    },
  });
  return new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
}

beforeAll(async () => {
  db = await testDatabase(names.database);
  temporal = await testClient();
  client = temporal.client;
  worker = await startTestWorker(onboardingWorker({ models: db.models }, names.taskQueue));
  server = await startMarketplace({ reminderIntervalMs: 60 * 60_000, reviewTimeoutMs: 24 * 60 * 60_000 });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await closeServer(server);
  await worker?.stop();
  await temporal?.close();
  await db?.drop();
});

describe('organization enrolment', () => {
  it('records the enrolment, answers 201 with a readable resource, and waits for the bank', async () => {
    const body = enrolment({ taxId: '' });
    body.taxId = cnpj().replace(/^(\d{2})(\d{3})(\d{3})(\d{4})(\d{2})$/, '$1.$2.$3/$4-$5');
    const res = await enrol(body);

    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      legalName: 'Fintech Exemplo Ltda',
      taxIdType: 'CNPJ',
      taxId: body.taxId.replace(/\D/g, ''),
      standards: ['OFB', 'FDX'],
      status: 'PENDING_REVIEW',
    });
    expect(res.body).not.toHaveProperty('contacts');
    const id = res.body.organizationId as string;
    expect(res.location).toBe(`/api/organizations/${id}`);

    const read = await res.web.request(res.location!);
    expect(read.status).toBe(200);
    expect(read.json()).toMatchObject({
      organizationId: id,
      taxId: res.body.taxId,
      status: 'PENDING_REVIEW',
    });
    // The enrolling developer is its admin.
    expect((await res.web.request('/api/me')).json()).toMatchObject({
      organizationId: id,
      role: 'ORG_ADMIN',
    });

    const handle = client.workflow.getHandle(`onboarding-cnpj-${body.taxId.replace(/\D/g, '')}`);
    expect(await handle.query(stateQuery)).toMatchObject({
      organizationId: id,
      status: 'PENDING_REVIEW',
      remindersSent: 0,
    });

    // The organization's contacts and the bank's reviewers are told (right after the record is written).
    await eventually(async () => {
      const notes = await db.models.Notification.find({ organizationId: id }).lean();
      expect(notes.map((n) => `${n.template}:${n.to}`).sort()).toEqual([
        'enrolment-received:ana@fintech.example',
        'enrolment-received:bruno@fintech.example',
        'review-requested:admins@bank.example',
      ]);
    });
  });

  it('approves through the review update; the result shows in Temporal, the database and the search attributes', async () => {
    const res = await enrol(enrolment());
    const id = res.body.organizationId as string;
    const handle = client.workflow.getHandle(`onboarding-cnpj-${res.body.taxId as string}`);

    const state = await handle.executeUpdate(reviewUpdate, {
      args: [{ decision: 'APPROVED', reviewer: 'ops@bank.example' }],
    });
    expect(state).toMatchObject({
      status: 'APPROVED',
      review: { decision: 'APPROVED', reviewer: 'ops@bank.example' },
    });

    const result: OnboardingState = await handle.result();
    expect(result.status).toBe('APPROVED');
    const org = await db.models.Organization.findById(id).lean();
    expect(org).toMatchObject({
      status: 'APPROVED',
      review: { decision: 'APPROVED', reviewer: 'ops@bank.example' },
    });
    expect(
      await db.models.Notification.countDocuments({ organizationId: id, template: 'enrolment-approved' }),
    ).toBe(2);

    // What ops filter on in the Temporal UI (visibility is eventually consistent).
    const query = `OrganizationId = "${id}" AND OnboardingStatus = "APPROVED" AND Standard = "FDX"`;
    await eventually(async () => {
      const found: string[] = [];
      for await (const wf of client.workflow.list({ query })) found.push(wf.workflowId);
      expect(found).toEqual([handle.workflowId]);
    }, 60_000);

    await recordHistory('onboarding-approved', handle);
    // This run's history replays on the current workflow code.
    await Worker.runReplayHistory(
      {
        workflowsPath: onboardingWorker({ models: db.models }).workflowsPath,
        dataConverter: testDataConverter(),
      },
      await handle.fetchHistory(),
    );
  });

  it('rejects an invalid decision without touching the workflow, and needs a reason to reject', async () => {
    const res = await enrol(enrolment());
    const handle = client.workflow.getHandle(`onboarding-cnpj-${res.body.taxId as string}`);

    await expect(
      handle.executeUpdate(reviewUpdate, { args: [{ decision: 'MAYBE' as 'APPROVED', reviewer: 'ops' }] }),
    ).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(
      handle.executeUpdate(reviewUpdate, { args: [{ decision: 'REJECTED', reviewer: 'ops' }] }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
    expect((await handle.query(stateQuery)).status).toBe('PENDING_REVIEW');

    // Validator rejections leave no trace in the history: the workflow is as it was.
    const history = await handle.fetchHistory();
    const accepted = history.events?.map(
      (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name,
    );
    expect(accepted).toContain('enrolmentRecorded');
    expect(accepted).not.toContain('review');

    const state = await handle.executeUpdate(reviewUpdate, {
      args: [{ decision: 'REJECTED', reviewer: 'ops', reason: 'tax id does not match the registry' }],
    });
    expect(state.status).toBe('REJECTED');
    await expect(
      handle.executeUpdate(reviewUpdate, { args: [{ decision: 'APPROVED', reviewer: 'ops' }] }),
    ).rejects.toThrow(WorkflowUpdateFailedError);
  });

  it('takes the decision ops send as a signal from the Temporal UI', async () => {
    const res = await enrol(enrolment());
    const handle = client.workflow.getHandle(`onboarding-cnpj-${res.body.taxId as string}`);
    await handle.signal(reviewSignal, { decision: 'REJECTED', reviewer: 'ops' }); // no reason: ignored
    await handle.signal(reviewSignal, { decision: 'APPROVED', reviewer: 'ops@bank.example' });
    expect((await handle.result()).status).toBe('APPROVED');
  });

  it('refuses a second enrolment of the same tax id while one is pending, and lets a rejected one enrol again through its own admin only', async () => {
    const body = enrolment();
    const first = await enrol(body);
    expect(first.status).toBe(201);

    const again = await enrol(body, first.web);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ title: 'Already in an organization', status: 409 });
    const stranger = await newDeveloper();
    const squatting = await enrol(body, stranger);
    expect(squatting.status).toBe(409);
    expect(squatting.body).toMatchObject({ title: 'Already enrolled', status: 409 });

    const handle = client.workflow.getHandle(`onboarding-cnpj-${body.taxId}`);
    await handle.executeUpdate(reviewUpdate, {
      args: [{ decision: 'REJECTED', reviewer: 'ops', reason: 'incomplete' }],
    });
    await handle.result();

    // Another developer cannot take the rejected organization over, nor rewrite its record.
    const takeover = await enrol(
      { ...body, legalName: 'Outra Empresa Ltda', website: 'https://attacker.example' },
      stranger,
    );
    expect(takeover.status).toBe(409);
    expect(takeover.body).toMatchObject({ title: 'Already enrolled' });
    expect(await db.models.Organization.findById(first.body.organizationId).lean()).toMatchObject({
      legalName: 'Fintech Exemplo Ltda',
      website: 'https://fintech.example',
      status: 'REJECTED',
    });
    expect((await stranger.request('/api/me')).json()).toMatchObject({ organizationId: null });

    const retry = await enrol({ ...body, legalName: 'Fintech Exemplo S.A.' }, first.web);
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({
      organizationId: first.body.organizationId,
      legalName: 'Fintech Exemplo S.A.',
      status: 'PENDING_REVIEW',
    });
    expect(retry.body).not.toHaveProperty('review');
    expect(await db.models.Organization.countDocuments({ taxId: body.taxId })).toBe(1);
  });

  it('enrols only for a logged-in developer, and shows an organization, its tax id and the review, to its own developers only', async () => {
    const body = enrolment();
    const anonymous = new HttpSession(baseUrl);
    const refused = await anonymous.request('/api/organizations', { json: body });
    expect(refused.status).toBe(401);
    expect(refused.contentType).toMatch(/^application\/problem\+json/);
    expect(await db.models.Organization.countDocuments({ taxId: body.taxId })).toBe(0);
    await expect(client.workflow.getHandle(`onboarding-cnpj-${body.taxId}`).describe()).rejects.toThrow();

    const own = await enrol(body);
    const id = own.body.organizationId as string;
    await client.workflow.getHandle(`onboarding-cnpj-${body.taxId}`).executeUpdate(reviewUpdate, {
      args: [{ decision: 'REJECTED', reviewer: 'ops', reason: 'no licence' }],
    });
    const mine = await own.web.request(`/api/organizations/${id}`);
    expect(mine.json()).toMatchObject({ taxId: body.taxId, review: { reason: 'no licence' } });

    // Anyone else: not found, whether it exists or not; without a session, a log-in is asked for.
    const other = await newDeveloper();
    const theirs = await other.request(`/api/organizations/${id}`);
    expect(theirs.status).toBe(404);
    expect(theirs.text).not.toContain(body.taxId);
    expect(theirs.text).not.toContain('no licence');
    expect((await other.request('/api/organizations/no-such-id')).json()).toEqual(theirs.json());
    const unknown = await anonymous.request(`/api/organizations/${id}`);
    expect(unknown.status).toBe(401);
    expect(unknown.text).not.toContain(body.taxId);

    // A form posted across sites carries the cookie but cannot be JSON: refused before it is read.
    const form = await other.request('/api/organizations', { form: { legalName: 'X' } });
    expect(form.status).toBe(415);
  });

  it('answers bad input with problem details naming each field, and writes nothing', async () => {
    const before = await db.models.Organization.countDocuments();
    const res = await enrol(
      enrolment({ taxId: '11.222.333/0001-80', website: 'http://insecure.example', standards: [] }),
    );
    expect(res.status).toBe(400);
    expect(res.body.title).toBe('Invalid enrolment');
    const fields = (res.body.errors as { field: string }[]).map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['website', 'standards']));

    const badTaxId = await enrol(enrolment({ taxId: '11.222.333/0001-80' }));
    expect(badTaxId.status).toBe(400);
    expect(badTaxId.body.errors).toEqual([{ field: 'taxId', message: 'is not a valid CNPJ' }]);

    const { cookies } = await newDeveloper();
    const malformed = await fetch(`${baseUrl}/api/organizations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; '),
      },
      body: '{"legalName":',
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await db.models.Organization.countDocuments()).toBe(before);
  });
});

describe('review timers', () => {
  let shortServer: Server;
  let shortUrl: string;
  beforeAll(async () => {
    shortServer = await startMarketplace({ reminderIntervalMs: 1000, reviewTimeoutMs: 3500 });
    shortUrl = `http://127.0.0.1:${(shortServer.address() as AddressInfo).port}`;
  });
  afterAll(() => closeServer(shortServer));

  it('reminds the reviewers on a timer and expires the enrolment when nobody decides', async () => {
    const web = await newDeveloper(shortUrl);
    const res = await web.request('/api/organizations', { json: enrolment() });
    expect(res.status).toBe(201);
    const body = res.json<{ organizationId: string; taxId: string }>();
    const handle = client.workflow.getHandle(`onboarding-cnpj-${body.taxId}`);
    const result = await handle.result();
    await recordHistory('onboarding-expired', handle);
    expect(result).toMatchObject({ status: 'EXPIRED', remindersSent: 3 });
    expect(await db.models.Organization.findById(body.organizationId).lean()).toMatchObject({
      status: 'EXPIRED',
    });
    expect(
      await db.models.Notification.countDocuments({
        organizationId: body.organizationId,
        template: 'review-reminder',
      }),
    ).toBe(3);
    expect(
      await db.models.Notification.countDocuments({
        organizationId: body.organizationId,
        template: 'enrolment-expired',
      }),
    ).toBe(2);
  });
});
