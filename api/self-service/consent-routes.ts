// The customer's consents: the list, one consent, and stopping it — a confirmation page, then a
// POST that revokes it (rejected by the USER, CUSTOMER_MANUALLY_REVOKED) through its workflow and
// redirects to the consent. Only the customer's own consents exist here: any other id answers 404,
// whoever it belongs to.
import { Router, type Request, type Response } from 'express';
import { customerResources } from '../../connectors/customer-resources.js';
import { BankDataUnavailable } from '../../connectors/reads.js';
import { formBody, sameToken } from '../../lib/http/forms.js';
import { revokeConsent } from '../bank-console/consents/actions.js';
import { CONSENT_SORT } from '../bank-console/consents/query.js';
import { clientNames } from '../bank-console/consents/recipients.js';
import type { ConsentRecord } from '../bank-console/consents/search.js';
import { meOf, type MyAccess } from './access.js';
import type { SelfServiceDeps } from './config.js';
import { myConsentPage, myConsentsPage, stopConsentPage, type MyConsent } from './consent-pages.js';
import { messagePage } from './frame-pages.js';
import { contextFor } from './i18n.js';
import { stoppable } from './status-words.js';

export function myConsentsRouter(deps: SelfServiceDeps, access: MyAccess): Router {
  const router = Router();
  const { Consent } = deps.models;
  const contextOf = contextFor(deps);

  /**
   * The labels of the customer's accounts and cards, read from the bank's core through the
   * configured connector as the consent page reads them. A core that cannot answer leaves the ids
   * (the reader logs why): stopping a consent must not depend on the core being up.
   */
  const labelsOf = async (customerId: string, consents: ConsentRecord[]): Promise<Map<string, string>> => {
    if (!consents.some((c) => c.accountIds?.length)) return new Map();
    try {
      const held = await customerResources(deps.readBankData, {
        // Read for these consents' pages, on the customer's behalf.
        consentId: consents.map((c) => c._id).join(','),
        clientId: [...new Set(consents.map((c) => c.clientId))].join(','),
        customerId,
      });
      return new Map(held.map((r) => [r.accountId, r.label]));
    } catch (err) {
      if (err instanceof BankDataUnavailable) return new Map();
      throw err;
    }
  };

  /** With the recipients' names and the accounts' labels. */
  const described = async (customerId: string, consents: ConsentRecord[]): Promise<MyConsent[]> => {
    const [names, labels] = await Promise.all([
      clientNames(
        deps.models,
        consents.map((c) => c.clientId),
      ),
      labelsOf(customerId, consents),
    ]);
    return consents.map((consent) => ({
      consent,
      recipient: names.get(consent.clientId) ?? consent.clientId,
      accounts: (consent.accountIds ?? []).map((id) => labels.get(id) ?? id),
    }));
  };

  const mine = (res: Response, id: string) =>
    Consent.findOne({ _id: id, customerId: meOf(res).customerId }).lean<ConsentRecord>();

  const notFound = (req: Request, res: Response) => {
    const c = contextOf(req, res);
    res
      .status(404)
      .type('html')
      .send(messagePage(c, c.t('errors.notFoundTitle'), c.t('errors.notFound'), meOf(res), '/my/consents'));
  };

  router.get('/my', access.page, (_req, res) => res.redirect(303, '/my/consents'));

  router.get('/my/consents', access.page, async (req, res) => {
    const me = meOf(res);
    const consents = await Consent.find({ customerId: me.customerId })
      .sort(CONSENT_SORT)
      .lean<ConsentRecord[]>();
    res.type('html').send(myConsentsPage(contextOf(req, res), me, await described(me.customerId, consents)));
  });

  router.get('/my/consents/:id', access.page, async (req, res) => {
    const consent = await mine(res, req.params.id as string);
    if (!consent) return notFound(req, res);
    const [item] = await described(meOf(res).customerId, [consent]);
    // The notice is a catalogue key the server flashed (never text from the URL).
    const notice = await access.takeNotice(req);
    const c = contextOf(req, res);
    res.type('html').send(myConsentPage(c, meOf(res), item!, notice ? { notice: c.t(notice) } : {}));
  });

  router.get('/my/consents/:id/stop', access.page, async (req, res) => {
    const consent = await mine(res, req.params.id as string);
    if (!consent) return notFound(req, res);
    // An ended consent has nothing to stop: its page says so.
    if (!stoppable(consent)) return res.redirect(303, `/my/consents/${encodeURIComponent(consent._id)}`);
    const [item] = await described(meOf(res).customerId, [consent]);
    res.type('html').send(stopConsentPage(contextOf(req, res), meOf(res), item!));
  });

  router.post('/my/consents/:id/revoke', access.page, formBody, async (req, res) => {
    const me = meOf(res);
    const c = contextOf(req, res);
    if (!sameToken((req.body as Record<string, unknown>)?.csrf, me.csrf))
      return res
        .status(403)
        .type('html')
        .send(messagePage(c, c.t('errors.refusedTitle'), c.t('errors.formInvalid'), me));
    const id = req.params.id as string;
    const consent = await mine(res, id);
    if (!consent) return notFound(req, res);
    const outcome = await revokeConsent(deps.client, id, {
      rejectedBy: 'USER',
      code: 'CUSTOMER_MANUALLY_REVOKED',
      actor: `customer:${me.customerId}`,
    });
    if (!outcome.ok) {
      const [item] = await described(me.customerId, [(await mine(res, id)) ?? consent]);
      return res
        .status(outcome.status)
        .type('html')
        .send(myConsentPage(c, me, item!, { error: c.t('stop.failed', { reason: outcome.message }) }));
    }
    req.log.info({ consentId: id, customerId: me.customerId }, 'consent revoked by its customer');
    await access.flash(req, 'stop.done');
    res.redirect(303, `/my/consents/${encodeURIComponent(id)}`);
  });

  return router;
}
