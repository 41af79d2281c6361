// Chaos on the cluster profile (`npm run test:chaos`): the platform started once as a bank runs it
// (scripts/start-cluster.ts), then broken on purpose,
// one fault at a time, under load. Each fault asserts what a bank cares about — nothing lost,
// nothing duplicated, no request hung past its budget, failures in the standard's error format,
// service back within a stated ceiling — and adds its figures (requests failed in the fault window,
// time to recovery) to the table printed at the end. Timings are printed, and only asserted
// against generous ceilings: this machine is shared.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { connectDatabase, type Database } from '../../db/connection.js';
import type { ActiveRecipient, Http } from '../../scripts/soak/consents.js';
import { clientIdFor } from '../../db/models/application.js';
import { eventually } from '../helpers/eventually.js';
import { consentTrail } from './helpers/audit.js';
import { freeze, killAndAwaitRestart, restartPostgres, until } from './helpers/faults.js';
import { byStatus, Figures } from './helpers/figures.js';
import { ANSWERED_WITHIN_MS, Load, windowFigures } from './helpers/load.js';
import { killMidRegistration, killMidReview } from './helpers/held-kills.js';
import { startChaosPlatform, type ChaosPlatform } from './helpers/platform.js';
import { replayServerHistories } from './helpers/replay.js';
import { loadConfig } from '../../lib/config.js';
import { platformDataConverter } from '../../lib/temporal.js';
import {
  accountsCall,
  authorisedGrant,
  chaosHttp,
  consentLifecycle,
  ofbRecipient,
  tokenCall,
} from './helpers/recipient.js';

/** A killed process is back (restarted and ready) within this. */
const RESTART_CEILING_MS = 90_000;
/** Service answers as before within this after a fault ends. */
const RECOVERY_CEILING_MS = 90_000;
/** The database cut. */
const CUT_MS = 30_000;

const log = (line: string) => console.log(`[chaos ${new Date().toISOString().slice(11, 19)}] ${line}`);
const figures = new Figures();
let p: ChaosPlatform;
let http: Http;
let r: ActiveRecipient;
let db: Database;

beforeAll(async () => {
  p = await startChaosPlatform(log);
  http = chaosHttp(p);
  log('provisioning an OFB recipient in Chromium');
  r = await ofbRecipient(p, http);
  db = await connectDatabase(
    { uri: p.mongoUri, database: p.database, connectTimeoutMs: 30_000 },
    pino({ level: 'silent' }),
  );
}, 600_000);

afterAll(async () => {
  console.log(figures.table());
  await db?.close();
  await p?.stop();
}, 180_000);

/** Every consent of the recipient's client: its audit trail intact, wherever it ended. */
async function everyTrailIntact() {
  const all = await db.models.Consent.find({ clientId: r.cfg.credentials.clientId }, { _id: 1 }).lean();
  const broken = [];
  for (const c of all) {
    const t = await consentTrail(db.models, String(c._id));
    if (t.problems.length) broken.push(t);
  }
  return { count: all.length, broken };
}

/** Reads and token requests while `fault` runs; the figures of its window. */
async function underLoad(
  scenario: string,
  fault: () => Promise<{ at: number; endedAt: number; note?: string }>,
  o: { tokens?: boolean } = {},
) {
  const grant = await authorisedGrant(http, r);
  const loads = [new Load('GET accounts (gateway)', accountsCall(r, grant), 4)];
  if (o.tokens) loads.push(new Load('token (AS)', await tokenCall(r, 2), 2));
  try {
    const warm = Date.now();
    for (const l of loads) await l.healthyAfter(warm, 10, 60_000);
    const { at, endedAt, note } = await fault();
    await Promise.all(loads.map((l) => l.healthyAfter(endedAt, 20, RECOVERY_CEILING_MS)));
    const to = Date.now();
    return loads.map((l) => {
      const w = windowFigures(l, at, to);
      const recoveryS = Math.max(0, (w.lastFailureAt - endedAt) / 1000);
      figures.add({
        scenario,
        load: l.name,
        requests: w.requests,
        failed: w.failed,
        statuses: byStatus(w.statuses),
        hangs: w.hangs,
        slowestMs: w.slowest,
        faultS: (endedAt - at) / 1000,
        recoveryS,
        ...(note ? { note } : {}),
      });
      log(`${scenario} / ${l.name}: ${JSON.stringify({ ...w, recoveryS })}`);
      return { ...w, recoveryS, load: l };
    });
  } finally {
    await Promise.all(loads.map((l) => l.stop()));
  }
}

/** No request hung or passed its budget, and every failure was in its standard's error format. */
function expectFastAnswersInStandardFormat(rows: { hangs: number; slowest: number; malformed: unknown[] }[]) {
  for (const w of rows) {
    expect(w.hangs).toBe(0);
    expect(w.slowest).toBeLessThan(ANSWERED_WITHIN_MS);
    expect(w.malformed).toEqual([]);
  }
}

