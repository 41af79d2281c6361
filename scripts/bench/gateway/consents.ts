// Authorised consents, made end to end as recipients and customers make them, over HTTP: the
// recipient lodges the consent (OFB: POST /consents with a client-credentials token; FDX: PAR with
// fdx_v1.0 details) and pushes the authorization request; the customer logs in at the bank with
// password and the one-time code from the development mailbox, shares every account and card the
// consent page offers, and the recipient exchanges the code for tokens.
import * as oidc from 'openid-client';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { CONSENT_REQUEST } from '../../../examples/recipient-app/fdx-journey.js';
import { gatewayCaller } from '../../../examples/recipient-app/gateway.js';
import { CONSENTS } from '../../../examples/recipient-app/ofb-journey.js';
import { expectStatus, hiddenField, Session } from './http.js';
import { REDIRECT_URI, type BenchRecipient, type PlatformUrls } from './recipients.js';

export type Customer = (typeof DEMO_CUSTOMERS)[number];
export const CUSTOMERS: readonly Customer[] = DEMO_CUSTOMERS;

/** Every data group this bank serves, whole; customers' data as the holder is a person or a business. */
function ofbPermissions(customer: Customer): string[] {
  return [
    'ACCOUNTS_READ',
    'ACCOUNTS_BALANCES_READ',
    'ACCOUNTS_TRANSACTIONS_READ',
    'CREDIT_CARDS_ACCOUNTS_READ',
    'CREDIT_CARDS_ACCOUNTS_BILLS_READ',
    'CREDIT_CARDS_ACCOUNTS_BILLS_TRANSACTIONS_READ',
    ...('cnpj' in customer
      ? ['CUSTOMERS_BUSINESS_IDENTIFICATIONS_READ']
      : ['CUSTOMERS_PERSONAL_IDENTIFICATIONS_READ']),
    'RESOURCES_READ',
  ];
}

/** The body of POST /consents for `customer`, valid for 90 days. */
export function ofbConsentRequest(customer: Customer) {
  return {
    data: {
      loggedUser: { document: { identification: customer.cpf, rel: 'CPF' } },
      ...('cnpj' in customer
        ? { businessEntity: { document: { identification: customer.cnpj, rel: 'CNPJ' } } }
        : {}),
      permissions: ofbPermissions(customer),
      expirationDateTime: new Date(Date.now() + 90 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    },
  };
}

const OFB_SCOPE = 'openid accounts credit-cards-accounts customers resources';
const FDX_SCOPE = 'fdx:accountdetailed:read fdx:transactions:read fdx:statements:read';

export interface AuthorisedConsent {
  standard: 'OFB' | 'FDX';
  consentId: string;
  customer: Customer;
  recipient: BenchRecipient;
  accessToken: string;
  /** When the access token expires (ms since the epoch). */
  expiresAt: number;
  refreshToken?: string;
}

/**
 * One customer's logins one after another, up to reading the code: the development mailbox shows
 * the newest code first, which is the one just sent only while no other login of theirs runs.
 */
class Locks {
  private tails = new Map<string, Promise<unknown>>();
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(work);
    this.tails.set(
      key,
      result.catch(() => undefined),
    );
    return result;
  }
}

export class ConsentMaker {
  private readonly locks = new Locks();
  private readonly ccTokens = new Map<BenchRecipient, { token: string; until: number }>();

  constructor(private readonly p: PlatformUrls) {}

  /**
   * A client-credentials token (scope consents) of an OFB recipient, reused while it lives at
   * least `validForMs` more.
   */
  async clientToken(recipient: BenchRecipient, validForMs = 30_000): Promise<string> {
    const cached = this.ccTokens.get(recipient);
    if (cached && cached.until > Date.now() + validForMs) return cached.token;
    const t = await oidc.clientCredentialsGrant(recipient.client.config, { scope: 'consents' });
    this.ccTokens.set(recipient, {
      token: t.access_token,
      until: Date.now() + (t.expires_in ?? 0) * 1000,
    });
    return t.access_token;
  }

