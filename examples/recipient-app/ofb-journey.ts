// The Open Finance Brasil journey: a client-credentials token (scope `consents`), a consent lodged
// at the gateway, PAR with a signed request object for that consent, the hybrid `code id_token`
// response checked by openid-client, then resources, accounts and transactions; revocation by
// DELETE of the consent.
import * as oidc from 'openid-client';
import type { RecipientConfig } from './config.js';
import { gatewayCaller, type ApiCall } from './gateway.js';
import { describeRefusal, JourneyError, type DataResult, type Journey, type Row } from './journey.js';
import type { RecipientClient } from './oidc-client.js';

export const CONSENTS = '/open-banking/consents/v3/consents';
export const RESOURCES = '/open-banking/resources/v3/resources';
export const ACCOUNTS = '/open-banking/accounts/v2/accounts';

/** Whole permission groups: account balances and transactions, and the resources list. */
export const PERMISSIONS = [
  'ACCOUNTS_READ',
  'ACCOUNTS_BALANCES_READ',
  'ACCOUNTS_TRANSACTIONS_READ',
  'RESOURCES_READ',
];

const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

interface OfbAccount {
  accountId: string;
  brandName: string;
  type: string;
  branchCode: string;
  number: string;
  checkDigit: string;
}
interface OfbTransaction {
  transactionDateTime: string;
  transactionName: string;
  creditDebitType: string;
  transactionAmount: { amount: string; currency: string };
}
interface OfbList<T> {
  data?: T[];
}

export function ofbJourney(cfg: RecipientConfig, client: () => Promise<RecipientClient>): Journey {
  const caller = async () => {
    const c = await client();
    return { ...c, call: gatewayCaller(cfg.gatewayUrl, c.mtls) };
  };

  return {
    standard: 'OFB',

    async start({ cpf }) {
      const document = (cpf ?? '').replace(/\D/g, '');
      if (document.length !== 11) throw new JourneyError('Enter the 11 digits of your CPF.', 400);
      const { config, signingKey, call } = await caller();
      const cc = await oidc.clientCredentialsGrant(config, { scope: 'consents' });
      const lodged = await call<{ data?: { consentId: string } }>('POST', CONSENTS, cc.access_token, {
        data: {
          loggedUser: { document: { identification: document, rel: 'CPF' } },
          permissions: PERMISSIONS,
          expirationDateTime: new Date(Date.now() + 90 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        },
      });
      const consentId = lodged.body?.data?.consentId;
      if (lodged.status !== 201 || !consentId)
        throw new JourneyError(`The bank did not take the consent: ${describeRefusal(lodged)}.`);

      const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
      const expectedNonce = oidc.randomNonce();
      const expectedState = oidc.randomState();
      const { searchParams } = await oidc.buildAuthorizationUrlWithJAR(
        config,
        {
          redirect_uri: cfg.redirectUri,
          scope: `openid accounts resources consent:${consentId}`,
          nonce: expectedNonce,
          state: expectedState,
          code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
          code_challenge_method: 'S256',
          acr_values: 'urn:brasil:openbanking:loa3',
        },
        signingKey,
      );
      const url = await oidc.buildAuthorizationUrlWithPAR(config, searchParams);
      return {
        url,
        pending: { standard: 'OFB', pkceCodeVerifier, expectedNonce, expectedState, consentId },
      };
    },

    async finish(callback, pending) {
      const { config } = await client();
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: pending.pkceCodeVerifier,
        expectedNonce: pending.expectedNonce!,
        expectedState: pending.expectedState,
      });
      if (tokens.grant_id !== pending.consentId)
        throw new JourneyError('The token the bank issued is not for the consent this app lodged.');
      return {
        standard: 'OFB',
        consentId: pending.consentId!,
        accessToken: tokens.access_token,
        expiresAt: Date.now() + (tokens.expires_in ?? 0) * 1000,
      };
    },

    async read(grant) {
      const { call } = await caller();
      const calls: ApiCall[] = [];
      const get = async <T>(path: string) => {
        const r = await call<T>('GET', path, grant.accessToken);
        calls.push(r);
        return r;
      };
      const result: DataResult = { standard: 'OFB', consentId: grant.consentId, calls, accounts: [] };
      const resources = await get<OfbList<{ resourceId: string; type: string; status: string }>>(RESOURCES);
      if (resources.status === 200)
        result.resources = (resources.body?.data ?? []).map((r) => ({ ...r }) as Row);
      const accounts = await get<OfbList<OfbAccount>>(ACCOUNTS);
      if (accounts.status !== 200) return { ...result, problem: describeRefusal(accounts) };
      const list = accounts.body?.data ?? [];
      result.accounts = list.map((a) => ({
        accountId: a.accountId,
        account: `${a.brandName} · ${a.type}`,
        number: `${a.branchCode} / ${a.number}-${a.checkDigit}`,
      }));
      const first = list[0];
      if (!first) return result;
      const query = new URLSearchParams({
        fromBookingDate: day(-30),
        toBookingDate: day(0),
        'page-size': '25',
      });
      const txs = await get<OfbList<OfbTransaction>>(
        `${ACCOUNTS}/${encodeURIComponent(first.accountId)}/transactions?${query}`,
      );
      if (txs.status !== 200) return { ...result, problem: describeRefusal(txs) };
      result.transactions = (txs.body?.data ?? []).map((t) => ({
        date: t.transactionDateTime.slice(0, 10),
        description: t.transactionName,
        amount: `${t.creditDebitType === 'DEBITO' ? '-' : ''}${t.transactionAmount.amount} ${t.transactionAmount.currency}`,
      }));
      return result;
    },

    async revoke(grant) {
      const { config, call } = await caller();
      const cc = await oidc.clientCredentialsGrant(config, { scope: 'consents' });
      const revocation = await call(
        'DELETE',
        `${CONSENTS}/${encodeURIComponent(grant.consentId)}`,
        cc.access_token,
      );
      const after = await call('GET', ACCOUNTS, grant.accessToken);
      return { consentId: grant.consentId, revocation, after };
    },
  };
}
