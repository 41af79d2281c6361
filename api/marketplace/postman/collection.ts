// A Postman collection (v2.1) and environment for one developer application: discover the
// authorization server, get a client-credentials token the way the app authenticates, then call
// the products its organization subscribes to through the gateway. Pure data: no I/O, no secrets
// (the client certificate and private key stay with the developer; Postman holds them in its own
// certificate settings, newman takes them as options).
import type { Product } from '../../../lib/products.js';

export const POSTMAN_COLLECTION_SCHEMA =
  'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface PostmanInput {
  appName: string;
  standard: 'OFB' | 'FDX';
  clientId: string;
  tokenEndpointAuthMethod: 'private_key_jwt' | 'tls_client_auth';
  scopes: string[];
  authIssuer: string;
  gatewayUrl: string;
  /** The organization's subscribed products; those of the other standard are left out. */
  products: Product[];
}

export interface PostmanVariable {
  key: string;
  value: string;
  type: 'string' | 'default' | 'secret';
  description?: string;
  enabled?: boolean;
}

interface PostmanUrl {
  raw: string;
  host: string[];
  path?: string[];
  query?: { key: string; value: string }[];
}

export interface PostmanRequest {
  method: string;
  header: { key: string; value: string; description?: string }[];
  url: PostmanUrl;
  description?: string;
  auth?: { type: 'noauth' };
  body?:
    | { mode: 'urlencoded'; urlencoded: { key: string; value: string; type: 'text'; description?: string }[] }
    | { mode: 'raw'; raw: string; options: { raw: { language: 'json' } } };
}

export interface PostmanEvent {
  listen: 'test' | 'prerequest';
  script: { type: 'text/javascript'; exec: string[] };
}

export interface PostmanItem {
  name: string;
  request: PostmanRequest;
  event?: PostmanEvent[];
}

export interface PostmanFolder {
  name: string;
  description: string;
  item: PostmanItem[];
}

export interface PostmanCollection {
  info: { name: string; description: string; schema: typeof POSTMAN_COLLECTION_SCHEMA };
  item: PostmanFolder[];
  variable: PostmanVariable[];
}

interface PostmanEnvironment {
  name: string;
  values: PostmanVariable[];
  _postman_variable_scope: 'environment';
}

/** Names of the folders before the product folders, for newman's `folder` option. */
export const DISCOVERY_FOLDER = 'Discovery';
export const CLIENT_CREDENTIALS_FOLDER = 'Client credentials';

const OFB_INTERACTION_ID = { key: 'x-fapi-interaction-id', value: '{{$guid}}' };

/** One request of a product folder, its path relative to the product's base path. */
interface Example {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string>;
  json?: unknown;
  description: string;
  /** Test script lines (besides the status check). */
  tests?: string[];
  prerequest?: string[];
}

const CUSTOMER_TOKEN_NOTE =
  'Needs the access token of a customer consent (authorization-code flow with PAR and a signed ' +
  'request object), not the client-credentials token: put that token into `access_token`.';

