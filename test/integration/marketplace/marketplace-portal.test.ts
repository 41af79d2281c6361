// The developer portal over real HTTP: sign-up and email verification through the development
// mailbox, organization enrolment and the bank's review, subscriptions, applications whose clients
// the Discovery Agent registers at the real authorization server, invitations, and isolation
// between organizations. Every refusal is checked to leave nothing behind.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { GeneratedSecrets } from '../../../api/marketplace/applications/credentials.js';
import { clientCredentialsToken, tokenOutcome } from '../../helpers/client-credentials.js';
import { HttpSession, hiddenField, pageText } from '../../helpers/consoles.js';
import { onboardingWorkflowId } from '../../../workflows/onboarding-client.js';
import { reviewUpdate } from '../../../workflows/onboarding-types.js';
import { uniqueNames } from '../../helpers/env.js';
import { validCnpj } from '../../helpers/tax-ids.js';
import {
  approvedOrganization,
  developer,
  mailedLink,
  startMarketplaceStack,
  type MarketplaceStack,
} from '../../helpers/marketplace.js';

const names = uniqueNames(import.meta.url);
let stack: MarketplaceStack;

beforeAll(async () => {
  stack = await startMarketplaceStack(names);
});
afterAll(async () => {
  await stack?.stop();
});

const PASSWORD = 'correct horse battery';

describe('developer accounts', () => {
  it('signs up, refuses log-in until the email is verified, then logs in', async () => {
    const web = new HttpSession(stack.baseUrl);
    const form = await web.request('/signup');
    const csrf = hiddenField(form.text, 'csrf');

    const bad = await web.request('/signup', {
      form: { csrf, name: '', email: 'not-an-email', password: 'short' },
    });
    expect(bad.status).toBe(400);
    expect(pageText(bad.text)).toContain('email: must be an email address');
    expect(pageText(bad.text)).toContain('password: must have at least 12 characters');
    expect(await stack.db.models.Developer.countDocuments({ email: 'not-an-email' })).toBe(0);

    const email = 'verify-me@fintech.example';
    expect(
      (await web.request('/signup', { form: { csrf, name: 'Ana', email, password: PASSWORD } })).status,
    ).toBe(201);
    const login = await web.request('/login');
    const early = await web.request('/login', {
      form: { csrf: hiddenField(login.text, 'csrf'), email, password: PASSWORD },
    });
    expect(early.status).toBe(401);
    expect(pageText(early.text)).toContain('Confirm your email address first');

    const link = await mailedLink(stack, email, '/verify');
    expect((await web.request(link)).status).toBe(200);
    expect((await web.request(link)).status).toBe(400); // used once
    const ok = await web.request('/login', {
      form: { csrf: hiddenField(login.text, 'csrf'), email, password: PASSWORD },
    });
    expect(ok.status).toBe(303);
    const me = await web.request('/api/me');
    expect(me.json()).toMatchObject({ email, organizationId: null });
  });

  it('gives an unverified address to whoever signs up last and proves it', async () => {
    const email = 'claimed@fintech.example';
    const signUp = async (password: string) => {
      const web = new HttpSession(stack.baseUrl);
      const form = await web.request('/signup');
      await web.request('/signup', {
        form: { csrf: hiddenField(form.text, 'csrf'), name: 'X', email, password },
      });
    };
    await signUp('squatter password 1');
    await signUp(PASSWORD);
    const web = new HttpSession(stack.baseUrl);
    await web.request(await mailedLink(stack, email, '/verify'));
    const login = await web.request('/login');
    const tryPassword = async (password: string) =>
      (await web.request('/login', { form: { csrf: hiddenField(login.text, 'csrf'), email, password } }))
        .status;
    expect(await tryPassword('squatter password 1')).toBe(401);
    expect(await tryPassword(PASSWORD)).toBe(303);
  });

  it('answers a throttled account exactly as an unknown email, and counts guesses sent at once', async () => {
    const email = 'throttled@fintech.example';
    const web = new HttpSession(stack.baseUrl);
    const signUp = await web.request('/signup');
    await web.request('/signup', {
      form: { csrf: hiddenField(signUp.text, 'csrf'), name: 'T', email, password: PASSWORD },
    });
    await web.request(await mailedLink(stack, email, '/verify'));
    const csrf = hiddenField((await web.request('/login')).text, 'csrf');
    const attempt = (password: string, as = email) =>
      web.request('/login', { form: { csrf, email: as, password } });
    const answer = (res: { status: number; text: string }, as: string) => ({
      status: res.status,
      page: pageText(res.text).replaceAll(as, '<email>'),
    });

    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(`wrong password ${i}`)));
    expect(new Set(burst.map((r) => r.status))).toEqual(new Set([401]));
    const account = await stack.db.models.Developer.findOne({ email }).lean();
    expect(account!.failedAttempts).toBe(20);
    const unknown = answer(await attempt(PASSWORD, 'nobody@fintech.example'), 'nobody@fintech.example');
    expect(unknown.status).toBe(401);
    expect(answer(await attempt(PASSWORD), email)).toEqual(unknown);
  });

  it('needs a session for the API and the pages', async () => {
    const anonymous = new HttpSession(stack.baseUrl);
    expect((await anonymous.request('/api/applications')).status).toBe(401);
    const page = await anonymous.request('/apps');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/login?next=%2Fapps');
  });

  it('answers malformed requests with a 4xx, never a 500', async () => {
    const anonymous = new HttpSession(stack.baseUrl);
    // JSON posted to a form: refused as an expired form, not a crash on a missing body.
    const jsonLogin = await anonymous.request('/login', { json: { email: 'a@b.example', password: 'x' } });
    expect(jsonLogin.status).toBe(403);
    const badPath = await anonymous.request('/apps/%E0%A4%A');
    expect(badPath.status).toBe(400);
    expect(JSON.parse(badPath.text)).toMatchObject({ status: 400, title: 'Malformed URL' });
  });
});

