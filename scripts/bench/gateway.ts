// `npm run bench:gateway`: the data APIs under load, against the platform as `npm start` runs it
// (separate processes: gateway, authorization server, worker, Temporal, the database), compared in
// the same run with a bare Express HTTPS + mTLS route answering the same bytes and headers.
//
// Set-up, over HTTP as people do it: a fintech's organization and applications from the
// marketplace (enrolment, the bank's approval, generated credentials), then authorised consents —
// by default 200 OFB (sharing every account and card, the demo customers Ana and Bruno, spread over
// enough applications for the bank's CONSENT_MAX_PER_RECIPIENT of 10) and 20 FDX — each lodged,
// pushed (PAR), logged in with password and one-time code, and exchanged for tokens.
// Workloads, each measured in rounds that alternate the bare route and the platform (bare,
// platform, bare, platform…), with load from a forked process of its own (autocannon, the
// recipients' client certificates):
//   (a) the accounts list on one consent with 1, 16 and 64 connections;
//   (b) a recipient's mixed reads: OFB resources, accounts, balances, transactions and their second
//       page, credit-card accounts and bills, customers, over every OFB consent; FDX accounts,
//       transactions (two pages) and statements over every FDX consent;
//   (c) POST /consents, and the token endpoint (client credentials, refresh; private_key_jwt).
// Per workload it prints req/s, p50/p95/p99, the non-2xx count and the first distinct non-2xx
// answers, the ratio to the bare route, CPU seconds per 1,000 requests of each platform process
// (from /proc, the supervisor's children) and the cores each kept busy, the load average, and
// which process saturates; and writes it all to a JSON file to compare runs.
//
// Against a running platform (default: the `npm start` URLs, its DATA_DIR .data for the CA and
// server certificate, its supervisor found by the gateway's port), or with --own against one it
// starts itself (scripts/start.ts, its own DATA_DIR and ports) and stops at the end; --cluster
// starts the cluster profile instead (scripts/start-cluster.ts: CLUSTER_REPLICAS replicas behind
// nginx, the Temporal server and FerretDB on PostgreSQL in databases of its own, dropped after).
// Options: --seconds N (per run, default 5), --rounds N (bare/platform pairs, default 2),
// --warmup N (unmeasured seconds of each read workload on the platform first, default 10),
// --consents N (OFB, default 200), --fdx-consents N (default 20), --max-per-recipient N (default
// 10), --only a,b,c, --json FILE, --own or --cluster [--port-base N --data-dir DIR --core-source S],
// --marketplace-url,
// --auth-url, --gateway-url, --data-dir, --pid (the supervisor's), --setup-width N (default 4),
// --bare-port N (default --port-base + 8, or a free port).
//
// The mock core stands in for the bank's core, which in production runs on the bank's own machines:
// with --own it serves its demo data from memory (--core-source memory, the default), so its
// database reads do not compete with the platform's on these cores; --core-source mongodb runs it
// as `npm start` does, reading FerretDB. Either way its CPU is printed apart from the platform's.
// With --own the traffic limits are off (TRAFFIC_LIMITS=false): this measures capacity; against a
// running platform, start it with TRAFFIC_LIMITS=false too, or its 429/529 answers are counted.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ACCOUNTS } from '../../examples/recipient-app/ofb-journey.js';
import { loadConfig } from '../../lib/config.js';
import { clusterDatabases, clusterPorts } from '../../runtime/cluster.js';
import { dropPostgresDatabases } from '../../runtime/temporal-sql-schema.js';
import { TEMPORAL_SQL_TOOL, resolveTool } from '../../runtime/tools.js';
import { startPlatform, type Platform, type Ports } from '../soak/platform.js';
import { ConsentMaker, CUSTOMERS, freshTokens, pool, type AuthorisedConsent } from './gateway/consents.js';
import { summarise, type LoadResult, type LoadSpec } from './gateway/load.js';
import { cpuBetween, findSupervisor, sampleCpu, type CpuUse } from './gateway/processes.js';
import { provisionRecipients, type PlatformUrls } from './gateway/recipients.js';
import {
  accountsList,
  discoverPaths,
  lodgeConsents,
  mixed,
  tokenRequests,
  type Workload,
} from './gateway/workloads.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '2' },
    consents: { type: 'string', default: '200' },
    'fdx-consents': { type: 'string', default: '20' },
    'max-per-recipient': { type: 'string', default: '10' },
    'setup-width': { type: 'string', default: '4' },
    only: { type: 'string', default: 'a,b,c' },
    json: { type: 'string' },
    own: { type: 'boolean', default: false },
    cluster: { type: 'boolean', default: false },
    'port-base': { type: 'string' },
    'bare-port': { type: 'string' },
    'data-dir': { type: 'string' },
    'marketplace-url': { type: 'string', default: 'http://127.0.0.1:3000' },
    'auth-url': { type: 'string', default: 'https://localhost:8443' },
    'gateway-url': { type: 'string', default: 'https://localhost:8444' },
    pid: { type: 'string' },
    'core-source': { type: 'string', default: 'memory' },
    warmup: { type: 'string', default: '10' },
  },
});
const SECONDS = Number(args.seconds);
const ROUNDS = Number(args.rounds);
const WARMUP_SECONDS = Number(args.warmup);
const OFB_CONSENTS = Number(args.consents);
const FDX_CONSENTS = Number(args['fdx-consents']);
const MAX_PER_RECIPIENT = Number(args['max-per-recipient']);
const ONLY = new Set(args.only.split(','));
/** How long one workload runs (its warm-up, both sides, every round), with a margin: no token may expire in it. */
const workloadMs = (WARMUP_SECONDS + ROUNDS * 2 * SECONDS + 30) * 1000;
const PORT_BASE = args['port-base'] !== undefined ? Number(args['port-base']) : undefined;
/** The process standing in for the bank's core: measured, but not the platform's. */
const BANK_CORE = 'core-banking';
/** The issue's targets, checked in the summary. */
const TARGETS = { ratio: 0.5, p99VsBare: 3, mixedRps: 300, mixedP95Ms: 150 };

