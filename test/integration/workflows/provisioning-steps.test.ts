// The `provisioning` workflow (the Discovery Agent) with its activities mocked, on the test
// Temporal server: a step retried up to stepAttempts and then recorded and reported, a refusal not
// retried, the retry that registers after a failure, a rotation's overlap ending on its timer, the
// bank's suspension, and the expiry. Durations and attempts are inputs: each run takes seconds.
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { ApplicationFailure } from '@temporalio/activity';
import type { ProvisioningActivities } from '../../../activities/provisioning.js';
import { provisioningWorkflowsPath } from '../../../workers/provisioning.js';
import {
  deprovisionUpdate,
  enableUpdate,
  registeredUpdate,
  retryUpdate,
  rotateUpdate,
  stateQuery,
  suspendUpdate,
  type ProvisioningInput,
} from '../../../workflows/provisioning-types.js';
import { provisioning } from '../../../workflows/provisioning.js';
import { uniqueNames } from '../../helpers/env.js';
import { eventually } from '../../helpers/eventually.js';
import { callNames, workerWithMockedActivities } from '../../helpers/mocked-activities.js';

const names = uniqueNames(import.meta.url);

/** What the authorization server does this test: its calls fail while `failing` names them. */
const server = { failing: new Set<string>(), refuseRegistration: false };
const answer = (step: string) => {
  if (server.failing.has(step)) throw new Error(`${step}: the authorization server answered 503`);
};
const mocked: ProvisioningActivities = {
  registerClient: async ({ applicationId }) => {
    if (server.refuseRegistration)
      throw ApplicationFailure.nonRetryable('invalid_client_metadata', 'RegistrationRefused');
    answer('registerClient');
    return { clientId: `client-${applicationId}` };
  },
  updateClient: async () => answer('updateClient'),
  deleteClient: async () => answer('deleteClient'),
  addCredential: async () => answer('addCredential'),
  removeRetiredCredentials: async () => answer('removeRetiredCredentials'),
  recordStatus: async () => undefined,
  reportFailure: async () => undefined,
  notifyDeveloper: async () => undefined,
};
const worker = workerWithMockedActivities({
  taskQueue: names.taskQueue,
  workflowsPath: provisioningWorkflowsPath,
  activities: mocked,
});
const { calls } = worker;

beforeEach(() => {
  server.failing.clear();
  server.refuseRegistration = false;
});

const BANK = { by: 'staff:ana@bank.example' };
const DEVELOPER = { by: 'dev@recipient.example' };

function start(over: Partial<ProvisioningInput> = {}) {
  const applicationId = `${names.prefix}-${randomUUID()}`;
  return worker.temporal().workflow.start(provisioning, {
    taskQueue: names.taskQueue,
    workflowId: `provisioning-${applicationId}`,
    args: [
      {
        applicationId,
        organizationId: 'org-1',
        rotationOverlapMs: 60_000,
        stepTimeoutMs: 5000,
        stepAttempts: 2,
        ...over,
      },
    ],
  });
}

/** An update the workflow refused, or whose step failed, with its reason. */
const refused = (message: string | RegExp) => ({
  cause: expect.objectContaining({ message: expect.stringMatching(message) }),
});
const count = (name: string) => calls.filter((c) => c.name === name).length;

describe('registration', () => {
  it('retries a failing registration stepAttempts times, records and reports it, and registers on retry', async () => {
    server.failing.add('registerClient');
    const handle = await start();
    const failed = await handle.executeUpdate(registeredUpdate);
    expect(failed).toMatchObject({ status: 'FAILED' });
    expect(count('registerClient')).toBe(2);
    expect(failed.history).toMatchObject([{ step: 'register', by: 'marketplace', outcome: 'failed' }]);
    expect(calls.find((c) => c.name === 'reportFailure')!.input).toMatchObject({
      step: 'register',
      message: expect.stringContaining('503'),
    });
    // FAILED accepts a retry (or a deprovision) only.
    await expect(handle.executeUpdate(suspendUpdate, { args: [BANK] })).rejects.toMatchObject(
      refused('cannot suspend a client that is FAILED'),
    );

    server.failing.clear();
    const active = await handle.executeUpdate(retryUpdate, { args: [DEVELOPER] });
    expect(active).toMatchObject({ status: 'ACTIVE', clientId: expect.stringMatching(/^client-/) });
    expect(calls.at(-1)).toMatchObject({ name: 'notifyDeveloper', input: { event: 'credentials-ready' } });
    await handle.executeUpdate(deprovisionUpdate, { args: [DEVELOPER] });
    expect(await handle.result()).toMatchObject({ status: 'DEPROVISIONED' });
  });

  it('does not retry a registration the authorization server refused', async () => {
    server.refuseRegistration = true;
    const handle = await start({ stepAttempts: 5 });
    expect(await handle.executeUpdate(registeredUpdate)).toMatchObject({ status: 'FAILED' });
    expect(count('registerClient')).toBe(1);
    expect(count('reportFailure')).toBe(1);
    await handle.executeUpdate(deprovisionUpdate, { args: [BANK] });
    await handle.result();
  });
});

