// An application's page: its client and credentials, the keys generated for it (once), its tools,
// and the lifecycle actions its client's status allows.
import type { Response } from 'express';
import { html } from '../../../../lib/http/html.js';
import { row, table } from '../../../../lib/http/table.js';
import { fmt } from '../../../../lib/web/fragments.js';
import type { GeneratedSecrets } from '../../applications/credentials.js';
import type { DeveloperIdentity } from '../access.js';
import { csrfField, formProblems, sendPage } from '../frame-pages.js';
import type { AppRecord, AppRouteDeps } from './deps.js';
import { secretsBlock } from './secrets.js';

/** The lifecycle actions a client's status allows, and their buttons. */
export const ACTIONS: Record<string, { label: string; when: string[] }> = {
  suspend: { label: 'Suspend', when: ['ACTIVE'] },
  enable: { label: 'Enable', when: ['SUSPENDED'] },
  retry: { label: 'Retry registration', when: ['FAILED'] },
  deprovision: { label: 'Deprovision (delete the client)', when: ['ACTIVE', 'SUSPENDED', 'FAILED'] },
};

export const appPage = (
  deps: AppRouteDeps,
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
        <a href="/apps/${app._id}/insights">Insights</a> ·
        <a href="/apps/${app._id}/requests">Request log</a>
      </p>
      <h2>Lifecycle</h2>
      <div class="actions">
        ${Object.entries(ACTIONS)
          .filter(
            ([action, a]) =>
              a.when.includes(app.client.status) && !(action === 'enable' && app.client.suspendedByBank),
          )
          .map(([action, a]) =>
            // Deprovisioning cannot be undone: it asks first, on a page of its own.
            action === 'deprovision'
              ? html`<a href="/apps/${app._id}/deprovision">${a.label}…</a>`
              : html`<form method="post" action="/apps/${app._id}/${action}">
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
