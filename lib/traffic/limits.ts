// The platform's traffic limits, as data: OFB's per-origin classes and their floors, which class
// each endpoint is in, the global ceiling, OFB's optional operational limits, and the limits of
// the pages people log in, sign up and enrol on. The environment overrides the numbers
// (lib/config.ts, docs/configuration.md); the tables here are the platform's reading
// of the standards and change with the code.
//
// OFB (Requisitos não funcionais, "Limites de tráfego"): a data holder that limits traffic must
// allow each origin — the recipient organisation for authenticated endpoints, the IP address for
// open ones — at least 2,000, 1,500, 1,000 or 500 calls per minute per endpoint by the endpoint's
// frequency class, counted per clock minute (00.000 s to 59.999 s), answered 429 beyond; and at
// least 300 calls per second in all, answered 529 beyond. Operational limits count a recipient's
// calls per calendar month, per endpoint, per object called (resource, or consent for lists) and
// per customer, and never apply to consents, resources or payments.

/** OFB's per-origin frequency classes and their floors, in calls per minute. */
export const OFB_ORIGIN_FLOORS = { high: 2000, mediumHigh: 1500, medium: 1000, low: 500 } as const;
export type EndpointClass = keyof typeof OFB_ORIGIN_FLOORS;

/** OFB's floor for the global ceiling, in calls per second across every replica. */
const OFB_GLOBAL_TPS_FLOOR = 300;

/**
 * The gateway's endpoints by class, as `METHOD template` (the route template with its base path).
 * High: what a recipient polls per consent through the day (balances, the current transactions,
 * limits, resources, the consent's status). Medium-high: lists and history, and new consents.
 * Medium: single records and bills, FDX data. Low: registration data and consent changes.
 */
export const GATEWAY_ENDPOINT_CLASSES: Readonly<Record<string, EndpointClass>> = {
  'POST /open-banking/consents/v3/consents': 'mediumHigh',
  'GET /open-banking/consents/v3/consents/:consentId': 'high',
  'DELETE /open-banking/consents/v3/consents/:consentId': 'medium',
  'POST /open-banking/consents/v3/consents/:consentId/extends': 'low',
  'GET /open-banking/consents/v3/consents/:consentId/extensions': 'low',
  'GET /open-banking/resources/v3/resources': 'high',
  'GET /open-banking/accounts/v2/accounts': 'mediumHigh',
  'GET /open-banking/accounts/v2/accounts/:accountId': 'medium',
  'GET /open-banking/accounts/v2/accounts/:accountId/balances': 'high',
  'GET /open-banking/accounts/v2/accounts/:accountId/overdraft-limits': 'medium',
  'GET /open-banking/accounts/v2/accounts/:accountId/transactions': 'mediumHigh',
  'GET /open-banking/accounts/v2/accounts/:accountId/transactions-current': 'high',
  'GET /open-banking/credit-cards-accounts/v2/accounts': 'mediumHigh',
  'GET /open-banking/credit-cards-accounts/v2/accounts/:creditCardAccountId': 'medium',
  'GET /open-banking/credit-cards-accounts/v2/accounts/:creditCardAccountId/limits': 'high',
  'GET /open-banking/credit-cards-accounts/v2/accounts/:creditCardAccountId/transactions': 'mediumHigh',
  'GET /open-banking/credit-cards-accounts/v2/accounts/:creditCardAccountId/transactions-current': 'high',
  'GET /open-banking/credit-cards-accounts/v2/accounts/:creditCardAccountId/bills': 'medium',
  'GET /open-banking/credit-cards-accounts/v2/accounts/:creditCardAccountId/bills/:billId/transactions':
    'medium',
  'GET /open-banking/customers/v2/personal/identifications': 'low',
  'GET /open-banking/customers/v2/personal/qualifications': 'low',
  'GET /open-banking/customers/v2/personal/financial-relations': 'low',
  'GET /open-banking/customers/v2/business/identifications': 'low',
  'GET /open-banking/customers/v2/business/qualifications': 'low',
  'GET /open-banking/customers/v2/business/financial-relations': 'low',
  'GET /fdx/v6/consents/:consentId': 'high',
  'PUT /fdx/v6/consents/:consentId/revocation': 'low',
  'GET /fdx/v6/consents/:consentId/revocation': 'low',
  'GET /fdx/v6/accounts': 'mediumHigh',
  'GET /fdx/v6/accounts/:accountId': 'medium',
  'GET /fdx/v6/accounts/:accountId/transactions': 'mediumHigh',
  'GET /fdx/v6/accounts/:accountId/statements': 'medium',
  'GET /fdx/v6/accounts/:accountId/statements/:statementId': 'medium',
  'GET /fdx/v6/accounts/:accountId/contact': 'low',
  'GET /fdx/v6/accounts/:accountId/payment-networks': 'low',
  'GET /fdx/v6/customers/current': 'low',
};

/** The class of an endpoint the table does not list (a route added without a line above). */
const DEFAULT_ENDPOINT_CLASS: EndpointClass = 'medium';

