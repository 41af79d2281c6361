// Nothing personal in clear in Temporal: a consent's CPF (and its business's CNPJ) travel through
// its workflow's input, updates, query answers, activity calls and result, and what Temporal keeps
// of them is ciphertext; anyone reading the history without the platform's key (the Temporal UI,
// the CLI, a client without the codec) finds neither. The platform's client reads the consent as
// always, and the bank's staff read the payloads through the console's codec server, others not.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import type { Page } from 'playwright-core';
import { lodgeOfbConsent } from '../../../workflows/consent-client.js';
import { seedDemoStaff } from '../../../api/bank-console/demo-staff.js';
import { ENCRYPTED_ENCODING } from '../../../lib/crypto/payload-codec.js';
import { consentWorker } from '../../../workers/consent.js';
import {
  authoriseUpdate,
  extendUpdate,
  revokeUpdate,
  stateQuery,
  type ConsentState,
} from '../../../workflows/consent-types.js';
import { launchBrowser, withScreenshot } from '../../helpers/browser.js';
import { HttpSession, staffSession, startConsoles, TEST_TEMPORAL_UI } from '../../helpers/consoles.js';
import { testServers, uniqueNames } from '../../helpers/env.js';
import { recordHistory } from '../../helpers/histories.js';
import { everyText, testPayloadCodec } from '../../helpers/payload-codec.js';
import { startTestWorker, testClient, testDatabase } from '../../helpers/platform.js';

const names = uniqueNames(import.meta.url);
const CPF = '52998224725';
const CPF_FORMATTED = '529.982.247-25';
const CNPJ = '11222333000181';
const CLIENT_ID = `client-${names.prefix}`;

let db: Awaited<ReturnType<typeof testDatabase>>;
let temporal: Awaited<ReturnType<typeof testClient>>;
let worker: Awaited<ReturnType<typeof startTestWorker>>;
let consoles: Awaited<ReturnType<typeof startConsoles>>;
/** A client without the platform's codec: what the Temporal UI or CLI alone can see. */
let raw: { client: Client; connection: Connection };
let consent: ConsentState;
let history: Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

/** Temporal's codec server JSON for a payload: metadata values and data in base64. */
const payloadJson = (p: Payload) => ({
  metadata: Object.fromEntries(
    Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
  ),
  data: Buffer.from(p.data ?? new Uint8Array()).toString('base64'),
});
const jsonText = (p: { data: string }) => Buffer.from(p.data, 'base64').toString('utf8');
const encodingOf = (p: { metadata: Record<string, string> }) =>
  Buffer.from(p.metadata.encoding!, 'base64').toString('utf8');

beforeAll(async () => {
  db = await testDatabase(names.database);
  temporal = await testClient();
  worker = await startTestWorker(consentWorker({ models: db.models }, names.taskQueue));
  const { temporalAddress, namespace } = testServers();
  const connection = await Connection.connect({ address: temporalAddress });
  raw = { connection, client: new Client({ connection, namespace }) };
  await seedDemoStaff(db.models);
  consoles = await startConsoles({ client: temporal.client, db, taskQueue: names.taskQueue });

  // A consent lived through: lodged (CPF, CNPJ), authorised, renewed by the same user, revoked.
  const client = temporal.client;
  const lodged = await lodgeOfbConsent(
    { client, taskQueue: names.taskQueue, bankId: 'testbank', authorisationWindowMs: 3_600_000 },
    {
      clientId: CLIENT_ID,
      permissions: ['ACCOUNTS_READ', 'RESOURCES_READ'],
      loggedUserDocument: CPF,
      businessEntityDocument: CNPJ,
      expirationDateTime: new Date(Date.now() + 10 * 86_400_000),
    },
  );
  const handle = client.workflow.getHandle<(input: unknown) => Promise<ConsentState>>(lodged.consentId);
  await handle.executeUpdate(authoriseUpdate, {
    args: [{ customerId: 'cust-payloads', accountIds: ['acc-1'], actor: 'customer:cust-payloads' }],
  });
  await handle.executeUpdate(extendUpdate, {
    args: [
      {
        actor: CLIENT_ID,
        expirationDateTime: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        loggedUserDocument: CPF,
        businessEntityDocument: CNPJ,
        requestDateTime: new Date().toISOString(),
        xFapiCustomerIpAddress: '203.0.113.7',
        xCustomerUserAgent: 'test',
      },
    ],
  });
  await handle.query(stateQuery);
  await handle.executeUpdate(revokeUpdate, {
    args: [{ rejectedBy: 'USER', actor: 'customer:cust-payloads' }],
  });
  consent = await handle.result();
  // Replayed by test/unit/workflow-replay.test.ts beside the histories from before the codec.
  await recordHistory('consent-encrypted-extended-revoked', handle);
  history = await raw.client.workflow.getHandle(lodged.consentId).fetchHistory();
});

afterAll(async () => {
  await consoles?.stop();
  await raw?.connection.close();
  await worker?.stop();
  await temporal?.close();
  await db?.drop();
});

