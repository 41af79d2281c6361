// The self-service pages' words (./locales) and what each page is drawn with: its language (the
// customer's choice, else Accept-Language, else Portuguese, the bank's customers' language), the
// bank's brand, and the bank's time zone for every time shown.
import type { Request, Response } from 'express';
import { DEFAULT_BRANDING, type Branding } from '../../lib/config.js';
import { catalogue, type Locale } from '../../lib/i18n/catalogue.js';
import type { Language } from '../../lib/i18n/languages.js';
import { localDate, localDateTime } from '../../lib/i18n/local-time.js';
import { pageLanguage } from '../../lib/i18n/page-language.js';
import type { SelfServiceDeps } from './config.js';

export const myLocale = catalogue(new URL('./locales/', import.meta.url));

export interface MyContext extends Locale {
  branding: Branding;
  /** This page's address, for the language switch; none on answers to a form. */
  here?: string;
  /** An instant's day, and its day and time, in the bank's time zone. */
  day(at: Date | string): string;
  time(at: Date | string): string;
}

export function myContext(lang: Language, branding: Branding = DEFAULT_BRANDING, here?: string): MyContext {
  return {
    ...myLocale(lang),
    branding,
    ...(here ? { here } : {}),
    day: (at) => localDate(lang, new Date(at), branding.timeZone),
    time: (at) => localDateTime(lang, new Date(at), branding.timeZone),
  };
}

/** The address of a GET page without its `lang` choice (the switch adds its own). */
function hereOf(req: Request): string | undefined {
  if (req.method !== 'GET') return undefined;
  const url = new URL(req.originalUrl, 'http://self-service');
  url.searchParams.delete('lang');
  return url.pathname + url.search;
}

/** The context of the page answering a request, with self-service's settings. */
export const contextFor =
  (deps: Pick<SelfServiceDeps, 'branding' | 'secureCookies'>) =>
  (req: Request, res: Response): MyContext =>
    myContext(
      pageLanguage(req, res, { fallback: 'pt-BR', secureCookie: deps.secureCookies }),
      deps.branding,
      hereOf(req),
    );
