// The cluster profile's Temporal: the real server (not the dev server) on PostgreSQL persistence
// and SQL visibility, its schemas created with Temporal's SQL tool, the namespace and the
// platform's search attributes registered, the Temporal UI in front. A consent lives through it on
// the platform's own worker, and operations staff find it by its search attributes, through the
// gRPC API and through the UI. Slow the first time on a machine: it builds three Go programs.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { lodgeOfbConsent } from '../../../workflows/consent-client.js';
import { ensureSearchAttributes } from '../../../lib/temporal.js';
import type { ManagedProcess } from '../../../runtime/process.js';
import { assertPortFree, freePort } from '../../../runtime/ports.js';
import {
  checkSqlVisibilitySlots,
  ensureTemporalNamespace,
  MAX_MEMBERSHIP_PORT,
  startTemporalServer,
  temporalServerAnswers,
  type TemporalServerPorts,
} from '../../../runtime/temporal-server.js';
import { dropTemporalDatabases, ensureTemporalSchemas } from '../../../runtime/temporal-sql-schema.js';
import { startTemporalUi } from '../../../runtime/temporal-ui.js';
import {
  resolveTool,
  TEMPORAL_SERVER,
  TEMPORAL_SQL_TOOL,
  TEMPORAL_UI_SERVER,
} from '../../../runtime/tools.js';
import { consentWorker } from '../../../workers/consent.js';
import { authoriseUpdate, type ConsentState } from '../../../workflows/consent-types.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../../lib/temporal-search-attributes.js';
import { uniqueNames } from '../../helpers/env.js';
import { eventually } from '../../helpers/eventually.js';
import { testDataConverter } from '../../helpers/payload-codec.js';
import { quietLogger, quietSdk, testDatabase } from '../../helpers/platform.js';

const names = uniqueNames(import.meta.url);
const NAMESPACE = 'default';
const CLIENT_ID = `client-${names.prefix}`;
/** Where the UI is told to decode payloads (nothing listens there: only the setting is checked). */
const CODEC_ENDPOINT = 'http://127.0.0.1:9/codec';
const databases = { main: `${names.database}_main`, visibility: `${names.database}_visibility` };
const postgresUrl = process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432';
const progress = (line: string) => console.log(`temporal-server test: ${line}`);

const dir = mkdtempSync(path.join(os.tmpdir(), 'obp-temporal-server-'));
const started: ManagedProcess[] = [];
let sqlTool: string;
let address: string;
let uiUrl: string;
let connection: Connection;
let client: Client;
let db: Awaited<ReturnType<typeof testDatabase>>;
let worker: { worker: Worker; running: Promise<void>; connection: NativeConnection } | undefined;
const figures: Record<string, string> = {};

async function timed<T>(what: string, step: () => Promise<T>): Promise<T> {
  const t = Date.now();
  const result = await step();
  figures[what] = `${((Date.now() - t) / 1000).toFixed(1)} s`;
  return result;
}

/** A free port at or below MAX_MEMBERSHIP_PORT (the OS's own picks are above it). */
async function lowFreePort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * (MAX_MEMBERSHIP_PORT - 20_000));
    if (taken.has(port)) continue;
    try {
      await assertPortFree(port, '127.0.0.1', 'test');
      taken.add(port);
      return port;
    } catch {
      // taken: draw again
    }
  }
}

async function ports(): Promise<TemporalServerPorts> {
  const taken = new Set<number>();
  const p = () => lowFreePort(taken);
  return {
    frontend: await p(),
    frontendHttp: await p(),
    history: await p(),
    matching: await p(),
    worker: await p(),
    frontendMembership: await p(),
    historyMembership: await p(),
    matchingMembership: await p(),
    workerMembership: await p(),
  };
}

