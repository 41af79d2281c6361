// A developer's way to the first API call in the portal: the home's getting-started checklist turns
// each step done as it happens (enrolment, the bank's approval, a subscription, an ACTIVE client, a
// first successful call — a refused one does not count); the application's request log lists its
// client's calls, refused ones too, newest first, with status, interaction id and latency, as a
// page and as CSV; unsubscribing and deprovisioning each need their confirmation page's form.
// The calls are answered over HTTP through the gateway's own call recorder (api/gateway/analytics.ts)
// and written by its event writer, as the gateway does.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { recordCalls, type GatewayCallEvent } from '../../../api/gateway/analytics.js';
import { EventBuffer } from '../../../lib/analytics/event-buffer.js';
import { writeEvents } from '../../../lib/analytics/write-events.js';
import { onboardingWorkflowId } from '../../../workflows/onboarding-client.js';
import { reviewUpdate } from '../../../workflows/onboarding-types.js';
import { hiddenField, pageText, type HttpSession } from '../../helpers/consoles.js';
import { uniqueNames } from '../../helpers/env.js';
import { eventually } from '../../helpers/eventually.js';
import { developer, startMarketplaceStack, type MarketplaceStack } from '../../helpers/marketplace.js';
import { validCnpj } from '../../helpers/tax-ids.js';

const names = uniqueNames(import.meta.url);
const ACCOUNTS = '/open-banking/accounts/v2/accounts';
let stack: MarketplaceStack;
let web: HttpSession;
let gateway: Server;
let gatewayUrl: string;
let events: EventBuffer<GatewayCallEvent>;
let applicationId: string;
let clientId: string;

beforeAll(async () => {
  stack = await startMarketplaceStack(names);
  web = await developer(stack, `start-${names.prefix}@fintech.example`);
  // A stand-in for the gateway's routes behind its call recorder: the access check names the
  // caller's token (as it does for refused calls too), the route answers with the interaction id.
  events = new EventBuffer<GatewayCallEvent>({
    capacity: 100,
    batchSize: 100,
    flushIntervalMs: 60_000,
    write: writeEvents(stack.db.models.AnalyticsEvent),
  });
  const app = express();
  app.use(recordCalls(events));
  app.get(ACCOUNTS, (req, res) => {
    res.locals.caller = { token: { clientId, scopes: [], exp: 0 } };
    res.setHeader('x-fapi-interaction-id', String(req.headers['x-fapi-interaction-id']));
    res.status(req.headers.authorization === 'Bearer good' ? 200 : 401).json({});
  });
  gateway = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => gateway.once('listening', resolve));
  gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => gateway?.close(resolve));
  await stack?.stop();
});

/** Each step of the home's checklist and its state (done, next, to do). */
async function checklist(): Promise<Record<string, string>> {
  const home = await web.request('/');
  expect(home.status).toBe(200);
  return Object.fromEntries(
    [...home.text.matchAll(/data-step="([\w-]+)" data-state="([\w ]+)"/g)].map((m) => [m[1], m[2]]),
  );
}

/** A gateway call of the application's client; its interaction id once recorded. */
async function call(token: 'good' | 'revoked'): Promise<{ status: number; interactionId: string }> {
  const interactionId = randomUUID();
  const res = await fetch(`${gatewayUrl}${ACCOUNTS}`, {
    headers: { authorization: `Bearer ${token}`, 'x-fapi-interaction-id': interactionId },
  });
  await res.text();
  await events.flush();
  return { status: res.status, interactionId };
}

describe('getting started', () => {
  it('turns each step of the checklist done as it happens', async () => {
    expect(await checklist()).toEqual({
      enrolled: 'next',
      approved: 'to do',
      subscribed: 'to do',
      client: 'to do',
      'first-call': 'to do',
    });

    const taxId = validCnpj();
    const org = await web.request('/organization');
    const enrolled = await web.request('/organization', {
      form: {
        csrf: hiddenField(org.text, 'csrf'),
        legalName: 'Fintech Primeiros Passos',
        taxIdType: 'CNPJ',
        taxId,
        website: 'https://passos.example',
        'standard-OFB': 'on',
      },
    });
    expect(enrolled.status).toBe(303);
    expect(await checklist()).toMatchObject({ enrolled: 'done', approved: 'next', subscribed: 'to do' });

    await stack.client.workflow.getHandle(onboardingWorkflowId('CNPJ', taxId)).executeUpdate(reviewUpdate, {
      args: [{ decision: 'APPROVED', reviewer: 'staff:admin@bank.example' }],
    });
    expect(await checklist()).toMatchObject({ approved: 'done', subscribed: 'next', client: 'to do' });

    const subs = await web.request('/subscriptions');
    const subscribed = await web.request('/subscriptions', {
      form: { csrf: hiddenField(subs.text, 'csrf'), productId: 'ofb-consents', planId: 'sandbox' },
    });
    expect(subscribed.status).toBe(303);
    expect(await checklist()).toMatchObject({ subscribed: 'done', client: 'next' });

    // An OFB organization's new application signs with private_key_jwt unless told otherwise.
    const form = await web.request('/apps/new');
    expect(form.text).toMatch(/<option\s+value="private_key_jwt"\s+selected\s*>/);
    applicationId = hiddenField(form.text, 'applicationId');
    const created = await web.request('/apps', {
      form: {
        csrf: hiddenField(form.text, 'csrf'),
        applicationId,
        name: 'Passos Budget',
        standard: 'OFB',
        redirectUris: 'https://passos.example/callback',
        tokenEndpointAuthMethod: 'private_key_jwt',
        source: 'generate',
        upload: '',
      },
    });
    expect(created.status).toBe(303);
    const app = await stack.db.models.Application.findById(applicationId).lean();
    expect(app?.client.status).toBe('ACTIVE');
    clientId = app!.client.clientId!;
    expect(await checklist()).toMatchObject({ client: 'done', 'first-call': 'next' });

    // A refused call is no first call.
    expect((await call('revoked')).status).toBe(401);
    expect(await checklist()).toMatchObject({ 'first-call': 'next' });
    expect((await call('good')).status).toBe(200);
    expect(await checklist()).toEqual({
      enrolled: 'done',
      approved: 'done',
      subscribed: 'done',
      client: 'done',
      'first-call': 'done',
    });
    expect(pageText((await web.request('/')).text)).toContain('All done');
  });
});

