// A development stand-in for a secret key a bank provides in production, shared by every process
// of one installation through a file under DATA_DIR. The processes start together, so the first
// to create the file wins and every other one reads what it wrote (never a half-written file).
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A random 32-byte key in `file` (base64, mode 0600), created once. */
export function sharedDevKey(file: string): Buffer {
  if (!existsSync(file)) createOnce(file);
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
}

function createOnce(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const candidate = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(candidate, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
    // link() fails when the file exists: the winner's complete file is never replaced.
    linkSync(candidate, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  } finally {
    rmSync(candidate, { force: true });
  }
}
