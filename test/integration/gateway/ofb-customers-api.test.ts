// OFB customers 2.2.1 through the gateway: Ana (a natural person) and Padaria Exemplo (Bruno's
// company) consent to share their registration data; the recipient reads identification,
// qualification and financial relations — every answer, errors included, checked against the
// official file — read in process through the guarded mock core banking connector.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { OfbConsentRequest } from '../../../workflows/consent-client.js';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import { loadOpenApi } from '../../helpers/openapi.js';
import { authorisedConsent, startOfbStack, type OfbStack } from '../../helpers/ofb-journey.js';

const SPEC = loadOpenApi(
  path.resolve(new URL('../../../specs/ofb/customers/2.2.1.yml', import.meta.url).pathname),
);
const BASE = '/open-banking/customers/v2';
const [ana, bruno] = DEMO_CUSTOMERS;

let stack: OfbStack;
let gw: TestGateway;

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'customers-recipient');
  gw = await startTestGateway(stack);
});

afterAll(async () => {
  await gw?.stop();
  await stack?.stop();
});

const PERSONAL = [
  'CUSTOMERS_PERSONAL_IDENTIFICATIONS_READ',
  'CUSTOMERS_PERSONAL_ADITTIONALINFO_READ',
  'RESOURCES_READ',
];
const BUSINESS = [
  'CUSTOMERS_BUSINESS_IDENTIFICATIONS_READ',
  'CUSTOMERS_BUSINESS_ADITTIONALINFO_READ',
  'RESOURCES_READ',
];
const ACCOUNTS = ['ACCOUNTS_READ', 'ACCOUNTS_BALANCES_READ'];

/** A consent the customer authorises, sharing `accountIds` when it asks for accounts. */
async function authorised(
  customer: (typeof DEMO_CUSTOMERS)[number],
  request: Partial<OfbConsentRequest>,
  accountIds?: string,
) {
  const asked = { customer, request, scopes: 'customers accounts resources', accountIds: accountIds ?? null };
  return (await authorisedConsent(stack, asked)).token;
}

async function get(token: string, route: string, template = route.split('?')[0]!) {
  const res = await gw.fetcher(stack.rp.cert)(`${gw.url}${BASE}${route}`, {
    headers: { authorization: `Bearer ${token}`, 'x-fapi-interaction-id': randomUUID() },
  });
  const body: unknown = await res.json();
  SPEC.assertResponse('GET', template, { status: res.status, headers: res.headers, body });
  expect(res.headers.get('x-v')).toBe('2.2.1');
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { status: res.status, body: body as any };
}

