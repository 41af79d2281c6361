// `npm run admin:create-staff -- --email ana@bank.example --role ADMIN [--name "Ana Souza"] [--reset]`:
// a bank staff user of the bank console. The password is read from stdin when one is piped in
// (`printf %s "$PW" | npm run …`); otherwise a strong one is generated and printed once. --reset
// replaces an existing user's role, name and password and lifts a lockout.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { MIN_STAFF_PASSWORD, saveStaffUser } from '../api/bank-console/staff-auth.js';
import { connectDatabase } from '../db/connection.js';
import { STAFF_ROLES, type StaffRole } from '../db/models/staff-user.js';
import { loadConfig } from '../lib/config.js';
import { StartupError } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { runMain } from '../lib/main.js';
import { normaliseEmail } from '../lib/web/email.js';

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

runMain('create-staff-user', async () => {
  const { values } = parseArgs({
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      name: { type: 'string' },
      reset: { type: 'boolean', default: false },
    },
  });
  const email = normaliseEmail(values.email ?? '');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email))
    throw new StartupError("--email must be the staff member's email address, e.g. --email ana@bank.example");
  const role = values.role as StaffRole;
  if (!STAFF_ROLES.includes(role)) throw new StartupError(`--role must be ${STAFF_ROLES.join(' or ')}`);

  const piped = await readStdin();
  if (piped && piped.length < MIN_STAFF_PASSWORD)
    throw new StartupError(`the password on stdin must have at least ${MIN_STAFF_PASSWORD} characters`);
  const password = piped || randomBytes(18).toString('base64url');

  const cfg = loadConfig();
  const db = await connectDatabase(
    cfg.mongo,
    createLogger('create-staff-user', { log: { ...cfg.log, level: 'warn' } }),
  );
  try {
    const result = await saveStaffUser(
      db.models,
      { email, role, name: values.name ?? email, password },
      { replace: values.reset },
    );
    if (result === 'exists')
      throw new StartupError(`${email} already exists; add --reset to replace its role and password`);
    console.log(`${result} ${role} staff user ${email}`);
    if (!piped) console.log(`password (shown once, give it to them securely): ${password}`);
  } finally {
    await db.close();
  }
  process.exit(0);
});
