// The payload codec every Temporal client and worker of the platform uses: what Temporal stores is
// ciphertext, readable with any configured key, refused when altered, and payloads written before
// the codec still read as they are.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { loadConfig } from '../../lib/config.js';
import { sharedDevKey } from '../../lib/crypto/dev-secret.js';
import {
  ENCRYPTED_ENCODING,
  PayloadDecryptionError,
  PayloadEncryptionCodec,
  payloadKeyId,
} from '../../lib/crypto/payload-codec.js';
import { platformPayloadCodec } from '../../lib/temporal.js';

const key = (n: number) => Buffer.alloc(32, n);
const consentInput = { state: { consentId: 'urn:bank:1', loggedUserDocument: '52998224725' } };
const plain = (): Payload => defaultPayloadConverter.toPayload(consentInput);
const bytesText = (p: Payload) =>
  Buffer.concat([
    ...Object.values(p.metadata ?? {}).map((v) => Buffer.from(v)),
    Buffer.from(p.data ?? new Uint8Array()),
  ]).toString('latin1');
const metadata = (p: Payload, name: string) => Buffer.from(p.metadata![name]!).toString('utf8');

describe('the payload codec', () => {
  it('stores only ciphertext and gives the payload back as it was', async () => {
    const codec = new PayloadEncryptionCodec([key(1)]);
    const [encoded] = await codec.encode([plain()]);
    expect(metadata(encoded!, 'encoding')).toBe(ENCRYPTED_ENCODING);
    expect(metadata(encoded!, 'encryption-key-id')).toBe(payloadKeyId(key(1)));
    expect(bytesText(encoded!)).not.toContain('52998224725');
    expect(bytesText(encoded!)).not.toContain('json/plain');

    const [decoded] = await codec.decode([encoded!]);
    expect(metadata(decoded!, 'encoding')).toBe('json/plain');
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(consentInput);
    // A fresh IV each time: equal inputs do not give equal ciphertexts.
    const [again] = await codec.encode([plain()]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(encoded!.data!))).toBe(false);
  });

  it('rotates keys: the first key encrypts, every listed key decrypts, a dropped key is named', async () => {
    const old = new PayloadEncryptionCodec([key(1)]);
    const rotated = new PayloadEncryptionCodec([key(2), key(1)]);
    const [byOld] = await old.encode([plain()]);
    const [byNew] = await rotated.encode([plain()]);
    expect(metadata(byNew!, 'encryption-key-id')).toBe(payloadKeyId(key(2)));
    for (const p of [byOld!, byNew!])
      expect(defaultPayloadConverter.fromPayload((await rotated.decode([p]))[0]!)).toEqual(consentInput);

    const retired = new PayloadEncryptionCodec([key(2)]);
    await expect(retired.decode([byOld!])).rejects.toThrow(
      new PayloadDecryptionError(
        `a payload is encrypted with key "${payloadKeyId(key(1))}", which is not among TEMPORAL_PAYLOAD_KEYS`,
      ),
    );
  });

  it('refuses a payload that was altered, relabelled to another key or truncated', async () => {
    const codec = new PayloadEncryptionCodec([key(2), key(1)]);
    const [encoded] = await codec.encode([plain()]);
    const flipped = Buffer.from(encoded!.data!);
    flipped[20] = flipped[20]! ^ 1;
    await expect(codec.decode([{ ...encoded, data: flipped }])).rejects.toThrow(/integrity check/);

    const relabelled = {
      ...encoded,
      metadata: { ...encoded!.metadata, 'encryption-key-id': Buffer.from(payloadKeyId(key(1))) },
    };
    await expect(codec.decode([relabelled])).rejects.toThrow(/integrity check/);
    await expect(codec.decode([{ ...encoded, data: new Uint8Array(10) }])).rejects.toThrow(/truncated/);
  });

  it('passes payloads written before the codec through unchanged (older histories replay)', async () => {
    const codec = new PayloadEncryptionCodec([key(1)]);
    const before = [
      plain(),
      defaultPayloadConverter.toPayload(undefined),
      defaultPayloadConverter.toPayload(null),
    ];
    await expect(codec.decode(before)).resolves.toEqual(before);
  });

  it('refuses keys that are not AES-256 keys', () => {
    expect(() => new PayloadEncryptionCodec([])).toThrow(/at least one key/);
    expect(() => new PayloadEncryptionCodec([Buffer.alloc(16)])).toThrow(/32 bytes/);
  });
});

describe('its keys', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'obp-payload-key-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('come from TEMPORAL_PAYLOAD_KEYS, the first encrypting, and are required in production', async () => {
    const keys = [key(3), key(4)].map((k) => k.toString('base64'));
    const cfg = loadConfig({ TEMPORAL_PAYLOAD_KEYS: keys.join(','), DATA_DIR: dataDir });
    expect(cfg.temporal.payloadKeys).toEqual([key(3), key(4)]);
    const [encoded] = await platformPayloadCodec(cfg.temporal).encode([plain()]);
    expect(metadata(encoded!, 'encryption-key-id')).toBe(payloadKeyId(key(3)));

    expect(() => loadConfig({ TEMPORAL_PAYLOAD_KEYS: 'short' })).toThrow(
      /TEMPORAL_PAYLOAD_KEYS must be a comma-separated list of keys, each 32 random bytes in base64 \(openssl rand -base64 32\); the first encrypts$/,
    );
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      /TEMPORAL_PAYLOAD_KEYS must be set in production/,
    );
  });

  it('in development, are one key generated under DATA_DIR that every process shares', async () => {
    const cfg = loadConfig({ DATA_DIR: dataDir });
    expect(cfg.temporal.payloadKeys).toBeUndefined();
    const file = path.join(dataDir, 'temporal', 'payload-key');
    expect(cfg.temporal.devPayloadKeyFile).toBe(file);
    const [encoded] = await platformPayloadCodec(cfg.temporal).encode([plain()]);
    // Another process of the same installation reads it back.
    const [decoded] = await platformPayloadCodec(loadConfig({ DATA_DIR: dataDir }).temporal).decode([
      encoded!,
    ]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(consentInput);
    expect(Buffer.from(readFileSync(file, 'utf8'), 'base64')).toHaveLength(32);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(sharedDevKey(file).equals(sharedDevKey(file))).toBe(true);
  });
});
