// OFB credit-cards-accounts 2.3.1 (`/open-banking/credit-cards-accounts/v2`): the consented credit
// cards, their identification, limits, settled transactions, bills and each bill's transactions,
// read from the bank through `fetchData`. The handlers live beside it (accounts.ts,
// transactions.ts, bills.ts); this is the table of their routes and permissions.
import { ofbDataRouter, requirePermission, type OfbDataDeps } from '../data-api.js';
import { listCards, showCard, showLimits } from './accounts.js';
import { billTransactions, listBills } from './bills.js';
import { cardTransactions } from './transactions.js';

export const CREDIT_CARDS_BASE = '/open-banking/credit-cards-accounts/v2';
const CREDIT_CARDS_VERSION = '2.3.1';

export function ofbCreditCardsRouter(deps: OfbDataDeps) {
  const router = ofbDataRouter(deps, CREDIT_CARDS_VERSION, 'credit-cards-accounts');
  router.get('/accounts', requirePermission('CREDIT_CARDS_ACCOUNTS_READ'), listCards(deps));
  router.get(
    '/accounts/:creditCardAccountId',
    requirePermission('CREDIT_CARDS_ACCOUNTS_READ'),
    showCard(deps),
  );
  router.get(
    '/accounts/:creditCardAccountId/limits',
    requirePermission('CREDIT_CARDS_ACCOUNTS_LIMITS_READ'),
    showLimits(deps),
  );
  router.get(
    '/accounts/:creditCardAccountId/transactions',
    requirePermission('CREDIT_CARDS_ACCOUNTS_TRANSACTIONS_READ'),
    cardTransactions(deps, 365, 0),
  );
  // transactions-current: the last 7 days inclusive (D-6).
  router.get(
    '/accounts/:creditCardAccountId/transactions-current',
    requirePermission('CREDIT_CARDS_ACCOUNTS_TRANSACTIONS_READ'),
    cardTransactions(deps, 6, 6),
  );
  router.get(
    '/accounts/:creditCardAccountId/bills',
    requirePermission('CREDIT_CARDS_ACCOUNTS_BILLS_READ'),
    listBills(deps),
  );
  router.get(
    '/accounts/:creditCardAccountId/bills/:billId/transactions',
    requirePermission('CREDIT_CARDS_ACCOUNTS_BILLS_TRANSACTIONS_READ'),
    billTransactions(deps),
  );
  return router;
}
