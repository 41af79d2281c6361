// The mock core's customers, their accounts and cards, and the everyday activity their histories
// are drawn from. Ana and Bruno are the authorization server's demo customers (auth/idp), so their
// ids and account ids must not change; the others exist only in the core.
import type { Account, CreditCardAccount, Customer, Transaction } from '../sdk/model.js';

const ANA = 'c0a80001-0000-4000-8000-000000000001';
const BRUNO = 'c0a80001-0000-4000-8000-000000000002';
const EMILY = 'c0a80001-0000-4000-8000-000000000003';
const HARBOR = 'c0a80001-0000-4000-8000-000000000004';
const CARLA = 'c0a80001-0000-4000-8000-000000000005';

export interface Counterparty {
  name: string;
  taxId?: string;
}

/** An everyday transaction an account sees, drawn at random each day. */
interface Activity {
  weight: number;
  direction: Transaction['direction'];
  kind: Transaction['kind'];
  /** `{name}` is replaced by the counterparty's name. */
  description: string;
  counterparties?: Counterparty[];
  /** Amount range in cents. */
  cents: [number, number];
}

/** A transaction on the same day every month: salary, rent, fees, interest. */
interface Recurring {
  day: number;
  direction: Transaction['direction'];
  kind: Transaction['kind'];
  description: string;
  counterparty?: Counterparty;
  cents: [number, number];
  /** Interest: this share of the balance instead of `cents`. */
  rate?: number;
}

export interface DemoAccount {
  account: Account;
  openingCents: number;
  perDay: [number, number];
  activities: Activity[];
  monthly: Recurring[];
  overdraftCents?: number;
  investedCents?: number;
}

/** A card purchase; `installments` splits it over that many monthly bills. */
interface Purchase {
  weight: number;
  merchants: string[];
  cents: [number, number];
  installments?: [number, number];
}

export interface DemoCard {
  card: Omit<CreditCardAccount, 'used' | 'available'>;
  /** Day of the month the bill closes, and day of the next month it is due. */
  closingDay: number;
  dueDay: number;
  perDay: [number, number];
  purchases: Purchase[];
  monthly: { day: number; merchant: string; cents: number }[];
}

/** CNPJ with its two check digits, from its first 12 digits. */
function cnpj(base: string): string {
  const digit = (body: string) => {
    const weights =
      body.length === 12 ? [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2] : [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2];
    const r = [...body].reduce((s, ch, i) => s + Number(ch) * weights[i]!, 0) % 11;
    return r < 2 ? 0 : 11 - r;
  };
  const d1 = digit(base);
  return `${base}${d1}${digit(base + d1)}`;
}

/** CPF with its two check digits, from its first 9 digits. */
function cpf(base: string): string {
  const digit = (body: string) => {
    const r = ([...body].reduce((s, ch, i) => s + Number(ch) * (body.length + 1 - i), 0) * 10) % 11;
    return r === 10 ? 0 : r;
  };
  const d1 = digit(base);
  return `${base}${d1}${digit(base + d1)}`;
}

const company = (name: string, root: string): Counterparty => ({ name, taxId: cnpj(`${root}0001`) });
const people = (...names: string[]): Counterparty[] => names.map((name) => ({ name }));

const BR_PEOPLE = people(
  'Maria Oliveira',
  'João Pereira',
  'Fernanda Costa',
  'Lucas Almeida',
  'Juliana Rocha',
  'Pedro Santos',
  'Camila Ribeiro',
  'Rafael Gomes',
  'Beatriz Carvalho',
  'Gustavo Martins',
);
const BR_SHOPS = [
  company('Mercado Bom Preço Ltda', '90010000'),
  company('Padaria Pão Quente Ltda', '90020000'),
  company('Farmácia Saúde Total Ltda', '90030000'),
  company('Café da Esquina ME', '90040000'),
  company('Restaurante Sabor Caseiro Ltda', '90050000'),
];
const BR_SUPPLIERS = [
  company('Moinho Trigo Dourado S.A.', '90060000'),
  company('Laticínios Serra Verde Ltda', '90070000'),
  company('Embalagens Paulista Ltda', '90080000'),
  company('Distribuidora Doce Mel Ltda', '90090000'),
];
const US_PEOPLE = people('Jacob Miller', 'Olivia Johnson', 'Ethan Brown', 'Sophia Davis', 'Mason Wilson');
const US_SHOPS = people(
  'GREEN VALLEY GROCERY',
  'TACO LOCO AUSTIN',
  'BLUEBONNET CAFE',
  'LONGHORN FUEL',
  'CITY PHARMACY',
  'RIDEWAY TRIP',
);

