// One trace per call, from the gateway through the connector to the core, as an operator's
// collector receives it: the gateway (in process, traced as lib/main.ts traces every process) reads
// through the real rest-core-banking connector from the mock core running as its own process with
// OTEL_* set, both exporting OTLP/HTTP JSON to a stand-in collector. A consent lodged at the gateway
// continues into its workflow and activities through Temporal's interceptors. No span carries a
// token or anything about the customer.
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import * as oidc from 'openid-client';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { createConnector } from '../../../connectors/index.js';
import type { RestCoreBankingConnector } from '../../../connectors/rest-core-banking/connector.js';
import { activeSdk, startTracing, stopTracing } from '../../../lib/tracing/tracing.js';
import { tracingConfig } from '../../../lib/tracing/config.js';
import { tracedClientOptions, tracedWorkerOptions } from '../../../lib/tracing/temporal.js';
import { spawnGuarded } from '../../../runtime/process.js';
import { freePort } from '../../../runtime/ports.js';
import { consentWorker } from '../../../workers/consent.js';
import { projectRoot, testServers } from '../../helpers/env.js';
import { eventually } from '../../helpers/eventually.js';
import { OFB_CONSENTS, startTestGateway, type TestGateway } from '../../helpers/gateway.js';
import {
  authorisedTokensOfBothStandards,
  registerFdxRecipient,
  startOfbStack,
  type FdxRecipient,
  type OfbStack,
} from '../../helpers/ofb-journey.js';
import {
  OTLP_KIND,
  startOtlpReceiver,
  type OtlpReceiver,
  type ReceivedSpan,
} from '../../helpers/otlp-receiver.js';
import { quietSdk } from '../../helpers/platform.js';
import { cleanEnv } from '../../helpers/spawn.js';
import { tracked } from '../../helpers/teardown.js';

const [ana] = DEMO_CUSTOMERS;

let collector: OtlpReceiver;
let stack: OfbStack;
let fdx: FdxRecipient;
let ofbToken: string;
let fdxToken: string;
/** The recipient's client-credentials token that lodges a consent. */
let consentsToken: string;
let core: { url: string; child: ChildProcess; stderr: () => string };
let connector: RestCoreBankingConnector;
let gw: TestGateway;
let stopWorker: () => Promise<void>;

/** The mock core as `npm start` runs it, its traces going to the collector. */
async function startTracedCore(): Promise<typeof core> {
  const port = await freePort();
  const child = spawnGuarded(
    process.execPath,
    ['--import', 'tsx', 'connectors/mock-core-banking/server.ts'],
    {
      cwd: projectRoot,
      env: cleanEnv({
        CORE_BANKING_SOURCE: 'memory',
        CORE_BANKING_PORT: String(port),
        LOG_LEVEL: 'warn',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      }),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  tracked(() => void child.kill('SIGKILL'));
  const url = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    if (child.exitCode !== null) throw new Error(`the core exited: ${stderr}`);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  }, 60_000);
  return { url, child, stderr: () => stderr };
}

/** A worker for the consent workflows, traced as workers/main.ts traces its workers. */
async function startTracedConsentWorker(taskQueue: string) {
  const { temporalAddress, namespace } = testServers();
  quietSdk();
  const connection = await NativeConnection.connect({ address: temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace,
    ...consentWorker({ models: stack.db.models }, taskQueue),
    ...tracedWorkerOptions(),
  });
  const running = worker.run();
  return tracked(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
  });
}

