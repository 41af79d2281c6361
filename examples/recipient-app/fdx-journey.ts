// The FDX journey: PAR with RAR `authorization_details` of type `fdx_v1.0` in a signed request
// object (the bank lodges the consent from them), a JARM response checked by openid-client, a
// token whose `grant_id` is the consent id, then accounts, transactions and statements; revocation
// by `PUT /fdx/v6/consents/{id}/revocation`.
import * as oidc from 'openid-client';
import type { RecipientConfig } from './config.js';
import { gatewayCaller, type ApiCall } from './gateway.js';
import { describeRefusal, JourneyError, type DataResult, type Journey } from './journey.js';
import type { RecipientClient } from './oidc-client.js';

export const FDX = '/fdx/v6';

export const CONSENT_REQUEST = {
  durationType: 'TIME_BOUND',
  durationPeriod: 90,
  lookbackPeriod: 90,
  resources: [{ resourceType: 'ACCOUNT', dataClusters: ['ACCOUNT_DETAILED', 'TRANSACTIONS', 'STATEMENTS'] }],
};
const SCOPE = 'fdx:accountdetailed:read fdx:transactions:read fdx:statements:read';

interface FdxAccount {
  accountId: string;
  nickname?: string;
  accountType?: string;
  accountNumberDisplay?: string;
}
interface FdxTransaction {
  transactionTimestamp: string;
  description?: string;
  debitCreditMemo?: string;
  amount: number;
}
interface FdxStatement {
  statementId: string;
  statementDate: string;
  description?: string;
}

export function fdxJourney(cfg: RecipientConfig, client: () => Promise<RecipientClient>): Journey {
  const caller = async () => {
    const c = await client();
    return { ...c, call: gatewayCaller(cfg.gatewayUrl, c.mtls) };
  };

  return {
    standard: 'FDX',

    async start() {
      const { config, signingKey } = await client();
      const pkceCodeVerifier = oidc.randomPKCECodeVerifier();
      const expectedState = oidc.randomState();
      const { searchParams } = await oidc.buildAuthorizationUrlWithJAR(
        config,
        {
          redirect_uri: cfg.redirectUri,
          response_type: 'code',
          response_mode: 'jwt',
          scope: SCOPE,
          state: expectedState,
          code_challenge: await oidc.calculatePKCECodeChallenge(pkceCodeVerifier),
          code_challenge_method: 'S256',
          authorization_details: JSON.stringify([{ type: 'fdx_v1.0', consentRequest: CONSENT_REQUEST }]),
        },
        signingKey,
      );
      const url = await oidc.buildAuthorizationUrlWithPAR(config, searchParams);
      return { url, pending: { standard: 'FDX', pkceCodeVerifier, expectedState } };
    },

    async finish(callback, pending) {
      const { config } = await client();
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: pending.pkceCodeVerifier,
        expectedState: pending.expectedState,
      });
      if (typeof tokens.grant_id !== 'string')
        throw new JourneyError('The bank issued a token without a grant_id (the FDX consent id).');
      return {
        standard: 'FDX',
        consentId: tokens.grant_id,
        accessToken: tokens.access_token,
        expiresAt: Date.now() + (tokens.expires_in ?? 0) * 1000,
      };
    },

    async read(grant) {
      const { call } = await caller();
      const calls: ApiCall[] = [];
      const get = async <T>(path: string) => {
        const r = await call<T>('GET', `${FDX}${path}`, grant.accessToken);
        calls.push(r);
        return r;
      };
      const result: DataResult = { standard: 'FDX', consentId: grant.consentId, calls, accounts: [] };
      const accounts = await get<{ accounts?: FdxAccount[] }>('/accounts');
      if (accounts.status !== 200) return { ...result, problem: describeRefusal(accounts) };
      const list = accounts.body?.accounts ?? [];
      result.accounts = list.map((a) => ({
        accountId: a.accountId,
        account: `${a.nickname ?? ''} · ${a.accountType ?? ''}`,
        number: a.accountNumberDisplay ?? '',
      }));
      const first = list[0];
      if (!first) return result;
      const account = `/accounts/${encodeURIComponent(first.accountId)}`;
      const txs = await get<{ transactions?: FdxTransaction[] }>(`${account}/transactions?limit=25`);
      if (txs.status !== 200) return { ...result, problem: describeRefusal(txs) };
      result.transactions = (txs.body?.transactions ?? []).map((t) => ({
        date: t.transactionTimestamp.slice(0, 10),
        description: t.description ?? '',
        amount: `${t.debitCreditMemo === 'DEBIT' ? '-' : ''}${t.amount.toFixed(2)}`,
      }));
      const statements = await get<{ statements?: FdxStatement[] }>(`${account}/statements`);
      if (statements.status !== 200) return { ...result, problem: describeRefusal(statements) };
      result.statements = (statements.body?.statements ?? []).map((s) => ({
        statementId: s.statementId,
        date: s.statementDate,
        description: s.description ?? '',
      }));
      return result;
    },

    async revoke(grant) {
      const { call } = await caller();
      // The customer asked this app to stop: USER_ACTION by the INDIVIDUAL, with the consent's token.
      const revocation = await call(
        'PUT',
        `${FDX}/consents/${encodeURIComponent(grant.consentId)}/revocation`,
        grant.accessToken,
        { reason: 'USER_ACTION', initiator: 'INDIVIDUAL' },
      );
      const after = await call('GET', `${FDX}/accounts`, grant.accessToken);
      return { consentId: grant.consentId, revocation, after };
    },
  };
}
