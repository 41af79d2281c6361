// What a consent may be, in one place: its expiry (OFB: at most a year ahead, renewals only
// lengthen it), its transitions (authorise, revoke, hold), what a held consent allows, and the FDX
// terms (duration, lookback, data clusters). Pure functions of their arguments, with `now` passed
// in: the `consent` workflow runs them in its deterministic sandbox, the gateway and the
// authorization server call the same ones. Imports nothing, so every layer may import it.

export const DAY_MS = 86_400_000;
/** OFB: the latest expiry a consent may be given, or renewed to, counted from now. */
export const MAX_EXPIRY_MS = 365 * DAY_MS;
/** FDX ONE_TIME: how long the single access lasts after authorisation, unless told otherwise. */
export const ONE_TIME_ACCESS_MS = 3_600_000;
/** FDX: how far back a consent without a lookbackPeriod may read. */
export const DEFAULT_LOOKBACK_DAYS = 365;
/** FDX: the longest durationPeriod or lookbackPeriod a recipient may ask for (ten years). */
export const MAX_FDX_DAYS = 3650;

export const FDX_DURATION_TYPES = ['ONE_TIME', 'PERSISTENT', 'TIME_BOUND'] as const;
export const FDX_RESOURCE_TYPES = ['ACCOUNT', 'CUSTOMER', 'DOCUMENT'] as const;
export const FDX_DATA_CLUSTERS = [
  'ACCOUNT_BASIC',
  'ACCOUNT_DETAILED',
  'ACCOUNT_PAYMENTS',
  'BILLS',
  'CUSTOMER_CONTACT',
  'CUSTOMER_PERSONAL',
  'IMAGES',
  'INVESTMENTS',
  'NOTIFICATIONS',
  'PAYMENT_SUPPORT',
  'REWARDS',
  'STATEMENTS',
  'TAX',
  'TRANSACTIONS',
];

/** The FDX ConsentRequest terms (fdx_v1.0 authorization details) a consent keeps. */
export interface FdxConsentTerms {
  durationType: (typeof FDX_DURATION_TYPES)[number];
  durationPeriod?: number;
  lookbackPeriod?: number;
  resources: { resourceType: string; dataClusters: string[] }[];
}

/** What the rules read of a consent: the workflow's state or its record in the database. */
export interface ConsentFacts {
  standard: string;
  status: string;
  onHold?: boolean | null;
  loggedUserDocument?: string | null;
  businessEntityDocument?: string | null;
  expirationDateTime?: string | null;
}

/** Why an extension is refused, as OFB's 422 codes name it. */
export type ExtensionErrorCode =
  'ESTADO_CONSENTIMENTO_INVALIDO' | 'DATA_EXPIRACAO_INVALIDA' | 'ERRO_NAO_MAPEADO';

/** OFB: the expiry of a new consent, in the future and at most a year ahead (absent: no expiry). */
export function expiryError(expirationDateTime: string | undefined, now: number): string | undefined {
  if (expirationDateTime === undefined) return undefined;
  const at = Date.parse(expirationDateTime);
  if (!Number.isFinite(at) || at <= now) return 'expirationDateTime must be in the future';
  if (at > now + MAX_EXPIRY_MS) return 'expirationDateTime must be at most a year from now';
  return undefined;
}

export function authoriseError(
  consent: ConsentFacts,
  a: { customerId: string; accountIds: string[] },
  now: number,
  windowEndsAt: number,
): string | undefined {
  if (consent.status !== 'AWAITING_AUTHORISATION') return `the consent is ${consent.status}`;
  if (now >= windowEndsAt) return 'the authorisation window has closed';
  if (!a || typeof a.customerId !== 'string' || a.customerId === '') return 'customerId is required';
  if (!Array.isArray(a.accountIds) || a.accountIds.some((id) => typeof id !== 'string' || id === ''))
    return 'accountIds must be a list of account ids';
  return undefined;
}

/** Any consent not yet ended may be ended: rejected while awaiting authorisation, else revoked. */
export const mayRevoke = (consent: Pick<ConsentFacts, 'status'>): boolean => consent.status !== 'REJECTED';

export function revokeError(
  consent: ConsentFacts,
  r: { rejectedBy: string; actor: string },
): string | undefined {
  if (!mayRevoke(consent)) return 'the consent is already REJECTED';
  if (!r || !['USER', 'ASPSP', 'TPP'].includes(r.rejectedBy)) return 'rejectedBy must be USER, ASPSP or TPP';
  if (typeof r.actor !== 'string' || r.actor === '') return 'actor is required';
  return undefined;
}

/** OFB renewals may only lengthen an authorised consent, to at most a year from now. */
export function extensionError(
  consent: ConsentFacts,
  e: { loggedUserDocument: string; businessEntityDocument?: string; expirationDateTime?: string },
  now: number,
): { code: ExtensionErrorCode; message: string } | undefined {
  if (consent.standard !== 'OFB' || consent.status !== 'AUTHORISED')
    return { code: 'ESTADO_CONSENTIMENTO_INVALIDO', message: `the consent is ${consent.status}` };
  if (e.loggedUserDocument !== consent.loggedUserDocument && !consent.businessEntityDocument)
    return { code: 'ERRO_NAO_MAPEADO', message: 'only the user who gave this consent can renew it' };
  if ((e.businessEntityDocument ?? undefined) !== (consent.businessEntityDocument ?? undefined))
    return { code: 'ERRO_NAO_MAPEADO', message: "businessEntity does not match the consent's" };
  if (e.expirationDateTime === undefined) return undefined;
  const next = Date.parse(e.expirationDateTime);
  const current = consent.expirationDateTime ? Date.parse(consent.expirationDateTime) : Infinity;
  if (!Number.isFinite(next) || next <= now || next <= current || next > now + MAX_EXPIRY_MS)
    return {
      code: 'DATA_EXPIRACAO_INVALIDA',
      message: 'expirationDateTime must be after the current one and within a year from now',
    };
  return undefined;
}

