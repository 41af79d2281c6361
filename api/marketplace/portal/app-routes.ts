// Subscriptions and applications, as the developer sees them: request access to products, create
// an application (generated keys shown once, or an uploaded JWKS or certificate), follow its
// client's provisioning, act on its lifecycle, and download its Postman collection.
// Every form posts, then redirects to a page (POST/redirect/GET): a reload repeats nothing, what
// happened is a notice kept in the session, and generated keys are kept there for one view.
import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Models } from '../../../db/models/index.js';
import type { Application } from '../../../db/models/application.js';
import { formBody, sameToken } from '../../../lib/http/forms.js';
import { html, type Html } from '../../../lib/http/html.js';
import { fmt } from '../../../lib/web/fragments.js';
import type { ApplicationService } from '../applications/service.js';
import type { GeneratedSecrets } from '../applications/credentials.js';
import { PRODUCTS, findProduct } from '../catalog/products.js';
import { MarketplaceError } from '../errors.js';
import { postmanCollection, postmanEnvironment } from '../postman/collection.js';
import type { SubscriptionService } from '../subscriptions/service.js';
import { developerOf, type DeveloperAccess, type DeveloperIdentity, requireOrgAdmin } from './access.js';
import { row, table } from '../../../lib/http/table.js';
import {
  csrfField,
  formProblems,
  refusal,
  sendAppNotFound,
  sendMessage,
  sendPage,
  type FormProblems,
  type FormState,
} from './frame-pages.js';

export interface AppRouteDeps {
  models: Pick<Models, 'Organization' | 'Subscription' | 'Application'>;
  access: DeveloperAccess;
  subscriptions: SubscriptionService;
  applications: ApplicationService;
  authIssuer: string;
  gatewayUrl: string;
}

type AppRecord = Application & { _id: string };

/** The application of this developer's organization, or a 404 (another organization's app is not found). */
export async function ownApplication(
  models: AppRouteDeps['models'],
  developer: DeveloperIdentity,
  id: string,
) {
  const app = await models.Application.findById(id).lean<AppRecord>();
  if (!app || !developer.organizationId || app.organizationId !== developer.organizationId)
    throw new MarketplaceError(404, 'Application not found');
  return app;
}

/** The Postman collection and environment for one application's client. */
export async function postmanFor(deps: AppRouteDeps, app: AppRecord) {
  const subs = await deps.models.Subscription.find({
    organizationId: app.organizationId,
    status: 'ACTIVE',
  }).lean();
  const input = {
    appName: app.name,
    standard: app.standard as 'OFB' | 'FDX',
    clientId: app.client.clientId ?? '',
    tokenEndpointAuthMethod: app.tokenEndpointAuthMethod as 'private_key_jwt' | 'tls_client_auth',
    scopes: app.client.scopes ?? [],
    authIssuer: deps.authIssuer,
    gatewayUrl: deps.gatewayUrl,
    products: subs.map((s) => findProduct(s.productId)).filter((p) => p !== undefined),
  };
  return { collection: postmanCollection(input), environment: postmanEnvironment(input) };
}

const secretsBlock = (secrets: GeneratedSecrets, clientId: string): Html => {
  const bundle = Buffer.from(
    JSON.stringify(
      {
        client_id: clientId,
        kid: secrets.kid,
        signing_key: secrets.signingKey,
        certificate: secrets.certificate,
        certificate_key: secrets.certificateKey,
      },
      null,
      2,
    ),
  ).toString('base64');
  return html`<section aria-labelledby="secrets-heading" class="notice">
    <h2 id="secrets-heading">Your private keys — shown once</h2>
    <p>The bank does not keep them. Download them now and store them safely.</p>
    <p>
      <a
        id="download-credentials"
        download="credentials-${clientId}.json"
        href="data:application/json;base64,${bundle}"
        >Download credentials (JSON)</a
      >
    </p>
    <label for="signing-key">Signing key (PS256, kid <code>${secrets.kid}</code>)</label>
    <textarea id="signing-key" rows="6" cols="70" readonly>${secrets.signingKey}</textarea>
    <label for="certificate">Client certificate (mTLS)</label>
    <textarea id="certificate" rows="6" cols="70" readonly>${secrets.certificate}</textarea>
    <label for="certificate-key">Certificate key</label>
    <textarea id="certificate-key" rows="6" cols="70" readonly>${secrets.certificateKey}</textarea>
  </section>`;
};

