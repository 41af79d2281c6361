// The canonical model in the shapes of OFB customers 2.2.1. Where the bank's core has no value for
// a field the file requires, the default is said next to it.
import type {
  Account,
  BusinessParty,
  Customer,
  IdentityDocument,
  ProductKind,
} from '../../../../connectors/sdk/model.js';
import { accountIdentification } from '../accounts/mappers.js';
import { ofbDateTime } from '../errors.js';

type Bank = { brandName: string; cnpj: string };

/** ISO 3166-1 alpha-2 → alpha-3 and the country's name in Portuguese, for the countries we meet. */
const COUNTRIES: Record<string, [string, string]> = {
  BR: ['BRA', 'Brasil'],
  US: ['USA', 'Estados Unidos'],
  PT: ['PRT', 'Portugal'],
  AR: ['ARG', 'Argentina'],
  UY: ['URY', 'Uruguai'],
  PY: ['PRY', 'Paraguai'],
  CL: ['CHL', 'Chile'],
  ES: ['ESP', 'Espanha'],
  IT: ['ITA', 'Itália'],
  DE: ['DEU', 'Alemanha'],
  FR: ['FRA', 'França'],
  JP: ['JPN', 'Japão'],
  CN: ['CHN', 'China'],
  CA: ['CAN', 'Canadá'],
  GB: ['GBR', 'Reino Unido'],
};
const alpha3 = (country: string) => COUNTRIES[country]?.[0];
const countryName = (country: string) => COUNTRIES[country]?.[1] ?? country;

const UF = new Set(
  'AC AL AP AM BA CE DF ES GO MA MT MS MG PA PB PR PE PI RJ RN RS RO RR SC SP SE TO'.split(' '),
);

const PRODUCTS: Record<ProductKind, string> = {
  CHECKING: 'CONTA_DEPOSITO_A_VISTA',
  SAVINGS: 'CONTA_POUPANCA',
  PREPAID: 'CONTA_PAGAMENTO_PRE_PAGA',
  PAYROLL_ACCOUNT: 'CONTA_SALARIO',
  CREDIT_CARD: 'CARTAO_CREDITO',
  LOAN: 'OPERACAO_CREDITO',
  INSURANCE: 'SEGURO',
  PENSION: 'PREVIDENCIA',
  INVESTMENT: 'INVESTIMENTO',
  FOREIGN_EXCHANGE: 'OPERACOES_CAMBIO',
  MERCHANT_ACQUIRING: 'CREDENCIAMENTO',
  OTHER: 'OUTROS',
};

const ACCOUNT_PRODUCT: Record<Account['type'], ProductKind> = {
  CHECKING: 'CHECKING',
  SAVINGS: 'SAVINGS',
  PREPAID: 'PREPAID',
};

const OTHER_DOCUMENT: Record<IdentityDocument['type'], string> = {
  NATIONAL_ID: 'RG',
  DRIVER_LICENSE: 'CNH',
  FOREIGNER_ID: 'RNE',
  PASSPORT: 'OUTROS',
  OTHER: 'OUTROS',
};

/** OFB's date for a required date the bank does not have (as the credit-cards file prescribes). */
const NO_DATE = '0001-01-01';
/** Registration amounts (income, revenue, net worth) are stated in reais. */
const CURRENCY = 'BRL';

const isCpf = (v: string) => /^\d{11}$/.test(v);
const isCnpj = (v: string) => /^\d{14}$/.test(v);
const midnight = (date: string) => ofbDateTime(`${date}T00:00:00Z`);
const money = (amount: string) => ({ amount: Number(amount).toFixed(2), currency: CURRENCY });

/** When the registration was last updated; without a date of its own, when the relationship began. */
const updated = (c: Customer) => ofbDateTime(c.updatedAt ?? `${c.customerSince}T00:00:00Z`);

/** An E.164 number as OFB splits it; numbers outside Brazil and NANP are left out. */
function phone(e164: string) {
  const digits = e164.replace(/\D/g, '');
  if (e164.startsWith('+55') && digits.length >= 12) {
    const number = digits.slice(4);
    // Brazilian mobiles have nine digits starting with 9.
    const type = number.length === 9 && number.startsWith('9') ? 'MOVEL' : 'FIXO';
    return { isMain: true, type, countryCallingCode: '55', areaCode: digits.slice(2, 4), number };
  }
  if (e164.startsWith('+1') && digits.length === 11)
    return {
      isMain: true,
      type: 'OUTRO',
      additionalInfo: 'Número norte-americano: fixo ou móvel não informado',
      countryCallingCode: '1',
      areaCode: digits.slice(1, 4),
      number: digits.slice(4),
    };
  return undefined;
}