/** A few representative requests per catalog product. */
export const PRODUCT_EXAMPLES: Readonly<Record<string, readonly Example[]>> = {
  'ofb-consents': [
    {
      name: 'Create a consent',
      method: 'POST',
      path: '/consents',
      json: {
        data: {
          loggedUser: { document: { identification: '{{cpf}}', rel: 'CPF' } },
          permissions: [
            'ACCOUNTS_READ',
            'ACCOUNTS_BALANCES_READ',
            'ACCOUNTS_TRANSACTIONS_READ',
            'RESOURCES_READ',
          ],
          expirationDateTime: '{{consent_expiration}}',
        },
      },
      description:
        'Lodges a consent with the client-credentials token (scope `consents`). The pre-request ' +
        'script sets `consent_expiration` to 90 days from now; set `cpf` to the customer CPF. ' +
        'The consent id is saved into `consent_id`.',
      prerequest: [
        "const expiry = new Date(Date.now() + 90 * 86400000).toISOString().replace(/\\.\\d{3}Z$/, 'Z');",
        "pm.collectionVariables.set('consent_expiration', expiry);",
      ],
      tests: [
        "pm.test('consent created', function () { pm.response.to.have.status(201); });",
        'const consent = pm.response.json().data;',
        "if (consent && consent.consentId) pm.collectionVariables.set('consent_id', consent.consentId);",
      ],
    },
    {
      name: 'Read the consent',
      method: 'GET',
      path: '/consents/{{consent_id}}',
      description: 'Status and permissions of the consent in `consent_id` (client-credentials token).',
    },
    {
      name: 'Revoke the consent',
      method: 'DELETE',
      path: '/consents/{{consent_id}}',
      description: 'Revokes the consent in `consent_id` (client-credentials token).',
    },
  ],
  'ofb-resources': [
    {
      name: 'List shared resources',
      method: 'GET',
      path: '/resources',
      query: { page: '1', 'page-size': '25' },
      description: `The accounts and cards the customer shared. ${CUSTOMER_TOKEN_NOTE}`,
    },
  ],
  'ofb-accounts': [
    {
      name: 'List accounts',
      method: 'GET',
      path: '/accounts',
      description: `The consented accounts; copy an accountId into \`account_id\`. ${CUSTOMER_TOKEN_NOTE}`,
    },
    {
      name: 'Account balances',
      method: 'GET',
      path: '/accounts/{{account_id}}/balances',
      description: `Balances of the account in \`account_id\`. ${CUSTOMER_TOKEN_NOTE}`,
    },
    {
      name: 'Account transactions',
      method: 'GET',
      path: '/accounts/{{account_id}}/transactions',
      query: { 'page-size': '25' },
      description: `Transactions of the account in \`account_id\`. ${CUSTOMER_TOKEN_NOTE}`,
    },
  ],
  'ofb-credit-cards': [
    {
      name: 'List credit-card accounts',
      method: 'GET',
      path: '/accounts',
      description: `The consented credit-card accounts; copy an id into \`credit_card_account_id\`. ${CUSTOMER_TOKEN_NOTE}`,
    },
    {
      name: 'Credit-card bills',
      method: 'GET',
      path: '/accounts/{{credit_card_account_id}}/bills',
      description: `Bills of the card account in \`credit_card_account_id\`. ${CUSTOMER_TOKEN_NOTE}`,
    },
  ],
  'ofb-customers': [
    {
      name: 'Personal identification',
      method: 'GET',
      path: '/personal/identifications',
      description: `Registration data of a personal customer. ${CUSTOMER_TOKEN_NOTE}`,
    },
    {
      name: 'Business identification',
      method: 'GET',
      path: '/business/identifications',
      description: `Registration data of a business customer. ${CUSTOMER_TOKEN_NOTE}`,
    },
  ],
  'fdx-core': [
    {
      name: 'Search for accounts',
      method: 'GET',
      path: '/accounts',
      description: `The consented accounts; copy an accountId into \`account_id\`. ${CUSTOMER_TOKEN_NOTE}`,
    },
    {
      name: 'Get an account',
      method: 'GET',
      path: '/accounts/{{account_id}}',
      description: `Details and balances of the account in \`account_id\`. ${CUSTOMER_TOKEN_NOTE}`,
    },
    {
      name: 'Search for account transactions',
      method: 'GET',
      path: '/accounts/{{account_id}}/transactions',
      query: { limit: '25' },
      description: `Transactions inside the consent's lookback period. ${CUSTOMER_TOKEN_NOTE}`,
    },
  ],
  'fdx-consent': [
    {
      name: 'Get consent grant',
      method: 'GET',
      path: '/consents/{{consent_id}}',
      description: `The consent grant in \`consent_id\` (the \`fdxConsentId\` of the customer token). ${CUSTOMER_TOKEN_NOTE}`,
    },
    {
      name: 'Retrieve consent revocation record',
      method: 'GET',
      path: '/consents/{{consent_id}}/revocation',
      description: `Revocation history of the consent in \`consent_id\`. ${CUSTOMER_TOKEN_NOTE}`,
    },
  ],
};

/** `{{var}}/a/b?x=1` as Postman's structured URL. */
function url(host: string, pathPart: string, query?: Record<string, string>): PostmanUrl {
  const segments = pathPart.split('/').filter(Boolean);
  const entries = Object.entries(query ?? {}).map(([key, value]) => ({ key, value }));
  const qs = entries.length ? `?${entries.map((q) => `${q.key}=${q.value}`).join('&')}` : '';
  return {
    raw: `${host}${segments.length ? `/${segments.join('/')}` : ''}${qs}`,
    host: [host],
    // An empty list would make Postman add a trailing slash.
    ...(segments.length ? { path: segments } : {}),
    ...(entries.length ? { query: entries } : {}),
  };
}

const script = (listen: PostmanEvent['listen'], exec: string[]): PostmanEvent => ({
  listen,
  script: { type: 'text/javascript', exec },
});

