// The customer's pages at the bank speak pt-BR or en: negotiated from Accept-Language, the
// customer's own choice first, the journey's language when nothing matches; both catalogues
// complete; OFB's data in the customer-experience guide's groups.
import { describe, expect, it } from '@jest/globals';
import type { Request, Response } from 'express';
import { LANGUAGES, locale, negotiateLanguage, type Language } from '../../../auth/i18n.js';
import { chooseLanguage, journeyOf, pageLanguage } from '../../../auth/interactions/language.js';
import { describePermissions, ofbDataGroups } from '../../../auth/interactions/permissions.js';
import { tooManyPage, unavailablePage } from '../../../auth/interactions/views.js';
import { DEFAULT_BRANDING } from '../../../lib/config.js';
import en from '../../../auth/locales/en.json' with { type: 'json' };
import ptBR from '../../../auth/locales/pt-BR.json' with { type: 'json' };

describe('Accept-Language negotiation', () => {
  it.each([
    ['pt-BR,pt;q=0.9,en;q=0.8', 'en', 'pt-BR'],
    ['pt', 'en', 'pt-BR'],
    ['pt-PT', 'en', 'pt-BR'],
    ['en-US,en;q=0.9', 'pt-BR', 'en'],
    ['EN-gb', 'pt-BR', 'en'],
    // The highest weight wins, whatever the order.
    ['fr-FR, en;q=0.5, pt;q=0.8', 'en', 'pt-BR'],
    ['en;q=0.2, pt-BR;q=0.7', 'en', 'pt-BR'],
    // Equal weights: the first listed.
    ['en;q=0.5, pt;q=0.5', 'pt-BR', 'en'],
    // q=0 means "not this one".
    ['en;q=0, pt', 'en', 'pt-BR'],
    ['en;q=0', 'pt-BR', 'pt-BR'],
    // Nothing of ours, any language, or nothing at all: the fallback.
    ['de-DE, fr;q=0.9', 'en', 'en'],
    ['*', 'pt-BR', 'pt-BR'],
    ['', 'en', 'en'],
    [undefined, 'pt-BR', 'pt-BR'],
    // Malformed entries are skipped, not fatal.
    [';;, ,en;q=abc, pt-BR', 'en', 'pt-BR'],
  ] as [string | undefined, Language, Language][])(
    '%j with fallback %s → %s',
    (header, fallback, expected) => {
      expect(negotiateLanguage(header, fallback)).toBe(expected);
    },
  );
});

describe('the page language', () => {
  it('falls back to the journey: pt-BR for Open Finance Brasil, en for FDX, pt-BR when unknown', () => {
    expect(chooseLanguage({ journey: 'OFB' })).toBe('pt-BR');
    expect(chooseLanguage({ journey: 'FDX' })).toBe('en');
    expect(chooseLanguage({})).toBe('pt-BR');
    expect(chooseLanguage({ journey: 'FDX', acceptLanguage: 'pt-BR' })).toBe('pt-BR');
    expect(chooseLanguage({ journey: 'OFB', acceptLanguage: 'en-US' })).toBe('en');
  });

  it("puts the customer's choice (the switch's cookie) before Accept-Language", () => {
    expect(chooseLanguage({ cookieHeader: 'a=1; lang=en', acceptLanguage: 'pt-BR', journey: 'OFB' })).toBe(
      'en',
    );
    // An unknown value in the cookie is ignored.
    expect(chooseLanguage({ cookieHeader: 'lang=xx', acceptLanguage: 'en' })).toBe('en');
  });

  it('remembers a ?lang= choice in a cookie, and ignores a language it does not speak', () => {
    const cookies: [string, string, object][] = [];
    const res = {
      cookie: (n: string, v: string, o: object) => cookies.push([n, v, o]),
    } as unknown as Response;
    const req = (query: object, headers: object = {}) => ({ query, headers }) as unknown as Request;
    expect(pageLanguage(req({ lang: 'en' }, { 'accept-language': 'pt-BR' }), res, 'OFB')).toBe('en');
    expect(cookies).toEqual([['lang', 'en', expect.objectContaining({ httpOnly: true, secure: true })]]);
    expect(pageLanguage(req({ lang: 'fr' }, { 'accept-language': 'en' }), res, 'OFB')).toBe('en');
    expect(pageLanguage(req({}, { cookie: 'lang=pt-BR', 'accept-language': 'en' }), res, 'FDX')).toBe(
      'pt-BR',
    );
    expect(cookies).toHaveLength(1);
  });

  it('tells the journey by its authorization request', () => {
    expect(journeyOf({ scope: 'openid accounts consent:urn:bank:abc' })).toBe('OFB');
    expect(journeyOf({ scope: 'openid', authorization_details: '[{"type":"fdx_v1.0"}]' })).toBe('FDX');
    expect(journeyOf({ scope: 'openid accounts' })).toBeUndefined();
    expect(journeyOf(undefined)).toBeUndefined();
  });
});