/** A consent write (lodging at the gateway starts its workflow) answered 201 again: seconds since `at`. */
async function consentWritesResume(at: number): Promise<number> {
  await until(
    async () => {
      await r.journey.start({ cpf: '52998224725' });
      return true;
    },
    RECOVERY_CEILING_MS,
    'a consent lodged again',
  );
  return (Date.now() - at) / 1000;
}

it('a worker killed in the middle of consent lifecycles: every consent ends right, its trail intact', async () => {
  const victim = p.replicas('worker')[0]!;
  const steps: Record<string, number> = {};
  const started = Date.now();
  const lifecycles = Array.from({ length: 6 }, (_, i) =>
    consentLifecycle(http, r, i, (step) => (steps[step] = (steps[step] ?? 0) + 1)),
  );
  // Strike while consents are between steps: some lodged and being authorised, none finished.
  await until(() => (steps.lodged ?? 0) >= 3, 120_000, 'three consents lodged');
  log(`killing ${victim} with ${JSON.stringify(steps)} done`);
  const kill = await killAndAwaitRestart(p, victim, RESTART_CEILING_MS);
  const [restartS, results] = await Promise.all([kill.back, Promise.all(lifecycles)]);
  const tookS = (Date.now() - started) / 1000;

  for (const l of results) expect(l.error).toBeUndefined();
  for (const l of results) {
    const trail = await consentTrail(db.models, l.consentId!);
    // Revoked by the recipient after authorisation: OFB's REJECTED, each step once.
    expect(trail).toEqual({
      consentId: l.consentId,
      status: 'REJECTED',
      actions: ['lodge', 'authorise', 'reject'],
      problems: [],
    });
  }
  const { count, broken } = await everyTrailIntact();
  expect(broken).toEqual([]);
  const retries = results.reduce((n, l) => n + l.retries, 0);
  figures.add({
    scenario: `SIGKILL ${victim} mid lifecycles`,
    load: '6 consent lifecycles',
    requests: results.length,
    failed: results.filter((l) => l.error).length,
    statuses: '',
    hangs: 0,
    slowestMs: Math.round(tookS * 1000),
    faultS: restartS,
    recoveryS: 0,
    note: `${retries} steps retried, ${count} consents checked, worker back in ${restartS.toFixed(1)} s`,
  });
}, 420_000);

it('a worker killed while it registers an application: one OAuth client, ACTIVE', async () => {
  const clientsBefore = await db.models.OidcRecord.countDocuments({ model: 'Client' });
  const held = await killMidRegistration(p, r.developer);
  log(`killed worker pid ${held.killedPid} inside registerClient of ${held.workflowId}`);
  const app = await eventually(async () => {
    const a = await db.models.Application.findById(held.applicationId).lean();
    if (a?.client.status !== 'ACTIVE') throw new Error(`client ${a?.client.status}`);
    return a;
  }, 180_000);
  const recoveryS = (Date.now() - held.at) / 1000;
  expect(app.client.clientId).toBe(clientIdFor(held.applicationId));
  // The lost answer's registration and the retry's are one client at the AS, not two.
  expect(await db.models.OidcRecord.countDocuments({ model: 'Client' })).toBe(clientsBefore + 1);
  expect(await db.models.OidcRecord.findById(`Client:${app.client.clientId}`).lean()).not.toBeNull();
  figures.add({
    scenario: 'SIGKILL worker in registerClient',
    load: '1 application',
    requests: 1,
    failed: 0,
    statuses: '',
    hangs: 0,
    slowestMs: 0,
    faultS: 0,
    recoveryS,
    note: `client ACTIVE ${recoveryS.toFixed(1)} s after the kill (step timeout 15 s)`,
  });
}, 300_000);

it('every worker killed while it holds an onboarding review: approved once, notified once', async () => {
  const held = await killMidReview(p);
  log(`workers killed holding the review of ${held.organization}`);
  // Approved, and the decision notified (the workflow's last step).
  const { org, templates } = await eventually(async () => {
    const o = await db.models.Organization.findOne({ legalName: held.organization }).lean();
    if (o?.status !== 'APPROVED') throw new Error(`organization ${o?.status}`);
    const notes = await db.models.Notification.find(
      { organizationId: String(o._id) },
      { template: 1 },
    ).lean();
    const t = notes.map((n) => n.template).sort();
    if (!t.includes('enrolment-approved')) throw new Error(`notified ${t.join(', ')}`);
    return { org: o, templates: t };
  }, 180_000);
  const recoveryS = (Date.now() - held.at) / 1000;
  expect(org.status).toBe('APPROVED');
  // Each notification once: the enrolment's, the bank's review request, the decision.
  expect(templates.filter((t) => t === 'enrolment-approved')).toHaveLength(1);
  expect(new Set(templates).size).toBe(templates.length);
  figures.add({
    scenario: 'SIGKILL workers holding a review',
    load: '1 organization',
    requests: 1,
    failed: 0,
    statuses: '',
    hangs: 0,
    slowestMs: 0,
    faultS: 0,
    recoveryS,
    note: `APPROVED ${recoveryS.toFixed(1)} s after the kill; notifications ${templates.join(', ')}`,
  });
}, 300_000);

