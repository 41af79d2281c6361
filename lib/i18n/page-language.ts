// The language of a page answering a request: a `?lang=` choice (the switch) is remembered in a
// cookie for the whole site, so the pages that follow, whichever component serves them, speak it.
import type { Request, Response } from 'express';
import { chooseLanguage, isLanguage, LANGUAGE_COOKIE, type Language } from './languages.js';

export function pageLanguage(
  req: Request,
  res: Response,
  o: { fallback: Language; secureCookie: boolean },
): Language {
  const asked = req.query?.lang;
  if (isLanguage(asked)) {
    res.cookie(LANGUAGE_COOKIE, asked, {
      path: '/',
      httpOnly: true,
      secure: o.secureCookie,
      sameSite: 'lax',
    });
    return asked;
  }
  return chooseLanguage({
    cookieHeader: req.headers.cookie,
    acceptLanguage: req.headers['accept-language'],
    fallback: o.fallback,
  });
}
