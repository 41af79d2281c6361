// The payload codec of the test runs: every test client and worker encrypts with this key, as the
// platform's do with TEMPORAL_PAYLOAD_KEYS. It is fixed so that histories recorded by a run
// (test/fixtures/histories) replay in later ones.
import { createHash } from 'node:crypto';
import type { DataConverter } from '@temporalio/common';
import { PayloadEncryptionCodec } from '../../lib/crypto/payload-codec.js';

export const TEST_PAYLOAD_KEY = createHash('sha256').update('open-banking-platform test payloads').digest();

export const testPayloadCodec = () => new PayloadEncryptionCodec([TEST_PAYLOAD_KEY]);

export const testDataConverter = (): DataConverter => ({ payloadCodecs: [testPayloadCodec()] });

/** Every string and byte string in a value (a history, an API answer) as text: payload data is bytes. */
export function everyText(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('latin1'));
  else if (Array.isArray(value)) for (const v of value) everyText(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) everyText(v, out);
  return out;
}
