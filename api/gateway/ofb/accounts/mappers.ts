// The canonical model in the shapes of OFB accounts 2.4.2.
import type { Account, Balance, Transaction } from '../../../../connectors/sdk/model.js';
import { ofbDateTime } from '../errors.js';

const ACCOUNT_TYPE = {
  CHECKING: 'CONTA_DEPOSITO_A_VISTA',
  SAVINGS: 'CONTA_POUPANCA',
  PREPAID: 'CONTA_PAGAMENTO_PRE_PAGA',
} as const;

const TRANSACTION_TYPE: Record<Transaction['kind'], string> = {
  PIX: 'PIX',
  TED: 'TED',
  CARD: 'CARTAO',
  FEE: 'TARIFA_SERVICOS_AVULSOS',
  ACH: 'OUTROS',
  WIRE: 'OUTROS',
  OTHER: 'OUTROS',
};

const PAYMENT_STATUS = {
  BOOKED: 'TRANSACAO_EFETIVADA',
  PENDING: 'TRANSACAO_PROCESSANDO',
  FUTURE: 'LANCAMENTO_FUTURO',
} as const;

export const ofbAccountType = (a: Account) => ACCOUNT_TYPE[a.type];

/** OFB amounts are unsigned with 2–4 decimals; the direction travels separately. */
export const ofbAmount = (amount: string, currency: string) => ({
  amount: Math.abs(Number(amount)).toFixed(2),
  currency,
});

const digits = (v: string, min: number) => v.replace(/\D/g, '').padStart(min, '0');

export function accountListItem(a: Account, bank: { brandName: string; cnpj: string }) {
  return {
    brandName: bank.brandName,
    companyCnpj: bank.cnpj,
    type: ofbAccountType(a),
    compeCode: digits(a.compeCode, 3),
    branchCode: digits(a.branchCode, 4),
    number: digits(a.number, 8),
    checkDigit: a.checkDigit,
    accountId: a.accountId,
  };
}

export function accountIdentification(a: Account) {
  return {
    compeCode: digits(a.compeCode, 3),
    branchCode: digits(a.branchCode, 4),
    number: digits(a.number, 8),
    checkDigit: a.checkDigit,
    type: ofbAccountType(a),
    subtype: 'INDIVIDUAL',
    currency: a.currency,
  };
}

export function balances(b: Balance) {
  return {
    availableAmount: ofbAmount(b.available, b.currency),
    blockedAmount: ofbAmount(b.blocked, b.currency),
    automaticallyInvestedAmount: ofbAmount(b.automaticallyInvested, b.currency),
    updateDateTime: ofbDateTime(b.updatedAt),
  };
}

export function overdraftLimits(b: Balance) {
  if (b.overdraftLimit === undefined) return {};
  const used = Number(b.overdraftUsed ?? '0');
  return {
    overdraftContractedLimit: ofbAmount(b.overdraftLimit, b.currency),
    overdraftUsedLimit: ofbAmount(String(used), b.currency),
    unarrangedOverdraftAmount: ofbAmount('0', b.currency),
  };
}

export function transaction(t: Transaction) {
  const party = t.counterparty?.taxId?.replace(/\D/g, '');
  return {
    transactionId: t.transactionId,
    completedAuthorisedPaymentType: PAYMENT_STATUS[t.status],
    creditDebitType: t.direction === 'CREDIT' ? 'CREDITO' : 'DEBITO',
    transactionName: t.description,
    type: TRANSACTION_TYPE[t.kind],
    transactionAmount: ofbAmount(t.amount, t.currency),
    // OFB wants milliseconds here (and only here).
    transactionDateTime: new Date(t.bookedAt).toISOString(),
    ...(party && /^\d{11}$|^\d{14}$/.test(party)
      ? { partieCnpjCpf: party, partiePersonType: party.length === 11 ? 'PESSOA_NATURAL' : 'PESSOA_JURIDICA' }
      : {}),
  };
}
