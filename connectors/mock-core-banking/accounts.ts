// The demo customers' accounts in the mock core's dataset (the one `npm start` seeds into the core
// banking service).
import type { Account } from '../sdk/model.js';
import { defaultDataset } from './dataset.js';

/** A customer's accounts (canonical model: accountId, customerId, type, label, currency, …). */
export async function listAccounts(customerId: string): Promise<Account[]> {
  return defaultDataset().accounts.filter((a) => a.customerId === customerId);
}