const log = (line: string) => process.stderr.write(`${line}\n`);
const loadAverage = () => os.loadavg().map((l) => Number(l.toFixed(2)));
const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** Busy and total jiffies of the whole machine (/proc/stat), for what else runs on it. */
function machineTicks(): { busy: number; total: number } {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3]! + (cpu[4] ?? 0);
  const total = cpu.reduce((a, b) => a + b, 0);
  return { busy: total - idle, total };
}

// ---------------------------------------------------------------------------------------------
// Child processes: the load generator and the bare route.

function startLoadGenerator() {
  const child = fork(path.join(root, 'scripts/bench/gateway/load.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let next = 0;
  const waiting = new Map<number, { resolve: (r: LoadResult) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; result?: LoadResult; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error) w?.reject(new Error(`load generator: ${m.error}`));
    else w?.resolve(m.result!);
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`the load generator exited (${code})`));
  });
  return {
    pid: child.pid!,
    run: (spec: LoadSpec) =>
      new Promise<LoadResult>((resolve, reject) => {
        const id = next++;
        waiting.set(id, { resolve, reject });
        child.send({ id, spec });
      }),
    stop: () => {
      if (child.connected) child.disconnect();
    },
  };
}

async function startBare(pkiDir: string, answerFile: string, port: number | undefined) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(root, 'scripts/bench/gateway/bare.ts')],
    {
      env: { ...process.env, BARE_PKI_DIR: pkiDir, BARE_ANSWER: answerFile, BARE_PORT: String(port ?? 0) },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const listening = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the bare server exited (${code})`)));
  });
  return {
    pid: child.pid!,
    origin: `https://localhost:${listening}`,
    stop: () => child.kill('SIGTERM'),
  };
}

// ---------------------------------------------------------------------------------------------
// Measuring.

interface Run {
  workload: string;
  target: 'bare' | 'platform';
  round: number;
  result: Omit<LoadResult, 'latencies'>;
  cpu: Record<string, CpuUse>;
  machineBusyCores: number;
  loadAverage: number[];
}

interface Side {
  responses: number;
  seconds: number;
  rps: number;
  latencyMs: LoadResult['latencyMs'];
  non2xx: number;
  errors: number;
  status: Record<string, number>;
  samples: LoadResult['samples'];
  errorSamples: string[];
}

