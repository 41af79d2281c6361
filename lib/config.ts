// The platform's one configuration module: every setting comes from the environment, is validated
// here once at start, and reaches the rest of the code typed. A bad value ends the process with one
// line that names the variable and what it expects (see lib/main.ts).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { isTimeZone } from './i18n/local-time.js';
import {
  DEFAULT_TRAFFIC_LIMITS,
  OFB_ORIGIN_FLOORS,
  trafficLimits,
  type TrafficLimits,
} from './traffic/limits.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const port = (fallback: number) =>
  z.coerce
    .number({ error: 'a TCP port number (1-65535)' })
    .int({ error: 'a TCP port number (1-65535)' })
    .min(1, { error: 'a TCP port number (1-65535)' })
    .max(65535, { error: 'a TCP port number (1-65535)' })
    .default(fallback);

const seconds = (fallback: number) =>
  z.coerce
    .number({ error: 'a number of seconds' })
    .positive({ error: 'a positive number of seconds' })
    .default(fallback);

const days = (fallback: number, min: number, why: string) =>
  z.coerce
    .number({ error: `a number of days (at least ${min}: ${why})` })
    .min(min, { error: `a number of days (at least ${min}: ${why})` })
    .default(fallback);

const hostPort = z
  .string()
  .regex(/^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/, { error: 'host:port, e.g. localhost:7233' });

const bool = z
  .enum(['true', 'false', '1', '0'], { error: 'true or false' })
  .transform((v) => v === 'true' || v === '1');