function contacts(c: Customer, kind: 'personal' | 'business') {
  const a = c.address;
  const phoneItem = c.phone ? phone(c.phone) : undefined;
  const countryCode = a ? alpha3(a.country) : undefined;
  return {
    postalAddresses: a
      ? [
          {
            isMain: true,
            address: a.line1.slice(0, 150),
            ...(a.district ? { districtName: a.district.slice(0, 50) } : {}),
            townName: a.city.slice(0, 50),
            ...(a.country === 'BR' && UF.has(a.region) ? { countrySubDivision: a.region } : {}),
            postCode: a.postalCode.replace(/\D/g, ''),
            country: countryName(a.country),
            // Business addresses require the code; an unknown country is sent as "ZZZ" (unknown).
            ...(countryCode ? { countryCode } : kind === 'business' ? { countryCode: 'ZZZ' } : {}),
          },
        ]
      : [],
    phones: phoneItem ? [phoneItem] : [],
    emails: c.email ? [{ isMain: true, email: c.email }] : [],
  };
}

/** The products with a current contract: the core's list, else the consented accounts' kinds. */
function products(c: Customer, accounts: Account[]) {
  const kinds = c.products ?? accounts.map((a) => ACCOUNT_PRODUCT[a.type]);
  const types = [...new Set(kinds.map((k) => PRODUCTS[k]))];
  return types.length > 0 ? types : [PRODUCTS.OTHER];
}

function otherDocument(d: IdentityDocument) {
  const type = OTHER_DOCUMENT[d.type];
  return {
    type,
    ...(type === 'OUTROS'
      ? {
          typeAdditionalInfo: (d.type === 'PASSPORT' ? 'PASSAPORTE' : (d.issuer ?? 'Outro documento')).slice(
            0,
            70,
          ),
        }
      : {}),
    number: d.number.slice(0, 40),
    ...(d.checkDigit ? { checkDigit: d.checkDigit.slice(0, 2) } : {}),
    ...(d.issuer ? { additionalInfo: d.issuer.slice(0, 50) } : {}),
    ...(d.expirationDate ? { expirationDate: d.expirationDate } : {}),
  };
}

export function personalIdentification(c: Customer, bank: Bank) {
  const docs = c.identityDocuments ?? [];
  const passport = docs.find((d) => d.type === 'PASSPORT' && d.country && alpha3(d.country));
  // Without a nationality on record, a customer living in Brazil is taken as Brazilian.
  const nationalities = c.nationalities ?? (c.address?.country === 'BR' ? ['BR'] : []);
  const brazilian = nationalities.includes('BR');
  const foreign = nationalities.filter((n) => n !== 'BR').map((n) => alpha3(n) ?? n);
  return {
    updateDateTime: updated(c),
    personalId: c.customerId,
    brandName: bank.brandName,
    civilName: c.name.slice(0, 70),
    ...(c.socialName ? { socialName: c.socialName.slice(0, 70) } : {}),
    birthDate: c.birthDate ?? NO_DATE,
    companiesCnpj: [bank.cnpj],
    documents: isCpf(c.taxId)
      ? { cpfNumber: c.taxId }
      : passport
        ? {
            passport: {
              number: passport.number.slice(0, 20),
              country: alpha3(passport.country!),
              ...(passport.expirationDate ? { expirationDate: passport.expirationDate } : {}),
              ...(passport.issueDate ? { issueDate: passport.issueDate } : {}),
            },
          }
        : {},
    ...(docs.length > 0 ? { otherDocuments: docs.map(otherDocument) } : {}),
    hasBrazilianNationality: brazilian,
    ...(!brazilian && foreign.length > 0
      ? {
          nationality: [
            {
              otherNationalitiesInfo: foreign.join(',').slice(0, 40),
              documents: docs
                .filter((d) => d.country !== 'BR')
                .map((d) => ({
                  type: (d.type === 'PASSPORT' ? 'PASSAPORTE' : OTHER_DOCUMENT[d.type]).slice(0, 10),
                  number: d.number.slice(0, 40),
                  ...(d.expirationDate ? { expirationDate: d.expirationDate } : {}),
                  ...(d.issueDate ? { issueDate: d.issueDate } : {}),
                  ...(d.country ? { country: countryName(d.country) } : {}),
                })),
            },
          ],
        }
      : {}),
    contacts: contacts(c, 'personal'),
  };
}

