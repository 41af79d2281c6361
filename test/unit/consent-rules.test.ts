import { describe, expect, it } from '@jest/globals';
import {
  DAY_MS,
  MAX_EXPIRY_MS,
  authoriseError,
  dataAccessRefusal,
  expiryError,
  extensionError,
  fdxLifetimeMs,
  fdxLookback,
  fdxPermissions,
  holdError,
  mayHold,
  mayRevoke,
  parseFdxTerms,
  revokeError,
  secondsToExpiry,
  type ConsentFacts,
} from '../../workflows/consent-rules.js';

const now = Date.parse('2026-03-01T12:00:00Z');
const at = (ms: number) => new Date(ms).toISOString();

const authorised: ConsentFacts = {
  standard: 'OFB',
  status: 'AUTHORISED',
  loggedUserDocument: '76109277673',
  expirationDateTime: at(now + 30 * DAY_MS),
};
const renewal = (expirationDateTime?: string) => ({
  loggedUserDocument: '76109277673',
  ...(expirationDateTime ? { expirationDateTime } : {}),
});

describe('the expiry of a new OFB consent', () => {
  it('may be absent (no expiry), in the future, and at most a year ahead', () => {
    expect(expiryError(undefined, now)).toBeUndefined();
    expect(expiryError(at(now + 1000), now)).toBeUndefined();
    expect(expiryError(at(now + MAX_EXPIRY_MS), now)).toBeUndefined();
  });

  it('is refused in the past, now, beyond a year, or unreadable', () => {
    expect(expiryError(at(now - 1000), now)).toBe('expirationDateTime must be in the future');
    expect(expiryError(at(now), now)).toBe('expirationDateTime must be in the future');
    expect(expiryError('not a date', now)).toBe('expirationDateTime must be in the future');
    expect(expiryError(at(now + MAX_EXPIRY_MS + 1000), now)).toBe(
      'expirationDateTime must be at most a year from now',
    );
  });

  it('a year is 365 days', () => {
    expect(MAX_EXPIRY_MS).toBe(365 * 86_400_000);
  });
});

describe('an OFB renewal (extension)', () => {
  it('lengthens an authorised consent up to a year from now, or removes its expiry', () => {
    expect(extensionError(authorised, renewal(at(now + 60 * DAY_MS)), now)).toBeUndefined();
    expect(extensionError(authorised, renewal(at(now + MAX_EXPIRY_MS)), now)).toBeUndefined();
    expect(extensionError(authorised, renewal(), now)).toBeUndefined();
  });

  it('may not shorten it, keep it, go past a year, or renew a consent without expiry to a date', () => {
    for (const next of [
      at(now + 10 * DAY_MS),
      authorised.expirationDateTime!,
      at(now + MAX_EXPIRY_MS + 1000),
      at(now - 1000),
    ])
      expect(extensionError(authorised, renewal(next), now)?.code).toBe('DATA_EXPIRACAO_INVALIDA');
    const forever = { ...authorised, expirationDateTime: undefined };
    expect(extensionError(forever, renewal(at(now + 60 * DAY_MS)), now)?.code).toBe(
      'DATA_EXPIRACAO_INVALIDA',
    );
  });

  it('is only for an authorised OFB consent, by its user or for its business entity', () => {
    const refused = (c: ConsentFacts, e: Parameters<typeof extensionError>[1] = renewal()) =>
      extensionError(c, e, now)?.code;
    expect(refused({ ...authorised, status: 'AWAITING_AUTHORISATION' })).toBe(
      'ESTADO_CONSENTIMENTO_INVALIDO',
    );
    expect(refused({ ...authorised, standard: 'FDX' })).toBe('ESTADO_CONSENTIMENTO_INVALIDO');
    expect(refused(authorised, { loggedUserDocument: '11144477735' })).toBe('ERRO_NAO_MAPEADO');
    const business = { ...authorised, businessEntityDocument: '11222333000181' };
    expect(refused(business, { loggedUserDocument: '11144477735' })).toBe('ERRO_NAO_MAPEADO');
    expect(
      refused(business, { loggedUserDocument: '11144477735', businessEntityDocument: '11222333000181' }),
    ).toBeUndefined();
  });
});