// Variables whose values must never be echoed back in an error message.
/** The project's checkout: default paths (the FDX specs beside it) are relative to it. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

const SECRET = new Set([
  'TEMPORAL_API_KEY',
  'TEMPORAL_PAYLOAD_KEYS',
  'MONGODB_URI',
  'AUTH_KEY_ENCRYPTION_KEY',
  'MARKETPLACE_SECRETS_KEY',
  'DISCOVERY_AGENT_TOKEN',
  'REDIS_URL',
  'POSTGRES_URL',
]);

const colour = (fallback: string) =>
  z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, { error: 'a colour as #rrggbb' })
    .default(fallback);

const perWindow = (fallback: number, unit: string) =>
  z.coerce
    .number({ error: `a whole number of calls per ${unit} (at least 1)` })
    .int({ error: `a whole number of calls per ${unit} (at least 1)` })
    .min(1, { error: `a whole number of calls per ${unit} (at least 1)` })
    .default(fallback);

const envSchema = z
  .object({
    NODE_ENV: z
      .enum(['development', 'test', 'production'], { error: 'development, test or production' })
      .default('development'),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    LOG_FORMAT: z.enum(['json', 'pretty', 'auto'], { error: 'json, pretty or auto' }).default('auto'),
    DATA_DIR: z.string().min(1, { error: 'a directory path' }).default('.data'),
    HOST: z
      .string()
      .min(1, { error: 'an interface address to bind, e.g. 127.0.0.1 or 0.0.0.0' })
      .default('127.0.0.1'),

    TEMPORAL_ADDRESS: hostPort.optional(),
    TEMPORAL_NAMESPACE: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,254}$/, {
        error: 'a Temporal namespace name, e.g. default or bank.a1b2c',
      })
      .default('default'),
    TEMPORAL_API_KEY: z.string().min(1, { error: 'a non-empty API key' }).optional(),
    TEMPORAL_TLS: bool.optional(),
    TEMPORAL_TLS_CERT: z.string().min(1, { error: 'a path to a PEM client certificate' }).optional(),
    TEMPORAL_TLS_KEY: z.string().min(1, { error: 'a path to a PEM private key' }).optional(),
    TEMPORAL_TLS_CA: z.string().min(1, { error: 'a path to a PEM CA bundle' }).optional(),
    TEMPORAL_TLS_SERVER_NAME: z.string().min(1, { error: 'a host name' }).optional(),
    TEMPORAL_CONNECT_TIMEOUT: seconds(30),
    TEMPORAL_PORT: port(7233),
    TEMPORAL_UI_PORT: port(8233),
    TEMPORAL_UI_URL: z
      .url({
        protocol: /^https?$/,
        error: 'the http(s) URL of the Temporal UI, e.g. https://temporal.bank.example',
      })
      .optional(),
    TEMPORAL_CLI_PATH: z.string().min(1, { error: 'a path to the temporal binary' }).optional(),
    TEMPORAL_PAYLOAD_KEYS: z
      .string()
      .regex(/^[A-Za-z0-9+/_-]{43}=?(,[A-Za-z0-9+/_-]{43}=?)*$/, {
        error:
          'a comma-separated list of keys, each 32 random bytes in base64 (openssl rand -base64 32); the first encrypts',
      })
      .optional(),

    MONGODB_URI: z
      .string()
      .regex(/^mongodb(\+srv)?:\/\/.+/, {
        error: 'a MongoDB connection string, mongodb://… or mongodb+srv://…',
      })
      .optional(),
    MONGODB_DATABASE: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,63}$/, { error: 'a database name of letters, digits, _ and -' })
      .default('openbanking'),
    MONGODB_PORT: port(27017),
    MONGODB_CONNECT_TIMEOUT: seconds(30),
    MONGODB_OPERATION_TIMEOUT: seconds(5),
    FERRETDB_PATH: z.string().min(1, { error: 'a path to the ferretdb binary' }).optional(),

    MARKETPLACE_PORT: port(3000),
    AUTH_PORT: port(8443),
    AUTH_ISSUER: z
      .url({ protocol: /^https$/, error: 'an https URL, e.g. https://auth.bank.example' })
      .optional(),
    GATEWAY_URL: z
      .url({ protocol: /^https$/, error: 'an https URL, e.g. https://api.bank.example' })
      .optional(),
    AUTH_KEY_ENCRYPTION_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/_-]{43}=?$/, { error: '32 random bytes in base64 (openssl rand -base64 32)' })
      .optional(),
    OFB_DIRECTORY_JWKS: z
      .string()
      .min(1, { error: 'a path to the directory of participants JWKS (JSON)' })
      .optional(),
    AUTH_REQUIRE_SOFTWARE_STATEMENT: bool.default(false),
    AUTH_INTROSPECTION_CLIENTS: z
      .string()
      .regex(/^[\w.-]+(,[\w.-]+)*$/, {
        error: 'a comma-separated list of client ids (the gateway) allowed to introspect any token',
      })
      .optional(),
    TLS_CERT: z.string().min(1, { error: 'a path to the PEM server certificate' }).optional(),
    TLS_KEY: z.string().min(1, { error: 'a path to the PEM server private key' }).optional(),
    MTLS_CLIENT_CA: z
      .string()
      .min(1, { error: 'a path to the PEM bundle of client-certificate CAs' })
      .optional(),
    MTLS_PROXY_HEADER: z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, { error: 'an HTTP header name, e.g. x-ssl-client-cert' })
      .optional(),
    MTLS_TRUSTED_PROXIES: z
      .string()
      .regex(/^[0-9a-fA-F.:]+(,[0-9a-fA-F.:]+)*$/, { error: 'a comma-separated list of proxy IP addresses' })
      .optional(),
    GATEWAY_PORT: port(8444),
    GATEWAY_CLIENT_ID: z
      .string()
      .regex(/^[\w.-]{1,128}$/, { error: "the gateway's client id at the authorization server" })
      .default('gateway'),
    GATEWAY_CLIENT_CERT: z
      .string()
      .min(1, { error: "a path to the gateway's PEM client certificate (tls_client_auth at the AS)" })
      .optional(),
    GATEWAY_CLIENT_KEY: z.string().min(1, { error: "a path to the gateway's PEM client key" }).optional(),
    AUTH_GATEWAY_CLIENT_DN: z
      .string()
      .min(3, { error: "the subject DN of the gateway's client certificate, e.g. CN=gateway,O=Bank" })
      .optional(),
    GATEWAY_AUTH_CA: z
      .string()
      .min(1, { error: "a path to the PEM CA bundle that signed the authorization server's certificate" })
      .optional(),
    // Only a token revoked by itself waits this long: its consent and client are checked on every call.
    GATEWAY_INTROSPECTION_CACHE: seconds(30),
    // Bounded below the 1 s a revocation may take to stop a token (api/gateway/security/state-cache.ts).
    GATEWAY_STATE_CACHE: z.coerce
      .number({ error: 'a number of seconds from 0 to 0.9' })
      .min(0, { error: 'a number of seconds from 0 to 0.9' })
      .max(0.9, { error: 'a number of seconds from 0 to 0.9: a revocation must stop its tokens within 1 s' })
      .default(0.25),
    WORKER_PORT: port(9400),
    WORKER_TASK_QUEUES: z
      .string()
      .regex(/^[a-z-]+(,[a-z-]+)*$/, { error: 'a comma-separated list of task queues, e.g. onboarding' })
      .optional(),
    SHUTDOWN_GRACE: seconds(10),
    SUPERVISOR_NOT_READY_LIMIT: seconds(30),
    SUPERVISOR_BACKOFF: seconds(1),
    SUPERVISOR_MAX_RESTARTS: z.coerce
      .number({ error: 'a whole number of restarts (at least 1)' })
      .int({ error: 'a whole number of restarts (at least 1)' })
      .min(1, { error: 'a whole number of restarts (at least 1)' })
      .default(5),
    SUPERVISOR_RESTART_WINDOW: seconds(600),
    // `npm run start:cluster`: how many replicas of each platform component, on which PostgreSQL.
    CLUSTER_REPLICAS: z.coerce
      .number({ error: 'a whole number of replicas from 1 to 8' })
      .int({ error: 'a whole number of replicas from 1 to 8' })
      .min(1, { error: 'a whole number of replicas from 1 to 8' })
      .max(8, { error: 'a whole number of replicas from 1 to 8' })
      .default(2),
    POSTGRES_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\/[^/]+\/?$/, {
        error: 'a PostgreSQL server URL without a database, e.g. postgres://postgres@127.0.0.1:5432',
      })
      .default('postgres://postgres@127.0.0.1:5432'),
    CLUSTER_DATABASE_PREFIX: z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,30}$/, { error: 'a lower-case PostgreSQL name prefix, e.g. obp' })
      .default('obp'),
    HTTP_REQUEST_BUDGET: seconds(10),
    HOUSEKEEPING_INTERVAL: seconds(15 * 60),
    ANALYTICS_ROLLUP_EVERY: z.coerce
      .number({ error: 'a number of seconds from 10 to 3600' })
      .min(10, { error: 'a number of seconds from 10 to 3600' })
      .max(3600, { error: 'a number of seconds from 10 to 3600' })
      .default(60),
    ANALYTICS_ROLLUP_LATENESS: seconds(15),
    ANALYTICS_RETENTION_RAW_DAYS: days(7, 0.1, 'raw events feed the minute roll-ups'),
    ANALYTICS_RETENTION_MINUTE_DAYS: days(2, 0.1, 'minutes feed the hourly roll-ups'),
    ANALYTICS_RETENTION_HOUR_DAYS: days(90, 2, 'hours feed the daily roll-ups'),
    ANALYTICS_RETENTION_DAY_DAYS: days(730, 1, 'days are the longest view'),

    CONSENT_AUTHORISATION_WINDOW: seconds(60 * 60),
    CONSENT_MAX_PER_RECIPIENT: z.coerce
      .number({ error: 'a whole number of consents (at least 1)' })
      .int({ error: 'a whole number of consents (at least 1)' })
      .min(1, { error: 'a whole number of consents (at least 1)' })
      .default(10),
    BANK_NAME: z
      .string()
      .min(1, { error: "the bank's name, as recipients see it" })
      .default('Open Banking Platform Bank'),
    BANK_CNPJ: z
      .string()
      .regex(/^\d{14}$/, { error: "the bank's CNPJ, 14 digits (OFB account data)" })
      .default('12345678000195'),
    BANK_COMPE_CODE: z
      .string()
      .regex(/^\d{3}$/, { error: "the bank's COMPE code, 3 digits" })
      .default('999'),
    BANK_ROUTING_NUMBER: z
      .string()
      .regex(/^\d{9}$/, { error: "the bank's ACH routing number, 9 digits (FDX payment networks)" })
      .default('123456780'),
    BANK_HOME_URI: z
      .url({ error: "the bank's public web site, an https URL" })
      .default('https://bank.example'),
    BANK_ID: z
      .string()
      .regex(/^[a-zA-Z0-9][a-zA-Z0-9-]{0,31}$/, {
        error: 'the bank id used in OFB consent URNs: letters, digits and -, up to 32',
      })
      .default('bank'),
    ONBOARDING_ADMIN_EMAIL: z.email({ error: 'an email address' }).default('openbanking-admins@bank.example'),
    ONBOARDING_REMINDER_INTERVAL: seconds(2 * 24 * 3600),
    ONBOARDING_REVIEW_TIMEOUT: seconds(30 * 24 * 3600),

    MARKETPLACE_URL: z
      .url({
        protocol: /^https?$/,
        error: 'the public URL of the marketplace, e.g. https://developers.bank.example',
      })
      .optional(),
    MARKETPLACE_SECRETS_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/_-]{43}=?$/, { error: '32 random bytes in base64 (openssl rand -base64 32)' })
      .optional(),
    FDX_SPECS_DIR: z.string().min(1, { error: 'a directory holding the FDX OpenAPI files' }).optional(),
    BANK_SUPPORT_NAME: z.string().min(1).default('Open Banking Developer Support'),
    BANK_SUPPORT_EMAIL: z.email({ error: 'an email address' }).default('developers@bank.example'),
    BANK_SUPPORT_PHONE: z.string().min(1).default('+55 11 4000-0000'),
    BANK_SUPPORT_HOURS: z.string().min(1).default('Mon-Fri 09:00-18:00 BRT'),
    BANK_SUPPORT_WEBSITE: z
      .url({ error: 'an http(s) URL' })
      .default('https://developers.bank.example/support'),
    // The bank's brand on the pages customers see (the authorization server's login and consent).
    BANK_LOGO_URL: z
      .url({ protocol: /^(https|data)$/, error: "an https (or data:) URL of the bank's logo" })
      .optional(),
    BANK_COLOR_PRIMARY: colour('#0b5394'),
    BANK_COLOR_ACCENT: colour('#f1a208'),
    BANK_COLOR_TEXT: colour('#1b1b1b'),
    BANK_CUSTOMER_SUPPORT_PHONE: z.string().min(1).default('0800 000 0000'),
    BANK_CUSTOMER_SUPPORT_EMAIL: z.email({ error: 'an email address' }).default('atendimento@bank.example'),
    BANK_CUSTOMER_SUPPORT_URL: z.url({ error: 'an http(s) URL' }).default('https://bank.example/atendimento'),
    BANK_PRIVACY_URL: z.url({ error: 'an http(s) URL' }).default('https://bank.example/privacidade'),
    BANK_TERMS_URL: z.url({ error: 'an http(s) URL' }).default('https://bank.example/termos'),
    BANK_TIME_ZONE: z
      .string()
      .refine(isTimeZone, { error: 'an IANA time zone such as America/Sao_Paulo' })
      .default('America/Sao_Paulo'),
    DISCOVERY_AGENT_TOKEN: z
      .string()
      .min(20, { error: "the AS's initial access token for the Discovery Agent" })
      .optional(),
    DISCOVERY_AGENT_AUTH_CA: z
      .string()
      .min(1, { error: "a path to the PEM CA of the AS's certificate" })
      .optional(),
    CREDENTIAL_ROTATION_OVERLAP: seconds(24 * 3600),
    CREDENTIAL_LIFETIME: seconds(365 * 24 * 3600),
    PROVISIONING_STEP_TIMEOUT: seconds(15),
    PROVISIONING_STEP_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8),

    SELF_SERVICE_ENABLED: bool.default(true),
    SESSION_COOKIE_SECURE: bool.optional(),
    ADMIN_SESSION_TTL: seconds(30 * 60),
    SELF_SERVICE_SESSION_TTL: seconds(10 * 60),
    DEVELOPER_SESSION_TTL: seconds(60 * 60),

    CONNECTOR: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, {
        error: 'a registered connector name, e.g. rest-core-banking or mock-core-banking',
      })
      .default('rest-core-banking'),
    CORE_BANKING_PORT: port(8600),
    CORE_BANKING_URL: z
      .url({
        protocol: /^https?$/,
        error: 'the http(s) URL of the core banking service, e.g. http://core.bank:8600',
      })
      .optional(),
    CORE_BANKING_TIMEOUT: seconds(5),
    CORE_BANKING_SOURCE: z.enum(['mongodb', 'memory'], { error: 'mongodb or memory' }).default('mongodb'),

    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\/.+/, { error: 'a Redis URL, redis://host:6379 or rediss://…' })
      .optional(),
    REDIS_KEY_PREFIX: z
      .string()
      .regex(/^[\w:.-]{1,64}$/, { error: 'a key prefix of letters, digits and _ : . -' })
      .default('obp:traffic'),
    GATEWAY_GLOBAL_TPS: perWindow(DEFAULT_TRAFFIC_LIMITS.globalTps, 'second'),
    TRAFFIC_LIMIT_HIGH: perWindow(OFB_ORIGIN_FLOORS.high, 'minute'),
    TRAFFIC_LIMIT_MEDIUM_HIGH: perWindow(OFB_ORIGIN_FLOORS.mediumHigh, 'minute'),
    TRAFFIC_LIMIT_MEDIUM: perWindow(OFB_ORIGIN_FLOORS.medium, 'minute'),
    TRAFFIC_LIMIT_LOW: perWindow(OFB_ORIGIN_FLOORS.low, 'minute'),
    OFB_OPERATIONAL_LIMITS: bool.default(false),
    // Off: the bank limits traffic in front of the platform (its API management), or a capacity
    // benchmark measures what the platform can carry (bench:gateway --own).
    TRAFFIC_LIMITS: bool.default(true),
    LOGIN_LIMIT_PER_ADDRESS: perWindow(DEFAULT_TRAFFIC_LIMITS.perAddress.loginsPerMinute, 'minute'),
    CODE_LIMIT_PER_ADDRESS: perWindow(DEFAULT_TRAFFIC_LIMITS.perAddress.codesPerMinute, 'minute'),
    SIGNUP_LIMIT_PER_ADDRESS: perWindow(DEFAULT_TRAFFIC_LIMITS.perAddress.signupsPerHour, 'hour'),
    ENROLMENT_LIMIT_PER_ADDRESS: perWindow(DEFAULT_TRAFFIC_LIMITS.perAddress.enrolmentsPerHour, 'hour'),
  })
  .superRefine((env, ctx) => {
    if (Boolean(env.TLS_CERT) !== Boolean(env.TLS_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.TLS_CERT ? 'TLS_KEY' : 'TLS_CERT'],
        message: 'set together with its pair: TLS needs both TLS_CERT and TLS_KEY',
      });
    }
    if (env.NODE_ENV === 'production' && !env.TEMPORAL_PAYLOAD_KEYS) {
      ctx.addIssue({
        code: 'custom',
        path: ['TEMPORAL_PAYLOAD_KEYS'],
        message:
          'set in production: 32 random bytes in base64 that encrypt what workflows carry (CPFs, names) in Temporal',
      });
    }
    if (env.NODE_ENV === 'production' && !env.AUTH_KEY_ENCRYPTION_KEY) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_KEY_ENCRYPTION_KEY'],
        message:
          'set in production: 32 random bytes in base64 that encrypt the authorization server keys at rest',
      });
    }
    // Production secrets and addresses the development defaults stand in for: every replica must
    // share the secrets key, the AS issues the agent's token, and mailed links need the real URL.
    const productionRequired: [keyof typeof env, string][] = [
      [
        'MARKETPLACE_SECRETS_KEY',
        '32 random bytes in base64 that encrypt registration access tokens at rest',
      ],
      ['DISCOVERY_AGENT_TOKEN', "the authorization server's initial access token for the Discovery Agent"],
      ['MARKETPLACE_URL', 'the public URL of the marketplace, used in the links it mails'],
    ];
    for (const [name, what] of productionRequired)
      if (env.NODE_ENV === 'production' && !env[name])
        ctx.addIssue({ code: 'custom', path: [name], message: `set in production: ${what}` });
    if (Boolean(env.GATEWAY_CLIENT_CERT) !== Boolean(env.GATEWAY_CLIENT_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.GATEWAY_CLIENT_CERT ? 'GATEWAY_CLIENT_KEY' : 'GATEWAY_CLIENT_CERT'],
        message:
          'set together with its pair: the gateway needs both GATEWAY_CLIENT_CERT and GATEWAY_CLIENT_KEY',
      });
    }
    if (Boolean(env.TEMPORAL_TLS_CERT) !== Boolean(env.TEMPORAL_TLS_KEY)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.TEMPORAL_TLS_CERT ? 'TEMPORAL_TLS_KEY' : 'TEMPORAL_TLS_CERT'],
        message: 'set together with its pair: mTLS needs both TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY',
      });
    }
  });

type Env = z.infer<typeof envSchema>;

export interface TemporalConfig {
  /** host:port of the frontend. */
  address: string;
  namespace: string;
  /** True when no TEMPORAL_ADDRESS was given and `npm start` runs the dev server itself. */
  embedded: boolean;
  connectTimeoutMs: number;
  apiKey?: string;
  tls?: { certPath?: string; keyPath?: string; caPath?: string; serverName?: string };
  /**
   * AES-256 keys of the payload codec, the one that encrypts first. Undefined in development: one
   * key is generated in `devPayloadKeyFile`.
   */
  payloadKeys?: Buffer[];
  devPayloadKeyFile: string;
  devServer: { port: number; uiPort: number; dbFile: string; cliPath?: string };
}