beforeAll(async () => {
  // Each is built once per machine (minutes, the first time) and then found in the cache.
  const serverBin = await timed('resolve temporal-server', () => resolveTool(TEMPORAL_SERVER, progress));
  sqlTool = (await timed('resolve temporal-sql-tool', () => resolveTool(TEMPORAL_SQL_TOOL, progress))).path;
  const uiBin = await timed('resolve temporal-ui-server', () => resolveTool(TEMPORAL_UI_SERVER, progress));

  await timed('create schemas', () => ensureTemporalSchemas({ sqlTool, postgresUrl, databases }));
  // A second run finds everything in place and changes nothing.
  await timed('check schemas again', () => ensureTemporalSchemas({ sqlTool, postgresUrl, databases }));

  const serverPorts = await ports();
  const server = await timed('server ready', () =>
    startTemporalServer({
      binary: serverBin.path,
      configDir: path.join(dir, 'server'),
      logFile: path.join(dir, 'temporal-server.log'),
      postgresUrl,
      databases,
      ports: serverPorts,
      namespace: NAMESPACE,
      retentionDays: 1,
    }),
  );
  started.push(server);
  address = server.address;

  connection = await Connection.connect({ address });
  checkSqlVisibilitySlots(ALL_SEARCH_ATTRIBUTES);
  await timed('search attributes ready', async () => {
    await ensureSearchAttributes(connection, NAMESPACE, quietLogger);
    await eventually(
      async () =>
        expect(
          await temporalServerAnswers(
            address,
            NAMESPACE,
            ALL_SEARCH_ATTRIBUTES.map((k) => k.name),
          ),
        ).toBe(true),
      60_000,
    );
  });
  client = new Client({ connection, namespace: NAMESPACE, dataConverter: testDataConverter() });

  const ui = await timed('ui ready', async () =>
    startTemporalUi({
      binary: uiBin.path,
      temporalAddress: address,
      port: await freePort(),
      namespace: NAMESPACE,
      codecEndpoint: CODEC_ENDPOINT,
      configDir: path.join(dir, 'ui'),
      logFile: path.join(dir, 'temporal-ui.log'),
    }),
  );
  started.push(ui);
  uiUrl = ui.url;

  db = await testDatabase(names.database);
  quietSdk();
  const options = consentWorker({ models: db.models }, names.taskQueue);
  const workerConnection = await NativeConnection.connect({ address });
  const w = await Worker.create({
    connection: workerConnection,
    namespace: NAMESPACE,
    taskQueue: options.taskQueue,
    activities: options.activities,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: options.workflowsPath, logger: silent }),
    dataConverter: testDataConverter(),
  });
  worker = { worker: w, running: w.run(), connection: workerConnection };
}, 30 * 60_000);

const noop = () => undefined;
const silent = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

afterAll(async () => {
  console.log(`temporal-server test figures: ${JSON.stringify(figures)}`);
  if (worker) {
    worker.worker.shutdown();
    await worker.running;
    await worker.connection.close();
  }
  await connection?.close();
  await db?.drop();
  for (const proc of started.reverse()) await proc.stop(10_000);
  if (sqlTool) await dropTemporalDatabases({ sqlTool, postgresUrl, databases });
  if (process.env.KEEP) console.log(dir);
  else rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe('the Temporal server on PostgreSQL', () => {
  it('keeps its data in PostgreSQL over 4 history shards', async () => {
    const info = await connection.workflowService.getClusterInfo({});
    expect(info).toMatchObject({
      persistenceStore: 'postgres12',
      visibilityStore: 'postgres12',
      historyShardCount: 4,
      serverVersion: '1.29.1',
    });
  });

  it('registers the namespace once: a second start finds it', async () => {
    expect(await ensureTemporalNamespace(connection, { namespace: NAMESPACE })).toBe(false);
    expect(await ensureSearchAttributes(connection, NAMESPACE, quietLogger)).toEqual([]);
  });

  it('runs a consent on the platform worker and finds it by its search attributes, through gRPC and the UI', async () => {
    const lodged = await timed('consent lodged', () =>
      lodgeOfbConsent(
        { client, taskQueue: names.taskQueue, bankId: 'testbank', authorisationWindowMs: 3_600_000 },
        {
          clientId: CLIENT_ID,
          permissions: ['ACCOUNTS_READ', 'RESOURCES_READ'],
          loggedUserDocument: '52998224725',
        },
      ),
    );
    const handle = client.workflow.getHandle<(input: unknown) => Promise<ConsentState>>(lodged.consentId);
    const authorised = await handle.executeUpdate(authoriseUpdate, {
      args: [{ customerId: 'cust-server', accountIds: ['acc-1'], actor: 'customer:cust-server' }],
    });
    expect(authorised.status).toBe('AUTHORISED');

    // SQL visibility: the platform's search attributes, as operations staff query them.
    const query = `ClientId = "${CLIENT_ID}" AND ConsentStatus = "AUTHORISED" AND CustomerId = "cust-server"`;
    const found = async () => {
      const ids: string[] = [];
      for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
      return ids;
    };
    await timed('visible in SQL visibility', () =>
      eventually(async () => expect(await found()).toEqual([lodged.consentId]), 60_000),
    );
    expect(
      await client.workflow.count(`ClientId = "${CLIENT_ID}" AND ConsentStatus = "AWAITING_AUTHORISATION"`),
    ).toMatchObject({ count: 0 });

    // The UI serves its web app and reads the same server: its API finds the consent by the query.
    const page = await fetch(uiUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');
    const settings = await fetch(`${uiUrl}/api/v1/settings`);
    expect(((await settings.json()) as { Codec: { Endpoint: string } }).Codec.Endpoint).toBe(CODEC_ENDPOINT);
    const api = await fetch(
      `${uiUrl}/api/v1/namespaces/${NAMESPACE}/workflows?query=${encodeURIComponent(query)}`,
    );
    expect(api.status).toBe(200);
    const listed = (await api.json()) as { executions?: { execution: { workflowId: string } }[] };
    expect(listed.executions?.map((e) => e.execution.workflowId)).toEqual([lodged.consentId]);
  });
});