interface Summary {
  id: string;
  group: string;
  title: string;
  connections: number;
  platform: Side;
  bare: Side;
  ratio: number;
  p99VsBare: number;
  /** CPU seconds per 1,000 platform requests, by process (the load generator's too). */
  cpuPer1000: Record<string, number>;
  /** Average cores busy during the platform's runs, by process; and the whole machine's. */
  cores: Record<string, number>;
  machineBusyCores: number;
  loadAverage: { before: number[]; after: number[] };
  busiest: string;
}

function side(results: LoadResult[]): Side {
  const responses = results.reduce((a, r) => a + r.responses, 0);
  const seconds = results.reduce((a, r) => a + r.seconds, 0);
  const status: Record<string, number> = {};
  for (const r of results) for (const [k, v] of Object.entries(r.status)) status[k] = (status[k] ?? 0) + v;
  const samples: LoadResult['samples'] = [];
  for (const r of results)
    for (const s of r.samples)
      if (samples.length < 5 && !samples.some((x) => x.status === s.status && x.body === s.body))
        samples.push(s);
  return {
    responses,
    seconds,
    rps: seconds ? responses / seconds : 0,
    latencyMs: summarise(results.flatMap((r) => r.latencies)),
    non2xx: results.reduce((a, r) => a + r.non2xx, 0),
    errors: results.reduce((a, r) => a + r.errors, 0),
    status,
    samples,
    errorSamples: [...new Set(results.flatMap((r) => r.errorSamples))].slice(0, 5),
  };
}

// ---------------------------------------------------------------------------------------------

