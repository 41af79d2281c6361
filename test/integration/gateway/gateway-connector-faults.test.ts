// The bank's core misbehaving, as the recipient sees it through the gateway: the gateway reads
// through the real rest-core-banking connector from a core that answers 500s, never answers, answers
// slowly, or fails half of a read; each call is answered within the gateway's request budget in the
// standard's own error format (OFB errors[]/meta, FDX {code, message, debugMessage}) and carries no
// partial data, and once the circuit opens the core is not called at all. The consent page, which
// reads the customer's accounts the same way, answers 503 when it cannot.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { lodgeOfbConsent } from '../../../workflows/consent-client.js';
import { DEMO_CUSTOMERS } from '../../../auth/idp/demo-customers.js';
import { fetchedShareable } from '../../../auth/shareable-resources.js';
import { createConnector } from '../../../connectors/index.js';
import { createCoreBankingApp } from '../../../connectors/mock-core-banking/app.js';
import { MockCoreBankingConnector } from '../../../connectors/mock-core-banking/connector.js';
import { defaultDataset } from '../../../connectors/mock-core-banking/dataset.js';
import { connectorReader, readDeadlineWithin } from '../../../connectors/reads.js';
import type { RestCoreBankingConnector } from '../../../connectors/rest-core-banking/connector.js';
import type { BreakerOptions } from '../../../connectors/sdk/guard.js';
import { closeServer, listen } from '../../../lib/http/server.js';
import { startTestAuthServer } from '../../helpers/auth-server.js';
import { hiddenField, UserAgent } from '../../helpers/browser-agent.js';
import { eventually } from '../../helpers/eventually.js';
import { startTestGateway } from '../../helpers/gateway.js';
import { loadOpenApi } from '../../helpers/openapi.js';
import {
  authorisedTokensOfBothStandards,
  pushAuthorization,
  registerFdxRecipient,
  registerRecipient,
  startOfbStack,
  type FdxRecipient,
  type OfbStack,
} from '../../helpers/ofb-journey.js';
import { quietLogger } from '../../helpers/platform.js';

const SPEC = loadOpenApi(
  path.resolve(new URL('../../../specs/ofb/accounts/2.4.2.yml', import.meta.url).pathname),
);
const [ana] = DEMO_CUSTOMERS;
/** The gateway's own timeout (HTTP_REQUEST_BUDGET) in these tests. */
const BUDGET_MS = 8000;
/** Each request to the core times out after this long (CORE_BANKING_TIMEOUT). */
const CORE_TIMEOUT_MS = 1000;
/** A breaker that stays closed through the first tests' few failures. */
const PATIENT: Partial<BreakerOptions> = { volumeThreshold: 1000, resetTimeout: 60_000 };

type Fault = { paths: RegExp; answer: 'error' | 'silence' | { delayMs: number } };

let stack: OfbStack;
let fdx: FdxRecipient;
let core: { url: string; server: Server };
let fault: Fault | undefined;
/** Requests that reached the core. */
let coreHits = 0;
let ofbToken: string;
let fdxToken: string;

