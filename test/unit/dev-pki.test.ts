// The development PKI's server certificate can serve FAPI's TLS 1.2 suites (an RSA key), also in a
// data directory made by an earlier version that issued an ECDSA one: that certificate is issued
// again by the same CA, so recipients' certificates stay valid, and the log says why.
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it, jest } from '@jest/globals';
import { ensureDevPki, fapiServerKeyProblem, issueCertificate, writePem } from '../../lib/pki/dev-pki.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'obp-dev-pki-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const keyOf = (pem: string) => new X509Certificate(pem).publicKey;

it('issues an RSA 2048 server certificate for localhost, signed by the CA', async () => {
  const pki = await ensureDevPki(path.join(root, 'fresh'));
  const server = new X509Certificate(pki.server.cert);
  expect(server.publicKey.asymmetricKeyType).toBe('rsa');
  expect(server.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  expect(server.checkHost('localhost')).toBe('localhost');
  expect(server.verify(keyOf(pki.ca.cert))).toBe(true);
  expect(fapiServerKeyProblem(pki.server.cert)).toBeUndefined();
  // Recipients' client certificates keep their ECDSA keys.
  expect(keyOf(pki.gatewayClient.cert).asymmetricKeyType).toBe('ec');
});

it('issues the server certificate again when an earlier one cannot use the FAPI suites', async () => {
  const dir = path.join(root, 'earlier');
  const before = await ensureDevPki(dir);
  // What earlier versions left: an ECDSA server certificate from the same CA.
  const ecdsa = await issueCertificate(before.ca, { subject: 'CN=localhost', usage: 'client' });
  writePem(dir, 'server', ecdsa);
  expect(fapiServerKeyProblem(ecdsa.cert)).toBe('its key is ec, not RSA');

  const warn = jest.fn();
  const after = await ensureDevPki(dir, { warn });
  expect(warn).toHaveBeenCalledTimes(1);
  expect(warn.mock.calls[0]![0]).toEqual({
    file: path.join(dir, 'server.crt'),
    reason: 'its key is ec, not RSA',
  });
  expect(keyOf(after.server.cert).asymmetricKeyType).toBe('rsa');
  expect(readFileSync(path.join(dir, 'server.crt'), 'utf8')).toBe(after.server.cert);
  // Same CA and same gateway client certificate: nothing a recipient holds changes.
  expect(after.ca).toEqual(before.ca);
  expect(after.gatewayClient).toEqual(before.gatewayClient);
  expect(new X509Certificate(after.server.cert).verify(keyOf(after.ca.cert))).toBe(true);

  // Once it can, it is left alone.
  const again = await ensureDevPki(dir, { warn });
  expect(again.server).toEqual(after.server);
  expect(warn).toHaveBeenCalledTimes(1);
});
