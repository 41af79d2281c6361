// The console's pages for reading: the consent list with its filters, the CSV export and a
// consent's detail. Every page needs a staff session; VIEW and ADMIN alike may read.
import { once } from 'node:events';
import { Router } from 'express';
import { sendProblem } from '../../../lib/http/problem.js';
import { csvLine } from '../../../lib/web/csv.js';
import { queryErrors } from '../../../lib/web/query.js';
import { staffOf, type StaffAccess } from '../access.js';
import { temporalWorkflowUrl, type BankConsoleDeps } from '../config.js';
import { messagePage } from '../frame-pages.js';
import { consentCsvLine, CSV_HEADER } from './csv.js';
import { detailPage } from './consent-detail-pages.js';
import { listPage } from './consent-list-pages.js';
import { partiesOf } from './parties.js';
import { givenFilters, parseConsentQuery, type ConsentQuery } from './query.js';
import { recipientDirectory, type RecipientDirectory } from './recipients.js';
import { searchConsents, streamConsents, type ConsentRecord } from './search.js';

/** Export rows named a batch at a time: one lookup per batch, not per row. */
const EXPORT_BATCH = 200;

export function consentPagesRouter(deps: BankConsoleDeps, access: StaffAccess): Router {
  const router = Router();
  const { Consent, Organization } = deps.models;

  /** Whose consents a list filtered to one organization or recipient shows, by name. */
  const scopeName = async (q: ConsentQuery, recipients: RecipientDirectory) => {
    if (q.organizationId)
      return (await Organization.findById(q.organizationId, { legalName: 1 }).lean())?.legalName;
    if (q.clientId) return (await recipients([q.clientId])).get(q.clientId)?.name;
    return undefined;
  };

  router.get('/admin', access.page, (_req, res) => res.redirect(303, '/admin/consents'));

  router.get('/admin/consents', access.page, async (req, res) => {
    const staff = staffOf(res);
    const filters = givenFilters(req.query);
    const parsed = parseConsentQuery(req.query);
    if (!parsed.success) {
      return res
        .status(400)
        .type('html')
        .send(listPage({ staff, filters, page: 1, pageSize: 20, errors: parsed.error.issues }));
    }
    const q = parsed.data;
    const recipients = recipientDirectory(deps.models);
    const [found, scope] = await Promise.all([searchConsents(deps.models, q), scopeName(q, recipients)]);
    const parties = await partiesOf(deps.models, found.rows, recipients);
    res.type('html').send(
      listPage({
        staff,
        filters,
        page: q.page,
        pageSize: q.pageSize,
        result: { ...found, parties },
        scope,
        notice: await access.takeNotice(req),
      }),
    );
  });

  router.get('/admin/consents.csv', access.page, async (req, res) => {
    const parsed = parseConsentQuery(req.query);
    if (!parsed.success) {
      const { detail, errors } = queryErrors(parsed.error.issues);
      return sendProblem(res, 400, 'Invalid query', detail, errors);
    }
    res.type('text/csv; charset=utf-8');
    res.attachment(`consents-${new Date().toISOString().slice(0, 10)}.csv`);
    res.write(csvLine(CSV_HEADER));
    const recipients = recipientDirectory(deps.models);
    let batch: ConsentRecord[] = [];
    const flush = async () => {
      const parties = await partiesOf(deps.models, batch, recipients);
      const lines = batch.map((c) => consentCsvLine(c, parties.get(c._id)!)).join('');
      batch = [];
      if (!res.write(lines)) await once(res, 'drain');
    };
    for await (const consent of await streamConsents(deps.models, parsed.data)) {
      batch.push(consent as ConsentRecord);
      if (batch.length === EXPORT_BATCH) await flush();
    }
    if (batch.length) await flush();
    res.end();
  });

  router.get('/admin/consents/:id', access.page, async (req, res) => {
    const staff = staffOf(res);
    const consent = await Consent.findById(req.params.id).lean<ConsentRecord>();
    if (!consent)
      return res
        .status(404)
        .type('html')
        .send(messagePage('Consent not found', 'No consent has this id.', staff, '/admin/consents'));
    const parties = await partiesOf(deps.models, [consent]);
    res.type('html').send(
      detailPage({
        staff,
        consent,
        parties: parties.get(consent._id)!,
        temporalUrl: temporalWorkflowUrl(deps, consent._id),
        notice: await access.takeNotice(req),
      }),
    );
  });

  return router;
}
