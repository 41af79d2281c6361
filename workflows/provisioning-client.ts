// How the marketplace and the bank's console drive the `provisioning` workflow (the Discovery
// Agent): its start with the application (update-with-start, answered once the first registration
// has succeeded or failed), the client's lifecycle as updates, and its state. The workflow's
// validators have the last word: a refused change fails with WorkflowUpdateFailedError.
// Runs outside workflows (it uses @temporalio/client): workflow code never imports it.
import {
  WithStartWorkflowOperation,
  type Client,
  type WorkflowExecutionStatusName,
} from '@temporalio/client';
import {
  deprovisionUpdate,
  enableUpdate,
  PROVISIONING_WORKFLOW,
  registeredUpdate,
  retryUpdate,
  rotateUpdate,
  stateQuery,
  suspendUpdate,
  syncScopesUpdate,
  type Actor,
  type NewCredential,
  type ProvisioningInput,
  type ProvisioningState,
  type ProvisioningWorkflow,
} from './provisioning-types.js';
import {
  ApplicationId,
  ClientStatusAttribute,
  OrganizationId,
  Standard,
} from '../lib/temporal-search-attributes.js';

export const provisioningWorkflowId = (applicationId: string) => `provisioning-${applicationId}`;

/**
 * Starts the application's workflow and answers once its first registration has succeeded or
 * failed. Fails with WorkflowExecutionAlreadyStartedError when the application already has one.
 */
export function startProvisioning(
  client: Client,
  taskQueue: string,
  input: ProvisioningInput,
  standard: string,
): Promise<ProvisioningState> {
  return client.workflow.executeUpdateWithStart(registeredUpdate, {
    startWorkflowOperation: new WithStartWorkflowOperation<ProvisioningWorkflow>(PROVISIONING_WORKFLOW, {
      workflowId: provisioningWorkflowId(input.applicationId),
      taskQueue,
      workflowIdConflictPolicy: 'FAIL',
      args: [input],
      typedSearchAttributes: [
        { key: ApplicationId, value: input.applicationId },
        { key: OrganizationId, value: input.organizationId },
        { key: Standard, value: [standard] },
        { key: ClientStatusAttribute, value: 'PROVISIONING' },
      ],
    }),
  });
}

/** Whether the workflow exists (after a failed start: whether it started all the same). */
export function provisioningStarted(client: Client, workflowId: string): Promise<boolean> {
  return client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      () => true,
      () => false,
    );
}

export type ClientLifecycle = 'suspend' | 'enable' | 'deprovision' | 'retry';
const LIFECYCLE_UPDATES = {
  suspend: suspendUpdate,
  enable: enableUpdate,
  deprovision: deprovisionUpdate,
  retry: retryUpdate,
};

/** Suspend, enable, deprovision the client, or retry its failed registration; resolves once done. */
export function changeClient(
  client: Client,
  workflowId: string,
  action: ClientLifecycle,
  actor: Actor,
): Promise<ProvisioningState> {
  return client.workflow.getHandle(workflowId).executeUpdate(LIFECYCLE_UPDATES[action], { args: [actor] });
}

/** A new credential for the client; the current ones keep working for the rotation overlap. */
export function rotateCredential(
  client: Client,
  workflowId: string,
  actor: Actor,
  credential: NewCredential,
): Promise<ProvisioningState> {
  return client.workflow
    .getHandle(workflowId)
    .executeUpdate(rotateUpdate, { args: [{ ...actor, credential }] });
}

/** The organization's subscriptions changed: the client registers the scopes they now allow. */
export function syncClientScopes(
  client: Client,
  workflowId: string,
  actor: Actor,
): Promise<ProvisioningState> {
  return client.workflow.getHandle(workflowId).executeUpdate(syncScopesUpdate, { args: [actor] });
}

export type ProvisioningWorkflowState =
  | { status: 'RUNNING' | 'COMPLETED'; state: ProvisioningState }
  | { status: Exclude<WorkflowExecutionStatusName, 'RUNNING' | 'COMPLETED'> };

/**
 * The workflow's state: live (query) while it runs, final (result) once it completed; otherwise
 * its status alone. Each call to Temporal gives up after `timeoutMs`; a workflow past its
 * retention fails with WorkflowNotFoundError.
 */
export async function provisioningWorkflowState(
  client: Client,
  workflowId: string,
  timeoutMs = 5_000,
): Promise<ProvisioningWorkflowState> {
  const handle = client.workflow.getHandle(workflowId);
  const within = <T>(run: () => Promise<T>) => client.withDeadline(Date.now() + timeoutMs, run);
  const { status } = await within(() => handle.describe());
  if (status.name === 'RUNNING')
    return { status: status.name, state: await within(() => handle.query(stateQuery)) };
  if (status.name === 'COMPLETED')
    return { status: status.name, state: await within(() => handle.result() as Promise<ProvisioningState>) };
  return { status: status.name };
}
