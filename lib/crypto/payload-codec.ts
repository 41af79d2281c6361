// Temporal payloads encrypted before they leave the process: workflow inputs, results, updates,
// queries, signals, activity arguments and memos carry customers' CPFs and contacts' names and
// e-mails, and Temporal (its database, its UI, its CLI) must only ever hold ciphertext.
//
// Each payload becomes `binary/encrypted`: AES-256-GCM over the original payload (metadata and
// data, as Temporal's protobuf), with the key's id in the metadata so keys can rotate: the first
// key encrypts, every configured key decrypts. Payloads written before the codec (plain
// `json/plain` and the like) pass through unchanged, so older histories replay and running
// workflows carry on.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'encryption-key-id';
const CIPHER = 'encryption-cipher';
const AES_256_GCM = 'AES-256-GCM';
const IV_BYTES = 12;
const TAG_BYTES = 16;

const utf8 = new TextEncoder();
const text = new TextDecoder();

/** A key's public name: a keyed hash of it, so ids need no configuration and reveal nothing. */
export function payloadKeyId(key: Buffer): string {
  return createHmac('sha256', key).update('temporal-payload-key-id').digest('base64url').slice(0, 11);
}

export class PayloadDecryptionError extends Error {
  override name = 'PayloadDecryptionError';
}

export class PayloadEncryptionCodec implements PayloadCodec {
  private readonly current: { id: string; key: Buffer };
  private readonly byId: Map<string, Buffer>;

  /** `keys`: 32-byte AES keys, the one that encrypts first, older ones after it for decryption. */
  constructor(keys: readonly Buffer[]) {
    if (keys.length === 0) throw new Error('a payload codec needs at least one key');
    for (const key of keys) if (key.length !== 32) throw new Error('payload keys are 32 bytes (AES-256)');
    this.byId = new Map(keys.map((key) => [payloadKeyId(key), key]));
    this.current = { id: payloadKeyId(keys[0]!), key: keys[0]! };
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.encrypt(p));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((p) => this.decrypt(p));
  }

  /** True when the payload is this codec's ciphertext (as opposed to one written before it). */
  static isEncrypted(payload: Payload): boolean {
    const encoding = payload.metadata?.encoding;
    return encoding !== undefined && encoding !== null && text.decode(encoding) === ENCRYPTED_ENCODING;
  }

  private encrypt(payload: Payload): Payload {
    const { id, key } = this.current;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(additionalData(id));
    const body = Buffer.concat([cipher.update(PayloadMessage.encode(payload).finish()), cipher.final()]);
    return {
      metadata: {
        encoding: utf8.encode(ENCRYPTED_ENCODING),
        [CIPHER]: utf8.encode(AES_256_GCM),
        [KEY_ID]: utf8.encode(id),
      },
      data: Buffer.concat([iv, body, cipher.getAuthTag()]),
    };
  }

  private decrypt(payload: Payload): Payload {
    if (!PayloadEncryptionCodec.isEncrypted(payload)) return payload;
    const idBytes = payload.metadata?.[KEY_ID];
    const id = idBytes ? text.decode(idBytes) : '';
    const key = this.byId.get(id);
    if (!key)
      throw new PayloadDecryptionError(
        `a payload is encrypted with key ${JSON.stringify(id)}, which is not among TEMPORAL_PAYLOAD_KEYS`,
      );
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES)
      throw new PayloadDecryptionError('an encrypted payload is truncated');
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
    decipher.setAAD(additionalData(id));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plain: Buffer;
    try {
      plain = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new PayloadDecryptionError(
        'an encrypted payload failed its integrity check (altered or a wrong key)',
      );
    }
    const decoded = PayloadMessage.decode(plain);
    return { metadata: decoded.metadata, data: decoded.data };
  }
}

/** The key id is authenticated with the ciphertext: a payload cannot be relabelled to another key. */
const additionalData = (keyId: string) => utf8.encode(`${ENCRYPTED_ENCODING};${AES_256_GCM};${keyId}`);