describe('the client lifecycle', () => {
  it('answers a failed step with its error and stays as it was', async () => {
    const handle = await start();
    await handle.executeUpdate(registeredUpdate);
    server.failing.add('updateClient');
    await expect(handle.executeUpdate(suspendUpdate, { args: [BANK] })).rejects.toMatchObject(refused(/503/));
    expect(count('updateClient')).toBe(2);
    const state = await handle.query(stateQuery);
    expect(state.status).toBe('ACTIVE');
    expect(state.history.at(-1)).toMatchObject({ step: 'suspend', outcome: 'failed' });
    expect(calls.at(-1)).toMatchObject({ name: 'reportFailure', input: { step: 'suspend' } });
    await handle.executeUpdate(deprovisionUpdate, { args: [BANK] });
    await handle.result();
  });

  it('keeps a client the bank suspended suspended until the bank enables it', async () => {
    const handle = await start();
    await handle.executeUpdate(registeredUpdate);
    expect(await handle.executeUpdate(suspendUpdate, { args: [BANK] })).toMatchObject({
      status: 'SUSPENDED',
      suspendedByBank: true,
    });
    await expect(handle.executeUpdate(enableUpdate, { args: [DEVELOPER] })).rejects.toMatchObject(
      refused('the bank suspended this client: only the bank can enable it'),
    );
    expect(await handle.executeUpdate(enableUpdate, { args: [BANK] })).toMatchObject({ status: 'ACTIVE' });
    await handle.executeUpdate(deprovisionUpdate, { args: [DEVELOPER] });
    expect(await handle.result()).toMatchObject({ status: 'DEPROVISIONED' });
  });

  it("retires the old credentials when a rotation's overlap ends, and refuses a rotation within it", async () => {
    const handle = await start({ rotationOverlapMs: 3000 });
    await handle.executeUpdate(registeredUpdate);
    const credential = { id: 'key-2', jwk: '{"kty":"EC"}' };
    const rotated = await handle.executeUpdate(rotateUpdate, { args: [{ ...DEVELOPER, credential }] });
    expect(rotated.retireAt).toBeDefined();
    await expect(
      handle.executeUpdate(rotateUpdate, {
        args: [{ ...DEVELOPER, credential: { ...credential, id: 'key-3' } }],
      }),
    ).rejects.toMatchObject(refused('the previous rotation is still in its overlap'));
    await eventually(async () => {
      const state = await handle.query(stateQuery);
      expect(state.retireAt).toBeUndefined();
      expect(state.history.at(-1)).toMatchObject({ step: 'retire', by: 'schedule', outcome: 'done' });
    });
    expect(callNames(calls).slice(-2)).toEqual(['removeRetiredCredentials', 'updateClient']);
    await handle.executeUpdate(deprovisionUpdate, { args: [DEVELOPER] });
    await handle.result();
  });

  it('deletes the client at the end of its lifetime and tells the developer', async () => {
    const handle = await start({ lifetimeMs: 1500 });
    const state = await handle.result();
    expect(state).toMatchObject({ status: 'EXPIRED' });
    expect(state.history.map((h) => [h.step, h.outcome])).toEqual([
      ['register', 'done'],
      ['expire', 'done'],
    ]);
    expect(callNames(calls).slice(-3)).toEqual(['deleteClient', 'recordStatus', 'notifyDeveloper']);
    expect(calls.at(-1)).toMatchObject({ input: { event: 'expired' } });
  });
});