function discoveryFolder(): PostmanFolder {
  return {
    name: DISCOVERY_FOLDER,
    description:
      "The authorization server's OpenID Provider metadata. Saves the token endpoint (its mTLS alias " +
      'when there is one) into `token_endpoint`.',
    item: [
      {
        name: 'OpenID configuration',
        request: {
          method: 'GET',
          header: [],
          url: url('{{issuer}}', '/.well-known/openid-configuration'),
          auth: { type: 'noauth' },
          description: 'OpenID Connect Discovery 1.0 metadata of the issuer in `issuer`.',
        },
        event: [
          script('test', [
            "pm.test('discovery answers 200', function () { pm.response.to.have.status(200); });",
            'const meta = pm.response.json();',
            "pm.test('discovery names a token endpoint', function () { pm.expect(meta.token_endpoint).to.be.a('string'); });",
            'const aliases = meta.mtls_endpoint_aliases || {};',
            'const tokenEndpoint = aliases.token_endpoint || meta.token_endpoint;',
            'if (tokenEndpoint) {',
            "  pm.collectionVariables.set('token_endpoint', tokenEndpoint);",
            "  pm.environment.set('token_endpoint', tokenEndpoint);",
            '}',
          ]),
        ],
      },
    ],
  };
}

function clientCredentialsFolder(input: PostmanInput): PostmanFolder {
  const tls = input.tokenEndpointAuthMethod === 'tls_client_auth';
  const certificateNote =
    "Configure the app's client certificate and key for the authorization server's and the " +
    "gateway's hosts in Postman (Settings → Certificates; newman: --ssl-client-cert and " +
    '--ssl-client-key): the tokens are bound to that certificate.';
  const authNote = tls
    ? 'The app authenticates with its client certificate (tls_client_auth): the server matches ' +
      'its subject DN to the registered one, so the body carries only the client id.'
    : 'The app authenticates with private_key_jwt: `client_assertion` must be a JWT signed with ' +
      "the app's private key (PS256), with iss and sub = the client id, aud = the issuer or the " +
      'token endpoint, a unique jti and an exp at most a few minutes ahead. Postman cannot sign ' +
      'PS256 itself: make the assertion with your own tooling (for example jose) and paste it ' +
      'into the `client_assertion` environment variable before each request.';
  const form = [
    { key: 'grant_type', value: 'client_credentials', type: 'text' as const },
    { key: 'client_id', value: '{{client_id}}', type: 'text' as const },
    { key: 'scope', value: '{{scope}}', type: 'text' as const },
    ...(tls
      ? []
      : [
          { key: 'client_assertion_type', value: CLIENT_ASSERTION_TYPE, type: 'text' as const },
          {
            key: 'client_assertion',
            value: '{{client_assertion}}',
            type: 'text' as const,
            description: "A PS256 JWT signed with the app's private key.",
          },
        ]),
  ];
  return {
    name: CLIENT_CREDENTIALS_FOLDER,
    description: `${authNote} ${certificateNote}`,
    item: [
      {
        name: 'Client-credentials token',
        request: {
          method: 'POST',
          header: [{ key: 'Content-Type', value: 'application/x-www-form-urlencoded' }],
          url: url('{{token_endpoint}}', ''),
          auth: { type: 'noauth' },
          body: { mode: 'urlencoded', urlencoded: form },
          description: `${authNote} ${certificateNote} The access token is saved into \`access_token\`.`,
        },
        event: [
          script('test', [
            "pm.test('token endpoint answers 200', function () { pm.response.to.have.status(200); });",
            'const token = pm.response.json();',
            "pm.test('a Bearer token', function () { pm.expect(String(token.token_type).toLowerCase()).to.eql('bearer'); });",
            "pm.test('an access token', function () { pm.expect(token.access_token).to.be.a('string').and.not.empty; });",
            'if (token.access_token) {',
            "  pm.collectionVariables.set('access_token', token.access_token);",
            "  pm.environment.set('access_token', token.access_token);",
            '}',
          ]),
        ],
      },
    ],
  };
}

