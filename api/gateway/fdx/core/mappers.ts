// The canonical model in the shapes of FDX Core Exchange 6.x: deposit accounts (with balances for
// ACCOUNT_DETAILED), transactions, statements, contact and payment networks.
import type { Account, Balance, Customer, Statement, Transaction } from '../../../../connectors/sdk/model.js';

const ACCOUNT_TYPE = { CHECKING: 'CHECKING', SAVINGS: 'SAVINGS', PREPAID: 'OTHERDEPOSIT' } as const;
const fdxTime = (d: string) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');
const money = (v: string) => Math.round(Number(v) * 100) / 100;

function accountDescriptor(a: Account) {
  return {
    accountCategory: 'DEPOSIT_ACCOUNT',
    accountType: ACCOUNT_TYPE[a.type],
    accountId: a.accountId,
    accountNumberDisplay: `...${a.number.slice(-4)}`,
    productName: a.label.replace(/\s*\d.*$/, '') || a.type,
    nickname: a.label,
    status: a.status,
    currency: { currencyCode: a.currency },
  };
}

export function depositAccount(a: Account, balance?: Balance) {
  return {
    ...accountDescriptor(a),
    ...(balance
      ? {
          currentBalance: money(balance.available) + money(balance.blocked),
          availableBalance: money(balance.available),
          balanceAsOf: fdxTime(balance.updatedAt),
          openingDayBalance: money(balance.available),
        }
      : {}),
  };
}

const STATUS = { BOOKED: 'POSTED', PENDING: 'PENDING', FUTURE: 'MEMO' } as const;

export function depositTransaction(t: Transaction) {
  return {
    accountCategory: 'DEPOSIT_ACCOUNT',
    transactionId: t.transactionId,
    ...(t.status === 'BOOKED' ? { postedTimestamp: fdxTime(t.bookedAt) } : {}),
    transactionTimestamp: fdxTime(t.bookedAt),
    description: t.description,
    debitCreditMemo: t.status === 'FUTURE' ? 'MEMO' : t.direction,
    status: STATUS[t.status],
    amount: Math.abs(money(t.amount)),
    ...(t.counterparty ? { payee: t.counterparty.name } : {}),
  };
}

export function statement(s: Statement, href: string) {
  return {
    accountId: s.accountId,
    statementId: s.statementId,
    statementDate: s.endDate.slice(0, 10),
    description: `Statement ${s.startDate.slice(0, 10)} to ${s.endDate.slice(0, 10)}`,
    status: 'AVAILABLE',
    links: [{ href, action: 'GET', rel: 'statement', types: ['application/pdf'] }],
  };
}

export function accountContact(c: Customer) {
  return {
    holders: [
      {
        relationship: 'PRIMARY',
        type: c.personType === 'BUSINESS' ? 'BUSINESS' : 'CONSUMER',
        name:
          c.personType === 'BUSINESS'
            ? { first: c.name }
            : { first: c.name.split(' ')[0] ?? c.name, last: c.name.split(' ').slice(1).join(' ') || c.name },
        ...(c.personType === 'BUSINESS' ? { businessCustomer: { name: c.name } } : {}),
      },
    ],
    emails: c.email ? [c.email] : [],
    addresses: c.address
      ? [
          {
            line1: c.address.line1,
            city: c.address.city,
            region: c.address.region,
            postalCode: c.address.postalCode.slice(0, 10),
            country: c.address.country,
            type: 'HOME',
            primary: true,
          },
        ]
      : [],
    telephones: c.phone ? [{ type: 'PERSONAL', number: c.phone, primary: true }] : [],
  };
}

export function paymentNetworks(a: Account, bankRoutingNumber: string) {
  return [
    {
      bankId: bankRoutingNumber,
      identifier: a.number,
      type: 'US_ACH',
      transferIn: true,
      transferOut: a.type !== 'SAVINGS',
    },
  ];
}
