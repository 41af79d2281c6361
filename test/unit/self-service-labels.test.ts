// Self-service names the consented accounts and cards as the bank's core does, read through the
// configured connector (as the AS's consent page reads them), not from the mock core's demo
// dataset: here the connector is a stand-in whose accounts are in no dataset. A core that cannot
// answer leaves the ids, and the page still lets the customer stop the consent.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express, { type RequestHandler } from 'express';
import { fetch } from 'undici';
import { connectorReader } from '../../connectors/reads.js';
import { ConnectorUnavailable, type BankConnector } from '../../connectors/sdk/connector.js';
import type { MyAccess } from '../../api/self-service/access.js';
import type { SelfServiceDeps } from '../../api/self-service/config.js';
import { myConsentsRouter } from '../../api/self-service/consent-routes.js';
import { closeServer } from '../../lib/http/server.js';

const CUSTOMER = 'cust-elsewhere';

const consent = {
  _id: 'urn:bank:consent-1',
  clientId: 'client-1',
  customerId: CUSTOMER,
  standard: 'OFB',
  status: 'AUTHORISED',
  permissions: ['ACCOUNTS_READ', 'CREDIT_CARDS_ACCOUNTS_READ', 'RESOURCES_READ'],
  accountIds: ['core-acc-77', 'core-card-9', 'core-acc-gone'],
  createdAt: new Date('2026-11-01T00:00:00Z'),
  updatedAt: new Date('2026-11-01T00:00:00Z'),
  audit: [{ action: 'authorise', at: new Date('2026-11-01T00:00:00Z'), actor: `customer:${CUSTOMER}` }],
};

/** A bank's core with its own accounts and cards, none of them in the mock core's dataset. */
const ownCore = {
  name: 'stand-in',
  listAccounts: async (customerId: string) =>
    customerId === CUSTOMER
      ? [{ accountId: 'core-acc-77', customerId, label: 'Conta Corrente 0042 / ****-7777', status: 'OPEN' }]
      : [],
  listCreditCardAccounts: async (customerId: string) =>
    customerId === CUSTOMER
      ? [{ creditCardAccountId: 'core-card-9', customerId, name: 'Cartão Azul', last4: '9999' }]
      : [],
} as unknown as BankConnector;

const downCore = {
  name: 'stand-in-down',
  listAccounts: async () => {
    throw new ConnectorUnavailable('core down');
  },
  listCreditCardAccounts: async () => {
    throw new ConnectorUnavailable('core down');
  },
} as unknown as BankConnector;

/** Mongoose's chained queries, answered from memory. */
const query = <T>(value: T) => ({ sort: () => query(value), lean: async () => value });

const models = {
  Consent: {
    find: () => query([consent]),
    findOne: (filter: { _id: string }) => query(filter._id === consent._id ? consent : null),
  },
  OidcRecord: {
    find: () =>
      query([
        {
          _id: `Client:${consent.clientId}`,
          payload: JSON.stringify({ client_id: consent.clientId, client_name: 'Fintech A' }),
        },
      ]),
  },
} as unknown as SelfServiceDeps['models'];

/** Signed in as the customer: the session itself is the log-in routes' concern. */
const signedIn: RequestHandler = (_req, res, next) => {
  res.locals.me = { customerId: CUSTOMER, name: 'Elsewhere Customer', csrf: 'token' };
  next();
};
const access = {
  page: signedIn,
  takeNotice: async () => undefined,
  flash: async () => undefined,
} as unknown as MyAccess;

async function serve(connector: BankConnector) {
  const app = express();
  app.use(
    myConsentsRouter(
      {
        client: undefined as unknown as SelfServiceDeps['client'],
        models,
        readBankData: connectorReader({ connector, retry: { attempts: 1, firstDelayMs: 1, maxDelayMs: 1 } }),
        secureCookies: false,
        sessionTtlMs: 60_000,
      },
      access,
    ),
  );
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    page: async (path: string) => fetch(base + path).then(async (r) => [r.status, await r.text()] as const),
  };
}

describe('self-service labels of the consented accounts', () => {
  let own: Awaited<ReturnType<typeof serve>>;
  let down: Awaited<ReturnType<typeof serve>>;

  beforeAll(async () => {
    own = await serve(ownCore);
    down = await serve(downCore);
  });

  afterAll(async () => {
    await closeServer(own.server);
    await closeServer(down.server);
  });

  it("names the accounts and cards with the connector's labels, on the list and on the consent", async () => {
    for (const path of ['/my/consents', `/my/consents/${encodeURIComponent(consent._id)}`]) {
      const [status, text] = await own.page(path);
      expect(status).toBe(200);
      expect(text).toContain('<li>Conta Corrente 0042 / ****-7777</li>');
      expect(text).toContain('<li>Cartão Azul ****-9999</li>');
      // Gone from the core since the customer chose it: its id is all there is to show.
      expect(text).toContain('<li>core-acc-gone</li>');
      expect(text).not.toContain('<li>core-acc-77</li>');
    }
  });

  it('shows the ids when the core cannot answer, and still serves the page', async () => {
    const [status, text] = await down.page(`/my/consents/${encodeURIComponent(consent._id)}`);
    expect(status).toBe(200);
    expect(text).toContain('<li>core-acc-77</li>');
    expect(text).toContain('<li>core-card-9</li>');
  });
});
