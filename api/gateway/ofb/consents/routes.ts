// OFB consents 3.3.1 (`/open-banking/consents/v3`): create, read and revoke with the recipient's
// client-credentials token; renew with the customer's token; list renewals. Every response
// carries `x-v` and echoes `x-fapi-interaction-id`.
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Models } from '../../../../db/models/index.js';
import type { Logger } from '../../../../lib/logger.js';
import type { ConsentState } from '../../../../workflows/consent-types.js';
import { expiryError } from '../../../../workflows/consent-rules.js';
import {
  ConsentRefused,
  type ConsentTransitions,
  type OfbConsentRequest,
} from '../../../../workflows/consent-client.js';
import { interactionId } from '../../interaction-id.js';
import { requireAccess, tokenOf, type AccessDeps } from '../../security/access-token.js';
import { limited } from '../../traffic.js';
import { badRequest, ofbDateTime, ofbRefusal, sendOfbError } from '../errors.js';
import { consentResponse, extensionItems } from './mappers.js';
import { checkPermissions } from './permissions.js';
import { createConsentBody, describeIssues, extendConsentBody } from './requests.js';

const CONSENTS_VERSION = '3.3.1';
export const CONSENTS_BASE = '/open-banking/consents/v3';

interface OfbConsentsDeps {
  access: AccessDeps;
  models: Pick<Models, 'Consent'>;
  lodge: (req: OfbConsentRequest) => Promise<ConsentState>;
  transitions: ConsentTransitions;
  /** The gateway's public base URL, for `links`. */
  baseUrl: string;
  logger: Logger;
  /** The traffic limits, run once the caller is known (traffic.ts). */
  afterAccess?: RequestHandler;
}

