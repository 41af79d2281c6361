// The Postman collection and environment of a developer application: Collection v2.1 shape, the
// variables the requests use, the auth-method-specific token request, and no private material.
import { describe, expect, it } from '@jest/globals';
import { PRODUCTS, type Product } from '../../lib/products.js';
import {
  CLIENT_ASSERTION_TYPE,
  PRODUCT_EXAMPLES,
  POSTMAN_COLLECTION_SCHEMA,
  postmanCollection,
  postmanEnvironment,
  type PostmanCollection,
  type PostmanInput,
  type PostmanItem,
} from '../../api/marketplace/postman/collection.js';

const products = (...ids: string[]) => PRODUCTS.filter((p) => ids.includes(p.id)) as Product[];

const ofbInput: PostmanInput = {
  appName: 'Fintech Exemplo app',
  standard: 'OFB',
  clientId: 'client-123',
  tokenEndpointAuthMethod: 'private_key_jwt',
  scopes: ['consents', 'accounts'],
  authIssuer: 'https://auth.bank.example/',
  gatewayUrl: 'https://api.bank.example/',
  // fdx-core is of the other standard: left out of an OFB app's collection.
  products: products('ofb-consents', 'ofb-accounts', 'fdx-core'),
};

const fdxInput: PostmanInput = {
  ...ofbInput,
  appName: 'FDX app',
  standard: 'FDX',
  tokenEndpointAuthMethod: 'tls_client_auth',
  scopes: ['fdx:accountbasic:read'],
  products: products('fdx-core', 'fdx-consent', 'ofb-accounts'),
};

const folder = (c: PostmanCollection, name: string) => {
  const f = c.item.find((i) => i.name === name);
  if (!f) throw new Error(`no folder ${name}`);
  return f;
};
const requests = (c: PostmanCollection) => c.item.flatMap((f) => f.item);
const testScript = (item: PostmanItem) =>
  (item.event ?? [])
    .filter((e) => e.listen === 'test')
    .flatMap((e) => e.script.exec)
    .join('\n');
/** Every `{{name}}` used, without Postman's dynamic `{{$guid}}`-style ones. */
const usedVariables = (c: PostmanCollection) =>
  new Set([...JSON.stringify(c.item).matchAll(/\{\{([^}$]+)\}\}/g)].map((m) => m[1]!));

