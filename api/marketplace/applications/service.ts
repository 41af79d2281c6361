// Applications: created by an organization's developers, each with one OAuth client that the
// Discovery Agent (the `provisioning` workflow) registers and looks after. The record is written
// first, then the workflow started and awaited until the registration has succeeded or failed; if
// the start itself fails the record is removed, so nothing is left half-created.
import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { Pem } from '../../../lib/pki/dev-pki.js';
import type { Models } from '../../../db/models/index.js';
import { fieldErrors } from '../../../lib/http/problem.js';
import {
  changeClient,
  provisioningStarted,
  provisioningWorkflowId,
  rotateCredential,
  startProvisioning,
  type ClientLifecycle,
} from '../../../workflows/provisioning-client.js';
import type { Actor, NewCredential, ProvisioningState } from '../../../workflows/provisioning-types.js';
import { MarketplaceError } from '../errors.js';
import { approvedOrganization } from '../organization-guard.js';
import {
  CredentialError,
  credentialFromCertificate,
  credentialFromJwks,
  generateCredential,
  type GeneratedSecrets,
} from './credentials.js';

const httpsUri = z.url({ protocol: /^https$/, error: 'must be an https URL' }).max(2048);

const credentialSchema = z.discriminatedUnion('source', [
  z.object({ source: z.literal('generate') }),
  z.object({ source: z.literal('jwks'), jwks: z.string().min(2).max(20_000) }),
  z.object({ source: z.literal('certificate'), certificate: z.string().min(20).max(20_000) }),
]);

const applicationSchema = z
  .object({
    name: z.string().trim().min(2, { error: 'must be 2 to 80 characters' }).max(80),
    standard: z.enum(['OFB', 'FDX'], { error: 'must be OFB or FDX' }),
    redirectUris: z.array(httpsUri).min(1, { error: 'needs at least one https redirect URI' }).max(10),
    logoUri: httpsUri.optional(),
    tokenEndpointAuthMethod: z.enum(['private_key_jwt', 'tls_client_auth'], {
      error: 'must be private_key_jwt or tls_client_auth',
    }),
    credential: credentialSchema,
  })
  .strict()
  .superRefine((app, ctx) => {
    // The OFB hybrid flow returns an id_token in the front channel, which oidc-provider (after
    // OpenID Connect) does not send to localhost: use the loopback address instead.
    if (app.standard !== 'OFB') return;
    app.redirectUris.forEach((uri, i) => {
      if (new URL(uri).hostname === 'localhost')
        ctx.addIssue({
          code: 'custom',
          path: ['redirectUris', i],
          message: 'OFB redirect URIs may not use localhost (hybrid flow): use https://127.0.0.1:<port>/…',
        });
    });
  });

export type ApplicationRequest = z.input<typeof applicationSchema>;

export interface ApplicationDeps {
  client: Client;
  models: Pick<Models, 'Application' | 'Organization'>;
  taskQueue: string;
  /** Issues generated certificates; undefined: developers upload their own (production PKI). */
  issuingCa?: Pem;
  workflow: { rotationOverlapMs: number; lifetimeMs?: number; stepTimeoutMs: number; stepAttempts: number };
}

