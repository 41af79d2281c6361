// The canonical banking model: what every connector returns, whatever the bank's core speaks.
// Standard-neutral (the gateway maps it to OFB or FDX); amounts are decimal strings in the
// account's currency so no float ever rounds a cent.

type Currency = 'BRL' | 'USD';
export type PersonType = 'PERSONAL' | 'BUSINESS';

/** A decimal amount as a string, e.g. "1234.56" or "-10.00". */
type Amount = string;

/** A product or service the customer holds under a current contract. */
export type ProductKind =
  | 'CHECKING'
  | 'SAVINGS'
  | 'PREPAID'
  | 'PAYROLL_ACCOUNT'
  | 'CREDIT_CARD'
  | 'LOAN'
  | 'INSURANCE'
  | 'PENSION'
  | 'INVESTMENT'
  | 'FOREIGN_EXCHANGE'
  | 'MERCHANT_ACQUIRING'
  | 'OTHER';

/** An identity document besides the tax id. */
export interface IdentityDocument {
  type: 'NATIONAL_ID' | 'DRIVER_LICENSE' | 'PASSPORT' | 'FOREIGNER_ID' | 'OTHER';
  number: string;
  checkDigit?: string;
  /** Issuing body, e.g. "SSP/SP"; for OTHER, what the document is. */
  issuer?: string;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  issueDate?: string;
  expirationDate?: string;
}

/** A partner or administrator of a business customer. */
export interface BusinessParty {
  role: 'PARTNER' | 'ADMINISTRATOR';
  personType: PersonType;
  /** Civil name, or company name for a business. */
  name: string;
  /** CPF/CNPJ (or the foreign document's number). */
  taxId: string;
  /** Share of the capital, 0–1 with six decimals, e.g. "0.600000". */
  shareholding?: string;
  /** ISO date the participation started. */
  since?: string;
}

/** Someone who may act for the customer: a legal representative or an attorney. */
interface Representative {
  role: 'LEGAL_REPRESENTATIVE' | 'ATTORNEY';
  name: string;
  socialName?: string;
  /** CPF (or CNPJ for an attorney that is a company). */
  taxId: string;
}

export interface Customer {
  customerId: string;
  personType: PersonType;
  name: string;
  /** Brazil: CPF (personal) or CNPJ (business); US: SSN last four or EIN. */
  taxId: string;
  birthDate?: string;
  email?: string;
  phone?: string;
  address?: {
    line1: string;
    city: string;
    region: string;
    postalCode: string;
    country: string;
    /** Neighbourhood (Brazil: bairro). */
    district?: string;
  };
  /** When the customer's relationship with the bank started (ISO date). */
  customerSince: string;
  occupation?: string;
  monthlyIncome?: Amount;
  // Registration details some standards ask for (OFB customers); all optional.
  /** When the registration was last updated (ISO date-time). */
  updatedAt?: string;
  /** Personal: the social name, when the customer has one. */
  socialName?: string;
  /** Personal: nationalities, ISO 3166-1 alpha-2. */
  nationalities?: string[];
  identityDocuments?: IdentityDocument[];
  /** Business: trade name ("nome fantasia"). */
  tradeName?: string;
  /** Business: date of incorporation (ISO date). */
  incorporationDate?: string;
  /** Business: economic activities, Brazil's CNAE subclass codes (7 digits). */
  economicActivities?: { code: string; main: boolean }[];
  parties?: BusinessParty[];
  representatives?: Representative[];
  /** Every product the customer holds under a current contract, whatever was consented. */
  products?: ProductKind[];
  /** When `monthlyIncome` (a business's monthly revenue) was declared (ISO date). */
  incomeDeclaredOn?: string;
  /** Declared net worth, and the date it refers to. */
  netWorth?: { amount: Amount; asOf: string };
}

type AccountType = 'CHECKING' | 'SAVINGS' | 'PREPAID';

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
  /** The card's product tier, when it has one of these. */
  tier?: 'GOLD' | 'PLATINUM' | 'INFINITE' | 'BLACK' | 'BUSINESS' | 'CORPORATE';
  /** The card also works as a debit card ("multiple" card). */
  debitFunction?: boolean;
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
  /** The payments made towards this bill, when the core knows them. */
  payments?: { date: string; amount: Amount; method: 'ACCOUNT_DEBIT' | 'BOLETO' | 'PAYROLL' | 'PIX' }[];
}

export interface CardTransaction extends Omit<Transaction, 'accountId' | 'kind'> {
  creditCardAccountId: string;
  billId?: string;
  merchant: string;
  installments?: { number: number; of: number };
  /** What the line is; absent: a debit is a purchase, a credit is not known. */
  category?: 'PURCHASE' | 'REFUND' | 'FEE' | 'CASHBACK' | 'CREDIT_OPERATION' | 'OTHER';
  /** The merchant's category code (ISO 18245). */
  mcc?: number;
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