describe('transitions', () => {
  const awaiting: ConsentFacts = { standard: 'OFB', status: 'AWAITING_AUTHORISATION' };

  it('authorise: only while awaiting and inside the window, with a customer and account ids', () => {
    const a = { customerId: 'c1', accountIds: ['a1'] };
    expect(authoriseError(awaiting, a, now, now + 1)).toBeUndefined();
    expect(authoriseError(awaiting, a, now, now)).toBe('the authorisation window has closed');
    expect(authoriseError(authorised, a, now, now + 1)).toBe('the consent is AUTHORISED');
    expect(authoriseError(awaiting, { customerId: '', accountIds: [] }, now, now + 1)).toBe(
      'customerId is required',
    );
    expect(authoriseError(awaiting, { customerId: 'c1', accountIds: [''] }, now, now + 1)).toBe(
      'accountIds must be a list of account ids',
    );
  });

  it('revoke: any consent not yet ended, by USER, ASPSP or TPP, naming an actor', () => {
    expect(mayRevoke(awaiting)).toBe(true);
    expect(mayRevoke({ status: 'REJECTED' })).toBe(false);
    expect(revokeError(authorised, { rejectedBy: 'USER', actor: 'customer:1' })).toBeUndefined();
    expect(revokeError({ ...authorised, status: 'REJECTED' }, { rejectedBy: 'USER', actor: 'x' })).toBe(
      'the consent is already REJECTED',
    );
    expect(revokeError(authorised, { rejectedBy: 'BANK', actor: 'x' })).toBe(
      'rejectedBy must be USER, ASPSP or TPP',
    );
    expect(revokeError(authorised, { rejectedBy: 'ASPSP', actor: '' })).toBe('actor is required');
  });

  it('hold: an authorised consent is held, a held one released, with an actor and a reason', () => {
    const held = { ...authorised, onHold: true };
    expect(mayHold(authorised, true)).toBe(true);
    expect(mayHold(authorised, false)).toBe(false);
    expect(mayHold(held, false)).toBe(true);
    expect(mayHold(awaiting, true)).toBe(false);
    expect(holdError(authorised, { onHold: true, actor: 'staff:1', reason: 'fraud check' })).toBeUndefined();
    expect(holdError(held, { onHold: true, actor: 'staff:1', reason: 'again' })).toBe(
      'the consent is already on hold',
    );
    expect(holdError(authorised, { onHold: false, actor: 'staff:1', reason: 'r' })).toBe(
      'the consent is not on hold',
    );
    expect(holdError(awaiting, { onHold: true, actor: 'staff:1', reason: 'r' })).toBe(
      'only an AUTHORISED consent can be held or released; it is AWAITING_AUTHORISATION',
    );
    expect(holdError(authorised, { onHold: true, actor: 'staff:1', reason: '  ' })).toBe(
      'actor and reason are required',
    );
  });

  it('data flows only under an authorised consent the bank does not hold', () => {
    expect(dataAccessRefusal(authorised)).toBeUndefined();
    expect(dataAccessRefusal({ ...authorised, onHold: true })).toBe('on-hold');
    expect(dataAccessRefusal(awaiting)).toBe('not-authorised');
    expect(dataAccessRefusal(undefined)).toBe('not-authorised');
  });

  it('the grant lives as long as the consent, at least a second', () => {
    expect(secondsToExpiry(undefined, now)).toBeUndefined();
    expect(secondsToExpiry(at(now + 90_500), now)).toBe(90);
    expect(secondsToExpiry(at(now - 5000), now)).toBe(1);
  });
});

describe('FDX terms', () => {
  const request = {
    durationType: 'TIME_BOUND',
    durationPeriod: 30,
    lookbackPeriod: 90,
    resources: [
      { resourceType: 'ACCOUNT', dataClusters: ['ACCOUNT_DETAILED', 'TRANSACTIONS'] },
      { resourceType: 'CUSTOMER', dataClusters: ['CUSTOMER_CONTACT', 'TRANSACTIONS'] },
    ],
  };
  const errorOf = (changes: Record<string, unknown>) => {
    const parsed = parseFdxTerms({ ...request, ...changes });
    return 'error' in parsed ? parsed.error : undefined;
  };

  it('keeps a valid ConsentRequest, and its permissions are its data clusters, each once', () => {
    const parsed = parseFdxTerms(request);
    expect(parsed).toEqual({ terms: request });
    if ('terms' in parsed)
      expect(fdxPermissions(parsed.terms)).toEqual(['ACCOUNT_DETAILED', 'TRANSACTIONS', 'CUSTOMER_CONTACT']);
  });

  it('refuses unknown duration types, missing or out-of-range periods, and unknown resources or clusters', () => {
    expect(parseFdxTerms(undefined)).toEqual({ error: 'is required' });
    expect(errorOf({ durationType: 'FOREVER' })).toMatch(/^durationType must be/);
    expect(errorOf({ durationPeriod: undefined })).toBe('TIME_BOUND needs durationPeriod, a number of days');
    expect(errorOf({ durationPeriod: 0 })).toBe('TIME_BOUND needs durationPeriod, a number of days');
    expect(errorOf({ durationPeriod: 3651 })).toBe('TIME_BOUND needs durationPeriod, a number of days');
    expect(errorOf({ durationPeriod: 3650 })).toBeUndefined();
    expect(errorOf({ lookbackPeriod: 1.5 })).toBe('lookbackPeriod must be a number of days');
    expect(errorOf({ resources: [] })).toBe('resources must list at least one resource');
    expect(errorOf({ resources: [{ resourceType: 'LOAN', dataClusters: ['TRANSACTIONS'] }] })).toBe(
      'resourceType must be ACCOUNT, CUSTOMER or DOCUMENT',
    );
    expect(errorOf({ resources: [{ resourceType: 'ACCOUNT', dataClusters: ['SECRETS'] }] })).toMatch(
      /^dataClusters must be a non-empty list of ACCOUNT_BASIC/,
    );
  });

  it('TIME_BOUND lives durationPeriod days, ONE_TIME one access session, PERSISTENT until revoked', () => {
    expect(fdxLifetimeMs({ durationType: 'TIME_BOUND', durationPeriod: 30 })).toBe(30 * DAY_MS);
    expect(fdxLifetimeMs({ durationType: 'TIME_BOUND', durationPeriod: 2 }, { dayMs: 1000 })).toBe(2000);
    expect(fdxLifetimeMs({ durationType: 'ONE_TIME' })).toBe(3_600_000);
    expect(fdxLifetimeMs({ durationType: 'ONE_TIME' }, { oneTimeAccessMs: 5000 })).toBe(5000);
    expect(fdxLifetimeMs({ durationType: 'PERSISTENT' })).toBeUndefined();
    expect(fdxLifetimeMs(undefined)).toBeUndefined();
  });

  it('reads back lookbackPeriod days, a year when the consent names none', () => {
    expect(fdxLookback({ lookbackPeriod: 90 }, now)).toEqual({ days: 90, earliest: '2025-12-01' });
    expect(fdxLookback(undefined, now)).toEqual({ days: 365, earliest: '2025-03-01' });
  });
});
