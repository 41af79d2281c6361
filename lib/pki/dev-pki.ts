// The development PKI: a local CA that issues the authorization server's and gateway's TLS
// certificate and data recipients' client certificates (tls_client_auth, mTLS). Created on first
// start under DATA_DIR/pki; a bank in production brings its own (ICP-Brasil / OFB directory CAs).
// Server certificates carry RSA keys: the only cipher suites FAPI 1.0 Advanced §8.5 permits at
// TLS 1.2 are (EC)DHE_RSA ones. The CA and client certificates stay ECDSA P-256.
// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill first.
import 'reflect-metadata';
import { webcrypto, X509Certificate as NodeX509 } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import type { Logger } from '../logger.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
// PKCS#1 v1.5 only names the key's algorithm (rsaEncryption); TLS signs with it as it negotiates.
const SERVER_ALG = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
} as const;
const DAY = 24 * 60 * 60 * 1000;

export interface Pem {
  cert: string;
  key: string;
}

export interface DevPki {
  dir: string;
  ca: Pem;
  server: Pem;
  /** The gateway's client certificate: it introspects tokens at the AS with tls_client_auth. */
  gatewayClient: Pem;
}

export const DEV_GATEWAY_CLIENT_DN = 'CN=gateway,O=Open Banking Platform (development)';

async function exportKey(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function importKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decode(pem)[0]!;
  return webcrypto.subtle.importKey('pkcs8', der, ALG, false, ['sign']);
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16)))
    .toString('hex')
    .replace(/^[89a-f]/, '1');
}

async function createCa(): Promise<Pem> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=Open Banking Platform Dev CA,O=Open Banking Platform (development)',
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

interface IssueOptions {
  /** Distinguished name, e.g. `CN=tpp-app-1,O=Fintech Exemplo Ltda,C=BR`. */
  subject: string;
  /** DNS names and IP addresses for a server certificate. */
  dnsNames?: string[];
  ipAddresses?: string[];
  usage: 'server' | 'client';
  days?: number;
}

/** Issue a certificate signed by the CA. */
export async function issueCertificate(ca: Pem, opts: IssueOptions): Promise<Pem> {
  const caCert = new x509.X509Certificate(ca.cert);
  const caKey = await importKey(ca.key);
  const server = opts.usage === 'server';
  const keys = (await webcrypto.subtle.generateKey(server ? SERVER_ALG : ALG, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const names = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: opts.subject,
    issuer: caCert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + (opts.days ?? 825) * DAY),
    signingKey: caKey,
    publicKey: keys.publicKey,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.digitalSignature |
          (server ? x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.keyAgreement),
        true,
      ),
      new x509.ExtendedKeyUsageExtension([
        server ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth,
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
      ...(names.length ? [new x509.SubjectAlternativeNameExtension(names)] : []),
    ],
  });
  return { cert: cert.toString('pem'), key: await exportKey(keys.privateKey) };
}

function writePem(dir: string, name: string, pem: Pem): void {
  writeFileSync(path.join(dir, `${name}.crt`), pem.cert);
  writeFileSync(path.join(dir, `${name}.key`), pem.key, { mode: 0o600 });
  chmodSync(path.join(dir, `${name}.key`), 0o600);
}

function readPem(dir: string, name: string): Pem {
  return {
    cert: readFileSync(path.join(dir, `${name}.crt`), 'utf8'),
    key: readFileSync(path.join(dir, `${name}.key`), 'utf8'),
  };
}

/** Why a server certificate cannot serve the FAPI TLS 1.2 suites, or undefined when it can. */
export function fapiServerKeyProblem(certPem: string): string | undefined {
  const key = new NodeX509(certPem).publicKey;
  if (key.asymmetricKeyType !== 'rsa') return `its key is ${key.asymmetricKeyType ?? 'unknown'}, not RSA`;
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return bits < 2048 ? `its RSA key has ${bits} bits, fewer than 2048` : undefined;
}

/**
 * Load the dev PKI from `dir`, creating the CA and the server certificate the first time. A server
 * certificate from an earlier version that cannot use the FAPI cipher suites is issued again by the
 * same CA, so certificates already given to recipients stay valid.
 */
export async function ensureDevPki(dir: string, logger?: Pick<Logger, 'warn'>): Promise<DevPki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!existsSync(path.join(dir, 'ca.crt'))) writePem(dir, 'ca', await createCa());
  const ca = readPem(dir, 'ca');
  const serverCrt = path.join(dir, 'server.crt');
  const problem = existsSync(serverCrt) ? fapiServerKeyProblem(readFileSync(serverCrt, 'utf8')) : undefined;
  if (problem) {
    logger?.warn(
      { file: serverCrt, reason: problem },
      'the development server certificate cannot use the FAPI TLS 1.2 cipher suites: issuing a new one from the same CA',
    );
  }
  if (problem || !existsSync(serverCrt)) {
    const server = await issueCertificate(ca, {
      subject: 'CN=localhost,O=Open Banking Platform (development)',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1', '::1'],
      usage: 'server',
    });
    writePem(dir, 'server', server);
  }
  if (!existsSync(path.join(dir, 'gateway-client.crt'))) {
    writePem(
      dir,
      'gateway-client',
      await issueCertificate(ca, { subject: DEV_GATEWAY_CLIENT_DN, usage: 'client' }),
    );
  }
  return { dir, ca, server: readPem(dir, 'server'), gatewayClient: readPem(dir, 'gateway-client') };
}

/** The certificate's subject DN in RFC 4514-like one-line form (`CN=…,O=…`), as clients register it. */
export function subjectDn(certPem: string): string {
  return new NodeX509(certPem).subject.split('\n').join(',');
}

export { writePem };