beforeAll(async () => {
  collector = await startOtlpReceiver();
  stack = await startOfbStack(import.meta.url, 'tracing-recipient');
  fdx = await registerFdxRecipient(stack.as, 'FDX Tracing Recipient', 'CN=fdx-tracing,O=Recipient Inc,C=US');
  ({ ofbToken, fdxToken } = await authorisedTokensOfBothStandards(stack, fdx, ana!, [
    'ACCOUNTS_READ',
    'RESOURCES_READ',
  ]));

  core = await startTracedCore();
  // From here on this process traces as the gateway process does: configured from the environment.
  await startTracing(
    tracingConfig(
      { OTEL_EXPORTER_OTLP_ENDPOINT: collector.endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' },
      'gateway',
    ),
  );
  const taskQueue = `${stack.names.taskQueue}-traced`;
  stopWorker = await startTracedConsentWorker(taskQueue);
  const client = new Client({
    connection: stack.client.connection,
    namespace: testServers().namespace,
    ...tracedClientOptions(),
  });
  connector = createConnector('rest-core-banking', { url: core.url }) as RestCoreBankingConnector;
  gw = await startTestGateway({ ...stack, client, names: { ...stack.names, taskQueue } }, { connector });
}, 240_000);

afterAll(async () => {
  await gw?.stop();
  await connector?.close();
  await stopWorker?.();
  await stopTracing();
  core?.child.kill('SIGTERM');
  await stack?.stop();
  await collector?.stop();
});

/** The spans of one trace once `expected` have all arrived (the gateway's flushed, the core's batched). */
async function trace(traceId: string, expected: (spans: ReceivedSpan[]) => void): Promise<ReceivedSpan[]> {
  return eventually(async () => {
    await activeSdk()?.forceFlush();
    const spans = collector.spans.filter((s) => s.traceId === traceId);
    expected(spans);
    return spans;
  });
}

/** The gateway's own span of the call that carried `interactionId`. */
async function gatewaySpan(interactionId: string): Promise<ReceivedSpan> {
  return eventually(async () => {
    await activeSdk()?.forceFlush();
    const span = collector.spans.find((s) => s.attributes['fapi.interaction_id'] === interactionId);
    expect(span).toBeDefined();
    return span!;
  });
}

const one = (spans: ReceivedSpan[], match: (s: ReceivedSpan) => boolean, what: string) => {
  const found = spans.filter(match);
  if (found.length !== 1)
    throw new Error(`${what}: ${found.length} spans in ${JSON.stringify(spans.map((s) => s.name))}`);
  return found[0]!;
};

/** gateway ▸ connector ▸ HTTP to the core ▸ the core's own span, all of one trace. */
async function expectReadTraced(gateway: ReceivedSpan, route: string, operation: string, coreRoute: string) {
  expect(gateway).toMatchObject({
    service: 'gateway',
    kind: OTLP_KIND.SERVER,
    name: `GET ${route}`,
    parentSpanId: undefined,
    attributes: { 'http.route': route, 'http.response.status_code': 200, 'http.request.method': 'GET' },
  });
  const spans = await trace(gateway.traceId, (all) =>
    expect(all.filter((s) => s.service === 'core-banking')).toHaveLength(1),
  );
  const call = one(spans, (s) => s.name === `connector ${operation}`, 'connector span');
  expect(call).toMatchObject({
    service: 'gateway',
    kind: OTLP_KIND.INTERNAL,
    parentSpanId: gateway.spanId,
    attributes: {
      'connector.name': 'rest-core-banking',
      'connector.operation': operation,
      'connector.outcome': 'ok',
      'connector.attempts': 1,
    },
  });
  const template = coreRoute.replace(/:(\w+)/g, (_, id: string) =>
    id === 'cardId' ? '{creditCardAccountId}' : `{${id}}`,
  );
  const http = one(spans, (s) => s.kind === OTLP_KIND.CLIENT, 'HTTP client span');
  expect(http).toMatchObject({
    service: 'gateway',
    name: `GET ${template}`,
    parentSpanId: call.spanId,
    attributes: { 'url.template': template, 'http.response.status_code': 200 },
  });
  const served = one(spans, (s) => s.service === 'core-banking', "the core's span");
  expect(served).toMatchObject({
    kind: OTLP_KIND.SERVER,
    name: `GET ${coreRoute}`,
    parentSpanId: http.spanId,
    attributes: { 'http.route': coreRoute, 'http.response.status_code': 200 },
  });
}

describe('a read, traced end to end', () => {
  it('follows an OFB accounts call from the gateway through the connector to the core', async () => {
    const interactionId = randomUUID();
    const res = await gw.fetcher(stack.rp.cert)(`${gw.url}/open-banking/accounts/v2/accounts`, {
      headers: { authorization: `Bearer ${ofbToken}`, 'x-fapi-interaction-id': interactionId },
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { data: unknown[] }).data).toHaveLength(1);
    await expectReadTraced(
      await gatewaySpan(interactionId),
      '/open-banking/accounts/v2/accounts',
      'listAccounts',
      '/core/v1/customers/:customerId/accounts',
    );
  });

  it('follows an FDX accounts call the same way', async () => {
    const interactionId = randomUUID();
    const res = await gw.fetcher(fdx.cert)(`${gw.url}/fdx/v6/accounts`, {
      headers: { authorization: `Bearer ${fdxToken}`, 'x-fapi-interaction-id': interactionId },
    });
    expect(res.status).toBe(200);
    await expectReadTraced(
      await gatewaySpan(interactionId),
      '/fdx/v6/accounts',
      'listAccounts',
      '/core/v1/customers/:customerId/accounts',
    );
  });
});

describe('a consent lodged at the gateway', () => {
  it('continues into its workflow, the update it handles and the activity it runs', async () => {
    consentsToken = (await oidc.clientCredentialsGrant(stack.rp.config, { scope: 'consents' })).access_token;
    const interactionId = randomUUID();
    const res = await gw.fetcher(stack.rp.cert)(`${gw.url}${OFB_CONSENTS}/consents`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${consentsToken}`,
        'x-fapi-interaction-id': interactionId,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        data: {
          loggedUser: { document: { identification: ana!.cpf, rel: 'CPF' } },
          permissions: ['ACCOUNTS_READ', 'ACCOUNTS_BALANCES_READ', 'RESOURCES_READ'],
        },
      }),
    });
    expect(res.status).toBe(201);
    const { consentId } = ((await res.json()) as { data: { consentId: string } }).data;
    const gateway = await gatewaySpan(interactionId);
    expect(gateway).toMatchObject({ name: `POST ${OFB_CONSENTS}/consents`, parentSpanId: undefined });

    // The workflow's own run span ends with the workflow (this consent waits for its customer), so
    // what arrives now is the update it handled and the activity that wrote the record.
    const spans = await trace(gateway.traceId, (all) =>
      expect(all.map((s) => s.name)).toEqual(
        expect.arrayContaining([
          'HandleUpdate:lodged',
          'StartActivity:recordConsent',
          'RunActivity:recordConsent',
        ]),
      ),
    );
    // The client's span is the request's child (the body parser kept the request's context).
    const lodged = one(spans, (s) => s.name === 'UpdateWithStartWorkflow:lodged', 'client span');
    expect(lodged).toMatchObject({
      parentSpanId: gateway.spanId,
      attributes: { temporalWorkflowId: consentId },
    });
    expect(one(spans, (s) => s.name === 'HandleUpdate:lodged', 'update span').parentSpanId).toBe(
      lodged.spanId,
    );
    const scheduled = one(spans, (s) => s.name === 'StartActivity:recordConsent', 'activity scheduled');
    expect(one(spans, (s) => s.name === 'RunActivity:recordConsent', 'activity run')).toMatchObject({
      parentSpanId: scheduled.spanId,
      attributes: { temporalWorkflowId: consentId },
    });
  });
});

describe('what a trace never carries', () => {
  it('holds no access token and nothing about the customer in any span any process exported', () => {
    expect(collector.bodies.length).toBeGreaterThan(0);
    // Both processes exported: the core's spans arrived as well as the gateway's.
    expect(new Set(collector.spans.map((s) => s.service))).toEqual(new Set(['gateway', 'core-banking']));
    const secrets = [
      ofbToken,
      fdxToken,
      consentsToken,
      ana!.cpf,
      ana!.cpf.replace(/^(\d{3})(\d{3})(\d{3})(\d{2})$/, '$1.$2.$3-$4'),
      // The customer's id in the core's paths: spans name routes by template.
      ana!._id,
      ana!.email,
    ];
    for (const body of collector.bodies) for (const secret of secrets) expect(body).not.toContain(secret);
  });
});