export function applicationService(deps: ApplicationDeps) {
  const { Application, Organization } = deps.models;

  /** The credential an application starts or rotates with, or why it cannot be used. */
  async function credentialOf(
    spec: z.infer<typeof credentialSchema>,
    method: 'private_key_jwt' | 'tls_client_auth',
    subject: string,
  ): Promise<{ credential: NewCredential; secrets?: GeneratedSecrets }> {
    try {
      if (spec.source === 'generate') {
        if (!deps.issuingCa)
          throw new CredentialError(
            'this bank does not generate credentials: upload a JWKS or a certificate',
          );
        return await generateCredential(deps.issuingCa, subject);
      }
      if (spec.source === 'jwks') {
        if (method !== 'private_key_jwt')
          throw new CredentialError('a JWKS serves private_key_jwt; tls_client_auth needs a certificate');
        return { credential: credentialFromJwks(spec.jwks) };
      }
      if (method !== 'tls_client_auth')
        throw new CredentialError('a certificate serves tls_client_auth; private_key_jwt needs a JWKS');
      return { credential: credentialFromCertificate(spec.certificate) };
    } catch (err) {
      if (err instanceof CredentialError)
        throw new MarketplaceError(400, 'Invalid credential', err.message, [
          { field: 'credential', message: err.message },
        ]);
      throw err;
    }
  }

  async function lifecycle(
    applicationId: string,
    action: ClientLifecycle | 'rotate',
    run: () => Promise<ProvisioningState>,
  ) {
    try {
      return await run();
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError) {
        const message = (err.cause as { message?: string } | undefined)?.message ?? err.message;
        throw new MarketplaceError(409, `Cannot ${action}`, message);
      }
      throw err;
    }
  }

  return {
    /**
     * A new application and the start of its client's provisioning. `applicationId`, when the caller
     * chose it (a form's), makes a repeated request a 409 instead of a second application.
     */
    async create(input: {
      organizationId: string;
      createdBy: string;
      body: unknown;
      applicationId?: string;
    }) {
      const parsed = applicationSchema.safeParse(input.body);
      if (!parsed.success)
        throw new MarketplaceError(400, 'Invalid application', undefined, fieldErrors(parsed.error));
      const app = parsed.data;
      const org = await approvedOrganization(Organization, input.organizationId, app.standard);
      const applicationId = input.applicationId ?? randomUUID();
      const { credential, secrets } = await credentialOf(
        app.credential,
        app.tokenEndpointAuthMethod,
        `CN=${applicationId},O=${org.legalName.replace(/[,+=<>#;"\\]/g, ' ')}`,
      );
      const workflowId = provisioningWorkflowId(applicationId);
      await Application.create({
        _id: applicationId,
        organizationId: input.organizationId,
        name: app.name,
        standard: app.standard,
        redirectUris: app.redirectUris,
        ...(app.logoUri ? { logoUri: app.logoUri } : {}),
        tokenEndpointAuthMethod: app.tokenEndpointAuthMethod,
        credentials: [{ ...credential, addedAt: new Date() }],
        createdBy: input.createdBy,
        workflowId,
        client: { status: 'PROVISIONING' },
      }).catch((err: unknown) => {
        if ((err as { code?: number }).code === 11000)
          throw new MarketplaceError(409, 'Application already created', 'this request was already made');
        throw err;
      });
      let state: ProvisioningState;
      try {
        state = await startProvisioning(
          deps.client,
          deps.taskQueue,
          { applicationId, organizationId: input.organizationId, ...deps.workflow },
          app.standard,
        );
      } catch (err) {
        // The workflow never started: no client exists, so the record goes too.
        const started = await provisioningStarted(deps.client, workflowId);
        if (!started) await Application.deleteOne({ _id: applicationId });
        throw err;
      }
      const record = await Application.findById(applicationId).lean();
      return { application: record!, state, secrets };
    },

    async act(applicationId: string, action: ClientLifecycle, actor: Actor) {
      const app = await Application.findById(applicationId).lean();
      if (!app) throw new MarketplaceError(404, 'Application not found');
      return lifecycle(applicationId, action, () => changeClient(deps.client, app.workflowId, action, actor));
    },

    /** A new credential; the current ones keep working for the rotation overlap. */
    async rotate(applicationId: string, body: unknown, actor: Actor) {
      const app = await Application.findById(applicationId).lean();
      if (!app) throw new MarketplaceError(404, 'Application not found');
      const parsed = credentialSchema.safeParse((body as { credential?: unknown })?.credential);
      if (!parsed.success)
        throw new MarketplaceError(400, 'Invalid credential', undefined, fieldErrors(parsed.error));
      const org = await Organization.findById(app.organizationId).lean();
      const { credential, secrets } = await credentialOf(
        parsed.data,
        app.tokenEndpointAuthMethod as 'private_key_jwt' | 'tls_client_auth',
        `CN=${applicationId},O=${(org?.legalName ?? 'recipient').replace(/[,+=<>#;"\\]/g, ' ')}`,
      );
      const state = await lifecycle(applicationId, 'rotate', () =>
        rotateCredential(deps.client, app.workflowId, actor, credential),
      );
      return { state, secrets };
    },
  };
}

export type ApplicationService = ReturnType<typeof applicationService>;
