// The development stand-in for the OFB directory of participants: a PS256 key pair under
// DATA_DIR/directory whose public JWKS the authorization server trusts for software statements.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { importJWK, SignJWT, type JSONWebKeySet, type JWK } from 'jose';

const DEV_DIRECTORY_ISSUER = 'Open Banking Platform dev directory';

export interface DevDirectory {
  jwksPath: string;
  jwks: JSONWebKeySet;
  privateJwk: JWK;
}

export function ensureDevDirectory(dir: string): DevDirectory {
  const jwksPath = path.join(dir, 'jwks.json');
  const keyPath = path.join(dir, 'signing-key.jwk');
  if (!existsSync(keyPath)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const kid = `dev-directory-${randomUUID().slice(0, 8)}`;
    writeFileSync(
      keyPath,
      JSON.stringify({ ...privateKey.export({ format: 'jwk' }), kid, alg: 'PS256', use: 'sig' }),
      { mode: 0o600 },
    );
    writeFileSync(
      jwksPath,
      JSON.stringify(
        { keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg: 'PS256', use: 'sig' }] },
        null,
        2,
      ),
    );
  }
  return {
    jwksPath,
    jwks: JSON.parse(readFileSync(jwksPath, 'utf8')) as JSONWebKeySet,
    privateJwk: JSON.parse(readFileSync(keyPath, 'utf8')) as JWK,
  };
}

interface StatementInput {
  orgId: string;
  softwareId: string;
  clientName: string;
  redirectUris: string[];
  jwksUri?: string;
  roles?: string[];
}

/** Sign a software statement as the directory would. */
export async function issueSoftwareStatement(
  directory: DevDirectory,
  s: StatementInput,
  issuedAt = new Date(),
): Promise<string> {
  const key = await importJWK(directory.privateJwk, 'PS256');
  return new SignJWT({
    software_id: s.softwareId,
    org_id: s.orgId,
    software_client_name: s.clientName,
    software_redirect_uris: s.redirectUris,
    ...(s.jwksUri ? { software_jwks_uri: s.jwksUri } : {}),
    software_roles: s.roles ?? ['DADOS'],
  })
    .setProtectedHeader({ alg: 'PS256', kid: directory.privateJwk.kid as string, typ: 'JWT' })
    .setIssuer(DEV_DIRECTORY_ISSUER)
    .setIssuedAt(Math.floor(issuedAt.getTime() / 1000))
    .setJti(randomUUID())
    .sign(key);
}
