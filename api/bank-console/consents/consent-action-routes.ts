// The console's forms that act: hold, resume and revoke a consent, and revoke every consent of a
// customer. ADMIN only (VIEW gets 403), with the session's CSRF token; the staff member is the
// actor in the workflow's audit trail. A refusal shows the workflow's reason on the page.
import { Router, type RequestHandler, type Response } from 'express';
import { formBody, sameToken } from '../../../lib/http/forms.js';
import { actorOf, staffOf, type StaffAccess } from '../access.js';
import { NOTICES, temporalWorkflowUrl, type BankConsoleDeps } from '../config.js';
import { messagePage } from '../frame-pages.js';
import { isStaffAction, reasonError, revokeAllConsentsOf, staffAction } from './actions.js';
import { detailPage } from './consent-detail-pages.js';
import { partiesOf } from './parties.js';
import type { ConsentRecord } from './search.js';

export function consentActionsRouter(deps: BankConsoleDeps, access: StaffAccess): Router {
  const router = Router();
  const { Consent } = deps.models;

  const csrf: RequestHandler = (req, res, next) =>
    sameToken((req.body as Record<string, unknown> | undefined)?.csrf, staffOf(res).csrf)
      ? next()
      : res
          .status(403)
          .type('html')
          .send(
            messagePage(
              'Request refused',
              'This form is no longer valid. Reload the page and try again.',
              staffOf(res),
            ),
          );

  const guarded = [access.page, formBody, csrf, access.adminPage];

  const notFound = (res: Response) =>
    res
      .status(404)
      .type('html')
      .send(messagePage('Consent not found', 'No consent has this id.', staffOf(res), '/admin/consents'));

  /** The consent's page again, with the refusal in an error banner. */
  const refuse = async (res: Response, consent: ConsentRecord, status: number, error: string) => {
    const fresh = (await Consent.findById(consent._id).lean<ConsentRecord>()) ?? consent;
    const parties = await partiesOf(deps.models, [fresh]);
    res
      .status(status)
      .type('html')
      .send(
        detailPage({
          staff: staffOf(res),
          consent: fresh,
          parties: parties.get(fresh._id)!,
          temporalUrl: temporalWorkflowUrl(deps, fresh._id),
          error: `Not done: ${error}.`,
        }),
      );
  };

  router.post('/admin/consents/:id/:action', ...guarded, async (req, res) => {
    const { id, action } = req.params as { id: string; action: string };
    if (!isStaffAction(action)) return notFound(res);
    const consent = await Consent.findById(id).lean<ConsentRecord>();
    if (!consent) return notFound(res);
    const reason = (req.body as Record<string, unknown>).reason;
    const invalid = reasonError(reason);
    if (invalid) return refuse(res, consent, 400, invalid);
    const outcome = await staffAction(deps.client, action, id, actorOf(staffOf(res)), String(reason).trim());
    if (!outcome.ok) return refuse(res, consent, outcome.status, outcome.message);
    req.log.info({ consentId: id, action, staff: staffOf(res).email }, 'consent action by staff');
    await access.flash(req, NOTICES[action]!);
    res.redirect(303, `/admin/consents/${encodeURIComponent(id)}`);
  });

  router.post('/admin/customers/:customerId/revoke-consents', ...guarded, async (req, res) => {
    const { customerId } = req.params as { customerId: string };
    const body = req.body as Record<string, unknown>;
    const from =
      typeof body.consentId === 'string'
        ? await Consent.findById(body.consentId).lean<ConsentRecord>()
        : null;
    const fail = (status: number, message: string) =>
      from
        ? refuse(res, from, status, message)
        : res
            .status(status)
            .type('html')
            .send(messagePage('Not done', message, staffOf(res), '/admin/consents'));
    if (!(await Consent.exists({ customerId }))) return fail(404, 'this customer has no consents');
    const invalid = reasonError(body.reason);
    if (invalid) return fail(400, invalid);
    const outcome = await revokeAllConsentsOf(deps.client, deps.consentTaskQueue, {
      customerId,
      actor: actorOf(staffOf(res)),
      code: 'INTERNAL_SECURITY_REASON',
      reason: String(body.reason).trim(),
    });
    if (!outcome.ok) return fail(outcome.status, outcome.message);
    req.log.info({ customerId, staff: staffOf(res).email }, 'customer consents revocation started by staff');
    await access.flash(req, NOTICES.customer!);
    res.redirect(303, `/admin/consents?customerId=${encodeURIComponent(customerId)}`);
  });

  return router;
}
