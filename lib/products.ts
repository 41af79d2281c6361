// The API product catalog, as data. A product is what a data recipient subscribes to: the scopes
// its clients may be granted, the plans on offer, whether the bank approves each request by hand,
// and where its OpenAPI description lives (OFB: vendored under specs/ofb; FDX: read at run time
// from FDX_SPECS_DIR, since FDX's licence forbids copying the files into the project).
import type { StandardValue } from '../db/models/organization.js';

export interface SupportContact {
  name: string;
  email: string;
  phone: string;
  hours: string;
  website: string;
}

interface Plan {
  id: string;
  name: string;
  /** Calls per minute the plan allows a client, shown to the developer. */
  callsPerMinute: number;
}

export interface Product {
  id: string;
  standard: StandardValue;
  name: string;
  summary: string;
  version: string;
  /** OAuth scopes a subscription to this product lets the organization's clients request. */
  scopes: string[];
  /** The gateway's base path for the product's endpoints. */
  basePath: string;
  /** Where its calls are, when narrower than the base path (FDX consent shares /fdx/v6). */
  pathPrefix?: string;
  /** Where the OpenAPI document is: `ofb:` under specs/ofb, `fdx:` under FDX_SPECS_DIR. */
  spec: `ofb:${string}` | `fdx:${string}`;
  /** Automatic: a request is active at once; manual: it waits for the bank's decision. */
  approval: 'automatic' | 'manual';
  plans: Plan[];
}

const PLANS: Plan[] = [
  { id: 'sandbox', name: 'Sandbox', callsPerMinute: 60 },
  { id: 'production', name: 'Production', callsPerMinute: 1200 },
];

export const PRODUCTS: readonly Product[] = [
  {
    id: 'ofb-consents',
    standard: 'OFB',
    name: 'OFB Consents',
    summary: 'Lodge, read, extend and revoke data-sharing consents (Open Finance Brasil consents v3).',
    version: '3.3.1',
    scopes: ['consents'],
    basePath: '/open-banking/consents/v3',
    spec: 'ofb:consents/3.3.1.yml',
    approval: 'automatic',
    plans: PLANS,
  },
  {
    id: 'ofb-resources',
    standard: 'OFB',
    name: 'OFB Resources',
    summary: 'The accounts and cards a customer shared under a consent, with their status.',
    version: '3.1.0',
    scopes: ['resources'],
    basePath: '/open-banking/resources/v3',
    spec: 'ofb:resources/3.1.0.yml',
    approval: 'automatic',
    plans: PLANS,
  },
  {
    id: 'ofb-accounts',
    standard: 'OFB',
    name: 'OFB Accounts',
    summary: 'Deposit, savings and prepaid accounts: identification, balances, limits and transactions.',
    version: '2.4.2',
    scopes: ['accounts'],
    basePath: '/open-banking/accounts/v2',
    spec: 'ofb:accounts/2.4.2.yml',
    approval: 'manual',
    plans: PLANS,
  },
  {
    id: 'ofb-credit-cards',
    standard: 'OFB',
    name: 'OFB Credit Cards',
    summary: 'Credit-card accounts: limits, bills and transactions.',
    version: '2.3.1',
    scopes: ['credit-cards-accounts'],
    basePath: '/open-banking/credit-cards-accounts/v2',
    spec: 'ofb:credit-cards/2.3.1.yml',
    approval: 'manual',
    plans: PLANS,
  },
  {
    id: 'ofb-customers',
    standard: 'OFB',
    name: 'OFB Customers',
    summary: 'Registration data and financial relations of personal and business customers.',
    version: '2.2.1',
    scopes: ['customers'],
    basePath: '/open-banking/customers/v2',
    spec: 'ofb:customers/2.2.1.yml',
    approval: 'manual',
    plans: PLANS,
  },
  {
    id: 'fdx-core',
    standard: 'FDX',
    name: 'FDX Core',
    summary: 'Accounts, transactions, statements, contact and payment networks (FDX core exchange).',
    version: '6.0',
    scopes: [
      'fdx:accountbasic:read',
      'fdx:accountdetailed:read',
      'fdx:transactions:read',
      'fdx:statements:read',
      'fdx:customercontact:read',
      'fdx:accountpayments:read',
    ],
    basePath: '/fdx/v6',
    spec: 'fdx:fdx-5.2.0-sriniip/fdxapi.core.yaml',
    approval: 'manual',
    plans: PLANS,
  },
  {
    id: 'fdx-consent',
    standard: 'FDX',
    name: 'FDX Consent',
    summary: 'Read consent grants and revoke them (FDX consent API).',
    version: '6.0',
    scopes: [],
    basePath: '/fdx/v6',
    pathPrefix: '/fdx/v6/consents',
    spec: 'fdx:fdx-5.2.0-sriniip/fdxapi.consent.yaml',
    approval: 'automatic',
    plans: PLANS,
  },
];

export function findProduct(id: string): Product | undefined {
  return PRODUCTS.find((p) => p.id === id);
}

/** The product a gateway path belongs to: the longest matching prefix. */
export function productForPath(path: string): Product | undefined {
  let best: Product | undefined;
  for (const product of PRODUCTS) {
    const prefix = product.pathPrefix ?? product.basePath;
    if (
      (path === prefix || path.startsWith(`${prefix}/`)) &&
      prefix.length > (best?.pathPrefix ?? best?.basePath ?? '').length
    )
      best = product;
  }
  return best;
}

/** The scopes a client of `standard` may hold, given the products its organization subscribes to. */
export function scopesFor(standard: StandardValue, productIds: Iterable<string>): string[] {
  const scopes = new Set<string>();
  for (const id of productIds) {
    const product = findProduct(id);
    if (product?.standard === standard) product.scopes.forEach((s) => scopes.add(s));
  }
  return [...scopes].sort();
}
