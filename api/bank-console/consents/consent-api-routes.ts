// The console's JSON API under /admin/api, on the same staff session as the pages: reads for
// VIEW and ADMIN, actions for ADMIN only. Errors are RFC 9457 problem details. Action bodies must
// be application/json, which no other site can send with the session cookie (no CORS here), so
// the API needs no CSRF token.
import { Router, json, type RequestHandler } from 'express';
import { sendProblem } from '../../../lib/http/problem.js';
import { queryErrors } from '../../../lib/web/query.js';
import { actorOf, staffOf, type StaffAccess } from '../access.js';
import { isStaffAction, reasonError, revokeAllConsentsOf, staffAction } from './actions.js';
import { temporalWorkflowUrl, type BankConsoleDeps } from '../config.js';
import { partiesOf } from './parties.js';
import { parseConsentQuery } from './query.js';
import { consentView, searchConsents, type ConsentRecord } from './search.js';

const jsonOnly: RequestHandler = (req, res, next) =>
  req.is('application/json')
    ? next()
    : sendProblem(res, 415, 'Unsupported media type', 'Send the body as application/json.');

export function consentApiRouter(deps: BankConsoleDeps, access: StaffAccess): Router {
  const router = Router();
  const { Consent } = deps.models;
  const acting = [access.api, access.adminApi, jsonOnly, json({ limit: '8kb' })];

  const reasonOf = (body: unknown) => (body as Record<string, unknown> | undefined)?.reason;
  const badReason = (res: Parameters<RequestHandler>[1], message: string) =>
    sendProblem(res, 400, 'Invalid request', `reason: ${message}`, [{ field: 'reason', message }]);

  router.get('/admin/api/consents', access.api, async (req, res) => {
    const parsed = parseConsentQuery(req.query);
    if (!parsed.success) {
      const { detail, errors } = queryErrors(parsed.error.issues);
      return sendProblem(res, 400, 'Invalid query', detail, errors);
    }
    const q = parsed.data;
    const { rows, total, pages } = await searchConsents(deps.models, q);
    const parties = await partiesOf(deps.models, rows);
    res.json({
      data: rows.map((c) => consentView(c, parties.get(c._id)!)),
      meta: { page: q.page, pageSize: q.pageSize, totalRecords: total, totalPages: pages },
    });
  });

  router.get('/admin/api/consents/:id', access.api, async (req, res) => {
    const consent = await Consent.findById(req.params.id).lean<ConsentRecord>();
    if (!consent) return sendProblem(res, 404, 'Consent not found');
    const parties = await partiesOf(deps.models, [consent]);
    res.json({
      ...consentView(consent, parties.get(consent._id)!, { audit: true }),
      links: { temporalUi: temporalWorkflowUrl(deps, consent._id) },
    });
  });

  router.post('/admin/api/consents/:id/:action', ...acting, async (req, res) => {
    const { id, action } = req.params as { id: string; action: string };
    if (!isStaffAction(action)) return sendProblem(res, 404, 'Not found');
    if (!(await Consent.exists({ _id: id }))) return sendProblem(res, 404, 'Consent not found');
    const reason = reasonOf(req.body);
    const invalid = reasonError(reason);
    if (invalid) return badReason(res, invalid);
    const outcome = await staffAction(deps.client, action, id, actorOf(staffOf(res)), String(reason).trim());
    if (!outcome.ok) return sendProblem(res, outcome.status, 'Refused by the consent', outcome.message);
    req.log.info({ consentId: id, action, staff: staffOf(res).email }, 'consent action by staff');
    const consent = (await Consent.findById(id).lean<ConsentRecord>())!;
    const parties = await partiesOf(deps.models, [consent]);
    res.json(consentView(consent, parties.get(consent._id)!, { audit: true }));
  });

  router.post('/admin/api/customers/:customerId/revoke-consents', ...acting, async (req, res) => {
    const { customerId } = req.params as { customerId: string };
    if (!(await Consent.exists({ customerId })))
      return sendProblem(res, 404, 'Customer not found', 'No consent names this customer.');
    const reason = reasonOf(req.body);
    const invalid = reasonError(reason);
    if (invalid) return badReason(res, invalid);
    const outcome = await revokeAllConsentsOf(deps.client, deps.consentTaskQueue, {
      customerId,
      actor: actorOf(staffOf(res)),
      code: 'INTERNAL_SECURITY_REASON',
      reason: String(reason).trim(),
    });
    if (!outcome.ok) return sendProblem(res, outcome.status, 'Refused', outcome.message);
    req.log.info({ customerId, staff: staffOf(res).email }, 'customer consents revocation started by staff');
    res
      .status(202)
      .json({ ...outcome.value, links: { temporalUi: temporalWorkflowUrl(deps, outcome.value.workflowId) } });
  });

  router.use('/admin/api', (_req, res) => sendProblem(res, 404, 'Not found'));
  return router;
}
