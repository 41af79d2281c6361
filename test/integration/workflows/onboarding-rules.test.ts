// The `onboarding` workflow's rules with its activities mocked, on the test Temporal server: the
// review update and signal (who may decide, and when), the reminders at fixed marks, and the
// expiry when nobody decides; each run's durations are inputs of a few seconds.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { OnboardingActivities } from '../../../activities/onboarding.js';
import { onboardingWorkflowsPath } from '../../../workers/onboarding.js';
import {
  enrolmentRecordedUpdate,
  reviewSignal,
  reviewUpdate,
  stateQuery,
  type OnboardingInput,
} from '../../../workflows/onboarding-types.js';
import { onboarding } from '../../../workflows/onboarding.js';
import { uniqueNames } from '../../helpers/env.js';
import { eventually } from '../../helpers/eventually.js';
import { callNames, workerWithMockedActivities } from '../../helpers/mocked-activities.js';

const names = uniqueNames(import.meta.url);
const mocked: OnboardingActivities = {
  recordEnrolment: async () => undefined,
  recordOutcome: async () => undefined,
  notify: async () => undefined,
};
const worker = workerWithMockedActivities({
  taskQueue: names.taskQueue,
  workflowsPath: onboardingWorkflowsPath,
  activities: mocked,
});
const { calls } = worker;

/** An update the workflow refused, with its reason. */
const refused = (message: string) => ({ cause: expect.objectContaining({ message }) });

function start(over: Partial<OnboardingInput> = {}) {
  const organizationId = `${names.prefix}-${randomUUID()}`;
  const input: OnboardingInput = {
    organizationId,
    enrolment: {
      legalName: 'Recipient Ltda',
      taxId: '11222333000181',
      taxIdType: 'CNPJ',
      website: 'https://recipient.example',
      contacts: [{ name: 'Ops', email: 'ops@recipient.example', role: 'technical' }],
      standards: ['OFB'],
    },
    bankAdminsEmail: 'admins@bank.example',
    reminderIntervalMs: 60_000,
    reviewTimeoutMs: 120_000,
    ...over,
  };
  return worker.temporal().workflow.start(onboarding, {
    taskQueue: names.taskQueue,
    workflowId: `${names.prefix}-onboarding-${organizationId}`,
    args: [input],
  });
}

/** The templates notified, in order. */
const notified = () =>
  calls.filter((c) => c.name === 'notify').map((c) => (c.input as { template: string }).template);

describe('the review', () => {
  it('records the enrolment, asks the bank, and on approval records and notifies the outcome', async () => {
    const handle = await start();
    expect(await handle.executeUpdate(enrolmentRecordedUpdate)).toMatchObject({ status: 'PENDING_REVIEW' });
    const state = await handle.executeUpdate(reviewUpdate, {
      args: [{ decision: 'APPROVED', reviewer: 'staff:ana' }],
    });
    expect(state).toMatchObject({
      status: 'APPROVED',
      review: { decision: 'APPROVED', reviewer: 'staff:ana' },
    });
    expect(await handle.result()).toMatchObject({ status: 'APPROVED', remindersSent: 0 });
    expect(callNames(calls)).toEqual(['recordEnrolment', 'notify', 'notify', 'recordOutcome', 'notify']);
    expect(notified()).toEqual(['enrolment-received', 'review-requested', 'enrolment-approved']);
    expect(calls.find((c) => c.name === 'recordOutcome')!.input).toMatchObject({
      status: 'APPROVED',
      review: { decision: 'APPROVED', reviewer: 'staff:ana' },
    });
  });

  it('refuses a rejection without a reason, a decision without a reviewer, and a second decision', async () => {
    const handle = await start();
    await handle.executeUpdate(enrolmentRecordedUpdate);
    await expect(
      handle.executeUpdate(reviewUpdate, { args: [{ decision: 'REJECTED', reviewer: 'staff:ana' }] }),
    ).rejects.toMatchObject(refused('a rejection needs a reason'));
    await expect(
      handle.executeUpdate(reviewUpdate, { args: [{ decision: 'APPROVED', reviewer: ' ' }] }),
    ).rejects.toMatchObject(refused('reviewer is required'));
    const rejected = await handle.executeUpdate(reviewUpdate, {
      args: [{ decision: 'REJECTED', reason: 'no licence', reviewer: 'staff:ana' }],
    });
    expect(rejected).toMatchObject({ status: 'REJECTED', review: { reason: 'no licence' } });
    await expect(
      handle.executeUpdate(reviewUpdate, { args: [{ decision: 'APPROVED', reviewer: 'staff:bruno' }] }),
    ).rejects.toMatchObject(refused('the enrolment is already REJECTED'));
    expect(await handle.result()).toMatchObject({ status: 'REJECTED' });
    expect(notified()).toEqual(['enrolment-received', 'review-requested', 'enrolment-rejected']);
  });

  it('ignores a bad signal and takes the next good one, as decided in the Temporal UI', async () => {
    const handle = await start();
    await handle.executeUpdate(enrolmentRecordedUpdate);
    await handle.signal(reviewSignal, { decision: 'REJECTED', reviewer: 'ops' });
    expect(await handle.query(stateQuery)).toMatchObject({ status: 'PENDING_REVIEW' });
    await handle.signal(reviewSignal, { decision: 'APPROVED', reviewer: 'ops' });
    expect(await handle.result()).toMatchObject({ status: 'APPROVED', review: { reviewer: 'ops' } });
  });
});

describe('without a decision', () => {
  it('reminds the bank at every interval from submission, then expires at the review timeout', async () => {
    const handle = await start({ reminderIntervalMs: 1000, reviewTimeoutMs: 2500 });
    const state = await handle.result();
    expect(state).toMatchObject({ status: 'EXPIRED', remindersSent: 2 });
    expect(state.review).toBeUndefined();
    expect(notified()).toEqual([
      'enrolment-received',
      'review-requested',
      'review-reminder',
      'review-reminder',
      'enrolment-expired',
    ]);
    // Reminder ids are per run and numbered: a retried notification is written once.
    const ids = calls.filter((c) => c.name === 'notify').map((c) => (c.input as { id: string }).id);
    expect(ids.slice(2, 4).map((id) => id.split('/')[1])).toEqual(['reminder-1', 'reminder-2']);
    expect(calls.find((c) => c.name === 'recordOutcome')!.input).toMatchObject({ status: 'EXPIRED' });
  });

  it('takes a decision that comes between reminders', async () => {
    const handle = await start({ reminderIntervalMs: 1000, reviewTimeoutMs: 60_000 });
    await eventually(async () => {
      expect((await handle.query(stateQuery)).remindersSent).toBeGreaterThanOrEqual(1);
    });
    await handle.executeUpdate(reviewUpdate, { args: [{ decision: 'APPROVED', reviewer: 'staff:ana' }] });
    expect(await handle.result()).toMatchObject({ status: 'APPROVED' });
  });
});
