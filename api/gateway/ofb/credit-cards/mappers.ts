// The canonical model in the shapes of OFB credit-cards-accounts 2.3.1.
import type { Bill, CardTransaction, CreditCardAccount } from '../../../../connectors/sdk/model.js';
import { ofbAmount } from '../accounts/mappers.js';

const NETWORK: Record<CreditCardAccount['network'], string> = {
  VISA: 'VISA',
  MASTERCARD: 'MASTERCARD',
  ELO: 'ELO',
  AMEX: 'AMERICAN_EXPRESS',
};

const PRODUCT_TYPE: Record<NonNullable<CreditCardAccount['tier']>, string> = {
  GOLD: 'GOLD',
  PLATINUM: 'PLATINUM',
  INFINITE: 'INFINITE',
  BLACK: 'BLACK',
  BUSINESS: 'EMPRESARIAL',
  CORPORATE: 'CORPORATIVO',
};

const PAYMENT_MODE: Record<NonNullable<Bill['payments']>[number]['method'], string> = {
  ACCOUNT_DEBIT: 'DEBITO_CONTA_CORRENTE',
  BOLETO: 'BOLETO_BANCARIO',
  PAYROLL: 'AVERBACAO_FOLHA',
  PIX: 'PIX',
};

/** OFB's date for "not yet on a bill" (billPostDate). */
const NOT_ON_A_BILL = '0001-01-01';

/** A card without a known tier is OUTROS, its name saying which product it is. */
function product(c: CreditCardAccount) {
  return c.tier
    ? { productType: PRODUCT_TYPE[c.tier] }
    : { productType: 'OUTROS', productAdditionalInfo: c.name.slice(0, 50) };
}

export function cardListItem(c: CreditCardAccount, bank: { brandName: string; cnpj: string }) {
  return {
    creditCardAccountId: c.creditCardAccountId,
    brandName: bank.brandName,
    companyCnpj: bank.cnpj,
    name: c.name.slice(0, 50),
    ...product(c),
    creditCardNetwork: NETWORK[c.network],
  };
}

export function cardIdentification(c: CreditCardAccount) {
  return {
    name: c.name.slice(0, 50),
    ...product(c),
    creditCardNetwork: NETWORK[c.network],
    paymentMethod: [{ identificationNumber: c.last4, isMultipleCreditCard: c.debitFunction ?? false }],
  };
}

/** One total limit, shared by the card's payment methods. */
export function cardLimits(c: CreditCardAccount) {
  const limit = ofbAmount(c.limit, c.currency);
  return [
    {
      creditLineLimitType: 'LIMITE_CREDITO_TOTAL',
      consolidationType: 'CONSOLIDADO',
      identificationNumber: c.last4,
      isLimitFlexible: false,
      limitAmount:
        Number(c.limit) === 0
          ? { ...limit, limitAmountReason: 'O banco não concedeu limite a este cartão' }
          : limit,
      // Used and available may be negative (a credit balance, an overdrawn limit).
      usedAmount: { amount: Number(c.used).toFixed(2), currency: c.currency },
      availableAmount: { amount: Number(c.available).toFixed(2), currency: c.currency },
    },
  ];
}

export function bill(b: Bill) {
  return {
    billId: b.billId,
    dueDate: b.dueDate,
    // Positive: owed by the customer; negative: a credit balance.
    billTotalAmount: { amount: Number(b.total).toFixed(2), currency: b.currency },
    billMinimumAmount: ofbAmount(b.minimumPayment, b.currency),
    // This bank offers no instalment plans for bills.
    isInstalment: false,
    payments: (b.payments ?? []).map((p) => ({
      valueType: 'VALOR_PAGAMENTO_FATURA_REALIZADO',
      paymentDate: p.date,
      paymentMode: PAYMENT_MODE[p.method],
      ...ofbAmount(p.amount, b.currency),
    })),
  };
}

export const TRANSACTION_TYPES = [
  'PAGAMENTO',
  'TARIFA',
  'OPERACOES_CREDITO_CONTRATADAS_CARTAO',
  'ESTORNO',
  'CASHBACK',
  'OUTROS',
] as const;

/** The transaction's OFB type and the fields each type requires with it. */
function kind(t: CardTransaction) {
  const category = t.category ?? (t.direction === 'DEBIT' ? 'PURCHASE' : 'OTHER');
  const note = t.description.trim().slice(0, 50) || 'Sem descrição';
  switch (category) {
    case 'PURCHASE':
      return t.installments && t.installments.of > 1
        ? {
            transactionType: 'PAGAMENTO',
            paymentType: 'A_PRAZO',
            chargeIdentificator: t.installments.number,
            chargeNumber: t.installments.of,
          }
        : { transactionType: 'PAGAMENTO', paymentType: 'A_VISTA' };
    case 'REFUND':
      return { transactionType: 'ESTORNO' };
    case 'CASHBACK':
      return { transactionType: 'CASHBACK' };
    case 'FEE':
      return { transactionType: 'TARIFA', feeType: 'OUTRA', feeTypeAdditionalInfo: note };
    case 'CREDIT_OPERATION':
      return {
        transactionType: 'OPERACOES_CREDITO_CONTRATADAS_CARTAO',
        otherCreditsType: 'OUTROS',
        otherCreditsAdditionalInfo: note,
      };
    case 'OTHER':
      return { transactionType: 'OUTROS', transactionalAdditionalInfo: note };
  }
}

export function cardTransaction(t: CardTransaction, card: Pick<CreditCardAccount, 'last4'>) {
  const amount = ofbAmount(t.amount, t.currency);
  return {
    transactionId: t.transactionId,
    identificationNumber: card.last4,
    transactionName: t.description.slice(0, 200),
    ...(t.billId ? { billId: t.billId } : {}),
    creditDebitType: t.direction === 'CREDIT' ? 'CREDITO' : 'DEBITO',
    ...kind(t),
    // The card's billing currency: a BRL card's amounts are in reais already.
    brazilianAmount: amount,
    amount,
    // OFB wants milliseconds here.
    transactionDateTime: new Date(t.bookedAt).toISOString(),
    // The day it posted to the card's bill; settled lines only reach the API.
    billPostDate: t.status === 'BOOKED' ? t.bookedAt.slice(0, 10) : NOT_ON_A_BILL,
    ...(t.mcc !== undefined ? { payeeMCC: t.mcc } : {}),
  };
}