describe('consent workflow payloads in Temporal', () => {
  it('are read by the platform as always', () => {
    expect(consent).toMatchObject({
      status: 'REJECTED',
      loggedUserDocument: CPF,
      businessEntityDocument: CNPJ,
      extensions: [expect.objectContaining({ loggedUserDocument: CPF })],
    });
  });

  it('hold no CPF or CNPJ in clear anywhere in the history', () => {
    const text = everyText(history).join('\n');
    // The walk reads payload bytes: the ClientId search attribute (an id, not encrypted) is there.
    expect(text).toContain(CLIENT_ID);
    expect(text).toContain(ENCRYPTED_ENCODING);
    for (const personal of [CPF, CPF_FORMATTED, CNPJ]) expect(text).not.toContain(personal);
    // Search attributes are not encrypted: they name ids, states and dates only.
    const attributes = history.events!.flatMap((e) =>
      Object.keys(
        (e.workflowExecutionStartedEventAttributes ?? e.upsertWorkflowSearchAttributesEventAttributes)
          ?.searchAttributes?.indexedFields ?? {},
      ),
    );
    expect(new Set(attributes)).toEqual(
      new Set([
        'ClientId',
        'ConsentStatus',
        'ConsentLifecycle',
        'Standard',
        'CustomerId',
        'ConsentExpiresAt',
      ]),
    );
  });

  it('cannot be read by a client without the key', async () => {
    const handle = raw.client.workflow.getHandle(consent.consentId);
    await expect(handle.result()).rejects.toThrow(/binary\/encrypted/);
  });

  it('hold no CPF in what the Temporal UI shows', async () => {
    const ui = testServers().temporalUiUrl;
    if (!ui) return; // an outside Temporal server (TEMPORAL_ADDRESS) without the UI
    const res = await fetch(
      `${ui}/api/v1/namespaces/${testServers().namespace}/workflows/${encodeURIComponent(consent.consentId)}/history`,
    );
    expect(res.status).toBe(200);
    const strings = everyText(await res.json());
    // The UI's API sends payload bytes in base64: read each string both ways.
    const text = strings.flatMap((s) => [s, Buffer.from(s, 'base64').toString('latin1')]).join('\n');
    expect(text).toContain(CLIENT_ID);
    for (const personal of [CPF, CPF_FORMATTED, CNPJ]) expect(text).not.toContain(personal);
  });
});

