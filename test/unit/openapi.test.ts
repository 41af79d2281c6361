import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { projectRoot } from '../helpers/env.js';
import { loadOpenApi } from '../helpers/openapi.js';

// OFB files are vendored (Apache-2.0, specs/ofb/); FDX files carry FDX's licence and are read in
// place from ../shared/specs/fdx, never copied.
const ofbSpecs = path.join(projectRoot, 'specs/ofb');
const ofbConsents = loadOpenApi(path.join(ofbSpecs, 'consents/3.3.1.yml'));
const fdxCore = loadOpenApi(
  path.resolve(projectRoot, '../shared/specs/fdx/plaid-core-exchange/6.4/corex.yaml'),
);

const headers = { 'X-V': '3.3.1', 'x-fapi-interaction-id': 'd78fc4e5-37ca-4da3-adf2-9b082bf92280' };
const consentBody = (creationDateTime = '2021-05-21T08:30:00Z') => ({
  data: {
    consentId: 'urn:bancoex:C1DD33123',
    creationDateTime,
    status: 'AWAITING_AUTHORISATION',
    statusUpdateDateTime: '2021-05-21T08:30:00Z',
    permissions: ['ACCOUNTS_READ', 'ACCOUNTS_OVERDRAFT_LIMITS_READ', 'RESOURCES_READ'],
    expirationDateTime: '2022-05-21T08:30:00Z',
  },
  links: { self: 'https://api.banco.com.br/open-banking/consents/v3/consents/urn:bancoex:C1DD33123' },
  meta: { requestDateTime: '2021-05-21T08:30:00Z' },
});
const error422 = (code: string) => ({
  errors: [
    {
      code,
      title: 'Combinação de permissões incorreta.',
      detail: 'As permissões não formam um agrupamento.',
    },
  ],
  meta: { requestDateTime: '2021-05-21T08:30:00Z' },
});

describe('OpenAPI response validation: OFB consents 3.3.1', () => {
  it('accepts a valid 201 body with x-v, from a plain object or WHATWG Headers', () => {
    expect(loadOpenApi(ofbConsents.file)).toBe(ofbConsents);
    expect(() =>
      ofbConsents.assertResponse('POST', '/consents', { status: 201, headers, body: consentBody() }),
    ).not.toThrow();
    expect(
      ofbConsents.responseProblems('post', '/consents', {
        status: 201,
        headers: new Headers(headers),
        body: consentBody(),
      }),
    ).toEqual([]);
  });

  it('rejects a timestamp with milliseconds, naming the field', () => {
    const res = { status: 201, headers, body: consentBody('2021-05-21T08:30:00.123Z') };
    expect(() => ofbConsents.assertResponse('POST', '/consents', res)).toThrow(
      /\/data\/creationDateTime must match pattern/,
    );
  });

  it('rejects a missing or malformed x-v header', () => {
    const body = consentBody();
    expect(ofbConsents.responseProblems('POST', '/consents', { status: 201, headers: {}, body })).toEqual([
      'header x-v is required but missing',
    ]);
    expect(
      ofbConsents.responseProblems('POST', '/consents', { status: 201, headers: { 'x-v': 'v3' }, body }),
    ).toEqual([expect.stringMatching(/^header x-v "v3" must match pattern/)]);
  });

  it('checks 422 error codes against the enum of POST /consents', () => {
    expect(
      ofbConsents.responseProblems('POST', '/consents', { status: 422, body: error422('NAO_EXISTE') }),
    ).toEqual([expect.stringMatching(/^\/errors\/0\/code must be equal to one of the allowed values/)]);
    expect(
      ofbConsents.responseProblems('POST', '/consents', {
        status: 422,
        body: error422('COMBINACAO_PERMISSOES_INCORRETA'),
      }),
    ).toEqual([]);
  });

  it('requires an empty body on DELETE 204', () => {
    const del = (body: unknown) =>
      ofbConsents.responseProblems('DELETE', '/consents/{consentId}', { status: 204, headers, body });
    expect(del(undefined)).toEqual([]);
    expect(del('')).toEqual([]);
    expect(del({ data: {} })).toEqual([expect.stringMatching(/documents no body/)]);
  });

  it('reports unknown operations and uses the inline default response for undocumented statuses', () => {
    const res = { status: 418, body: { errors: [] } };
    expect(ofbConsents.responseProblems('GET', '/consents/{id}', res)).toEqual([
      'GET /consents/{id} is not in the file',
    ]);
    expect(ofbConsents.responseProblems('PUT', '/consents', res)).toEqual([
      'PUT /consents is not in the file',
    ]);
    expect(ofbConsents.responseProblems('GET', '/consents/{consentId}', res)).toEqual([
      expect.stringMatching(/^\/errors must NOT have fewer than 1 items/),
    ]);
  });
});

describe('OpenAPI loading', () => {
  const ofbFiles = readdirSync(ofbSpecs, { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();

  it('finds the OFB files', () => {
    expect(ofbFiles).toEqual(expect.arrayContaining(['consents/3.3.1.yml', 'accounts/2.4.2.yml']));
  });

  it.each(ofbFiles)('loads ofb/%s and compiles all its response schemas', (file) => {
    expect(loadOpenApi(path.join(ofbSpecs, file)).compileResponseSchemas()).toBeGreaterThan(0);
  });
});

describe('OpenAPI response validation: FDX core exchange 6.4', () => {
  const account = {
    accountCategory: 'DEPOSIT_ACCOUNT',
    accountId: 'depositAccount0000001',
    accountType: 'CHECKING',
    productName: 'Checking',
    status: 'OPEN',
    currency: { currencyCode: 'USD' },
  };

  it('compiles its response schemas and validates a minimal GET /accounts 200 body', () => {
    expect(fdxCore.compileResponseSchemas()).toBeGreaterThan(0);
    expect(
      fdxCore.responseProblems('GET', '/accounts', { status: 200, body: { accounts: [account] } }),
    ).toEqual([]);
  });

  it('rejects an account whose type does not belong to its category, and an empty list', () => {
    const loanTyped = { ...account, accountType: 'MORTGAGE' };
    expect(
      fdxCore.responseProblems('GET', '/accounts', { status: 200, body: { accounts: [loanTyped] } }),
    ).toContainEqual(expect.stringMatching(/^\/accounts\/0 must match exactly one schema in oneOf/));
    expect(fdxCore.responseProblems('GET', '/accounts', { status: 200, body: { accounts: [] } })).toEqual([
      expect.stringMatching(/^\/accounts must NOT have fewer than 1 items/),
    ]);
  });

  it('validates the example the file gives for GET /accounts', () => {
    const op = fdxCore.doc.paths?.['/accounts']?.get as {
      responses: Record<string, { content: Record<string, { example: unknown }> }>;
    };
    const example = op.responses['200']?.content['application/json']?.example;
    expect(example).toBeDefined();
    expect(fdxCore.responseProblems('GET', '/accounts', { status: 200, body: example })).toEqual([]);
  });

  it('documents no error responses, so an FDX error body { code, message, debugMessage } has nothing to match', () => {
    const error = { code: '701', message: 'Account not found', debugMessage: 'no such accountId' };
    for (const p of Object.keys(fdxCore.doc.paths ?? {}))
      expect(fdxCore.responseProblems('GET', p, { status: 404, body: error })).toEqual([
        'status 404 is not documented',
      ]);
  });
});