const ACTIONS: Record<string, { label: string; when: string[] }> = {
  suspend: { label: 'Suspend', when: ['ACTIVE'] },
  enable: { label: 'Enable', when: ['SUSPENDED'] },
  retry: { label: 'Retry registration', when: ['FAILED'] },
  deprovision: { label: 'Deprovision (delete the client)', when: ['ACTIVE', 'SUSPENDED', 'FAILED'] },
};

/** A new application form's id: the application's, chosen when the form is drawn. */
const FORM_ID = z.uuid();

export function appRouter(deps: AppRouteDeps): Router {
  const { Subscription, Application, Organization } = deps.models;
  const router = Router();

  /** Generated keys wait, sealed in the session, for the one view of the application's page. */
  const keepSecrets = (req: Request, applicationId: string, secrets: GeneratedSecrets) =>
    deps.access.keepSecret(req, applicationId, JSON.stringify(secrets));

  const needsApprovedOrg = async (res: Response, developer: DeveloperIdentity) => {
    const org = developer.organizationId
      ? await Organization.findById(developer.organizationId).lean()
      : null;
    if (org?.status === 'APPROVED') return org;
    const why = org ? `It is ${org.status}.` : 'Enrol your organization first.';
    sendMessage(
      res,
      409,
      {
        title: 'Not yet',
        heading: 'Your organization is not approved yet',
        message: `${why} Subscriptions and applications open once the bank approves it.`,
        link: { href: '/organization', text: 'Organization' },
      },
      developer,
    );
    return undefined;
  };

  const subscriptionsPage = async (
    res: Response,
    status: number,
    developer: DeveloperIdentity,
    o: FormProblems = {},
  ) => {
    const org = await needsApprovedOrg(res, developer);
    if (!org) return;
    const subs = await Subscription.find({ organizationId: org._id }).lean();
    const byProduct = new Map(subs.map((s) => [s.productId, s]));
    sendPage(
      res,
      status,
      'Subscriptions',
      html`<h1>Subscriptions</h1>
        ${formProblems(o)}
        ${table(
          `Products for ${org.standards.join(' and ')}`,
          ['Product', 'Approval', 'Status', 'Request'],
          PRODUCTS.filter((p) => org.standards.includes(p.standard)).map((p) => {
            const sub = byProduct.get(p.id);
            const open = !sub || sub.status === 'REJECTED';
            return html`<tr>
              <td><a href="/products/${p.id}">${p.name}</a></td>
              <td>${p.approval === 'automatic' ? 'automatic' : 'by the bank'}</td>
              <td data-product="${p.id}">
                ${sub ? sub.status : '—'}${sub?.decision?.reason ? html`<br /><span class="hint">${sub.decision.reason}</span>` : ''}
              </td>
              <td>
                ${
                  open
                    ? html`<form method="post" action="/subscriptions">
                        ${csrfField(developer)}
                        <input type="hidden" name="productId" value="${p.id}" />
                        <label for="plan-${p.id}">Plan</label>
                        <select id="plan-${p.id}" name="planId">
                          ${p.plans.map((pl) => html`<option value="${pl.id}">${pl.name} (${pl.callsPerMinute}/min)</option>`)}
                        </select>
                        <button type="submit" aria-label="Subscribe to ${p.name}">Subscribe</button>
                      </form>`
                    : ''
                }
              </td>
            </tr>`;
          }),
        )}`,
      developer,
    );
  };

  router.get('/subscriptions', deps.access.page, async (req, res) =>
    subscriptionsPage(res, 200, developerOf(res), {
      notice: await deps.access.takeNotice(req),
    }),
  );
  router.post('/subscriptions', deps.access.page, formBody, async (req, res) => {
    const developer = developerOf(res);
    const body = req.body as Record<string, string>;
    if (!sameToken(body.csrf, developer.csrf))
      return subscriptionsPage(res, 403, developer, { error: 'This form is no longer valid.' });
    if (!developer.organizationId) return subscriptionsPage(res, 409, developer);
    try {
      requireOrgAdmin(developer, 'subscribe to products');
      const sub = await deps.subscriptions.request({
        organizationId: developer.organizationId,
        productId: String(body.productId),
        planId: String(body.planId),
        by: developer.email,
      });
      const name = findProduct(sub.productId)?.name ?? sub.productId;
      await deps.access.flash(
        req,
        sub.status === 'ACTIVE' ? `${name}: active.` : `${name}: requested; the bank will decide.`,
      );
      res.redirect(303, '/subscriptions');
    } catch (err) {
      const { status, ...problems } = refusal(err);
      await subscriptionsPage(res, status, developer, problems);
    }
  });

  const newAppPage = (
    res: Response,
    status: number,
    developer: DeveloperIdentity,
    standards: string[],
    o: FormState = {},
  ) => {
    const v = o.values ?? {};
    // The application's id comes with the form: posting the same form again creates nothing more.
    const applicationId = FORM_ID.safeParse(v.applicationId).data ?? randomUUID();
    sendPage(
      res,
      status,
      'New application',
      html`<h1>New application</h1>
        ${formProblems(o)}
        <form method="post" action="/apps" novalidate>
          ${csrfField(developer)}
          <input type="hidden" name="applicationId" value="${applicationId}" />
          <label for="name">Name</label>
          <input id="name" name="name" required value="${v.name ?? ''}" />
          <label for="standard">Standard</label>
          <select id="standard" name="standard">
            ${standards.map((s) => html`<option value="${s}" ${v.standard === s ? html`selected` : ''}>${s}</option>`)}
          </select>
          <label for="redirectUris">Redirect URIs (https, one per line)</label>
          <textarea id="redirectUris" name="redirectUris" rows="3" cols="60" required>
${v.redirectUris ?? ''}</textarea>
          <label for="logoUri">Logo URL (https, optional)</label>
          <input id="logoUri" name="logoUri" type="url" value="${v.logoUri ?? ''}" />
          <label for="tokenEndpointAuthMethod">Client authentication</label>
          <select id="tokenEndpointAuthMethod" name="tokenEndpointAuthMethod">
            <option
              value="private_key_jwt"
              ${v.tokenEndpointAuthMethod === 'tls_client_auth' ? '' : html`selected`}
            >
              private_key_jwt (OFB)
            </option>
            <option
              value="tls_client_auth"
              ${v.tokenEndpointAuthMethod === 'tls_client_auth' ? html`selected` : ''}
            >
              tls_client_auth (FDX)
            </option>
          </select>
          <fieldset>
            <legend>Credentials</legend>
            <label
              ><input
                type="radio"
                name="source"
                value="generate"
                ${!v.source || v.source === 'generate' ? html`checked` : ''}
              />
              Generate a key pair and a development certificate for me</label
            >
            <label
              ><input type="radio" name="source" value="jwks" ${v.source === 'jwks' ? html`checked` : ''} />
              Upload my public JWKS (private_key_jwt)</label
            >
            <label
              ><input
                type="radio"
                name="source"
                value="certificate"
                ${v.source === 'certificate' ? html`checked` : ''}
              />
              Upload my client certificate (tls_client_auth)</label
            >
            <label for="upload">JWKS or PEM certificate</label>
            <textarea id="upload" name="upload" rows="6" cols="70">${v.upload ?? ''}</textarea>
          </fieldset>
          <button type="submit">Create application</button>
        </form>`,
      developer,
    );
  };

  /** The form's fields as the application API takes them. */
  const applicationBody = (b: Record<string, string>) => ({
    name: b.name ?? '',
    standard: b.standard,
    redirectUris: String(b.redirectUris ?? '')
      .split(/\s+/)
      .filter(Boolean),
    ...(b.logoUri ? { logoUri: b.logoUri } : {}),
    tokenEndpointAuthMethod: b.tokenEndpointAuthMethod,
    credential:
      b.source === 'jwks'
        ? { source: 'jwks', jwks: b.upload ?? '' }
        : b.source === 'certificate'
          ? { source: 'certificate', certificate: b.upload ?? '' }
          : { source: 'generate' },
  });

  router.get('/apps', deps.access.page, async (req, res) => {
    const developer = developerOf(res);
    const org = await needsApprovedOrg(res, developer);
    if (!org) return;
    const apps = await Application.find({ organizationId: org._id }).lean();
    const notice = await deps.access.takeNotice(req);
    sendPage(
      res,
      200,
      'Applications',
      html`<h1>Applications</h1>
        ${formProblems({ notice })}
        <p><a href="/apps/new">New application</a></p>
        ${table(
          `Applications of ${org.legalName}`,
          ['Name', 'Standard', 'Client id', 'Status'],
          apps.map((a) =>
            row([
              html`<a href="/apps/${a._id}">${a.name}</a>`,
              a.standard,
              html`<code>${a.client.clientId ?? '—'}</code>`,
              a.client.status,
            ]),
          ),
        )}`,
      developer,
    );
  });

  router.get('/apps/new', deps.access.page, async (_req, res) => {
    const developer = developerOf(res);
    const org = await needsApprovedOrg(res, developer);
    if (org) newAppPage(res, 200, developer, org.standards);
  });

  const appPage = (
    res: Response,
    status: number,
    developer: DeveloperIdentity,
    app: AppRecord,
    extra: { secrets?: GeneratedSecrets; notice?: string; error?: string } = {},
  ) =>
    sendPage(
      res,
      status,
      app.name,
      html`<h1>${app.name}</h1>
        ${formProblems(extra)}
        ${extra.secrets && app.client.clientId ? secretsBlock(extra.secrets, app.client.clientId) : ''}
        <dl>
          <dt>Client id</dt>
          <dd><code id="client-id">${app.client.clientId ?? '—'}</code></dd>
          <dt>Status</dt>
          <dd>
            <strong id="client-status">${app.client.status}</strong>${
              app.client.status === 'SUSPENDED' && app.client.suspendedByBank
                ? ' — by the bank: contact its developer support to have it enabled'
                : ''
            }
          </dd>
          <dt>Standard</dt>
          <dd>${app.standard}</dd>
          <dt>Authentication</dt>
          <dd>${app.tokenEndpointAuthMethod}</dd>
          <dt>Scopes</dt>
          <dd>${(app.client.scopes ?? []).join(' ') || '— (subscribe to products)'}</dd>
          <dt>Redirect URIs</dt>
          <dd>${app.redirectUris.join(', ')}</dd>
          <dt>Token endpoint</dt>
          <dd><code>${deps.authIssuer}/token</code></dd>
          ${
            app.client.expiresAt
              ? html`<dt>Expires</dt>
                  <dd>${fmt(app.client.expiresAt)}</dd>`
              : ''
          }
          ${
            app.client.lastError
              ? html`<dt>Last error</dt>
                  <dd class="error">
                    ${app.client.lastError.step}: ${app.client.lastError.message}
                    (${fmt(app.client.lastError.at)})
                  </dd>`
              : ''
          }
        </dl>
        <h2>Credentials</h2>
        ${table(
          'Keys and certificates the authorization server accepts',
          ['Id', 'Kind', 'Added', 'Retires'],
          app.credentials.map((c) =>
            row([
              html`<code>${c.id}</code>`,
              [c.jwk ? 'JWK' : '', c.certificate ? `certificate ${c.subjectDn ?? ''}` : '']
                .filter(Boolean)
                .join(', '),
              fmt(c.addedAt),
              c.retiresAt ? fmt(c.retiresAt) : '—',
            ]),
          ),
        )}
        <h2>Tools</h2>
        <p>
          <a href="/apps/${app._id}/postman/collection.json" download>Postman collection</a> ·
          <a href="/apps/${app._id}/postman/environment.json" download>Postman environment</a> ·
          <a href="/apps/${app._id}/insights">Insights</a>
        </p>
        <h2>Lifecycle</h2>
        <div class="actions">
          ${Object.entries(ACTIONS)
            .filter(
              ([action, a]) =>
                a.when.includes(app.client.status) && !(action === 'enable' && app.client.suspendedByBank),
            )
            .map(
              ([action, a]) =>
                html`<form method="post" action="/apps/${app._id}/${action}">
                  ${csrfField(developer)}<button type="submit">${a.label}</button>
                </form>`,
            )}
          ${
            app.client.status === 'ACTIVE'
              ? html`<form method="post" action="/apps/${app._id}/rotate">
                  ${csrfField(developer)}<input type="hidden" name="source" value="generate" /><button
                    type="submit"
                  >
                    Rotate: generate a new key
                  </button>
                </form>`
              : ''
          }
        </div>`,
      developer,
    );

  router.post('/apps', deps.access.page, formBody, async (req, res) => {
    const developer = developerOf(res);
    const org = await needsApprovedOrg(res, developer);
    if (!org) return;
    const body = req.body as Record<string, string>;
    if (!sameToken(body.csrf, developer.csrf))
      return newAppPage(res, 403, developer, org.standards, {
        error: 'This form is no longer valid.',
        values: body,
      });
    const applicationId = FORM_ID.safeParse(body.applicationId).data;
    if (!applicationId)
      return newAppPage(res, 400, developer, org.standards, {
        error: 'This form is no longer valid: reload the page and try again.',
        values: { ...body, applicationId: '' },
      });
    // The same form again (a reload, a double click, the back button): what it created, nothing more.
    const alreadyCreated = async () => {
      const earlier = await Application.findById(applicationId, { organizationId: 1 }).lean();
      if (!earlier) return false;
      if (earlier.organizationId !== org._id)
        newAppPage(res, 409, developer, org.standards, {
          error: 'This form is no longer valid: reload the page and try again.',
          values: { ...body, applicationId: '' },
        });
      else {
        await deps.access.flash(req, 'This form was already sent: the application below is what it created.');
        res.redirect(303, `/apps/${applicationId}`);
      }
      return true;
    };
    if (await alreadyCreated()) return;
    try {
      const created = await deps.applications.create({
        organizationId: org._id,
        createdBy: developer.email,
        body: applicationBody(body),
        applicationId,
      });
      const app = created.application as AppRecord;
      if (created.secrets) await keepSecrets(req, app._id, created.secrets);
      await deps.access.flash(
        req,
        app.client.status === 'ACTIVE'
          ? 'The client is registered at the authorization server.'
          : `The application is saved, but its client's registration did not succeed: ${app.client.lastError?.message ?? app.client.status}.`,
      );
      res.redirect(303, `/apps/${app._id}`);
    } catch (err) {
      // Two sends of one form at once: the first created it.
      if (err instanceof MarketplaceError && err.status === 409 && (await alreadyCreated())) return;
      const { status, ...problems } = refusal(err);
      newAppPage(res, status, developer, org.standards, { ...problems, values: body });
    }
  });

  router.get('/apps/:id', deps.access.page, async (req, res) => {
    const developer = developerOf(res);
    try {
      const app = await ownApplication(deps.models, developer, String(req.params.id));
      const notice = await deps.access.takeNotice(req);
      const secrets = await deps.access.takeSecret(req, app._id);
      appPage(res, 200, developer, app, {
        ...(notice ? { notice } : {}),
        ...(secrets ? { secrets: JSON.parse(secrets) as GeneratedSecrets } : {}),
      });
    } catch (err) {
      if (!(err instanceof MarketplaceError)) throw err;
      sendAppNotFound(res, developer);
    }
  });

  router.post('/apps/:id/:action', deps.access.page, formBody, async (req, res) => {
    const developer = developerOf(res);
    const action = String(req.params.action);
    let app: AppRecord;
    try {
      app = await ownApplication(deps.models, developer, String(req.params.id));
    } catch {
      return sendAppNotFound(res, developer);
    }
    if (!sameToken(req.body?.csrf, developer.csrf))
      return appPage(res, 403, developer, app, { error: 'This form is no longer valid.' });
    try {
      const actor = { by: developer.email };
      if (action === 'rotate') {
        const { secrets } = await deps.applications.rotate(
          app._id,
          { credential: { source: 'generate' } },
          actor,
        );
        if (secrets) await keepSecrets(req, app._id, secrets);
        await deps.access.flash(req, 'New key added; the previous one keeps working until the overlap ends.');
        return res.redirect(303, `/apps/${app._id}`);
      }
      if (!(action in ACTIONS)) return appPage(res, 404, developer, app, { error: 'No such action.' });
      if (action === 'deprovision') requireOrgAdmin(developer, 'deprovision a client');
      await deps.applications.act(app._id, action as 'suspend', actor);
      await deps.access.flash(req, `${ACTIONS[action]!.label}: done.`);
      res.redirect(303, `/apps/${app._id}`);
    } catch (err) {
      if (!(err instanceof MarketplaceError)) throw err;
      appPage(res, err.status, developer, await ownApplication(deps.models, developer, app._id), {
        error: err.detail ?? err.title,
      });
    }
  });

  for (const part of ['collection', 'environment'] as const)
    router.get(`/apps/:id/postman/${part}.json`, deps.access.page, async (req, res) => {
      const developer = developerOf(res);
      try {
        const app = await ownApplication(deps.models, developer, String(req.params.id));
        const files = await postmanFor(deps, app);
        res.attachment(`${app.name.replace(/[^\w-]+/g, '-')}.postman_${part}.json`).json(files[part]);
      } catch (err) {
        if (!(err instanceof MarketplaceError)) throw err;
        sendAppNotFound(res, developer);
      }
    });

  return router;
}
