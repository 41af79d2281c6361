// OFB permissions and FDX data clusters in the words a customer understands (the catalogues in
// ../locales), and OFB's in the groups of the Open Finance Brasil customer-experience guide.
import type { TFunction } from 'i18next';
import { locale } from '../i18n.js';
import type { DataGroup } from './views.js';

const CREDIT =
  /^(LOANS|FINANCINGS|UNARRANGED_ACCOUNTS_OVERDRAFT|INVOICE_FINANCINGS)(?:_(WARRANTIES|SCHEDULED_INSTALMENTS|PAYMENTS))?_READ$/;

/** One permission or data cluster in plain words; an unknown one as its code, lower-cased. */
export function describePermission(permission: string, t: TFunction): string {
  const credit = CREDIT.exec(permission);
  if (credit)
    return t('consent.creditOperation', {
      product: t(`consent.creditProducts.${credit[1]}`),
      aspect: t(`consent.creditAspects.${credit[2] ?? 'CONTRACT'}`),
    });
  const key = `permissions.${permission}`;
  const words = t(key);
  return words === key ? permission.toLowerCase().replace(/_/g, ' ') : words;
}

/** In English, as the bank's consoles show them. */
export function describePermissions(permissions: string[]): string[] {
  const { t } = locale('en');
  return permissions.map((p) => describePermission(p, t));
}

// The guide's groups, in its order; each permission belongs to the first group that claims it.
const GROUPS: [key: string, claims: (p: string) => boolean][] = [
  ['registration', (p) => /^CUSTOMERS_(PERSONAL|BUSINESS)_IDENTIFICATIONS_READ$/.test(p)],
  ['complementary', (p) => /^CUSTOMERS_(PERSONAL|BUSINESS)_ADITTIONALINFO_READ$/.test(p)],
  ['accounts', (p) => p.startsWith('ACCOUNTS_')],
  ['creditCards', (p) => p.startsWith('CREDIT_CARDS_')],
  ['creditOperations', (p) => CREDIT.test(p)],
  [
    'investments',
    (p) => /^(BANK_FIXED_INCOMES|CREDIT_FIXED_INCOMES|FUNDS|VARIABLE_INCOMES|TREASURE_TITLES)_READ$/.test(p),
  ],
  ['exchanges', (p) => p === 'EXCHANGES_READ'],
];

/**
 * OFB permissions in the guide's groups ("Dados cadastrais", "Informações complementares",
 * "Contas", "Cartão de crédito", "Operações de crédito", then "Investimentos" and "Câmbio"), any
 * other in a last group. RESOURCES_READ
 * goes with every group (it lists the products shared), so it is not shown on its own unless alone.
 */
export function ofbDataGroups(permissions: string[], t: TFunction): DataGroup[] {
  const shown = permissions.filter((p) => p !== 'RESOURCES_READ' || permissions.length === 1);
  const groups = GROUPS.map(([key, claims]) => ({
    title: t(`consent.groups.${key}`),
    items: shown.filter(claims).map((p) => describePermission(p, t)),
  }));
  const other = shown.filter((p) => !GROUPS.some(([, claims]) => claims(p)));
  if (other.length)
    groups.push({ title: t('consent.groups.other'), items: other.map((p) => describePermission(p, t)) });
  return groups.filter((g) => g.items.length > 0);
}