describe("the console's codec server for the Temporal UI", () => {
  const origin = TEST_TEMPORAL_UI;
  const input = () => {
    const started = history.events!.find((e) => e.workflowExecutionStartedEventAttributes)!;
    return started.workflowExecutionStartedEventAttributes!.input!.payloads!.map(payloadJson);
  };
  const call = (
    session: HttpSession,
    path: string,
    payloads: unknown[],
    headers: Record<string, string> = {},
  ) =>
    session.request(path, {
      json: { payloads },
      headers: { origin, 'x-namespace': testServers().namespace, ...headers },
    });

  it('decodes the workflow payloads for the bank staff, from the UI origin', async () => {
    const viewer = await staffSession(consoles.baseUrl, {
      email: 'viewer@bank.example',
      password: 'viewer-demo-2026',
    });
    const encrypted = input();
    expect(encodingOf(encrypted[0]!)).toBe(ENCRYPTED_ENCODING);
    const res = await call(viewer, '/admin/temporal-codec/decode', encrypted);
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(origin);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    const [decoded] = res.json<{ payloads: { metadata: Record<string, string>; data: string }[] }>().payloads;
    expect(encodingOf(decoded!)).toBe('json/plain');
    expect(JSON.parse(jsonText(decoded!))).toMatchObject({
      state: { consentId: consent.consentId, loggedUserDocument: CPF },
    });

    // The CLI's form, the namespace in the path (`--codec-endpoint …/temporal-codec/{namespace}`).
    const cli = await viewer.request(`/admin/temporal-codec/${testServers().namespace}/decode`, {
      json: { payloads: encrypted },
    });
    expect(cli.status).toBe(200);
    expect(jsonText(cli.json<{ payloads: { data: string }[] }>().payloads[0]!)).toContain(CPF);
  });

  it('refuses anyone not logged in to the console, VIEW staff encoding, and other namespaces', async () => {
    const anonymous = new HttpSession(consoles.baseUrl);
    const refused = await call(anonymous, '/admin/temporal-codec/decode', input());
    expect(refused.status).toBe(401);
    expect(refused.text).not.toContain(CPF);
    // The UI can tell why: the refusal carries the CORS headers too.
    expect(refused.headers.get('access-control-allow-origin')).toBe(origin);

    const viewer = await staffSession(consoles.baseUrl, {
      email: 'viewer@bank.example',
      password: 'viewer-demo-2026',
    });
    const plain = [
      {
        metadata: { encoding: Buffer.from('json/plain').toString('base64') },
        data: Buffer.from('"x"').toString('base64'),
      },
    ];
    expect((await call(viewer, '/admin/temporal-codec/encode', plain)).status).toBe(403);
    const elsewhere = await call(viewer, '/admin/temporal-codec/decode', input(), {
      'x-namespace': 'another',
    });
    expect(elsewhere.status).toBe(404);
  });

  it('encodes for ADMIN staff with the platform key, and names an altered payload', async () => {
    const admin = await staffSession(consoles.baseUrl, {
      email: 'admin@bank.example',
      password: 'admin-demo-2026',
    });
    const plain = [
      {
        metadata: { encoding: Buffer.from('json/plain').toString('base64') },
        data: Buffer.from(JSON.stringify({ cpf: CPF })).toString('base64'),
      },
    ];
    const res = await call(admin, '/admin/temporal-codec/encode', plain);
    expect(res.status).toBe(200);
    const [encoded] = res.json<{ payloads: { metadata: Record<string, string>; data: string }[] }>().payloads;
    expect(encodingOf(encoded!)).toBe(ENCRYPTED_ENCODING);
    expect(jsonText(encoded!)).not.toContain(CPF);
    const [back] = await testPayloadCodec().decode([
      {
        metadata: Object.fromEntries(
          Object.entries(encoded!.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')]),
        ),
        data: Buffer.from(encoded!.data, 'base64'),
      },
    ]);
    expect(Buffer.from(back!.data!).toString()).toBe(JSON.stringify({ cpf: CPF }));

    const altered = {
      ...encoded!,
      data: Buffer.from(Buffer.from(encoded!.data, 'base64').map((b, i) => (i === 20 ? b ^ 1 : b))).toString(
        'base64',
      ),
    };
    const tampered = await call(admin, '/admin/temporal-codec/decode', [altered]);
    expect(tampered.status).toBe(422);
    expect(tampered.json()).toMatchObject({ detail: expect.stringMatching(/integrity check/) });
  });

  it("answers the browser's preflight for the UI's origin only", async () => {
    const preflight = (from: string) =>
      fetch(`${consoles.baseUrl}/admin/temporal-codec/decode`, {
        method: 'OPTIONS',
        headers: {
          origin: from,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type,x-namespace',
        },
      });
    const ok = await preflight(origin);
    expect(ok.status).toBe(204);
    expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
    expect(ok.headers.get('access-control-allow-headers')).toMatch(/x-namespace/);
    const other = await preflight('https://attacker.example');
    expect(other.status).toBe(403);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the Temporal UI in Chromium', () => {
  it("shows the CPF to staff logged in to the console, decoded by the console's codec server, and to no one else", async () => {
    const ui = testServers().temporalUiUrl;
    if (!ui) return; // an outside Temporal server (TEMPORAL_ADDRESS) without the UI
    const bank = await startConsoles(
      { client: temporal.client, db, taskQueue: names.taskQueue },
      { temporalUiUrl: ui },
    );
    const browser = await launchBrowser();
    const workflowPage = `${ui}/namespaces/${testServers().namespace}/workflows/${encodeURIComponent(consent.consentId)}`;
    /**
     * The UI with the console as its codec server and cookies included: what staff set once in the
     * UI's codec server settings (their browser's setting, "include cross-origin credentials").
     */
    const openInUi = async (page: Page) => {
      await page.goto(ui);
      await page.evaluate((endpoint) => {
        const { localStorage } = globalThis as unknown as {
          localStorage: { setItem(key: string, value: string): void };
        };
        localStorage.setItem('endpoint', JSON.stringify(endpoint));
        localStorage.setItem('includeCredentials', 'true');
        localStorage.setItem('overrideRemoteCodecConfiguration', 'true');
      }, `${bank.baseUrl}/admin/temporal-codec`);
      const decoded = page.waitForResponse((r) => r.url().endsWith('/admin/temporal-codec/decode'));
      await page.goto(workflowPage);
      return (await decoded).status();
    };
    try {
      const staff = await browser.newPage();
      await withScreenshot(staff, 'temporal-ui-codec-staff', async () => {
        await staff.goto(`${bank.baseUrl}/admin/login`);
        await staff.getByLabel('Email').fill('viewer@bank.example');
        await staff.getByLabel('Password').fill('viewer-demo-2026');
        await staff.getByRole('button', { name: 'Log in' }).click();
        await staff.waitForURL((url) => !url.pathname.endsWith('/login'));
        expect(await openInUi(staff)).toBe(200);
        await staff.getByText(CPF).first().waitFor({ timeout: 60_000 });
      });

      const outsider = await (await browser.newContext()).newPage();
      await withScreenshot(outsider, 'temporal-ui-codec-outsider', async () => {
        expect(await openInUi(outsider)).toBe(401);
        // The UI says the codec server refused, and shows the payloads as Temporal holds them.
        await outsider
          .locator('#content')
          .getByText('Codec Server could not connect')
          .waitFor({ timeout: 60_000 });
        await outsider.getByText(Buffer.from(ENCRYPTED_ENCODING).toString('base64')).first().waitFor();
        expect(await outsider.content()).not.toContain(CPF);
      });
    } finally {
      await browser.close();
      await bank.stop();
    }
  });
});
