// Self-service speaks to a customer: plain statuses (who ended a consent and on which day), times
// in the bank's time zone (dd/mm/aaaa HH:mm in pt-BR), a short reference instead of the consent's
// URN, the FDX lookback in words, and no way to stop an ended consent; in pt-BR and in en, each
// catalogue complete.
import { describe, expect, it } from '@jest/globals';
import { myConsentPage, myConsentsPage, stopConsentPage } from '../../api/self-service/consent-pages.js';
import { myContext } from '../../api/self-service/i18n.js';
import { shortReference, statusInWords } from '../../api/self-service/status-words.js';
import en from '../../api/self-service/locales/en.json' with { type: 'json' };
import ptBR from '../../api/self-service/locales/pt-BR.json' with { type: 'json' };
import type { ConsentRecord } from '../../api/bank-console/consents/search.js';
import { DEFAULT_BRANDING, loadConfig } from '../../lib/config.js';
import { localDate, localDateTime } from '../../lib/i18n/local-time.js';
import { chooseLanguage } from '../../lib/i18n/languages.js';

const pt = myContext('pt-BR');
const english = myContext('en');

const authorised = { action: 'authorise', at: '2026-03-10T14:05:00Z', from: 'AWAITING_AUTHORISATION' };
// 02:30 UTC is still the day before in São Paulo (UTC-3).
const ended = { action: 'revoke', at: '2026-04-02T02:30:00Z', from: 'AUTHORISED', to: 'REJECTED' };

const consent = (over: Record<string, unknown> = {}): ConsentRecord =>
  ({
    _id: 'urn:bank:8f14e45f-ceea-467a-9575-a1b2c3d4e5f6',
    standard: 'OFB',
    status: 'AUTHORISED',
    clientId: 'client-1',
    customerId: 'cust-1',
    permissions: ['ACCOUNTS_READ', 'ACCOUNTS_BALANCES_READ', 'RESOURCES_READ'],
    accountIds: [],
    creationDateTime: '2026-03-10T14:00:00Z',
    statusUpdateDateTime: '2026-03-10T14:05:00Z',
    expirationDateTime: '2027-03-10T14:05:00Z',
    audit: [authorised],
    ...over,
  }) as unknown as ConsentRecord;

const rejected = (rejectedBy: string, code = 'CUSTOMER_MANUALLY_REVOKED', audit = [authorised, ended]) =>
  consent({ status: 'REJECTED', rejection: { rejectedBy, code }, audit });

const me = { customerId: 'cust-1', name: 'Ana', csrf: 'token' };
const visible = (page: string) =>
  page
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<details>[\s\S]*?<\/details>/g, '')
    .replace(/<[^>]+>/g, ' ');

describe('the local time', () => {
  const at = new Date('2026-12-08T01:30:00Z');
  it('is the bank time zone: dd/mm/aaaa HH:mm in pt-BR, yyyy-mm-dd HH:mm in en', () => {
    expect(localDateTime('pt-BR', at, 'America/Sao_Paulo')).toBe('07/12/2026 22:30');
    expect(localDateTime('en', at, 'America/Sao_Paulo')).toBe('2026-12-07 22:30');
    expect(localDate('pt-BR', at, 'America/Sao_Paulo')).toBe('07/12/2026');
    expect(localDateTime('pt-BR', at, 'America/Manaus')).toBe('07/12/2026 21:30');
    expect(localDateTime('en', new Date('2026-12-08T00:05:00Z'), 'UTC')).toBe('2026-12-08 00:05');
  });

  it('is configured with BANK_TIME_ZONE, São Paulo by default', () => {
    expect(DEFAULT_BRANDING.timeZone).toBe('America/Sao_Paulo');
    expect(loadConfig({ BANK_TIME_ZONE: 'America/Manaus' }).branding.timeZone).toBe('America/Manaus');
    expect(() => loadConfig({ BANK_TIME_ZONE: 'Mars/Olympus' })).toThrow('BANK_TIME_ZONE');
  });
});

