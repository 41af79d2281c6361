// `provisioning` — the Discovery Agent. One workflow per application (id `provisioning-<appId>`),
// the single writer of the application's OAuth client: it registers the client at the
// authorization server by dynamic client registration (RFC 7591), delivers the credentials, then
// carries out the client's lifecycle by RFC 7592 management requests: suspend, enable, rotate
// (new key or certificate, the old one kept for an overlap), scope changes, expiry and
// deprovisioning. Each is one step in the workflow's history, retried by its activity's policy;
// a step that still fails is recorded on the application and reported to the developer.
import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ProvisioningActivities } from '../activities/provisioning.js';
import type { ClientStatus } from '../db/models/application.js';
import { ClientId, ClientStatusAttribute } from './search-attributes.js';

/** A new key or certificate for the client (public parts only: private keys never reach the platform). */
export interface NewCredential {
  id: string;
  jwk?: string;
  certificate?: string;
  subjectDn?: string;
}

export interface ProvisioningInput {
  applicationId: string;
  organizationId: string;
  /** How long a rotated-out key or certificate keeps working. */
  rotationOverlapMs: number;
  /** The client expires this long after registration; undefined: never. */
  lifetimeMs?: number;
  /** Timeout of one call to the authorization server, and how often a failing one is retried. */
  stepTimeoutMs: number;
  stepAttempts: number;
  /** Carried over by continue-as-new. */
  state?: ProvisioningState;
}

export interface ProvisioningState {
  status: ClientStatus;
  /** A suspension by the bank: only the bank may enable the client again. */
  suspendedByBank?: boolean;
  /** Consecutive failures of a timed step (retire, expire), for its back-off. */
  timerFailures?: number;
  clientId?: string;
  expiresAt?: string;
  /** When the credentials replaced by the last rotation stop working. */
  retireAt?: string;
  history: { at: string; step: string; by: string; outcome: 'done' | 'failed'; detail?: string }[];
}

export interface Actor {
  /** `staff:<email>` for the bank (see api/bank-console/access.ts), the developer's email otherwise. */
  by: string;
  reason?: string;
}

const isBank = (actor: Actor) => actor.by.startsWith('staff:');

export const stateQuery = defineQuery<ProvisioningState>('state');
/** Resolves once the first registration has succeeded or failed. */
export const registeredUpdate = defineUpdate<ProvisioningState>('registered');
export const suspendUpdate = defineUpdate<ProvisioningState, [Actor]>('suspend');
export const enableUpdate = defineUpdate<ProvisioningState, [Actor]>('enable');
export const rotateUpdate = defineUpdate<ProvisioningState, [Actor & { credential: NewCredential }]>(
  'rotate',
);
/** The organization's subscriptions changed: register the scopes they now allow. */
export const syncScopesUpdate = defineUpdate<ProvisioningState, [Actor]>('syncScopes');
export const deprovisionUpdate = defineUpdate<ProvisioningState, [Actor]>('deprovision');
/** After a failed registration: try again. */
export const retryUpdate = defineUpdate<ProvisioningState, [Actor]>('retry');

type Command =
  | { kind: 'suspend' | 'enable' | 'syncScopes' | 'deprovision' | 'retry'; actor: Actor }
  | { kind: 'rotate'; actor: Actor; credential: NewCredential };

/** Which commands each status accepts. */
const ALLOWED: Record<ClientStatus, Command['kind'][]> = {
  PROVISIONING: [],
  ACTIVE: ['suspend', 'rotate', 'syncScopes', 'deprovision'],
  SUSPENDED: ['enable', 'syncScopes', 'deprovision'],
  FAILED: ['retry', 'deprovision'],
  EXPIRED: [],
  DEPROVISIONED: [],
};

const ENDED: ClientStatus[] = ['EXPIRED', 'DEPROVISIONED'];
/** Commands a workflow run handles before it continues as new with its state. */
const COMMANDS_PER_RUN = 200;