beforeAll(async () => {
  stack = await startOfbStack(import.meta.url, 'faults-recipient');
  fdx = await registerFdxRecipient(stack.as, 'FDX Faults Recipient', 'CN=fdx-faults,O=Recipient Inc,C=US');
  // The demo core over HTTP, with whatever fault the test sets in front of it.
  const front = express();
  front.use((req, res, next) => {
    coreHits++;
    if (!fault?.paths.test(req.path)) return next();
    const { answer } = fault;
    if (answer === 'silence') return; // never answers; the connector's timeout ends the wait
    if (answer === 'error')
      return void res.status(500).json({ error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
    setTimeout(next, answer.delayMs);
  });
  front.use(
    createCoreBankingApp({ logger: quietLogger, core: new MockCoreBankingConnector(defaultDataset()) }),
  );
  const server = await listen(front, 0, '127.0.0.1', 'CORE_BANKING_PORT');
  core = { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };

  ({ ofbToken, fdxToken } = await authorisedTokensOfBothStandards(stack, fdx, ana!, [
    'ACCOUNTS_READ',
    'ACCOUNTS_BALANCES_READ',
    'RESOURCES_READ',
  ]));
});

afterAll(async () => {
  if (core) await closeServer(core.server);
  await stack?.stop();
});

const restConnector = () =>
  createConnector('rest-core-banking', {
    url: core.url,
    timeoutMs: String(CORE_TIMEOUT_MS),
  }) as RestCoreBankingConnector;

/** A gateway reading this file's core through rest-core-banking, with the platform's guard. */
async function gatewayWith(breaker: Partial<BreakerOptions>) {
  const connector = restConnector();
  const gw = await startTestGateway(stack, {
    connector,
    reads: {
      breaker: { timeout: 2 * CORE_TIMEOUT_MS, ...breaker },
      deadlineMs: readDeadlineWithin(BUDGET_MS),
    },
    requestBudgetMs: BUDGET_MS,
  });
  return {
    ...gw,
    stop: async () => {
      await gw.stop();
      await connector.close();
    },
  };
}
type Gateway = Awaited<ReturnType<typeof gatewayWith>>;

/** An OFB call, timed, its answer checked against the official file. */
async function ofbGet(gw: Gateway, route: string, template: string, base = '/open-banking/accounts/v2') {
  const interactionId = randomUUID();
  const started = Date.now();
  const res = await gw.fetcher(stack.rp.cert)(`${gw.url}${base}${route}`, {
    headers: { authorization: `Bearer ${ofbToken}`, 'x-fapi-interaction-id': interactionId },
  });
  const body = (await res.json()) as Record<string, unknown>;
  const ms = Date.now() - started;
  if (base === '/open-banking/accounts/v2')
    SPEC.assertResponse('GET', template, { status: res.status, headers: res.headers, body });
  return { status: res.status, body, ms, echoed: res.headers.get('x-fapi-interaction-id') === interactionId };
}

async function fdxGet(gw: Gateway, route: string) {
  const started = Date.now();
  const res = await gw.fetcher(fdx.cert)(`${gw.url}/fdx/v6${route}`, {
    headers: { authorization: `Bearer ${fdxToken}` },
  });
  return {
    status: res.status,
    body: (await res.json()) as Record<string, unknown>,
    ms: Date.now() - started,
  };
}

/** OFB's 503: errors[] with the standard's fields, meta, the interaction id echoed, and no data. */
function expectOfbUnavailable(answer: Awaited<ReturnType<typeof ofbGet>>) {
  expect(answer).toMatchObject({
    status: 503,
    echoed: true,
    body: {
      errors: [{ code: 'SERVICE_UNAVAILABLE', title: expect.any(String), detail: expect.any(String) }],
      meta: expect.objectContaining({ requestDateTime: expect.any(String) }),
    },
  });
  expect(answer.body).not.toHaveProperty('data');
  expect(answer.ms).toBeLessThan(BUDGET_MS);
}

describe('connector faults through the gateway', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await gatewayWith(PATIENT);
  });
  afterAll(() => gw?.stop());

  it('answers OFB 503 within the budget when the core answers 500, and serves again when it recovers', async () => {
    expect((await ofbGet(gw, '/accounts', '/accounts')).status).toBe(200);
    fault = { paths: /\/accounts$/, answer: 'error' };
    const before = coreHits;
    try {
      expectOfbUnavailable(await ofbGet(gw, '/accounts', '/accounts'));
      // The retry budget: three attempts, then the answer.
      expect(coreHits - before).toBe(3);
    } finally {
      fault = undefined;
    }
    expect((await ofbGet(gw, '/accounts', '/accounts')).status).toBe(200);
  });

  it('answers OFB and FDX 503 within the budget when the core never answers', async () => {
    fault = { paths: /\/accounts$/, answer: 'silence' };
    try {
      expectOfbUnavailable(await ofbGet(gw, '/accounts', '/accounts'));
      const answer = await fdxGet(gw, '/accounts');
      expect(answer).toMatchObject({
        status: 503,
        body: { code: 501, message: 'Subsystem unavailable', debugMessage: expect.any(String) },
      });
      expect(answer.body).not.toHaveProperty('accounts');
      expect(answer.ms).toBeLessThan(BUDGET_MS);
    } finally {
      fault = undefined;
    }
  });

  it('serves a slow answer that comes within the core timeout', async () => {
    fault = { paths: /\/balance$/, answer: { delayMs: CORE_TIMEOUT_MS / 4 } };
    try {
      const answer = await ofbGet(
        gw,
        '/accounts/acc-ana-checking/balances',
        '/accounts/{accountId}/balances',
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toHaveProperty('data.availableAmount.currency', 'BRL');
    } finally {
      fault = undefined;
    }
  });

  it('answers nothing rather than half a read: resources 503 when the cards fail and the accounts answer', async () => {
    fault = { paths: /\/credit-cards$/, answer: 'error' };
    try {
      expectOfbUnavailable(await ofbGet(gw, '/resources', '/resources', '/open-banking/resources/v3'));
    } finally {
      fault = undefined;
    }
  });
});

