// `npm run auth:rotate-keys [-- --use sig|enc|cookie]`: add a new authorization server key. The
// old one stays published (or accepted, for cookies) until every token it signed has expired;
// each replica signs with the new key from its next start.
import { parseArgs } from 'node:util';
import { devKeyEncryptionKey } from '../auth/dev-secrets.js';
import { MAX_SIGNED_TOKEN_TTL, TTL } from '../auth/configuration.js';
import { rotateKey } from '../auth/keys/key-store.js';
import { connectDatabase } from '../db/connection.js';
import { loadConfig } from '../lib/config.js';
import { StartupError } from '../lib/errors.js';
import { createLogger } from '../lib/logger.js';
import { runMain } from '../lib/main.js';

runMain('rotate-keys', async () => {
  const { values } = parseArgs({ options: { use: { type: 'string', default: 'sig' } } });
  const use = values.use;
  if (use !== 'sig' && use !== 'enc' && use !== 'cookie')
    throw new StartupError('--use must be sig, enc or cookie');
  const cfg = loadConfig();
  const db = await connectDatabase(
    cfg.mongo,
    createLogger('rotate-keys', { log: { ...cfg.log, level: 'warn' } }),
  );
  // Keep the old key for the longest life of what it protected, plus a minute of clock skew.
  const retireAfterMs = ((use === 'cookie' ? TTL.Session : MAX_SIGNED_TOKEN_TTL) + 60) * 1000;
  const kid = await rotateKey(
    db.models.AuthKey,
    cfg.auth.keyEncryptionKey ?? devKeyEncryptionKey(cfg.auth.dir),
    use,
    retireAfterMs,
  );
  console.log(
    `new ${use} key ${kid}; the previous one retires in ${retireAfterMs / 1000} s. Restart the authorization server replicas to use it.`,
  );
  await db.close();
  process.exit(0);
});