const account = (
  customerId: string,
  accountId: string,
  type: Account['type'],
  currency: Account['currency'],
  branchCode: string,
  number: string,
  checkDigit: string,
  label: string,
  openedDate: string,
): Account => ({
  accountId,
  customerId,
  type,
  currency,
  compeCode: '999',
  branchCode,
  number,
  checkDigit,
  label,
  openedDate,
  status: 'OPEN',
});

export const CUSTOMERS: Customer[] = [
  {
    customerId: ANA,
    personType: 'PERSONAL',
    name: 'Ana Souza',
    taxId: '52998224725',
    birthDate: '1988-03-14',
    email: 'ana.souza@customer.example',
    phone: '+5511987654321',
    address: {
      line1: 'Rua das Flores, 123, apto 45',
      city: 'São Paulo',
      region: 'SP',
      postalCode: '01310-100',
      country: 'BR',
      district: 'Bela Vista',
    },
    customerSince: '2015-06-10',
    occupation: 'Engenheira de software',
    monthlyIncome: '12500.00',
    updatedAt: '2025-11-03T14:20:00Z',
    nationalities: ['BR'],
    identityDocuments: [
      {
        type: 'NATIONAL_ID',
        number: '28345678',
        checkDigit: '5',
        issuer: 'SSP/SP',
        country: 'BR',
        issueDate: '2006-05-10',
      },
    ],
    products: ['CHECKING', 'SAVINGS', 'CREDIT_CARD'],
    incomeDeclaredOn: '2025-11-03',
    netWorth: { amount: '320000.00', asOf: '2024-12-31' },
  },
  {
    customerId: BRUNO,
    personType: 'BUSINESS',
    name: 'Padaria Exemplo Ltda',
    taxId: '11222333000181',
    email: 'bruno.lima@customer.example',
    phone: '+5511933334444',
    address: {
      line1: 'Avenida Paulista, 900, loja 2',
      city: 'São Paulo',
      region: 'SP',
      postalCode: '01310-200',
      country: 'BR',
      district: 'Bela Vista',
    },
    customerSince: '2019-02-01',
    occupation: 'Padaria e confeitaria',
    monthlyIncome: '185000.00',
    updatedAt: '2026-01-15T10:05:00Z',
    tradeName: 'Padaria Exemplo',
    incorporationDate: '2018-09-12',
    // CNAE 2.3: bakery with its own production (main), and bakery reselling.
    economicActivities: [
      { code: '1091102', main: true },
      { code: '4721102', main: false },
    ],
    parties: [
      {
        role: 'ADMINISTRATOR',
        personType: 'PERSONAL',
        name: 'Bruno Lima',
        taxId: '11144477735',
        shareholding: '0.600000',
        since: '2018-09-12',
      },
      {
        role: 'PARTNER',
        personType: 'PERSONAL',
        name: 'Marta Lima',
        taxId: cpf('287441905'),
        shareholding: '0.400000',
        since: '2018-09-12',
      },
    ],
    representatives: [{ role: 'LEGAL_REPRESENTATIVE', name: 'Bruno Lima', taxId: '11144477735' }],
    products: ['CHECKING', 'CREDIT_CARD'],
    incomeDeclaredOn: '2026-01-15',
    netWorth: { amount: '850000.00', asOf: '2024-12-31' },
  },
  {
    customerId: EMILY,
    personType: 'PERSONAL',
    name: 'Emily Carter',
    taxId: '6789',
    birthDate: '1990-07-22',
    email: 'emily.carter@customer.example',
    phone: '+15125550142',
    address: {
      line1: '418 Maple Street, Apt 3B',
      city: 'Austin',
      region: 'TX',
      postalCode: '78701',
      country: 'US',
    },
    customerSince: '2018-09-03',
    occupation: 'Product designer',
    monthlyIncome: '9800.00',
    updatedAt: '2025-08-19T16:45:00Z',
    nationalities: ['US'],
    identityDocuments: [
      {
        type: 'DRIVER_LICENSE',
        number: '31846205',
        issuer: 'TX DPS',
        country: 'US',
        expirationDate: '2029-07-22',
      },
    ],
    products: ['CHECKING', 'SAVINGS', 'CREDIT_CARD'],
    incomeDeclaredOn: '2025-08-19',
  },
  {
    customerId: HARBOR,
    personType: 'BUSINESS',
    name: 'Harbor Coffee Roasters LLC',
    taxId: '456789012',
    email: 'owner@harborcoffee.example',
    phone: '+12065550188',
    address: {
      line1: '1201 Alaskan Way, Pier 57',
      city: 'Seattle',
      region: 'WA',
      postalCode: '98101',
      country: 'US',
    },
    customerSince: '2020-04-15',
    occupation: 'Coffee roaster and cafés',
    monthlyIncome: '210000.00',
    updatedAt: '2025-10-02T09:00:00Z',
    tradeName: 'Harbor Coffee',
    incorporationDate: '2016-03-01',
    products: ['CHECKING', 'CREDIT_CARD'],
    incomeDeclaredOn: '2025-10-02',
  },
  {
    customerId: CARLA,
    personType: 'PERSONAL',
    name: 'Carla Mendes',
    taxId: cpf('390533447'),
    birthDate: '2003-11-02',
    email: 'carla.mendes@customer.example',
    address: {
      line1: 'Rua Bahia, 55',
      city: 'Belo Horizonte',
      region: 'MG',
      postalCode: '30160-010',
      country: 'BR',
      district: 'Centro',
    },
    customerSince: '2024-02-20',
    occupation: 'Estudante',
    monthlyIncome: '1800.00',
    updatedAt: '2025-03-11T11:30:00Z',
    nationalities: ['BR'],
    identityDocuments: [
      { type: 'NATIONAL_ID', number: 'MG21456789', issuer: 'SSP/MG', country: 'BR', issueDate: '2019-04-02' },
    ],
    products: ['PREPAID'],
    incomeDeclaredOn: '2025-03-11',
  },
];

