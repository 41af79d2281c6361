// The developer's organization: enrolment (which makes them its admin), its review status, its
// members, and invitations the org admin sends to other developers.
import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Models } from '../../../db/models/index.js';
import { formBody, randomToken, sameToken } from '../../../lib/http/forms.js';
import { html } from '../../../lib/http/html.js';
import { normaliseEmail } from '../../../lib/web/email.js';
import { fmt } from '../../../lib/web/fragments.js';
import type { organizationEnrolment } from '../routes/organizations.js';
import { developerOf, type DeveloperAccess, type DeveloperIdentity } from './access.js';
import { row, table } from '../../../lib/http/table.js';
import { csrfField, formProblems, refusal, sendMessage, sendPage, type FormState } from './frame-pages.js';

const INVITATION_TTL_MS = 7 * 24 * 3600_000;
const digest = (token: string) => createHash('sha256').update(token).digest('base64url');

export interface OrganizationRouteDeps {
  models: Pick<Models, 'Organization' | 'Developer' | 'Invitation' | 'Notification' | 'DeveloperSession'>;
  access: DeveloperAccess;
  enrol: ReturnType<typeof organizationEnrolment>;
  marketplaceUrl: string;
}

/** The enrolment form's fields as the enrolment API takes them. */
function enrolmentFrom(body: Record<string, string>, developer: DeveloperIdentity) {
  const standards = ['OFB', 'FDX'].filter((s) => body[`standard-${s}`] === 'on');
  return {
    legalName: body.legalName ?? '',
    taxIdType: body.taxIdType ?? '',
    taxId: body.taxId ?? '',
    website: body.website ?? '',
    ...(body.logoUri ? { logoUri: body.logoUri } : {}),
    contacts: [
      { name: developer.name, email: developer.email, role: 'technical' },
      ...(body.businessEmail
        ? [{ name: body.businessName || body.businessEmail, email: body.businessEmail, role: 'business' }]
        : []),
    ],
    standards,
  };
}