describe('a status in plain words', () => {
  it.each([
    [consent(), 'Ativo', 'Active'],
    [consent({ onHold: true }), 'Suspenso pelo banco', 'Paused by the bank'],
    [
      consent({ status: 'AWAITING_AUTHORISATION', audit: [] }),
      'Aguardando sua autorização',
      'Waiting for your authorisation',
    ],
    [rejected('USER'), 'Encerrado por você em 01/04/2026', 'Ended by you on 2026-04-01'],
    [rejected('TPP'), 'Encerrado por Fintech A em 01/04/2026', 'Ended by Fintech A on 2026-04-01'],
    [
      rejected('ASPSP', 'INTERNAL_SECURITY_REASON'),
      'Encerrado pelo banco em 01/04/2026',
      'Ended by the bank on 2026-04-01',
    ],
    [rejected('ASPSP', 'CONSENT_MAX_DATE_REACHED'), 'Expirado', 'Expired'],
    [rejected('ASPSP', 'CONSENT_EXPIRED', []), 'Expirado', 'Expired'],
    [rejected('USER', 'CUSTOMER_MANUALLY_REJECTED', []), 'Recusado', 'Refused'],
  ])('%#: %s / %s', (c, inPortuguese, inEnglish) => {
    expect(statusInWords(c, 'Fintech A', pt)).toContain(inPortuguese);
    expect(statusInWords(c, 'Fintech A', english)).toContain(inEnglish);
  });
});

describe("a consent's page", () => {
  it('shows a short reference, the full id only folded away (and in a title) for support', () => {
    const page = myConsentPage(pt, me, { consent: consent(), recipient: 'Fintech A', accounts: [] });
    expect(shortReference(consent()._id)).toBe('a1b2c3d4e5f6'.slice(-8));
    expect(visible(page)).toContain('c3d4e5f6');
    expect(visible(page)).not.toContain('urn:');
    expect(page).toMatch(/<details>[\s\S]*urn:bank:8f14e45f[\s\S]*<\/details>/);
    const list = myConsentsPage(pt, me, [{ consent: consent(), recipient: 'Fintech A', accounts: [] }]);
    expect(visible(list)).not.toContain('urn:');
  });

  it('speaks Portuguese with local times, or English; the stop leads to a confirmation', () => {
    const item = { consent: consent(), recipient: 'Fintech A', accounts: ['Conta 0001'] };
    const pagePt = visible(myConsentPage(pt, me, item));
    expect(pagePt).toContain('Seu consentimento para Fintech A');
    expect(pagePt).toContain('Ativo');
    expect(pagePt).toContain('10/03/2026 11:05');
    expect(pagePt).toContain('10/03/2027 11:05');
    expect(pagePt).toContain('Parar de compartilhar com Fintech A');
    expect(myConsentPage(pt, me, item)).toContain('<html lang="pt-BR">');
    const pageEn = visible(myConsentPage(english, me, item));
    expect(pageEn).toContain('Your consent for Fintech A');
    expect(pageEn).toContain('2026-03-10 11:05');
    expect(myConsentPage(english, me, item)).toMatch(/<form method="get" action="[^"]+\/stop">/);

    const confirm = stopConsentPage(pt, me, item);
    expect(visible(confirm)).toContain('Parar de compartilhar com Fintech A?');
    expect(confirm).toMatch(
      /<form method="post" action="[^"]+\/revoke">\s*<input type="hidden" name="csrf" value="token"/,
    );
    expect(visible(confirm)).toContain('Não, continuar compartilhando');
  });

  it('offers no stop on an ended consent', () => {
    const page = myConsentPage(english, me, {
      consent: rejected('USER'),
      recipient: 'Fintech A',
      accounts: [],
    });
    expect(visible(page)).toContain('Ended by you on 2026-04-01');
    expect(page).not.toContain('/stop');
    expect(page).toContain('CUSTOMER_MANUALLY_REVOKED');
  });

  it("shows an FDX consent's lookback period in plain words", () => {
    const fdx = consent({
      standard: 'FDX',
      permissions: ['ACCOUNT_BASIC', 'TRANSACTIONS'],
      fdx: { durationType: 'PERSISTENT', lookbackPeriod: 30, resources: [] },
    });
    const item = { consent: fdx, recipient: 'Budget App', accounts: [] };
    expect(visible(myConsentPage(english, me, item))).toContain('Your transactions of the last 30 days');
    expect(visible(myConsentPage(pt, me, item))).toContain('Suas transações dos últimos 30 dias');
    expect(visible(myConsentsPage(english, me, [item]))).toContain('Your transactions of the last 30 days');
  });
});

describe('the languages', () => {
  it('has every message in both catalogues', () => {
    const keys = (o: object, prefix = ''): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
      );
    expect(keys(ptBR).sort()).toEqual(keys(en).sort());
  });

  it("is the customer's choice, else Accept-Language, else Portuguese for self-service", () => {
    expect(chooseLanguage({ acceptLanguage: 'en-US,en;q=0.9', fallback: 'pt-BR' })).toBe('en');
    expect(chooseLanguage({ cookieHeader: 'lang=pt-BR', acceptLanguage: 'en', fallback: 'pt-BR' })).toBe(
      'pt-BR',
    );
    expect(chooseLanguage({ fallback: 'pt-BR' })).toBe('pt-BR');
  });
});