type Cents = number | [number, number];
const span = (c: Cents): [number, number] => (typeof c === 'number' ? [c, c] : c);

/** An everyday transaction: how often, which way, which rail, what it says, how much, with whom. */
const act = (
  weight: number,
  direction: Activity['direction'],
  kind: Activity['kind'],
  description: string,
  cents: Cents,
  counterparties?: Counterparty[],
): Activity => ({
  weight,
  direction,
  kind,
  description,
  cents: span(cents),
  ...(counterparties && { counterparties }),
});

const monthly = (
  day: number,
  direction: Recurring['direction'],
  kind: Recurring['kind'],
  description: string,
  cents: Cents,
  counterparty?: Counterparty,
): Recurring => ({
  day,
  direction,
  kind,
  description,
  cents: span(cents),
  ...(counterparty && { counterparty }),
});

const interest = (day: number, description: string, rate: number): Recurring => ({
  ...monthly(day, 'CREDIT', 'OTHER', description, 0),
  rate,
});

const buy = (
  weight: number,
  merchants: string[],
  cents: Cents,
  installments?: [number, number],
): Purchase => ({
  weight,
  merchants,
  cents: span(cents),
  ...(installments && { installments }),
});

const RENT_BR = company('Imobiliária Central Ltda', '90120000');
const BR_ALL = [...BR_PEOPLE, ...BR_SHOPS];
const EMPLOYER_BR = company('Nuvem Tecnologia Ltda', '90100000');
const CONDOMINIUM = company('Condomínio Edifício Jardim', '90110000');
const POWER_COMPANY = company('Companhia de Energia Exemplo S.A.', '90160000');
const INTERNSHIP = company('Instituto Exemplo de Pesquisa', '90170000');
const ACQUIRER = [company('Maquininha Fácil Pagamentos S.A.', '90130000')];
const BR_CLIENTS = [company('Hotel Central Ltda', '90140000'), company('Buffet Festa Boa ME', '90150000')];
const US_CLIENTS = people('PIKE PLACE BAKERY', 'SOUND VIEW HOTEL', 'RAINIER OFFICES LLC');
const US_WHOLESALE = people('NORTHWEST GROCERS INC');
const US_SUPPLY_SHOPS = people('BULK SUPPLY WAREHOUSE', 'HARBOR HARDWARE', 'PACIFIC PAPER GOODS');
const US_SUPPLIERS = people('EVERGREEN DAIRY CO', 'CASCADE MILK SUPPLY', 'PUGET PACKAGING');
const COFFEE_FARMS = people('FINCA LA ESPERANZA SA', 'ADDIS GREEN COFFEE PLC');
const WALLETS = people('PAYPAL TRANSFER', 'VENMO');