export function personalQualification(c: Customer, bank: Bank) {
  return {
    updateDateTime: updated(c),
    companyCnpj: bank.cnpj,
    // The core keeps the occupation as free text, not a Receita Federal or CBO code.
    ...(c.occupation ? { occupationCode: 'OUTRO', occupationDescription: c.occupation.slice(0, 100) } : {}),
    ...(c.monthlyIncome
      ? {
          informedIncome: {
            frequency: 'MENSAL',
            amount: money(c.monthlyIncome),
            // Without a declaration date, the registration's update date.
            date: c.incomeDeclaredOn ?? updated(c).slice(0, 10),
          },
        }
      : {}),
    ...(c.netWorth
      ? { informedPatrimony: { amount: money(c.netWorth.amount), year: Number(c.netWorth.asOf.slice(0, 4)) } }
      : {}),
  };
}

export function personalFinancialRelation(c: Customer, accounts: Account[]) {
  const types = products(c, accounts);
  return {
    updateDateTime: updated(c),
    startDate: midnight(c.customerSince),
    productsServicesType: types,
    ...(types.includes('OUTROS')
      ? { productsServicesTypeAdditionalInfo: 'Outros produtos e serviços do banco' }
      : {}),
    procurators: (c.representatives ?? [])
      .filter((r) => isCpf(r.taxId))
      .map((r) => ({
        type: r.role === 'LEGAL_REPRESENTATIVE' ? 'REPRESENTANTE_LEGAL' : 'PROCURADOR',
        cpfNumber: r.taxId,
        civilName: r.name.slice(0, 70),
        ...(r.socialName ? { socialName: r.socialName.slice(0, 70) } : {}),
      })),
    accounts: accounts.map((a) => {
      const { compeCode, branchCode, number, checkDigit, type, subtype } = accountIdentification(a);
      return { compeCode, branchCode, number, checkDigit, type, subtype };
    }),
  };
}

function party(p: BusinessParty) {
  const natural = p.personType === 'PERSONAL';
  return {
    personType: natural ? 'PESSOA_NATURAL' : 'PESSOA_JURIDICA',
    type: p.role === 'PARTNER' ? 'SOCIO' : 'ADMINISTRADOR',
    ...(natural ? { civilName: p.name.slice(0, 70) } : { companyName: p.name.slice(0, 70) }),
    ...(p.since ? { startDate: midnight(p.since) } : {}),
    ...(p.shareholding ? { shareholding: Number(p.shareholding).toFixed(6) } : {}),
    documentType: isCpf(p.taxId) ? 'CPF' : isCnpj(p.taxId) ? 'CNPJ' : 'OUTRO_DOCUMENTO_VIAGEM',
    documentNumber: p.taxId.slice(0, 20),
  };
}

export function businessIdentification(c: Customer, bank: Bank) {
  return {
    updateDateTime: updated(c),
    businessId: c.customerId,
    brandName: bank.brandName,
    companyName: c.name.slice(0, 70),
    ...(c.tradeName ? { tradeName: c.tradeName.slice(0, 70) } : {}),
    incorporationDate: midnight(c.incorporationDate ?? NO_DATE),
    cnpjNumber: c.taxId,
    companiesCnpj: [bank.cnpj],
    // A company abroad has no CNPJ: its own registration travels as another document.
    ...(!isCnpj(c.taxId) && c.address
      ? {
          otherDocuments: [
            { type: 'TAX_ID', number: c.taxId.slice(0, 20), country: alpha3(c.address.country) ?? 'ZZZ' },
          ],
        }
      : {}),
    parties: (c.parties ?? []).map(party),
    contacts: contacts(c, 'business'),
  };
}

export function businessQualification(c: Customer) {
  return {
    updateDateTime: updated(c),
    ...(c.economicActivities
      ? { economicActivities: c.economicActivities.map((e) => ({ code: e.code, isMain: e.main })) }
      : {}),
    ...(c.monthlyIncome
      ? {
          informedRevenue: {
            frequency: 'MENSAL',
            amount: money(c.monthlyIncome),
            year: Number((c.incomeDeclaredOn ?? updated(c)).slice(0, 4)),
          },
        }
      : {}),
    ...(c.netWorth ? { informedPatrimony: { amount: money(c.netWorth.amount), date: c.netWorth.asOf } } : {}),
  };
}

export function businessFinancialRelation(c: Customer, accounts: Account[]) {
  return {
    updateDateTime: updated(c),
    startDate: midnight(c.customerSince),
    productsServicesType: products(c, accounts),
    procurators: (c.representatives ?? []).map((r) => ({
      type: r.role === 'LEGAL_REPRESENTATIVE' ? 'REPRESENTANTE_LEGAL' : 'PROCURADOR',
      cnpjCpfNumber: r.taxId,
      civilName: r.name.slice(0, 70),
      ...(r.socialName ? { socialName: r.socialName.slice(0, 70) } : {}),
    })),
    accounts: accounts.map((a) => {
      const { compeCode, branchCode, number, checkDigit, type } = accountIdentification(a);
      return { compeCode, branchCode, number, checkDigit, type };
    }),
  };
}
