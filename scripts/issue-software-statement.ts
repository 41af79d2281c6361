// `npm run directory:issue-ssa -- --org-id ID --software-id ID --client-name NAME --redirect-uri URL [...]`:
// a software statement signed by the development directory, valid for 5 minutes, printed to stdout.
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { ensureDevDirectory, issueSoftwareStatement } from '../auth/directory/dev-directory.js';
import { loadConfig } from '../lib/config.js';
import { StartupError } from '../lib/errors.js';
import { runMain } from '../lib/main.js';

runMain('issue-software-statement', async () => {
  const { values } = parseArgs({
    options: {
      'org-id': { type: 'string', default: randomUUID() },
      'software-id': { type: 'string', default: randomUUID() },
      'client-name': { type: 'string' },
      'redirect-uri': { type: 'string', multiple: true },
      'jwks-uri': { type: 'string' },
    },
  });
  const redirectUris = values['redirect-uri'] ?? [];
  if (!values['client-name']) throw new StartupError('--client-name is required');
  if (redirectUris.length === 0 || redirectUris.some((u) => !u.startsWith('https://'))) {
    throw new StartupError('--redirect-uri is required, once per URI, and each must be https');
  }
  const cfg = loadConfig();
  if (cfg.auth.directoryJwksPath)
    throw new StartupError(
      'OFB_DIRECTORY_JWKS names a real directory: statements come from it, not from here',
    );
  const ssa = await issueSoftwareStatement(ensureDevDirectory(cfg.auth.directoryDir), {
    orgId: values['org-id'],
    softwareId: values['software-id'],
    clientName: values['client-name'],
    redirectUris,
    ...(values['jwks-uri'] ? { jwksUri: values['jwks-uri'] } : {}),
  });
  process.stdout.write(`${ssa}\n`);
  process.exit(0);
});