  async ofb(recipient: BenchRecipient, customer: Customer): Promise<AuthorisedConsent> {
    const { config, signingKey, mtls } = recipient.client;
    const call = gatewayCaller(this.p.gatewayUrl, mtls);
    const lodged = await call<{ data?: { consentId: string } }>(
      'POST',
      CONSENTS,
      await this.clientToken(recipient),
      ofbConsentRequest(customer),
    );
    const consentId = lodged.body?.data?.consentId;
    if (lodged.status !== 201 || !consentId)
      throw new Error(
        `POST ${CONSENTS} answered ${lodged.status}: ${JSON.stringify(lodged.body).slice(0, 300)}`,
      );
    const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
    const expectedNonce = oidc.randomNonce();
    const expectedState = oidc.randomState();
    const { searchParams } = await oidc.buildAuthorizationUrlWithJAR(
      config,
      {
        redirect_uri: REDIRECT_URI,
        scope: `${OFB_SCOPE} consent:${consentId}`,
        nonce: expectedNonce,
        state: expectedState,
        code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
        code_challenge_method: 'S256',
        acr_values: 'urn:brasil:openbanking:loa3',
      },
      signingKey,
    );
    const url = await oidc.buildAuthorizationUrlWithPAR(config, searchParams);
    const callback = await this.customerJourney(url, customer);
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier,
      expectedNonce,
      expectedState,
    });
    return {
      standard: 'OFB',
      consentId,
      customer,
      recipient,
      accessToken: tokens.access_token,
      expiresAt: Date.now() + (tokens.expires_in ?? 0) * 1000,
      ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
    };
  }

  async fdx(recipient: BenchRecipient, customer: Customer): Promise<AuthorisedConsent> {
    const { config, signingKey } = recipient.client;
    const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
    const expectedState = oidc.randomState();
    const { searchParams } = await oidc.buildAuthorizationUrlWithJAR(
      config,
      {
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        response_mode: 'jwt',
        scope: FDX_SCOPE,
        state: expectedState,
        code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
        code_challenge_method: 'S256',
        authorization_details: JSON.stringify([{ type: 'fdx_v1.0', consentRequest: CONSENT_REQUEST }]),
      },
      signingKey,
    );
    const url = await oidc.buildAuthorizationUrlWithPAR(config, searchParams);
    const callback = await this.customerJourney(url, customer);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier, expectedState });
    if (typeof tokens.grant_id !== 'string') throw new Error('an FDX token without a grant_id');
    return {
      standard: 'FDX',
      consentId: tokens.grant_id,
      customer,
      recipient,
      accessToken: tokens.access_token,
      expiresAt: Date.now() + (tokens.expires_in ?? 0) * 1000,
      ...(tokens.refresh_token ? { refreshToken: tokens.refresh_token } : {}),
    };
  }

  /** The customer's part, in their "browser": log-in, one-time code, the consent page; the callback URL. */
  private async customerJourney(authorizationUrl: URL, customer: Customer): Promise<URL> {
    const agent = new Session(this.p.authUrl, this.p.ca);
    try {
      const first = await agent.request(authorizationUrl.href);
      const loginUrl = first.location;
      if (!loginUrl) expectStatus('authorization request', first, 303);
      const csrf = hiddenField((await agent.request(loginUrl!)).text, 'csrf');
      const code = await this.locks.run(customer.username, async () => {
        expectStatus(
          'customer log-in',
          await agent.request(`${loginUrl}/login`, {
            form: { csrf, username: customer.username, password: customer.password },
          }),
          303,
        );
        return this.mailedCode(customer.email);
      });
      let next = expectStatus(
        'one-time code',
        await agent.request(`${loginUrl}/code`, { form: { csrf, code } }),
        303,
      ).location!;
      for (let i = 0; i < 8; i++) {
        if (next.startsWith(REDIRECT_URI)) return new URL(next);
        const res = await agent.request(next);
        if (res.status === 200 && res.text.includes('name="decision"')) {
          const form = new URLSearchParams({ csrf: hiddenField(res.text, 'csrf'), decision: 'authorise' });
          for (const [, id] of res.text.matchAll(/name="accountIds"\s+value="([^"]+)"/g))
            form.append('accountIds', id!);
          const decided = await agent.request(`${next}/consent`, { form });
          if (!decided.location) expectStatus('consent decision', decided, 303);
          next = decided.location!;
        } else {
          if (!res.location) expectStatus(`step ${next}`, res, 302, 303);
          next = res.location!;
        }
      }
      throw new Error(`the bank's redirects did not reach the recipient: stopped at ${next}`);
    } finally {
      await agent.close();
    }
  }

  private async mailedCode(email: string): Promise<string> {
    const box = new Session(this.p.marketplaceUrl, this.p.ca);
    try {
      const page = await box.request(`/dev/mailbox?to=${encodeURIComponent(email)}`);
      const code = /log in is (\d{6})/.exec(page.text)?.[1];
      if (!code) throw new Error(`no one-time code in the development mailbox of ${email}`);
      return code;
    } finally {
      await box.close();
    }
  }
}

/**
 * Access tokens live 300 s (OFB's range is 300–900 s) and the set-up takes minutes: before a
 * workload, consents whose token would expire before it ends get a new one by their refresh token.
 */
export async function freshTokens(consents: AuthorisedConsent[], validForMs: number): Promise<number> {
  const stale = consents.filter((c) => c.refreshToken && c.expiresAt < Date.now() + validForMs);
  let renewed = 0;
  await pool(stale, 8, async (c) => {
    // A loaded authorization server may answer its 503: try again after a pause; a token still
    // not renewed stays as it is (its calls will show as 401s).
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        const t = await oidc.refreshTokenGrant(c.recipient.client.config, c.refreshToken!);
        c.accessToken = t.access_token;
        c.expiresAt = Date.now() + (t.expires_in ?? 0) * 1000;
        if (t.refresh_token) c.refreshToken = t.refresh_token;
        renewed++;
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 1000 * attempt));
      }
    }
  });
  return renewed;
}

/** Run `work` over `items` with at most `width` at once, in order of start; results in order. */
export async function pool<T, R>(
  items: T[],
  width: number,
  work: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!, i);
      }
    }),
  );
  return results;
}