describe("an application's request log", () => {
  it('lists its calls newest first, refused ones too, with status, interaction id and latency', async () => {
    const refused = await call('revoked');
    const answered = await call('good');
    const appPage = await web.request(`/apps/${applicationId}`);
    expect(appPage.text).toContain(`href="/apps/${applicationId}/requests"`);

    const log = await web.request(`/apps/${applicationId}/requests`);
    expect(log.status).toBe(200);
    expect(log.headers.get('cache-control')).toBe('no-store');
    const rows = [...log.text.matchAll(/<tr>([\s\S]*?)<\/tr>/g)]
      .map((m) => [...m[1]!.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((c) => pageText(c[1]!)))
      .filter((cells) => cells.length === 5);
    expect(rows).toHaveLength(4);
    expect(
      rows.slice(0, 2).map(([, endpoint, status, interactionId]) => [endpoint, status, interactionId]),
    ).toEqual([
      [`GET ${ACCOUNTS}`, '200', answered.interactionId],
      [`GET ${ACCOUNTS}`, '401', refused.interactionId],
    ]);
    for (const [time, , , , latency] of rows) {
      expect(new Date(time!).toISOString()).toBe(time);
      expect(Number(latency)).toBeGreaterThanOrEqual(0);
    }

    const csv = await web.request(`/apps/${applicationId}/requests.csv`);
    expect(csv.status).toBe(200);
    expect(csv.contentType).toMatch(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).toBe('time,method,endpoint,status,x_fapi_interaction_id,latency_ms');
    expect(lines).toHaveLength(5);
    expect(lines[1]).toContain(`,GET,${ACCOUNTS},200,${answered.interactionId},`);
    expect(lines[2]).toContain(`,GET,${ACCOUNTS},401,${refused.interactionId},`);

    // Another developer's organization sees no log of it.
    const stranger = await developer(stack, `stranger-${names.prefix}@fintech.example`);
    expect((await stranger.request(`/apps/${applicationId}/requests`)).status).toBe(404);
    expect((await stranger.request(`/apps/${applicationId}/requests.csv`)).status).toBe(404);
  });
});

describe('unsubscribing', () => {
  it('ends a subscription only through its confirmation page', async () => {
    const subs = await web.request('/subscriptions');
    expect(subs.text).toContain('href="/subscriptions/ofb-consents/unsubscribe"');
    const csrf = hiddenField(subs.text, 'csrf');
    const path = '/subscriptions/ofb-consents/unsubscribe';

    // Not confirmed: to the confirmation page; a forged form: refused; nothing ends.
    const unconfirmed = await web.request(path, { form: { csrf } });
    expect([unconfirmed.status, unconfirmed.location]).toEqual([303, path]);
    expect((await web.request(path, { form: { csrf: 'forged', confirm: 'yes' } })).status).toBe(403);
    const active = await stack.db.models.Subscription.findOne({
      productId: 'ofb-consents',
      requestedBy: `start-${names.prefix}@fintech.example`,
    }).lean();
    expect(active?.status).toBe('ACTIVE');

    const confirm = await web.request(path);
    expect(confirm.status).toBe(200);
    expect(pageText(confirm.text)).toContain('Unsubscribe from OFB Consents?');
    const done = await web.request(path, {
      form: { csrf: hiddenField(confirm.text, 'csrf'), confirm: 'yes' },
    });
    expect([done.status, done.location]).toEqual([303, '/subscriptions']);
    expect(await stack.db.models.Subscription.findById(active!._id).lean()).toBeNull();
    expect(pageText((await web.request('/subscriptions')).text)).toContain('OFB Consents: unsubscribed.');
    // Nothing left to end.
    expect((await web.request(path)).status).toBe(404);
  });
});

describe('deprovisioning an application', () => {
  it('needs its confirmation page, then deletes the client', async () => {
    const page = await web.request(`/apps/${applicationId}`);
    expect(page.text).toContain(`href="/apps/${applicationId}/deprovision"`);
    const csrf = hiddenField(page.text, 'csrf');
    const path = `/apps/${applicationId}/deprovision`;

    const unconfirmed = await web.request(path, { form: { csrf } });
    expect([unconfirmed.status, unconfirmed.location]).toEqual([303, path]);
    expect((await web.request(path, { form: { csrf: 'forged', confirm: 'yes' } })).status).toBe(403);
    expect((await stack.db.models.Application.findById(applicationId).lean())?.client.status).toBe('ACTIVE');

    const confirm = await web.request(path);
    expect(confirm.status).toBe(200);
    expect(pageText(confirm.text)).toContain('Deprovision Passos Budget?');
    const done = await web.request(path, {
      form: { csrf: hiddenField(confirm.text, 'csrf'), confirm: 'yes' },
    });
    expect([done.status, done.location]).toEqual([303, `/apps/${applicationId}`]);
    await eventually(async () =>
      expect((await stack.db.models.Application.findById(applicationId).lean())?.client.status).toBe(
        'DEPROVISIONED',
      ),
    );
  });
});
