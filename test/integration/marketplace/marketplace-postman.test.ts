// The Postman collection and environment the marketplace generates for a developer's application
// run under newman against the platform: discovery, then a client-credentials token obtained with
// the client the Discovery Agent registered and the certificate the marketplace generated.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { GeneratedSecrets } from '../../../api/marketplace/applications/credentials.js';
import { CLIENT_CREDENTIALS_FOLDER, DISCOVERY_FOLDER } from '../../../api/marketplace/postman/collection.js';
import { uniqueNames } from '../../helpers/env.js';
import {
  approvedOrganization,
  developer,
  startMarketplaceStack,
  type MarketplaceStack,
} from '../../helpers/marketplace.js';
import { newmanFailures, runNewman } from '../../helpers/newman.js';

const names = uniqueNames(import.meta.url);
let stack: MarketplaceStack;
const dir = mkdtempSync(path.join(os.tmpdir(), 'obp-marketplace-postman-'));

beforeAll(async () => {
  stack = await startMarketplaceStack(names);
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('runs the generated collection: discovery and a client-credentials token by tls_client_auth', async () => {
  const web = await developer(stack, `postman-${names.prefix}@fintech.example`);
  await approvedOrganization(stack, web, 'Postman Fintech');
  expect(
    (await web.request('/api/subscriptions', { json: { productId: 'ofb-consents', planId: 'sandbox' } }))
      .status,
  ).toBe(201);
  const created = await web.request('/api/applications', {
    json: {
      name: 'Postman app',
      standard: 'OFB',
      redirectUris: ['https://127.0.0.1:4000/callback'],
      tokenEndpointAuthMethod: 'tls_client_auth',
      credential: { source: 'generate' },
    },
  });
  const app = created.json<{
    applicationId: string;
    client: { clientId: string };
    secrets: GeneratedSecrets;
  }>();
  expect(created.status).toBe(201);

  const { collection, environment } = (
    await web.request(`/api/applications/${app.applicationId}/postman`)
  ).json<{
    collection: object;
    environment: object;
  }>();
  const files = {
    cert: path.join(dir, 'client.crt'),
    key: path.join(dir, 'client.key'),
    ca: path.join(dir, 'ca.crt'),
    dir,
  };
  writeFileSync(files.cert, app.secrets.certificate);
  writeFileSync(files.key, app.secrets.certificateKey, { mode: 0o600 });
  writeFileSync(files.ca, stack.as.pki.ca.cert);

  const summary = await runNewman(files, {
    collection,
    environment,
    folder: [DISCOVERY_FOLDER, CLIENT_CREDENTIALS_FOLDER],
  });
  expect(newmanFailures(summary)).toEqual([]);
  expect(summary.run.executions.map((e) => e.response?.code)).toEqual([200, 200]);
  const token = summary.environment.values.toObject().access_token;
  expect(token).toBeTruthy();
  // The token newman got is the registered client's, for the subscribed scope.
  const record = await stack.db.models.OidcRecord.find({ model: 'ClientCredentials' }).lean();
  expect(record.some((r) => String(r.payload).includes(app.client.clientId))).toBe(true);
});
