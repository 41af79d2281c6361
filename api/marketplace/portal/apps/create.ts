// POST /apps: create an application, its client registered at the authorization server, then its
// page (with the generated keys, once). The same form sent again answers with what it created.
import type { RequestHandler } from 'express';
import { sameToken } from '../../../../lib/http/forms.js';
import { MarketplaceError } from '../../errors.js';
import { developerOf } from '../access.js';
import { refusal } from '../frame-pages.js';
import { needsApprovedOrg } from './approved-organization.js';
import type { AppRecord, AppRouteDeps } from './deps.js';
import { FORM_ID, newAppPage } from './new.js';
import { keepSecrets } from './secrets.js';

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

export const createApp =
  (deps: AppRouteDeps): RequestHandler =>
  async (req, res) => {
    const developer = developerOf(res);
    const org = await needsApprovedOrg(deps.models, res, developer);
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
      const earlier = await deps.models.Application.findById(applicationId, { organizationId: 1 }).lean();
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
      if (created.secrets) await keepSecrets(deps, req, app._id, created.secrets);
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
  };