/** The authorization server's endpoints a recipient calls, by class (per client certificate, else IP). */
export const AUTH_ENDPOINT_CLASSES: Readonly<Record<string, EndpointClass>> = {
  'POST /token': 'high',
  'POST /request': 'mediumHigh',
  'POST /reg': 'low',
  'GET /reg/:clientId': 'low',
  'PUT /reg/:clientId': 'low',
  'DELETE /reg/:clientId': 'low',
};

/**
 * OFB's operational limits, calls per calendar month (floors): per endpoint, object, customer and
 * recipient. Consents, resources and payments have none; 120 is the floor of credit operations'
 * endpoints, which the platform does not serve.
 */
export const OFB_OPERATIONAL_LIMITS: Readonly<Record<string, number>> = {
  'GET /open-banking/customers/v2/personal/identifications': 4,
  'GET /open-banking/customers/v2/personal/qualifications': 4,
  'GET /open-banking/customers/v2/personal/financial-relations': 4,
  'GET /open-banking/customers/v2/business/identifications': 4,
  'GET /open-banking/customers/v2/business/qualifications': 4,
  'GET /open-banking/customers/v2/business/financial-relations': 4,
  'GET /open-banking/accounts/v2/accounts': 4,
  'GET /open-banking/accounts/v2/accounts/:accountId': 4,
  'GET /open-banking/accounts/v2/accounts/:accountId/balances': 420,
  'GET /open-banking/accounts/v2/accounts/:accountId/overdraft-limits': 420,
  'GET /open-banking/accounts/v2/accounts/:accountId/transactions': 4,
  'GET /open-banking/accounts/v2/accounts/:accountId/transactions-current': 240,
  'GET /open-banking/credit-cards-accounts/v2/accounts': 4,
  'GET /open-banking/credit-cards-accounts/v2/accounts/:creditCardAccountId': 4,
  'GET /open-banking/credit-cards-accounts/v2/accounts/:creditCardAccountId/limits': 240,
  'GET /open-banking/credit-cards-accounts/v2/accounts/:creditCardAccountId/transactions': 4,
  'GET /open-banking/credit-cards-accounts/v2/accounts/:creditCardAccountId/transactions-current': 240,
  'GET /open-banking/credit-cards-accounts/v2/accounts/:creditCardAccountId/bills': 30,
  'GET /open-banking/credit-cards-accounts/v2/accounts/:creditCardAccountId/bills/:billId/transactions': 30,
};

/** Paths whose endpoints never carry operational limits, whatever the table says. */
const NO_OPERATIONAL_LIMITS = [
  '/open-banking/consents/',
  '/open-banking/resources/',
  '/open-banking/payments/',
];

/** Calls per IP address on the pages people use, where OFB sets no floor: the platform's own. */
const PER_ADDRESS_DEFAULTS = {
  /** Password log-ins (customers at the AS, developers, staff, self-service), per minute. */
  loginsPerMinute: 30,
  /** One-time codes entered, per minute. */
  codesPerMinute: 30,
  /** Developer sign-ups, per hour. */
  signupsPerHour: 10,
  /** Organization enrolments (portal form and API), per hour. */
  enrolmentsPerHour: 10,
} as const;

/** Every limit, resolved: the defaults above with the environment's overrides. */
export interface TrafficLimits {
  /** Calls per second across all gateway replicas before 529. */
  globalTps: number;
  /** Calls per minute per origin and endpoint, by the endpoint's class. */
  classes: Record<EndpointClass, number>;
  /** Enforce OFB's operational limits (off by default: OFB makes them optional). */
  operationalLimits: boolean;
  perAddress: { [K in keyof typeof PER_ADDRESS_DEFAULTS]: number };
}

export const DEFAULT_TRAFFIC_LIMITS: TrafficLimits = {
  globalTps: OFB_GLOBAL_TPS_FLOOR,
  classes: { ...OFB_ORIGIN_FLOORS },
  operationalLimits: false,
  perAddress: { ...PER_ADDRESS_DEFAULTS },
};

/** The limits with some replaced (tests keep them small); nested records are merged. */
export function trafficLimits(
  overrides: Partial<Omit<TrafficLimits, 'classes' | 'perAddress'>> & {
    classes?: Partial<TrafficLimits['classes']>;
    perAddress?: Partial<TrafficLimits['perAddress']>;
  } = {},
): TrafficLimits {
  return {
    ...DEFAULT_TRAFFIC_LIMITS,
    ...overrides,
    classes: { ...DEFAULT_TRAFFIC_LIMITS.classes, ...overrides.classes },
    perAddress: { ...DEFAULT_TRAFFIC_LIMITS.perAddress, ...overrides.perAddress },
  };
}

/** An endpoint's class at the gateway, by `METHOD template`. */
export const gatewayEndpointClass = (endpoint: string): EndpointClass =>
  GATEWAY_ENDPOINT_CLASSES[endpoint] ?? DEFAULT_ENDPOINT_CLASS;

/** An endpoint's monthly operational limit, or undefined where none applies. */
export function operationalLimit(endpoint: string): number | undefined {
  const path = endpoint.slice(endpoint.indexOf(' ') + 1);
  if (NO_OPERATIONAL_LIMITS.some((p) => path.startsWith(p))) return undefined;
  return OFB_OPERATIONAL_LIMITS[endpoint];
}
