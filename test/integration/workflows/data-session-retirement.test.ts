// Old `dataSession` workflows (the per-consent read sessions of earlier versions) left running in an
// existing database end when a worker starts: terminated with a reason that says why, once, and
// nothing else is touched. The session is started here by type name with no worker, as an old
// database would hold it: no code of it is kept.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Client } from '@temporalio/client';
import { DATA_SESSION_RETIRED_REASON, retireDataSessions } from '../../../workers/retired-workflows.js';
import { uniqueNames } from '../../helpers/env.js';
import { eventually } from '../../helpers/eventually.js';
import { quietLogger, testClient } from '../../helpers/platform.js';

const names = uniqueNames(import.meta.url);
let temporal: Awaited<ReturnType<typeof testClient>>;
let client: Client;

beforeAll(async () => {
  temporal = await testClient();
  client = temporal.client;
});
afterAll(() => temporal?.close());

const visibleAsRunning = (workflowId: string) =>
  eventually(async () => {
    const count = await client.workflow.count(`WorkflowId="${workflowId}" AND ExecutionStatus="Running"`);
    expect(count.count).toBe(1);
  });

describe('retiring data sessions', () => {
  it('terminates running dataSession workflows with a clear reason, idempotently, and nothing else', async () => {
    const consentId = `urn:bank:${randomUUID()}`;
    const session = await client.workflow.start('dataSession', {
      workflowId: `data-session-${consentId}`,
      taskQueue: `${names.taskQueue}-data-fetch`,
      args: [{ consentId, idleMs: 300_000 }],
    });
    // Another workflow nobody serves either: not a data session, so it stays.
    const other = await client.workflow.start('housekeeping', {
      workflowId: `${names.prefix}-not-a-session-${randomUUID()}`,
      taskQueue: `${names.taskQueue}-unserved`,
    });
    try {
      await visibleAsRunning(session.workflowId);
      await visibleAsRunning(other.workflowId);

      expect(await retireDataSessions(client, quietLogger)).toBeGreaterThanOrEqual(1);
      const ended = await session.describe();
      expect(ended.status.name).toBe('TERMINATED');
      const history = await session.fetchHistory();
      const terminated = history.events?.find((e) => e.workflowExecutionTerminatedEventAttributes);
      expect(terminated?.workflowExecutionTerminatedEventAttributes?.reason).toBe(
        DATA_SESSION_RETIRED_REASON,
      );
      expect((await other.describe()).status.name).toBe('RUNNING');

      // Again, as the next worker start does (visibility may still list the session as running).
      await expect(retireDataSessions(client, quietLogger)).resolves.toBeGreaterThanOrEqual(0);
      expect((await session.describe()).status.name).toBe('TERMINATED');
      await eventually(async () =>
        expect(
          (await client.workflow.count(`WorkflowId="${session.workflowId}" AND ExecutionStatus="Running"`))
            .count,
        ).toBe(0),
      );
      expect(await retireDataSessions(client, quietLogger)).toBe(0);
    } finally {
      await other.terminate('test over').catch(() => undefined);
      await session.terminate('test over').catch(() => undefined);
    }
  });
});
