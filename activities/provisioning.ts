// Side effects of the `provisioning` workflow (the Discovery Agent): RFC 7591 registration and
// RFC 7592 management requests at the authorization server, and the application's record.
// Every activity is idempotent:
//  - the client id is chosen here, `mkt-<applicationId>`, and the AS lets the Discovery Agent's
//    token choose it, so a registration retried after a lost answer (a worker killed mid-call)
//    registers the same client again instead of a second one;
//  - updates send the whole metadata, built afresh from the record, so a repeat changes nothing.
// The registration access token is stored AES-256-GCM encrypted and never leaves this module:
// workflow histories hold ids and statuses only. Every status the client enters is also an
// analytics event (`provisioning.transition`: application, organization and client ids, status).
import { ApplicationFailure } from '@temporalio/activity';
import { insertOnce } from '../db/insert-once.js';
import type { Models } from '../db/models/index.js';
import { clientIdFor, type Application, type ClientStatus } from '../db/models/application.js';
import { open, seal } from '../lib/crypto/secret-box.js';
import { scopesFor } from '../lib/products.js';
import type { NewCredential } from '../workflows/provisioning-types.js';
import { recordTransition } from './transition-events.js';

export interface DiscoveryAgentDeps {
  models: Pick<Models, 'Application' | 'Subscription' | 'Notification' | 'Developer' | 'AnalyticsEvent'>;
  /** The authorization server's RFC 7591 registration endpoint. */
  registrationEndpoint: string;
  /** The Discovery Agent's initial access token (read when needed: the AS may write it later). */
  registrationToken: () => Promise<string>;
  /** Encrypts registration access tokens at rest. */
  secretsKey: Buffer;
  /** fetch that trusts the authorization server's certificate. */
  fetch: typeof fetch;
}

export { clientIdFor };

type AppRecord = Application & { _id: string };

/** The OAuth client metadata an application's record stands for, per its standard's profile. */
function clientMetadata(app: AppRecord, scopes: string[], suspended: boolean, now = new Date()) {
  const live = app.credentials.filter((c) => !c.retiresAt || c.retiresAt > now);
  const keys = live.filter((c) => c.jwk).map((c) => JSON.parse(c.jwk!) as Record<string, unknown>);
  const newest = [...live].reverse().find((c) => c.subjectDn);
  const ofb = app.standard === 'OFB';
  return {
    client_id: clientIdFor(app._id),
    client_name: app.name,
    ...(app.logoUri ? { logo_uri: app.logoUri } : {}),
    redirect_uris: app.redirectUris,
    // A suspended client keeps its registration but may use no grant and no response type.
    grant_types: suspended
      ? []
      : ofb
        ? ['client_credentials', 'authorization_code', 'implicit', 'refresh_token']
        : ['client_credentials', 'authorization_code', 'refresh_token'],
    response_types: suspended ? [] : ofb ? ['code id_token'] : ['code'],
    scope: ['openid', ...scopes].join(' '),
    token_endpoint_auth_method: app.tokenEndpointAuthMethod,
    ...(app.tokenEndpointAuthMethod === 'private_key_jwt'
      ? { token_endpoint_auth_signing_alg: 'PS256' }
      : { tls_client_auth_subject_dn: newest?.subjectDn }),
    tls_client_certificate_bound_access_tokens: true,
    request_object_signing_alg: 'PS256',
    ...(ofb
      ? { id_token_signed_response_alg: 'PS256' }
      : { authorization_signed_response_alg: 'PS256', authorization_details_types: ['fdx_v1.0'] }),
    ...(keys.length ? { jwks: { keys } } : {}),
  };
}

