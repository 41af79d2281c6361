// Both connectors through the conformance kit: `mock-core-banking` in process, and
// `rest-core-banking` against the real mock core HTTP service, seeded into a database of its own.
// Then the service's contract (REST answers equal the dataset, errors), the REST connector's
// failure mapping, and the seed command run twice.
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from '@jest/globals';
import mongoose from 'mongoose';
import { DEMO_FIXTURES, describeConformance } from '../../../connectors/conformance.js';
import { createConnector } from '../../../connectors/index.js';
import { createCoreBankingApp } from '../../../connectors/mock-core-banking/app.js';
import { MockCoreBankingConnector } from '../../../connectors/mock-core-banking/connector.js';
import { defaultDataset } from '../../../connectors/mock-core-banking/dataset.js';
import { coreModels, createCoreIndexes } from '../../../connectors/mock-core-banking/models.js';
import { MongoCoreBanking } from '../../../connectors/mock-core-banking/mongo-connector.js';
import { seedCoreBanking } from '../../../connectors/mock-core-banking/seed.js';
import {
  CoreBankingRequestRefused,
  type RestCoreBankingConnector,
} from '../../../connectors/rest-core-banking/connector.js';
import { ConnectorUnavailable } from '../../../connectors/sdk/connector.js';
import { closeServer, listen } from '../../../lib/http/server.js';
import { freePort } from '../../../runtime/ports.js';
import { testServers, uniqueNames } from '../../helpers/env.js';
import { quietLogger, testDatabase } from '../../helpers/platform.js';
import { cleanEnv, runEntry } from '../../helpers/spawn.js';

const names = uniqueNames(import.meta.url);
const { customerId: ANA, range } = DEMO_FIXTURES;
const BRUNO = 'c0a80001-0000-4000-8000-000000000002';

/** The mock core service on a free port, reading a freshly seeded test database; started once. */
let core: Promise<{ url: string; stop(): Promise<void> }> | undefined;
function startCore() {
  core ??= (async () => {
    const db = await testDatabase(names.database);
    const models = coreModels(db.connection);
    await createCoreIndexes(models);
    const started = Date.now();
    const counts = await seedCoreBanking(models, defaultDataset());
    console.info(`seeded the test core in ${Date.now() - started} ms: ${JSON.stringify(counts)}`);
    const app = createCoreBankingApp({ logger: quietLogger, core: new MongoCoreBanking(models) });
    const port = await freePort();
    const server = await listen(app, port, '127.0.0.1', 'CORE_BANKING_PORT');
    return {
      url: `http://127.0.0.1:${port}`,
      stop: async () => {
        await closeServer(server);
        await db.drop();
      },
    };
  })();
  return core;
}
afterAll(async () => (await core)?.stop());

const rest = (url: string, timeoutMs = '5000') =>
  createConnector('rest-core-banking', { url, timeoutMs }) as RestCoreBankingConnector;

describeConformance(
  'mock-core-banking',
  async () => ({ connector: createConnector('mock-core-banking'), close: async () => undefined }),
  {
    makeUnavailable: async () => ({
      connector: createConnector('mock-core-banking', { unavailable: 'true' }),
      close: async () => undefined,
    }),
  },
);

describeConformance(
  'rest-core-banking',
  async () => {
    const connector = rest((await startCore()).url);
    return { connector, close: () => connector.close() };
  },
  {
    // Nothing listens on a port just found free.
    makeUnavailable: async () => {
      const connector = rest(`http://127.0.0.1:${await freePort()}`);
      return { connector, close: () => connector.close() };
    },
  },
);

