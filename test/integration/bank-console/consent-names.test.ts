// The console speaks in names: a consent's recipient by its organization's legal name (or the
// name a client registered outside the marketplace gave), its customer by name with the CPF
// masked, in the list, the detail, the audit trail, the JSON API and the CSV; and the links
// between a consent, its recipient's organization and application lead to the right pages.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { DEMO_STAFF, seedDemoStaff } from '../../../api/bank-console/demo-staff.js';
import { bankConsoleRouter } from '../../../api/bank-console/index.js';
import { applicationService } from '../../../api/marketplace/applications/service.js';
import { subscriptionService } from '../../../api/marketplace/subscriptions/service.js';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { clientIdFor } from '../../../db/models/application.js';
import { problemErrorHandler, sendProblem } from '../../../lib/http/problem.js';
import { closeServer, createComponentApp } from '../../../lib/http/server.js';
import { consentWorker } from '../../../workers/consent.js';
import { lodgeFdxConsent, lodgeOfbConsent } from '../../../workflows/consent-client.js';
import { authoriseUpdate, type ConsentState } from '../../../workflows/consent-types.js';
import type { HttpSession } from '../../helpers/consoles.js';
import { pageText, staffSession, TEST_TEMPORAL_UI } from '../../helpers/consoles.js';
import { uniqueNames } from '../../helpers/env.js';
import { quietLogger, startTestWorker, testClient, testDatabase } from '../../helpers/platform.js';
import { validCnpj } from '../../helpers/tax-ids.js';

const names = uniqueNames(import.meta.url);
const [ADMIN] = DEMO_STAFF as [(typeof DEMO_STAFF)[0]];
const ANA = DEMO_CUSTOMERS[0]!;
const ANA_CPF_MASKED = '***.982.247-**';
const LEGAL_NAME = 'Fintech Exemplo Pagamentos Ltda';
const DCR_NAME = 'Registered Elsewhere App';
const WINDOW_MS = 20 * 365 * 86_400_000;

let db: Awaited<ReturnType<typeof testDatabase>>;
let temporal: Awaited<ReturnType<typeof testClient>>;
let client: Client;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let server: Server;
let staff: HttpSession;

const orgId = randomUUID();
const appId = randomUUID();
const marketplaceClient = clientIdFor(appId);
const dcrClient = `${names.prefix}-dcr`;
const unknownClient = `${names.prefix}-unknown`;
const ids: Record<string, string> = {};

const authorise = (s: ConsentState, customerId: string) =>
  client.workflow.getHandle(s.consentId).executeUpdate(authoriseUpdate, {
    args: [{ customerId, accountIds: ['acc-1'], actor: `customer:${customerId}` }],
  });

const lodgeOfb = (clientId: string) =>
  lodgeOfbConsent(
    { client, taskQueue: names.taskQueue, bankId: 'bank', authorisationWindowMs: WINDOW_MS },
    {
      clientId,
      permissions: ['ACCOUNTS_READ', 'RESOURCES_READ'],
      loggedUserDocument: ANA.cpf,
    },
  );

/** A page's text, with "( its consents )" read as "(its consents)". */
const textOf = (html: string) => pageText(html).replace(/\(\s+/g, '(').replace(/\s+\)/g, ')');
const detailPath = (id: string) => `/admin/consents/${encodeURIComponent(id)}`;
/** The consents a list page links to, in order. */
const listed = (html: string) =>
  [...html.matchAll(/href="\/admin\/consents\/([^"/]+)"/g)].map((m) => decodeURIComponent(m[1]!));
/** The href of the link with this text. */
const hrefOf = (html: string, text: string) => {
  const match = new RegExp(
    `<a\\s+href="([^"]+)"[^>]*>\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/'/g, "(?:'|&#39;)")}\\s*</a\\s*>`,
  ).exec(html);
  if (!match) throw new Error(`no link "${text}" in the page`);
  return match[1]!.replace(/&amp;/g, '&');
};