export const ACCOUNTS: DemoAccount[] = [
  {
    account: account(
      ANA,
      'acc-ana-checking',
      'CHECKING',
      'BRL',
      '0001',
      '20001234',
      '7',
      'Checking 0001 / ****-1234',
      '2015-06-10',
    ),
    openingCents: 450_000,
    overdraftCents: 100_000,
    investedCents: 152_035,
    perDay: [12, 24],
    activities: [
      act(40, 'DEBIT', 'CARD', 'Compra no débito - {name}', [300, 4_500], BR_SHOPS),
      act(18, 'DEBIT', 'PIX', 'PIX enviado - {name}', [500, 9_000], BR_ALL),
      act(30, 'CREDIT', 'PIX', 'PIX recebido - {name}', [500, 9_000], BR_PEOPLE),
      act(2, 'DEBIT', 'OTHER', 'Pagamento de boleto - {name}', [3_000, 25_000], BR_SHOPS),
      act(1, 'DEBIT', 'OTHER', 'Saque em terminal de autoatendimento', [5_000, 20_000]),
      act(1, 'CREDIT', 'TED', 'TED recebida - {name}', [10_000, 60_000], BR_PEOPLE),
      act(1, 'DEBIT', 'FEE', 'Tarifa de saque', 650),
    ],
    monthly: [
      monthly(1, 'DEBIT', 'FEE', 'Tarifa pacote de serviços', 3_990),
      monthly(5, 'CREDIT', 'TED', 'Salário - {name}', 1_250_000, EMPLOYER_BR),
      monthly(6, 'DEBIT', 'OTHER', 'Transferência para poupança', 100_000),
      monthly(8, 'DEBIT', 'OTHER', 'Pagamento de boleto - {name}', 85_000, CONDOMINIUM),
      monthly(10, 'DEBIT', 'PIX', 'PIX enviado - {name}', 320_000, RENT_BR),
      monthly(10, 'DEBIT', 'OTHER', 'Pagamento fatura cartão Visa', [250_000, 420_000]),
    ],
  },
  {
    account: account(
      ANA,
      'acc-ana-savings',
      'SAVINGS',
      'BRL',
      '0001',
      '20005678',
      '3',
      'Savings 0001 / ****-5678',
      '2016-01-18',
    ),
    openingCents: 1_800_000,
    perDay: [0, 1],
    activities: [
      act(1, 'DEBIT', 'PIX', 'PIX enviado - {name}', [5_000, 40_000], BR_PEOPLE),
      act(1, 'CREDIT', 'PIX', 'PIX recebido - {name}', [5_000, 40_000], BR_PEOPLE),
    ],
    monthly: [
      interest(1, 'Rendimento da poupança', 0.005),
      monthly(6, 'CREDIT', 'OTHER', 'Transferência da conta corrente', 100_000),
    ],
  },
  {
    account: account(
      BRUNO,
      'acc-bruno-business',
      'CHECKING',
      'BRL',
      '0002',
      '30009012',
      '1',
      'Business checking 0002 / ****-9012',
      '2019-02-01',
    ),
    openingCents: 3_800_000,
    overdraftCents: 2_000_000,
    perDay: [18, 32],
    activities: [
      act(55, 'CREDIT', 'PIX', 'PIX recebido - {name}', [500, 6_000], BR_PEOPLE),
      act(10, 'CREDIT', 'CARD', 'Liquidação vendas cartão - {name}', [80_000, 320_000], ACQUIRER),
      act(2, 'CREDIT', 'TED', 'TED recebida - {name}', [50_000, 300_000], BR_CLIENTS),
      act(8, 'DEBIT', 'PIX', 'PIX enviado - {name}', [10_000, 150_000], BR_SUPPLIERS),
      act(1, 'DEBIT', 'TED', 'TED enviada - {name}', [200_000, 800_000], BR_SUPPLIERS),
      act(6, 'DEBIT', 'OTHER', 'Pagamento de boleto - {name}', [15_000, 120_000], BR_SUPPLIERS),
      act(10, 'DEBIT', 'FEE', 'Tarifa PIX recebido', [99, 149]),
      act(3, 'DEBIT', 'CARD', 'Compra no débito - {name}', [2_000, 30_000], BR_SHOPS),
    ],
    monthly: [
      monthly(1, 'DEBIT', 'FEE', 'Tarifa pacote empresarial', 12_990),
      monthly(5, 'DEBIT', 'OTHER', 'Folha de pagamento - 14 funcionários', [3_800_000, 4_200_000]),
      monthly(10, 'DEBIT', 'PIX', 'PIX enviado - {name}', 950_000, RENT_BR),
      monthly(12, 'DEBIT', 'OTHER', 'Pagamento fatura cartão empresarial', [800_000, 1_500_000]),
      monthly(15, 'DEBIT', 'OTHER', 'Pagamento de boleto - {name}', [280_000, 420_000], POWER_COMPANY),
      monthly(20, 'DEBIT', 'OTHER', 'DAS Simples Nacional', [900_000, 1_300_000]),
    ],
  },
  {
    account: account(
      EMILY,
      'acc-emily-checking',
      'CHECKING',
      'USD',
      '0100',
      '48201937',
      '2',
      'Everyday Checking ****-1937',
      '2018-09-03',
    ),
    openingCents: 640_000,
    perDay: [10, 20],
    activities: [
      act(55, 'DEBIT', 'CARD', 'DEBIT CARD PURCHASE {name}', [350, 5_500], US_SHOPS),
      act(10, 'DEBIT', 'OTHER', 'ZELLE PAYMENT TO {name}', [1_000, 15_000], US_PEOPLE),
      act(12, 'CREDIT', 'OTHER', 'ZELLE PAYMENT FROM {name}', [1_000, 15_000], US_PEOPLE),
      act(5, 'CREDIT', 'ACH', 'ACH DEPOSIT {name} CASHOUT', [1_500, 25_000], WALLETS),
      act(3, 'DEBIT', 'OTHER', 'ATM WITHDRAWAL', [2_000, 20_000]),
      act(0.5, 'CREDIT', 'WIRE', 'WIRE TRANSFER IN {name}', [50_000, 300_000], US_PEOPLE),
      act(2, 'DEBIT', 'FEE', 'NON-NETWORK ATM FEE', 300),
    ],
    monthly: [
      monthly(1, 'CREDIT', 'ACH', 'ACH DEPOSIT {name} PAYROLL', 520_000, { name: 'ACME ANALYTICS INC' }),
      monthly(15, 'CREDIT', 'ACH', 'ACH DEPOSIT {name} PAYROLL', 520_000, { name: 'ACME ANALYTICS INC' }),
      monthly(1, 'DEBIT', 'ACH', 'ACH DEBIT {name} RENT', 215_000, { name: 'MAPLE STREET APARTMENTS' }),
      monthly(2, 'DEBIT', 'OTHER', 'ONLINE TRANSFER TO SAVINGS', 50_000),
      monthly(12, 'DEBIT', 'ACH', 'ACH DEBIT {name}', [9_000, 18_000], { name: 'AUSTIN CITY UTILITIES' }),
      monthly(18, 'DEBIT', 'ACH', 'ACH DEBIT {name} AUTO LOAN', 38_500, { name: 'LONE STAR CREDIT UNION' }),
      monthly(22, 'DEBIT', 'ACH', 'ONLINE PAYMENT AMEX CARD', [300_000, 450_000]),
      monthly(28, 'DEBIT', 'FEE', 'MONTHLY SERVICE FEE', 1_200),
    ],
  },
  {
    account: account(
      EMILY,
      'acc-emily-savings',
      'SAVINGS',
      'USD',
      '0100',
      '48205520',
      '9',
      'High Yield Savings ****-5520',
      '2019-01-10',
    ),
    openingCents: 1_200_000,
    perDay: [0, 1],
    activities: [
      act(1, 'DEBIT', 'OTHER', 'ONLINE TRANSFER TO CHECKING', [10_000, 60_000]),
      act(3, 'CREDIT', 'OTHER', 'MOBILE DEPOSIT', [2_000, 20_000]),
    ],
    monthly: [
      monthly(2, 'CREDIT', 'OTHER', 'ONLINE TRANSFER FROM CHECKING', 50_000),
      interest(28, 'INTEREST PAYMENT', 0.0035),
    ],
  },
  {
    account: account(
      HARBOR,
      'acc-harbor-operating',
      'CHECKING',
      'USD',
      '0200',
      '59307781',
      '4',
      'Business Checking ****-7781',
      '2020-04-15',
    ),
    openingCents: 4_500_000,
    overdraftCents: 500_000,
    perDay: [15, 28],
    activities: [
      act(8, 'CREDIT', 'CARD', 'MERCHANT DEPOSIT CARD SETTLEMENT', [100_000, 450_000]),
      act(4, 'CREDIT', 'ACH', 'ACH DEPOSIT {name} INVOICE', [40_000, 480_000], US_CLIENTS),
      act(3, 'CREDIT', 'OTHER', 'MOBILE DEPOSIT', [20_000, 200_000]),
      act(0.5, 'CREDIT', 'WIRE', 'WIRE TRANSFER IN {name}', [500_000, 1_500_000], US_WHOLESALE),
      act(30, 'DEBIT', 'CARD', 'DEBIT CARD PURCHASE {name}', [800, 35_000], US_SUPPLY_SHOPS),
      act(8, 'DEBIT', 'ACH', 'ACH PAYMENT {name}', [25_000, 350_000], US_SUPPLIERS),
      act(0.9, 'DEBIT', 'WIRE', 'WIRE TRANSFER OUT {name}', [800_000, 2_500_000], COFFEE_FARMS),
      act(1, 'DEBIT', 'FEE', 'OUTGOING WIRE FEE', [1_500, 3_500]),
    ],
    monthly: [
      monthly(1, 'DEBIT', 'ACH', 'ACH PAYROLL HARBOR STAFF', [1_800_000, 2_200_000]),
      monthly(15, 'DEBIT', 'ACH', 'ACH PAYROLL HARBOR STAFF', [1_800_000, 2_200_000]),
      monthly(1, 'DEBIT', 'ACH', 'ACH DEBIT {name} LEASE', 680_000, { name: 'WATERFRONT PROPERTIES LLC' }),
      monthly(15, 'DEBIT', 'ACH', 'IRS EFTPS TAX PAYMENT', [400_000, 700_000]),
      monthly(20, 'DEBIT', 'ACH', 'ONLINE PAYMENT VISA BUSINESS CARD', [600_000, 1_200_000]),
      monthly(28, 'DEBIT', 'FEE', 'ANALYSIS SERVICE CHARGE', [4_500, 9_000]),
    ],
  },
  {
    account: account(
      CARLA,
      'acc-carla-prepaid',
      'PREPAID',
      'BRL',
      '0003',
      '40003456',
      '8',
      'Prepaid 0003 / ****-3456',
      '2024-02-20',
    ),
    openingCents: 35_000,
    perDay: [2, 6],
    activities: [
      act(30, 'CREDIT', 'PIX', 'PIX recebido - {name}', [1_000, 8_000], BR_PEOPLE),
      act(45, 'DEBIT', 'CARD', 'Compra no cartão pré-pago - {name}', [500, 6_000], BR_SHOPS),
      act(20, 'DEBIT', 'PIX', 'PIX enviado - {name}', [1_000, 8_000], BR_PEOPLE),
    ],
    monthly: [
      monthly(5, 'CREDIT', 'PIX', 'PIX recebido - {name}', 180_000, INTERNSHIP),
      monthly(1, 'DEBIT', 'FEE', 'Tarifa de manutenção', 490),
    ],
  },
];