async function main() {
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  const startedAt = new Date();
  try {
    // The platform.
    let urls: PlatformUrls;
    let supervisorPid: number | undefined;
    let pkiDir: string;
    if (args.own || args.cluster) {
      const created = !args['data-dir'];
      const dataDir = args['data-dir'] ?? mkdtempSync(path.join(os.tmpdir(), 'obp-bench-gateway-'));
      mkdirSync(dataDir, { recursive: true });
      const script = args.cluster ? 'scripts/start-cluster.ts' : 'scripts/start.ts';
      // The cluster's databases are its own, dropped at the end.
      const prefix = `bench_${process.pid}`;
      log(`starting the platform (${script}, DATA_DIR ${dataDir})…`);
      const platform: Platform = await startPlatform({
        dataDir,
        ...(args.cluster
          ? { script, ports: clusterPorts(PORT_BASE ?? 12_600) as Ports }
          : PORT_BASE !== undefined
            ? { portBase: PORT_BASE }
            : {}),
        rollupEverySeconds: 60,
        readyTimeoutMs: 240_000,
        log,
        // Capacity, not the bank's traffic policy: the platform's limits (OFB's floors, 300 TPS
        // ceiling, log-ins per address) would answer 429/529 long before it saturates.
        env: {
          CORE_BANKING_SOURCE: args['core-source'],
          TRAFFIC_LIMITS: 'false',
          ...(args.cluster ? { CLUSTER_DATABASE_PREFIX: prefix } : {}),
        },
      });
      cleanups.unshift(async () => {
        log('stopping the platform…');
        await platform.stop();
        if (args.cluster) {
          const sqlTool = await resolveTool(TEMPORAL_SQL_TOOL, log);
          const dbs = clusterDatabases(loadConfig({ CLUSTER_DATABASE_PREFIX: prefix }));
          await dropPostgresDatabases({ sqlTool: sqlTool.path, databases: Object.values(dbs) });
        }
        if (created) rmSync(dataDir, { recursive: true, force: true });
      });
      urls = platform;
      supervisorPid = platform.supervisorPid;
      pkiDir = path.join(dataDir, 'pki');
    } else {
      const dataDir = path.resolve(root, args['data-dir'] ?? process.env.DATA_DIR ?? '.data');
      pkiDir = path.join(dataDir, 'pki');
      urls = {
        marketplaceUrl: args['marketplace-url'].replace(/\/$/, ''),
        authUrl: args['auth-url'].replace(/\/$/, ''),
        gatewayUrl: args['gateway-url'].replace(/\/$/, ''),
        ca: readFileSync(path.join(pkiDir, 'ca.crt'), 'utf8'),
      };
      supervisorPid = args.pid
        ? Number(args.pid)
        : findSupervisor(Number(new URL(urls.gatewayUrl).port || 443));
      if (!supervisorPid)
        log('no supervisor found for that gateway port (pass --pid): CPU per process will be missing');
    }

    // Recipients and consents.
    const setupStarted = performance.now();
    const perApp = CUSTOMERS.length * MAX_PER_RECIPIENT;
    const ofbApps = Math.max(1, Math.ceil(OFB_CONSENTS / perApp));
    const fdxApps = Math.max(1, Math.ceil(FDX_CONSENTS / perApp));
    log(`provisioning a recipient organization with ${ofbApps} OFB and ${fdxApps} FDX applications…`);
    const recipients = await provisionRecipients(urls, { ofb: ofbApps, fdx: fdxApps });
    const maker = new ConsentMaker(urls);
    const plan = [
      ...Array.from({ length: OFB_CONSENTS }, (_, i) => ({
        standard: 'OFB' as const,
        customer: CUSTOMERS[i % CUSTOMERS.length]!,
        recipient: recipients.ofb[Math.floor(i / CUSTOMERS.length) % ofbApps]!,
      })),
      ...Array.from({ length: FDX_CONSENTS }, (_, i) => ({
        standard: 'FDX' as const,
        customer: CUSTOMERS[i % CUSTOMERS.length]!,
        recipient: recipients.fdx[Math.floor(i / CUSTOMERS.length) % fdxApps]!,
      })),
    ];
    log(`authorising ${OFB_CONSENTS} OFB and ${FDX_CONSENTS} FDX consents (${args['setup-width']} at once)…`);
    let made = 0;
    const consents: AuthorisedConsent[] = await pool(plan, Number(args['setup-width']), async (p) => {
      // A loaded machine may answer a step with its 503 (the request budget ran out): start that
      // consent again after a pause, four times at most.
      for (let attempt = 1; ; attempt++) {
        try {
          const c =
            p.standard === 'OFB'
              ? await maker.ofb(p.recipient, p.customer)
              : await maker.fdx(p.recipient, p.customer);
          if (++made % 20 === 0) log(`  ${made}/${plan.length} consents authorised`);
          return c;
        } catch (err) {
          if (attempt === 5) throw err;
          log(`  a ${p.standard} consent failed (${String(err).slice(0, 200)}); again`);
          await new Promise((r) => setTimeout(r, 2000 * attempt));
        }
      }
    });
    const ofb = consents.filter((c) => c.standard === 'OFB');
    const fdx = consents.filter((c) => c.standard === 'FDX');
    const paths = { OFB: new Map<string, string[]>(), FDX: new Map<string, string[]>() };
    for (const c of consents)
      if (!paths[c.standard].has(c.customer.username)) {
        await freshTokens([c], 60_000);
        paths[c.standard].set(c.customer.username, await discoverPaths(urls.gatewayUrl, c));
      }
    const setupSeconds = (performance.now() - setupStarted) / 1000;
    log(`set-up done in ${fmt(setupSeconds)} s`);

    // The bare route answers what the gateway answered for the accounts list.
    const first = ofb[0]!;
    await freshTokens([first], workloadMs);
    const sample = await first.recipient.client.mtls(`${urls.gatewayUrl}${ACCOUNTS}`, {
      headers: {
        authorization: `Bearer ${first.accessToken}`,
        accept: 'application/json',
        'x-fapi-interaction-id': crypto.randomUUID(),
      },
    });
    const body = await sample.text();
    if (sample.status !== 200)
      throw new Error(`GET ${ACCOUNTS} answered ${sample.status}: ${body.slice(0, 300)}`);
    const headers: Record<string, string> = {};
    sample.headers.forEach((v, k) => {
      if (!['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length'].includes(k))
        headers[k] = v;
    });
    const work = mkdtempSync(path.join(os.tmpdir(), 'obp-bench-gateway-bare-'));
    cleanups.unshift(() => rmSync(work, { recursive: true, force: true }));
    const answerFile = path.join(work, 'answer.json');
    writeFileSync(answerFile, JSON.stringify({ status: 200, headers, body }));
    const barePort = args['bare-port'] ?? (PORT_BASE !== undefined ? PORT_BASE + 8 : undefined);
    const bare = await startBare(pkiDir, answerFile, barePort !== undefined ? Number(barePort) : undefined);
    cleanups.unshift(() => bare.stop());
    const loader = startLoadGenerator();
    cleanups.unshift(() => loader.stop());

    // The workloads, built just before each runs: with tokens that outlive it.
    const workloads: { tokens: AuthorisedConsent[]; make: () => Promise<Workload> }[] = [];
    const now = (w: Workload) => Promise.resolve(w);
    if (ONLY.has('a'))
      for (const n of [1, 16, 64])
        workloads.push({ tokens: [first], make: () => now(accountsList(first, n)) });
    if (ONLY.has('b')) {
      workloads.push({ tokens: ofb, make: () => now(mixed('OFB', ofb, paths.OFB, 16)) });
      if (fdx.length) workloads.push({ tokens: fdx, make: () => now(mixed('FDX', fdx, paths.FDX, 16)) });
    }
    if (ONLY.has('c')) {
      const app = first.recipient;
      workloads.push({
        tokens: [],
        make: async () => lodgeConsents(app, await maker.clientToken(app, workloadMs), first, 8),
      });
      workloads.push({ tokens: [], make: () => now(tokenRequests('client-credentials', app, [], 8)) });
      const refresh = ofb.filter((c) => c.recipient === app && c.refreshToken).map((c) => c.refreshToken!);
      if (refresh.length)
        workloads.push({ tokens: [], make: () => now(tokenRequests('refresh', app, refresh, 8)) });
    }

    const origins = { gateway: urls.gatewayUrl, auth: urls.authUrl };
    const runs: Run[] = [];
    const summaries: Summary[] = [];
    const cores = os.cpus().length;
    console.log(
      `\nbench:gateway — ${startedAt.toISOString()}, ${cores} cores, load average ${loadAverage().join(' ')}; ` +
        `${ROUNDS} rounds of ${SECONDS} s per side and workload; set-up ${fmt(setupSeconds)} s ` +
        `(${consents.length} consents over ${recipients.ofb.length + recipients.fdx.length} applications); ` +
        `the bank's core: the mock core, ${args.own || args.cluster ? `its data in ${args['core-source']}` : 'as started'}`,
    );
    for (const next of workloads) {
      const renewed = await freshTokens(next.tokens, workloadMs);
      if (renewed) log(`  ${renewed} access tokens renewed by their refresh tokens`);
      const w = await next.make();
      // Reads start from what a running platform has: each token introspected once (then cached for
      // GATEWAY_INTROSPECTION_CACHE) and each consent's state read once. Unmeasured, and only for
      // reads: a warm-up of (c) would create consents or use up refresh tokens.
      if (WARMUP_SECONDS > 0 && w.group !== 'c')
        await loader.run({ origin: origins[w.target], seconds: WARMUP_SECONDS, groups: w.groups });
      const before = loadAverage();
      const platformResults: LoadResult[] = [];
      const bareResults: LoadResult[] = [];
      const cpuTotals = new Map<string, number>();
      let platformWall = 0;
      let machineBusy = 0;
      for (let round = 1; round <= ROUNDS; round++) {
        for (const target of ['bare', 'platform'] as const) {
          const spec: LoadSpec =
            target === 'bare'
              ? {
                  origin: bare.origin,
                  seconds: SECONDS,
                  groups: [
                    {
                      connections: w.connections,
                      cert: first.recipient.cfg.credentials.certificate,
                      key: first.recipient.cfg.credentials.certificateKey,
                      requests: [
                        {
                          method: 'GET',
                          path: ACCOUNTS,
                          headers: {
                            authorization: `Bearer ${first.accessToken}`,
                            accept: 'application/json',
                          },
                        },
                      ],
                    },
                  ],
                }
              : { origin: origins[w.target], seconds: SECONDS, groups: w.groups };
          const extra = {
            'load generator': loader.pid,
            ...(target === 'bare' ? { 'bare route': bare.pid } : {}),
          };
          const cpuBefore = sampleCpu(target === 'platform' ? supervisorPid : undefined, extra);
          const machineBefore = machineTicks();
          const result = await loader.run(spec);
          const cpuAfter = sampleCpu(target === 'platform' ? supervisorPid : undefined, extra);
          const machineAfter = machineTicks();
          const wall = (cpuAfter.at - cpuBefore.at) / 1000;
          const busyCores =
            ((machineAfter.busy - machineBefore.busy) /
              Math.max(1, machineAfter.total - machineBefore.total)) *
            cores;
          const cpu = cpuBetween(cpuBefore, cpuAfter);
          (target === 'bare' ? bareResults : platformResults).push(result);
          if (target === 'platform') {
            platformWall += wall;
            machineBusy += busyCores * wall;
            for (const [name, use] of cpu) cpuTotals.set(name, (cpuTotals.get(name) ?? 0) + use.seconds);
          }
          const kept: Run['result'] = { ...result };
          delete (kept as Partial<LoadResult>).latencies;
          runs.push({
            workload: w.id,
            target,
            round,
            result: kept,
            cpu: Object.fromEntries(cpu),
            machineBusyCores: Number(busyCores.toFixed(2)),
            loadAverage: loadAverage(),
          });
          log(
            `  ${w.id} round ${round} ${target.padEnd(8)} ${fmt(result.rps).padStart(7)} req/s, ` +
              `p99 ${fmt(result.latencyMs.p99)} ms, non-2xx ${result.non2xx}, errors ${result.errors}`,
          );
        }
      }
      const p = side(platformResults);
      const b = side(bareResults);
      const cpuPer1000: Record<string, number> = {};
      const coreUse: Record<string, number> = {};
      for (const [name, seconds] of [...cpuTotals].sort((x, y) => y[1] - x[1])) {
        cpuPer1000[name] = p.responses ? Number(((seconds / p.responses) * 1000).toFixed(3)) : 0;
        coreUse[name] = platformWall ? Number((seconds / platformWall).toFixed(2)) : 0;
      }
      const busiest = Object.entries(coreUse).filter(([n]) => n !== 'load generator')[0]?.[0] ?? '?';
      const s: Summary = {
        id: w.id,
        group: w.group,
        title: w.title,
        connections: w.connections,
        platform: p,
        bare: b,
        ratio: b.rps ? p.rps / b.rps : 0,
        p99VsBare: b.latencyMs.p99 ? p.latencyMs.p99 / b.latencyMs.p99 : 0,
        cpuPer1000,
        cores: coreUse,
        machineBusyCores: platformWall ? Number((machineBusy / platformWall).toFixed(2)) : 0,
        loadAverage: { before, after: loadAverage() },
        busiest,
      };
      summaries.push(s);
      printSummary(s, cores);
    }
    printTargets(summaries);

    const file = path.resolve(
      root,
      args.json ??
        path.join('test-artifacts', `bench-gateway-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`),
    );
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(
      file,
      JSON.stringify(
        {
          startedAt: startedAt.toISOString(),
          options: {
            seconds: SECONDS,
            rounds: ROUNDS,
            consents: OFB_CONSENTS,
            fdxConsents: FDX_CONSENTS,
            own: args.own,
            cluster: args.cluster,
          },
          machine: { cores, loadAverage: loadAverage(), node: process.version },
          platform: { gatewayUrl: urls.gatewayUrl, authUrl: urls.authUrl, supervisorPid },
          setupSeconds,
          targets: TARGETS,
          summaries,
          runs,
        },
        null,
        2,
      ),
    );
    console.log(`\nresults written to ${path.relative(process.cwd(), file)}`);
  } finally {
    for (const c of cleanups)
      await Promise.resolve(c()).catch((err: unknown) => log(`cleanup: ${String(err)}`));
  }
}

