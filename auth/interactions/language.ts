// Which language a customer's page speaks: the customer's own choice (the switch on every page, kept
// in a cookie for the rest of the interaction), else the best match of Accept-Language, else the
// journey's: Portuguese for Open Finance Brasil, English for FDX.
import type { Request, Response } from 'express';
import { consentIdsIn } from '../consent-scope-ids.js';
import { isLanguage, locale, negotiateLanguage, type Language, type Locale } from '../i18n.js';

export type Journey = 'OFB' | 'FDX';

const COOKIE = 'lang';

/** OFB names its consent in the scope; FDX brings authorization details. Else unknown. */
export function journeyOf(params: Record<string, unknown> | undefined): Journey | undefined {
  if (!params) return undefined;
  if (consentIdsIn(String(params.scope ?? '')).length) return 'OFB';
  if (params.authorization_details) return 'FDX';
  return undefined;
}

const chosenIn = (cookieHeader: string | undefined) =>
  (cookieHeader ?? '')
    .split(';')
    .map((c) => c.trim().split('='))
    .find(([name]) => name === COOKIE)?.[1];

/** The customer's choice (remembered), else Accept-Language's best match, else the journey's. */
export function chooseLanguage(o: {
  cookieHeader?: string | undefined;
  acceptLanguage?: string | undefined;
  journey?: Journey | undefined;
}): Language {
  const chosen = chosenIn(o.cookieHeader);
  if (isLanguage(chosen)) return chosen;
  return negotiateLanguage(o.acceptLanguage, o.journey === 'FDX' ? 'en' : 'pt-BR');
}

/** The page's language; a `?lang=` choice is remembered for the rest of the journey. */
export function pageLanguage(req: Request, res: Response, journey?: Journey): Language {
  const asked = req.query?.lang;
  if (isLanguage(asked)) {
    // For the whole site: the last page is oidc-provider's (/auth/…, ./returning.ts).
    res.cookie(COOKIE, asked, { path: '/', httpOnly: true, secure: true, sameSite: 'lax' });
    return asked;
  }
  return chooseLanguage({
    cookieHeader: req.headers.cookie,
    acceptLanguage: req.headers['accept-language'],
    journey,
  });
}

export const pageLocale = (req: Request, res: Response, journey?: Journey): Locale =>
  locale(pageLanguage(req, res, journey));
