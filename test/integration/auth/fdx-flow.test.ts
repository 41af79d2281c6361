// The FDX authorisation journey over HTTPS with mTLS: PAR with RAR `fdx_v1.0` (which creates the
// consent), login with a second factor, the consent page, a JARM response validated by
// openid-client, a token by tls_client_auth bound to the certificate, and `grant_id` = consent id.
import { createHash, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as oidc from 'openid-client';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import {
  customerJourney,
  pushFdxAuthorization,
  registerFdxRecipient,
  startOfbStack,
  type FdxRecipient,
  type OfbStack,
} from '../../helpers/ofb-journey.js';

const [ana] = DEMO_CUSTOMERS;
const SUBJECT = 'CN=fdx-recipient,O=Exemplo Recipient Inc,C=US';
let stack: OfbStack;
let fdx: FdxRecipient;

const consentRequest = {
  durationType: 'TIME_BOUND',
  durationPeriod: 90,
  lookbackPeriod: 60,
  resources: [{ resourceType: 'ACCOUNT', dataClusters: ['ACCOUNT_DETAILED', 'TRANSACTIONS', 'STATEMENTS'] }],
};

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'unused-ofb-recipient');
  fdx = await registerFdxRecipient(stack.as, 'FDX Recipient', SUBJECT);
});

afterAll(() => stack?.stop());

const pushFdx = (details: unknown) => pushFdxAuthorization(fdx, details);

describe('FDX authorisation journey', () => {
  it('creates the consent at PAR and ends with a certificate-bound token whose grant_id is the consent id', async () => {
    const before = await stack.db.models.Consent.countDocuments({ standard: 'FDX' });
    const { url, checks } = await pushFdx([{ type: 'fdx_v1.0', consentRequest }]);
    const lodged = await stack.db.models.Consent.find({ standard: 'FDX' }).lean();
    expect(lodged).toHaveLength(before + 1);
    const consent = lodged.at(-1)!;
    expect(consent).toMatchObject({
      status: 'AWAITING_AUTHORISATION',
      permissions: ['ACCOUNT_DETAILED', 'TRANSACTIONS', 'STATEMENTS'],
    });
    expect(consent._id).toMatch(/^[0-9a-f]{24}$/);

    const { callback, consentPage } = await customerJourney(stack.as, stack.db, url, ana!);
    expect(consentPage).toContain('Share your data with FDX Recipient?');
    expect(consentPage).toContain('Your account details and balances');
    expect(consentPage).toContain('For 90 days from today, unless you revoke it earlier.');
    // JARM: the response is one signed JWT, checked by openid-client against the server's keys.
    expect(new URLSearchParams(callback.search).get('response')?.split('.')).toHaveLength(3);

    const tokens = await oidc.authorizationCodeGrant(fdx.config, callback, checks);
    expect(tokens.grant_id).toBe(consent._id);
    expect(tokens.authorization_details).toEqual([
      expect.objectContaining({ type: 'fdx_v1.0', consentRequest }),
    ]);

    const info = await oidc.tokenIntrospection(fdx.config, tokens.access_token);
    const thumbprint = createHash('sha256')
      .update(new X509Certificate(fdx.cert.cert).raw)
      .digest('base64url');
    expect(info).toMatchObject({ active: true, consent_id: consent._id, cnf: { 'x5t#S256': thumbprint } });

    // TIME_BOUND: the consent now runs for durationPeriod days from the grant.
    const authorised = await stack.db.models.Consent.findById(consent._id).lean();
    expect(authorised).toMatchObject({ status: 'AUTHORISED', accountIds: ['acc-ana-checking'] });
    const days = (authorised!.expirationDateTime!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThanOrEqual(90);
  });

  it.each([
    [
      'an unknown data cluster',
      [
        {
          type: 'fdx_v1.0',
          consentRequest: {
            ...consentRequest,
            resources: [{ resourceType: 'ACCOUNT', dataClusters: ['EVERYTHING'] }],
          },
        },
      ],
    ],
    [
      'TIME_BOUND without a period',
      [{ type: 'fdx_v1.0', consentRequest: { ...consentRequest, durationPeriod: undefined } }],
    ],
    ['no consent request', [{ type: 'fdx_v1.0' }]],
    ['an unregistered details type', [{ type: 'payment_initiation' }]],
  ])('refuses authorization details with %s, and lodges nothing', async (_name, details) => {
    const before = await stack.db.models.Consent.countDocuments({ standard: 'FDX' });
    await expect(pushFdx(details)).rejects.toMatchObject({ error: 'invalid_authorization_details' });
    expect(await stack.db.models.Consent.countDocuments({ standard: 'FDX' })).toBe(before);
  });
});
