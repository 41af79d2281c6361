// Development stand-ins for secrets a bank provides in production.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The key-encryption key under DATA_DIR/auth, created once (mode 0600). */
export function devKeyEncryptionKey(dir: string): Buffer {
  const file = path.join(dir, 'key-encryption-key');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}
