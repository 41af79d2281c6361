// The new application form. Its hidden id is the application's, chosen when the form is drawn, so
// sending the same form twice creates one application (create.ts).
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { z } from 'zod';
import { html } from '../../../../lib/http/html.js';
import { developerOf, type DeveloperIdentity } from '../access.js';
import { csrfField, formProblems, sendPage, type FormState } from '../frame-pages.js';
import { needsApprovedOrg } from './approved-organization.js';
import type { AppRouteDeps } from './deps.js';

/** A new application form's id: the application's, chosen when the form is drawn. */
export const FORM_ID = z.uuid();

export const newAppPage = (
  res: Response,
  status: number,
  developer: DeveloperIdentity,
  standards: string[],
  o: FormState = {},
) => {
  const v = o.values ?? {};
  // What the organization's standard needs: FDX recipients authenticate by their certificate, OFB
  // ones (and organizations of both) sign with private_key_jwt; the developer may choose otherwise.
  const method =
    v.tokenEndpointAuthMethod ??
    (standards.length > 0 && standards.every((s) => s === 'FDX') ? 'tls_client_auth' : 'private_key_jwt');
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
          <option value="private_key_jwt" ${method === 'tls_client_auth' ? '' : html`selected`}>
            private_key_jwt (OFB)
          </option>
          <option value="tls_client_auth" ${method === 'tls_client_auth' ? html`selected` : ''}>
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

/** GET /apps/new */
export const newAppForm =
  (deps: AppRouteDeps): RequestHandler =>
  async (_req, res) => {
    const developer = developerOf(res);
    const org = await needsApprovedOrg(deps.models, res, developer);
    if (org) newAppPage(res, 200, developer, org.standards);
  };
