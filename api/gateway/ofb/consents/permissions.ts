// OFB consent permissions: the data groups ("agrupamentos") of the consents 3.3.1 table, which a
// request must send whole, and the products this bank serves. Requested permissions of products the
// bank does not offer are dropped from the answer; nothing functional left is a 422.
const PERMISSION_GROUPS: Record<string, readonly string[]> = {
  'Dados Cadastrais PF': ['CUSTOMERS_PERSONAL_IDENTIFICATIONS_READ', 'RESOURCES_READ'],
  'Informações complementares PF': ['CUSTOMERS_PERSONAL_ADITTIONALINFO_READ', 'RESOURCES_READ'],
  'Dados Cadastrais PJ': ['CUSTOMERS_BUSINESS_IDENTIFICATIONS_READ', 'RESOURCES_READ'],
  'Informações complementares PJ': ['CUSTOMERS_BUSINESS_ADITTIONALINFO_READ', 'RESOURCES_READ'],
  'Contas - Saldos': ['ACCOUNTS_READ', 'ACCOUNTS_BALANCES_READ', 'RESOURCES_READ'],
  'Contas - Limites': ['ACCOUNTS_READ', 'ACCOUNTS_OVERDRAFT_LIMITS_READ', 'RESOURCES_READ'],
  'Contas - Extratos': ['ACCOUNTS_READ', 'ACCOUNTS_TRANSACTIONS_READ', 'RESOURCES_READ'],
  'Cartão de Crédito - Limites': [
    'CREDIT_CARDS_ACCOUNTS_READ',
    'CREDIT_CARDS_ACCOUNTS_LIMITS_READ',
    'RESOURCES_READ',
  ],
  'Cartão de Crédito - Transações': [
    'CREDIT_CARDS_ACCOUNTS_READ',
    'CREDIT_CARDS_ACCOUNTS_TRANSACTIONS_READ',
    'RESOURCES_READ',
  ],
  'Cartão de Crédito - Faturas': [
    'CREDIT_CARDS_ACCOUNTS_READ',
    'CREDIT_CARDS_ACCOUNTS_BILLS_READ',
    'CREDIT_CARDS_ACCOUNTS_BILLS_TRANSACTIONS_READ',
    'RESOURCES_READ',
  ],
  'Operações de Crédito': [
    'LOANS_READ',
    'LOANS_WARRANTIES_READ',
    'LOANS_SCHEDULED_INSTALMENTS_READ',
    'LOANS_PAYMENTS_READ',
    'FINANCINGS_READ',
    'FINANCINGS_WARRANTIES_READ',
    'FINANCINGS_SCHEDULED_INSTALMENTS_READ',
    'FINANCINGS_PAYMENTS_READ',
    'UNARRANGED_ACCOUNTS_OVERDRAFT_READ',
    'UNARRANGED_ACCOUNTS_OVERDRAFT_WARRANTIES_READ',
    'UNARRANGED_ACCOUNTS_OVERDRAFT_SCHEDULED_INSTALMENTS_READ',
    'UNARRANGED_ACCOUNTS_OVERDRAFT_PAYMENTS_READ',
    'INVOICE_FINANCINGS_READ',
    'INVOICE_FINANCINGS_WARRANTIES_READ',
    'INVOICE_FINANCINGS_SCHEDULED_INSTALMENTS_READ',
    'INVOICE_FINANCINGS_PAYMENTS_READ',
    'RESOURCES_READ',
  ],
  Investimento: [
    'BANK_FIXED_INCOMES_READ',
    'CREDIT_FIXED_INCOMES_READ',
    'FUNDS_READ',
    'VARIABLE_INCOMES_READ',
    'TREASURE_TITLES_READ',
    'RESOURCES_READ',
  ],
  Câmbio: ['EXCHANGES_READ', 'RESOURCES_READ'],
};

export const KNOWN_PERMISSIONS = new Set(Object.values(PERMISSION_GROUPS).flat());

/** The products this bank serves: customers, accounts, credit cards (and resources). */
const SUPPORTED_PREFIXES = ['CUSTOMERS_', 'ACCOUNTS_', 'CREDIT_CARDS_ACCOUNTS', 'RESOURCES_READ'];

type PermissionErrorCode =
  | 'COMBINACAO_PERMISSOES_INCORRETA'
  | 'PERMISSAO_PF_PJ_EM_CONJUNTO'
  | 'INFORMACOES_PJ_NAO_INFORMADAS'
  | 'PERMISSOES_PJ_INCORRETAS'
  | 'SEM_PERMISSOES_FUNCIONAIS_RESTANTES';

type PermissionCheck =
  { ok: true; permissions: string[] } | { ok: false; code: PermissionErrorCode; detail: string };

/**
 * Check a request's permissions (all known, no duplicates — the caller checked) against the
 * groups and the consent's holder, and return the ones this bank grants.
 */
export function checkPermissions(requested: string[], hasBusinessEntity: boolean): PermissionCheck {
  const asked = new Set(requested);
  const whole = Object.values(PERMISSION_GROUPS).filter((g) => g.every((p) => asked.has(p)));
  const stray = requested.filter((p) => !whole.some((g) => g.includes(p)));
  if (stray.length > 0)
    return {
      ok: false,
      code: 'COMBINACAO_PERMISSOES_INCORRETA',
      detail: `permissions must be requested in whole groups; incomplete: ${stray.join(', ')}`,
    };
  const personal = requested.some((p) => p.startsWith('CUSTOMERS_PERSONAL_'));
  const business = requested.some((p) => p.startsWith('CUSTOMERS_BUSINESS_'));
  if (personal && business)
    return {
      ok: false,
      code: 'PERMISSAO_PF_PJ_EM_CONJUNTO',
      detail: 'personal and business customer permissions cannot be requested together',
    };
  if (business && !hasBusinessEntity)
    return {
      ok: false,
      code: 'INFORMACOES_PJ_NAO_INFORMADAS',
      detail: 'business customer permissions need businessEntity',
    };
  if (personal && hasBusinessEntity)
    return {
      ok: false,
      code: 'PERMISSOES_PJ_INCORRETAS',
      detail: 'a consent with businessEntity cannot ask for personal customer permissions',
    };
  const granted = requested.filter((p) => SUPPORTED_PREFIXES.some((prefix) => p.startsWith(prefix)));
  if (granted.every((p) => p === 'RESOURCES_READ'))
    return {
      ok: false,
      code: 'SEM_PERMISSOES_FUNCIONAIS_RESTANTES',
      detail: 'none of the requested products is offered by this institution',
    };
  return { ok: true, permissions: granted };
}
