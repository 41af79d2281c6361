// The bare route the gateway is compared with: an Express app in a process of its own, on HTTPS
// with the gateway's TLS settings (the same server certificate, the client CA, a client
// certificate requested, the same protocol settings), answering every request with the status, headers and bytes the gateway
// gave for the accounts list — without checking anything. What is left between it and the gateway
// is the platform's own work per call.
// Started by the benchmark with BARE_PORT, BARE_PKI_DIR (the platform's development PKI) and
// BARE_ANSWER (a JSON file: {status, headers, body}); it prints `listening <port>` when ready.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { fapiServerOptions } from '../../../lib/tls.js';

const pki = process.env.BARE_PKI_DIR!;
const read = (name: string) => readFileSync(path.join(pki, name), 'utf8');
const answer = JSON.parse(readFileSync(process.env.BARE_ANSWER!, 'utf8')) as {
  status: number;
  headers: Record<string, string>;
  body: string;
};
const body = Buffer.from(answer.body, 'utf8');

const app = express();
app.disable('x-powered-by');
app.disable('etag');
app.use((_req, res) => {
  res.status(answer.status).set(answer.headers).end(body);
});
// The gateway's server options (api/gateway/server.ts).
const server = https.createServer(
  fapiServerOptions({ cert: read('server.crt'), key: read('server.key'), clientCa: read('ca.crt') }),
  app,
);
server.listen(Number(process.env.BARE_PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening ${(server.address() as AddressInfo).port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
process.on('disconnect', () => process.exit(0));
