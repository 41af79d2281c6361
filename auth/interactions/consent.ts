// The consent step: the logged-in customer reviews what a recipient asks for, picks accounts, and
// authorises or rejects. The decision goes to the consent's workflow first; only then does the
// OAuth grant — whose id is the consent id — come into being. The OFB page follows the Open
// Finance Brasil customer-experience guide (who receives the data, the data in the guide's groups,
// the purpose and the deadline, no account pre-selected, confirm and cancel alike); FDX's keeps
// FDX's data clusters.
import { Router, type Request, type Response } from 'express';
import type Provider from 'oidc-provider';
import type { Models } from '../../db/models/index.js';
import type { Branding } from '../../lib/config.js';
import type { Logger } from '../../lib/logger.js';
import type {
  Authorisation,
  ConsentState,
  FdxConsentTerms,
  Revocation,
} from '../../workflows/consent-types.js';
import { secondsToExpiry } from '../../workflows/consent-rules.js';
import { consentIdsIn } from '../consent-scope-ids.js';
import { unmetIdentityClaim } from '../identity-claims.js';
import { pushedConsentKey } from '../provider.js';
import type { Locale } from '../i18n.js';
import { describePermission, ofbDataGroups } from './permissions.js';
import { wantedKinds, type ListShareable } from '../shareable-resources.js';
import { csrfTokens, formBody, interactionOrExpired, refuseForm } from './forms.js';
import { pageContext } from './frame.js';
import { recipientOf } from './recipient.js';
import { consentPage } from './views.js';

/** What the consent page asks of the consent workflows. */
export interface ConsentDecisions {
  /** Returns the consent as authorised (FDX TIME_BOUND consents get their expiry then). */
  authorise(consentId: string, a: Authorisation): Promise<ConsentState>;
  reject(consentId: string, r: Revocation): Promise<void>;
}

interface ConsentInteractionDeps {
  provider: Provider;
  models: Pick<Models, 'Consent' | 'Customer' | 'OidcRecord' | 'Application' | 'Organization'>;
  decisions: ConsentDecisions;
  csrfSecret: string;
  branding: Branding;
  /** The bank's limit of authorised consents per customer and recipient. */
  maxConsentsPerRecipient: number;
  /** The accounts and cards the customer may choose from, read from the bank's core. */
  listShareable: ListShareable;
  logger: Logger;
}