export function organizationRouter(deps: OrganizationRouteDeps): Router {
  const { Organization, Developer, Invitation, Notification, DeveloperSession } = deps.models;
  const router = Router();

  const enrolPage = (res: Response, status: number, developer: DeveloperIdentity, o: FormState = {}) => {
    const v = o.values ?? {};
    sendPage(
      res,
      status,
      'Enrol your organization',
      html`<h1>Enrol your organization</h1>
        <p>
          The bank reviews every data recipient before it may subscribe to APIs. You become your
          organization's admin.
        </p>
        ${formProblems(o)}
        <form method="post" action="/organization" novalidate>
          ${csrfField(developer)}
          <label for="legalName">Legal name</label>
          <input id="legalName" name="legalName" required value="${v.legalName ?? ''}" />
          <label for="taxIdType">Tax id type</label>
          <select id="taxIdType" name="taxIdType">
            <option value="CNPJ" ${v.taxIdType === 'EIN' ? '' : html`selected`}>CNPJ (Brazil)</option>
            <option value="EIN" ${v.taxIdType === 'EIN' ? html`selected` : ''}>EIN (United States)</option>
          </select>
          <label for="taxId">Tax id</label>
          <input id="taxId" name="taxId" required inputmode="numeric" value="${v.taxId ?? ''}" />
          <label for="website">Website (https)</label>
          <input id="website" name="website" type="url" required value="${v.website ?? ''}" />
          <label for="logoUri">Logo URL (https, optional)</label>
          <input id="logoUri" name="logoUri" type="url" value="${v.logoUri ?? ''}" />
          <label for="businessName">Business contact name (optional)</label>
          <input id="businessName" name="businessName" value="${v.businessName ?? ''}" />
          <label for="businessEmail">Business contact email (optional)</label>
          <input id="businessEmail" name="businessEmail" type="email" value="${v.businessEmail ?? ''}" />
          <fieldset>
            <legend>Standards</legend>
            <label
              ><input
                type="checkbox"
                name="standard-OFB"
                ${v['standard-OFB'] === 'on' ? html`checked` : ''}
              />
              Open Finance Brasil</label
            >
            <label
              ><input
                type="checkbox"
                name="standard-FDX"
                ${v['standard-FDX'] === 'on' ? html`checked` : ''}
              />
              FDX</label
            >
          </fieldset>
          <button type="submit">Enrol</button>
        </form>`,
      developer,
    );
  };

  router.get('/organization', deps.access.page, async (req, res) => {
    const developer = developerOf(res);
    if (!developer.organizationId) return enrolPage(res, 200, developer);
    const org = await Organization.findById(developer.organizationId).lean();
    if (!org) return enrolPage(res, 200, developer);
    const members = await Developer.find({ organizationId: org._id }).lean();
    const notice = await deps.access.takeNotice(req);
    sendPage(
      res,
      200,
      org.legalName,
      html`<h1>${org.legalName}</h1>
        ${formProblems({ notice })}
        <dl>
          <dt>Status</dt>
          <dd><strong id="org-status">${org.status}</strong></dd>
          ${
            org.review?.reason
              ? html`<dt>Bank's reason</dt>
                  <dd>${org.review.reason}</dd>`
              : ''
          }
          <dt>${org.taxIdType}</dt>
          <dd>${org.taxId}</dd>
          <dt>Website</dt>
          <dd>${org.website}</dd>
          <dt>Standards</dt>
          <dd>${org.standards.join(', ')}</dd>
          <dt>Submitted</dt>
          <dd>${fmt(org.submittedAt)}</dd>
        </dl>
        ${org.status === 'PENDING_REVIEW' ? html`<p role="status">The bank is reviewing your enrolment. You will get an email when it decides.</p>` : ''}
        <h2>Members</h2>
        ${table(
          `Developers of ${org.legalName}`,
          developer.role === 'ORG_ADMIN'
            ? ['Name', 'Email', 'Role', 'Membership']
            : ['Name', 'Email', 'Role'],
          members.map((m) =>
            row([
              m.name,
              m.email,
              m.role ?? '',
              ...(developer.role === 'ORG_ADMIN'
                ? [
                    m._id === developer.id
                      ? '(you)'
                      : html`<form method="post" action="/organization/members/${m._id}/remove">
                          ${csrfField(developer)}
                          <button type="submit" class="secondary" aria-label="Remove ${m.email}">
                            Remove
                          </button>
                        </form>`,
                  ]
                : []),
            ]),
          ),
        )}
        ${
          developer.role === 'ORG_ADMIN'
            ? html`<h2>Invite a developer</h2>
                <form method="post" action="/organization/invitations" novalidate>
                  ${csrfField(developer)}
                  <label for="invite-email">Email</label>
                  <input id="invite-email" name="email" type="email" required />
                  <button type="submit">Send invitation</button>
                </form>`
            : ''
        }`,
      developer,
    );
  });

  router.post('/organization', deps.access.page, formBody, async (req, res) => {
    const developer = developerOf(res);
    const body = req.body as Record<string, string>;
    if (!sameToken(body.csrf, developer.csrf))
      return enrolPage(res, 403, developer, { error: 'This form is no longer valid.', values: body });
    try {
      await deps.enrol(enrolmentFrom(body, developer), developer);
      await deps.access.flash(req, 'Enrolment received: the bank will review it.');
      res.redirect(303, '/organization');
    } catch (err) {
      const { status, ...problems } = refusal(err);
      enrolPage(res, status, developer, { ...problems, values: body });
    }
  });

  // A developer who leaves loses access at once: membership and every session end together.
  router.post('/organization/members/:id/remove', deps.access.page, formBody, async (req, res) => {
    const developer = developerOf(res);
    const refuse = (status: number, message: string) =>
      sendMessage(
        res,
        status,
        { title: 'Member not removed', message, link: { href: '/organization', text: 'Back' } },
        developer,
      );
    if (!sameToken(req.body?.csrf, developer.csrf)) return refuse(403, 'This form is no longer valid.');
    if (developer.role !== 'ORG_ADMIN' || !developer.organizationId)
      return refuse(403, "Only your organization's admin removes developers.");
    const id = String(req.params.id);
    if (id === developer.id) return refuse(409, 'You are the admin: you cannot remove yourself.');
    const removed = await Developer.updateOne(
      { _id: id, organizationId: developer.organizationId },
      { $unset: { organizationId: 1, role: 1 } },
    );
    if (!removed.modifiedCount) return refuse(404, 'No such member of your organization.');
    await DeveloperSession.deleteMany({ subject: id });
    await deps.access.flash(req, 'The developer was removed.');
    res.redirect(303, '/organization');
  });

  router.post('/organization/invitations', deps.access.page, formBody, async (req, res) => {
    const developer = developerOf(res);
    const body = req.body as Record<string, string>;
    const refuse = (status: number, message: string) =>
      sendMessage(
        res,
        status,
        { title: 'Invitation not sent', message, link: { href: '/organization', text: 'Back' } },
        developer,
      );
    if (!sameToken(body.csrf, developer.csrf)) return refuse(403, 'This form is no longer valid.');
    if (developer.role !== 'ORG_ADMIN' || !developer.organizationId)
      return refuse(403, "Only your organization's admin invites developers.");
    const email = z.email().safeParse(String(body.email ?? '').trim());
    if (!email.success) return refuse(400, 'Enter the email address of the developer to invite.');
    const token = randomToken();
    const to = normaliseEmail(email.data);
    await Invitation.create({
      _id: digest(token),
      organizationId: developer.organizationId,
      email: to,
      invitedBy: developer.email,
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
    });
    const org = await Organization.findById(developer.organizationId).lean();
    await Notification.create({
      _id: `invitation/${digest(token).slice(0, 24)}`,
      to,
      audience: 'organization',
      template: 'developer-invitation',
      subject: `Join ${org?.legalName ?? 'your team'} on the developer marketplace`,
      body: `${developer.name} invites you to join ${org?.legalName ?? 'their organization'}. Sign up or log in, then open ${deps.marketplaceUrl}/invitations/accept?token=${token} (valid for 7 days).`,
      organizationId: developer.organizationId,
      sentAt: new Date(),
    });
    await deps.access.flash(req, `Invitation sent to ${to}.`);
    res.redirect(303, '/organization');
  });

  const acceptPage = (
    res: Response,
    developer: DeveloperIdentity,
    status: number,
    message: string,
    ok = false,
  ) =>
    sendMessage(
      res,
      status,
      { title: 'Invitation', message, ok, link: { href: '/organization', text: 'Your organization' } },
      developer,
    );

  router.get('/invitations/accept', deps.access.page, async (req, res) => {
    const developer = developerOf(res);
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const invitation = /^[\w-]{43}$/.test(token) ? await Invitation.findById(digest(token)).lean() : null;
    if (!invitation || invitation.acceptedAt || invitation.expiresAt < new Date())
      return acceptPage(res, developer, 400, 'This invitation is not valid: it is wrong, used or expired.');
    if (invitation.email !== developer.email)
      return acceptPage(
        res,
        developer,
        403,
        `This invitation is for ${invitation.email}; you are logged in as ${developer.email}.`,
      );
    if (developer.organizationId && developer.organizationId !== invitation.organizationId)
      return acceptPage(res, developer, 409, 'You already belong to another organization.');
    await Developer.updateOne(
      { _id: developer.id },
      { $set: { organizationId: invitation.organizationId, role: developer.role ?? 'DEVELOPER' } },
    );
    await Invitation.updateOne({ _id: invitation._id }, { $set: { acceptedAt: new Date() } });
    acceptPage(res, developer, 200, 'You joined the organization.', true);
  });

  return router;
}
