// `RECORD_HISTORIES=1 npm run test:jest -- test/integration` refreshes the replay fixtures that
// test/unit/workflow-replay.test.ts replays on the current code.
import { writeFileSync } from 'node:fs';
import type { WorkflowHandle } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils.js';

export async function recordHistory(name: string, handle: WorkflowHandle): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const file = new URL(`../fixtures/histories/${name}.json`, import.meta.url);
  writeFileSync(file, `${JSON.stringify(JSON.parse(historyToJSON(await handle.fetchHistory())), null, 2)}\n`);
}
