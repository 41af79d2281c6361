// OFB permissions in the words a customer understands, grouped as the consent page shows them.
const DESCRIPTIONS: Record<string, string> = {
  RESOURCES_READ: 'Which of your products you share',
  ACCOUNTS_READ: 'Your accounts: type, branch and number',
  ACCOUNTS_BALANCES_READ: 'Your account balances',
  ACCOUNTS_TRANSACTIONS_READ: 'Your account transactions',
  ACCOUNTS_OVERDRAFT_LIMITS_READ: 'Your overdraft limits',
  CREDIT_CARDS_ACCOUNTS_READ: 'Your credit card accounts',
  CREDIT_CARDS_ACCOUNTS_LIMITS_READ: 'Your credit card limits',
  CREDIT_CARDS_ACCOUNTS_TRANSACTIONS_READ: 'Your credit card transactions',
  CREDIT_CARDS_ACCOUNTS_BILLS_READ: 'Your credit card bills',
  CREDIT_CARDS_ACCOUNTS_BILLS_TRANSACTIONS_READ: 'The transactions on your credit card bills',
  CUSTOMERS_PERSONAL_IDENTIFICATIONS_READ: 'Your personal identification details',
  CUSTOMERS_PERSONAL_ADITTIONALINFO_READ: 'Your relationship with the bank and financial details',
  CUSTOMERS_BUSINESS_IDENTIFICATIONS_READ: 'Your company identification details',
  CUSTOMERS_BUSINESS_ADITTIONALINFO_READ: "Your company's relationship with the bank and financial details",
  // FDX data clusters
  ACCOUNT_BASIC: 'Your accounts: type, name and masked number',
  ACCOUNT_DETAILED: 'Your account details and balances',
  ACCOUNT_PAYMENTS: 'Account and routing numbers for payments',
  PAYMENT_SUPPORT: 'Account and routing numbers for payments',
  TRANSACTIONS: 'Your transactions',
  STATEMENTS: 'Your statements',
  CUSTOMER_CONTACT: 'Your name, address, email and phone',
  CUSTOMER_PERSONAL: 'Your personal information',
  BILLS: 'Your bills',
  INVESTMENTS: 'Your investments',
  REWARDS: 'Your rewards',
  TAX: 'Your tax documents',
  IMAGES: 'Images of your checks',
  NOTIFICATIONS: 'Notifications about your accounts',
};

export function describePermissions(permissions: string[]): string[] {
  return permissions.map((p) => DESCRIPTIONS[p] ?? p.toLowerCase().replace(/_/g, ' '));
}