const card = (
  creditCardAccountId: string,
  customerId: string,
  currency: CreditCardAccount['currency'],
  name: string,
  network: CreditCardAccount['network'],
  last4: string,
  limit: string,
  extra: Pick<CreditCardAccount, 'tier' | 'debitFunction'> = {},
): DemoCard['card'] => ({ creditCardAccountId, customerId, currency, name, network, last4, limit, ...extra });

/** Each merchant's category code (ISO 18245), carried on its card transactions. */
export const MERCHANT_MCC: Readonly<Record<string, number>> = {
  'Mercado Bom Preço': 5411,
  'Supermercado Família': 5411,
  'Restaurante Sabor Caseiro': 5812,
  'Pizzaria Forno a Lenha': 5812,
  'Café da Esquina': 5814,
  'Posto Estrela': 5541,
  'Farmácia Saúde Total': 5912,
  'Mobilidade Urbana Exemplo': 4121,
  'Loja Online Exemplo': 5399,
  'Magazine Exemplo': 5311,
  'Companhia Aérea Exemplo': 4511,
  'Streaming Exemplo': 4899,
  'Academia Corpo em Forma': 7997,
  'Atacadão Exemplo': 5300,
  'Embalagens Paulista': 5085,
  'Papelaria Central': 5943,
  'Equipamentos Forno Industrial': 5046,
  'Sistema PDV Exemplo': 5734,
  'GREEN VALLEY GROCERY': 5411,
  'TACO LOCO AUSTIN': 5812,
  'BLUEBONNET CAFE': 5812,
  'SOUTH CONGRESS DINER': 5812,
  'RIDEWAY TRIP': 4121,
  'LONGHORN FUEL': 5541,
  'SHOPMART ONLINE': 5399,
  'SKYWAYS AIRLINES': 4511,
  'FITLIFE GYM': 7997,
  'STREAMBOX SUBSCRIPTION': 4899,
  'BULK SUPPLY WAREHOUSE': 5300,
  'PACIFIC PAPER GOODS': 5111,
  'HARBOR HARDWARE': 5251,
  'ESPRESSO PARTS DIRECT': 5046,
  'CLOUDPOS SOFTWARE': 5734,
};