function printSummary(s: Summary, cores: number) {
  const p = s.platform;
  const b = s.bare;
  const lat = (x: Side) =>
    `p50 ${fmt(x.latencyMs.p50)} / p95 ${fmt(x.latencyMs.p95)} / p99 ${fmt(x.latencyMs.p99)} ms`;
  console.log(`\n(${s.group}) ${s.title}`);
  console.log(
    `  platform ${fmt(p.rps).padStart(8)} req/s  ${lat(p)}  non-2xx ${p.non2xx} of ${p.responses}` +
      (p.errors ? `, ${p.errors} without an answer` : ''),
  );
  console.log(`  bare     ${fmt(b.rps).padStart(8)} req/s  ${lat(b)}  non-2xx ${b.non2xx} of ${b.responses}`);
  console.log(`  ratio to bare ${s.ratio.toFixed(3)}×, p99 ${fmt(s.p99VsBare)}× the bare route's`);
  if (p.non2xx) {
    console.log(`  statuses ${JSON.stringify(p.status)}; first non-2xx answers:`);
    for (const x of p.samples)
      console.log(`    ${x.status} ${x.path}: ${x.body.replace(/\s+/g, ' ').slice(0, 240)}`);
  }
  if (p.errorSamples.length) console.log(`  errors: ${p.errorSamples.join('; ')}`);
  console.log(
    `  CPU s per 1,000 requests: ${Object.entries(s.cpuPer1000)
      .map(([n, v]) => `${n} ${v.toFixed(2)}`)
      .join(', ')}`,
  );
  const bankCore = s.cpuPer1000[BANK_CORE] ?? 0;
  const platformCpu = Object.entries(s.cpuPer1000)
    .filter(([n]) => n !== 'load generator' && n !== BANK_CORE)
    .reduce((a, [, v]) => a + v, 0);
  console.log(
    `  the platform's processes ${platformCpu.toFixed(2)} CPU s per 1,000 requests; the bank's core ` +
      `(${BANK_CORE}, a stand-in) ${bankCore.toFixed(2)}`,
  );
  console.log(
    `  cores busy: ${Object.entries(s.cores)
      .map(([n, v]) => `${n} ${v.toFixed(2)}`)
      .join(', ')}; whole machine ${s.machineBusyCores.toFixed(2)} of ${cores}`,
  );
  const top = s.cores[s.busiest] ?? 0;
  const platformCores = Object.entries(s.cores)
    .filter(([n]) => n !== 'load generator')
    .reduce((a, [, v]) => a + v, 0);
  const others = Math.max(0, s.machineBusyCores - platformCores - (s.cores['load generator'] ?? 0));
  // Node processes run JavaScript on one thread: near 1 core is saturated. Temporal and FerretDB
  // are Go programs and may use every core.
  const verdict =
    s.machineBusyCores >= cores * 0.9
      ? `the machine's ${cores} cores are saturated (platform ${platformCores.toFixed(2)}, load generator ` +
        `${(s.cores['load generator'] ?? 0).toFixed(2)}, other processes ${others.toFixed(2)}); the platform's ` +
        `busiest process is ${s.busiest} (${top.toFixed(2)} cores)`
      : top >= 0.85 && !['temporal', 'ferretdb'].includes(s.busiest)
        ? `${s.busiest} saturates its one core (${top.toFixed(2)})`
        : `no process saturates a core (busiest ${s.busiest}, ${top.toFixed(2)} cores; platform ` +
          `${platformCores.toFixed(2)} of ${cores}): the time goes to waiting`;
  console.log(`  saturation: ${verdict}`);
  console.log(`  load average ${s.loadAverage.before.join(' ')} → ${s.loadAverage.after.join(' ')}`);
}

