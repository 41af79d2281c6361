// Determinism guard: recorded histories of every workflow must replay on the current code.
// A change that would break running workflows fails here. Refresh the fixtures on purpose with
// `RECORD_HISTORIES=1 npm run test:jest -- test/integration` (and version the workflow if needed).
// The workflows come from the worker registry: a workflow type registered without a recorded
// history fails the first test.
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { Worker } from '@temporalio/worker';
import { WORKERS, type WorkerDeps } from '../../workers/registry.js';
import { testDataConverter } from '../helpers/payload-codec.js';
import { quietSdk } from '../helpers/platform.js';

quietSdk();

const dir = new URL('../fixtures/histories/', import.meta.url);
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json'));

/**
 * Stands in for every dependency a worker's activities are built from (any property, any call):
 * they are never called here, and a new dependency needs no change.
 */
const stub: unknown = new Proxy(() => undefined, { get: () => stub, apply: () => stub });
const UNUSED_DEPS = stub as WorkerDeps;

/**
 * A workflow is an async function its queue's bundle exports (the SDK registers every exported
 * function; the bundles also export synchronous rules, such as onboarding's reviewError).
 */
const isWorkflow = (value: unknown) =>
  typeof value === 'function' && value.constructor.name === 'AsyncFunction';

/** Every workflow type of every registered task queue, and the bundle its worker runs it from. */
async function registeredWorkflows(): Promise<Map<string, string>> {
  const workflows = new Map<string, string>();
  for (const [queue, worker] of Object.entries(WORKERS)) {
    const { workflowsPath } = worker(UNUSED_DEPS);
    if (!workflowsPath) throw new Error(`the ${queue} worker names no workflows bundle`);
    const bundle = (await import(workflowsPath)) as Record<string, unknown>;
    for (const [name, value] of Object.entries(bundle))
      if (isWorkflow(value)) workflows.set(name, workflowsPath);
  }
  return workflows;
}

let WORKFLOWS_PATH: Map<string, string>;

beforeAll(async () => {
  WORKFLOWS_PATH = await registeredWorkflows();
});

describe('workflow replay', () => {
  it('has a recorded history for every registered workflow', () => {
    expect(WORKFLOWS_PATH.size).toBeGreaterThan(0);
    expect([...WORKFLOWS_PATH.keys()].filter((wf) => !fixtures.some((f) => f.startsWith(`${wf}-`)))).toEqual(
      [],
    );
  });

  it.each(fixtures)('%s replays without a determinism error', async (file) => {
    const workflowType = file.split('-')[0]!;
    const workflowsPath = WORKFLOWS_PATH.get(workflowType);
    if (!workflowsPath) throw new Error(`no registered worker runs the workflow of ${file}`);
    // The worker converts JSON histories (string event ids) with its own protobuf types.
    const history: unknown = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
    // With the payload codec, as the workers run: histories recorded before it (plain payloads)
    // and after it (encrypted with the test key) both replay.
    await expect(
      Worker.runReplayHistory({ workflowsPath, dataConverter: testDataConverter() }, history, file),
    ).resolves.toBeUndefined();
  });
});