const CONSENT_ID = /^urn:[a-zA-Z0-9][a-zA-Z0-9-]{0,31}:[a-zA-Z0-9()+,\-.:=@;$_!*'%/?#]+$/;

export function ofbConsentsRouter(deps: OfbConsentsDeps): Router {
  const router = Router();
  const clientCredentials = limited(
    requireAccess(deps.access, { scope: 'consents', grant: 'client_credentials' }, ofbRefusal),
    deps.afterAccess,
  );
  const customerToken = limited(
    requireAccess(deps.access, { grant: 'consent' }, ofbRefusal),
    deps.afterAccess,
  );
  const self = (req: Request) => `${deps.baseUrl}${req.originalUrl.split('?')[0]}`;

  router.use((_req, res, next) => {
    res.setHeader('x-v', CONSENTS_VERSION);
    next();
  });
  router.use(
    interactionId({
      required: true,
      refuse: (_q, res, detail) => sendOfbError(res, 400, badRequest(detail)),
    }),
  );
  // JSON bodies only; a malformed one is OFB's 400 (see the error handler below).
  const json = [
    (req: Request, res: Response, next: () => void) => {
      if (req.is('application/json')) return next();
      sendOfbError(res, 415, {
        code: 'UNSUPPORTED_MEDIA_TYPE',
        title: 'Formato não suportado',
        detail: 'send application/json',
      });
    },
    express.json({ limit: '16kb' }),
  ];

  /** The recipient's own consent, or an error answer already sent. */
  async function ownConsent(req: Request, res: Response) {
    const consentId = String(req.params.consentId);
    if (!CONSENT_ID.test(consentId) || consentId.length > 256) {
      sendOfbError(res, 400, badRequest('consentId must be a URN'));
      return undefined;
    }
    const consent = await deps.models.Consent.findById(consentId).lean();
    // Another client's consent answers as an unknown one: its existence is not the caller's to learn.
    if (!consent || consent.standard !== 'OFB' || consent.clientId !== tokenOf(res).clientId) {
      sendOfbError(res, 404, {
        code: 'NOT_FOUND',
        title: 'Consentimento não encontrado',
        detail: 'no such consent',
      });
      return undefined;
    }
    return consent as typeof consent & { _id: string };
  }

  router.post('/consents', clientCredentials, ...json, async (req: Request, res: Response) => {
    const body = createConsentBody.safeParse(req.body);
    if (!body.success) {
      const { missing, detail } = describeIssues(body.error);
      return sendOfbError(
        res,
        400,
        badRequest(detail, missing ? 'PARAMETRO_NAO_INFORMADO' : 'PARAMETRO_INVALIDO'),
      );
    }
    const { data } = body.data;
    const checked = checkPermissions(data.permissions, data.businessEntity !== undefined);
    if (!checked.ok)
      return sendOfbError(res, 422, {
        code: checked.code,
        title: 'Permissões inválidas',
        detail: checked.detail,
      });
    const expiry = expiryError(data.expirationDateTime, Date.now());
    if (expiry)
      return sendOfbError(res, 422, {
        code: 'DATA_EXPIRACAO_INVALIDA',
        title: 'Data de expiração inválida',
        detail: expiry,
      });
    const state = await deps.lodge({
      clientId: tokenOf(res).clientId,
      permissions: checked.permissions,
      loggedUserDocument: data.loggedUser.document.identification,
      ...(data.businessEntity ? { businessEntityDocument: data.businessEntity.document.identification } : {}),
      ...(data.expirationDateTime ? { expirationDateTime: new Date(data.expirationDateTime) } : {}),
    });
    const record = await deps.models.Consent.findById(state.consentId).lean();
    res.status(201).json(consentResponse(record as never, `${self(req)}/${state.consentId}`));
  });

  router.get('/consents/:consentId', clientCredentials, async (req, res) => {
    const consent = await ownConsent(req, res);
    if (consent) res.json(consentResponse(consent, self(req)));
  });

  router.delete('/consents/:consentId', clientCredentials, async (req, res) => {
    const consent = await ownConsent(req, res);
    if (!consent) return;
    const rejected = () =>
      sendOfbError(res, 422, {
        code: 'CONSENTIMENTO_EM_STATUS_REJEITADO',
        title: 'Consentimento em status rejeitado',
        detail: 'the consent is already REJECTED',
      });
    if (consent.status === 'REJECTED') return rejected();
    try {
      // The customer withdrew it at the recipient (OFB: rejectedBy USER).
      await deps.transitions.revoke(consent._id, { rejectedBy: 'USER', actor: consent.clientId });
    } catch (err) {
      if (err instanceof ConsentRefused) return rejected();
      throw err;
    }
    res.status(204).end();
  });

  router.post('/consents/:consentId/extends', customerToken, ...json, async (req: Request, res: Response) => {
    const consentId = String(req.params.consentId);
    if (tokenOf(res).consentId !== consentId)
      return sendOfbError(res, 403, {
        code: 'FORBIDDEN',
        title: 'Acesso negado',
        detail: 'the token is not of this consent',
      });
    const ip = req.headers['x-fapi-customer-ip-address'];
    const agent = req.headers['x-customer-user-agent'];
    if (typeof ip !== 'string' || ip.trim() === '' || typeof agent !== 'string' || agent.trim() === '')
      return sendOfbError(
        res,
        400,
        badRequest(
          'x-fapi-customer-ip-address and x-customer-user-agent are required',
          'PARAMETRO_NAO_INFORMADO',
        ),
      );
    const consent = await ownConsent(req, res);
    if (!consent) return;
    const body = extendConsentBody.safeParse(req.body);
    if (!body.success) {
      const { missing, detail } = describeIssues(body.error);
      return sendOfbError(
        res,
        400,
        badRequest(detail, missing ? 'PARAMETRO_NAO_INFORMADO' : 'PARAMETRO_INVALIDO'),
      );
    }
    const { data } = body.data;
    try {
      await deps.transitions.extend(consentId, {
        actor: `${consent.clientId} for customer:${consent.customerId ?? ''}`,
        loggedUserDocument: data.loggedUser.document.identification,
        ...(data.businessEntity
          ? { businessEntityDocument: data.businessEntity.document.identification }
          : {}),
        ...(data.expirationDateTime ? { expirationDateTime: ofbDateTime(data.expirationDateTime) } : {}),
        requestDateTime: ofbDateTime(new Date()),
        xFapiCustomerIpAddress: ip.slice(0, 100),
        xCustomerUserAgent: agent.slice(0, 255),
      });
    } catch (err) {
      if (!(err instanceof ConsentRefused)) throw err;
      const code = err.code ?? 'ESTADO_CONSENTIMENTO_INVALIDO';
      return sendOfbError(res, 422, { code, title: 'Renovação recusada', detail: err.message });
    }
    const record = await deps.models.Consent.findById(consentId).lean();
    res.status(201).json(consentResponse(record as never, self(req).replace(/\/extends$/, '')));
  });

  router.get('/consents/:consentId/extensions', clientCredentials, async (req, res) => {
    const page = req.query.page === undefined ? 1 : Number(req.query.page);
    const asked = req.query['page-size'] === undefined ? 25 : Number(req.query['page-size']);
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(asked) || asked < 1 || asked > 1000)
      return sendOfbError(res, 400, badRequest('page must be ≥ 1 and page-size 1–1000'));
    const pageSize = Math.max(25, asked); // OFB: smaller sizes count as 25.
    const consent = await ownConsent(req, res);
    if (!consent) return;
    const items = extensionItems(consent);
    const totalPages = Math.max(1, Math.ceil(items.length / pageSize));
    const link = (p: number) => `${self(req)}?page=${p}&page-size=${pageSize}`;
    res.json({
      data: items.slice((page - 1) * pageSize, page * pageSize),
      links: {
        self: link(page),
        ...(page > 1 ? { first: link(1), prev: link(page - 1) } : {}),
        ...(page < totalPages ? { next: link(page + 1), last: link(totalPages) } : {}),
      },
      meta: { totalRecords: items.length, totalPages, requestDateTime: ofbDateTime(new Date()) },
    });
  });

  router.use(
    (err: { status?: number; type?: string }, _req: Request, res: Response, next: (e: unknown) => void) => {
      if (err.type === 'entity.parse.failed')
        return sendOfbError(res, 400, badRequest('the body is not valid JSON'));
      if (err.type === 'entity.too.large')
        return sendOfbError(res, 413, {
          code: 'PAYLOAD_TOO_LARGE',
          title: 'Payload muito grande',
          detail: 'at most 16 kB',
        });
      next(err);
    },
  );
  return router;
}
