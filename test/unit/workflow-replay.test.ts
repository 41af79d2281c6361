// Determinism guard: recorded histories of every workflow must replay on the current code.
// A change that would break running workflows fails here. Refresh the fixtures on purpose with
// `RECORD_HISTORIES=1 npm run test:jest -- test/integration` (and version the workflow if needed).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { Worker } from '@temporalio/worker';
import { consentWorkflowsPath } from '../../workers/consent.js';
import { housekeepingWorkflowsPath } from '../../workers/housekeeping.js';
import { onboardingWorkflowsPath } from '../../workers/onboarding.js';
import { provisioningWorkflowsPath } from '../../workers/provisioning.js';
import { testDataConverter } from '../helpers/payload-codec.js';
import { quietSdk } from '../helpers/platform.js';

quietSdk();

const dir = new URL('../fixtures/histories/', import.meta.url);
const WORKFLOWS_PATH: Record<string, string> = {
  onboarding: onboardingWorkflowsPath,
  housekeeping: housekeepingWorkflowsPath,
  analyticsRollup: housekeepingWorkflowsPath,
  consent: consentWorkflowsPath,
  revokeCustomerConsents: consentWorkflowsPath,
  provisioning: provisioningWorkflowsPath,
};
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('workflow replay', () => {
  it('has a recorded history for every workflow', () => {
    expect(Object.keys(WORKFLOWS_PATH).filter((wf) => !fixtures.some((f) => f.startsWith(`${wf}-`)))).toEqual(
      [],
    );
  });

  it.each(fixtures)('%s replays without a determinism error', async (file) => {
    const workflowType = file.split('-')[0]!;
    const workflowsPath = WORKFLOWS_PATH[workflowType];
    if (!workflowsPath) throw new Error(`no workflows path registered for ${file}`);
    // The worker converts JSON histories (string event ids) with its own protobuf types.
    const history: unknown = JSON.parse(readFileSync(new URL(file, dir), 'utf8'));
    // With the payload codec, as the workers run: histories recorded before it (plain payloads)
    // and after it (encrypted with the test key) both replay.
    await expect(
      Worker.runReplayHistory({ workflowsPath, dataConverter: testDataConverter() }, history, file),
    ).resolves.toBeUndefined();
  });
});
