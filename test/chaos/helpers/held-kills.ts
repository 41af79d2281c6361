// Workers killed in the middle of a provisioning step and of an onboarding review, each held at
// that point on the live platform. Provisioning:
// the authorization server's processes are frozen (SIGSTOP) while a developer creates an
// application, so the worker's registration request reaches the AS and waits there; once Temporal
// shows the registerClient activity started, the worker running it (Temporal's worker identity is
// `<pid>@<host>`) is killed, and the AS thawed. The AS then registers the client for a worker that
// is gone (the answer is lost), as in test/integration/workflows/provisioning-crash.test.ts, and another
// worker retries the step after its timeout. Onboarding: see killMidReview.
import { Client, Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { launchBrowser } from '../../../scripts/soak/browser.js';
import { DEVELOPER_PASSWORD, REDIRECT_URI, signUp, staffLogin } from '../../../scripts/soak/setup.js';
import { validCnpj } from '../../helpers/tax-ids.js';
import { until } from './faults.js';
import type { ChaosPlatform } from './platform.js';

const STARTED = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;

export interface HeldKill {
  applicationId: string;
  workflowId: string;
  killedPid: number;
  /** When the worker was killed. */
  at: number;
}

/** The running workflow of `type` with a started `activity`, and the pid of the worker running it. */
export async function startedActivity(
  client: Client,
  type: string,
  activity: string,
): Promise<{ workflowId: string; pid: number } | undefined> {
  for await (const wf of client.workflow.list({
    query: `WorkflowType = '${type}' AND ExecutionStatus = 'Running'`,
  })) {
    const d = await client.workflow.getHandle(wf.workflowId).describe();
    const a = d.raw.pendingActivities?.find((x) => x.activityType?.name === activity && x.state === STARTED);
    const pid = Number(a?.lastWorkerIdentity?.split('@')[0]);
    if (a && pid > 0) return { workflowId: wf.workflowId, pid };
  }
  return undefined;
}

export async function temporalClient(p: ChaosPlatform) {
  const connection = await Connection.connect({ address: `127.0.0.1:${p.ports.TEMPORAL_PORT}` });
  return { client: new Client({ connection, namespace: 'default' }), close: () => connection.close() };
}

/** A developer creates an application while the AS is frozen; the registering worker is killed. */
export async function killMidRegistration(p: ChaosPlatform, developer: string): Promise<HeldKill> {
  const t = await temporalClient(p);
  const browser = await launchBrowser();
  const frozen: number[] = [];
  try {
    const page = await (await browser.newContext()).newPage();
    const base = p.marketplaceUrl;
    await page.goto(`${base}/login`);
    await page.getByLabel('Email').fill(developer);
    await page.getByLabel('Password').fill(DEVELOPER_PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL(/\/apps$/);
    await page.getByRole('link', { name: 'New application' }).click();
    await page.getByLabel('Name').fill(`Chaos app ${Date.now()}`);
    await page.getByLabel('Standard').selectOption('OFB');
    await page.getByLabel('Redirect URIs (https, one per line)').fill(REDIRECT_URI);
    await page.getByLabel('Client authentication').selectOption('private_key_jwt');

    for (const name of p.replicas('auth')) {
      const pid = p.pid(name);
      process.kill(pid, 'SIGSTOP');
      frozen.push(pid);
    }
    // The answer waits for the registration: not awaited, the page is closed with the browser.
    void page
      .getByRole('button', { name: 'Create application' })
      .click()
      .catch(() => undefined);
    let found: { workflowId: string; pid: number } | undefined;
    await until(
      async () => (found = await startedActivity(t.client, 'provisioning', 'registerClient')) !== undefined,
      60_000,
      'a registerClient activity started',
    );
    process.kill(found!.pid, 'SIGKILL');
    return {
      applicationId: found!.workflowId.replace(/^provisioning-/, ''),
      workflowId: found!.workflowId,
      killedPid: found!.pid,
      at: Date.now(),
    };
  } finally {
    for (const pid of frozen) process.kill(pid, 'SIGCONT');
    await browser.close();
    await t.close();
  }
}

const WORKFLOW_TASK_STARTED =
  proto.temporal.api.enums.v1.PendingWorkflowTaskState.PENDING_WORKFLOW_TASK_STATE_STARTED;

/**
 * The bank approves an organization while every worker is frozen (SIGSTOP); once a frozen worker
 * has taken the review's workflow task, the workers are killed. Held there, the review is decided
 * at the bank and known to Temporal, and nothing of it is recorded yet.
 */
export async function killMidReview(p: ChaosPlatform): Promise<{ organization: string; at: number }> {
  const t = await temporalClient(p);
  const browser = await launchBrowser();
  const workers = p.replicas('worker').map((n) => p.pid(n));
  let thawed = false;
  try {
    const base = p.marketplaceUrl;
    const dev = await (await browser.newContext()).newPage();
    const bank = await (await browser.newContext()).newPage();
    const tag = Date.now().toString(36);
    const organization = `Chaos ${tag} Ltda`;
    await signUp(dev, base, `chaos-${tag}@fintech.example`);
    await dev
      .getByRole('navigation', { name: 'Marketplace' })
      .getByRole('link', { name: 'Organization' })
      .click();
    await dev.getByLabel('Legal name').fill(organization);
    await dev.getByLabel('Website (https)').fill('https://fintech.example');
    await dev.getByLabel('Tax id type').selectOption('CNPJ');
    await dev.getByLabel('Tax id', { exact: true }).fill(validCnpj());
    await dev.getByLabel('Open Finance Brasil').check();
    await dev.getByRole('button', { name: 'Enrol' }).click();
    await dev.getByText('Enrolment received').waitFor();

    await staffLogin(bank, base, '/admin/organizations');
    await bank.getByRole('link', { name: organization }).click();
    const running = async () => {
      for await (const wf of t.client.workflow.list({
        query: `WorkflowType = 'onboarding' AND ExecutionStatus = 'Running'`,
      }))
        return t.client.workflow.getHandle(wf.workflowId);
      return undefined;
    };
    const handle = await running();
    if (!handle) throw new Error('no onboarding workflow running');

    for (const pid of workers) process.kill(pid, 'SIGSTOP');
    void bank
      .getByRole('button', { name: 'Approve this organization' })
      .click()
      .catch(() => undefined);
    await until(
      async () => (await handle.describe()).raw.pendingWorkflowTask?.state === WORKFLOW_TASK_STARTED,
      60_000,
      "a frozen worker took the review's workflow task",
    );
    for (const pid of workers) process.kill(pid, 'SIGKILL');
    for (const pid of workers) process.kill(pid, 'SIGCONT');
    thawed = true;
    return { organization, at: Date.now() };
  } finally {
    if (!thawed)
      for (const pid of workers)
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // gone
        }
    await browser.close();
    await t.close();
  }
}