beforeAll(async () => {
  db = await testDatabase(names.database);
  temporal = await testClient();
  client = temporal.client;
  worker = await startTestWorker(consentWorker({ models: db.models }, names.taskQueue));

  await db.models.Organization.create({
    _id: orgId,
    legalName: LEGAL_NAME,
    taxId: validCnpj(),
    taxIdType: 'CNPJ',
    website: 'https://fintech.example',
    contacts: [{ name: 'Ana Souza', email: 'ana@fintech.example', role: 'technical' }],
    standards: ['OFB', 'FDX'],
    status: 'APPROVED',
    workflowId: `onboarding-${orgId}`,
    submittedAt: new Date(),
  });
  await db.models.Application.create({
    _id: appId,
    organizationId: orgId,
    name: 'Budget app',
    standard: 'OFB',
    redirectUris: ['https://fintech.example/callback'],
    tokenEndpointAuthMethod: 'private_key_jwt',
    createdBy: 'dev@fintech.example',
    workflowId: `provisioning-${appId}`,
    client: { status: 'ACTIVE', clientId: marketplaceClient, scopes: ['consents'] },
  });
  await db.models.OidcRecord.create({
    _id: `Client:${dcrClient}`,
    model: 'Client',
    payload: JSON.stringify({ client_id: dcrClient, client_name: DCR_NAME }),
  });
  await db.models.Customer.create({
    _id: ANA._id,
    username: ANA.username,
    type: ANA.type,
    name: ANA.name,
    email: ANA.email,
    cpf: ANA.cpf,
    passwordHash: 'unused: never logs in',
    failedAttempts: 0,
  });

  for (const [key, clientId] of [
    ['marketplace', marketplaceClient],
    ['dcr', dcrClient],
    ['unknown', unknownClient],
  ] as const) {
    const consent = await lodgeOfb(clientId);
    await authorise(consent, ANA._id);
    ids[key] = consent.consentId;
  }
  const fdx = await lodgeFdxConsent(
    { client, taskQueue: names.taskQueue, authorisationWindowMs: WINDOW_MS },
    {
      clientId: marketplaceClient,
      terms: {
        durationType: 'PERSISTENT',
        lookbackPeriod: 90,
        resources: [{ resourceType: 'ACCOUNT', dataClusters: ['ACCOUNT_DETAILED'] }],
      },
    },
  );
  await authorise(fdx, ANA._id);
  ids.fdx = fdx.consentId;

  const subscriptions = subscriptionService({ client, models: db.models });
  const applications = applicationService({
    client,
    models: db.models,
    taskQueue: `${names.taskQueue}-provisioning`,
    workflow: { rotationOverlapMs: 3000, stepTimeoutMs: 10000, stepAttempts: 1 },
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
      marketplace: { subscriptions, applications },
    }),
  );
  app.use((_req, res) => sendProblem(res, 404, 'Not found'));
  app.use(problemErrorHandler);
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  await seedDemoStaff(db.models);
  staff = await staffSession(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, ADMIN);
}, 120_000);

afterAll(async () => {
  if (server) await closeServer(server);
  await worker?.stop();
  await temporal?.close();
  await db?.drop();
});

describe('the consent list', () => {
  it("names each recipient by its organization's legal name or registered name, and the customer with the CPF masked", async () => {
    const page = await staff.request(`/admin/consents?customerId=${ANA._id}`);
    expect(page.status).toBe(200);
    expect(listed(page.text)).toEqual(
      expect.arrayContaining([ids.marketplace, ids.dcr, ids.unknown, ids.fdx]),
    );
    const rows = pageText(page.text);
    expect(rows).toContain(`${LEGAL_NAME} Ana Souza CPF ${ANA_CPF_MASKED}`);
    expect(rows).toContain(`${DCR_NAME} Ana Souza CPF ${ANA_CPF_MASKED}`);
    // A client nobody named is shown by its id: there is nothing else to call it.
    expect(rows).toContain(`${unknownClient} Ana Souza CPF ${ANA_CPF_MASKED}`);
    // FDX: no Brazilian document, the customer id masked.
    expect(rows).toContain(`${LEGAL_NAME} Ana Souza id ***0001`);
    expect(page.text).not.toContain(marketplaceClient);
    expect(page.text).not.toContain(ANA.cpf);
    expect(page.text).toContain(`href="/admin/organizations/${orgId}"`);
  });

  it('lists the consents of one organization, named', async () => {
    const page = await staff.request(`/admin/consents?organizationId=${orgId}`);
    expect(page.status).toBe(200);
    expect(pageText(page.text)).toContain(`Consents with ${LEGAL_NAME}.`);
    expect(listed(page.text).sort()).toEqual([ids.marketplace, ids.fdx].sort());
  });
});