describe('the catalogues', () => {
  const keys = (o: object, prefix = ''): string[] =>
    Object.entries(o).flatMap(([k, v]) =>
      v && typeof v === 'object' ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
    );

  it('have the same messages in every language', () => {
    expect(LANGUAGES).toEqual(['pt-BR', 'en']);
    expect(keys(ptBR).sort()).toEqual(keys(en).sort());
  });

  it('write days as dd/mm/aaaa in pt-BR and yyyy-mm-dd in en, plurals by count', () => {
    const day = new Date('2027-06-30T00:00:00Z');
    expect(locale('pt-BR').date(day)).toBe('30/06/2027');
    expect(locale('en').date(day)).toBe('2027-06-30');
    expect(locale('pt-BR').t('consent.until', { date: '30/06/2027' })).toBe(
      'Até 30/06/2027, a menos que você revogue antes.',
    );
    expect(locale('en').t('consent.forDays', { count: 1 })).toMatch(/^For 1 day from/);
    expect(locale('en').t('consent.forDays', { count: 90 })).toMatch(/^For 90 days from/);
  });

  it("put OFB permissions in the guide's groups, in its order, in the customer's words", () => {
    const all = [
      'RESOURCES_READ',
      'EXCHANGES_READ',
      'FUNDS_READ',
      'LOANS_READ',
      'LOANS_WARRANTIES_READ',
      'CREDIT_CARDS_ACCOUNTS_READ',
      'ACCOUNTS_READ',
      'ACCOUNTS_BALANCES_READ',
      'CUSTOMERS_PERSONAL_ADITTIONALINFO_READ',
      'CUSTOMERS_PERSONAL_IDENTIFICATIONS_READ',
    ];
    const groups = ofbDataGroups(all, locale('pt-BR').t);
    expect(groups.map((g) => g.title)).toEqual([
      'Dados cadastrais',
      'Informações complementares',
      'Contas',
      'Cartão de crédito',
      'Operações de crédito',
      'Investimentos',
      'Câmbio',
    ]);
    expect(groups[6]!.items).toEqual(['Suas operações de câmbio']);
    expect(groups[2]!.items).toEqual(['Dados da conta: tipo, agência e número', 'Saldos']);
    expect(groups[4]!.items).toEqual(['Empréstimos: dados do contrato', 'Empréstimos: garantias']);
    expect(ofbDataGroups(['ACCOUNTS_READ'], locale('en').t)).toEqual([
      { title: 'Accounts', items: ['Your accounts: type, branch and number'] },
    ]);
    // The bank's consoles keep the English words.
    expect(describePermissions(['ACCOUNTS_BALANCES_READ', 'SOMETHING_NEW'])).toEqual([
      'Your account balances',
      'something new',
    ]);
  });
});

describe('the error pages', () => {
  it('speak the page language: unavailable, too slow, too many attempts', () => {
    const pt = { ...locale('pt-BR'), branding: DEFAULT_BRANDING };
    expect(unavailablePage(503, pt)).toContain('Temporariamente indisponível');
    expect(unavailablePage(503, pt)).toContain('<html lang="pt-BR">');
    expect(unavailablePage(504)).toContain('This took too long');
    expect(tooManyPage(30, pt)).toContain('Tente de novo em 30 segundos.');
    expect(tooManyPage(300)).toContain('Please try again in 5 minutes.');
  });
});