export const CARDS: DemoCard[] = [
  {
    card: card('card-ana-visa', ANA, 'BRL', 'Visa Gold', 'VISA', '4821', '10000.00', {
      tier: 'GOLD',
      debitFunction: true,
    }),
    closingDay: 25,
    dueDay: 5,
    perDay: [0, 3],
    purchases: [
      buy(15, ['Mercado Bom Preço', 'Supermercado Família'], [1_500, 25_000]),
      buy(30, ['Restaurante Sabor Caseiro', 'Pizzaria Forno a Lenha', 'Café da Esquina'], [2_000, 12_000]),
      buy(6, ['Posto Estrela'], [8_000, 22_000]),
      buy(8, ['Farmácia Saúde Total'], [1_500, 9_000]),
      buy(25, ['Mobilidade Urbana Exemplo'], [900, 4_500]),
      buy(4, ['Loja Online Exemplo'], [5_000, 40_000], [2, 6]),
      buy(0.3, ['Magazine Exemplo'], [80_000, 350_000], [6, 12]),
      buy(0.3, ['Companhia Aérea Exemplo'], [50_000, 180_000], [3, 10]),
    ],
    monthly: [
      { day: 3, merchant: 'Streaming Exemplo', cents: 5_590 },
      { day: 12, merchant: 'Academia Corpo em Forma', cents: 12_990 },
    ],
  },
  {
    card: card(
      'card-bruno-business',
      BRUNO,
      'BRL',
      'Mastercard Empresarial',
      'MASTERCARD',
      '7310',
      '60000.00',
      { tier: 'BUSINESS', debitFunction: false },
    ),
    closingDay: 20,
    dueDay: 10,
    perDay: [0, 3],
    purchases: [
      buy(10, ['Atacadão Exemplo'], [20_000, 150_000]),
      buy(6, ['Posto Estrela'], [15_000, 40_000]),
      buy(5, ['Embalagens Paulista'], [10_000, 60_000]),
      buy(4, ['Papelaria Central'], [2_000, 15_000]),
      buy(0.3, ['Equipamentos Forno Industrial'], [500_000, 1_800_000], [6, 12]),
    ],
    monthly: [{ day: 5, merchant: 'Sistema PDV Exemplo', cents: 18_900 }],
  },
  {
    card: card('card-emily-amex', EMILY, 'USD', 'Gold Card', 'AMEX', '1009', '12000.00', { tier: 'GOLD' }),
    closingDay: 18,
    dueDay: 13,
    perDay: [0, 3],
    purchases: [
      buy(15, ['GREEN VALLEY GROCERY'], [2_500, 18_000]),
      buy(25, ['TACO LOCO AUSTIN', 'BLUEBONNET CAFE', 'SOUTH CONGRESS DINER'], [1_200, 9_500]),
      buy(12, ['RIDEWAY TRIP'], [800, 4_500]),
      buy(6, ['LONGHORN FUEL'], [3_000, 7_000]),
      buy(8, ['SHOPMART ONLINE'], [1_500, 30_000]),
      buy(0.5, ['SKYWAYS AIRLINES'], [18_000, 90_000]),
    ],
    monthly: [
      { day: 1, merchant: 'FITLIFE GYM', cents: 4_900 },
      { day: 7, merchant: 'STREAMBOX SUBSCRIPTION', cents: 1_599 },
    ],
  },
  {
    card: card('card-harbor-visa', HARBOR, 'USD', 'Visa Business', 'VISA', '5532', '40000.00', {
      tier: 'BUSINESS',
    }),
    closingDay: 25,
    dueDay: 20,
    perDay: [0, 3],
    purchases: [
      buy(10, ['BULK SUPPLY WAREHOUSE'], [8_000, 90_000]),
      buy(6, ['PACIFIC PAPER GOODS'], [5_000, 60_000]),
      buy(5, ['HARBOR HARDWARE'], [1_500, 25_000]),
      buy(3, ['ESPRESSO PARTS DIRECT'], [6_000, 150_000]),
    ],
    monthly: [{ day: 3, merchant: 'CLOUDPOS SOFTWARE', cents: 12_900 }],
  },
];