describe('mock core banking service', () => {
  it('answers through MongoDB exactly what the dataset holds', async () => {
    const viaRest = rest((await startCore()).url);
    const inMemory = new MockCoreBankingConnector(defaultDataset());
    try {
      for (const customerId of defaultDataset().customers.map((c) => c.customerId)) {
        expect(await viaRest.getCustomer(customerId)).toEqual(await inMemory.getCustomer(customerId));
        const accounts = await inMemory.listAccounts(customerId);
        expect(await viaRest.listAccounts(customerId)).toEqual(accounts);
        for (const { accountId } of accounts) {
          expect(await viaRest.getBalance(customerId, accountId)).toEqual(
            await inMemory.getBalance(customerId, accountId),
          );
          const page = { limit: 500 };
          expect(await viaRest.listTransactions(customerId, accountId, range, page)).toEqual(
            await inMemory.listTransactions(customerId, accountId, range, page),
          );
          const all = { from: '2000-01-01', to: '2100-01-01' };
          expect(await viaRest.listStatements(customerId, accountId, all)).toEqual(
            await inMemory.listStatements(customerId, accountId, all),
          );
        }
        const cards = await inMemory.listCreditCardAccounts(customerId);
        expect(await viaRest.listCreditCardAccounts(customerId)).toEqual(cards);
        for (const { creditCardAccountId: id } of cards) {
          expect(await viaRest.listBills(customerId, id, range)).toEqual(
            await inMemory.listBills(customerId, id, range),
          );
          expect(await viaRest.listCardTransactions(customerId, id, range, { limit: 50 })).toEqual(
            await inMemory.listCardTransactions(customerId, id, range, { limit: 50 }),
          );
        }
      }
    } finally {
      await viaRest.close();
    }
  });

  it('reads its collections only by `_id`, the one filter FerretDB v1 answers without a scan', async () => {
    await startCore();
    const conn = await mongoose
      .createConnection(testServers().mongoUri, { dbName: names.database, monitorCommands: true })
      .asPromise();
    try {
      const models = coreModels(conn);
      await Promise.all(Object.values(models).map((m) => m.init()));
      const commands: { name: string; collection: unknown; filter: unknown }[] = [];
      conn.getClient().on('commandStarted', (e) => {
        const command = e.command as Record<string, unknown>;
        commands.push({ name: e.commandName, collection: command[e.commandName], filter: command.filter });
      });
      const core = new MongoCoreBanking(models);
      const unknown = 'no-such-id';
      for (const customerId of [ANA, BRUNO, unknown]) {
        await core.getCustomer(customerId);
        await core.listAccounts(customerId);
        await core.listCreditCardAccounts(customerId);
        for (const accountId of ['acc-ana-checking', 'acc-bruno-business', unknown]) {
          await core.getBalance(customerId, accountId);
          await core.listTransactions(customerId, accountId, range, { limit: 5 });
          await core.listStatements(customerId, accountId, range);
        }
        for (const cardId of ['card-ana-visa', 'card-bruno-business', unknown]) {
          await core.listBills(customerId, cardId, range);
          await core.listCardTransactions(customerId, cardId, range, { limit: 5 });
        }
      }
      expect(commands.length).toBeGreaterThan(60);
      for (const command of commands)
        expect(command).toEqual({
          name: 'find',
          collection: expect.stringMatching(/^core_/),
          filter: { _id: expect.any(String) },
        });
    } finally {
      await conn.close();
    }
  });

  it('refuses bad queries naming the parameter, and keeps customers apart', async () => {
    const { url } = await startCore();
    const get = async (path: string) => {
      const res = await fetch(`${url}${path}`);
      return {
        status: res.status,
        body: (await res.json()) as { error?: { code: string; parameter?: string } },
      };
    };
    const tx = `/core/v1/customers/${ANA}/accounts/acc-ana-checking/transactions`;
    for (const [query, parameter] of [
      ['limit=501', 'limit'],
      ['limit=0', 'limit'],
      ['limit=ten', 'limit'],
      ['from=2026-02-30', 'from'],
      ['to=yesterday', 'to'],
      ['from=2026-10-02&to=2026-10-01', 'from'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['limit=1&limit=2', 'limit'],
    ] as const) {
      expect(await get(`${tx}?${query}`)).toEqual({
        status: 400,
        body: { error: { code: 'INVALID_PARAMETER', message: expect.any(String), parameter } },
      });
    }
    // Bruno's account under Ana's id is as unknown as an account that does not exist.
    for (const path of [
      `/core/v1/customers/${ANA}/accounts/acc-bruno-business/balance`,
      `/core/v1/customers/${ANA}/accounts/acc-bruno-business/transactions`,
      `/core/v1/customers/${ANA}/accounts/no-such-account/statements`,
    ])
      expect(await get(path)).toMatchObject({ status: 404, body: { error: { code: 'ACCOUNT_NOT_FOUND' } } });
    expect(await get(`/core/v1/customers/${ANA}/credit-cards/card-bruno-business/bills`)).toMatchObject({
      status: 404,
      body: { error: { code: 'CREDIT_CARD_NOT_FOUND' } },
    });
    expect(await get('/core/v1/customers/no-such-customer/accounts')).toMatchObject({
      status: 404,
      body: { error: { code: 'CUSTOMER_NOT_FOUND' } },
    });
    expect((await get(`/core/v1/customers/${BRUNO}/accounts/acc-bruno-business/balance`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
  });

  it('answers a failure of its store with a 500 that tells nothing', async () => {
    const broken = new MockCoreBankingConnector(defaultDataset());
    broken.getCustomer = async () => {
      throw new Error('store exploded');
    };
    const server = await listen(
      createCoreBankingApp({ logger: quietLogger, core: broken }),
      0,
      '127.0.0.1',
      'PORT',
    );
    try {
      const res = await fetch(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}/core/v1/customers/${ANA}`,
      );
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
    } finally {
      await closeServer(server);
    }
  });
});

describe('rest-core-banking failures', () => {
  /** A throwaway server answering every request with `answer`. */
  async function fakeCore(answer: (res: ServerResponse) => void) {
    const server: Server = createServer((_req, res) => answer(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return {
      url,
      stop: () => {
        server.closeAllConnections();
        return new Promise<void>((r) => server.close(() => r()));
      },
    };
  }
  const json = (status: number, body: unknown) => (res: ServerResponse) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));

  it.each([
    ['a 5xx', json(503, { error: { code: 'INTERNAL_ERROR', message: 'down' } })],
    ['a 404 off contract (a wrong CORE_BANKING_URL)', json(404, { message: 'Not Found' })],
    ['a body that is not JSON', (res: ServerResponse) => res.writeHead(200).end('<html>')],
    ['no answer within the timeout', () => undefined],
  ])('turns %s into ConnectorUnavailable', async (_what, answer) => {
    const fake = await fakeCore(answer);
    const connector = rest(fake.url, '300');
    try {
      const started = Date.now();
      await expect(connector.getBalance(ANA, 'acc-ana-checking')).rejects.toBeInstanceOf(
        ConnectorUnavailable,
      );
      // Far below a hang, far above the 300 ms timeout on a loaded machine.
      expect(Date.now() - started).toBeLessThan(15_000);
    } finally {
      await connector.close();
      await fake.stop();
    }
  });

  it('turns a 400 into an error that is not an outage', async () => {
    const fake = await fakeCore(
      json(400, { error: { code: 'INVALID_PARAMETER', message: 'bad', parameter: 'to' } }),
    );
    const connector = rest(fake.url);
    try {
      const call = connector.listTransactions(ANA, 'acc-ana-checking', range, { limit: 10 });
      await expect(call).rejects.toBeInstanceOf(CoreBankingRequestRefused);
    } finally {
      await connector.close();
      await fake.stop();
    }
  });
});

describe('seed:core-banking', () => {
  const database = `${names.database}_seed`;
  afterAll(async () => {
    const conn = await mongoose.createConnection(testServers().mongoUri, { dbName: database }).asPromise();
    await conn.dropDatabase();
    await conn.close();
  });

  it('loads the dataset, and a second run leaves the same data', async () => {
    const env = cleanEnv({ MONGODB_URI: testServers().mongoUri, MONGODB_DATABASE: database });
    const counts = async () => {
      const conn = await mongoose.createConnection(testServers().mongoUri, { dbName: database }).asPromise();
      try {
        const m = coreModels(conn);
        const sum = async (model: typeof m.Transactions | typeof m.Statements) =>
          (await (model as typeof m.Statements).find({}, { count: 1 }).lean()).reduce(
            (s, b) => s + b.count,
            0,
          );
        return {
          customers: await m.Customer.countDocuments(),
          accounts: await m.Account.countDocuments(),
          statements: await sum(m.Statements),
          creditCards: await m.CreditCard.countDocuments(),
          bills: await sum(m.Bills),
          transactions: await sum(m.Transactions),
          cardTransactions: await sum(m.CardTransactions),
        };
      } finally {
        await conn.close();
      }
    };

    const first = await runEntry('scripts/seed-core-banking.ts', env, 120_000);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    console.info(first.stdout.trim());
    const after1 = await counts();
    const d = defaultDataset();
    expect(after1).toMatchObject({ customers: d.customers.length, accounts: d.accounts.length });
    expect(after1.transactions).toBe(
      d.accounts.reduce((s, a) => s + d.ledger(a.accountId)!.transactions.length, 0),
    );
    expect(after1.statements).toBe(
      d.accounts.reduce((s, a) => s + d.ledger(a.accountId)!.statements.length, 0),
    );

    const second = await runEntry('scripts/seed-core-banking.ts', env, 120_000);
    expect(second).toMatchObject({ code: 0, stderr: '' });
    console.info(second.stdout.trim());
    expect(await counts()).toEqual(after1);
  }, 240_000);
});