export function consentRouter(deps: ConsentInteractionDeps): Router {
  const router = Router();
  const csrf = csrfTokens(deps.csrfSecret, 'consent');

  /** The interaction, its consent and customer, or an answer already sent. */
  async function load(req: Request, res: Response) {
    const details = await interactionOrExpired(deps.provider, req, res, deps.branding);
    if (!details) return undefined;
    if (details.prompt.name !== 'consent') return { details };
    // OFB names its consent in the scope; an FDX consent was lodged at PAR, found by the PAR's id.
    const parJti = (details as unknown as { parJti?: string }).parJti;
    const pushed = parJti ? await deps.models.OidcRecord.findById(pushedConsentKey(parJti)).lean() : null;
    const consentId =
      consentIdsIn(details.params.scope)[0] ??
      (pushed ? (JSON.parse(pushed.payload) as { consentId: string }).consentId : undefined);
    const clientId = String(details.params.client_id);
    const accountId = details.session?.accountId;
    const [consent, customer, client] = await Promise.all([
      consentId ? deps.models.Consent.findById(consentId).lean() : null,
      accountId ? deps.models.Customer.findById(accountId).lean() : null,
      deps.provider.Client.find(clientId),
    ]);
    const refuse = (description: string) =>
      deps.provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: description },
        { mergeWithLastSubmission: false },
      );
    if (
      !consent ||
      !customer ||
      !client ||
      consent.clientId !== clientId ||
      consent.status !== 'AWAITING_AUTHORISATION'
    ) {
      await refuse('no consent awaiting authorisation for this request');
      return undefined;
    }
    // The consent names who may authorise it: the logged-in customer must be that person (and company).
    if (
      (consent.standard === 'OFB' && consent.loggedUserDocument !== customer.cpf) ||
      (consent.businessEntityDocument && consent.businessEntityDocument !== customer.cnpj)
    ) {
      deps.logger.info(
        { interaction: details.uid },
        "consent refused: logged-in customer is not the consent's user",
      );
      await refuse('the logged-in customer is not the user this consent was lodged for');
      return undefined;
    }
    // An essential cpf/cnpj the customer cannot satisfy is a failed authentication (OFB 5.2.2.2-3).
    const unmet = unmetIdentityClaim(details.params.claims, customer);
    if (unmet) {
      deps.logger.info(
        { interaction: details.uid, claim: unmet },
        'consent refused: essential claim not met',
      );
      await refuse(`the logged-in customer does not have the ${unmet} the request requires`);
      return undefined;
    }
    return {
      details,
      consent,
      customer,
      client,
      accounts: await deps.listShareable(consent as typeof consent & { _id: string }, customer._id),
    };
  }

  /** The consent page; `error` is a catalogue key (with its count). */
  const render = async (
    req: Request,
    res: Response,
    loaded: NonNullable<Awaited<ReturnType<typeof load>>>,
    status = 200,
    error?: { key: string; count?: number },
  ) => {
    const { details } = loaded;
    const consent = loaded.consent!;
    const ofb = consent.standard === 'OFB';
    const c = pageContext(req, res, {
      branding: deps.branding,
      journey: ofb ? 'OFB' : 'FDX',
      here: `/interaction/${details.uid}`,
    });
    const recipient = await recipientOf(deps.provider, deps.models, consent.clientId);
    res
      .status(status)
      .type('html')
      .send(
        consentPage(
          {
            action: `/interaction/${details.uid}/consent`,
            csrf: csrf.token(details.uid),
            recipient,
            data: ofb
              ? ofbDataGroups(consent.permissions, c.t)
              : [{ title: '', items: consent.permissions.map((p) => describePermission(p, c.t)) }],
            ...(ofb ? { purpose: c.t('consent.purposeText', { client: recipient.client }) } : {}),
            duration: describeDuration(consent, c),
            accounts: loaded.accounts!,
            preselect: !ofb,
            ...(error ? { error: c.t(error.key, { count: error.count ?? 0 }) } : {}),
          },
          c,
        ),
      );
  };

  router.get('/interaction/:uid', async (req, res, next) => {
    const loaded = await load(req, res);
    if (!loaded) return;
    if (loaded.details.prompt.name !== 'consent') return next();
    await render(req, res, loaded);
  });

  router.post('/interaction/:uid/consent', formBody, async (req, res) => {
    const loaded = await load(req, res);
    if (!loaded) return;
    const { details, consent, customer, accounts } = loaded;
    if (!consent || !customer || !accounts || !csrf.valid(req, details.uid)) {
      return refuseForm(req, res, deps.branding);
    }
    const body = req.body as Record<string, string | string[] | undefined>;
    const actor = `customer:${customer._id}`;
    if (body.decision === 'reject') {
      await deps.decisions.reject(consent._id, {
        rejectedBy: 'USER',
        code: 'CUSTOMER_MANUALLY_REJECTED',
        actor,
      });
      return deps.provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'the customer did not authorise the consent' },
        { mergeWithLastSubmission: false },
      );
    }
    const active = await deps.models.Consent.countDocuments({
      customerId: customer._id,
      clientId: consent.clientId,
      status: 'AUTHORISED',
    });
    if (active >= deps.maxConsentsPerRecipient) {
      return render(req, res, loaded, 409, { key: 'consent.tooMany', count: active });
    }
    const chosen = [body.accountIds ?? []].flat();
    const own = new Set(accounts.map((a) => a.accountId));
    const needsAccounts = wantedKinds(consent).size > 0;
    if (chosen.some((id) => !own.has(id)) || (needsAccounts && chosen.length === 0)) {
      return render(req, res, loaded, 400, { key: 'consent.chooseAccount' });
    }
    const authorised = await deps.decisions.authorise(consent._id, {
      customerId: customer._id,
      accountIds: chosen,
      actor,
    });

    // oidc-provider keeps a given jti: the grant id is the consent id (typings omit `jti`). The
    // grant ends with the consent's expirationDateTime, and its refresh tokens with it.
    const expiresIn = secondsToExpiry(authorised.expirationDateTime, Date.now());
    const grant = new deps.provider.Grant({
      jti: consent._id,
      accountId: customer._id,
      clientId: consent.clientId,
      ...(expiresIn ? { expiresIn } : {}),
    } as { clientId: string });
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(resource, scopes.join(' '));
    // FDX: the pushed authorization details (the consent request) become part of the grant.
    for (const detail of (details.prompt.details as { rar?: unknown[] }).rar ?? [])
      grant.addRar(detail as never);
    const grantId = await grant.save();
    deps.logger.info({ interaction: details.uid, consentId: consent._id }, 'consent authorised');
    return deps.provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  });

  return router;
}

/** "For how long", in the customer's words and the day in their language's form. */
function describeDuration(
  consent: { expirationDateTime?: Date | null; fdx?: unknown },
  { t, date }: Locale,
): string {
  const fdx = consent.fdx as FdxConsentTerms | undefined;
  if (fdx?.durationType === 'TIME_BOUND') return t('consent.forDays', { count: Number(fdx.durationPeriod) });
  if (fdx?.durationType === 'ONE_TIME') return t('consent.once');
  if (consent.expirationDateTime) return t('consent.until', { date: date(consent.expirationDateTime) });
  return t('consent.untilRevoked');
}
