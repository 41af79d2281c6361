// The developer portal's forms post, then redirect to a page (POST/redirect/GET): reloading that
// page repeats nothing, an application's generated keys are shown on one view only, the same form
// sent twice creates one application, and what a page says after an action comes from the server
// (the session), never from the URL — a link with `?notice=` cannot put words in the bank's banner.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { HttpSession } from '../../helpers/consoles.js';
import { hiddenField, pageText } from '../../helpers/consoles.js';
import { uniqueNames } from '../../helpers/env.js';
import {
  approvedOrganization,
  developer,
  startMarketplaceStack,
  type MarketplaceStack,
} from '../../helpers/marketplace.js';

const names = uniqueNames(import.meta.url);
let stack: MarketplaceStack;
let web: HttpSession;
let organizationId: string;

const PHISHING = 'Your keys leaked: call +55 11 9999-0000 and read them to our agent';
const KEYS_HEADING = 'Your private keys — shown once';

beforeAll(async () => {
  stack = await startMarketplaceStack(names);
  web = await developer(stack, `forms-${names.prefix}@fintech.example`);
  await approvedOrganization(stack, web, 'Fintech Formularios');
  organizationId = (await web.request('/api/me')).json<{ organizationId: string }>().organizationId;
});
afterAll(async () => {
  await stack?.stop();
});

/** The new-application form's fields, as a browser sends them. */
async function newApplicationForm(name: string): Promise<Record<string, string>> {
  const form = await web.request('/apps/new');
  expect(form.status).toBe(200);
  return {
    csrf: hiddenField(form.text, 'csrf'),
    applicationId: hiddenField(form.text, 'applicationId'),
    name,
    standard: 'OFB',
    redirectUris: 'https://formularios.example/callback',
    tokenEndpointAuthMethod: 'private_key_jwt',
    source: 'generate',
    upload: '',
  };
}

const applications = () => stack.db.models.Application.countDocuments({ organizationId });

describe('creating an application in the portal', () => {
  it('redirects to the application, whose keys are shown on the first view only', async () => {
    const before = await applications();
    const form = await newApplicationForm('Formularios Budget');
    const posted = await web.request('/apps', { form });
    expect(posted.status).toBe(303);
    expect(posted.location).toBe(`/apps/${form.applicationId}`);
    expect(await applications()).toBe(before + 1);

    const first = await web.request(posted.location!);
    expect(first.status).toBe(200);
    expect(first.headers.get('cache-control')).toBe('no-store');
    const text = pageText(first.text);
    expect(text).toContain(KEYS_HEADING);
    expect(text).toContain('The client is registered at the authorization server.');
    expect(first.text).toContain('id="download-credentials"');
    expect(first.text).toContain('BEGIN PRIVATE KEY');

    // A reload: the same application, no keys, no notice, and no new client.
    const reload = await web.request(posted.location!);
    expect(reload.status).toBe(200);
    expect(pageText(reload.text)).toContain('Formularios Budget');
    expect(pageText(reload.text)).not.toContain(KEYS_HEADING);
    expect(reload.text).not.toContain('BEGIN PRIVATE KEY');
    expect(pageText(reload.text)).not.toContain('The client is registered');
    expect(await applications()).toBe(before + 1);

    // The session keeps nothing once the keys were seen.
    const sessions = await stack.db.models.DeveloperSession.find({ secret: { $exists: true } }).lean();
    expect(sessions).toEqual([]);
  });

  it('creates nothing more when the same form is sent again, at once or later', async () => {
    const before = await applications();
    const form = await newApplicationForm('Formularios Twice');
    const [a, b] = await Promise.all([web.request('/apps', { form }), web.request('/apps', { form })]);
    expect([a.status, b.status]).toEqual([303, 303]);
    const later = await web.request('/apps', { form });
    expect(later.status).toBe(303);
    for (const reply of [a, b, later]) expect(reply.location).toBe(`/apps/${form.applicationId}`);
    expect(await applications()).toBe(before + 1);
    expect(
      await stack.db.models.Application.countDocuments({ organizationId, name: 'Formularios Twice' }),
    ).toBe(1);
  });

  it('refuses a form whose application id is not one the portal draws', async () => {
    const before = await applications();
    const form = await newApplicationForm('Formularios Forged');
    const forged = await web.request('/apps', { form: { ...form, applicationId: '../admin' } });
    expect(forged.status).toBe(400);
    expect(pageText(forged.text)).toContain('This form is no longer valid');
    expect(await applications()).toBe(before);
  });

  it('shows the keys of a rotation once, after a redirect', async () => {
    const form = await newApplicationForm('Formularios Rotate');
    const created = await web.request('/apps', { form });
    await web.request(created.location!);
    const page = await web.request(created.location!);
    const rotated = await web.request(`/apps/${form.applicationId}/rotate`, {
      form: { csrf: hiddenField(page.text, 'csrf'), source: 'generate' },
    });
    expect(rotated.status).toBe(303);
    expect(rotated.location).toBe(`/apps/${form.applicationId}`);
    const app = await stack.db.models.Application.findById(form.applicationId).lean();
    expect(app?.credentials).toHaveLength(2);
    const first = await web.request(rotated.location!);
    expect(pageText(first.text)).toContain(KEYS_HEADING);
    expect(pageText(first.text)).toContain('New key added');
    const reload = await web.request(rotated.location!);
    expect(pageText(reload.text)).not.toContain(KEYS_HEADING);
    expect((await stack.db.models.Application.findById(form.applicationId).lean())?.credentials).toHaveLength(
      2,
    );
  });
});

describe("the portal's notices", () => {
  it('never come from the URL', async () => {
    const app = await stack.db.models.Application.findOne({ organizationId }).lean();
    for (const path of ['/organization', '/subscriptions', '/apps', `/apps/${app!._id}`]) {
      const res = await web.request(`${path}?notice=${encodeURIComponent(PHISHING)}`);
      expect([path, res.status]).toEqual([path, 200]);
      expect([path, pageText(res.text)]).not.toEqual([path, expect.stringContaining('call +55 11')]);
    }
  });

  it("say what the server did, once, on the page the action's redirect leads to", async () => {
    const page = await web.request('/subscriptions');
    const subscribed = await web.request('/subscriptions', {
      form: { csrf: hiddenField(page.text, 'csrf'), productId: 'ofb-consents', planId: 'sandbox' },
    });
    expect(subscribed.status).toBe(303);
    expect(subscribed.location).toBe('/subscriptions');
    expect(pageText((await web.request('/subscriptions')).text)).toContain('OFB Consents: active.');
    expect(pageText((await web.request('/subscriptions')).text)).not.toContain('OFB Consents: active.');

    const org = await web.request('/organization');
    const invited = await web.request('/organization/invitations', {
      form: { csrf: hiddenField(org.text, 'csrf'), email: `invitee-${names.prefix}@fintech.example` },
    });
    expect(invited.status).toBe(303);
    expect(invited.location).toBe('/organization');
    expect(pageText((await web.request('/organization')).text)).toContain(
      `Invitation sent to invitee-${names.prefix}@fintech.example.`,
    );
  });
});