describe('a consent', () => {
  it('shows its recipient, organization and application by name, linked, and its customer masked', async () => {
    const page = await staff.request(detailPath(ids.marketplace!));
    expect(page.status).toBe(200);
    const text = textOf(page.text);
    expect(text).toContain(`Recipient ${LEGAL_NAME} ${marketplaceClient}`);
    expect(text).toContain(`Recipient organization ${LEGAL_NAME} (its consents)`);
    expect(text).toContain('Application Budget app (its consents)');
    expect(text).toContain(`Customer Ana Souza CPF ${ANA_CPF_MASKED} (their consents)`);
    // The audit trail names its actors: the recipient that lodged it, the customer who authorised it.
    expect(text).toContain(`${LEGAL_NAME} ${marketplaceClient} lodge — AWAITING_AUTHORISATION`);
    expect(text).toMatch(/ Ana Souza \(customer\) authorise AWAITING_AUTHORISATION AUTHORISED/);
    expect(text).toContain(
      `Every authorised consent of Ana Souza, CPF ${ANA_CPF_MASKED}, with every recipient.`,
    );
    expect(page.text).not.toContain(ANA.cpf);
    expect(page.text).not.toContain(`customer:${ANA._id}`);
  });

  it('links to its organization and application pages, and those link back to their consents', async () => {
    const page = (await staff.request(detailPath(ids.marketplace!))).text;
    const orgHref = hrefOf(page, LEGAL_NAME);
    const appHref = hrefOf(page, 'Budget app');
    expect(orgHref).toBe(`/admin/organizations/${orgId}`);
    expect(appHref).toBe(`/admin/applications/${appId}`);

    const org = await staff.request(orgHref);
    expect(org.status).toBe(200);
    expect(pageText(org.text)).toContain(LEGAL_NAME);
    const orgConsents = await staff.request(hrefOf(org.text, "its applications' consents"));
    expect(orgConsents.status).toBe(200);
    expect(listed(orgConsents.text).sort()).toEqual([ids.marketplace, ids.fdx].sort());

    const app = await staff.request(appHref);
    expect(app.status).toBe(200);
    expect(pageText(app.text)).toContain(`Organization ${LEGAL_NAME}`);
    const appConsentsHref = hrefOf(app.text, "Its customers' consents");
    expect(appConsentsHref).toBe(`/admin/consents?clientId=${marketplaceClient}`);
    const appConsents = await staff.request(appConsentsHref);
    expect(pageText(appConsents.text)).toContain(`Consents with ${LEGAL_NAME}.`);
    expect(listed(appConsents.text).sort()).toEqual([ids.marketplace, ids.fdx].sort());

    // The detail's own "its consents" links lead to the same lists.
    expect(hrefOf(page, 'its consents')).toBe(`/admin/consents?organizationId=${orgId}`);
  });

  it('names a client registered outside the marketplace by its registered name', async () => {
    const text = textOf((await staff.request(detailPath(ids.dcr!))).text);
    expect(text).toContain(`Recipient ${DCR_NAME} ${dcrClient}`);
    expect(text).toContain('Registration Outside the marketplace (dynamic client registration)');
  });
});

describe('the JSON API and the CSV export', () => {
  it('keep the ids beside the names and never the CPF in clear', async () => {
    const api = await staff.request(`/admin/api/consents/${encodeURIComponent(ids.marketplace!)}`);
    expect(api.status).toBe(200);
    expect(api.json()).toMatchObject({
      clientId: marketplaceClient,
      recipient: {
        name: LEGAL_NAME,
        organizationId: orgId,
        organizationName: LEGAL_NAME,
        applicationId: appId,
        applicationName: 'Budget app',
      },
      customerId: ANA._id,
      customer: { name: 'Ana Souza', documents: [`CPF ${ANA_CPF_MASKED}`] },
    });
    expect(api.text).not.toContain(ANA.cpf);

    const list = await staff.request(`/admin/api/consents?clientId=${dcrClient}`);
    expect(list.json<{ data: { recipient: { name: string; organizationId: null } }[] }>().data).toEqual([
      expect.objectContaining({
        recipient: expect.objectContaining({ name: DCR_NAME, organizationId: null }),
      }),
    ]);

    const csv = await staff.request(`/admin/consents.csv?organizationId=${orgId}`);
    expect(csv.status).toBe(200);
    const [header, ...rows] = csv.text.trimEnd().split('\r\n');
    expect(header!.split(',').slice(-5)).toEqual([
      'recipientName',
      'organizationId',
      'applicationId',
      'customerName',
      'customerDocuments',
    ]);
    expect(rows.map((r) => r.split(',').slice(-5))).toEqual(
      expect.arrayContaining([
        [LEGAL_NAME, orgId, appId, 'Ana Souza', `CPF ${ANA_CPF_MASKED}`],
        [LEGAL_NAME, orgId, appId, 'Ana Souza', 'id ***0001'],
      ]),
    );
    expect(csv.text).not.toContain(ANA.cpf);
  });
});

describe('insights', () => {
  it('name the recipient whose numbers they are, its id secondary', async () => {
    const page = await staff.request(`/admin/insights?granularity=day&clientId=${marketplaceClient}`);
    expect(page.status).toBe(200);
    expect(pageText(page.text)).toContain(`recipient ${LEGAL_NAME} ${marketplaceClient}`);
  });
});
