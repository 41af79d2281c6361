// Accounts of the demo customers in the mock core banking system. The consent page lists them for
// the customer to choose from.
export interface CoreAccount {
  accountId: string;
  customerId: string;
  type: 'CONTA_DEPOSITO_A_VISTA' | 'CONTA_POUPANCA' | 'CONTA_PAGAMENTO_PRE_PAGA';
  /** What the customer recognises: branch and number, masked. */
  label: string;
  currency: 'BRL';
}

const ACCOUNTS: CoreAccount[] = [
  {
    accountId: 'acc-ana-checking',
    customerId: 'c0a80001-0000-4000-8000-000000000001',
    type: 'CONTA_DEPOSITO_A_VISTA',
    label: 'Checking 0001 / ****-1234',
    currency: 'BRL',
  },
  {
    accountId: 'acc-ana-savings',
    customerId: 'c0a80001-0000-4000-8000-000000000001',
    type: 'CONTA_POUPANCA',
    label: 'Savings 0001 / ****-5678',
    currency: 'BRL',
  },
  {
    accountId: 'acc-bruno-business',
    customerId: 'c0a80001-0000-4000-8000-000000000002',
    type: 'CONTA_DEPOSITO_A_VISTA',
    label: 'Business checking 0002 / ****-9012',
    currency: 'BRL',
  },
];

export async function listAccounts(customerId: string): Promise<CoreAccount[]> {
  return ACCOUNTS.filter((a) => a.customerId === customerId);
}