describe('postmanCollection', () => {
  it('is a Collection v2.1 with Discovery, Client credentials and one folder per product of the standard', () => {
    const c = postmanCollection(ofbInput);
    expect(c.info.schema).toBe(POSTMAN_COLLECTION_SCHEMA);
    expect(c.info.schema).toBe('https://schema.getpostman.com/json/collection/v2.1.0/collection.json');
    expect(c.info.name).toContain('Fintech Exemplo app');
    expect(c.item.map((f) => f.name)).toEqual([
      'Discovery',
      'Client credentials',
      'OFB Consents',
      'OFB Accounts',
    ]);
    // JSON all the way: what Postman imports is what the function returns.
    expect(JSON.parse(JSON.stringify(c))).toEqual(c);
    for (const item of requests(c)) {
      expect(item.request.url.raw).toMatch(/^\{\{(issuer|token_endpoint|gateway_url)\}\}/);
      expect(item.request.url.host).toHaveLength(1);
      expect(item.request.url.raw).toBe(
        `${item.request.url.host[0]}${item.request.url.path ? '/' + item.request.url.path.join('/') : ''}${
          item.request.url.query
            ? '?' + item.request.url.query.map((q) => `${q.key}=${q.value}`).join('&')
            : ''
        }`,
      );
    }
  });

  it('discovers the token endpoint and saves it', () => {
    const c = postmanCollection(ofbInput);
    const [discovery] = folder(c, 'Discovery').item;
    expect(discovery!.request.method).toBe('GET');
    expect(discovery!.request.url.raw).toBe('{{issuer}}/.well-known/openid-configuration');
    const script = testScript(discovery!);
    expect(script).toContain('pm.response.to.have.status(200)');
    expect(script).toContain("pm.collectionVariables.set('token_endpoint'");
    expect(script).toContain("pm.environment.set('token_endpoint'");
  });

  it('asks for a client-credentials token with a client assertion for private_key_jwt', () => {
    const c = postmanCollection(ofbInput);
    const f = folder(c, 'Client credentials');
    const [token] = f.item;
    expect(token!.request.method).toBe('POST');
    expect(token!.request.url.raw).toBe('{{token_endpoint}}');
    // No path list: Postman would add a trailing slash to the discovered endpoint.
    expect(token!.request.url.path).toBeUndefined();
    expect(token!.request.body).toMatchObject({ mode: 'urlencoded' });
    const form = Object.fromEntries(
      (token!.request.body as { urlencoded: { key: string; value: string }[] }).urlencoded.map((p) => [
        p.key,
        p.value,
      ]),
    );
    expect(form).toEqual({
      grant_type: 'client_credentials',
      client_id: '{{client_id}}',
      scope: '{{scope}}',
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: '{{client_assertion}}',
    });
    // Postman cannot sign PS256: the description says how to make the assertion.
    expect(token!.request.description).toMatch(/private key/);
    expect(token!.request.description).toMatch(/PS256/);
    expect(token!.request.description).toMatch(/cannot sign/);
    const script = testScript(token!);
    expect(script).toContain('pm.response.to.have.status(200)');
    expect(script).toContain("to.eql('bearer')");
    expect(script).toContain("pm.collectionVariables.set('access_token'");
  });

  it('authenticates by the client certificate for tls_client_auth: no assertion in the body', () => {
    const c = postmanCollection(fdxInput);
    const [token] = folder(c, 'Client credentials').item;
    const keys = (token!.request.body as { urlencoded: { key: string }[] }).urlencoded.map((p) => p.key);
    expect(keys).toEqual(['grant_type', 'client_id', 'scope']);
    expect(token!.request.description).toMatch(/client certificate/);
    expect(c.item.map((f) => f.name)).toEqual(['Discovery', 'Client credentials', 'FDX Core', 'FDX Consent']);
  });

  it('calls the products through the gateway with the bearer token, OFB requests with an interaction id', () => {
    const ofb = postmanCollection(ofbInput);
    const accounts = folder(ofb, 'OFB Accounts').item;
    expect(accounts.length).toBeGreaterThanOrEqual(2);
    for (const item of [...accounts, ...folder(ofb, 'OFB Consents').item]) {
      expect(item.request.url.raw.startsWith('{{gateway_url}}/open-banking/')).toBe(true);
      expect(item.request.header).toContainEqual({ key: 'Authorization', value: 'Bearer {{access_token}}' });
      expect(item.request.header).toContainEqual({ key: 'x-fapi-interaction-id', value: '{{$guid}}' });
    }
    expect(accounts[0]!.request.url.raw).toBe('{{gateway_url}}/open-banking/accounts/v2/accounts');
    const create = folder(ofb, 'OFB Consents').item.find((i) => i.request.method === 'POST')!;
    expect(create.request.url.raw).toBe('{{gateway_url}}/open-banking/consents/v3/consents');
    expect(JSON.parse((create.request.body as { raw: string }).raw)).toMatchObject({
      data: { loggedUser: { document: { rel: 'CPF' } }, permissions: expect.any(Array) },
    });

    const fdx = postmanCollection(fdxInput);
    for (const item of [...folder(fdx, 'FDX Core').item, ...folder(fdx, 'FDX Consent').item]) {
      expect(item.request.url.raw.startsWith('{{gateway_url}}/fdx/v6/')).toBe(true);
      expect(item.request.header).toContainEqual({ key: 'Authorization', value: 'Bearer {{access_token}}' });
      expect(item.request.header.map((h) => h.key)).not.toContain('x-fapi-interaction-id');
    }
  });

  it('has example requests for every catalog product', () => {
    for (const p of PRODUCTS) expect(PRODUCT_EXAMPLES[p.id]?.length).toBeGreaterThan(0);
  });

  it('declares every variable its requests use, with the public values as defaults', () => {
    for (const input of [ofbInput, fdxInput]) {
      const c = postmanCollection(input);
      const env = postmanEnvironment(input);
      const declared = new Set([...c.variable.map((v) => v.key), ...env.values.map((v) => v.key)]);
      for (const name of usedVariables(c)) expect(declared).toContain(name);
      const vars = Object.fromEntries(c.variable.map((v) => [v.key, v.value]));
      expect(vars).toMatchObject({
        issuer: 'https://auth.bank.example',
        gateway_url: 'https://api.bank.example',
        client_id: 'client-123',
        token_endpoint: '',
        access_token: '',
      });
    }
  });
});

describe('postmanEnvironment', () => {
  it('holds issuer, gateway_url, client_id, scope and an empty client_assertion', () => {
    const env = postmanEnvironment(ofbInput);
    expect(env._postman_variable_scope).toBe('environment');
    expect(env.name).toContain('Fintech Exemplo app');
    expect(Object.fromEntries(env.values.map((v) => [v.key, v.value]))).toEqual({
      issuer: 'https://auth.bank.example',
      gateway_url: 'https://api.bank.example',
      client_id: 'client-123',
      scope: 'consents accounts',
      client_assertion: '',
    });
    expect(env.values.every((v) => v.enabled)).toBe(true);
    expect(env.values.find((v) => v.key === 'client_assertion')!.type).toBe('secret');
  });
});

describe('no private material', () => {
  it('carries no key, certificate, token or secret in either document', () => {
    for (const input of [ofbInput, fdxInput]) {
      const text = JSON.stringify([postmanCollection(input), postmanEnvironment(input)]);
      expect(text).not.toMatch(/-----BEGIN/);
      expect(text).not.toMatch(/PRIVATE KEY/);
      expect(text).not.toMatch(/"(d|p|q|dp|dq|qi|k)":/);
      expect(text).not.toMatch(/client_secret|registration_access_token|password/i);
      // No JWT-looking value (a client assertion or token) anywhere.
      expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
      const values = [...postmanCollection(input).variable, ...postmanEnvironment(input).values];
      for (const v of values.filter((x) =>
        ['access_token', 'client_assertion', 'token_endpoint'].includes(x.key),
      ))
        expect(v.value).toBe('');
    }
  });
});