describe('OFB customers', () => {
  it("serves a natural person's identification, qualification and financial relations", async () => {
    const token = await authorised(ana!, { permissions: [...PERSONAL, ...ACCOUNTS] }, 'acc-ana-checking');

    const ids = await get(token, '/personal/identifications');
    expect(ids.status).toBe(200);
    expect(ids.body.data).toHaveLength(1);
    expect(ids.body.data[0]).toMatchObject({
      personalId: ana!._id,
      brandName: 'Test Bank',
      civilName: 'Ana Souza',
      birthDate: '1988-03-14',
      documents: { cpfNumber: '52998224725' },
      otherDocuments: [{ type: 'RG', number: '28345678', checkDigit: '5', additionalInfo: 'SSP/SP' }],
      hasBrazilianNationality: true,
      companiesCnpj: ['12345678000195'],
      contacts: {
        postalAddresses: [
          expect.objectContaining({
            townName: 'São Paulo',
            districtName: 'Bela Vista',
            countrySubDivision: 'SP',
            postCode: '01310100',
            countryCode: 'BRA',
          }),
        ],
        phones: [
          { isMain: true, type: 'MOVEL', countryCallingCode: '55', areaCode: '11', number: '987654321' },
        ],
        emails: [{ isMain: true, email: 'ana.souza@customer.example' }],
      },
    });
    expect(ids.body.data[0]).not.toHaveProperty('nationality');

    const qualification = await get(token, '/personal/qualifications');
    expect(qualification.body.data).toMatchObject({
      companyCnpj: '12345678000195',
      occupationCode: 'OUTRO',
      occupationDescription: 'Engenheira de software',
      informedIncome: { frequency: 'MENSAL', amount: { amount: '12500.00', currency: 'BRL' } },
      informedPatrimony: { amount: { amount: '320000.00', currency: 'BRL' }, year: 2024 },
    });

    // The products are all of Ana's; the accounts only the one she chose to share.
    const relations = await get(token, '/personal/financial-relations');
    expect(relations.body.data).toMatchObject({
      startDate: '2015-06-10T00:00:00Z',
      productsServicesType: ['CONTA_DEPOSITO_A_VISTA', 'CONTA_POUPANCA', 'CARTAO_CREDITO'],
      procurators: [],
      accounts: [
        {
          compeCode: '999',
          branchCode: '0001',
          number: '20001234',
          checkDigit: '7',
          type: 'CONTA_DEPOSITO_A_VISTA',
          subtype: 'INDIVIDUAL',
        },
      ],
    });

    // A personal consent has no business permissions.
    expect((await get(token, '/business/identifications')).status).toBe(403);
  });

  it("serves a company's identification, qualification and financial relations", async () => {
    const token = await authorised(
      bruno!,
      { permissions: [...BUSINESS, ...ACCOUNTS], businessEntityDocument: bruno!.cnpj },
      'acc-bruno-business',
    );

    const ids = await get(token, '/business/identifications?page=1&page-size=10');
    expect(ids.body.data).toHaveLength(1);
    expect(ids.body.data[0]).toMatchObject({
      businessId: bruno!._id,
      companyName: 'Padaria Exemplo Ltda',
      tradeName: 'Padaria Exemplo',
      cnpjNumber: '11222333000181',
      incorporationDate: '2018-09-12T00:00:00Z',
      parties: [
        expect.objectContaining({
          personType: 'PESSOA_NATURAL',
          type: 'ADMINISTRADOR',
          civilName: 'Bruno Lima',
          documentType: 'CPF',
          documentNumber: '11144477735',
          shareholding: '0.600000',
        }),
        expect.objectContaining({ type: 'SOCIO', civilName: 'Marta Lima', shareholding: '0.400000' }),
      ],
      contacts: {
        postalAddresses: [expect.objectContaining({ townName: 'São Paulo', countryCode: 'BRA' })],
        phones: [expect.objectContaining({ type: 'MOVEL', areaCode: '11', number: '933334444' })],
        emails: [{ isMain: true, email: 'bruno.lima@customer.example' }],
      },
    });

    const qualification = await get(token, '/business/qualifications');
    expect(qualification.body.data).toMatchObject({
      economicActivities: [
        { code: '1091102', isMain: true },
        { code: '4721102', isMain: false },
      ],
      informedRevenue: { frequency: 'MENSAL', amount: { amount: '185000.00', currency: 'BRL' }, year: 2026 },
      informedPatrimony: { amount: { amount: '850000.00', currency: 'BRL' }, date: '2024-12-31' },
    });

    const relations = await get(token, '/business/financial-relations');
    expect(relations.body.data).toMatchObject({
      startDate: '2019-02-01T00:00:00Z',
      productsServicesType: ['CONTA_DEPOSITO_A_VISTA', 'CARTAO_CREDITO'],
      procurators: [{ type: 'REPRESENTANTE_LEGAL', cnpjCpfNumber: '11144477735', civilName: 'Bruno Lima' }],
      accounts: [
        {
          compeCode: '999',
          branchCode: '0002',
          number: '30009012',
          checkDigit: '1',
          type: 'CONTA_DEPOSITO_A_VISTA',
        },
      ],
    });

    expect((await get(token, '/personal/identifications')).status).toBe(403);
  });

  it("answers 404 for the other kind of customer's endpoints, whatever the permissions", async () => {
    // Bruno may consent as himself, without his company; the bank knows him only as the company.
    const token = await authorised(bruno!, { permissions: PERSONAL });
    for (const route of [
      '/personal/identifications',
      '/personal/qualifications',
      '/personal/financial-relations',
    ]) {
      const res = await get(token, route);
      expect(res.status).toBe(404);
      expect(res.body.errors[0].title).toBe('Cliente não encontrado');
    }
  });

  it('refuses a missing permission (403) and bad paging (400, 422)', async () => {
    const token = await authorised(ana!, {
      permissions: ['CUSTOMERS_PERSONAL_IDENTIFICATIONS_READ', 'RESOURCES_READ'],
    });
    expect((await get(token, '/personal/identifications')).status).toBe(200);
    // No account shared, and no permission for the additional information.
    const refused = await get(token, '/personal/qualifications');
    expect(refused.status).toBe(403);
    expect(refused.body.errors[0].detail).toContain('CUSTOMERS_PERSONAL_ADITTIONALINFO_READ');
    expect((await get(token, '/personal/financial-relations')).status).toBe(403);

    expect((await get(token, '/personal/identifications?page=zero')).status).toBe(400);
    expect((await get(token, '/personal/identifications?page-size=5000')).status).toBe(422);
  });
});
