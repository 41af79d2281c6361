// FDX consent API (`/fdx/v6`): read a ConsentGrant, revoke it, read its revocation history. The
// recipient calls with its client-credentials token or with the consent's own access token.
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Models } from '../../../../db/models/index.js';
import { ConsentRefused, type ConsentTransitions } from '../../../../workflows/consent-client.js';
import { requireAccess, tokenOf, type AccessDeps } from '../../security/access-token.js';
import { limited } from '../../traffic.js';
import { fdxRefusal, invalidInput, sendFdxError } from '../errors.js';
import { consentGrant, grantStatus, revocationList, type PartyInfo } from './mappers.js';

export const FDX_BASE = '/fdx/v6';

interface FdxConsentsDeps {
  access: AccessDeps;
  models: Pick<Models, 'Consent' | 'OidcRecord'>;
  transitions: ConsentTransitions;
  provider: PartyInfo['provider'];
  /** The traffic limits, run once the caller is known (traffic.ts). */
  afterAccess?: RequestHandler;
}

const PARTY_TYPES = [
  'DATA_ACCESS_PLATFORM',
  'DATA_PROVIDER',
  'DATA_RECIPIENT',
  'INDIVIDUAL',
  'MERCHANT',
  'VENDOR',
] as const;
const revocationRequest = z.object({
  reason: z.enum(['BUSINESS_RULE', 'USER_ACTION'], { error: 'reason must be BUSINESS_RULE or USER_ACTION' }),
  initiator: z.enum(PARTY_TYPES, { error: `initiator must be one of ${PARTY_TYPES.join(', ')}` }),
});

export function fdxConsentsRouter(deps: FdxConsentsDeps): Router {
  const router = Router();
  const access = limited(requireAccess(deps.access, { grant: 'either' }, fdxRefusal), deps.afterAccess);

  /** The grant, when it exists and the caller may see it; otherwise 404 (existence is not leaked). */
  async function visibleGrant(req: Request, res: Response) {
    const consentId = String(req.params.consentId);
    const token = tokenOf(res);
    const consent = /^[0-9a-f]{24}$/.test(consentId)
      ? await deps.models.Consent.findById(consentId).lean()
      : null;
    const status = consent ? grantStatus(consent) : undefined;
    const allowed =
      consent && consent.clientId === token.clientId && (!token.consentId || token.consentId === consentId);
    if (!consent || !status || !allowed) {
      sendFdxError(res, 404, 1107, 'Consent not found', `no consent grant ${consentId} for this client`);
      return undefined;
    }
    return { consent: consent as typeof consent & { _id: string }, status };
  }

  async function recipientParty(clientId: string): Promise<PartyInfo['recipient']> {
    const record = await deps.models.OidcRecord.findById(`Client:${clientId}`).lean();
    const meta = record ? (JSON.parse(record.payload) as { client_name?: string; client_uri?: string }) : {};
    return { name: meta.client_name ?? clientId, homeUri: meta.client_uri ?? 'https://localhost/', clientId };
  }

  router.get('/consents/:consentId', access, async (req, res) => {
    const grant = await visibleGrant(req, res);
    if (!grant) return;
    const recipient = await recipientParty(grant.consent.clientId);
    res.json(consentGrant(grant.consent, grant.status, { recipient, provider: deps.provider }));
  });

  router.put('/consents/:consentId/revocation', access, express.json({ limit: '4kb' }), async (req, res) => {
    const body = revocationRequest.safeParse(req.body ?? {});
    if (!body.success) return invalidInput(res, body.error.issues.map((i) => i.message).join('; '));
    const grant = await visibleGrant(req, res);
    if (!grant) return;
    const ended = () =>
      sendFdxError(res, 409, 409, `Consent is already ${grantStatus(grant.consent) ?? 'ended'}`);
    if (grant.status !== 'ACTIVE') return ended();
    try {
      const recipientSide = ['DATA_RECIPIENT', 'DATA_ACCESS_PLATFORM', 'VENDOR', 'MERCHANT'].includes(
        body.data.initiator,
      );
      await deps.transitions.revoke(grant.consent._id, {
        rejectedBy: body.data.initiator === 'INDIVIDUAL' ? 'USER' : recipientSide ? 'TPP' : 'ASPSP',
        code: 'CUSTOMER_MANUALLY_REVOKED',
        actor: tokenOf(res).clientId,
        fdx: body.data,
      });
    } catch (err) {
      if (err instanceof ConsentRefused) return ended();
      throw err;
    }
    res.status(204).end();
  });

  router.get('/consents/:consentId/revocation', access, async (req, res) => {
    const grant = await visibleGrant(req, res);
    if (grant) res.json(revocationList(grant.consent));
  });

  router.use((err: { type?: string }, _req: Request, res: Response, next: (e: unknown) => void) => {
    if (err.type === 'entity.parse.failed') return invalidInput(res, 'the body is not valid JSON');
    next(err);
  });
  return router;
}
