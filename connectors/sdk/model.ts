// The canonical banking model: what every connector returns, whatever the bank's core speaks.
// Standard-neutral (the gateway maps it to OFB or FDX); amounts are decimal strings in the
// account's currency so no float ever rounds a cent.

export type Currency = 'BRL' | 'USD';
export type PersonType = 'PERSONAL' | 'BUSINESS';

/** A decimal amount as a string, e.g. "1234.56" or "-10.00". */
export type Amount = string;

export interface Customer {
  customerId: string;
  personType: PersonType;
  name: string;
  /** Brazil: CPF (personal) or CNPJ (business); US: SSN last four or EIN. */
  taxId: string;
  birthDate?: string;
  email?: string;
  phone?: string;
  address?: { line1: string; city: string; region: string; postalCode: string; country: string };
  /** When the customer's relationship with the bank started (ISO date). */
  customerSince: string;
  occupation?: string;
  monthlyIncome?: Amount;
}

export type AccountType = 'CHECKING' | 'SAVINGS' | 'PREPAID';

export interface Account {
  accountId: string;
  customerId: string;
  type: AccountType;
  currency: Currency;
  /** Bank's identification of the account. */
  compeCode: string;
  branchCode: string;
  number: string;
  checkDigit: string;
  /** What the customer recognises, masked: "Checking 0001 / ****-1234". */
  label: string;
  openedDate: string;
  status: 'OPEN' | 'CLOSED';
}

export interface Balance {
  accountId: string;
  currency: Currency;
  available: Amount;
  blocked: Amount;
  automaticallyInvested: Amount;
  /** Approved overdraft; absent when the account has none. */
  overdraftLimit?: Amount;
  overdraftUsed?: Amount;
  updatedAt: string;
}

export interface Transaction {
  transactionId: string;
  accountId: string;
  /** ISO date-time with milliseconds. */
  bookedAt: string;
  status: 'BOOKED' | 'PENDING' | 'FUTURE';
  direction: 'CREDIT' | 'DEBIT';
  amount: Amount;
  currency: Currency;
  description: string;
  /** Payment rail: PIX, TED, CARD, ACH, WIRE, FEE, OTHER. */
  kind: 'PIX' | 'TED' | 'CARD' | 'ACH' | 'WIRE' | 'FEE' | 'OTHER';
  counterparty?: { name: string; taxId?: string };
}

export interface CreditCardAccount {
  creditCardAccountId: string;
  customerId: string;
  currency: Currency;
  name: string;
  network: 'VISA' | 'MASTERCARD' | 'ELO' | 'AMEX';
  /** Last four digits of the card. */
  last4: string;
  limit: Amount;
  used: Amount;
  available: Amount;
}

export interface Bill {
  billId: string;
  creditCardAccountId: string;
  dueDate: string;
  closingDate: string;
  total: Amount;
  minimumPayment: Amount;
  currency: Currency;
  paid: boolean;
}

export interface CardTransaction extends Omit<Transaction, 'accountId' | 'kind'> {
  creditCardAccountId: string;
  billId?: string;
  merchant: string;
  installments?: { number: number; of: number };
}

export interface Statement {
  statementId: string;
  accountId: string;
  /** Statement period, ISO dates. */
  startDate: string;
  endDate: string;
  openingBalance: Amount;
  closingBalance: Amount;
  currency: Currency;
}

/** A page of a long list: `nextCursor` absent on the last page. */
export interface Page<T> {
  items: T[];
  total: number;
  nextCursor?: string;
}
