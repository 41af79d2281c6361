// `npm run pki:issue-client -- --subject "CN=my-app,O=My Company,C=BR" [--out DIR]`: a client
// certificate from the development CA, for a data recipient's mTLS and tls_client_auth.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDevPki, issueCertificate, subjectDn, writePem } from '../lib/pki/dev-pki.js';
import { loadConfig } from '../lib/config.js';
import { StartupError } from '../lib/errors.js';
import { runMain } from '../lib/main.js';

runMain('issue-client-cert', async () => {
  const { values } = parseArgs({
    options: {
      subject: { type: 'string' },
      out: { type: 'string', default: '.' },
      days: { type: 'string', default: '365' },
    },
  });
  if (!values.subject || !/^(\s*[A-Za-z]+=[^,]+)(,\s*[A-Za-z]+=[^,]+)*$/.test(values.subject)) {
    throw new StartupError('--subject must be a distinguished name, e.g. "CN=my-app,O=My Company,C=BR"');
  }
  const days = Number(values.days);
  if (!Number.isInteger(days) || days < 1 || days > 825)
    throw new StartupError('--days must be a whole number from 1 to 825');
  const cfg = loadConfig();
  const pki = await ensureDevPki(cfg.tls.pkiDir);
  const pem = await issueCertificate(pki.ca, { subject: values.subject, usage: 'client', days });
  const name = (/CN=([^,]+)/.exec(values.subject)?.[1] ?? 'client').trim().replace(/[^\w.-]+/g, '_');
  mkdirSync(values.out, { recursive: true });
  writePem(values.out, name, pem);
  console.log(`wrote ${path.join(values.out, `${name}.crt`)} and ${name}.key (keep the key private)`);
  console.log(`register it with tls_client_auth_subject_dn: ${subjectDn(pem.cert)}`);
  process.exit(0);
});
