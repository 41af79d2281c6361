// What the gateway asks of the bank's data, standard-neutral, and the consent scope it must stay in.
import type {
  Account,
  Balance,
  Bill,
  CardTransaction,
  CreditCardAccount,
  Customer,
  Page,
  Statement,
  Transaction,
} from '../connectors/sdk/model.js';
import type { PageRequest, TimeRange } from '../connectors/sdk/connector.js';

export interface ConsentedResource {
  resourceId: string;
  type: 'ACCOUNT' | 'CREDIT_CARD';
  /** UNAVAILABLE: closed, or gone from the core since the customer chose it. */
  status: 'AVAILABLE' | 'UNAVAILABLE';
}

export type FetchOperation =
  | { kind: 'customer' }
  /** Everything the customer could share (the consent page's choice); only the AS asks for it. */
  | { kind: 'customerResources' }
  | { kind: 'accounts' }
  /** The consented accounts and cards, and whether the core still has them open. */
  | { kind: 'resources' }
  | { kind: 'balance'; accountId: string }
  | { kind: 'transactions'; accountId: string; range: TimeRange; page: PageRequest }
  | { kind: 'statements'; accountId: string; range: TimeRange }
  | { kind: 'creditCards' }
  | { kind: 'bills'; creditCardAccountId: string; range: TimeRange }
  | { kind: 'cardTransactions'; creditCardAccountId: string; range: TimeRange; page: PageRequest };

export interface FetchRequest {
  consentId: string;
  clientId: string;
  customerId: string;
  /** The accounts (deposit or credit card) the customer selected: nothing else may leave the worker. */
  accountIds: string[];
  operation: FetchOperation;
}

/** `outOfScope`: the resource is not one the consent covers (or does not exist): the gateway's 404. */
export type FetchResult =
  | { kind: 'customer'; customer?: Customer }
  | { kind: 'customerResources'; accounts: Account[]; creditCards: CreditCardAccount[] }
  | { kind: 'accounts'; accounts: Account[] }
  | { kind: 'resources'; resources: ConsentedResource[] }
  | { kind: 'balance'; balance: Balance }
  | { kind: 'transactions'; page: Page<Transaction> }
  | { kind: 'statements'; statements: Statement[] }
  | { kind: 'creditCards'; creditCards: CreditCardAccount[] }
  | { kind: 'bills'; bills: Bill[] }
  | { kind: 'cardTransactions'; page: Page<CardTransaction> }
  | { kind: 'outOfScope' };