describe('organizations, subscriptions and applications', () => {
  let admin: HttpSession;

  beforeAll(async () => {
    admin = await developer(stack, 'admin@fintech-one.example');
  });

  it('refuses a bad enrolment with the reasons, and nothing is enrolled', async () => {
    const page = await admin.request('/organization');
    const res = await admin.request('/organization', {
      form: {
        csrf: hiddenField(page.text, 'csrf'),
        legalName: 'Fintech One',
        taxIdType: 'CNPJ',
        taxId: '11.111.111/1111-11',
        website: 'http://insecure.example',
      },
    });
    expect(res.status).toBe(400);
    const text = pageText(res.text);
    expect(text).toContain('website: must be an https URL');
    expect(text).toContain('standards: choose at least one standard');
    const badTaxId = await admin.request('/organization', {
      form: {
        csrf: hiddenField(page.text, 'csrf'),
        legalName: 'Fintech One',
        taxIdType: 'CNPJ',
        taxId: '11.111.111/1111-11',
        website: 'https://fintech.example',
        'standard-OFB': 'on',
      },
    });
    expect(badTaxId.status).toBe(400);
    expect(pageText(badTaxId.text)).toContain('taxId: is not a valid CNPJ');
    expect(await stack.db.models.Organization.countDocuments({ legalName: 'Fintech One' })).toBe(0);
  });

  it('walks enrolment, approval, subscriptions and an application with a working client', async () => {
    const before = await admin.request('/apps');
    expect(before.status).toBe(409);

    await approvedOrganization(stack, admin, 'Fintech One');
    const me = (await admin.request('/api/me')).json<{ organizationId: string; role: string }>();
    expect(me.role).toBe('ORG_ADMIN');
    const org = await stack.db.models.Organization.findById(me.organizationId).lean();
    expect(org?.status).toBe('APPROVED');

    // Subscriptions: automatic for consents, by the bank for accounts; bad input is refused.
    const consents = await admin.request('/api/subscriptions', {
      json: { productId: 'ofb-consents', planId: 'sandbox' },
    });
    expect(consents.status).toBe(201);
    expect(consents.json()).toMatchObject({ status: 'ACTIVE' });
    const accounts = await admin.request('/api/subscriptions', {
      json: { productId: 'ofb-accounts', planId: 'sandbox' },
    });
    expect(accounts.json()).toMatchObject({ status: 'PENDING_APPROVAL' });
    expect(
      (await admin.request('/api/subscriptions', { json: { productId: 'ofb-consents', planId: 'sandbox' } }))
        .status,
    ).toBe(409);
    expect(
      (
        await admin.request('/api/subscriptions', { json: { productId: 'fdx-core', planId: 'sandbox' } })
      ).json(),
    ).toMatchObject({ status: 409, title: 'Standard not enrolled' });
    expect(
      (await admin.request('/api/subscriptions', { json: { productId: 'ofb-resources', planId: 'gold' } }))
        .status,
    ).toBe(400);
    expect(
      (await admin.request('/api/subscriptions', { json: { productId: 'nope', planId: 'sandbox' } })).status,
    ).toBe(404);

    // A bad application is refused whole: no record, no workflow, no client.
    const countBefore = await stack.db.models.Application.countDocuments({
      organizationId: me.organizationId,
    });
    const bad = await admin.request('/api/applications', {
      json: {
        name: 'x',
        standard: 'OFB',
        redirectUris: ['http://fintech.example/cb'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        credential: {
          source: 'jwks',
          jwks: '{"keys":[{"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB","d":"x"}]}',
        },
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual([
      'name',
      'redirectUris.0',
    ]);
    const leaky = await admin.request('/api/applications', {
      json: {
        name: 'Leaky app',
        standard: 'OFB',
        redirectUris: ['https://fintech.example/cb'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        credential: {
          source: 'jwks',
          jwks: '{"keys":[{"kty":"RSA","kid":"k","n":"AQAB","e":"AQAB","d":"x"}]}',
        },
      },
    });
    expect(leaky.status).toBe(400);
    const local = await admin.request('/api/applications', {
      json: {
        name: 'Local app',
        standard: 'OFB',
        redirectUris: ['https://localhost:4000/callback'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        credential: { source: 'generate' },
      },
    });
    expect(local.json()).toMatchObject({
      status: 400,
      errors: [{ field: 'redirectUris.0', message: expect.stringContaining('127.0.0.1') }],
    });
    expect(leaky.json()).toMatchObject({
      detail: 'the JWKS holds private key material: upload the public key only',
    });
    expect(await stack.db.models.Application.countDocuments({ organizationId: me.organizationId })).toBe(
      countBefore,
    );

    // A good one: registered by the Discovery Agent, private keys returned once.
    const created = await admin.request('/api/applications', {
      json: {
        name: 'Budget app',
        standard: 'OFB',
        redirectUris: ['https://fintech.example/cb'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        credential: { source: 'generate' },
      },
    });
    expect(created.status).toBe(201);
    const app = created.json<{
      applicationId: string;
      client: { clientId: string; status: string; scopes: string[] };
      secrets: GeneratedSecrets;
    }>();
    expect(app.client).toMatchObject({ status: 'ACTIVE', scopes: ['consents'] });
    expect(app.secrets.signingKey).toContain('BEGIN PRIVATE KEY');
    const read = await admin.request(`/api/applications/${app.applicationId}`);
    expect(read.text).not.toContain('PRIVATE KEY');
    expect(read.text).not.toContain('registrationAccessToken');
    await expect(
      tokenOutcome(clientCredentialsToken(stack.as, app.client.clientId, app.secrets)),
    ).resolves.toBe('issued');

    // The application's page and Postman collection.
    const page = await admin.request(`/apps/${app.applicationId}`);
    expect(pageText(page.text)).toContain(app.client.clientId);
    expect(page.text).not.toContain('PRIVATE KEY');
    const postman = await admin.request(`/api/applications/${app.applicationId}/postman`);
    expect(JSON.stringify(postman.json())).toContain(app.client.clientId);

    // Suspended by the developer: token requests fail; enabled again: they work.
    // Lifecycle calls take JSON only: a cross-site form cannot make them.
    expect(
      (await admin.request(`/api/applications/${app.applicationId}/suspend`, { method: 'POST' })).status,
    ).toBe(415);
    const suspended = await admin.request(`/api/applications/${app.applicationId}/suspend`, { json: {} });
    expect(suspended.json()).toMatchObject({ client: { status: 'SUSPENDED' } });
    await expect(
      tokenOutcome(clientCredentialsToken(stack.as, app.client.clientId, app.secrets)),
    ).resolves.toMatch(/^invalid_request/);
    expect(
      (await admin.request(`/api/applications/${app.applicationId}/suspend`, { json: {} })).json(),
    ).toMatchObject({ status: 409, detail: 'cannot suspend a client that is SUSPENDED' });
    await admin.request(`/api/applications/${app.applicationId}/enable`, { json: {} });
    await expect(
      tokenOutcome(clientCredentialsToken(stack.as, app.client.clientId, app.secrets)),
    ).resolves.toBe('issued');
  });

  it('does not let another developer take over a rejected organization by its public tax id', async () => {
    const owner = await developer(stack, 'owner@rejected.example');
    const page = await owner.request('/organization');
    const taxId = validCnpj();
    const form = {
      legalName: 'Rejected Fintech',
      taxIdType: 'CNPJ',
      taxId,
      website: 'https://rejected.example',
      'standard-OFB': 'on',
    };
    expect(
      (await owner.request('/organization', { form: { ...form, csrf: hiddenField(page.text, 'csrf') } }))
        .status,
    ).toBe(303);
    await stack.client.workflow.getHandle(onboardingWorkflowId('CNPJ', taxId)).executeUpdate(reviewUpdate, {
      args: [{ decision: 'REJECTED', reason: 'incomplete', reviewer: 'staff:a@bank.example' }],
    });

    const stranger = await developer(stack, 'stranger@elsewhere.example');
    const strangerPage = await stranger.request('/organization');
    const taken = await stranger.request('/organization', {
      form: { ...form, csrf: hiddenField(strangerPage.text, 'csrf') },
    });
    expect(taken.status).toBe(409);
    expect(pageText(taken.text)).toContain('ask its admin to invite you');
    expect((await stranger.request('/api/me')).json()).toMatchObject({ organizationId: null });
    // Its own admin may enrol it again.
    const again = await owner.request('/organization', {
      form: { ...form, csrf: hiddenField(page.text, 'csrf') },
    });
    expect(again.status).toBe(303);
  });

  it('lets the org admin invite a developer, and keeps other organizations out', async () => {
    const orgPage = await admin.request('/organization');
    const invited = await admin.request('/organization/invitations', {
      form: { csrf: hiddenField(orgPage.text, 'csrf'), email: 'bruno@fintech-one.example' },
    });
    expect(invited.status).toBe(303);
    const bruno = await developer(stack, 'bruno@fintech-one.example', 'Bruno Lima');
    const accepted = await bruno.request(
      await mailedLink(stack, 'bruno@fintech-one.example', '/invitations/accept'),
    );
    expect(accepted.status).toBe(200);
    const apps = (await bruno.request('/api/applications')).json<{
      applications: { applicationId: string }[];
    }>();
    expect(apps.applications).toHaveLength(1);
    expect((await bruno.request('/api/me')).json()).toMatchObject({ role: 'DEVELOPER' });
    // A member builds with the organization's subscriptions but does not commit the organization.
    expect(
      (
        await bruno.request('/api/subscriptions', { json: { productId: 'ofb-resources', planId: 'sandbox' } })
      ).json(),
    ).toMatchObject({ status: 403, detail: "Only your organization's admin can subscribe to products." });
    expect(
      (
        await bruno.request(`/api/applications/${apps.applications[0]!.applicationId}/deprovision`, {
          json: {},
        })
      ).status,
    ).toBe(403);

    // Another organization's developer finds none of them.
    const other = await developer(stack, 'carla@other.example', 'Carla');
    await approvedOrganization(stack, other, 'Other Fintech');
    const appId = apps.applications[0]!.applicationId;
    expect((await other.request(`/api/applications/${appId}`)).status).toBe(404);
    expect((await other.request(`/apps/${appId}`)).status).toBe(404);
    expect((await other.request(`/api/applications/${appId}/suspend`, { json: {} })).status).toBe(404);
    expect((await other.request('/api/applications')).json()).toEqual({ applications: [] });

    // The admin removes Bruno: his membership and his sessions end at once.
    const brunoRecord = await stack.db.models.Developer.findOne({
      email: 'bruno@fintech-one.example',
    }).lean();
    const members = await admin.request('/organization');
    expect(pageText(members.text)).toContain('bruno@fintech-one.example');
    expect(
      (
        await other.request(`/organization/members/${brunoRecord!._id}/remove`, {
          form: { csrf: hiddenField((await other.request('/organization')).text, 'csrf') },
        })
      ).status,
    ).toBe(404);
    const removed = await admin.request(`/organization/members/${brunoRecord!._id}/remove`, {
      form: { csrf: hiddenField(members.text, 'csrf') },
    });
    expect(removed.status).toBe(303);
    expect((await bruno.request('/api/applications')).status).toBe(401);
    expect(
      await stack.db.models.Developer.findById(brunoRecord!._id, { organizationId: 1 }).lean(),
    ).not.toHaveProperty('organizationId');
  });
});