function productFolder(product: Product, standard: PostmanInput['standard']): PostmanFolder {
  const examples = PRODUCT_EXAMPLES[product.id] ?? [];
  const base = product.basePath.replace(/\/+$/, '');
  return {
    name: product.name,
    description:
      `${product.summary} Base URL: {{gateway_url}}${base} (version ${product.version}). ` +
      `Scopes: ${product.scopes.length ? product.scopes.join(', ') : 'none of its own'}.`,
    item: examples.map((ex) => {
      const header = [
        { key: 'Authorization', value: 'Bearer {{access_token}}' },
        { key: 'Accept', value: 'application/json' },
        ...(standard === 'OFB' ? [OFB_INTERACTION_ID] : []),
        ...(ex.json !== undefined ? [{ key: 'Content-Type', value: 'application/json' }] : []),
      ];
      const events = [
        ...(ex.prerequest ? [script('prerequest', ex.prerequest)] : []),
        ...(ex.tests ? [script('test', ex.tests)] : []),
      ];
      return {
        name: ex.name,
        request: {
          method: ex.method,
          header,
          url: url('{{gateway_url}}', `${base}${ex.path}`, ex.query),
          description: ex.description,
          ...(ex.json !== undefined
            ? {
                body: {
                  mode: 'raw' as const,
                  raw: JSON.stringify(ex.json, null, 2),
                  options: { raw: { language: 'json' as const } },
                },
              }
            : {}),
        },
        ...(events.length ? { event: events } : {}),
      };
    }),
  };
}

const variable = (key: string, value: string, description: string): PostmanVariable => ({
  key,
  value,
  type: 'string',
  description,
});

/** The application's collection: Discovery, Client credentials, then one folder per product. */
export function postmanCollection(input: PostmanInput): PostmanCollection {
  const products = input.products.filter((p) => p.standard === input.standard);
  const values = environmentValues(input);
  const known = new Set(values.map((v) => v.key));
  return {
    info: {
      name: `${input.appName} (${input.standard})`,
      description:
        `Requests for the ${input.standard} application "${input.appName}" (client ${input.clientId}). ` +
        `Run "${DISCOVERY_FOLDER}" then "${CLIENT_CREDENTIALS_FOLDER}" first. No secrets are included: ` +
        "configure the app's client certificate in Postman" +
        (input.tokenEndpointAuthMethod === 'private_key_jwt'
          ? ' and provide a signed `client_assertion`.'
          : '.'),
      schema: POSTMAN_COLLECTION_SCHEMA,
    },
    item: [
      discoveryFolder(),
      clientCredentialsFolder(input),
      ...products.map((p) => productFolder(p, input.standard)),
    ],
    // Defaults so the collection works on its own; the environment's values take precedence.
    variable: [
      ...values
        .filter((v) => v.key !== 'client_assertion')
        .map((v) => variable(v.key, v.value, v.description ?? '')),
      variable('token_endpoint', '', 'Set by the Discovery request.'),
      variable('access_token', '', 'Set by the Client credentials request.'),
      ...collectionExtras(products).filter((v) => !known.has(v.key)),
    ],
  };
}

function collectionExtras(products: Product[]): PostmanVariable[] {
  const ids = new Set(products.map((p) => p.id));
  return [
    ...(ids.has('ofb-consents')
      ? [
          variable('cpf', '', 'The CPF (11 digits) of the customer a consent is for.'),
          variable('consent_expiration', '', 'Set by the Create a consent request.'),
        ]
      : []),
    ...(ids.has('ofb-consents') || ids.has('fdx-consent')
      ? [variable('consent_id', '', 'A consent id (set by Create a consent, or copied).')]
      : []),
    ...(ids.has('ofb-accounts') || ids.has('fdx-core')
      ? [variable('account_id', '', 'An account id from List accounts.')]
      : []),
    ...(ids.has('ofb-credit-cards')
      ? [variable('credit_card_account_id', '', 'A credit-card account id from List credit-card accounts.')]
      : []),
  ];
}

function environmentValues(input: PostmanInput): PostmanVariable[] {
  const value = (key: string, v: string, description: string, type: PostmanVariable['type'] = 'default') => ({
    key,
    value: v,
    type,
    enabled: true,
    description,
  });
  return [
    value('issuer', input.authIssuer.replace(/\/+$/, ''), 'The authorization server (OpenID issuer).'),
    value('gateway_url', input.gatewayUrl.replace(/\/+$/, ''), 'The API gateway.'),
    value('client_id', input.clientId, "The application's client id."),
    value('scope', input.scopes.join(' '), 'Scopes asked for with client credentials.'),
    value(
      'client_assertion',
      '',
      input.tokenEndpointAuthMethod === 'private_key_jwt'
        ? "A PS256 JWT signed with the app's private key; Postman cannot make it."
        : 'Unused: the app authenticates with its client certificate.',
      'secret',
    ),
  ];
}

/** The application's environment: issuer, gateway_url, client_id, scope and an empty client_assertion. */
export function postmanEnvironment(input: PostmanInput): PostmanEnvironment {
  return {
    name: `${input.appName} (${input.standard})`,
    values: environmentValues(input),
    _postman_variable_scope: 'environment',
  };
}