export function createProvisioningActivities(deps: DiscoveryAgentDeps) {
  const { Application, Subscription, Notification, Developer } = deps.models;

  async function load(applicationId: string): Promise<AppRecord> {
    const app = await Application.findById(applicationId).lean();
    if (!app)
      throw ApplicationFailure.nonRetryable(
        `application ${applicationId} is not on record`,
        'ApplicationNotFound',
      );
    return app as AppRecord;
  }

  async function activeScopes(app: AppRecord): Promise<string[]> {
    const subs = await Subscription.find({ organizationId: app.organizationId, status: 'ACTIVE' }).lean();
    return scopesFor(
      app.standard as 'OFB' | 'FDX',
      subs.map((s) => s.productId),
    );
  }

  /** One call to the AS; 4xx answers other than 401/404 are refusals a retry cannot fix. */
  async function call(url: string, init: RequestInit, step: string): Promise<Response> {
    const res = await deps.fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    if (res.ok || res.status === 404 || res.status === 401) return res;
    const body = (await res.json().catch(() => ({}))) as { error?: string; error_description?: string };
    const message =
      `${step}: the authorization server answered ${res.status} ${body.error ?? ''} ${body.error_description ?? ''}`.trim();
    if (res.status >= 400 && res.status < 500)
      throw ApplicationFailure.nonRetryable(message, 'RegistrationRefused');
    throw new Error(message);
  }

  async function registrationOf(app: AppRecord) {
    const { registrationClientUri, registrationAccessToken } = app.client;
    if (!registrationClientUri || !registrationAccessToken)
      throw ApplicationFailure.nonRetryable(
        `application ${app._id} has no registration`,
        'ApplicationNotFound',
      );
    return { uri: registrationClientUri, token: open(deps.secretsKey, registrationAccessToken) };
  }

  return {
    /** RFC 7591 registration; a repeat re-registers the same client id. */
    async registerClient({ applicationId }: { applicationId: string }): Promise<{ clientId: string }> {
      const app = await load(applicationId);
      const scopes = await activeScopes(app);
      const res = await call(
        deps.registrationEndpoint,
        {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await deps.registrationToken()}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify(clientMetadata(app, scopes, false)),
        },
        'register',
      );
      if (!res.ok) throw new Error(`register: the authorization server answered ${res.status}`);
      const body = (await res.json()) as {
        client_id: string;
        registration_client_uri: string;
        registration_access_token: string;
      };
      await Application.updateOne(
        { _id: applicationId },
        {
          $set: {
            'client.clientId': body.client_id,
            'client.registrationClientUri': body.registration_client_uri,
            'client.registrationAccessToken': seal(deps.secretsKey, body.registration_access_token),
            'client.scopes': scopes,
            'client.updatedAt': new Date(),
          },
          $unset: { 'client.lastError': 1 },
        },
      );
      return { clientId: body.client_id };
    },

    /** RFC 7592 update with the whole metadata as the record now stands. */
    async updateClient({ applicationId, suspended }: { applicationId: string; suspended: boolean }) {
      const app = await load(applicationId);
      const { uri, token } = await registrationOf(app);
      const scopes = await activeScopes(app);
      const res = await call(
        uri,
        {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(clientMetadata(app, scopes, suspended)),
        },
        'update',
      );
      if (!res.ok)
        throw ApplicationFailure.nonRetryable(
          `update: the client is no longer registered (${res.status})`,
          'RegistrationRefused',
        );
      await Application.updateOne(
        { _id: applicationId },
        {
          $set: { 'client.scopes': scopes, 'client.updatedAt': new Date() },
          $unset: { 'client.lastError': 1 },
        },
      );
    },

    /** RFC 7592 delete; a client already gone counts as deleted. */
    async deleteClient({ applicationId }: { applicationId: string }) {
      const app = await load(applicationId);
      if (!app.client.registrationClientUri) return;
      const { uri, token } = await registrationOf(app);
      await call(uri, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } }, 'deprovision');
      await Application.updateOne(
        { _id: applicationId },
        { $unset: { 'client.registrationAccessToken': 1 }, $set: { 'client.updatedAt': new Date() } },
      );
    },

    /** A rotation's new credential; the others retire at `retireOthersAt`. A repeat adds nothing. */
    async addCredential(input: { applicationId: string; credential: NewCredential; retireOthersAt: string }) {
      const app = await load(input.applicationId);
      if (app.credentials.some((c) => c.id === input.credential.id)) return;
      const retiresAt = new Date(input.retireOthersAt);
      const credentials = [
        ...app.credentials.map((c) => ({
          ...c,
          retiresAt: c.retiresAt && c.retiresAt < retiresAt ? c.retiresAt : retiresAt,
        })),
        { ...input.credential, addedAt: new Date() },
      ];
      await Application.updateOne({ _id: input.applicationId }, { $set: { credentials } });
    },

    async removeRetiredCredentials({ applicationId }: { applicationId: string }) {
      const app = await load(applicationId);
      const now = new Date();
      const credentials = app.credentials.filter((c) => !c.retiresAt || c.retiresAt > now);
      await Application.updateOne({ _id: applicationId }, { $set: { credentials } });
    },

    async recordStatus(input: {
      applicationId: string;
      status: ClientStatus;
      expiresAt?: string;
      /** Shown to the developer: only the bank lifts its own suspension. */
      suspendedByBank?: boolean;
    }) {
      await Application.updateOne(
        { _id: input.applicationId },
        {
          $set: {
            'client.status': input.status,
            'client.suspendedByBank': input.suspendedByBank === true,
            'client.updatedAt': new Date(),
            ...(input.expiresAt ? { 'client.expiresAt': new Date(input.expiresAt) } : {}),
          },
        },
      );
      const app = await Application.findById(input.applicationId, {
        organizationId: 1,
        standard: 1,
        'client.clientId': 1,
      }).lean();
      await recordTransition(deps.models, input.applicationId, {
        type: 'provisioning.transition',
        at: new Date(),
        toStatus: input.status,
        applicationId: input.applicationId,
        organizationId: app?.organizationId,
        clientId: app?.client?.clientId ?? undefined,
        standard: app?.standard,
      });
    },

    /** A step that failed after its retries: on the application, and in the developers' mailbox. */
    async reportFailure(input: {
      applicationId: string;
      organizationId: string;
      step: string;
      message: string;
    }) {
      const at = new Date();
      await Application.updateOne(
        { _id: input.applicationId },
        { $set: { 'client.lastError': { step: input.step, message: input.message, at } } },
      );
      await notifyOrganization(input.organizationId, `${input.applicationId}/${input.step}/${at.getTime()}`, {
        subject: `Action needed: ${input.step} failed for your application`,
        body: `The Discovery Agent could not ${input.step} the OAuth client of application ${input.applicationId}: ${input.message}. The marketplace shows the application's state; retry from there or contact the bank.`,
      });
    },

    async notifyDeveloper(input: {
      applicationId: string;
      organizationId: string;
      event: 'credentials-ready' | 'expired';
    }) {
      const app = await load(input.applicationId);
      const text =
        input.event === 'credentials-ready'
          ? {
              subject: `Credentials ready: ${app.name}`,
              body: `The client of ${app.name} is registered at the authorization server as ${app.client.clientId}. Its scopes: ${(app.client.scopes ?? []).join(' ') || '(none yet: subscribe to products)'}.`,
            }
          : {
              subject: `Credentials expired: ${app.name}`,
              body: `The client ${app.client.clientId} of ${app.name} has expired and was removed from the authorization server. Create a new application to continue.`,
            };
      await notifyOrganization(input.organizationId, `${input.applicationId}/${input.event}`, text);
    },
  };

  /** Once per id (db/insert-once.ts), to each developer of the organization. */
  async function notifyOrganization(
    organizationId: string,
    id: string,
    text: { subject: string; body: string },
  ) {
    const developers = await Developer.find({ organizationId }).lean();
    await Promise.all(
      developers.map((d) =>
        insertOnce(Notification, {
          _id: `${id}/${d._id}`,
          to: d.email,
          audience: 'organization',
          template: 'provisioning',
          ...text,
          organizationId,
          sentAt: new Date(),
        }),
      ),
    );
  }
}

export type ProvisioningActivities = ReturnType<typeof createProvisioningActivities>;
