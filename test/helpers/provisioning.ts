// What the Discovery Agent's tests set up: its activities' dependencies against the test
// authorization server, and an application as the marketplace writes it before the agent
// registers its client.
import { randomUUID } from 'node:crypto';
import { generateCredential } from '../../api/marketplace/applications/credentials.js';
import type { Models } from '../../db/models/index.js';
import { subscriptionId } from '../../db/models/subscription.js';
import { tlsFetch } from '../../lib/http/tls-fetch.js';
import type { TestAuthServer } from './auth-server.js';

/** The provisioning activities' dependencies: registration at the test AS over its own CA. */
export const discoveryAgentDeps = (models: Models, as: TestAuthServer, secretsKey: Buffer) => ({
  models,
  registrationEndpoint: `${as.issuer}/reg`,
  registrationToken: async () => as.discoveryAgentToken,
  secretsKey,
  fetch: tlsFetch({ ca: as.pki.ca.cert }),
});

/**
 * A new organization with ACTIVE subscriptions to `products`, and its OFB application with
 * generated credentials (private_key_jwt), waiting for the agent (client PROVISIONING).
 */
export async function provisioningApplication(
  models: Models,
  as: TestAuthServer,
  o: { products: string[]; name: string; redirectUris: string[] },
) {
  const organizationId = randomUUID();
  const applicationId = randomUUID();
  for (const productId of o.products)
    await models.Subscription.create({
      _id: subscriptionId(organizationId, productId),
      organizationId,
      productId,
      planId: 'sandbox',
      status: 'ACTIVE',
      requestedBy: 'dev@fintech.example',
      requestedAt: new Date(),
    });
  const { credential, secrets } = await generateCredential(as.pki.ca, `CN=${applicationId},O=Fintech`);
  await models.Application.create({
    _id: applicationId,
    organizationId,
    name: o.name,
    standard: 'OFB',
    redirectUris: o.redirectUris,
    tokenEndpointAuthMethod: 'private_key_jwt',
    credentials: [{ ...credential, addedAt: new Date() }],
    createdBy: 'dev@fintech.example',
    workflowId: `provisioning-${applicationId}`,
    client: { status: 'PROVISIONING' },
  });
  return { organizationId, applicationId, secrets };
}