export interface MongoConfig {
  uri: string;
  database: string;
  /** True when no MONGODB_URI was given and `npm start` runs FerretDB itself. */
  embedded: boolean;
  connectTimeoutMs: number;
  /** Deadline of every database operation: server selection, socket silence and maxTimeMS. */
  operationTimeoutMs: number;
  devServer: { port: number; dataDir: string; stateDir: string; binaryPath?: string };
}

/** The bank's brand on its customer pages: one theme (lib/http/html.ts), set by BANK_* variables. */
export interface Branding {
  name: string;
  /** Undefined: the pages show a monogram of the name. */
  logoUrl?: string;
  colors: { primary: string; accent: string; text: string };
  support: { phone: string; email: string; url: string };
  legal: { privacyUrl: string; termsUrl: string };
  /** The customers' local time (an IANA zone): times on their pages are shown in it. */
  timeZone: string;
}

export interface Config {
  env: Env['NODE_ENV'];
  log: { level: Env['LOG_LEVEL']; format: Env['LOG_FORMAT'] };
  dataDir: string;
  host: string;
  temporal: TemporalConfig;
  mongo: MongoConfig;
  http: {
    marketplacePort: number;
    workerPort: number;
    authPort: number;
    gatewayPort: number;
    /** How long an HTTP request may take before the component answers 503/504 itself. */
    requestBudgetMs: number;
  };
  gateway: {
    /** The gateway's own client at the AS, which introspects every token (tls_client_auth). */
    clientId: string;
    /** Undefined in development: the dev PKI's gateway client certificate is used. */
    clientCertPath?: string;
    clientKeyPath?: string;
    /** Subject DN the AS expects of that certificate; undefined in development. */
    clientDn?: string;
    authCaPath?: string;
    introspectionCacheMs: number;
    /** How long a consent's and a client's state is reused per replica; 0 reads it on every call. */
    stateCacheMs: number;
  };
  auth: {
    issuer: string;
    resourceServer: string;
    /** Undefined in development: a key is generated under DATA_DIR. */
    keyEncryptionKey?: Buffer;
    dir: string;
    /** Undefined in development: the dev directory under DATA_DIR/directory is used. */
    directoryJwksPath?: string;
    directoryDir: string;
    requireSoftwareStatement: boolean;
    /** Clients (the gateway) that may introspect any token. */
    introspectionClients: string[];
  };
  tls: { certPath?: string; keyPath?: string; clientCaPath?: string; pkiDir: string };
  mtls: { proxyHeader?: string; trustedProxies: string[] };
  worker: { taskQueues?: string[] };
  shutdownGraceMs: number;
  /** `npm start`'s restarts: after how long not ready, the first backoff, and the cap per window. */
  supervisor: { notReadyLimitMs: number; backoffMs: number; maxRestarts: number; restartWindowMs: number };
  /** The cluster profile (`npm run start:cluster`); `npm start` ignores it. */
  cluster: { replicas: number; postgresUrl: string; databasePrefix: string };
  housekeepingIntervalMs: number;
  /** The analytics roll-up schedule: how often it runs, how late events may be, how long data is kept. */
  analytics: {
    rollupEveryMs: number;
    latenessMs: number;
    retention: { rawMs: number; minuteMs: number; hourMs: number; dayMs: number };
  };
  consent: {
    authorisationWindowMs: number;
    bankId: string;
    /** The data provider party of FDX consent grants. */
    bankName: string;
    bankHomeUri: string;
    /** The bank in OFB account data. */
    bankCnpj: string;
    bankCompeCode: string;
    bankRoutingNumber: string;
    maxPerRecipient: number;
  };
  branding: Branding;
  onboarding: { bankAdminsEmail: string; reminderIntervalMs: number; reviewTimeoutMs: number };
  /** The developer marketplace and its Discovery Agent (the `provisioning` workflow). */
  marketplace: {
    url: string;
    /** Undefined in development: a key is generated under DATA_DIR/marketplace. */
    secretsKey?: Buffer;
    secretsDir: string;
    fdxSpecsDir: string;
    support: { name: string; email: string; phone: string; hours: string; website: string };
  };
  discoveryAgent: {
    /** Undefined in development: read from DATA_DIR/auth/discovery-agent-token. */
    registrationToken?: string;
    authCaPath?: string;
    rotationOverlapMs: number;
    lifetimeMs: number;
    stepTimeoutMs: number;
    stepAttempts: number;
  };
  /** The bank's consent console (/admin) and the customers' self-service pages (/my). */
  consoles: {
    /** Base URL of the Temporal UI, for links to a consent's workflow. */
    temporalUiUrl: string;
    selfServiceEnabled: boolean;
    /** Session cookies only over https (true in production: the marketplace sits behind TLS). */
    secureCookies: boolean;
    /** Idle time after which a session ends. */
    adminSessionTtlMs: number;
    selfServiceSessionTtlMs: number;
    developerSessionTtlMs: number;
  };
  /** The bank connector the worker uses, and the mock core banking service it reaches by default. */
  connectors: {
    connector: string;
    coreBanking: {
      port: number;
      /** Where the rest-core-banking connector finds the core. */
      url: string;
      timeoutMs: number;
      /** Where the mock core reads its data: its MongoDB collections, or the dataset in memory. */
      source: 'mongodb' | 'memory';
    };
  };
  /** Traffic limits (lib/traffic/limits.ts) and where their counters live. */
  traffic: {
    /** TRAFFIC_LIMITS: false when the bank limits traffic in front of the platform. */
    enabled: boolean;
    /** Counters shared by every replica in Redis; undefined: counted in each process. */
    redisUrl?: string;
    keyPrefix: string;
    limits: TrafficLimits;
  };
}

