// Which language a customer's page speaks: the customer's own choice (the switch on every page, kept
// in a cookie for the rest of the interaction), else the best match of Accept-Language, else the
// journey's: Portuguese for Open Finance Brasil, English for FDX. The negotiation is lib/i18n's.
import type { Request, Response } from 'express';
import { chooseLanguage as choose, type Language } from '../../lib/i18n/languages.js';
import { pageLanguage as negotiatedPageLanguage } from '../../lib/i18n/page-language.js';
import { consentIdsIn } from '../consent-scope-ids.js';

export type Journey = 'OFB' | 'FDX';

/** OFB names its consent in the scope; FDX brings authorization details. Else unknown. */
export function journeyOf(params: Record<string, unknown> | undefined): Journey | undefined {
  if (!params) return undefined;
  if (consentIdsIn(String(params.scope ?? '')).length) return 'OFB';
  if (params.authorization_details) return 'FDX';
  return undefined;
}

const journeyLanguage = (journey: Journey | undefined): Language => (journey === 'FDX' ? 'en' : 'pt-BR');

/** The customer's choice (remembered), else Accept-Language's best match, else the journey's. */
export function chooseLanguage(o: {
  cookieHeader?: string | undefined;
  acceptLanguage?: string | undefined;
  journey?: Journey | undefined;
}): Language {
  return choose({
    cookieHeader: o.cookieHeader,
    acceptLanguage: o.acceptLanguage,
    fallback: journeyLanguage(o.journey),
  });
}

/** The page's language; a `?lang=` choice is remembered for the rest of the journey. */
export function pageLanguage(req: Request, res: Response, journey?: Journey): Language {
  // The cookie is for the whole site: the last page is oidc-provider's (/auth/…, ./returning.ts).
  return negotiatedPageLanguage(req, res, { fallback: journeyLanguage(journey), secureCookie: true });
}
