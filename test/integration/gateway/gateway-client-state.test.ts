// A marketplace client that is suspended stops at the gateway at once: its access tokens, still
// active at the authorization server for their short life, are refused on the next call.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { GeneratedSecrets } from '../../../api/marketplace/applications/credentials.js';
import { tlsFetch } from '../../../lib/http/tls-fetch.js';
import { enableUpdate, suspendUpdate } from '../../../workflows/provisioning-types.js';
import { clientCredentialsToken } from '../../helpers/client-credentials.js';
import { uniqueNames } from '../../helpers/env.js';
import { approvedOrganization, developer } from '../../helpers/marketplace.js';
import { eventually } from '../../helpers/eventually.js';
import { startWholePlatform, type WholePlatform } from '../../helpers/whole-platform.js';

const names = uniqueNames(import.meta.url);
let platform: WholePlatform;

beforeAll(async () => {
  platform = await startWholePlatform(names);
}, 300_000);
afterAll(async () => {
  await platform?.stop();
});

it('refuses the tokens of a suspended client at once, and serves them again when it is enabled', async () => {
  const web = await developer(platform.marketplace, `client-state-${names.prefix}@fintech.example`);
  await approvedOrganization(platform.marketplace, web, 'Client State Fintech');
  await web.request('/api/subscriptions', { json: { productId: 'ofb-consents', planId: 'sandbox' } });
  const app = (
    await web.request('/api/applications', {
      json: {
        name: 'Client state app',
        standard: 'OFB',
        redirectUris: ['https://127.0.0.1:4000/callback'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        credential: { source: 'generate' },
      },
    })
  ).json<{ applicationId: string; client: { clientId: string }; secrets: GeneratedSecrets }>();
  const { access_token: token } = await clientCredentialsToken(platform.as, app.client.clientId, app.secrets);
  const mtls = tlsFetch({
    ca: platform.as.pki.ca.cert,
    cert: app.secrets.certificate,
    key: app.secrets.certificateKey,
  });
  const readConsent = async () => {
    const res = await mtls(
      `${platform.gateway.url}/open-banking/consents/v3/consents/urn:bank:00000000-0000-4000-8000-000000000000`,
      {
        headers: { authorization: `Bearer ${token}`, 'x-fapi-interaction-id': crypto.randomUUID() },
      },
    );
    return { status: res.status, body: (await res.json()) as { errors?: { detail: string }[] } };
  };
  // Access granted: the consent simply does not exist.
  expect((await readConsent()).status).toBe(404);

  const handle = platform.client.workflow.getHandle(`provisioning-${app.applicationId}`);
  await handle.executeUpdate(suspendUpdate, { args: [{ by: 'staff:admin@bank.example', reason: 'test' }] });
  const refused = await readConsent();
  expect(refused.status).toBe(401);
  expect(JSON.stringify(refused.body)).toContain('the client is suspended');

  await handle.executeUpdate(enableUpdate, { args: [{ by: 'staff:admin@bank.example' }] });
  expect((await readConsent()).status).toBe(404);

  // The record the gateway read for the status also names the call's application and organization.
  // (The gateway records a call once its answer has gone out: the last one may come just after.)
  const me = (await web.request('/api/me')).json<{ organizationId: string }>();
  const events = await eventually(async () => {
    await platform.gateway.events.flush();
    const found = await platform.db.models.AnalyticsEvent.find({
      type: 'gateway.call',
      clientId: app.client.clientId,
    }).lean();
    expect(found.filter((e) => e.status === 404)).toHaveLength(2);
    return found;
  });
  for (const e of events.filter((e) => e.status === 404))
    expect(e).toMatchObject({
      applicationId: app.applicationId,
      organizationId: me.organizationId,
      productId: 'ofb-consents',
    });
}, 300_000);
