// Development stand-ins for secrets a bank provides in production.
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The key-encryption key under DATA_DIR/auth, created once (mode 0600). */
export function devKeyEncryptionKey(dir: string): Buffer {
  return devSecretKey(dir, 'key-encryption-key');
}

/**
 * A random 32-byte key in `dir/name`, created once (mode 0600). Replicas starting together on one
 * DATA_DIR agree on it: the key is written whole to a file of this process, then linked to its name,
 * which only the first link gets; nobody reads a file half written.
 */
export function devSecretKey(dir: string, name: string): Buffer {
  const file = path.join(dir, name);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    try {
      linkSync(draft, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      unlinkSync(draft);
    }
  }
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

/** Development registration tokens under DATA_DIR/auth, written by the authorization server. */
export const REGISTRATION_TOKEN_FILE = 'registration-token';
export const DISCOVERY_AGENT_TOKEN_FILE = 'discovery-agent-token';
