// The Discovery Agent's connection to the authorization server, from configuration: where it
// registers clients, the initial access token it registers with, the CA it trusts, and the key
// that encrypts registration access tokens at rest. Development reads the token the AS wrote
// under DATA_DIR/auth and trusts the development CA.
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENDPOINTS } from '../auth/endpoints.js';
import { DISCOVERY_AGENT_TOKEN_FILE, devSecretKey } from '../auth/dev-secrets.js';
import { ensureDevPki } from '../lib/pki/dev-pki.js';
import type { Models } from '../db/models/index.js';
import type { Config } from '../lib/config.js';
import { tlsFetch } from '../lib/http/tls-fetch.js';
import type { DiscoveryAgentDeps } from './provisioning.js';

const MARKETPLACE_SECRETS_FILE = 'secrets-key';

function marketplaceSecretsKey(cfg: Config): Buffer {
  return cfg.marketplace.secretsKey ?? devSecretKey(cfg.marketplace.secretsDir, MARKETPLACE_SECRETS_FILE);
}

export async function discoveryAgentFromConfig(cfg: Config, models: Models): Promise<DiscoveryAgentDeps> {
  const ca = cfg.discoveryAgent.authCaPath
    ? readFileSync(cfg.discoveryAgent.authCaPath, 'utf8')
    : cfg.env === 'production'
      ? undefined
      : (await ensureDevPki(cfg.tls.pkiDir)).ca.cert;
  const tokenFile = path.join(cfg.auth.dir, DISCOVERY_AGENT_TOKEN_FILE);
  return {
    models,
    registrationEndpoint: `${cfg.auth.issuer}${ENDPOINTS.registration_endpoint}`,
    registrationToken: async () =>
      cfg.discoveryAgent.registrationToken ?? (await readFile(tokenFile, 'utf8')).trim(),
    secretsKey: marketplaceSecretsKey(cfg),
    fetch: tlsFetch({ ca }),
  };
}
