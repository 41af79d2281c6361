// Connections to Temporal: the embedded dev server, any self-hosted cluster (optionally mTLS),
// or Temporal Cloud (mTLS or API key), all from the same TemporalConfig.
import { readFileSync } from 'node:fs';
import { Connection, type ConnectionOptions } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { TemporalConfig } from './config.js';
import { sharedDevKey } from './crypto/dev-secret.js';
import { PayloadEncryptionCodec } from './crypto/payload-codec.js';
import { DependencyUnreachableError, StartupError, errorMessage } from './errors.js';
import type { Logger } from './logger.js';
import { retryUntilDeadline } from './retry.js';
import { ALL_SEARCH_ATTRIBUTES } from './temporal-search-attributes.js';

function readPem(file: string | undefined, variable: string): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new StartupError(`${variable} names ${file}, which cannot be read: ${errorMessage(err)}`);
  }
}

function tlsOptions(cfg: TemporalConfig) {
  if (!cfg.tls) return undefined;
  const crt = readPem(cfg.tls.certPath, 'TEMPORAL_TLS_CERT');
  const key = readPem(cfg.tls.keyPath, 'TEMPORAL_TLS_KEY');
  const ca = readPem(cfg.tls.caPath, 'TEMPORAL_TLS_CA');
  return {
    ...(crt && key ? { clientCertPair: { crt, key } } : {}),
    ...(ca ? { serverRootCACertificate: ca } : {}),
    ...(cfg.tls.serverName ? { serverNameOverride: cfg.tls.serverName } : {}),
  };
}

function connectionOptions(cfg: TemporalConfig): ConnectionOptions & NativeConnectionOptions {
  const tls = tlsOptions(cfg);
  return {
    address: cfg.address,
    ...(tls ? { tls } : {}),
    ...(cfg.apiKey ? { apiKey: cfg.apiKey } : {}),
  };
}

function retrying<T>(
  what: string,
  cfg: TemporalConfig,
  timeoutMs: number,
  connect: (attemptTimeoutMs: number) => Promise<T>,
): Promise<T> {
  return retryUntilDeadline(
    {
      timeoutMs,
      attemptMs: { min: 500, max: 5000 },
      delayMs: { first: 200, max: 2000 },
      giveUp: (err) =>
        new DependencyUnreachableError(
          `Cannot reach Temporal at ${cfg.address} (TEMPORAL_ADDRESS) for ${what} within ${Math.round(timeoutMs / 1000)} s: ${errorMessage(err)}`,
        ),
    },
    connect,
  );
}

/** Client connection (gRPC-js), retried until `timeoutMs` so components may start before the server. */
export function connectClient(cfg: TemporalConfig, timeoutMs = cfg.connectTimeoutMs): Promise<Connection> {
  return retrying('the client', cfg, timeoutMs, (connectTimeout) =>
    Connection.connect({ ...connectionOptions(cfg), connectTimeout }),
  );
}

/** Worker connection (Rust core), retried like connectClient. */
export function connectWorker(
  cfg: TemporalConfig,
  timeoutMs = cfg.connectTimeoutMs,
): Promise<NativeConnection> {
  return retrying('the worker', cfg, timeoutMs, () => NativeConnection.connect(connectionOptions(cfg)));
}

/**
 * The data converter of every Temporal client and worker of the platform: payloads are encrypted
 * with TEMPORAL_PAYLOAD_KEYS (in development, a key generated once under DATA_DIR), so Temporal
 * stores no personal data in clear. Search attributes are not payloads: they hold ids only.
 */
export function platformDataConverter(cfg: TemporalConfig): DataConverter {
  return { payloadCodecs: [platformPayloadCodec(cfg)] };
}

export function platformPayloadCodec(cfg: TemporalConfig): PayloadEncryptionCodec {
  return new PayloadEncryptionCodec(cfg.payloadKeys ?? [sharedDevKey(cfg.devPayloadKeyFile)]);
}

/**
 * Register the platform's custom search attributes, adding only the missing ones, so it is
 * safe on every start and on an existing database. Temporal Cloud refuses this call (attributes
 * are managed with tcld or the Cloud UI there); that is reported, not fatal.
 */
export async function ensureSearchAttributes(
  connection: Connection,
  namespace: string,
  logger: Logger,
  keys: readonly { name: string; type: string }[] = ALL_SEARCH_ATTRIBUTES,
): Promise<string[]> {
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = new Set(Object.keys(customAttributes ?? {}));
  const missing = keys.filter((k) => !existing.has(k.name));
  if (missing.length === 0) return [];
  const searchAttributes = Object.fromEntries(missing.map((k) => [k.name, indexedValueType(k.type)]));
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (code === grpcStatus.PERMISSION_DENIED || code === grpcStatus.UNIMPLEMENTED) {
      logger.warn(
        { missing: missing.map((k) => k.name) },
        'cannot register search attributes here; create them in the cluster',
      );
      return [];
    }
    if (code !== grpcStatus.ALREADY_EXISTS) throw err;
  }
  logger.info({ added: missing.map((k) => k.name) }, 'registered search attributes');
  return missing.map((k) => k.name);
}

// gRPC status codes returned by the operator service.
const grpcStatus = { ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, UNIMPLEMENTED: 12 } as const;

// temporal.api.enums.v1.IndexedValueType
const INDEXED_VALUE_TYPE = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
} as const;

function indexedValueType(type: string): number {
  const value = INDEXED_VALUE_TYPE[type as keyof typeof INDEXED_VALUE_TYPE];
  if (value === undefined) throw new Error(`unknown search attribute type ${type}`);
  return value;
}