describe('an open circuit', () => {
  it('answers OFB and FDX 503 at once without calling the core, and closes again after its reset time', async () => {
    const gw = await gatewayWith({ volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeout: 1500 });
    try {
      fault = { paths: /\/accounts$/, answer: 'error' };
      // Two failed attempts open it; the read that saw them answers 503.
      expectOfbUnavailable(await ofbGet(gw, '/accounts', '/accounts'));
      const before = coreHits;
      expectOfbUnavailable(await ofbGet(gw, '/accounts', '/accounts'));
      expect(await fdxGet(gw, '/accounts')).toMatchObject({ status: 503, body: { code: 501 } });
      expect(coreHits).toBe(before);

      fault = undefined;
      await eventually(async () => expect((await ofbGet(gw, '/accounts', '/accounts')).status).toBe(200));
    } finally {
      fault = undefined;
      await gw.stop();
    }
  });
});

describe('the consent page', () => {
  it('answers 503 when the core cannot list the accounts the customer may share', async () => {
    const connector = restConnector();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'obp-faults-'));
    const as = await startTestAuthServer(stack.db, dir, {
      listShareable: fetchedShareable(
        connectorReader({ connector, breaker: PATIENT, deadlineMs: readDeadlineWithin(BUDGET_MS) }),
      ),
    });
    try {
      const rp = await registerRecipient(as, 'consent-page-faults');
      const consent = await lodgeOfbConsent(
        {
          client: stack.client,
          taskQueue: stack.names.taskQueue,
          bankId: 'bank',
          authorisationWindowMs: 3_600_000,
        },
        {
          clientId: rp.config.clientMetadata().client_id,
          permissions: ['ACCOUNTS_READ', 'RESOURCES_READ'],
          loggedUserDocument: ana!.cpf,
        },
      );
      const { url } = await pushAuthorization(rp, consent.consentId);
      fault = { paths: /\/accounts$/, answer: 'error' };
      // The customer logs in with the one-time code; the next page is the consent page.
      const agent = new UserAgent(as.pki.ca.cert);
      const loginUrl = (await agent.request(url.href)).location!;
      const csrf = hiddenField((await agent.request(loginUrl)).text, 'csrf');
      await agent.request(`${loginUrl}/login`, {
        form: { csrf, username: ana!.username, password: ana!.password },
      });
      const note = await stack.db.models.Notification.findOne({ to: ana!.email, template: 'one-time-code' })
        .sort({ sentAt: -1 })
        .lean();
      const code = /is (\d{6})/.exec(note!.body)![1]!;
      let next = (await agent.request(`${loginUrl}/code`, { form: { csrf, code } })).location;
      let page = await agent.request(next!);
      for (let i = 0; i < 5 && page.location; i++) page = await agent.request((next = page.location));
      expect(page.status).toBe(503);
      expect(page.text).toContain('temporarily_unavailable');
      expect(page.text).not.toContain('acc-ana');
    } finally {
      fault = undefined;
      await as.stop();
      await connector.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