function describe(issue: z.core.$ZodIssue, env: NodeJS.ProcessEnv): string {
  const name = String(issue.path[0] ?? 'environment');
  const raw = env[name];
  const got = raw === undefined || SECRET.has(name) ? '' : `, got ${JSON.stringify(raw)}`;
  return `${name} must be ${issue.message}${got}`;
}

/** Parse and validate the environment. Throws ConfigError with one line naming every bad variable. */
function brandingFrom(e: Env): Branding {
  return {
    name: e.BANK_NAME,
    ...(e.BANK_LOGO_URL ? { logoUrl: e.BANK_LOGO_URL } : {}),
    colors: { primary: e.BANK_COLOR_PRIMARY, accent: e.BANK_COLOR_ACCENT, text: e.BANK_COLOR_TEXT },
    support: {
      phone: e.BANK_CUSTOMER_SUPPORT_PHONE,
      email: e.BANK_CUSTOMER_SUPPORT_EMAIL,
      url: e.BANK_CUSTOMER_SUPPORT_URL,
    },
    legal: { privacyUrl: e.BANK_PRIVACY_URL, termsUrl: e.BANK_TERMS_URL },
    timeZone: e.BANK_TIME_ZONE,
  };
}

/** The brand with every BANK_* variable at its default (tests, and pages given no configuration). */
export const DEFAULT_BRANDING: Branding = brandingFrom(envSchema.parse({}));

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings are treated as unset so `FOO= npm start` falls back to the default.
  const env = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== '')) as NodeJS.ProcessEnv;
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      `Invalid configuration: ${parsed.error.issues.map((i) => describe(i, env)).join('; ')}`,
    );
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const tlsWanted = e.TEMPORAL_TLS ?? Boolean(e.TEMPORAL_TLS_CERT || e.TEMPORAL_API_KEY || e.TEMPORAL_TLS_CA);
  return {
    env: e.NODE_ENV,
    log: { level: e.LOG_LEVEL, format: e.LOG_FORMAT },
    dataDir,
    host: e.HOST,
    temporal: {
      address: e.TEMPORAL_ADDRESS ?? `127.0.0.1:${e.TEMPORAL_PORT}`,
      namespace: e.TEMPORAL_NAMESPACE,
      embedded: e.TEMPORAL_ADDRESS === undefined,
      connectTimeoutMs: e.TEMPORAL_CONNECT_TIMEOUT * 1000,
      ...(e.TEMPORAL_API_KEY ? { apiKey: e.TEMPORAL_API_KEY } : {}),
      ...(tlsWanted
        ? {
            tls: {
              certPath: e.TEMPORAL_TLS_CERT,
              keyPath: e.TEMPORAL_TLS_KEY,
              caPath: e.TEMPORAL_TLS_CA,
              serverName: e.TEMPORAL_TLS_SERVER_NAME,
            },
          }
        : {}),
      ...(e.TEMPORAL_PAYLOAD_KEYS
        ? { payloadKeys: e.TEMPORAL_PAYLOAD_KEYS.split(',').map((k) => Buffer.from(k, 'base64')) }
        : {}),
      devPayloadKeyFile: path.join(dataDir, 'temporal', 'payload-key'),
      devServer: {
        port: e.TEMPORAL_PORT,
        uiPort: e.TEMPORAL_UI_PORT,
        dbFile: path.join(dataDir, 'temporal', 'temporal.db'),
        cliPath: e.TEMPORAL_CLI_PATH,
      },
    },
    mongo: {
      uri: e.MONGODB_URI ?? `mongodb://127.0.0.1:${e.MONGODB_PORT}/`,
      database: e.MONGODB_DATABASE,
      embedded: e.MONGODB_URI === undefined,
      connectTimeoutMs: e.MONGODB_CONNECT_TIMEOUT * 1000,
      operationTimeoutMs: Math.round(e.MONGODB_OPERATION_TIMEOUT * 1000),
      devServer: {
        port: e.MONGODB_PORT,
        dataDir: path.join(dataDir, 'ferretdb'),
        stateDir: path.join(dataDir, 'ferretdb-state'),
        binaryPath: e.FERRETDB_PATH,
      },
    },
    http: {
      marketplacePort: e.MARKETPLACE_PORT,
      workerPort: e.WORKER_PORT,
      authPort: e.AUTH_PORT,
      gatewayPort: e.GATEWAY_PORT,
      requestBudgetMs: Math.round(e.HTTP_REQUEST_BUDGET * 1000),
    },
    gateway: {
      clientId: e.GATEWAY_CLIENT_ID,
      clientCertPath: e.GATEWAY_CLIENT_CERT,
      clientKeyPath: e.GATEWAY_CLIENT_KEY,
      clientDn: e.AUTH_GATEWAY_CLIENT_DN,
      authCaPath: e.GATEWAY_AUTH_CA,
      introspectionCacheMs: e.GATEWAY_INTROSPECTION_CACHE * 1000,
      stateCacheMs: Math.round(e.GATEWAY_STATE_CACHE * 1000),
    },
    auth: {
      issuer: (e.AUTH_ISSUER ?? `https://localhost:${e.AUTH_PORT}`).replace(/\/$/, ''),
      resourceServer: (e.GATEWAY_URL ?? `https://localhost:${e.GATEWAY_PORT}`).replace(/\/$/, ''),
      ...(e.AUTH_KEY_ENCRYPTION_KEY
        ? { keyEncryptionKey: Buffer.from(e.AUTH_KEY_ENCRYPTION_KEY, 'base64') }
        : {}),
      dir: path.join(dataDir, 'auth'),
      directoryJwksPath: e.OFB_DIRECTORY_JWKS,
      directoryDir: path.join(dataDir, 'directory'),
      requireSoftwareStatement: e.AUTH_REQUIRE_SOFTWARE_STATEMENT,
      introspectionClients: e.AUTH_INTROSPECTION_CLIENTS?.split(',') ?? [],
    },
    tls: {
      certPath: e.TLS_CERT,
      keyPath: e.TLS_KEY,
      clientCaPath: e.MTLS_CLIENT_CA,
      pkiDir: path.join(dataDir, 'pki'),
    },
    mtls: { proxyHeader: e.MTLS_PROXY_HEADER, trustedProxies: e.MTLS_TRUSTED_PROXIES?.split(',') ?? [] },
    worker: { taskQueues: e.WORKER_TASK_QUEUES?.split(',') },
    shutdownGraceMs: e.SHUTDOWN_GRACE * 1000,
    supervisor: {
      notReadyLimitMs: e.SUPERVISOR_NOT_READY_LIMIT * 1000,
      backoffMs: e.SUPERVISOR_BACKOFF * 1000,
      maxRestarts: e.SUPERVISOR_MAX_RESTARTS,
      restartWindowMs: e.SUPERVISOR_RESTART_WINDOW * 1000,
    },
    cluster: {
      replicas: e.CLUSTER_REPLICAS,
      postgresUrl: e.POSTGRES_URL.replace(/\/$/, ''),
      databasePrefix: e.CLUSTER_DATABASE_PREFIX,
    },
    housekeepingIntervalMs: e.HOUSEKEEPING_INTERVAL * 1000,
    analytics: {
      rollupEveryMs: Math.round(e.ANALYTICS_ROLLUP_EVERY * 1000),
      latenessMs: Math.round(e.ANALYTICS_ROLLUP_LATENESS * 1000),
      retention: {
        rawMs: Math.round(e.ANALYTICS_RETENTION_RAW_DAYS * 86_400_000),
        minuteMs: Math.round(e.ANALYTICS_RETENTION_MINUTE_DAYS * 86_400_000),
        hourMs: Math.round(e.ANALYTICS_RETENTION_HOUR_DAYS * 86_400_000),
        dayMs: Math.round(e.ANALYTICS_RETENTION_DAY_DAYS * 86_400_000),
      },
    },
    consent: {
      authorisationWindowMs: e.CONSENT_AUTHORISATION_WINDOW * 1000,
      bankId: e.BANK_ID,
      bankName: e.BANK_NAME,
      bankHomeUri: e.BANK_HOME_URI,
      bankCnpj: e.BANK_CNPJ,
      bankCompeCode: e.BANK_COMPE_CODE,
      bankRoutingNumber: e.BANK_ROUTING_NUMBER,
      maxPerRecipient: e.CONSENT_MAX_PER_RECIPIENT,
    },
    branding: brandingFrom(e),
    onboarding: {
      bankAdminsEmail: e.ONBOARDING_ADMIN_EMAIL,
      reminderIntervalMs: e.ONBOARDING_REMINDER_INTERVAL * 1000,
      reviewTimeoutMs: e.ONBOARDING_REVIEW_TIMEOUT * 1000,
    },
    marketplace: {
      url: (e.MARKETPLACE_URL ?? `http://127.0.0.1:${e.MARKETPLACE_PORT}`).replace(/\/$/, ''),
      ...(e.MARKETPLACE_SECRETS_KEY ? { secretsKey: Buffer.from(e.MARKETPLACE_SECRETS_KEY, 'base64') } : {}),
      secretsDir: path.join(dataDir, 'marketplace'),
      fdxSpecsDir: path.resolve(e.FDX_SPECS_DIR ?? path.join(PROJECT_ROOT, '..', 'shared', 'specs', 'fdx')),
      support: {
        name: e.BANK_SUPPORT_NAME,
        email: e.BANK_SUPPORT_EMAIL,
        phone: e.BANK_SUPPORT_PHONE,
        hours: e.BANK_SUPPORT_HOURS,
        website: e.BANK_SUPPORT_WEBSITE,
      },
    },
    discoveryAgent: {
      ...(e.DISCOVERY_AGENT_TOKEN ? { registrationToken: e.DISCOVERY_AGENT_TOKEN } : {}),
      authCaPath: e.DISCOVERY_AGENT_AUTH_CA,
      rotationOverlapMs: e.CREDENTIAL_ROTATION_OVERLAP * 1000,
      lifetimeMs: e.CREDENTIAL_LIFETIME * 1000,
      stepTimeoutMs: e.PROVISIONING_STEP_TIMEOUT * 1000,
      stepAttempts: e.PROVISIONING_STEP_ATTEMPTS,
    },
    consoles: {
      // 127.0.0.1 as the marketplace: the UI's codec calls then carry the console's session cookie.
      temporalUiUrl: (e.TEMPORAL_UI_URL ?? `http://127.0.0.1:${e.TEMPORAL_UI_PORT}`).replace(/\/$/, ''),
      selfServiceEnabled: e.SELF_SERVICE_ENABLED,
      secureCookies: e.SESSION_COOKIE_SECURE ?? e.NODE_ENV === 'production',
      adminSessionTtlMs: e.ADMIN_SESSION_TTL * 1000,
      selfServiceSessionTtlMs: e.SELF_SERVICE_SESSION_TTL * 1000,
      developerSessionTtlMs: e.DEVELOPER_SESSION_TTL * 1000,
    },
    connectors: {
      connector: e.CONNECTOR,
      coreBanking: {
        port: e.CORE_BANKING_PORT,
        url: (e.CORE_BANKING_URL ?? `http://127.0.0.1:${e.CORE_BANKING_PORT}`).replace(/\/$/, ''),
        timeoutMs: e.CORE_BANKING_TIMEOUT * 1000,
        source: e.CORE_BANKING_SOURCE,
      },
    },
    traffic: {
      enabled: e.TRAFFIC_LIMITS,
      ...(e.REDIS_URL ? { redisUrl: e.REDIS_URL } : {}),
      keyPrefix: e.REDIS_KEY_PREFIX,
      limits: trafficLimits({
        globalTps: e.GATEWAY_GLOBAL_TPS,
        classes: {
          high: e.TRAFFIC_LIMIT_HIGH,
          mediumHigh: e.TRAFFIC_LIMIT_MEDIUM_HIGH,
          medium: e.TRAFFIC_LIMIT_MEDIUM,
          low: e.TRAFFIC_LIMIT_LOW,
        },
        operationalLimits: e.OFB_OPERATIONAL_LIMITS,
        perAddress: {
          loginsPerMinute: e.LOGIN_LIMIT_PER_ADDRESS,
          codesPerMinute: e.CODE_LIMIT_PER_ADDRESS,
          signupsPerHour: e.SIGNUP_LIMIT_PER_ADDRESS,
          enrolmentsPerHour: e.ENROLMENT_LIMIT_PER_ADDRESS,
        },
      }),
    },
  };
}