it('a gateway replica and an AS replica killed under load: the proxy routes around them', async () => {
  const rows = await underLoad(
    'SIGKILL gateway-1 + auth-1',
    async () => {
      const gw = await killAndAwaitRestart(p, 'gateway-1', RESTART_CEILING_MS);
      const as = await killAndAwaitRestart(p, 'auth-1', RESTART_CEILING_MS);
      const [gwS, asS] = await Promise.all([gw.back, as.back]);
      expect(Math.max(gwS, asS) * 1000).toBeLessThan(RESTART_CEILING_MS);
      return {
        at: gw.at,
        endedAt: Date.now(),
        note: `replicas back in ${gwS.toFixed(1)} s / ${asS.toFixed(1)} s`,
      };
    },
    { tokens: true },
  );
  for (const w of rows) {
    expect(w.hangs).toBe(0);
    // Routed around: at most the requests in flight on the killed replica at the kill fail.
    expect(w.failed).toBeLessThanOrEqual(Math.max(4, Math.ceil(w.requests * 0.02)));
  }
}, 420_000);

it('the Temporal server killed under load: reads answer or fail fast in OFB format; consent writes resume', async () => {
  let writesS = 0;
  const rows = await underLoad('SIGKILL temporal', async () => {
    const kill = await killAndAwaitRestart(p, 'temporal', RESTART_CEILING_MS);
    const restartS = await kill.back;
    writesS = await consentWritesResume(kill.at);
    return {
      at: kill.at,
      endedAt: Date.now(),
      note: `new server process in ${restartS.toFixed(1)} s, consent writes in ${writesS.toFixed(1)} s`,
    };
  });
  expectFastAnswersInStandardFormat(rows);
  expect(writesS * 1000).toBeLessThan(RECOVERY_CEILING_MS);
}, 420_000);

it('the database cut for 30 s under load: nothing hangs, errors in the standard format, back after', async () => {
  const rows = await underLoad(
    'SIGSTOP ferretdb 30 s',
    async () => {
      const at = Date.now();
      await freeze(p.pid('ferretdb'), CUT_MS);
      const endedAt = Date.now();
      const writesS = await consentWritesResume(endedAt);
      return { at, endedAt, note: `consent writes ${writesS.toFixed(1)} s after SIGCONT` };
    },
    { tokens: true },
  );
  expectFastAnswersInStandardFormat(rows);
  const { broken } = await everyTrailIntact();
  expect(broken).toEqual([]);
}, 420_000);

it('PostgreSQL restarted under load: reads answer or fail fast in OFB format; consent writes resume', async () => {
  const rows = await underLoad(
    'PostgreSQL restart',
    async () => {
      const at = Date.now();
      await restartPostgres();
      const endedAt = Date.now();
      const writesS = await consentWritesResume(endedAt);
      return {
        at,
        endedAt,
        note: `restart took ${((endedAt - at) / 1000).toFixed(1)} s, consent writes ${writesS.toFixed(1)} s after`,
      };
    },
    { tokens: true },
  );
  expectFastAnswersInStandardFormat(rows);
  // PostgreSQL away is an outage of a dependency: refused as 503, to be retried, never as a 500.
  for (const w of rows) expect(Object.keys(w.statuses).filter((status) => status !== '503')).toEqual([]);
  const { broken } = await everyTrailIntact();
  expect(broken).toEqual([]);
}, 420_000);

it('every workflow the Temporal server ran, through all of the above, replays on the current code', async () => {
  const { temporal } = loadConfig({ DATA_DIR: p.dataDir });
  const replayed = await replayServerHistories({
    address: p.temporalAddress!,
    namespace: temporal.namespace,
    dataConverter: platformDataConverter(temporal),
  });
  log(`replayed: ${JSON.stringify(replayed.byType)}; failed: ${replayed.failures.length}`);
  expect(replayed.failures).toEqual([]);
  // The domains the faults above ran through, each seen at least once.
  for (const type of ['consent', 'provisioning', 'onboarding'])
    expect(replayed.byType[type] ?? 0).toBeGreaterThan(0);
}, 300_000);
