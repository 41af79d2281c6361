// GET /apps: the organization's applications and their clients' status.
import type { RequestHandler } from 'express';
import { html } from '../../../../lib/http/html.js';
import { row, table } from '../../../../lib/http/table.js';
import { developerOf } from '../access.js';
import { formProblems, sendPage } from '../frame-pages.js';
import { needsApprovedOrg } from './approved-organization.js';
import type { AppRouteDeps } from './deps.js';

export const listApps =
  (deps: AppRouteDeps): RequestHandler =>
  async (req, res) => {
    const developer = developerOf(res);
    const org = await needsApprovedOrg(deps.models, res, developer);
    if (!org) return;
    const apps = await deps.models.Application.find({ organizationId: org._id }).lean();
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
  };