/** Only an authorised consent may be held, and only a held one released. */
export const mayHold = (consent: Pick<ConsentFacts, 'status' | 'onHold'>, onHold: boolean): boolean =>
  consent.status === 'AUTHORISED' && Boolean(consent.onHold) !== onHold;

export function holdError(
  consent: ConsentFacts,
  h: { onHold: boolean; actor: string; reason: string },
): string | undefined {
  if (consent.status !== 'AUTHORISED')
    return `only an AUTHORISED consent can be held or released; it is ${consent.status}`;
  if (typeof h?.onHold !== 'boolean') return 'onHold must be true or false';
  if (!mayHold(consent, h.onHold))
    return h.onHold ? 'the consent is already on hold' : 'the consent is not on hold';
  if (
    typeof h.actor !== 'string' ||
    h.actor === '' ||
    typeof h.reason !== 'string' ||
    h.reason.trim() === ''
  ) {
    return 'actor and reason are required';
  }
  return undefined;
}

/** Why no data may flow under a consent: it is not (or no longer) authorised, or the bank holds it. */
export function dataAccessRefusal(
  consent: Pick<ConsentFacts, 'status' | 'onHold'> | undefined,
): 'not-authorised' | 'on-hold' | undefined {
  if (consent?.status !== 'AUTHORISED') return 'not-authorised';
  if (consent.onHold) return 'on-hold';
  return undefined;
}

/** Seconds from now until the consent expires (at least 1), or undefined if it never does. */
export function secondsToExpiry(expirationDateTime: string | undefined, now: number): number | undefined {
  return expirationDateTime
    ? Math.max(1, Math.floor((Date.parse(expirationDateTime) - now) / 1000))
    : undefined;
}

const isFdxDays = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_FDX_DAYS;

/** The terms of an FDX ConsentRequest, or what is wrong with it. */
export function parseFdxTerms(req: unknown): { terms: FdxConsentTerms } | { error: string } {
  if (!req || typeof req !== 'object') return { error: 'is required' };
  const r = req as Record<string, unknown>;
  if (!(FDX_DURATION_TYPES as readonly string[]).includes(String(r.durationType)))
    return { error: 'durationType must be ONE_TIME, PERSISTENT or TIME_BOUND' };
  if (r.durationType === 'TIME_BOUND' && !(isFdxDays(r.durationPeriod) && (r.durationPeriod as number) > 0))
    return { error: 'TIME_BOUND needs durationPeriod, a number of days' };
  if (r.lookbackPeriod !== undefined && !isFdxDays(r.lookbackPeriod))
    return { error: 'lookbackPeriod must be a number of days' };
  const resources = r.resources as { resourceType?: unknown; dataClusters?: unknown }[] | undefined;
  if (!Array.isArray(resources) || resources.length === 0)
    return { error: 'resources must list at least one resource' };
  for (const resource of resources) {
    if (!(FDX_RESOURCE_TYPES as readonly string[]).includes(String(resource?.resourceType)))
      return { error: 'resourceType must be ACCOUNT, CUSTOMER or DOCUMENT' };
    if (
      !Array.isArray(resource.dataClusters) ||
      resource.dataClusters.length === 0 ||
      resource.dataClusters.some((c) => !FDX_DATA_CLUSTERS.includes(String(c)))
    ) {
      return { error: `dataClusters must be a non-empty list of ${FDX_DATA_CLUSTERS.join(', ')}` };
    }
  }
  return {
    terms: {
      durationType: r.durationType as FdxConsentTerms['durationType'],
      ...(r.durationPeriod !== undefined ? { durationPeriod: r.durationPeriod as number } : {}),
      ...(r.lookbackPeriod !== undefined ? { lookbackPeriod: r.lookbackPeriod as number } : {}),
      resources: resources.map((resource) => ({
        resourceType: String(resource.resourceType),
        dataClusters: (resource.dataClusters as string[]).map(String),
      })),
    },
  };
}

/** An FDX consent's permissions: the data clusters it asks for, each once. */
export const fdxPermissions = (terms: FdxConsentTerms): string[] => [
  ...new Set(terms.resources.flatMap((r) => r.dataClusters)),
];

/**
 * How long an FDX consent lives from its authorisation: TIME_BOUND for its durationPeriod in days,
 * ONE_TIME for one access session; undefined (until revoked) otherwise.
 */
export function fdxLifetimeMs(
  terms: Pick<FdxConsentTerms, 'durationType' | 'durationPeriod'> | undefined,
  o: { dayMs?: number; oneTimeAccessMs?: number } = {},
): number | undefined {
  if (terms?.durationType === 'TIME_BOUND' && terms.durationPeriod)
    return terms.durationPeriod * (o.dayMs ?? DAY_MS);
  if (terms?.durationType === 'ONE_TIME') return o.oneTimeAccessMs ?? ONE_TIME_ACCESS_MS;
  return undefined;
}

/** How many days back an FDX consent may read, and the earliest day (YYYY-MM-DD, UTC) that allows. */
export function fdxLookback(
  terms: Pick<FdxConsentTerms, 'lookbackPeriod'> | undefined,
  now: number,
): { days: number; earliest: string } {
  const days = terms?.lookbackPeriod ?? DEFAULT_LOOKBACK_DAYS;
  return { days, earliest: new Date(now - days * DAY_MS).toISOString().slice(0, 10) };
}
