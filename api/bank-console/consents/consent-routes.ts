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
import { givenFilters, parseConsentQuery } from './query.js';
import { clientNames } from './recipients.js';
import { searchConsents, streamConsents, type ConsentRecord } from './search.js';

export function consentPagesRouter(deps: BankConsoleDeps, access: StaffAccess): Router {
  const router = Router();
  const { Consent } = deps.models;

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
    const result = await searchConsents(deps.models, q);
    res.type('html').send(
      listPage({
        staff,
        filters,
        page: q.page,
        pageSize: q.pageSize,
        result,
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
    for await (const consent of streamConsents(deps.models, parsed.data)) {
      if (!res.write(consentCsvLine(consent as ConsentRecord))) await once(res, 'drain');
    }
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
    const names = await clientNames(deps.models, [consent.clientId]);
    res.type('html').send(
      detailPage({
        staff,
        consent,
        clientName: names.get(consent.clientId),
        temporalUrl: temporalWorkflowUrl(deps, consent._id),
        notice: await access.takeNotice(req),
      }),
    );
  });

  return router;
}