function printTargets(summaries: Summary[]) {
  const lines: string[] = [];
  const met = (ok: boolean) => (ok ? 'MET' : 'NOT MET');
  for (const id of ['accounts-16', 'accounts-64']) {
    const s = summaries.find((x) => x.id === id);
    if (!s) continue;
    lines.push(
      `  ${id}: 0 non-2xx ${met(s.platform.non2xx === 0 && s.platform.errors === 0)}; ratio ≥ ${TARGETS.ratio} ${met(s.ratio >= TARGETS.ratio)} (${s.ratio.toFixed(3)}); p99 ≤ ${TARGETS.p99VsBare}× bare ${met(s.p99VsBare <= TARGETS.p99VsBare)} (${fmt(s.p99VsBare)}×); busiest ${s.busiest}`,
    );
  }
  const m = summaries.find((x) => x.id === 'ofb-mixed');
  if (m)
    lines.push(
      `  ofb-mixed: ≥ ${TARGETS.mixedRps} req/s ${met(m.platform.rps >= TARGETS.mixedRps)} (${fmt(m.platform.rps)}); p95 ≤ ${TARGETS.mixedP95Ms} ms ${met(m.platform.latencyMs.p95 <= TARGETS.mixedP95Ms)} (${fmt(m.platform.latencyMs.p95)}); 0 non-2xx ${met(m.platform.non2xx === 0 && m.platform.errors === 0)}; busiest ${m.busiest}`,
    );
  if (lines.length) console.log(`\ntargets (issue 14, this machine):\n${lines.join('\n')}`);
}

await main();