export async function provisioning(input: ProvisioningInput): Promise<ProvisioningState> {
  const a = proxyActivities<ProvisioningActivities>({
    startToCloseTimeout: input.stepTimeoutMs,
    retry: {
      initialInterval: '1 second',
      backoffCoefficient: 2,
      maximumInterval: '1 minute',
      maximumAttempts: input.stepAttempts,
      nonRetryableErrorTypes: ['RegistrationRefused', 'ApplicationNotFound'],
    },
  });
  const { applicationId } = input;
  const state: ProvisioningState = input.state ?? { status: 'PROVISIONING', history: [] };
  const queue: { command: Command; done?: { error?: string } }[] = [];
  let handled = 0;

  setHandler(stateQuery, () => state);
  setHandler(registeredUpdate, async () => {
    await condition(() => state.status !== 'PROVISIONING');
    return state;
  });
  const enqueue = async (command: Command): Promise<ProvisioningState> => {
    const item: (typeof queue)[number] = { command };
    queue.push(item);
    await condition(() => item.done !== undefined);
    if (item.done?.error)
      throw ApplicationFailure.create({ type: 'ProvisioningStepFailed', message: item.done.error });
    return state;
  };
  /** Why `kind` cannot run now, or undefined: checked when it is asked for and again when it runs. */
  const refusal = (kind: Command['kind'], actor: Actor): string | undefined => {
    if (!ALLOWED[state.status].includes(kind)) return `cannot ${kind} a client that is ${state.status}`;
    if (kind === 'enable' && state.suspendedByBank && !isBank(actor))
      return 'the bank suspended this client: only the bank can enable it';
    return undefined;
  };
  const validate = (kind: Command['kind'], actor: Actor) => {
    if (typeof actor?.by !== 'string' || actor.by.trim() === '') throw new Error('by is required');
    // Scope syncs queue up: each reads the subscriptions as they are when it runs.
    const pending = kind !== 'syncScopes' && queue.some((q) => !q.done && q.command.kind === kind);
    if (pending) throw new Error(`a ${kind} is already in progress`);
    const why = refusal(kind, actor);
    if (why) throw new Error(why);
  };
  for (const [update, kind] of [
    [suspendUpdate, 'suspend'],
    [enableUpdate, 'enable'],
    [syncScopesUpdate, 'syncScopes'],
    [deprovisionUpdate, 'deprovision'],
    [retryUpdate, 'retry'],
  ] as const) {
    setHandler(update, (actor: Actor) => enqueue({ kind, actor }), {
      validator: (actor: Actor) => validate(kind, actor),
    });
  }
  setHandler(rotateUpdate, ({ credential, ...actor }) => enqueue({ kind: 'rotate', actor, credential }), {
    validator: ({ credential, ...actor }) => {
      validate('rotate', actor);
      if (state.retireAt) throw new Error('the previous rotation is still in its overlap');
      if (typeof credential?.id !== 'string' || !(credential.jwk || credential.certificate))
        throw new Error('a rotation needs a new public key or certificate');
    },
  });

  const record = (step: string, by: string, outcome: 'done' | 'failed', detail?: string) =>
    state.history.push({ at: new Date().toISOString(), step, by, outcome, ...(detail ? { detail } : {}) });

  /** Move to `status`, on record for the marketplace and in the Temporal UI. */
  const setStatus = async (status: ClientStatus) => {
    await a.recordStatus({
      applicationId,
      status,
      expiresAt: state.expiresAt,
      suspendedByBank: status === 'SUSPENDED' && state.suspendedByBank === true,
    });
    state.status = status;
    upsertSearchAttributes([{ key: ClientStatusAttribute, value: status }]);
  };

  /** Run one step; a failure left after the retries is recorded and reported, and returned. */
  const step = async (name: string, by: string, run: () => Promise<void>): Promise<string | undefined> => {
    try {
      await run();
      record(name, by, 'done');
      return undefined;
    } catch (err) {
      if (!(err instanceof ActivityFailure)) throw err;
      const message = err.cause?.message ?? err.message;
      record(name, by, 'failed', message);
      await a.reportFailure({ applicationId, organizationId: input.organizationId, step: name, message });
      return message;
    }
  };

  const register = async (by: string) => {
    const error = await step('register', by, async () => {
      const { clientId } = await a.registerClient({ applicationId });
      state.clientId = clientId;
      upsertSearchAttributes([{ key: ClientId, value: clientId }]);
    });
    if (error) return setStatus('FAILED');
    if (input.lifetimeMs !== undefined && !state.expiresAt)
      state.expiresAt = new Date(Date.now() + input.lifetimeMs).toISOString();
    await setStatus('ACTIVE');
    await a.notifyDeveloper({
      applicationId,
      organizationId: input.organizationId,
      event: 'credentials-ready',
    });
  };

  const run = async (command: Command): Promise<string | undefined> => {
    const { by } = command.actor;
    // An earlier command in the queue may have changed what this one may do.
    const why = refusal(command.kind, command.actor);
    if (why) return why;
    switch (command.kind) {
      case 'retry':
        await register(by);
        return state.status === 'ACTIVE' ? undefined : 'the registration failed again';
      case 'suspend': {
        const error = await step('suspend', by, () => a.updateClient({ applicationId, suspended: true }));
        if (!error) {
          state.suspendedByBank = isBank(command.actor);
          await setStatus('SUSPENDED');
        }
        return error;
      }
      case 'enable': {
        const error = await step('enable', by, () => a.updateClient({ applicationId, suspended: false }));
        if (!error) {
          state.suspendedByBank = undefined;
          await setStatus('ACTIVE');
        }
        return error;
      }
      case 'syncScopes':
        return step('syncScopes', by, () =>
          a.updateClient({ applicationId, suspended: state.status === 'SUSPENDED' }),
        );
      case 'rotate': {
        const retireAt = new Date(Date.now() + input.rotationOverlapMs).toISOString();
        const added = await step('add-credential', by, () =>
          a.addCredential({ applicationId, credential: command.credential, retireOthersAt: retireAt }),
        );
        if (added) return added;
        // The record now retires the old credentials: the timer must run whatever the update does.
        state.retireAt = retireAt;
        return step('rotate', by, () => a.updateClient({ applicationId, suspended: false }));
      }
      case 'deprovision': {
        const error = await step('deprovision', by, () => a.deleteClient({ applicationId }));
        if (!error) await setStatus('DEPROVISIONED');
        return error;
      }
    }
  };

  /** When a failed timed step is tried again: a minute, doubling, at most a day. */
  const backOff = () => {
    state.timerFailures = (state.timerFailures ?? 0) + 1;
    return new Date(Date.now() + Math.min(60_000 * 2 ** (state.timerFailures - 1), 86_400_000)).toISOString();
  };
  /** Commands left in the queue when the run ends or continues as new are answered, never left waiting. */
  const refuseQueued = (why: string) => {
    for (const q of queue) if (!q.done) q.done = { error: why };
  };

  if (state.status === 'PROVISIONING') await register('marketplace');

  while (!ENDED.includes(state.status)) {
    const deadlines = [state.retireAt, state.expiresAt]
      .filter((d): d is string => d !== undefined)
      .map((d) => Date.parse(d));
    const next = deadlines.length ? Math.min(...deadlines) : undefined;
    const wake = () => queue.some((q) => !q.done) || workflowInfo().continueAsNewSuggested;
    // condition() without a timeout resolves to undefined, not true.
    const woke =
      next === undefined
        ? (await condition(wake), true)
        : await condition(wake, Math.max(1, next - Date.now()));
    if (!woke) {
      // A timer fired: the overlap of a rotation ended, or the client expired.
      if (state.retireAt && Date.parse(state.retireAt) <= Date.now()) {
        const error = await step('retire', 'schedule', async () => {
          await a.removeRetiredCredentials({ applicationId });
          if (state.status === 'ACTIVE' || state.status === 'SUSPENDED')
            await a.updateClient({ applicationId, suspended: state.status === 'SUSPENDED' });
        });
        state.retireAt = error ? backOff() : undefined;
        if (!error) state.timerFailures = undefined;
      }
      if (state.expiresAt && Date.parse(state.expiresAt) <= Date.now()) {
        const error = await step('expire', 'schedule', () => a.deleteClient({ applicationId }));
        if (error) state.expiresAt = backOff();
        else {
          await setStatus('EXPIRED');
          await a.notifyDeveloper({ applicationId, organizationId: input.organizationId, event: 'expired' });
        }
      }
      continue;
    }
    const item = queue.find((q) => !q.done);
    if (item) {
      item.done = { error: await run(item.command) };
      handled++;
    }
    if (handled >= COMMANDS_PER_RUN || workflowInfo().continueAsNewSuggested) {
      refuseQueued('the workflow is starting a new run: try again');
      await condition(allHandlersFinished);
      await continueAsNew<typeof provisioning>({
        ...input,
        state: { ...state, history: state.history.slice(-50) },
      });
    }
  }
  refuseQueued(`the client is ${state.status}`);
  await condition(allHandlersFinished);
  return state;
}
